//! One HTTP/1.1 exchange through hyper over a connection this tool opened, so that connect, TLS
//! and time-to-first-byte are timed apart.

use super::stream::{Conn, Counted};
use super::OsError;
use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode, Version};
use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper_util::rt::TokioIo;
use std::time::{Duration, Instant};

/// Bodies are read up to this many bytes; a health endpoint has no business sending more.
pub(crate) const BODY_LIMIT: usize = 1024 * 1024;

/// Response heads are read up to this many bytes.
pub(crate) const HEAD_LIMIT: usize = 64 * 1024;

/// Header lines a response may have; a head of this many lines exceeds [`HEAD_LIMIT`] first.
const MAX_HEADERS: usize = HEAD_LIMIT / 4;

/// A response, with its timings.
#[derive(Debug, Clone)]
pub(crate) struct HttpResponse {
    /// Status code.
    pub(crate) status: StatusCode,
    /// HTTP version.
    pub(crate) version: Version,
    /// Response headers.
    pub(crate) headers: HeaderMap,
    /// The body, at most [`BODY_LIMIT`] bytes.
    pub(crate) body: Bytes,
    /// Time from sending the request to the response head.
    pub(crate) ttfb: Duration,
    /// Time from sending the request to the end of the body.
    pub(crate) total: Duration,
}

impl HttpResponse {
    /// `HTTP/1.1 200 OK`.
    pub(crate) fn status_line(&self) -> String {
        status_line(self.version, self.status)
    }
}

/// A status line as it appeared on the wire.
pub(crate) fn status_line(version: Version, status: StatusCode) -> String {
    format!(
        "{version:?} {} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
    .trim_end()
    .to_string()
}

/// Why an exchange failed.
#[derive(Debug, Clone)]
pub(crate) enum HttpFailure {
    /// No complete answer within the budget.
    Timeout(Duration),
    /// The connection closed before a response head arrived.
    ClosedWithoutAnswer,
    /// The response head grew past [`HEAD_LIMIT`].
    HeadTooLarge,
    /// The answer was not valid HTTP.
    Malformed(String),
    /// The body was larger than [`BODY_LIMIT`].
    BodyTooLarge,
    /// The connection closed before the body was complete.
    BodyCut(String),
    /// The connection broke.
    Io(OsError),
}

/// Sends `request` on `conn` and reads the whole response, head and body together, by
/// `deadline` (`budget` is how long that was, for the message).
pub(crate) async fn exchange(
    conn: Conn,
    request: Request<Empty<Bytes>>,
    deadline: tokio::time::Instant,
    budget: Duration,
) -> Result<HttpResponse, HttpFailure> {
    let read = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .max_buf_size(HEAD_LIMIT)
        // Enough that the head's size, not its count of lines, is what runs out first: hyper
        // reports both as "too large", and only the size can be measured from here.
        .max_headers(MAX_HEADERS)
        .handshake(TokioIo::new(Counted::new(conn, read.clone())))
        .await
        .map_err(|e| failure(&e, 0))?;
    // The connection future drives the socket; it ends when the exchange is done or dropped.
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    let start = Instant::now();
    let outcome = async {
        let response = match tokio::time::timeout_at(deadline, sender.send_request(request)).await {
            Err(_) => return Err(HttpFailure::Timeout(budget)),
            Ok(Err(e)) => return Err(failure(&e, read.load(std::sync::atomic::Ordering::Relaxed))),
            Ok(Ok(response)) => response,
        };
        let ttfb = start.elapsed();
        let (parts, body) = response.into_parts();
        let body = match tokio::time::timeout_at(deadline, Limited::new(body, BODY_LIMIT).collect())
            .await
        {
            Err(_) => return Err(HttpFailure::Timeout(budget)),
            Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
                return Err(HttpFailure::BodyTooLarge)
            }
            Ok(Err(e)) => {
                return Err(match e.downcast_ref::<hyper::Error>() {
                    Some(h) if h.is_incomplete_message() || ends_early(h) => {
                        HttpFailure::BodyCut(describe_hyper_error(h))
                    }
                    Some(h) => failure(h, 0),
                    None => HttpFailure::BodyCut(e.to_string()),
                })
            }
            Ok(Ok(collected)) => collected.to_bytes(),
        };
        Ok(HttpResponse {
            status: parts.status,
            version: parts.version,
            headers: parts.headers,
            body,
            ttfb,
            total: start.elapsed(),
        })
    }
    .await;
    driver.abort();
    outcome
}

/// Whether a body error is the connection ending before the announced length.
fn ends_early(e: &hyper::Error) -> bool {
    use std::error::Error;
    e.source()
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .is_some_and(|io| io.kind() == std::io::ErrorKind::UnexpectedEof)
}

/// What a hyper error says about the exchange, read from its kind (and how much had arrived)
/// rather than its text.
fn failure(e: &hyper::Error, bytes_read: usize) -> HttpFailure {
    use std::error::Error;
    // No answer, yet half a head's worth of bytes or more: whatever hyper made of it (a parse
    // error, or dropping the connection mid-head), the head is too large.
    if bytes_read >= HEAD_LIMIT / 2 && !e.is_incomplete_message() {
        return HttpFailure::HeadTooLarge;
    }
    if e.is_parse() || e.is_parse_status() {
        return HttpFailure::Malformed(describe_hyper_error(e));
    }
    if let Some(io) = e.source().and_then(|s| s.downcast_ref::<std::io::Error>()) {
        return HttpFailure::Io(OsError::from_io(io));
    }
    if e.is_incomplete_message() || e.is_closed() || e.is_canceled() {
        // hyper drops a connection that speaks before it is asked: that is not silence.
        if bytes_read > 0 {
            return HttpFailure::Malformed(format!(
                "{bytes_read} bytes that are not an HTTP answer arrived, and the connection was dropped"
            ));
        }
        return HttpFailure::ClosedWithoutAnswer;
    }
    HttpFailure::Malformed(describe_hyper_error(e))
}

/// A hyper error with its chain of sources, for the evidence.
pub(crate) fn describe_hyper_error(e: &hyper::Error) -> String {
    use std::error::Error;
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}
