//! The HTTP checks: health, diagnostics, CORS preflight, session validation.

use super::{advertised_template, render_template, CheckRun, Failed, HealthFacts, RunContext};
use crate::diagnose::classify;
use crate::diagnose::codes::Cause;
use crate::diagnose::platform;
use crate::plan::CheckId;
use crate::probe::http::{exchange, HttpResponse};
use crate::report::{CheckReport, Notice};
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request};
use http_body_util::Empty;
use serde_json::{json, Value};

/// The headers the reference document's CORS configuration allows for WebSockets.
pub const WEBSOCKET_CORS_HEADERS: [&str; 5] = [
    "Upgrade",
    "Connection",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
    "Sec-WebSocket-Extensions",
];

/// Redirects an HTTP check follows, at most, on the same origin.
pub const MAX_REDIRECTS: usize = 5;

/// Sends a request to the target, following same-origin redirects (at most [`MAX_REDIRECTS`]) and
/// recording each hop. A redirect to another origin is reported, not followed, so credentials
/// and cookies never reach another host.
async fn request(
    ctx: &RunContext,
    check: &mut CheckRun,
    method: Method,
    path: &str,
    extra: &[(&str, String)],
    reuse: bool,
) -> Result<HttpResponse, Failed> {
    let mut current = format!("{}{}", ctx.base_path(), path);
    let mut hops = Vec::new();
    let mut reuse = reuse;
    let response = loop {
        let response = send_once(ctx, check, method.clone(), &current, extra, reuse).await?;
        reuse = false;
        let location = response
            .headers
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (true, Some(location)) = (response.status.is_redirection(), location) else {
            break response;
        };
        let status = response.status.as_u16();
        let mut here = ctx.config.target.clone();
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
                hops.push(json!({"status": status, "location": location, "followed": true}));
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
                hops.push(json!({"status": status, "location": location, "followed": false, "reason": reason}));
                break response;
            }
        }
    };
    if !hops.is_empty() {
        check.note("redirects", Value::Array(hops));
    }
    Ok(response)
}

/// Sends one request and records its timings and fingerprints.
async fn send_once(
    ctx: &RunContext,
    check: &mut CheckRun,
    method: Method,
    full_path: &str,
    extra: &[(&str, String)],
    reuse: bool,
) -> Result<HttpResponse, Failed> {
    let config = &ctx.config;
    let mut builder = Request::builder()
        .method(method.clone())
        .uri(full_path)
        .header(http::header::HOST, ctx.host_header())
        .header(
            http::header::USER_AGENT,
            concat!("wsdoctor/", env!("CARGO_PKG_VERSION")),
        )
        .header(http::header::ACCEPT, "application/json, */*;q=0.5");
    for (name, value) in extra {
        builder = builder.header(*name, value.as_str());
    }
    for (name, value) in &config.headers {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            Failed::new(classify::finding(
                Cause::InvalidRequest,
                format!("header name {name:?} is not valid"),
            ))
        })?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            Failed::new(classify::finding(
                Cause::InvalidRequest,
                format!("the value of header {name} is not valid"),
            ))
        })?;
        builder = builder.header(name, value);
    }
    let request = builder.body(Empty::<Bytes>::new()).map_err(|e| {
        Failed::new(classify::finding(
            Cause::InvalidRequest,
            format!("cannot build {method} {full_path}: {e}"),
        ))
    })?;
    check.note("request", format!("{method} {full_path}"));
    let conn = ctx.dial(check, reuse).await?;
    let response = exchange(conn, request, config.limits.connect_timeout)
        .await
        .map_err(|f| Failed::new(classify::http(&f)))?;
    check.phase(ctx, "http_ttfb", response.ttfb);
    ctx.saw_headers(&response.headers);
    Ok(response)
}

fn record_response(check: &mut CheckRun, response: &HttpResponse) {
    classify::response_evidence(
        &mut check.evidence,
        response.status_line(),
        &response.headers,
        &response.body,
    );
}

/// `GET /health`: 200 and `status: "ok"`, `websocket: "available"`, `endpoints`.
pub async fn health(ctx: &RunContext) -> CheckReport {
    let mut check = CheckRun::start(CheckId::Health);
    let path = ctx.config.paths.health.clone();
    let response = match request(ctx, &mut check, Method::GET, &path, &[], true).await {
        Ok(r) => r,
        Err(failed) => {
            let _ = ctx.health.set(HealthFacts::default());
            return check.fail(failed, ctx.platform().as_ref());
        }
    };
    record_response(&mut check, &response);
    let body: Option<Value> = serde_json::from_slice(&response.body).ok();
    let endpoints: Vec<String> = body
        .as_ref()
        .and_then(|b| b.get("endpoints"))
        .map(|e| match e {
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            Value::Object(map) => map
                .values()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default();
    let field = |name: &str| {
        body.as_ref()
            .and_then(|b| b.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let status_field = field("status");
    let websocket_field = field("websocket");
    let via_envoy = platform::is_envoy(&response.headers);
    let mut facts = HealthFacts {
        ok: false,
        via_envoy,
        endpoints: endpoints.clone(),
    };
    let outcome = if !response.status.is_success() {
        Err(classify::finding(
            Cause::HealthStatus,
            format!(
                "{path} answered {}{}",
                response.status_line(),
                status_field
                    .as_deref()
                    .map(|s| format!(" with status {s:?}"))
                    .unwrap_or_default()
            ),
        ))
    } else if body.is_none() {
        Err(classify::finding(
            Cause::HealthInvalid,
            format!("{path} answered 200 but not with JSON"),
        ))
    } else if status_field
        .as_deref()
        .is_some_and(|s| s != "ok" && s != "healthy")
    {
        Err(classify::finding(
            Cause::HealthDegraded,
            format!(
                "{path} says status {:?}",
                status_field.clone().unwrap_or_default()
            ),
        ))
    } else if websocket_field
        .as_deref()
        .is_some_and(|s| s != "available" && s != "ok" && s != "enabled")
    {
        Err(classify::finding(
            Cause::HealthDegraded,
            format!(
                "{path} says websocket {:?}",
                websocket_field.clone().unwrap_or_default()
            ),
        ))
    } else {
        Ok(())
    };
    match outcome {
        Err(finding) => {
            let _ = ctx.health.set(facts);
            check.fail(Failed::new(finding), ctx.platform().as_ref())
        }
        Ok(()) => {
            facts.ok = true;
            let _ = ctx.health.set(facts);
            let summary = format!(
                "{} status {:?}, websocket {:?}, {} endpoints, {:.1} ms",
                response.status.as_u16(),
                status_field.unwrap_or_else(|| "?".into()),
                websocket_field.unwrap_or_else(|| "?".into()),
                endpoints.len(),
                response.total.as_secs_f64() * 1000.0
            );
            let missing: Vec<&str> = ["status", "websocket", "endpoints"]
                .into_iter()
                .filter(|field| body.as_ref().is_some_and(|b| b.get(field).is_none()))
                .collect();
            if !missing.is_empty() {
                return check.warn(
                    summary,
                    Notice::new(
                        format!("{path} answered 200 without {}", missing.join(", ")),
                        "return {\"status\":\"ok\",\"websocket\":\"available\",\"endpoints\":[…]} so tools and people can read it",
                    ),
                );
            }
            check.pass(summary)
        }
    }
}

/// `GET /api/diagnostics/websocket`: summarised, and cross-checked against our configuration.
pub async fn diagnostics(ctx: &RunContext) -> CheckReport {
    let mut check = CheckRun::start(CheckId::Diagnostics);
    let path = ctx.config.paths.diagnostics.clone();
    let response = match request(ctx, &mut check, Method::GET, &path, &[], false).await {
        Ok(r) => r,
        Err(failed) => return check.fail(failed, ctx.platform().as_ref()),
    };
    record_response(&mut check, &response);
    if response.status.as_u16() == 404 {
        return check.warn(
            format!("{path} not found (404)"),
            Notice::new(
                "the deployment has no WebSocket diagnostics endpoint",
                "add one (see the reference write-up) or pass --diagnostics-path; --skip diagnostics silences this",
            ),
        );
    }
    if response.status.is_server_error() {
        return check.fail(
            Failed::new(classify::finding(
                Cause::ServerError,
                format!("{path} answered {}", response.status_line()),
            )),
            ctx.platform().as_ref(),
        );
    }
    let Ok(body) = serde_json::from_slice::<Value>(&response.body) else {
        return check.warn(
            format!("{path} answered {} but not JSON", response.status.as_u16()),
            Notice::new(
                "the diagnostics endpoint did not answer JSON",
                "check --diagnostics-path",
            ),
        );
    };
    check.evidence.remove("body_excerpt");
    let summary = summarise_diagnostics(&body);
    // The body is the server's to fill: keep it whole only while it stays small.
    let text = body.to_string();
    if text.len() <= 4096 {
        check.note("diagnostics", body.clone());
    } else {
        check.note(
            "diagnostics_excerpt",
            classify::body_excerpt(text.as_bytes()),
        );
    }
    if let Some(notice) = cross_check(ctx, &body) {
        return check.warn(summary, notice);
    }
    check.pass(summary)
}

fn summarise_diagnostics(body: &Value) -> String {
    let mut parts = Vec::new();
    let ws = body.get("websocket").unwrap_or(body);
    if let Some(enabled) = ws.get("enabled").and_then(Value::as_bool) {
        parts.push(
            if enabled {
                "websocket enabled"
            } else {
                "websocket DISABLED"
            }
            .to_string(),
        );
    }
    if let Some(timeout) = ws.get("connectionTimeoutMs").and_then(Value::as_u64) {
        parts.push(format!("server timeout {} s", timeout / 1000));
    }
    if let Some(ping) = ws.get("pingIntervalMs").and_then(Value::as_u64) {
        parts.push(format!("pings every {} s", ping / 1000));
    }
    if let Some(active) = body
        .pointer("/server/activeConnections")
        .and_then(Value::as_u64)
    {
        parts.push(format!("{active} active sockets"));
    }
    if let Some(connected) = body
        .pointer("/sessionStore/connected")
        .and_then(Value::as_bool)
    {
        parts.push(format!(
            "session store {}",
            if connected {
                "connected"
            } else {
                "DISCONNECTED"
            }
        ));
    }
    if parts.is_empty() {
        "JSON received".to_string()
    } else {
        parts.join(", ")
    }
}

/// Compares what the server says about itself with what this run will do.
fn cross_check(ctx: &RunContext, body: &Value) -> Option<Notice> {
    let ws = body.get("websocket").unwrap_or(body);
    if ws.get("enabled").and_then(Value::as_bool) == Some(false) {
        return Some(Notice::new(
            "the server says WebSocket support is disabled",
            "enable the WebSocket server (express-ws attached to the HTTP server)",
        ));
    }
    if body
        .pointer("/sessionStore/connected")
        .and_then(Value::as_bool)
        == Some(false)
    {
        return Some(Notice::new(
            "the server says its session store is disconnected",
            "check REDIS_URL and the store's reachability",
        ));
    }
    if let (Some(origin), Some(origins)) = (
        ctx.config.origin.as_deref(),
        body.pointer("/cors/origins").and_then(Value::as_array),
    ) {
        let listed = origins
            .iter()
            .any(|o| o.as_str() == Some(origin) || o.as_str() == Some("*"));
        if !listed {
            return Some(Notice::new(
                format!("the server's CORS origins do not list {origin}"),
                "add the frontend origin (FRONTEND_URL) to the server's CORS configuration",
            ));
        }
    }
    if let Some(test_path) = ws.pointer("/paths/test").and_then(Value::as_str) {
        if test_path != ctx.config.paths.echo {
            return Some(Notice::new(
                format!(
                    "the server's echo path is {test_path} but this run uses {}",
                    ctx.config.paths.echo
                ),
                format!("pass --echo-path {test_path}"),
            ));
        }
    }
    None
}

/// The CORS preflight from the frontend origin.
pub async fn cors(ctx: &RunContext) -> CheckReport {
    let mut check = CheckRun::start(CheckId::Cors);
    let Some(origin) = ctx.config.origin.clone() else {
        return CheckReport::skipped(CheckId::Cors, "no origin known");
    };
    let path = ctx.config.paths.diagnostics.clone();
    let extra = [
        ("origin", origin.clone()),
        ("access-control-request-method", "GET".to_string()),
        (
            "access-control-request-headers",
            "content-type,authorization,upgrade,connection,sec-websocket-key,sec-websocket-version,sec-websocket-extensions"
                .to_string(),
        ),
    ];
    let response = match request(ctx, &mut check, Method::OPTIONS, &path, &extra, false).await {
        Ok(r) => r,
        Err(failed) => return check.fail(failed, ctx.platform().as_ref()),
    };
    record_response(&mut check, &response);
    let header = |name: &str| {
        response
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let allow_origin = header("access-control-allow-origin");
    let allow_credentials = header("access-control-allow-credentials");
    let allow_headers = header("access-control-allow-headers").to_ascii_lowercase();
    let max_age = header("access-control-max-age");
    if allow_origin != origin && allow_origin != "*" {
        return check.fail(
            Failed::new(classify::finding(
                Cause::CorsOriginNotAllowed,
                format!(
                    "the preflight from {origin} got {}",
                    if allow_origin.is_empty() {
                        "no Access-Control-Allow-Origin".to_string()
                    } else {
                        format!("Access-Control-Allow-Origin: {allow_origin}")
                    }
                ),
            )),
            None,
        );
    }
    let missing: Vec<&str> = WEBSOCKET_CORS_HEADERS
        .iter()
        .copied()
        .filter(|h| {
            !allow_headers
                .split(',')
                .any(|a| a.trim() == h.to_ascii_lowercase() || a.trim() == "*")
        })
        .collect();
    let mut problems = Vec::new();
    if allow_credentials != "true" {
        problems.push("credentials not allowed".to_string());
    } else if allow_origin == "*" {
        problems.push("wildcard origin with credentials (browsers reject it)".to_string());
    }
    if !missing.is_empty() {
        problems.push(format!("Allow-Headers lacks {}", missing.join(", ")));
    }
    if max_age.is_empty() {
        problems.push(
            "no Access-Control-Max-Age: browsers repeat the preflight on every request".to_string(),
        );
    }
    check.note("max_age", max_age.clone());
    let summary = format!(
        "{origin} allowed, credentials {}, max-age {}",
        if allow_credentials == "true" {
            "yes"
        } else {
            "no"
        },
        if max_age.is_empty() {
            "unset"
        } else {
            &max_age
        }
    );
    if problems.is_empty() {
        check.pass(summary)
    } else {
        check.warn(
            summary,
            Notice::new(problems.join("; "), Cause::CorsIncomplete.hint()),
        )
    }
}

/// The session template: explicit, or advertised by `/health`.
pub fn session_template(ctx: &RunContext) -> Option<String> {
    ctx.config.paths.session.clone().or_else(|| {
        ctx.health
            .get()
            .and_then(|h| advertised_template(&h.endpoints, "session", "terminal"))
    })
}

/// The session validation endpoint: 200 valid, 401/403/404 not.
pub async fn session(ctx: &RunContext) -> CheckReport {
    let mut check = CheckRun::start(CheckId::Session);
    let Some(session) = ctx.config.session.clone() else {
        return CheckReport::skipped(CheckId::Session, "no --session given");
    };
    let Some(template) = session_template(ctx) else {
        return CheckReport::skipped(
            CheckId::Session,
            "no session path known (--session-path, or list it in /health's endpoints)",
        );
    };
    let Some(path) = render_template(&template, &session) else {
        return check.fail(
            Failed::new(classify::finding(
                Cause::InvalidUrl,
                format!("the session path template {template:?} has no {{session}} or :param"),
            )),
            None,
        );
    };
    check.note("template", template.clone());
    let response = match request(ctx, &mut check, Method::GET, &path, &[], false).await {
        Ok(r) => r,
        Err(failed) => return check.fail(failed, ctx.platform().as_ref()),
    };
    record_response(&mut check, &response);
    match response.status.as_u16() {
        200..=299 => {
            ctx.log(CheckId::Session, "Session validation successful");
            check.pass(format!("session is valid ({})", response.status.as_u16()))
        }
        401 | 403 | 404 | 410 => check.fail(
            Failed::new(classify::finding(
                Cause::SessionInvalid,
                format!(
                    "the session endpoint answered {}: the session is unknown or expired",
                    response.status_line()
                ),
            )),
            None,
        ),
        500..=599 => check.fail(
            Failed::new(classify::finding(
                Cause::ServerError,
                format!("the session endpoint answered {}", response.status_line()),
            )),
            ctx.platform().as_ref(),
        ),
        // 3xx, 400, 405…: the path is probably not the session endpoint; say so, and let the
        // terminal itself decide whether the session is valid.
        _ => check.warn(
            format!(
                "the session endpoint answered {}: cannot tell whether the session is valid",
                response.status_line()
            ),
            Notice::new(
                format!("{path} did not answer like a session endpoint"),
                "check --session-path (a template such as /api/sessions/{session})",
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_summary_reads_the_reference_shape() {
        let body = json!({"websocket": {"enabled": true, "connectionTimeoutMs": 30000},
                          "sessionStore": {"connected": false}});
        let summary = summarise_diagnostics(&body);
        assert!(summary.contains("server timeout 30 s"), "{summary}");
        assert!(summary.contains("DISCONNECTED"), "{summary}");
    }
}
