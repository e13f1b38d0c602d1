//! The cors check: the preflight a browser on the frontend origin would send.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::request;
use http::Method;
use wsdoctor_model::evidence::{CorsDetail, Detail};
use wsdoctor_model::{Cause, CheckId, Notice};

/// The headers the reference document's CORS configuration allows for WebSockets.
pub(crate) const WEBSOCKET_CORS_HEADERS: [&str; 5] = [
    "Upgrade",
    "Connection",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
    "Sec-WebSocket-Extensions",
];

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Cors, inputs);
    let Some(origin) = ctx.settings.origin.clone() else {
        return check.skip("no origin known");
    };
    let path = ctx.settings.paths.diagnostics.clone();
    let extra = [
        ("origin", origin.clone()),
        ("access-control-request-method", "GET".to_string()),
        (
            "access-control-request-headers",
            "content-type,authorization,upgrade,connection,sec-websocket-key,sec-websocket-version,sec-websocket-extensions"
                .to_string(),
        ),
    ];
    let response = match request::send(
        ctx,
        &mut check,
        inputs,
        Method::OPTIONS,
        &path,
        &extra,
        None,
    )
    .await
    {
        Ok(r) => r,
        Err(failed) => return check.fail(failed),
    };
    request::record(ctx, &mut check, &response);
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
        return check.fail_plain(Failed::new(classify::finding(
            Cause::CorsOriginNotAllowed,
            format!(
                "the preflight from {origin} got {}",
                if allow_origin.is_empty() {
                    "no Access-Control-Allow-Origin".to_string()
                } else {
                    format!("Access-Control-Allow-Origin: {allow_origin}")
                }
            ),
        )));
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
    check.detail(Detail::Cors(CorsDetail {
        max_age: max_age.clone(),
    }));
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
            Notice::because(Cause::CorsIncomplete, problems.join("; ")),
        )
    }
}
