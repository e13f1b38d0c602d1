//! Every bound on what a server may send a probe, in one place: a probe must not be made to
//! read, keep or wait without bound, and a finding that names a limit names the one enforced.

use std::time::Duration;

/// The largest response head read, for an HTTP request and for a WebSocket upgrade alike; no real
/// server sends more.
pub(crate) const HEAD_LIMIT: usize = 64 * 1024;

/// HTTP bodies are read up to this many bytes; a health endpoint has no business sending more.
pub(crate) const BODY_LIMIT: usize = 1024 * 1024;

/// Header lines an HTTP response may have. hyper sets aside room for this many on every read of
/// a head, so it is a cost per response: at 16,384 (enough never to bind before [`HEAD_LIMIT`])
/// that room was a megabyte a response and the largest cost of a fleet run. No server sends a
/// thousand header lines; a head that does is reported as too large.
pub(crate) const HTTP_MAX_HEADERS: usize = 1024;

/// Header lines the answer to a WebSocket upgrade may have (parsed on the stack, so fewer than
/// an HTTP response's; an upgrade answer has a handful).
pub(crate) const UPGRADE_MAX_HEADERS: usize = 128;

/// The largest response head (header list) accepted from an HTTP/2 server.
pub(crate) const HEADER_LIST_LIMIT: u32 = 64 * 1024;

/// How much of a refusing answer's body is kept as evidence: an upgrade's (HTTP/1.1 or HTTP/2)
/// or a proxy's.
pub(crate) const REFUSAL_BODY_LIMIT: usize = 4096;

/// How long a refusing answer's body is waited for, at most: it is evidence, not the verdict.
pub(crate) const REFUSAL_BODY_WAIT: Duration = Duration::from_millis(500);

/// The most of an HTTP/2 frame's payload the frame watcher keeps: SETTINGS and GOAWAY are small,
/// and a GOAWAY's debug text is evidence, not a transcript.
pub(crate) const KEPT_PAYLOAD: usize = 1024;
