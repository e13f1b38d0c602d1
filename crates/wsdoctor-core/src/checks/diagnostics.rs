//! The diagnostics check: `GET /api/diagnostics/websocket`, summarised, and cross-checked against
//! what this run will do.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::diagnostics as judge;
use crate::diagnose::{app_store, classify};
use crate::facts::{Inputs, ServerFacts};
use crate::request;
use http::Method;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use wsdoctor_model::evidence::{Detail, DiagnosticsDetail};
use wsdoctor_model::CheckId;

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
        return check.fail(Failed::new(judge::server_error(
            &path,
            &response.status_line(),
        )));
    }
    let Ok(body) = serde_json::from_slice::<Value>(&response.body) else {
        let (summary, notice) = judge::not_json(&path, response.status.as_u16());
        return check.warn(summary, notice);
    };
    check.common().body_excerpt = None;
    let server = server_facts(&body);
    let summary = judge::summarise(&body, &server);
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
    let run = judge::Run {
        origin: ctx.settings.origin.as_deref(),
        client_timeout: ctx.settings.limits.ws_timeout,
        echo_path: &ctx.settings.paths.echo,
    };
    let notice = judge::cross_check(&body, &server, &run);
    check.learned.server = Some(Arc::new(server));
    if let Some(store) = store.filter(|s| s.connected == Some(false)) {
        return check.fail_plain(Failed::new(judge::store_disconnected(&summary, &store)));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::diagnostics::summarise;

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
