//! Thin public wrappers around the crate's internal parsers, for the cargo-fuzz targets in
//! `fuzz/`. Compiled only with the `fuzzing` feature; not a stable API.
//!
//! Each wrapper calls the internal function the product uses, unchanged, and converts what it
//! returns into public types.

use crate::checks::{diagnostics, health};
use crate::diagnose::classify;
use crate::facts::HealthFacts;
use crate::probe::limits::REFUSAL_BODY_LIMIT;
use crate::probe::proxy::TunnelFailure;
use crate::probe::ws;
use crate::probe::ws::sniff::{RawClose, Sniffer};
use crate::Redactor;
use http::{HeaderMap, StatusCode, Version};
use std::time::Duration;
use wsdoctor_model::{Cause, Finding};

/// Renders a path template (`{session}` or the first `:param` segment) with a session id, as the
/// session and terminal checks do; `None` when the template has no placeholder.
pub fn render_template(template: &str, session: &str) -> Option<String> {
    crate::settings::render_template(template, session)
}

/// A session id as one encoded path segment, as templates and the redactor encode it.
pub fn encode_segment(value: &str) -> String {
    crate::settings::paths::encode_segment(value)
}

/// What the health check reads from a `/health` answer.
#[derive(Debug)]
pub struct HealthReading {
    /// The body parsed as JSON.
    pub is_json: bool,
    /// The endpoints it lists.
    pub endpoints: Vec<String>,
    /// Its `status` field.
    pub status_field: Option<String>,
    /// Its `websocket` field.
    pub websocket_field: Option<String>,
    /// Healthy, or the finding that says why not.
    pub outcome: Result<(), Finding>,
}

/// Interprets a `/health` answer (status, Content-Type and raw body) at `path`, as the health
/// check does.
pub fn health_body(
    path: &str,
    status: StatusCode,
    content_type: Option<&str>,
    body: &[u8],
) -> HealthReading {
    let read = health::interpret(path, Version::HTTP_11, status, content_type, body);
    HealthReading {
        is_json: read.json.is_some(),
        endpoints: read.endpoints,
        status_field: read.status_field,
        websocket_field: read.websocket_field,
        outcome: read.outcome,
    }
}

fn health_facts(endpoints: &[String]) -> HealthFacts {
    HealthFacts {
        ok: true,
        via_envoy: false,
        endpoints: endpoints.to_vec(),
    }
}

/// The first endpoint among `endpoints` that mentions `word`, avoids `avoid` and takes a
/// parameter (`HealthFacts::template`).
pub fn health_template(endpoints: &[String], word: &str, avoid: Option<&str>) -> Option<String> {
    health_facts(endpoints).template(word, avoid)
}

/// Whether `endpoints` advertise `path` (`HealthFacts::advertises`).
pub fn health_advertises(endpoints: &[String], path: &str) -> bool {
    health_facts(endpoints).advertises(path)
}

/// What the diagnostics check reads from the diagnostics endpoint's JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticsReading {
    /// The server's timeout for unvalidated sockets.
    pub connection_timeout: Option<Duration>,
    /// The server's ping interval.
    pub ping_interval: Option<Duration>,
    /// The one-line summary the check reports.
    pub summary: String,
}

/// Interprets a diagnostics body as the diagnostics check does; `None` when it is not JSON.
pub fn diagnostics_body(body: &[u8]) -> Option<DiagnosticsReading> {
    let json = serde_json::from_slice::<serde_json::Value>(body).ok()?;
    let server = diagnostics::server_facts(&json);
    let summary = crate::diagnose::diagnostics::summarise(&json, &server);
    Some(DiagnosticsReading {
        connection_timeout: server.connection_timeout,
        ping_interval: server.ping_interval,
        summary,
    })
}

/// A complete upgrade answer head.
#[derive(Debug)]
pub struct UpgradeHead {
    /// Its status.
    pub status: StatusCode,
    /// Its HTTP version.
    pub version: Version,
    /// Its headers.
    pub headers: HeaderMap,
    /// The head's length in bytes; what follows is body or frames.
    pub len: usize,
}

/// Parses an upgrade answer's head: `Ok(None)` while incomplete, `Err` (the failure, described)
/// when it is not a usable HTTP answer.
pub fn parse_upgrade_head(bytes: &[u8]) -> Result<Option<UpgradeHead>, String> {
    match ws::parse_head(bytes) {
        Ok(None) => Ok(None),
        Ok(Some((head, len))) => Ok(Some(UpgradeHead {
            status: head.status,
            version: head.version,
            headers: head.headers,
            len,
        })),
        Err(failure) => Err(format!("{failure:?}")),
    }
}

/// Validates a 101's headers against `key` and the `offered` subprotocols; the chosen
/// subprotocol, or the failure described.
pub fn validate_upgrade(
    headers: &HeaderMap,
    key: &str,
    offered: &[String],
) -> Result<Option<String>, String> {
    ws::validate(headers, key, offered).map_err(|failure| format!("{failure:?}"))
}

/// A close frame as the server sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseSeen {
    /// No payload.
    Empty,
    /// A one-byte payload.
    OneByte,
    /// A status code.
    Code(u16),
}

/// The frame sniffer that watches a socket's incoming bytes for close frames.
#[derive(Debug, Default)]
pub struct FrameSniffer(Sniffer);

impl FrameSniffer {
    /// A sniffer at a frame boundary.
    pub fn new() -> FrameSniffer {
        FrameSniffer::default()
    }

    /// Tracks the next bytes the server sent.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.0.feed(bytes);
    }

    /// The last close frame seen.
    pub fn last_close(&self) -> Option<CloseSeen> {
        self.0.last_close.map(|close| match close {
            RawClose::Empty => CloseSeen::Empty,
            RawClose::OneByte => CloseSeen::OneByte,
            RawClose::Code(code) => CloseSeen::Code(code),
        })
    }
}

/// Whether a close code may be sent on the wire.
pub fn allowed_close_code(code: u16) -> bool {
    ws::allowed_close_code(code)
}

/// The cause a close code and reason stand for.
pub fn close_cause(code: u16, reason: &str, messages_seen: usize) -> Cause {
    classify::close_cause(code, reason, messages_seen)
}

/// How much of a refusing proxy's body the proxy probe keeps.
pub const PROXY_REFUSAL_BODY_LIMIT: usize = REFUSAL_BODY_LIMIT;

/// Classifies a proxy's refusal of CONNECT (`TunnelFailure::Refused`): the finding and the body
/// excerpt kept as evidence.
pub fn proxy_refusal(
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    redactor: &Redactor,
    proxy: &str,
    authority: &str,
) -> (Finding, Option<String>) {
    let failure = TunnelFailure::Refused {
        status,
        headers,
        body,
    };
    let (finding, evidence) = classify::tunnel(&failure, redactor, proxy, authority);
    (finding, evidence.body_excerpt)
}
