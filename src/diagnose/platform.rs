//! Platform fingerprints from host names and response headers. A platform's known limits
//! (App Runner's 120 s cap, ALB's 60 s idle timeout…) turn a generic hint into a specific one.

use http::HeaderMap;
use serde::{Deserialize, Serialize};

/// A platform in front of the application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Platform {
    /// Stable id (`aws-app-runner`, `aws-alb`, `nginx`…).
    pub id: String,
    /// Display name.
    pub name: String,
    /// What gave it away (`server: envoy`, `host *.awsapprunner.com`).
    pub evidence: Vec<String>,
    /// What it means for WebSockets.
    pub note: String,
}

struct Known {
    id: &'static str,
    name: &'static str,
    note: &'static str,
}

const APP_RUNNER: Known = Known {
    id: "aws-app-runner",
    name: "AWS App Runner",
    note: "App Runner's Envoy edge does not proxy WebSocket upgrades and caps a request at 120 s",
};
const ALB: Known = Known {
    id: "aws-alb",
    name: "AWS Application Load Balancer",
    note: "ALB closes idle connections after 60 s by default (idle_timeout.timeout_seconds)",
};
const CLOUDFRONT: Known = Known {
    id: "aws-cloudfront",
    name: "Amazon CloudFront",
    note:
        "CloudFront forwards WebSockets only when the behaviour forwards all headers to the origin",
};
const CLOUDFLARE: Known = Known {
    id: "cloudflare",
    name: "Cloudflare",
    note: "Cloudflare cuts idle WebSockets after about 100 s",
};
const NGINX: Known = Known {
    id: "nginx",
    name: "nginx",
    note: "nginx needs `proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\"` and closes idle sockets after proxy_read_timeout (60 s)",
};
const HEROKU: Known = Known {
    id: "heroku",
    name: "Heroku router",
    note: "Heroku's router closes sockets idle for 55 s",
};
const ENVOY: Known = Known {
    id: "envoy",
    name: "Envoy / Istio",
    note: "Envoy needs upgrade_configs: websocket on the route; its stream idle timeout defaults to 5 minutes",
};
const CLOUD_RUN: Known = Known {
    id: "google-cloud-run",
    name: "Google Cloud Run",
    note: "Cloud Run ends every request, WebSockets included, at the service's request timeout (5 min by default)",
};
const AZURE: Known = Known {
    id: "azure-app-service",
    name: "Azure App Service",
    note: "App Service needs Web sockets turned on in the configuration",
};
const VERCEL: Known = Known {
    id: "vercel",
    name: "Vercel",
    note: "Vercel functions cannot hold WebSocket connections; host the socket elsewhere",
};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn make(known: &Known, evidence: String) -> Platform {
    Platform {
        id: known.id.to_string(),
        name: known.name.to_string(),
        evidence: vec![evidence],
        note: known.note.to_string(),
    }
}

/// Platforms the host name alone reveals.
pub fn from_host(host: &str) -> Vec<Platform> {
    let host = host.to_ascii_lowercase();
    let mut found = Vec::new();
    let rules: [(&str, &Known); 5] = [
        (".awsapprunner.com", &APP_RUNNER),
        (".run.app", &CLOUD_RUN),
        (".azurewebsites.net", &AZURE),
        (".herokuapp.com", &HEROKU),
        (".vercel.app", &VERCEL),
    ];
    for (suffix, known) in rules {
        if host.ends_with(suffix) {
            found.push(make(known, format!("host *{suffix}")));
        }
    }
    found
}

/// Platforms a response's headers reveal.
pub fn from_headers(headers: &HeaderMap) -> Vec<Platform> {
    let server = header(headers, "server").to_ascii_lowercase();
    let via = header(headers, "via").to_ascii_lowercase();
    let mut found = Vec::new();
    if server.starts_with("awselb") {
        found.push(make(&ALB, format!("server: {server}")));
    }
    if via.contains("cloudfront") || headers.contains_key("x-amz-cf-id") {
        found.push(make(
            &CLOUDFRONT,
            "via: CloudFront / x-amz-cf-id".to_string(),
        ));
    }
    if server == "cloudflare" || headers.contains_key("cf-ray") {
        found.push(make(&CLOUDFLARE, "server: cloudflare / cf-ray".to_string()));
    }
    if server.starts_with("nginx") {
        found.push(make(&NGINX, format!("server: {server}")));
    }
    if via.contains("vegur") || server.contains("heroku") {
        found.push(make(&HEROKU, "via: vegur / heroku-router".to_string()));
    }
    if server == "envoy"
        || server == "istio-envoy"
        || headers.contains_key("x-envoy-upstream-service-time")
    {
        found.push(make(&ENVOY, "server: envoy / x-envoy-*".to_string()));
    }
    if server == "google frontend" {
        found.push(make(&CLOUD_RUN, "server: Google Frontend".to_string()));
    }
    if headers.contains_key("x-vercel-id") {
        found.push(make(&VERCEL, "x-vercel-id".to_string()));
    }
    found
}

/// Whether the headers look like the Envoy edge (App Runner's front door).
pub fn is_envoy(headers: &HeaderMap) -> bool {
    let server = header(headers, "server").to_ascii_lowercase();
    server == "envoy" || server == "istio-envoy"
}

/// The App Runner platform, inferred from an Envoy edge that passes HTTP but refuses upgrades.
pub fn app_runner(evidence: &str) -> Platform {
    make(&APP_RUNNER, evidence.to_string())
}

/// Merges platform sightings (the same id seen twice keeps both pieces of evidence).
pub fn merge(into: &mut Vec<Platform>, found: Vec<Platform>) {
    for platform in found {
        match into.iter_mut().find(|p| p.id == platform.id) {
            Some(existing) => {
                for e in platform.evidence {
                    if !existing.evidence.contains(&e) {
                        existing.evidence.push(e);
                    }
                }
            }
            None => into.push(platform),
        }
    }
}

/// The platform to report: the most specific one (a managed platform beats the proxy it runs).
pub fn primary(found: &[Platform]) -> Option<Platform> {
    const ORDER: [&str; 10] = [
        "aws-app-runner",
        "google-cloud-run",
        "azure-app-service",
        "heroku",
        "vercel",
        "cloudflare",
        "aws-cloudfront",
        "aws-alb",
        "envoy",
        "nginx",
    ];
    ORDER
        .iter()
        .find_map(|id| found.iter().find(|p| p.id == *id))
        .cloned()
}
