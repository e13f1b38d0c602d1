//! The diagnostics check: `GET /api/diagnostics/websocket`, summarised, and cross-checked against
//! what this run will do.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::{app_store, classify};
use crate::facts::{Inputs, ServerFacts};
use crate::request;
use http::Method;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use wsdoctor_model::evidence::{Detail, DiagnosticsDetail};
use wsdoctor_model::timing::human;
use wsdoctor_model::{Cause, CheckId, Notice};

/// The server's JSON is kept whole up to this size; beyond it, an excerpt.
const KEEP_WHOLE: usize = 4096;

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Diagnostics, inputs);
    let path = ctx.settings.paths.diagnostics.clone();
    let response = match request::send(ctx, &mut check, inputs, Method::GET, &path, &[], None).await
    {
        Ok(r) => r,
        Err(failed) => return check.fail(failed),
    };
    request::record(ctx, &mut check, &response);
    if response.status.as_u16() == 404 {
        return check.skip(format!(
            "no diagnostics endpoint at {path} (404): nothing to cross-check"
        ));
    }
    if response.status.is_server_error() {
        return check.fail(Failed::new(classify::finding(
            Cause::ServerError,
            format!("{path} answered {}", response.status_line()),
        )));
    }
    let Ok(body) = serde_json::from_slice::<Value>(&response.body) else {
        return check.warn(
            format!("{path} answered {} but not JSON", response.status.as_u16()),
            Notice::of(
                Cause::DiagnosticsInvalid,
                "the diagnostics endpoint did not answer JSON",
                "check --diagnostics-path",
            ),
        );
    };
    check.common().body_excerpt = None;
    let server = server_facts(&body);
    let summary = summarise(&body, &server);
    let store = app_store::read(&body);
    let text = body.to_string();
    let detail = if text.len() <= KEEP_WHOLE {
        let mut body = body.clone();
        ctx.redactor.scrub(&mut body);
        DiagnosticsDetail {
            diagnostics: Some(body),
            diagnostics_excerpt: None,
            session_store: store.clone(),
        }
    } else {
        DiagnosticsDetail {
            diagnostics: None,
            diagnostics_excerpt: Some(classify::excerpt(&ctx.redactor, text.as_bytes())),
            session_store: store.clone(),
        }
    };
    check.detail(Detail::Diagnostics(detail));
    let notice = cross_check(ctx, &body, &server);
    check.learned.server = Some(Arc::new(server));
    if let Some(store) = store.filter(|s| s.connected == Some(false)) {
        // The application cannot look a session up: every terminal that depends on it will fail,
        // so this is the failure that explains theirs, not a caveat.
        return check.fail_plain(Failed::new(classify::finding(
            Cause::StoreDisconnected,
            format!(
                "{summary}: the application says its session store is disconnected ({})",
                app_store::said_state(&store)
            ),
        )));
    }
    match notice {
        Some(notice) => check.warn(summary, notice),
        None => check.pass(summary),
    }
}

/// The numbers other checks use, as the server stated them.
pub(crate) fn server_facts(body: &Value) -> ServerFacts {
    let ws = body.get("websocket").unwrap_or(body);
    let millis = |key: &str| {
        ws.get(key)
            .and_then(Value::as_u64)
            .map(Duration::from_millis)
    };
    ServerFacts {
        connection_timeout: millis("connectionTimeoutMs"),
        ping_interval: millis("pingIntervalMs"),
        key_template: key_template(body),
    }
}

/// The session store's key template the server advertises, in any of the shapes
/// [`app_store::read`] understands.
fn key_template(body: &Value) -> Option<String> {
    app_store::read(body)?.key_template
}

pub(crate) fn summarise(body: &Value, server: &ServerFacts) -> String {
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
    if let Some(timeout) = server.connection_timeout {
        parts.push(format!("server timeout {}", human(timeout)));
    }
    if let Some(ping) = server.ping_interval {
        parts.push(format!("pings every {}", human(ping)));
    }
    if let Some(active) = body
        .pointer("/server/activeConnections")
        .and_then(Value::as_u64)
    {
        parts.push(format!("{active} active sockets"));
    }
    if let Some(store) = app_store::read(body) {
        let state = match store.connected {
            Some(true) => "connected",
            Some(false) => "DISCONNECTED",
            None => "state not understood",
        };
        // The reference's own name goes without saying; another is named.
        let named = if store.field == "sessionStore" {
            String::new()
        } else {
            format!(" ({})", store.field)
        };
        parts.push(format!("session store{named} {state}"));
    }
    if parts.is_empty() {
        "JSON received".to_string()
    } else {
        parts.join(", ")
    }
}

/// Compares what the server says about itself with what this run will do.
fn cross_check(ctx: &Ctx, body: &Value, server: &ServerFacts) -> Option<Notice> {
    let ws = body.get("websocket").unwrap_or(body);
    if ws.get("enabled").and_then(Value::as_bool) == Some(false) {
        return Some(Notice::of(
            Cause::WebsocketDisabled,
            "the server says WebSocket support is disabled",
            "enable the WebSocket server (express-ws attached to the HTTP server)",
        ));
    }
    if let (Some(origin), Some(origins)) = (
        ctx.settings.origin.as_deref(),
        body.pointer("/cors/origins").and_then(Value::as_array),
    ) {
        let listed = origins
            .iter()
            .any(|o| o.as_str() == Some(origin) || o.as_str() == Some("*"));
        if !listed {
            return Some(Notice::of(
                Cause::CorsOriginNotListed,
                format!("the server's CORS origins do not list {origin}"),
                "add the frontend origin (FRONTEND_URL) to the server's CORS configuration",
            ));
        }
    }
    let client = ctx.settings.limits.ws_timeout;
    if let Some(timeout) = server.connection_timeout.filter(|t| *t < client) {
        return Some(Notice::of(
            Cause::ServerTimeoutBelowClient,
            format!(
                "the server closes a socket it has not validated after {} (1008), sooner than the web client's {} timeout",
                human(timeout),
                human(client)
            ),
            "a session lookup slower than the server's timeout ends in 1008 \"Connection timeout\": keep the server's timeout above the client's, and the lookup fast",
        ));
    }
    let echo = &ctx.settings.paths.echo;
    if let Some(test_path) = ws.pointer("/paths/test").and_then(Value::as_str) {
        if test_path != echo {
            return Some(Notice::of(
                Cause::EchoPathMismatch,
                format!("the server's echo path is {test_path} but this run uses {echo}"),
                format!("pass --echo-path {test_path}"),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_reads_the_reference_shape() {
        let body = serde_json::json!({"websocket": {"enabled": true, "connectionTimeoutMs": 30000},
                          "sessionStore": {"connected": false}});
        let summary = summarise(&body, &server_facts(&body));
        assert!(summary.contains("server timeout 30 s"), "{summary}");
        assert!(summary.contains("DISCONNECTED"), "{summary}");
        // As the server stated it: 1500 ms is 1.5 s, not "1 s".
        let body = serde_json::json!({"websocket": {"connectionTimeoutMs": 1500}});
        let server = server_facts(&body);
        assert_eq!(server.connection_timeout, Some(Duration::from_millis(1500)));
        assert!(summarise(&body, &server).contains("server timeout 1.5 s"));
    }

    #[test]
    fn the_key_template_is_read_from_the_session_store() {
        let template =
            |store: Value| server_facts(&serde_json::json!({ "sessionStore": store })).key_template;
        assert_eq!(
            template(serde_json::json!({"keyTemplate": "app:{session}:data"})).as_deref(),
            Some("app:{session}:data")
        );
        assert_eq!(
            template(serde_json::json!({"keyPrefix": "sess:"})).as_deref(),
            Some("sess:{session}")
        );
        assert_eq!(
            template(serde_json::json!({"keyTemplate": "no-placeholder"})),
            None
        );
        // The Express + node-redis shape.
        let body = serde_json::json!({"redis": {"connected": false, "status": "disconnected",
            "keyPrefix": "sess:"}});
        assert_eq!(
            server_facts(&body).key_template.as_deref(),
            Some("sess:{session}")
        );
        assert!(
            summarise(&body, &server_facts(&body)).contains("session store (redis) DISCONNECTED")
        );
    }
}
