//! The browser's other road: a WebSocket inside an HTTP/2 connection (RFC 8441). A browser sends
//! an extended CONNECT (`:protocol websocket`) on an HTTP/2 connection whose server announced
//! `SETTINGS_ENABLE_CONNECT_PROTOCOL`, and speaks the WebSocket protocol over that stream.
//!
//! hyper speaks HTTP/2. Beside it, a frame watcher reads the server's frames as they go by and
//! keeps what the report needs and hyper does not say: when the server's SETTINGS arrived and
//! whether they enable extended CONNECT (hyper drives the connection on a task of its own, so its
//! view of the settings can lag the bytes), and the error code of a RST_STREAM or a GOAWAY (hyper
//! turns a stream reset with CANCEL into a quiet end of stream).

use super::headers;
use super::stream::Conn;
use super::ws::{self, OpenFailure, Opened, Sniffed, Upgrade};
use super::OsError;
use crate::trace::Trace;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode, Version};
use http_body_util::{BodyExt, Empty};
use hyper::upgrade::Upgraded;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::WebSocketStream;

/// Bytes in an HTTP/2 frame header.
pub(crate) const FRAME_HEADER: usize = 9;

const DATA: u8 = 0x0;
const HEADERS: u8 = 0x1;
const RST_STREAM: u8 = 0x3;
const SETTINGS: u8 = 0x4;
const PING: u8 = 0x6;
const GOAWAY: u8 = 0x7;
const WINDOW_UPDATE: u8 = 0x8;
const FLAG_ACK: u8 = 0x1;

/// The setting that enables extended CONNECT (RFC 8441 §3).
const SETTINGS_ENABLE_CONNECT_PROTOCOL: u16 = 0x8;

/// The most of a frame's payload the watcher keeps: SETTINGS and GOAWAY are small, and a GOAWAY's
/// debug text is evidence, not a transcript.
const KEPT_PAYLOAD: usize = 1024;

/// The largest response head (header list) accepted from an HTTP/2 server.
pub(crate) const HEADER_LIST_LIMIT: u32 = 64 * 1024;

/// Whether `bytes` begin like a server speaking HTTP/2: a SETTINGS or GOAWAY frame on the
/// connection (stream 0). An HTTP/1 answer starts with `HTTP/`, which cannot look like this.
pub(crate) fn is_frame_start(bytes: &[u8]) -> bool {
    bytes.len() >= FRAME_HEADER
        && bytes[0] == 0
        && matches!(bytes[3], SETTINGS | GOAWAY)
        && bytes[5..9] == [0, 0, 0, 0]
}

/// An HTTP/2 error code by its RFC 9113 name, with the number (`CANCEL (0x8)`).
pub(crate) fn error_name(code: u32) -> String {
    let name = match code {
        0x0 => "NO_ERROR",
        0x1 => "PROTOCOL_ERROR",
        0x2 => "INTERNAL_ERROR",
        0x3 => "FLOW_CONTROL_ERROR",
        0x4 => "SETTINGS_TIMEOUT",
        0x5 => "STREAM_CLOSED",
        0x6 => "FRAME_SIZE_ERROR",
        0x7 => "REFUSED_STREAM",
        0x8 => "CANCEL",
        0x9 => "COMPRESSION_ERROR",
        0xa => "CONNECT_ERROR",
        0xb => "ENHANCE_YOUR_CALM",
        0xc => "INADEQUATE_SECURITY",
        0xd => "HTTP_1_1_REQUIRED",
        _ => "an unknown code",
    };
    format!("{name} ({code:#x})")
}

/// A GOAWAY the server sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GoAway {
    /// Its error code.
    pub(crate) code: u32,
    /// The last stream the server says it processed.
    pub(crate) last_stream: u32,
    /// Its debug data, as text (server text: it is redacted and escaped like any other).
    pub(crate) debug: String,
}

impl GoAway {
    /// `NO_ERROR (0x0), last stream 1, "draining"`.
    pub(crate) fn describe(&self) -> String {
        let debug = if self.debug.is_empty() {
            String::new()
        } else {
            format!(", {:?}", self.debug)
        };
        format!(
            "{}, last stream {}{debug}",
            error_name(self.code),
            self.last_stream
        )
    }
}

/// What the server's frames said so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct Seen {
    /// Bytes of the server's that arrived.
    pub(crate) bytes: usize,
    /// When its first SETTINGS frame was complete.
    pub(crate) settings_at: Option<Instant>,
    /// Whether its SETTINGS enable extended CONNECT (the last value it announced).
    pub(crate) extended_connect: bool,
    /// The code of the first RST_STREAM it sent.
    pub(crate) reset: Option<u32>,
    /// The last GOAWAY it sent.
    pub(crate) goaway: Option<GoAway>,
    /// When the first HEADERS frame of a stream (a response) arrived.
    pub(crate) first_headers_at: Option<Instant>,
    /// When the first DATA frame with a payload arrived.
    pub(crate) first_data_at: Option<Instant>,
    /// The connection ended (end of stream or an error).
    pub(crate) ended: bool,
}

impl Seen {
    /// The frames as evidence.
    pub(crate) fn evidence(&self) -> wsdoctor_model::evidence::Http2Frames {
        wsdoctor_model::evidence::Http2Frames {
            extended_connect: self.settings_at.map(|_| self.extended_connect),
            rst_stream: self.reset.map(error_name),
            goaway: self.goaway.as_ref().map(GoAway::describe),
        }
    }
}

/// A frame-boundary tracker over the server's bytes: headers parsed, payloads skipped except the
/// few bytes of the frames that matter.
#[derive(Debug, Default)]
struct FrameParser {
    header: Vec<u8>,
    kind: u8,
    flags: u8,
    stream: u32,
    length: usize,
    remaining: usize,
    payload: Vec<u8>,
}

impl FrameParser {
    /// Reads `bytes`; returns whether anything worth telling a waiter changed in `seen`.
    fn feed(&mut self, bytes: &[u8], seen: &mut Seen, trace: &Trace) -> bool {
        self.feed_one_way(bytes, seen, trace, wsdoctor_model::WireDir::Recv)
    }

    /// As [`FrameParser::feed`], tracing each frame as going `dir`.
    fn feed_one_way(
        &mut self,
        mut bytes: &[u8],
        seen: &mut Seen,
        trace: &Trace,
        dir: wsdoctor_model::WireDir,
    ) -> bool {
        let mut changed = false;
        seen.bytes += bytes.len();
        while !bytes.is_empty() {
            if self.header.len() < FRAME_HEADER {
                let take = (FRAME_HEADER - self.header.len()).min(bytes.len());
                self.header.extend_from_slice(&bytes[..take]);
                bytes = &bytes[take..];
                if self.header.len() < FRAME_HEADER {
                    break;
                }
                let h = &self.header;
                self.remaining =
                    usize::from(h[0]) << 16 | usize::from(h[1]) << 8 | usize::from(h[2]);
                self.kind = h[3];
                self.flags = h[4];
                self.length = self.remaining;
                self.stream = u32::from_be_bytes([h[5], h[6], h[7], h[8]]) & 0x7fff_ffff;
                self.payload.clear();
                let on_a_stream = h[5..9] != [0, 0, 0, 0];
                if self.kind == HEADERS && on_a_stream && seen.first_headers_at.is_none() {
                    seen.first_headers_at = Some(Instant::now());
                }
                if self.kind == DATA && self.remaining > 0 && seen.first_data_at.is_none() {
                    seen.first_data_at = Some(Instant::now());
                    changed = true;
                }
            }
            let take = self.remaining.min(bytes.len());
            if matches!(self.kind, SETTINGS | RST_STREAM | GOAWAY) {
                let room = KEPT_PAYLOAD.saturating_sub(self.payload.len());
                self.payload.extend_from_slice(&bytes[..take.min(room)]);
            }
            self.remaining -= take;
            bytes = &bytes[take..];
            if self.remaining == 0 {
                changed |= self.end_frame(seen);
                if trace.is_on() {
                    trace.line(dir, wsdoctor_model::WireLayer::H2, &self.describe());
                }
                self.header.clear();
            }
        }
        changed
    }

    /// The frame just read, for the trace: its type, stream, length, flags, and what the frames
    /// that matter say (each setting, the error code, a GOAWAY's debug text).
    fn describe(&self) -> String {
        let word = |at: usize| {
            self.payload
                .get(at..at + 4)
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map(u32::from_be_bytes)
        };
        let at = format!("stream {}, {} bytes", self.stream, self.length);
        match self.kind {
            SETTINGS if self.flags & FLAG_ACK != 0 => "SETTINGS ACK".to_string(),
            SETTINGS => {
                let entries: Vec<String> = self
                    .payload
                    .chunks_exact(6)
                    .map(|e| {
                        let id = u16::from_be_bytes([e[0], e[1]]);
                        let value = u32::from_be_bytes([e[2], e[3], e[4], e[5]]);
                        format!("{}={value}", setting_name(id))
                    })
                    .collect();
                if entries.is_empty() {
                    "SETTINGS (none)".to_string()
                } else {
                    format!("SETTINGS {}", entries.join(", "))
                }
            }
            HEADERS => format!(
                "HEADERS {at}{}{}",
                if self.flags & 0x4 != 0 {
                    ", END_HEADERS"
                } else {
                    ""
                },
                if self.flags & 0x1 != 0 {
                    ", END_STREAM"
                } else {
                    ""
                }
            ),
            DATA => format!(
                "DATA {at}{}",
                if self.flags & 0x1 != 0 {
                    ", END_STREAM"
                } else {
                    ""
                }
            ),
            RST_STREAM => format!(
                "RST_STREAM stream {} {}",
                self.stream,
                word(0).map_or_else(|| "(no code)".to_string(), error_name)
            ),
            GOAWAY => match (word(0), word(4)) {
                (Some(last), Some(code)) => format!(
                    "GOAWAY {}",
                    GoAway {
                        code,
                        last_stream: last & 0x7fff_ffff,
                        debug: String::from_utf8_lossy(self.payload.get(8..).unwrap_or_default())
                            .into_owned(),
                    }
                    .describe()
                ),
                _ => format!("GOAWAY {at} (too short)"),
            },
            PING if self.flags & FLAG_ACK != 0 => "PING ACK".to_string(),
            PING => "PING".to_string(),
            WINDOW_UPDATE => format!("WINDOW_UPDATE {at}"),
            other => format!("frame type {other:#x} {at}"),
        }
    }

    fn end_frame(&mut self, seen: &mut Seen) -> bool {
        let word = |at: usize| {
            self.payload
                .get(at..at + 4)
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map(u32::from_be_bytes)
        };
        match self.kind {
            SETTINGS if self.flags & FLAG_ACK == 0 => {
                for entry in self.payload.chunks_exact(6) {
                    if u16::from_be_bytes([entry[0], entry[1]]) == SETTINGS_ENABLE_CONNECT_PROTOCOL
                    {
                        seen.extended_connect =
                            u32::from_be_bytes([entry[2], entry[3], entry[4], entry[5]]) == 1;
                    }
                }
                seen.settings_at.get_or_insert_with(Instant::now);
                true
            }
            RST_STREAM if seen.reset.is_none() => {
                seen.reset = word(0);
                seen.reset.is_some()
            }
            GOAWAY => match (word(0), word(4)) {
                (Some(last), Some(code)) => {
                    seen.goaway = Some(GoAway {
                        code,
                        last_stream: last & 0x7fff_ffff,
                        debug: String::from_utf8_lossy(self.payload.get(8..).unwrap_or_default())
                            .into_owned(),
                    });
                    true
                }
                _ => false,
            },
            _ => false,
        }
    }
}

/// A setting's RFC 9113 (or RFC 8441) name.
fn setting_name(id: u16) -> String {
    match id {
        0x1 => "HEADER_TABLE_SIZE".to_string(),
        0x2 => "ENABLE_PUSH".to_string(),
        0x3 => "MAX_CONCURRENT_STREAMS".to_string(),
        0x4 => "INITIAL_WINDOW_SIZE".to_string(),
        0x5 => "MAX_FRAME_SIZE".to_string(),
        0x6 => "MAX_HEADER_LIST_SIZE".to_string(),
        SETTINGS_ENABLE_CONNECT_PROTOCOL => "ENABLE_CONNECT_PROTOCOL".to_string(),
        other => format!("{other:#x}"),
    }
}

/// A connection whose incoming bytes are watched for the frames that matter.
pub(crate) struct Watched {
    inner: Conn,
    parser: FrameParser,
    seen: std::sync::Arc<watch::Sender<Seen>>,
    trace: Trace,
    /// The client's frames, for the trace only (`None` without one): the preface bytes still to
    /// skip, a parser, and what it saw (kept apart from the server's).
    sent: Option<Box<(usize, FrameParser, Seen)>>,
}

/// The client connection preface (RFC 9113 §3.4), before the client's first frame.
const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

impl Watched {
    /// Wraps `inner`; returns it with a receiver of what its frames said. Each frame the server
    /// sends is traced on `trace`.
    pub(crate) fn new(inner: Conn, trace: Trace) -> (Watched, watch::Receiver<Seen>) {
        let (tx, rx) = watch::channel(Seen::default());
        (
            Watched {
                inner,
                parser: FrameParser::default(),
                seen: std::sync::Arc::new(tx),
                sent: trace
                    .is_on()
                    .then(|| Box::new((PREFACE.len(), FrameParser::default(), Seen::default()))),
                trace,
            },
            rx,
        )
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        match &poll {
            Poll::Ready(Ok(())) if buf.filled().len() == before => {
                this.trace.info(
                    wsdoctor_model::WireLayer::Tcp,
                    "the server closed the connection (end of stream)",
                );
                this.seen.send_modify(|seen| seen.ended = true);
            }
            Poll::Ready(Ok(())) => {
                let fresh = &buf.filled()[before..];
                let parser = &mut this.parser;
                let trace = &this.trace;
                this.seen
                    .send_if_modified(|seen| parser.feed(fresh, seen, trace));
            }
            Poll::Ready(Err(e)) => {
                this.trace.info(
                    wsdoctor_model::WireLayer::Tcp,
                    format!("the connection broke: {e}"),
                );
                this.seen.send_modify(|seen| seen.ended = true)
            }
            Poll::Pending => {}
        }
        poll
    }
}

impl tokio::io::AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        if let (Poll::Ready(Ok(n)), Some(sent)) = (&poll, this.sent.as_mut()) {
            let (preface_left, parser, seen) = &mut **sent;
            let mut written = &buf[..*n];
            if *preface_left > 0 {
                let skip = (*preface_left).min(written.len());
                *preface_left -= skip;
                written = &written[skip..];
                if *preface_left == 0 {
                    this.trace.send(
                        wsdoctor_model::WireLayer::H2,
                        "connection preface (PRI * HTTP/2.0)",
                    );
                }
            }
            parser.feed_one_way(written, seen, &this.trace, wsdoctor_model::WireDir::Send);
        }
        poll
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// The stream of an extended CONNECT, carrying the WebSocket; the connection stays up while it
/// is held.
#[derive(Debug)]
pub(crate) struct H2Stream {
    io: TokioIo<Upgraded>,
    seen: watch::Receiver<Seen>,
    /// When the CONNECT's 200 arrived: the stream is open from then on.
    opened_at: Instant,
    /// Held so the connection is not shut down for want of a client while the socket is open.
    _sender: hyper::client::conn::http2::SendRequest<Empty<Bytes>>,
}

impl H2Stream {
    /// What the connection's frames said so far.
    pub(crate) fn seen(&self) -> Seen {
        self.seen.borrow().clone()
    }

    /// When the stream opened.
    pub(crate) fn opened_at(&self) -> Instant {
        self.opened_at
    }
}

impl AsyncRead for H2Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

super::stream::write_through!(H2Stream, io);

/// The HTTP/2 phases of an extended CONNECT, as far as it got.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct H2Timings {
    /// Connection preface sent → the server's SETTINGS received.
    pub(crate) settings: Option<Duration>,
    /// CONNECT sent → its `:status` received.
    pub(crate) connect: Option<Duration>,
}

/// Why a connection could not carry an HTTP/2 exchange, read from its frames.
pub(crate) fn trouble(seen: &Seen) -> Option<OpenFailure> {
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
    let (io, mut seen) = Watched::new(conn, trace.clone());
    let start = Instant::now();
    let timed_out = |seen: &watch::Receiver<Seen>| OpenFailure::Timeout {
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
    let protocol = ws::validate_selection(response.headers(), upgrade.protocols)?;
    let headers = response.headers().clone();
    let upgraded = match tokio::time::timeout_at(deadline, hyper::upgrade::on(response)).await {
        Err(_) => return Err(timed_out(&seen)),
        Ok(Err(e)) => return Err(hyper_failure(&e, &seen.borrow().clone())),
        Ok(Ok(upgraded)) => upgraded,
    };
    let stream = Conn::H2(Box::new(H2Stream {
        io: TokioIo::new(upgraded),
        seen,
        opened_at,
        _sender: sender,
    }));
    let socket = WebSocketStream::from_raw_socket(
        Sniffed::new(stream, &[], trace.clone()),
        Role::Client,
        Some(ws::socket_config()),
    )
    .await;
    Ok(Opened {
        socket,
        headers,
        handshake: connect,
        protocol,
    })
}

/// An HTTP/2 request's HEADERS for the trace: its pseudo-headers, then its fields.
pub(crate) fn trace_request<B>(trace: &Trace, request: &Request<B>) {
    if !trace.is_on() {
        return;
    }
    let uri = request.uri();
    let mut fields: Vec<(String, Vec<u8>)> = vec![
        (
            ":method".into(),
            request.method().as_str().as_bytes().to_vec(),
        ),
        (
            ":scheme".into(),
            uri.scheme_str().unwrap_or("https").as_bytes().to_vec(),
        ),
        (
            ":authority".into(),
            uri.authority()
                .map(|a| a.as_str().as_bytes().to_vec())
                .unwrap_or_default(),
        ),
        (
            ":path".into(),
            uri.path_and_query()
                .map_or("/", |pq| pq.as_str())
                .as_bytes()
                .to_vec(),
        ),
    ];
    if let Some(protocol) = request.extensions().get::<hyper::ext::Protocol>() {
        fields.insert(
            1,
            (":protocol".into(), protocol.as_str().as_bytes().to_vec()),
        );
    }
    for (name, value) in request.headers() {
        fields.push((name.as_str().to_string(), value.as_bytes().to_vec()));
    }
    trace.head(
        wsdoctor_model::WireDir::Send,
        wsdoctor_model::WireLayer::H2,
        "request HEADERS, decoded:",
        fields.iter().map(|(n, v)| (n.as_str(), v.as_slice())),
    );
}

/// An HTTP/2 response's HEADERS for the trace: `:status`, then its fields.
pub(crate) fn trace_response(trace: &Trace, status: StatusCode, headers: &HeaderMap) {
    let status = status.as_u16().to_string();
    trace.head(
        wsdoctor_model::WireDir::Recv,
        wsdoctor_model::WireLayer::H2,
        &format!(":status {status}"),
        headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())),
    );
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
    let until = deadline.min(tokio::time::Instant::now() + ws::REFUSAL_BODY_WAIT);
    let mut body = body;
    let mut kept = Vec::new();
    while kept.len() < ws::REFUSAL_BODY_LIMIT {
        match tokio::time::timeout_at(until, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    kept.extend_from_slice(data);
                }
            }
            _ => break,
        }
    }
    kept.truncate(ws::REFUSAL_BODY_LIMIT);
    kept
}

/// What a hyper error on the HTTP/2 road means, read from the frames first (they name the code),
/// then from the error's kind.
fn hyper_failure(e: &hyper::Error, seen: &Seen) -> OpenFailure {
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
    OpenFailure::InvalidHandshake(super::http::describe_hyper_error(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
        let len = payload.len();
        let mut f = vec![(len >> 16) as u8, (len >> 8) as u8, len as u8, kind, flags];
        f.extend_from_slice(&stream.to_be_bytes());
        f.extend_from_slice(payload);
        f
    }

    #[test]
    fn the_watcher_reads_settings_resets_and_goaways_one_byte_at_a_time() {
        let mut wire = frame(SETTINGS, 0, 0, &[0, 3, 0, 0, 0, 100, 0, 8, 0, 0, 0, 1]);
        wire.extend(frame(SETTINGS, FLAG_ACK, 0, &[]));
        wire.extend(frame(0x1, 0x4, 1, &[0x88]));
        wire.extend(frame(DATA, 0, 1, b"hello"));
        wire.extend(frame(RST_STREAM, 0, 1, &8u32.to_be_bytes()));
        let mut goaway = 1u32.to_be_bytes().to_vec();
        goaway.extend(0u32.to_be_bytes());
        goaway.extend(b"draining");
        wire.extend(frame(GOAWAY, 0, 0, &goaway));
        let mut parser = FrameParser::default();
        let mut seen = Seen::default();
        for b in &wire {
            parser.feed(std::slice::from_ref(b), &mut seen, &Trace::off());
        }
        assert!(seen.settings_at.is_some() && seen.extended_connect);
        assert!(seen.first_headers_at.is_some() && seen.first_data_at.is_some());
        assert_eq!(seen.reset.map(error_name).as_deref(), Some("CANCEL (0x8)"));
        assert_eq!(
            seen.goaway.as_ref().map(GoAway::describe).as_deref(),
            Some("NO_ERROR (0x0), last stream 1, \"draining\"")
        );
        assert_eq!(seen.bytes, wire.len());
    }

    #[test]
    fn settings_without_the_connect_protocol_leave_it_off() {
        let mut parser = FrameParser::default();
        let mut seen = Seen::default();
        parser.feed(
            &frame(SETTINGS, 0, 0, &[0, 3, 0, 0, 0, 100]),
            &mut seen,
            &Trace::off(),
        );
        assert!(seen.settings_at.is_some() && !seen.extended_connect);
        let mut off = Seen::default();
        parser.feed(
            &frame(SETTINGS, 0, 0, &[0, 8, 0, 0, 0, 0]),
            &mut off,
            &Trace::off(),
        );
        assert!(!off.extended_connect);
    }

    #[test]
    fn the_watcher_survives_any_bytes() {
        for seed in 0..200 {
            fastrand::seed(seed);
            let mut parser = FrameParser::default();
            let mut seen = Seen::default();
            let wire: Vec<u8> = (0..fastrand::usize(0..4096))
                .map(|_| fastrand::u8(..))
                .collect();
            let mut rest = wire.as_slice();
            while !rest.is_empty() {
                let (chunk, tail) = rest.split_at(fastrand::usize(1..=rest.len()));
                parser.feed(chunk, &mut seen, &Trace::off());
                rest = tail;
            }
            assert_eq!(seen.bytes, wire.len());
        }
    }

    /// A server that answers whatever it is sent as an HTTP/2-only listener does: its SETTINGS,
    /// then a GOAWAY, then it hangs up.
    pub(crate) async fn http2_only_server() -> std::net::SocketAddr {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = [0u8; 1024];
                let _ = socket.read(&mut request).await;
                let mut answer = frame(SETTINGS, 0, 0, &[0, 3, 0, 0, 0, 100]);
                let mut goaway = 0u32.to_be_bytes().to_vec();
                goaway.extend(1u32.to_be_bytes());
                answer.extend(frame(GOAWAY, 0, 0, &goaway));
                let _ = socket.write_all(&answer).await;
            }
        });
        addr
    }

    #[tokio::test]
    async fn an_upgrade_answered_in_http2_is_an_http2_only_listener() {
        let addr = http2_only_server().await;
        let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let url = format!("ws://{addr}/ws-test");
        let upgrade = Upgrade {
            url: &url,
            headers: &[],
            protocols: &[],
            trace: Trace::off(),
        };
        let opened = ws::open(Conn::Plain(tcp), &upgrade, Duration::from_secs(5)).await;
        assert!(matches!(opened, Err(OpenFailure::Http2Answer)));
        let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = Request::builder()
            .uri("/health")
            .header(http::header::HOST, addr.to_string())
            .body(Empty::new())
            .unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let answer = super::super::http::exchange(
            Conn::Plain(tcp),
            request,
            deadline,
            Duration::from_secs(5),
            &Trace::off(),
        )
        .await;
        assert!(
            matches!(answer, Err(super::super::http::HttpFailure::Http2Answer)),
            "{answer:?}"
        );
    }

    #[test]
    fn an_http2_answer_is_told_from_an_http1_one() {
        assert!(is_frame_start(&frame(SETTINGS, 0, 0, &[])));
        assert!(is_frame_start(&frame(GOAWAY, 0, 0, &[0; 8])));
        assert!(!is_frame_start(b"HTTP/1.1 101 Switching Protocols"));
        assert!(!is_frame_start(&frame(SETTINGS, 0, 0, &[])[..8]));
        assert!(!is_frame_start(&frame(DATA, 0, 1, b"x")));
    }
}
