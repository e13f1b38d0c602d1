//! Passive HTTP/2 frame parsing: what the server's frames said (its SETTINGS, a RST_STREAM, a
//! GOAWAY, when the first HEADERS and DATA came), read from the bytes as they go by, beside hyper.

use crate::probe::limits::KEPT_PAYLOAD;
use crate::trace::Trace;
use std::time::Instant;

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

/// What the server's HTTP/2 frames said so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServerFrames {
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

impl ServerFrames {
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
pub(crate) struct FrameParser {
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
    pub(crate) fn feed(&mut self, bytes: &[u8], seen: &mut ServerFrames, trace: &Trace) -> bool {
        self.feed_one_way(bytes, seen, trace, wsdoctor_model::WireDir::Recv)
    }

    /// As [`FrameParser::feed`], tracing each frame as going `dir`.
    pub(crate) fn feed_one_way(
        &mut self,
        mut bytes: &[u8],
        seen: &mut ServerFrames,
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

    fn end_frame(&mut self, seen: &mut ServerFrames) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::http::{exchange, HttpFailure};
    use crate::probe::stream::Conn;
    use crate::probe::ws::{self, OpenFailure, Upgrade};

    use ::http::Request;
    use http_body_util::Empty;
    use std::time::Duration;

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
        let mut seen = ServerFrames::default();
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
        let mut seen = ServerFrames::default();
        parser.feed(
            &frame(SETTINGS, 0, 0, &[0, 3, 0, 0, 0, 100]),
            &mut seen,
            &Trace::off(),
        );
        assert!(seen.settings_at.is_some() && !seen.extended_connect);
        let mut off = ServerFrames::default();
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
            let mut seen = ServerFrames::default();
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
        let answer = exchange(
            Conn::Plain(tcp),
            request,
            deadline,
            Duration::from_secs(5),
            &Trace::off(),
        )
        .await;
        assert!(
            matches!(answer, Err(HttpFailure::Http2Answer)),
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
