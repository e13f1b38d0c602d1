//! The HTTP exchange the HTTP checks share: one request to the target, following same-origin
//! redirects, each hop recorded; the answer recorded as evidence.

use crate::checks::{CheckRun, Failed};
use crate::context::Ctx;
use crate::diagnose::{classify, platform};
use crate::facts::Inputs;
use crate::probe::headers::{self, USER_AGENT};
use crate::probe::http::{exchange, HttpResponse};
use crate::probe::stream::Conn;
use crate::transport::dial;
use bytes::Bytes;
use http::{Method, Request};
use http_body_util::Empty;
use wsdoctor_model::evidence::Redirect;
use wsdoctor_model::{Cause, Phase};

/// Redirects an HTTP check follows, at most, on the same origin.
pub(crate) const MAX_REDIRECTS: usize = 5;

/// Sends a request to the target, following same-origin redirects (at most [`MAX_REDIRECTS`]) and
/// recording each hop. A redirect to another origin is reported, not followed, so credentials
/// and cookies never reach another host.
pub(crate) async fn send(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    method: Method,
    path: &str,
    extra: &[(&str, String)],
    warm: Option<Conn>,
) -> Result<HttpResponse, Failed> {
    let settings = &ctx.settings;
    // One answer, redirects included, gets one --connect-timeout budget.
    let deadline = tokio::time::Instant::now() + settings.limits.connect_timeout;
    let mut current = format!("{}{}", settings.target.base_path(), path);
    let mut hops = Vec::new();
    let mut warm = warm;
    let response = loop {
        let response = send_once(
            ctx,
            check,
            inputs,
            (method.clone(), &current, extra),
            warm.take(),
            deadline,
        )
        .await?;
        let location = response
            .headers
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (true, Some(location)) = (response.status.is_redirection(), location) else {
            break response;
        };
        let status = response.status.as_u16();
        let mut here = settings.target.url().clone();
        here.set_path(current.split('?').next().unwrap_or("/"));
        here.set_query(current.split_once('?').map(|(_, q)| q));
        let next = here.join(&location).ok();
        let same_origin = next.as_ref().is_some_and(|n| {
            n.scheme() == here.scheme()
                && n.host_str() == here.host_str()
                && n.port_or_known_default() == here.port_or_known_default()
        });
        match next {
            Some(next) if same_origin && hops.len() < MAX_REDIRECTS && method == Method::GET => {
                hops.push(Redirect {
                    status,
                    location: location.clone(),
                    followed: true,
                    reason: None,
                });
                ctx.log(check.id, format!("Following {status} to {location}"));
                current = match next.query() {
                    Some(q) => format!("{}?{q}", next.path()),
                    None => next.path().to_string(),
                };
            }
            _ => {
                let reason = if !same_origin {
                    "another origin: not followed, so no credentials or cookies were sent there"
                } else {
                    "redirect limit reached"
                };
                hops.push(Redirect {
                    status,
                    location,
                    followed: false,
                    reason: Some(reason.to_string()),
                });
                break response;
            }
        }
    };
    check.common().redirects = hops;
    Ok(response)
}

/// Sends one request and records its timings and fingerprints.
async fn send_once(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    (method, full_path, extra): (Method, &str, &[(&str, String)]),
    warm: Option<Conn>,
    deadline: tokio::time::Instant,
) -> Result<HttpResponse, Failed> {
    let settings = &ctx.settings;
    let invalid = |message: String| Failed::new(classify::finding(Cause::InvalidRequest, message));
    let mut builder = Request::builder()
        .method(method.clone())
        .uri(full_path)
        .header(http::header::HOST, settings.target.host_header())
        .header(http::header::USER_AGENT, USER_AGENT)
        .header(http::header::ACCEPT, "application/json, */*;q=0.5");
    for (name, value) in extra {
        builder = builder.header(*name, value.as_str());
    }
    for header in settings.headers.iter() {
        let (name, value) =
            headers::header(&header.name, header.value.reveal()).map_err(invalid)?;
        builder = builder.header(name, value);
    }
    let request = builder
        .body(Empty::<Bytes>::new())
        .map_err(|e| invalid(format!("cannot build {method} {full_path}: {e}")))?;
    check.common().request = Some(format!("{method} {full_path}"));
    let conn = dial(ctx, check, inputs, warm, settings.roads.alpn()).await?;
    let version = if conn.is_h2() {
        http::Version::HTTP_2
    } else {
        http::Version::HTTP_11
    };
    check.common().http_version = Some(version_name(version));
    let trace = ctx.trace(check.id);
    let response = exchange(
        conn,
        request,
        deadline,
        settings.limits.connect_timeout,
        &trace,
    )
    .await
    .map_err(|f| Failed::new(classify::http(&f)))?;
    check.phase(ctx, Phase::HttpTtfb, response.ttfb);
    check.common().http_version = Some(version_name(response.version));
    check.over_http2 = response.version == http::Version::HTTP_2;
    check.saw(platform::from_headers(&response.headers));
    Ok(response)
}

/// An HTTP version as people write it (`HTTP/1.1`, `HTTP/2`).
pub(crate) fn version_name(version: http::Version) -> String {
    match version {
        http::Version::HTTP_09 => "HTTP/0.9",
        http::Version::HTTP_10 => "HTTP/1.0",
        http::Version::HTTP_2 => "HTTP/2",
        http::Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/1.1",
    }
    .to_string()
}

/// Records an HTTP answer as the check's evidence.
pub(crate) fn record(ctx: &Ctx, check: &mut CheckRun, response: &HttpResponse) {
    classify::response_evidence(
        check.common(),
        &ctx.redactor,
        response.status_line(),
        &response.headers,
        &response.body,
    );
}
