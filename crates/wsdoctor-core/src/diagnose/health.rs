//! What a `/health` answer means: the store it says it lost, its status, a body declared JSON
//! that does not parse, its `status` and `websocket` fields, and the fields it leaves out.

use crate::diagnose::{app_store, classify};
use http::{StatusCode, Version};
use serde_json::Value;
use std::time::Duration;
use wsdoctor_model::evidence::AppStoreState;
use wsdoctor_model::{Cause, Finding, Notice};

/// Why and where a body declared JSON does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unparsable {
    /// The parser's words, without its position.
    pub(crate) error: String,
    /// Line of the error, from 1.
    pub(crate) line: usize,
    /// Column of the error, from 1.
    pub(crate) column: usize,
    /// The body ended before the value did.
    pub(crate) at_end: bool,
}

/// What the health check read from an answer, for the verdict.
pub(crate) struct Answer<'a> {
    /// The health path asked.
    pub(crate) path: &'a str,
    /// The response's HTTP version.
    pub(crate) version: Version,
    /// The response's status.
    pub(crate) status: StatusCode,
    /// Its Content-Type, if any.
    pub(crate) content_type: Option<&'a str>,
    /// Its `status` field.
    pub(crate) status_field: Option<&'a str>,
    /// Its `websocket` field.
    pub(crate) websocket_field: Option<&'a str>,
    /// Why a body declared JSON does not parse.
    pub(crate) unparsable: Option<&'a Unparsable>,
    /// What it says about the session store.
    pub(crate) store: Option<&'a AppStoreState>,
}

/// Healthy, or the finding that says why not.
pub(crate) fn verdict(answer: &Answer<'_>) -> Result<(), Finding> {
    let path = answer.path;
    let status_line = || crate::probe::http::status_line(answer.version, answer.status);
    // A store the application says it lost names the dependency behind a 503 or a degraded
    // status: it is the finding that explains them.
    if let Some(down) = answer.store.filter(|s| s.connected == Some(false)) {
        return Err(classify::finding(
            Cause::StoreDisconnected,
            format!(
                "{path} answered {} and says its session store is disconnected ({})",
                status_line(),
                app_store::said_state(down)
            ),
        ));
    }
    if !answer.status.is_success() {
        return Err(classify::finding(
            Cause::HealthStatus,
            format!(
                "{path} answered {}{}",
                status_line(),
                answer
                    .status_field
                    .map(|s| format!(" with status {s:?}"))
                    .unwrap_or_default()
            ),
        ));
    }
    if let Some(failure) = answer.unparsable {
        return Err(classify::finding(
            Cause::HealthInvalid,
            format!(
                "{path} declares Content-Type {} but its body is not JSON: {} at line {} column {}; a web client's response.json() throws on it",
                answer.content_type.unwrap_or_default(),
                failure.error,
                failure.line,
                failure.column
            ),
        ));
    }
    if let Some(status) = answer
        .status_field
        .filter(|s| *s != "ok" && *s != "healthy")
    {
        return Err(classify::finding(
            Cause::HealthDegraded,
            format!("{path} says status {status:?}"),
        ));
    }
    if let Some(websocket) = answer
        .websocket_field
        .filter(|s| *s != "available" && *s != "ok" && *s != "enabled")
    {
        return Err(classify::finding(
            Cause::HealthDegraded,
            format!("{path} says websocket {websocket:?}"),
        ));
    }
    Ok(())
}

/// The skip reason for a deployment without a health endpoint.
pub(crate) fn not_found(path: &str) -> String {
    format!(
        "no health endpoint at {path} (404): this deployment does not follow the platform's /health contract"
    )
}

/// The summary of a healthy answer that is not JSON.
pub(crate) fn not_json_summary(status: StatusCode, total: Duration) -> String {
    format!(
        "{} (not JSON: no status or websocket fields to read), {:.1} ms",
        status.as_u16(),
        total.as_secs_f64() * 1000.0
    )
}

/// The summary of a healthy JSON answer.
pub(crate) fn summary(
    status: StatusCode,
    status_field: Option<String>,
    websocket_field: Option<String>,
    endpoints: usize,
    total: Duration,
) -> String {
    format!(
        "{} status {:?}, websocket {:?}, {endpoints} endpoints, {:.1} ms",
        status.as_u16(),
        status_field.unwrap_or_else(|| "?".into()),
        websocket_field.unwrap_or_else(|| "?".into()),
        total.as_secs_f64() * 1000.0
    )
}

/// The caveat of a healthy JSON answer that leaves out fields of the contract.
pub(crate) fn incomplete(path: &str, body: &Value) -> Option<Notice> {
    let missing: Vec<&str> = ["status", "websocket", "endpoints"]
        .into_iter()
        .filter(|field| body.get(field).is_none())
        .collect();
    (!missing.is_empty()).then(|| {
        Notice::of(
            Cause::HealthIncomplete,
            format!("{path} answered 200 without {}", missing.join(", ")),
            "return {\"status\":\"ok\",\"websocket\":\"available\",\"endpoints\":[…]} so tools and people can read it",
        )
    })
}
