//! The health check: `GET /health`, 200 and `status: "ok"`, `websocket: "available"`, `endpoints`.

use super::{request, CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::{classify, platform};
use crate::facts::{HealthFacts, Inputs};
use crate::probe::stream::Conn;
use http::{Method, StatusCode, Version};
use serde_json::Value;
use std::sync::Arc;
use wsdoctor_model::{Cause, CheckId, Finding, Notice};

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs, warm: Option<Conn>) -> Output {
    let mut check = CheckRun::start(CheckId::Health, inputs);
    let path = ctx.settings.paths.health.clone();
    let response = match request::send(ctx, &mut check, inputs, Method::GET, &path, &[], warm).await
    {
        Ok(r) => r,
        Err(failed) => {
            check.learned.health = Some(Arc::new(HealthFacts::default()));
            return check.fail(failed);
        }
    };
    request::record(ctx, &mut check, &response);
    if response.status == http::StatusCode::NOT_FOUND {
        // A deployment without the platform's health contract: say so and go on.
        check.learned.health = Some(Arc::new(HealthFacts::default()));
        return check.skip(format!(
            "no health endpoint at {path} (404): this deployment does not follow the platform's /health contract"
        ));
    }
    let HealthBody {
        json: body,
        endpoints,
        status_field,
        websocket_field,
        outcome,
    } = interpret(&path, response.version, response.status, &response.body);
    let mut facts = HealthFacts {
        ok: false,
        via_envoy: platform::is_envoy(&response.headers),
        endpoints: endpoints.clone(),
    };
    match outcome {
        Err(finding) => {
            check.learned.health = Some(Arc::new(facts));
            check.fail(Failed::new(finding))
        }
        Ok(()) if body.is_none() => {
            facts.ok = true;
            check.learned.health = Some(Arc::new(facts));
            check.pass(format!(
                "{} (not JSON: no status or websocket fields to read), {:.1} ms",
                response.status.as_u16(),
                response.total.as_secs_f64() * 1000.0
            ))
        }
        Ok(()) => {
            facts.ok = true;
            check.learned.health = Some(Arc::new(facts));
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
                    Notice::of(
                        Cause::HealthIncomplete,
                        format!("{path} answered 200 without {}", missing.join(", ")),
                        "return {\"status\":\"ok\",\"websocket\":\"available\",\"endpoints\":[…]} so tools and people can read it",
                    ),
                );
            }
            check.pass(summary)
        }
    }
}

/// What a `/health` answer says, read from its status and body alone.
#[derive(Debug)]
pub(crate) struct HealthBody {
    /// The body as JSON, when it is JSON.
    pub(crate) json: Option<Value>,
    /// The endpoints it lists (an array of strings, or an object's string values).
    pub(crate) endpoints: Vec<String>,
    /// Its `status` field.
    pub(crate) status_field: Option<String>,
    /// Its `websocket` field.
    pub(crate) websocket_field: Option<String>,
    /// Healthy, or the finding that says why not.
    pub(crate) outcome: Result<(), Finding>,
}

/// Reads a `/health` answer: its JSON fields, its endpoints and the verdict. Pure: no I/O.
pub(crate) fn interpret(
    path: &str,
    version: Version,
    status: StatusCode,
    raw: &[u8],
) -> HealthBody {
    let body: Option<Value> = serde_json::from_slice(raw).ok();
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
    let outcome = if !status.is_success() {
        Err(classify::finding(
            Cause::HealthStatus,
            format!(
                "{path} answered {}{}",
                crate::probe::http::status_line(version, status),
                status_field
                    .as_deref()
                    .map(|s| format!(" with status {s:?}"))
                    .unwrap_or_default()
            ),
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
    HealthBody {
        json: body,
        endpoints,
        status_field,
        websocket_field,
        outcome,
    }
}
