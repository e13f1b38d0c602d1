//! The WebSocket handshake and conversation, on a stream this tool opened, so the handshake is
//! timed by itself.
//!
//! The upgrade's answer is read here, bounded in size and time and tolerant of a server that
//! trickles it, so every kind of answer can be reported as what it is: a refusal in any HTTP
//! version, no answer at all, a head too large, a 101 that is not a valid handshake. Frames are
//! then tungstenite's, with a sniffer beside it that keeps what the server really sent in a close
//! frame (tungstenite replaces a forbidden close code with 1002).

pub(crate) mod extended_connect;
pub(crate) mod header;
pub(crate) mod sniff;

use super::headers;
use super::limits::{HEAD_LIMIT, REFUSAL_BODY_LIMIT, REFUSAL_BODY_WAIT, UPGRADE_MAX_HEADERS};
use super::stream::Conn;
use super::OsError;
use crate::trace::Trace;
use futures_util::{SinkExt, StreamExt};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Version};
use sniff::{RawClose, Sniffed};
use std::io;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::WebSocketStream;
use wsdoctor_model::{WireDir, WireLayer};

/// An open socket.
pub(crate) type Socket = WebSocketStream<Sniffed>;

/// Limits on what a server may send us; a probe must not be made to allocate without bound.
/// The buffers start small: tungstenite's 128 KiB defaults, for a probe's few short messages,
/// would make a fleet of hundreds of targets (three sockets each) cost a hundred megabytes.
pub(crate) fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(1024 * 1024))
        .max_frame_size(Some(1024 * 1024))
        .read_buffer_size(SOCKET_BUFFER)
        .write_buffer_size(0)
}

/// The socket's read buffer; it grows for a larger frame, up to the limits above.
const SOCKET_BUFFER: usize = 4 * 1024;

/// Why the upgrade did not produce a socket.
#[derive(Debug, Clone)]
pub(crate) enum OpenFailure {
    /// The request could not be built from the URL or a header.
    InvalidRequest(String),
    /// An answer other than 101, in any HTTP version.
    Rejected {
        /// Its status.
        status: StatusCode,
        /// Its HTTP version.
        version: Version,
        /// Its headers.
        headers: HeaderMap,
        /// The start of its body.
        body: Vec<u8>,
    },
    /// A 101 that is not a valid WebSocket handshake, or an answer that is not HTTP.
    InvalidHandshake(String),
    /// The connection closed before any answer.
    NoAnswer,
    /// The answer's head grew past [`HEAD_LIMIT`].
    HeadTooLarge,
    /// No complete answer within the timeout; `received` bytes of it had arrived.
    Timeout {
        /// The timeout.
        after: Duration,
        /// Bytes of an answer that had arrived.
        received: usize,
    },
    /// The connection broke during the handshake.
    Io(OsError),
    /// HTTP/2 frames answered the HTTP/1.1 upgrade: the listener speaks only HTTP/2.
    Http2Answer,
    /// The connection offering `http/1.1` agreed on no protocol in ALPN, on a server that agrees
    /// on `h2` when offered it, and the upgrade then failed this way: an HTTP/2-only listener.
    NoHttp1 {
        /// How the upgrade failed on that connection.
        then: Box<OpenFailure>,
    },
    /// The HTTP/2 road: TLS did not agree on `h2` (the ALPN protocol it agreed on, if any).
    NotHttp2 {
        /// What ALPN agreed on instead.
        alpn: Option<String>,
    },
    /// The HTTP/2 road: the server's SETTINGS do not enable extended CONNECT.
    NoExtendedConnect,
    /// The HTTP/2 road: the server reset the stream (RST_STREAM with this code).
    StreamReset {
        /// The HTTP/2 error code.
        code: u32,
    },
    /// The HTTP/2 road: the server sent GOAWAY.
    GoAway(super::h2::frames::GoAway),
}

/// A successful upgrade.
pub(crate) struct Opened {
    /// The socket.
    pub(crate) socket: Socket,
    /// The 101's headers.
    pub(crate) headers: HeaderMap,
    /// Time from sending the upgrade to the 101.
    pub(crate) handshake: Duration,
    /// The subprotocol the server chose, if any.
    pub(crate) protocol: Option<String>,
}

/// What the upgrade asks for.
pub(crate) struct Upgrade<'a> {
    /// The socket URL.
    pub(crate) url: &'a str,
    /// Extra headers (Origin, User-Agent, the user's), sent as given; one named Host replaces ours.
    pub(crate) headers: &'a [(String, String)],
    /// Subprotocols offered, in order.
    pub(crate) protocols: &'a [String],
    /// Where the heads and frames of this socket are traced (`--trace`).
    pub(crate) trace: Trace,
}

/// Sends the upgrade on `conn` and reads its answer, all within `timeout`.
pub(crate) async fn open(
    mut conn: Conn,
    upgrade: &Upgrade<'_>,
    timeout: Duration,
) -> Result<Opened, OpenFailure> {
    let key = generate_key();
    let head = request_head(upgrade, &key)?;
    let trace = &upgrade.trace;
    trace.raw_head(WireDir::Send, WireLayer::Http, &head);
    let start = Instant::now();
    let deadline = tokio::time::Instant::now() + timeout;
    let mut received = Vec::new();
    let outcome = tokio::time::timeout_at(deadline, async {
        conn.write_all(&head).await.map_err(io_failure)?;
        conn.flush().await.map_err(io_failure)?;
        read_head(&mut conn, &mut received).await
    })
    .await;
    let (response, head_len) = match outcome {
        Err(_) => {
            trace.info(
                WireLayer::Http,
                format!(
                    "no complete answer within {} ({} bytes of one received)",
                    humantime::format_duration(timeout),
                    received.len()
                ),
            );
            return Err(OpenFailure::Timeout {
                after: timeout,
                received: received.len(),
            });
        }
        Ok(Err(failure)) => {
            // What arrived is the evidence when it is not an answer we could read.
            if !received.is_empty() {
                trace.raw_head(WireDir::Recv, WireLayer::Http, &received);
            }
            trace.info(WireLayer::Http, describe_failure(&failure, &received));
            return Err(failure);
        }
        Ok(Ok(parsed)) => parsed,
    };
    let handshake = start.elapsed();
    trace.raw_head(WireDir::Recv, WireLayer::Http, &received[..head_len]);
    if response.status != StatusCode::SWITCHING_PROTOCOLS {
        let mut body = received[head_len..].to_vec();
        read_body(&mut conn, &response.headers, &mut body, deadline).await;
        trace_body(trace, &body);
        return Err(OpenFailure::Rejected {
            status: response.status,
            version: response.version,
            headers: response.headers,
            body,
        });
    }
    let protocol = validate(&response.headers, &key, upgrade.protocols).inspect_err(|failure| {
        trace.info(WireLayer::Http, describe_failure(failure, &[]));
    })?;
    let leftover = received[head_len..].to_vec();
    let stream = sniff::sniffed(conn, &leftover, trace.clone());
    let socket =
        WebSocketStream::from_partially_read(stream, leftover, Role::Client, Some(socket_config()))
            .await;
    Ok(Opened {
        socket,
        headers: response.headers,
        handshake,
        protocol,
    })
}

/// A refusal's body for the trace: its length and first bytes, escaped.
pub(crate) fn trace_body(trace: &Trace, body: &[u8]) {
    if !trace.is_on() || body.is_empty() {
        return;
    }
    let kept = &body[..body.len().min(crate::trace::CAPTURE)];
    let text = crate::trace::bytes_text(kept);
    trace.recv(
        WireLayer::Http,
        format!(
            "body, {} bytes read: {}",
            body.len(),
            crate::trace::quoted(&crate::trace::preview(&text, body.len()))
        ),
    );
}

/// An upgrade that failed before or at its answer, for the trace.
fn describe_failure(failure: &OpenFailure, received: &[u8]) -> String {
    match failure {
        OpenFailure::NoAnswer => "the connection closed before any answer".to_string(),
        OpenFailure::HeadTooLarge => {
            format!("the answer's head grew past {} KiB", HEAD_LIMIT / 1024)
        }
        OpenFailure::Http2Answer => {
            "HTTP/2 frames answered the HTTP/1.1 upgrade (an HTTP/2-only listener)".to_string()
        }
        OpenFailure::InvalidHandshake(why) => format!(
            "not a valid handshake: {why}; {} bytes received",
            received.len()
        ),
        OpenFailure::Io(e) => format!("the connection broke: {e}"),
        other => format!("{other:?}"),
    }
}

fn io_failure(e: io::Error) -> OpenFailure {
    OpenFailure::Io(OsError::from_io(&e))
}

/// The upgrade request's bytes.
/// The request target exactly as the URL spells it, when it is plain visible ASCII: a URL parser
/// would resolve an encoded dot-segment (`/terminal/%2E%2E` → `/`) and send the request, session
/// and all, to another path. Anything else is left to the parser's normal form.
fn request_target(raw: &str) -> Option<String> {
    let after_scheme = raw.split_once("://")?.1;
    let path = &after_scheme[after_scheme.find('/')?..];
    let path = path.split('#').next().unwrap_or(path);
    path.bytes()
        .all(|b| (0x21..=0x7e).contains(&b))
        .then(|| path.to_string())
}

fn request_head(upgrade: &Upgrade<'_>, key: &str) -> Result<Vec<u8>, OpenFailure> {
    let invalid = |message: String| OpenFailure::InvalidRequest(message);
    let url = url::Url::parse(upgrade.url).map_err(|e| invalid(format!("{e}")))?;
    if !matches!(url.scheme(), "ws" | "wss") {
        return Err(invalid(format!(
            "{}: the scheme must be ws or wss",
            url.scheme()
        )));
    }
    let host = match url.host() {
        Some(url::Host::Ipv6(addr)) => format!("[{addr}]"),
        Some(host) => host.to_string(),
        None => return Err(invalid("the URL has no host".to_string())),
    };
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    let target = request_target(upgrade.url).unwrap_or_else(|| match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    });
    let mut lines: Vec<(String, String)> = vec![
        ("Host".into(), authority),
        ("Connection".into(), "Upgrade".into()),
        ("Upgrade".into(), "websocket".into()),
        ("Sec-WebSocket-Version".into(), "13".into()),
        ("Sec-WebSocket-Key".into(), key.to_string()),
    ];
    if !upgrade.protocols.is_empty() {
        lines.push((
            "Sec-WebSocket-Protocol".into(),
            upgrade.protocols.join(", "),
        ));
    }
    for (name, value) in upgrade.headers {
        // Validated as HTTP allows, so nothing can split the request or inject a header.
        let (name, value) = headers::header(name, value).map_err(invalid)?;
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        match lines
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.as_str()))
        {
            Some(line) if name == http::header::HOST => line.1 = value,
            _ => lines.push((name.as_str().to_string(), value)),
        }
    }
    let mut head = format!("GET {target} HTTP/1.1\r\n");
    for (name, value) in lines {
        head.push_str(&name);
        head.push_str(": ");
        head.push_str(&value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    Ok(head.into_bytes())
}

/// A parsed answer head.
pub(crate) struct Head {
    /// Its status.
    pub(crate) status: StatusCode,
    /// Its HTTP version.
    pub(crate) version: Version,
    /// Its headers (lines that are not valid HTTP headers are left out).
    pub(crate) headers: HeaderMap,
}

/// Reads until the answer's head is complete; `received` keeps every byte read.
async fn read_head(conn: &mut Conn, received: &mut Vec<u8>) -> Result<(Head, usize), OpenFailure> {
    let mut chunk = [0u8; 4096];
    loop {
        if super::h2::frames::is_frame_start(received) {
            return Err(OpenFailure::Http2Answer);
        }
        // An HTTP/1 answer never starts with a NUL byte; the start of an HTTP/2 frame does, and is
        // read whole before it is judged.
        let maybe_frame =
            received.first() == Some(&0) && received.len() < super::h2::frames::FRAME_HEADER;
        if !maybe_frame {
            if let Some(parsed) = parse_head(received)? {
                return Ok(parsed);
            }
        }
        if received.len() >= HEAD_LIMIT {
            return Err(OpenFailure::HeadTooLarge);
        }
        let n = conn.read(&mut chunk).await.map_err(io_failure)?;
        if n == 0 {
            return Err(if received.is_empty() {
                OpenFailure::NoAnswer
            } else {
                OpenFailure::InvalidHandshake(format!(
                    "the connection closed after {} bytes, in the middle of the answer's head",
                    received.len()
                ))
            });
        }
        received.extend_from_slice(&chunk[..n]);
    }
}

/// The head, once complete.
pub(crate) fn parse_head(bytes: &[u8]) -> Result<Option<(Head, usize)>, OpenFailure> {
    let mut headers = [httparse::EMPTY_HEADER; UPGRADE_MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(bytes) {
        Ok(httparse::Status::Partial) => Ok(None),
        Ok(httparse::Status::Complete(len)) => {
            let status = response
                .code
                .and_then(|c| StatusCode::from_u16(c).ok())
                .ok_or_else(|| OpenFailure::InvalidHandshake("no valid status code".into()))?;
            let version = match response.version {
                Some(0) => Version::HTTP_10,
                _ => Version::HTTP_11,
            };
            let mut map = HeaderMap::new();
            for header in response.headers.iter() {
                if let (Ok(name), Ok(value)) = (
                    HeaderName::from_bytes(header.name.as_bytes()),
                    HeaderValue::from_bytes(header.value),
                ) {
                    map.append(name, value);
                }
            }
            Ok(Some((
                Head {
                    status,
                    version,
                    headers: map,
                },
                len,
            )))
        }
        Err(httparse::Error::TooManyHeaders) => Err(OpenFailure::HeadTooLarge),
        Err(e) => Err(OpenFailure::InvalidHandshake(format!(
            "the answer is not HTTP: {e}"
        ))),
    }
}

/// Reads the start of a refusal's body: what `Content-Length` announces, or what arrives before the
/// connection closes, at most [`REFUSAL_BODY_LIMIT`] bytes and [`REFUSAL_BODY_WAIT`].
async fn read_body(
    conn: &mut Conn,
    headers: &HeaderMap,
    body: &mut Vec<u8>,
    deadline: tokio::time::Instant,
) {
    let announced = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok());
    let wanted = announced
        .unwrap_or(REFUSAL_BODY_LIMIT)
        .min(REFUSAL_BODY_LIMIT);
    let until = deadline.min(tokio::time::Instant::now() + REFUSAL_BODY_WAIT);
    let mut chunk = [0u8; 1024];
    while body.len() < wanted {
        match tokio::time::timeout_at(until, conn.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => body.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    body.truncate(REFUSAL_BODY_LIMIT);
}

/// Checks a 101 as a browser does; returns the subprotocol chosen.
pub(crate) fn validate(
    headers: &HeaderMap,
    key: &str,
    offered: &[String],
) -> Result<Option<String>, OpenFailure> {
    let invalid = |m: String| Err(OpenFailure::InvalidHandshake(m));
    let value = |name: &str| {
        headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let has_token = |name: &str, token: &str| {
        value(name).is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    };
    if !has_token("upgrade", "websocket") {
        return invalid("the 101 has no \"Upgrade: websocket\" header".into());
    }
    if !has_token("connection", "upgrade") {
        return invalid("the 101 has no \"Connection: Upgrade\" header".into());
    }
    let expected = derive_accept_key(key.as_bytes());
    match value("sec-websocket-accept") {
        Some(accept) if accept.trim() == expected => {}
        Some(accept) => {
            return invalid(format!(
                "Sec-WebSocket-Accept is {accept:?}, not {expected:?} (the key's answer)"
            ))
        }
        None => return invalid("the 101 has no Sec-WebSocket-Accept header".into()),
    }
    validate_selection(headers, offered)
}

/// Checks what a server selected in its answer, over HTTP/1.1 or HTTP/2 alike: no extension we did
/// not offer, and a subprotocol among those offered; returns the subprotocol chosen.
pub(crate) fn validate_selection(
    headers: &HeaderMap,
    offered: &[String],
) -> Result<Option<String>, OpenFailure> {
    let invalid = |m: String| Err(OpenFailure::InvalidHandshake(m));
    let value = |name: &str| {
        headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    if value("sec-websocket-extensions").is_some_and(|v| !v.trim().is_empty()) {
        return invalid("the server answered with an extension that was not offered".into());
    }
    match value("sec-websocket-protocol") {
        None => Ok(None),
        Some(chosen) => {
            let chosen = chosen.trim().to_string();
            if offered.contains(&chosen) {
                Ok(Some(chosen))
            } else if offered.is_empty() {
                invalid(format!(
                    "the server chose the subprotocol {chosen:?}, but none was offered"
                ))
            } else {
                invalid(format!(
                    "the server chose the subprotocol {chosen:?}, which was not offered ({})",
                    offered.join(", ")
                ))
            }
        }
    }
}

/// How a socket ended, as seen by the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ending {
    /// The server sent a close frame.
    Closed {
        /// The close code (1005 when the frame had no status).
        code: u16,
        /// The reason text.
        reason: String,
    },
    /// The server sent a close frame a browser rejects (a forbidden code, a one-byte payload).
    InvalidClose {
        /// What it sent, when there was a code.
        sent: Option<u16>,
    },
    /// The TCP connection ended without a close frame (browsers: 1006).
    Abnormal(String),
    /// The server broke the protocol (bad UTF-8, a masked frame, reserved bits…).
    Violation(String),
    /// Nothing ended it within the time we waited.
    StillOpen,
    /// The server reset the HTTP/2 stream that carried the socket (RST_STREAM with this code).
    StreamReset(u32),
    /// The server closed the HTTP/2 connection that carried the socket with GOAWAY.
    GoAway(super::h2::frames::GoAway),
}

impl Ending {
    /// The close code a browser's `onclose` would show.
    pub(crate) fn browser_code(&self) -> Option<u16> {
        match self {
            Ending::Closed { code, .. } => Some(*code),
            Ending::InvalidClose { .. }
            | Ending::Abnormal(_)
            | Ending::Violation(_)
            | Ending::StreamReset(_)
            | Ending::GoAway(_) => Some(1006),
            Ending::StillOpen => None,
        }
    }

    /// On an HTTP/2 stream, an end without a close frame is the stream's or the connection's: a
    /// RST_STREAM or a GOAWAY names it (hyper reads a reset with CANCEL as a quiet end).
    pub(crate) fn on_http2(self, socket: &Socket) -> Ending {
        let Ending::Abnormal(_) = self else {
            return self;
        };
        match socket.get_ref().http2() {
            Some((seen, _)) => match (seen.reset, seen.goaway) {
                (Some(code), _) => Ending::StreamReset(code),
                (None, Some(goaway)) => Ending::GoAway(goaway),
                (None, None) => self,
            },
            None => self,
        }
    }
}

/// A message the server sent, with its arrival time.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    /// Text (binary is shown as a byte count).
    pub(crate) text: String,
    /// Time since the socket opened.
    pub(crate) at: Duration,
}

/// Reads the next data message, or how the socket ended, waiting at most `wait`.
///
/// Pings are answered by tungstenite as they are read; they are counted, not returned.
pub(crate) async fn next_message(
    socket: &mut Socket,
    wait: Duration,
    opened_at: Instant,
    pings: &mut u32,
) -> Result<Received, Ending> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let next = match tokio::time::timeout_at(deadline, socket.next()).await {
            Err(_) => return Err(Ending::StillOpen),
            Ok(next) => next,
        };
        match next {
            None => {
                return Err(
                    Ending::Abnormal("the connection ended without a close frame".into())
                        .on_http2(socket),
                )
            }
            Some(Ok(Message::Text(text))) => {
                return Ok(Received {
                    text: text.to_string(),
                    at: opened_at.elapsed(),
                })
            }
            Some(Ok(Message::Binary(bytes))) => {
                return Ok(Received {
                    text: format!("<{} bytes of binary>", bytes.len()),
                    at: opened_at.elapsed(),
                })
            }
            Some(Ok(Message::Ping(_))) => *pings += 1,
            Some(Ok(Message::Pong(_) | Message::Frame(_))) => {}
            Some(Ok(Message::Close(frame))) => return Err(close_ending(socket, frame)),
            Some(Err(e)) => return Err(error_ending(socket, e).on_http2(socket)),
        }
    }
}

/// How a close frame ended the socket, read against what the server really sent.
pub(crate) fn close_ending(socket: &Socket, frame: Option<CloseFrame>) -> Ending {
    match socket.get_ref().last_close() {
        Some(RawClose::OneByte) => return Ending::InvalidClose { sent: None },
        Some(RawClose::Code(sent)) if !allowed_close_code(sent) => {
            return Ending::InvalidClose { sent: Some(sent) }
        }
        _ => {}
    }
    match frame {
        Some(frame) => Ending::Closed {
            code: u16::from(frame.code),
            reason: frame.reason.to_string(),
        },
        None => Ending::Closed {
            code: 1005,
            reason: String::new(),
        },
    }
}

/// Whether a close code may be sent on the wire (RFC 6455 §7.4).
pub(crate) fn allowed_close_code(code: u16) -> bool {
    wsdoctor_model::close::meaning(code).sendable
}

/// Whether an error is the peer resetting (or aborting) the TCP connection, rather than an
/// orderly end of stream.
pub(crate) fn is_reset(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(io) if OsError::from_io(io).is_reset())
}

/// How a read or write error ended the socket.
pub(crate) fn error_ending(socket: &Socket, e: tungstenite::Error) -> Ending {
    use tungstenite::error::ProtocolError as P;
    match e {
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            Ending::Abnormal("the connection ended without a close frame".into())
        }
        tungstenite::Error::Protocol(P::ResetWithoutClosingHandshake) => {
            Ending::Abnormal("the connection was reset without a closing handshake".into())
        }
        tungstenite::Error::Protocol(P::InvalidCloseSequence) => {
            close_ending(socket, None).or_invalid()
        }
        tungstenite::Error::Io(io) => Ending::Abnormal(format!("{io}")),
        tungstenite::Error::Protocol(p) => Ending::Violation(p.to_string()),
        tungstenite::Error::Utf8(e) => {
            Ending::Violation(format!("invalid UTF-8 in a text frame: {e}"))
        }
        tungstenite::Error::Capacity(e) => Ending::Violation(format!("{e}")),
        other => Ending::Abnormal(other.to_string()),
    }
}

impl Ending {
    fn or_invalid(self) -> Ending {
        match self {
            Ending::Closed { code, .. } if !allowed_close_code(code) => {
                Ending::InvalidClose { sent: Some(code) }
            }
            Ending::Closed { .. } => Ending::InvalidClose { sent: None },
            other => other,
        }
    }
}

/// Sends a text message.
pub(crate) async fn send_text(
    socket: &mut Socket,
    text: &str,
    wait: Duration,
) -> Result<(), Ending> {
    match tokio::time::timeout(wait, socket.send(Message::text(text))).await {
        Err(_) => Err(Ending::StillOpen),
        Ok(Err(e)) => Err(error_ending(socket, e).on_http2(socket)),
        Ok(Ok(())) => Ok(()),
    }
}

/// Closes with 1000 and waits briefly for the server's close, as a well-behaved client does.
pub(crate) async fn close_normally(mut socket: Socket, wait: Duration) {
    let frame = CloseFrame {
        code: tungstenite::protocol::frame::coding::CloseCode::Normal,
        reason: "wsdoctor done".into(),
    };
    let _ = tokio::time::timeout(wait, async {
        if socket.close(Some(frame)).await.is_ok() {
            while let Some(Ok(_)) = socket.next().await {}
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::sniff::Sniffer;
    use super::*;

    #[test]
    fn an_encoded_dot_segment_is_sent_as_written() {
        assert_eq!(
            request_target("ws://h:1/terminal/%2E%2E?x=1#frag").as_deref(),
            Some("/terminal/%2E%2E?x=1")
        );
        assert_eq!(request_target("ws://h:1").as_deref(), None);
        assert_eq!(request_target("ws://h/a b").as_deref(), None);
    }

    #[test]
    fn the_sniffer_keeps_the_close_code_as_sent() {
        let mut sniffer = Sniffer::default();
        // A text frame "hi", then a close frame with the forbidden code 1006 and reason "x".
        let mut bytes = vec![0x81, 0x02, b'h', b'i'];
        bytes.extend([0x88, 0x03, 0x03, 0xEE, b'x']);
        // Fed one byte at a time, as a trickling server would send it.
        for b in &bytes {
            sniffer.feed(std::slice::from_ref(b));
        }
        assert_eq!(sniffer.last_close, Some(RawClose::Code(1006)));
        sniffer.feed(&[0x88, 0x00]);
        assert_eq!(sniffer.last_close, Some(RawClose::Empty));
        sniffer.feed(&[0x88, 0x01, 0x03]);
        assert_eq!(sniffer.last_close, Some(RawClose::OneByte));
        // A 16-bit length payload is skipped without losing the frame boundary.
        let mut long = vec![0x82, 126, 0x01, 0x00];
        long.extend(std::iter::repeat_n(0u8, 256));
        long.extend([0x88, 0x02, 0x13, 0x88]);
        sniffer.feed(&long);
        assert_eq!(sniffer.last_close, Some(RawClose::Code(5000)));
    }

    #[test]
    fn close_codes_that_may_be_sent() {
        for ok in [1000, 1001, 1008, 1011, 3000, 4000, 4500, 4999] {
            assert!(allowed_close_code(ok), "{ok}");
        }
        for bad in [999, 1004, 1005, 1006, 1015, 2999, 5000] {
            assert!(!allowed_close_code(bad), "{bad}");
        }
    }

    #[test]
    fn answers_of_every_kind_are_read_as_what_they_are() {
        let http10 = parse_head(b"HTTP/1.0 404 Not Found\r\nContent-Length: 3\r\n\r\nabc")
            .unwrap()
            .unwrap();
        assert_eq!(http10.0.status, StatusCode::NOT_FOUND);
        assert_eq!(http10.0.version, Version::HTTP_10);
        assert!(parse_head(b"HTTP/1.1 101 Switching").unwrap().is_none());
        assert!(matches!(
            parse_head(b"garbage\r\n\r\n"),
            Err(OpenFailure::InvalidHandshake(_))
        ));
        let key = "dGhlIHNhbXBsZSBub25jZQ==";
        let mut headers = HeaderMap::new();
        headers.insert("upgrade", HeaderValue::from_static("websocket"));
        headers.insert("connection", HeaderValue::from_static("Upgrade"));
        headers.insert(
            "sec-websocket-accept",
            HeaderValue::from_static("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        );
        assert_eq!(validate(&headers, key, &[]).unwrap(), None);
        headers.insert("sec-websocket-protocol", HeaderValue::from_static("chat"));
        assert!(validate(&headers, key, &[]).is_err());
        assert!(validate(&headers, key, &["other".into()]).is_err());
        assert_eq!(
            validate(&headers, key, &["other".into(), "chat".into()]).unwrap(),
            Some("chat".into())
        );
    }
}
