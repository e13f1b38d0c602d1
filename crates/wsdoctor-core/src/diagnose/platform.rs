//! Platform fingerprints from host names and response headers, read against the model's table.

use http::HeaderMap;
use wsdoctor_model::platform::{Platform, PlatformId, PLATFORMS};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Platforms the host name alone reveals.
pub(crate) fn from_host(host: &str) -> Vec<Platform> {
    let host = host.to_ascii_lowercase();
    PLATFORMS
        .iter()
        .filter_map(|info| {
            let suffix = info.host_suffix?;
            host.ends_with(suffix)
                .then(|| Platform::seen(info.id, format!("host *{suffix}")))
        })
        .collect()
}

/// Platforms a response's headers reveal.
pub(crate) fn from_headers(headers: &HeaderMap) -> Vec<Platform> {
    let server = header(headers, "server").to_ascii_lowercase();
    let via = header(headers, "via").to_ascii_lowercase();
    let mut found = Vec::new();
    if server.starts_with("awselb") {
        found.push(Platform::seen(
            PlatformId::AwsAlb,
            format!("server: {server}"),
        ));
    }
    if via.contains("cloudfront") || headers.contains_key("x-amz-cf-id") {
        found.push(Platform::seen(
            PlatformId::AwsCloudfront,
            "via: CloudFront / x-amz-cf-id",
        ));
    }
    if server == "cloudflare" || headers.contains_key("cf-ray") {
        found.push(Platform::seen(
            PlatformId::Cloudflare,
            "server: cloudflare / cf-ray",
        ));
    }
    if server.starts_with("nginx") {
        found.push(Platform::seen(
            PlatformId::Nginx,
            format!("server: {server}"),
        ));
    }
    if via.contains("vegur") || server.contains("heroku") {
        found.push(Platform::seen(
            PlatformId::Heroku,
            "via: vegur / heroku-router",
        ));
    }
    if is_envoy(headers) || headers.contains_key("x-envoy-upstream-service-time") {
        found.push(Platform::seen(
            PlatformId::Envoy,
            "server: envoy / x-envoy-*",
        ));
    }
    if server == "google frontend" {
        found.push(Platform::seen(
            PlatformId::GoogleCloudRun,
            "server: Google Frontend",
        ));
    }
    if headers.contains_key("x-vercel-id") {
        found.push(Platform::seen(PlatformId::Vercel, "x-vercel-id"));
    }
    found
}

/// Whether the headers look like the Envoy edge (App Runner's front door).
pub(crate) fn is_envoy(headers: &HeaderMap) -> bool {
    let server = header(headers, "server").to_ascii_lowercase();
    server == "envoy" || server == "istio-envoy"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_headers_give_platforms_away() {
        assert_eq!(
            from_host("x.eu-west-1.AWSAPPRUNNER.com")
                .first()
                .map(|p| p.id),
            Some(PlatformId::AwsAppRunner)
        );
        assert!(from_host("example.com").is_empty());
        let mut headers = HeaderMap::new();
        headers.insert("server", "awselb/2.0".parse().unwrap());
        assert_eq!(
            from_headers(&headers).first().map(|p| p.id),
            Some(PlatformId::AwsAlb)
        );
    }
}
