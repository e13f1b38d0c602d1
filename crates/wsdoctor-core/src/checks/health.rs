//! The health check: `GET /health`, 200 and `status: "ok"`, `websocket: "available"`, `endpoints`.

use super::{request, CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::{classify, platform};
use crate::facts::{HealthFacts, Inputs};
use crate::probe::stream::Conn;
use http::Method;
use serde_json::Value;
use std::sync::Arc;
use wsdoctor_model::{Cause, CheckId, Notice};

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
    let mut facts = HealthFacts {
        ok: false,
        via_envoy: platform::is_envoy(&response.headers),
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
