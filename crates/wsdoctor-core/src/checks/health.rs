//! The health check: `GET /health`, 200 and `status: "ok"`, `websocket: "available"`, `endpoints`.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::health::{self as judge, Unparsable};
use crate::diagnose::platform;
use crate::facts::{HealthFacts, Inputs};
use crate::probe::stream::Conn;
use crate::request;
use http::{Method, StatusCode, Version};
use serde_json::Value;
use std::sync::Arc;
use wsdoctor_model::evidence::{AppStoreState, Detail, HealthDetail, JsonError};
use wsdoctor_model::{Cause, CheckId, Finding};

/// How much of the body is shown on either side of a parse error.
const NEAR_ERROR: usize = 32;

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
        return check.skip(judge::not_found(&path));
    }
    let content_type = response
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let HealthBody {
        json: body,
        endpoints,
        status_field,
        websocket_field,
        unparsable,
        store,
        outcome,
    } = interpret(
        &path,
        response.version,
        response.status,
        content_type,
        &response.body,
    );
    let json_error = match (&unparsable, &outcome) {
        (Some(failure), Err(finding)) if finding.cause == Cause::HealthInvalid => {
            Some(json_error(&ctx.redactor, &response.body, failure))
        }
        _ => None,
    };
    if json_error.is_some() || store.is_some() {
        check.detail(Detail::Health(HealthDetail {
            json_error,
            session_store: store,
        }));
    }
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
        Ok(()) => {
            facts.ok = true;
            check.learned.health = Some(Arc::new(facts));
            let Some(body) = body else {
                return check.pass(judge::not_json_summary(response.status, response.total));
            };
            let summary = judge::summary(
                response.status,
                status_field,
                websocket_field,
                endpoints.len(),
                response.total,
            );
            match judge::incomplete(&path, &body) {
                Some(notice) => check.warn(summary, notice),
                None => check.pass(summary),
            }
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
    /// Why a body declared JSON does not parse.
    pub(crate) unparsable: Option<Unparsable>,
    /// What it says about the session store.
    pub(crate) store: Option<AppStoreState>,
    /// Healthy, or the finding that says why not.
    pub(crate) outcome: Result<(), Finding>,
}

/// Whether a Content-Type declares JSON (`application/json`, or any `+json` type), which is
/// what makes a web client call `response.json()` on it.
pub(crate) fn declares_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .split_once('/')
            .is_some_and(|(_, sub)| sub.ends_with("+json"))
}

/// The body as a browser's `response.json()` reads it: UTF-8 with replacement characters for
/// invalid bytes, a leading byte-order mark dropped.
fn as_browser_text(raw: &[u8]) -> std::borrow::Cow<'_, str> {
    let raw = raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw);
    String::from_utf8_lossy(raw)
}

/// The evidence for a body that does not parse: the parser's words, its position, and a bounded
/// excerpt around it with the place marked. Each side is masked whole before it is cut, so a
/// secret straddling the cut cannot show.
fn json_error(redactor: &crate::redact::Redactor, raw: &[u8], at: &Unparsable) -> JsonError {
    let text = as_browser_text(raw);
    // The parser's column is the offending byte's (from 1); at the end of the input, the end.
    let offset = if at.at_end {
        text.len()
    } else {
        text.split_inclusive('\n')
            .take(at.line.saturating_sub(1))
            .map(str::len)
            .sum::<usize>()
            .saturating_add(at.column.saturating_sub(1))
            .min(text.len())
    };
    let mut cut = offset;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = redactor.text(&text[..cut]);
    let after = redactor.text(&text[cut..]);
    let before_chars = before.chars().count();
    let shown_before: String = before
        .chars()
        .skip(before_chars.saturating_sub(NEAR_ERROR))
        .collect();
    let shown_after: String = after.chars().take(NEAR_ERROR).collect();
    let near = format!(
        "{}{shown_before}⟨here⟩{shown_after}{}",
        if before_chars > NEAR_ERROR { "…" } else { "" },
        if after.chars().count() > NEAR_ERROR {
            "…"
        } else {
            ""
        },
    );
    JsonError {
        error: at.error.clone(),
        line: at.line,
        column: at.column,
        near,
    }
}

/// Reads a `/health` answer: its JSON fields, its endpoints and the verdict. Pure: no I/O.
pub(crate) fn interpret(
    path: &str,
    version: Version,
    status: StatusCode,
    content_type: Option<&str>,
    raw: &[u8],
) -> HealthBody {
    // serde_json's default recursion limit (128) bounds the parser's stack on any nesting.
    let parsed: Result<Value, serde_json::Error> = serde_json::from_str(&as_browser_text(raw));
    let declared = content_type.map(declares_json).unwrap_or(false);
    let unparsable = match &parsed {
        Err(e) if declared => {
            let words = e.to_string();
            // The position is reported on its own; keep the parser's words without it.
            let error = match words.rfind(" at line ") {
                Some(i) => words[..i].to_string(),
                None => words,
            };
            Some(Unparsable {
                error,
                line: e.line(),
                column: e.column(),
                at_end: e.is_eof(),
            })
        }
        _ => None,
    };
    let body: Option<Value> = parsed.ok();
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
    let store = body.as_ref().and_then(crate::diagnose::app_store::read);
    let outcome = judge::verdict(&judge::Answer {
        path,
        version,
        status,
        content_type,
        status_field: status_field.as_deref(),
        websocket_field: websocket_field.as_deref(),
        unparsable: unparsable.as_ref(),
        store: store.as_ref(),
    });
    HealthBody {
        json: body,
        endpoints,
        status_field,
        websocket_field,
        unparsable,
        store,
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_declared_by_its_media_type_whatever_its_parameters() {
        for declared in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/health+json",
            "application/problem+json;charset=utf-8",
        ] {
            assert!(declares_json(declared), "{declared}");
        }
        for not in ["text/plain", "text/html", "application/jsonp", "json", ""] {
            assert!(!declares_json(not), "{not}");
        }
    }

    #[test]
    fn a_nesting_deeper_than_the_parser_reads_is_invalid_without_a_stack_overflow() {
        let depth = 1_000_000;
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let read = interpret(
            "/health",
            Version::HTTP_11,
            StatusCode::OK,
            Some("application/json"),
            body.as_bytes(),
        );
        let failure = read.unparsable.expect("not read");
        assert!(failure.error.contains("recursion limit"), "{failure:?}");
        assert_eq!(read.outcome.map_err(|f| f.cause), Err(Cause::HealthInvalid));
    }
}
