//! One HTTP exchange through hyper over a connection this tool opened, so that connect, TLS
//! and time-to-first-byte are timed apart: HTTP/2 when TLS agreed on `h2`, HTTP/1.1 otherwise.

use super::h2::frames::{is_frame_start, GoAway, FRAME_HEADER};
use super::h2::trace::{trace_request, trace_response};
use super::h2::watch::FrameWatch;
use super::limits::{BODY_LIMIT, HEADER_LIST_LIMIT, HEAD_LIMIT, HTTP_MAX_HEADERS};
use super::stream::Conn;
use super::watch::{Watched, Watcher};
use super::ws::trace_body;
use super::OsError;
use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode, Version};
use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::time::{Duration, Instant};
use wsdoctor_model::{WireDir, WireLayer};

/// What a connection saw of the server's answer: it watches the bytes read, so a parser's failure
/// can be told apart by how much the server had sent (an endless head, rather than a malformed
/// one) and by how it began.
#[derive(Debug, Default)]
pub(crate) struct ReadSoFar {
    /// Bytes read.
    pub(crate) count: std::sync::atomic::AtomicUsize,
    /// The first bytes read, enough to recognise an HTTP/2 frame header.
    pub(crate) first: std::sync::Mutex<Vec<u8>>,
}

impl ReadSoFar {
    /// Bytes read so far.
    pub(crate) fn count(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether the answer began with an HTTP/2 frame: a server speaking HTTP/2 to a request in
    /// HTTP/1.1.
    pub(crate) fn began_with_http2(&self) -> bool {
        self.first
            .lock()
            .map(|first| is_frame_start(&first))
            .unwrap_or(false)
    }
}

impl Watcher for std::sync::Arc<ReadSoFar> {
    fn read(&mut self, fresh: &[u8], _conn: &Conn) {
        self.count
            .fetch_add(fresh.len(), std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut first) = self.first.lock() {
            let room = FRAME_HEADER.saturating_sub(first.len());
            first.extend_from_slice(&fresh[..room.min(fresh.len())]);
        }
    }
}

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
    /// `HTTP/1.1 200 OK`, `HTTP/2 200 OK`.
    pub(crate) fn status_line(&self) -> String {
        status_line(self.version, self.status)
    }
}

/// A status line as it appeared on the wire (HTTP/2 has none: its `:status`, written as curl
/// writes it, with the reason phrase people know).
pub(crate) fn status_line(version: Version, status: StatusCode) -> String {
    let version = if version == Version::HTTP_2 {
        "HTTP/2".to_string()
    } else {
        format!("{version:?}")
    };
    format!(
        "{version} {} {}",
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
    /// HTTP/2 frames answered the HTTP/1.1 request: the listener speaks only HTTP/2.
    Http2Answer,
    /// The server reset the request's HTTP/2 stream (RST_STREAM with this code).
    StreamReset(u32),
    /// The server closed the HTTP/2 connection with GOAWAY.
    GoAway(GoAway),
}

/// Sends `request` on `conn` and reads the whole response, head and body together, by
/// `deadline` (`budget` is how long that was, for the message). The request speaks HTTP/2 when
/// the connection's TLS agreed on `h2`, so a connection is never handed to the wrong protocol.
pub(crate) async fn exchange(
    conn: Conn,
    request: Request<Empty<Bytes>>,
    deadline: tokio::time::Instant,
    budget: Duration,
    trace: &crate::trace::Trace,
) -> Result<HttpResponse, HttpFailure> {
    if conn.is_h2() {
        return exchange_h2(conn, request, deadline, budget, trace).await;
    }
    let read = std::sync::Arc::new(ReadSoFar::default());
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .max_buf_size(HEAD_LIMIT)
        .max_headers(HTTP_MAX_HEADERS)
        .handshake(TokioIo::new(Watched::new(conn, read.clone())))
        .await
        .map_err(|e| failure(&e, &read))?;
    // The connection future drives the socket; it ends when the exchange is done or dropped.
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    let nothing = ReadSoFar::default();
    trace.head(
        WireDir::Send,
        WireLayer::Http,
        &format!(
            "{} {} HTTP/1.1",
            request.method(),
            request.uri().path_and_query().map_or("/", |pq| pq.as_str())
        ),
        request
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_bytes())),
    );
    let outcome = respond(
        sender.send_request(request),
        deadline,
        budget,
        |e, in_body| {
            // Once the head is in, how much arrived says nothing about the head.
            failure(e, if in_body { &nothing } else { &read })
        },
    )
    .await;
    driver.abort();
    trace_outcome(trace, &outcome);
    outcome
}

/// What came back, for the trace: the response head and the body's first bytes, or why nothing
/// usable did.
fn trace_outcome(trace: &crate::trace::Trace, outcome: &Result<HttpResponse, HttpFailure>) {
    if !trace.is_on() {
        return;
    }
    match outcome {
        Ok(response) if response.version == Version::HTTP_2 => {
            trace_response(trace, response.status, &response.headers);
            trace_body(trace, &response.body);
        }
        Ok(response) => {
            trace.head(
                WireDir::Recv,
                WireLayer::Http,
                &response.status_line(),
                response
                    .headers
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_bytes())),
            );
            trace_body(trace, &response.body);
        }
        Err(failure) => trace.info(WireLayer::Http, format!("no usable answer: {failure:?}")),
    }
}

/// The same exchange in HTTP/2, its frames watched for a reset or a GOAWAY to name.
async fn exchange_h2(
    conn: Conn,
    request: Request<Empty<Bytes>>,
    deadline: tokio::time::Instant,
    budget: Duration,
    trace: &crate::trace::Trace,
) -> Result<HttpResponse, HttpFailure> {
    let (io, seen) = FrameWatch::wrap(conn, trace.clone());
    let h2_failure = |e: &hyper::Error, in_body: bool| {
        let seen = seen.borrow();
        if let Some(goaway) = &seen.goaway {
            return HttpFailure::GoAway(goaway.clone());
        }
        if let Some(code) = seen.reset {
            return HttpFailure::StreamReset(code);
        }
        let read = ReadSoFar::default();
        if !in_body {
            read.count
                .store(seen.bytes, std::sync::atomic::Ordering::Relaxed);
        }
        failure(e, &read)
    };
    let handshake = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
        .max_header_list_size(HEADER_LIST_LIMIT)
        .handshake::<_, Empty<Bytes>>(TokioIo::new(io));
    let (mut sender, connection) = match tokio::time::timeout_at(deadline, handshake).await {
        Err(_) => return Err(HttpFailure::Timeout(budget)),
        Ok(result) => result.map_err(|e| h2_failure(&e, false))?,
    };
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    let request = in_http2(request);
    trace_request(trace, &request);
    let outcome = respond(sender.send_request(request), deadline, budget, h2_failure).await;
    driver.abort();
    trace_outcome(trace, &outcome);
    outcome
}

/// An HTTP/1.1 request as HTTP/2 sends it: the Host header becomes the `:authority` of an
/// absolute URI (RFC 9113 §8.3.1).
fn in_http2(request: Request<Empty<Bytes>>) -> Request<Empty<Bytes>> {
    let (mut parts, body) = request.into_parts();
    if let Some(host) = parts.headers.remove(http::header::HOST) {
        let path = parts
            .uri
            .path_and_query()
            .map_or("/", |pq| pq.as_str())
            .to_string();
        if let Ok(uri) = format!("https://{}{path}", String::from_utf8_lossy(host.as_bytes()))
            .parse::<http::Uri>()
        {
            parts.uri = uri;
        }
    }
    parts.version = Version::HTTP_2;
    Request::from_parts(parts, body)
}

/// Awaits a response and reads its body, by `deadline`, in either protocol.
async fn respond(
    sent: impl std::future::Future<Output = Result<http::Response<hyper::body::Incoming>, hyper::Error>>,
    deadline: tokio::time::Instant,
    budget: Duration,
    failed: impl Fn(&hyper::Error, bool) -> HttpFailure,
) -> Result<HttpResponse, HttpFailure> {
    let start = Instant::now();
    let response = match tokio::time::timeout_at(deadline, sent).await {
        Err(_) => return Err(HttpFailure::Timeout(budget)),
        Ok(Err(e)) => return Err(failed(&e, false)),
        Ok(Ok(response)) => response,
    };
    let ttfb = start.elapsed();
    let (parts, body) = response.into_parts();
    let body =
        match tokio::time::timeout_at(deadline, Limited::new(body, BODY_LIMIT).collect()).await {
            Err(_) => return Err(HttpFailure::Timeout(budget)),
            Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
                return Err(HttpFailure::BodyTooLarge)
            }
            Ok(Err(e)) => {
                return Err(match e.downcast_ref::<hyper::Error>() {
                    Some(h) if h.is_incomplete_message() || ends_early(h) => {
                        HttpFailure::BodyCut(describe_hyper_error(h))
                    }
                    Some(h) => failed(h, true),
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

/// Whether a body error is the connection ending before the announced length.
fn ends_early(e: &hyper::Error) -> bool {
    use std::error::Error;
    e.source()
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .is_some_and(|io| io.kind() == std::io::ErrorKind::UnexpectedEof)
}

/// What a hyper error says about the exchange, read from its kind (and how much had arrived, and
/// how it began) rather than its text.
fn failure(e: &hyper::Error, read: &ReadSoFar) -> HttpFailure {
    use std::error::Error;
    if read.began_with_http2() {
        return HttpFailure::Http2Answer;
    }
    let bytes_read = read.count();
    // No answer, yet half a head's worth of bytes or more: whatever hyper made of it (a parse
    // error, or dropping the connection mid-head), the head is too large.
    if (bytes_read >= HEAD_LIMIT / 2 && !e.is_incomplete_message()) || head_too_large(e) {
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

/// Whether hyper gave up on a head of more than [`MAX_HEADERS`] lines. hyper tells this by kind
/// only in builds with its server (`is_parse_too_large`), which a client need not have; its
/// message for the kind is fixed, and the hostile-server test with too many lines pins it.
fn head_too_large(e: &hyper::Error) -> bool {
    e.is_parse() && e.to_string().contains("too large")
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
