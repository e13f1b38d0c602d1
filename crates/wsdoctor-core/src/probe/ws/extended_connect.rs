//! The browser's other road: a WebSocket inside an HTTP/2 connection (RFC 8441). A browser sends
//! an extended CONNECT (`:protocol websocket`) on an HTTP/2 connection whose server announced
//! `SETTINGS_ENABLE_CONNECT_PROTOCOL`, and speaks the WebSocket protocol over that stream.
//!
//! hyper speaks HTTP/2. Beside it, a frame watcher reads the server's frames as they go by and
//! keeps what the report needs and hyper does not say: when the server's SETTINGS arrived and
//! whether they enable extended CONNECT (hyper drives the connection on a task of its own, so its
//! view of the settings can lag the bytes), and the error code of a RST_STREAM or a GOAWAY (hyper
//! turns a stream reset with CANCEL into a quiet end of stream).

use super::sniff;
use super::{socket_config, validate_selection, OpenFailure, Opened, Upgrade};
use crate::probe::h2::frames::ServerFrames;
use crate::probe::h2::trace::{trace_request, trace_response};
use crate::probe::h2::watch::FrameWatch;
use crate::probe::headers;
use crate::probe::http::describe_hyper_error;
use crate::probe::limits::{HEADER_LIST_LIMIT, REFUSAL_BODY_LIMIT, REFUSAL_BODY_WAIT};
use crate::probe::stream::{Conn, H2Stream};
use crate::probe::OsError;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode, Version};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::io;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::WebSocketStream;

/// The HTTP/2 phases of an extended CONNECT, as far as it got.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct H2Timings {
    /// Connection preface sent → the server's SETTINGS received.
    pub(crate) settings: Option<Duration>,
    /// CONNECT sent → its `:status` received.
    pub(crate) connect: Option<Duration>,
}

/// Why a connection could not carry an HTTP/2 exchange, read from its frames.
pub(crate) fn trouble(seen: &ServerFrames) -> Option<OpenFailure> {
    if let Some(goaway) = &seen.goaway {
        return Some(OpenFailure::GoAway(goaway.clone()));
    }
    seen.reset.map(|code| OpenFailure::StreamReset { code })
}

/// Opens a WebSocket over an extended CONNECT on `conn`, a TLS connection that agreed on `h2`:
/// the connection preface, the server's SETTINGS (is extended CONNECT enabled?), then `CONNECT`
/// with `:protocol websocket`, Origin and the WebSocket headers, all within `timeout`.
pub(crate) async fn open(
    conn: Conn,
    upgrade: &Upgrade<'_>,
    timeout: Duration,
) -> (Result<Opened, OpenFailure>, H2Timings) {
    let mut timings = H2Timings::default();
    let outcome = open_timed(conn, upgrade, timeout, &mut timings).await;
    (outcome, timings)
}

async fn open_timed(
    conn: Conn,
    upgrade: &Upgrade<'_>,
    timeout: Duration,
    timings: &mut H2Timings,
) -> Result<Opened, OpenFailure> {
    let request = connect_request(upgrade)?;
    let trace = &upgrade.trace;
    let deadline = tokio::time::Instant::now() + timeout;
    let (io, mut seen) = FrameWatch::wrap(conn, trace.clone());
    let start = Instant::now();
    let timed_out = |seen: &watch::Receiver<ServerFrames>| OpenFailure::Timeout {
        after: timeout,
        received: seen.borrow().bytes,
    };
    let handshake = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
        .max_header_list_size(HEADER_LIST_LIMIT)
        .handshake::<_, Empty<Bytes>>(TokioIo::new(io));
    let (mut sender, connection) = match tokio::time::timeout_at(deadline, handshake).await {
        Err(_) => return Err(timed_out(&seen)),
        Ok(Err(e)) => return Err(hyper_failure(&e, &seen.borrow().clone())),
        Ok(Ok(pair)) => pair,
    };
    // hyper drives the connection itself; this task only dispatches requests to it, and ends
    // when the sender and every stream are gone.
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let settled = tokio::time::timeout_at(deadline, async {
        seen.wait_for(|s| s.settings_at.is_some() || s.ended || s.goaway.is_some())
            .await
            .map(|now| now.clone())
    })
    .await;
    let now = match settled {
        Err(_) => return Err(timed_out(&seen)),
        Ok(Err(_)) => return Err(OpenFailure::NoAnswer),
        Ok(Ok(now)) => now,
    };
    let Some(settings_at) = now.settings_at else {
        return Err(trouble(&now).unwrap_or(OpenFailure::NoAnswer));
    };
    timings.settings = Some(settings_at.saturating_duration_since(start));
    if !now.extended_connect {
        return Err(OpenFailure::NoExtendedConnect);
    }
    trace_request(trace, &request);
    let sent = Instant::now();
    let response = match tokio::time::timeout_at(deadline, sender.send_request(request)).await {
        Err(_) => return Err(timed_out(&seen)),
        Ok(Err(e)) => return Err(hyper_failure(&e, &seen.borrow().clone())),
        Ok(Ok(response)) => response,
    };
    let connect = sent.elapsed();
    timings.connect = Some(connect);
    trace_response(trace, response.status(), response.headers());
    let opened_at = Instant::now();
    if response.status() != StatusCode::OK {
        let (parts, body) = response.into_parts();
        let body = refusal_body(body, deadline).await;
        return Err(OpenFailure::Rejected {
            status: parts.status,
            version: Version::HTTP_2,
            headers: parts.headers,
            body,
        });
    }
    let protocol = validate_selection(response.headers(), upgrade.protocols)?;
    let headers = response.headers().clone();
    let upgraded = match tokio::time::timeout_at(deadline, hyper::upgrade::on(response)).await {
        Err(_) => return Err(timed_out(&seen)),
        Ok(Err(e)) => return Err(hyper_failure(&e, &seen.borrow().clone())),
        Ok(Ok(upgraded)) => upgraded,
    };
    let stream = Conn::H2(Box::new(H2Stream::new(
        TokioIo::new(upgraded),
        seen,
        opened_at,
        sender,
    )));
    let socket = WebSocketStream::from_raw_socket(
        sniff::sniffed(stream, &[], trace.clone()),
        Role::Client,
        Some(socket_config()),
    )
    .await;
    Ok(Opened {
        socket,
        headers,
        handshake: connect,
        protocol,
    })
}

/// The extended CONNECT for a socket URL (RFC 8441 §4, §5): `:scheme https`, the URL's authority
/// and path, `:protocol websocket`, `sec-websocket-version: 13`, the subprotocols offered, and the
/// check's headers. No key, no Upgrade or Connection: HTTP/2 has none of them.
fn connect_request(upgrade: &Upgrade<'_>) -> Result<Request<Empty<Bytes>>, OpenFailure> {
    let invalid = |message: String| OpenFailure::InvalidRequest(message);
    let url = url::Url::parse(upgrade.url).map_err(|e| invalid(format!("{e}")))?;
    if url.scheme() != "wss" {
        return Err(invalid(format!(
            "{}: a WebSocket over HTTP/2 needs wss (HTTP/2 is spoken over TLS)",
            url.scheme()
        )));
    }
    let host = match url.host() {
        Some(url::Host::Ipv6(addr)) => format!("[{addr}]"),
        Some(host) => host.to_string(),
        None => return Err(invalid("the URL has no host".to_string())),
    };
    let mut authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    };
    let mut headers = HeaderMap::new();
    for (name, value) in upgrade.headers {
        // Validated as HTTP allows, so nothing can inject a header.
        let (name, value) = headers::header(name, value).map_err(invalid)?;
        if name == http::header::HOST {
            // Host is :authority in HTTP/2, as the upgrade lets the user replace it.
            authority = String::from_utf8_lossy(value.as_bytes()).into_owned();
        } else if !is_connection_specific(&name) {
            headers.append(name, value);
        }
    }
    headers.insert(
        http::header::SEC_WEBSOCKET_VERSION,
        http::HeaderValue::from_static("13"),
    );
    if !upgrade.protocols.is_empty() {
        let offered = http::HeaderValue::from_str(&upgrade.protocols.join(", "))
            .map_err(|_| invalid("a subprotocol name is not a valid header value".into()))?;
        headers.insert(http::header::SEC_WEBSOCKET_PROTOCOL, offered);
    }
    let mut request = Request::builder()
        .method(Method::CONNECT)
        .version(Version::HTTP_2)
        .uri(format!("https://{authority}{target}"))
        .body(Empty::new())
        .map_err(|e| invalid(format!("cannot build the extended CONNECT: {e}")))?;
    *request.headers_mut() = headers;
    request
        .extensions_mut()
        .insert(hyper::ext::Protocol::from_static("websocket"));
    Ok(request)
}

/// Headers HTTP/2 forbids (RFC 9113 §8.2.2): a user's `-H 'Connection: …'` is meant for HTTP/1.1.
fn is_connection_specific(name: &http::HeaderName) -> bool {
    use http::header;
    [
        header::CONNECTION,
        header::UPGRADE,
        header::TRANSFER_ENCODING,
        header::TE,
        header::PROXY_AUTHORIZATION,
    ]
    .contains(name)
        || name.as_str() == "keep-alive"
        || name.as_str() == "proxy-connection"
}

/// The start of a refusal's body, bounded as an HTTP/1.1 refusal's is.
async fn refusal_body(body: hyper::body::Incoming, deadline: tokio::time::Instant) -> Vec<u8> {
    let until = deadline.min(tokio::time::Instant::now() + REFUSAL_BODY_WAIT);
    let mut body = body;
    let mut kept = Vec::new();
    while kept.len() < REFUSAL_BODY_LIMIT {
        match tokio::time::timeout_at(until, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    kept.extend_from_slice(data);
                }
            }
            _ => break,
        }
    }
    kept.truncate(REFUSAL_BODY_LIMIT);
    kept
}

/// What a hyper error on the HTTP/2 road means, read from the frames first (they name the code),
/// then from the error's kind.
fn hyper_failure(e: &hyper::Error, seen: &ServerFrames) -> OpenFailure {
    use std::error::Error;
    if let Some(trouble) = trouble(seen) {
        return trouble;
    }
    if let Some(io) = e.source().and_then(|s| s.downcast_ref::<io::Error>()) {
        return OpenFailure::Io(OsError::from_io(io));
    }
    if seen.bytes == 0 || e.is_closed() || e.is_canceled() || e.is_incomplete_message() {
        return OpenFailure::NoAnswer;
    }
    OpenFailure::InvalidHandshake(describe_hyper_error(e))
}
