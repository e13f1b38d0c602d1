//! What the diagnostics endpoint says about the server, read against what this run will do: its
//! summary, a session store it lost, and the settings that disagree with the run's.

use crate::diagnose::{app_store, classify};
use crate::facts::ServerFacts;
use serde_json::Value;
use std::time::Duration;
use wsdoctor_model::evidence::AppStoreState;
use wsdoctor_model::timing::human;
use wsdoctor_model::{Cause, Finding, Notice};

/// The failure of a diagnostics endpoint that answered `status_line`, a server error.
pub(crate) fn server_error(path: &str, status_line: &str) -> Finding {
    classify::finding(Cause::ServerError, format!("{path} answered {status_line}"))
}

/// The summary and caveat of a diagnostics endpoint that answered `status` without JSON.
pub(crate) fn not_json(path: &str, status: u16) -> (String, Notice) {
    (
        format!("{path} answered {status} but not JSON"),
        Notice::of(
            Cause::DiagnosticsInvalid,
            "the diagnostics endpoint did not answer JSON",
            "check --diagnostics-path",
        ),
    )
}

/// The failure of an application that says its session store is disconnected: every terminal
/// that depends on it will fail, so this is the failure that explains theirs, not a caveat.
pub(crate) fn store_disconnected(summary: &str, store: &AppStoreState) -> Finding {
    classify::finding(
        Cause::StoreDisconnected,
        format!(
            "{summary}: the application says its session store is disconnected ({})",
            app_store::said_state(store)
        ),
    )
}

/// The one-line summary of what the server says about itself.
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

/// What this run will do, for the cross-check.
pub(crate) struct Run<'a> {
    /// The frontend's origin, if known.
    pub(crate) origin: Option<&'a str>,
    /// The web client's socket timeout.
    pub(crate) client_timeout: Duration,
    /// The echo path this run uses.
    pub(crate) echo_path: &'a str,
}

/// Compares what the server says about itself with what this run will do.
pub(crate) fn cross_check(body: &Value, server: &ServerFacts, run: &Run<'_>) -> Option<Notice> {
    let ws = body.get("websocket").unwrap_or(body);
    if ws.get("enabled").and_then(Value::as_bool) == Some(false) {
        return Some(Notice::of(
            Cause::WebsocketDisabled,
            "the server says WebSocket support is disabled",
            "enable the WebSocket server (express-ws attached to the HTTP server)",
        ));
    }
    if let (Some(origin), Some(origins)) = (
        run.origin,
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
    let client = run.client_timeout;
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
    let echo = run.echo_path;
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
