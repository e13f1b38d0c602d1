//! What a CORS preflight's answer means for a page on the frontend origin: refused, or allowed
//! with the caveats that still break a socket or slow every request.

use crate::diagnose::classify;
use wsdoctor_model::{Cause, Finding, Notice};

/// The headers the reference document's CORS configuration allows for WebSockets.
pub(crate) const WEBSOCKET_CORS_HEADERS: [&str; 5] = [
    "Upgrade",
    "Connection",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
    "Sec-WebSocket-Extensions",
];

/// The preflight's answer, header by header (empty when absent).
pub(crate) struct Preflight<'a> {
    /// The origin the preflight came from.
    pub(crate) origin: &'a str,
    /// `Access-Control-Allow-Origin`.
    pub(crate) allow_origin: &'a str,
    /// `Access-Control-Allow-Credentials`.
    pub(crate) allow_credentials: &'a str,
    /// `Access-Control-Allow-Headers`, lower-cased.
    pub(crate) allow_headers: &'a str,
    /// `Access-Control-Max-Age`.
    pub(crate) max_age: &'a str,
}

/// The failure of a preflight whose answer does not allow the origin.
pub(crate) fn refused(preflight: &Preflight<'_>) -> Option<Finding> {
    let Preflight {
        origin,
        allow_origin,
        ..
    } = *preflight;
    if allow_origin == origin || allow_origin == "*" {
        return None;
    }
    Some(classify::finding(
        Cause::CorsOriginNotAllowed,
        format!(
            "the preflight from {origin} got {}",
            if allow_origin.is_empty() {
                "no Access-Control-Allow-Origin".to_string()
            } else {
                format!("Access-Control-Allow-Origin: {allow_origin}")
            }
        ),
    ))
}

/// The summary of a preflight that allows the origin.
pub(crate) fn summary(preflight: &Preflight<'_>) -> String {
    format!(
        "{} allowed, credentials {}, max-age {}",
        preflight.origin,
        if preflight.allow_credentials == "true" {
            "yes"
        } else {
            "no"
        },
        if preflight.max_age.is_empty() {
            "unset"
        } else {
            preflight.max_age
        }
    )
}

/// The caveats of a preflight that allows the origin, if it has any.
pub(crate) fn caveats(preflight: &Preflight<'_>) -> Option<Notice> {
    let missing: Vec<&str> = WEBSOCKET_CORS_HEADERS
        .iter()
        .copied()
        .filter(|h| {
            !preflight
                .allow_headers
                .split(',')
                .any(|a| a.trim() == h.to_ascii_lowercase() || a.trim() == "*")
        })
        .collect();
    let mut problems = Vec::new();
    if preflight.allow_credentials != "true" {
        problems.push("credentials not allowed".to_string());
    } else if preflight.allow_origin == "*" {
        problems.push("wildcard origin with credentials (browsers reject it)".to_string());
    }
    if !missing.is_empty() {
        problems.push(format!("Allow-Headers lacks {}", missing.join(", ")));
    }
    if preflight.max_age.is_empty() {
        problems.push(
            "no Access-Control-Max-Age: browsers repeat the preflight on every request".to_string(),
        );
    }
    (!problems.is_empty()).then(|| Notice::because(Cause::CorsIncomplete, problems.join("; ")))
}
