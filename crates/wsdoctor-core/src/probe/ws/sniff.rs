//! The socket's byte watcher: the server's WebSocket frames go by and the last close frame is kept
//! as it was sent (tungstenite replaces a forbidden close code with 1002); with a trace, every
//! frame both ways is traced.

use crate::probe::h2::frames::ServerFrames;
use crate::probe::stream::Conn;
use crate::probe::watch::{Watched, Watcher};
use crate::trace::{FrameTap, Trace};
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use wsdoctor_model::{WireDir, WireLayer};

/// A close frame as the server really sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawClose {
    /// No payload: no status.
    Empty,
    /// One payload byte: not a valid close frame.
    OneByte,
    /// A status code.
    Code(u16),
}

/// A socket's connection, watched by a [`SocketWatch`].
pub(crate) type Sniffed = Watched<SocketWatch>;

/// Watches the server's frames go by and keeps the last close frame's code as sent; with a trace,
/// it traces every frame both ways.
pub(crate) struct SocketWatch {
    sniffer: Arc<Mutex<Sniffer>>,
    trace: Trace,
    /// Frames read and written, for the trace (`None` without one).
    taps: Option<Box<(FrameTap, FrameTap)>>,
}

/// Wraps `inner`, whose first bytes (`already_read`) were read before.
pub(crate) fn sniffed(inner: Conn, already_read: &[u8], trace: Trace) -> Sniffed {
    let mut sniffer = Sniffer::default();
    sniffer.feed(already_read);
    let mut taps = trace
        .is_on()
        .then(|| Box::new((FrameTap::new(WireDir::Recv), FrameTap::new(WireDir::Send))));
    if let Some(taps) = taps.as_mut() {
        taps.0.feed(&trace, already_read);
    }
    let watcher = SocketWatch {
        sniffer: Arc::new(Mutex::new(sniffer)),
        trace,
        taps,
    };
    Watched::new(inner, watcher)
}

impl Watched<SocketWatch> {
    /// The last close frame the server sent, as it sent it.
    pub(crate) fn last_close(&self) -> Option<RawClose> {
        self.watcher()
            .sniffer
            .lock()
            .ok()
            .and_then(|s| s.last_close)
    }

    /// What the HTTP/2 connection's frames said, and when the stream opened, when the socket
    /// rides on one.
    pub(crate) fn http2(&self) -> Option<(ServerFrames, Instant)> {
        match self.conn() {
            Conn::H2(stream) => Some((stream.seen(), stream.opened_at())),
            _ => None,
        }
    }
}

impl Watcher for SocketWatch {
    fn read(&mut self, fresh: &[u8], conn: &Conn) {
        if let Ok(mut sniffer) = self.sniffer.lock() {
            sniffer.feed(fresh);
        }
        if let Some(taps) = self.taps.as_mut() {
            if fresh.is_empty() {
                let ended = match conn {
                    Conn::H2(_) => "the server ended the socket's HTTP/2 stream",
                    _ => "the server closed the connection (end of stream)",
                };
                self.trace.info(WireLayer::Tcp, ended);
            } else {
                taps.0.feed(&self.trace, fresh);
            }
        }
    }

    fn read_failed(&mut self, e: &io::Error) {
        self.trace
            .info(WireLayer::Tcp, format!("the connection broke: {e}"));
    }

    fn wrote(&mut self, written: &[u8]) {
        if let Some(taps) = self.taps.as_mut() {
            taps.1.feed(&self.trace, written);
        }
    }
}

/// A minimal frame-boundary tracker (RFC 6455 §5.2): headers are parsed, payloads skipped, except
/// for the first two bytes of a close frame's payload.
#[derive(Debug, Default)]
pub(crate) struct Sniffer {
    header: Vec<u8>,
    /// Payload bytes of the current frame still to come.
    remaining: u64,
    /// The current frame is a close frame.
    closing: bool,
    /// Its mask, to read the code of a masked (invalid, but seen) close frame.
    mask: Option<[u8; 4]>,
    close_bytes: Vec<u8>,
    close_len: u64,
    /// The last close frame seen, as it was sent.
    pub(crate) last_close: Option<RawClose>,
}

impl Sniffer {
    /// Tracks `bytes`, the next bytes the server sent.
    pub(crate) fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.remaining > 0 {
                let take = usize::try_from(self.remaining)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                if self.closing {
                    for b in &bytes[..take] {
                        if self.close_bytes.len() >= 2 {
                            break;
                        }
                        let index = self.close_bytes.len();
                        let unmasked = match self.mask {
                            Some(mask) => b ^ mask[index % 4],
                            None => *b,
                        };
                        self.close_bytes.push(unmasked);
                    }
                }
                self.remaining -= take as u64;
                bytes = &bytes[take..];
                if self.remaining == 0 {
                    self.end_frame();
                }
                continue;
            }
            self.header.push(bytes[0]);
            bytes = &bytes[1..];
            if let Some((b0, mask, len)) = super::header::frame_header(&self.header) {
                let opcode = b0 & 0x0f;
                self.header.clear();
                self.closing = opcode == 0x8;
                self.mask = mask;
                self.close_bytes.clear();
                self.close_len = len;
                self.remaining = len;
                if len == 0 {
                    self.end_frame();
                }
            } else if self.header.len() >= 14 {
                // Not a frame header we can read: stop tracking rather than guess.
                self.header.clear();
                self.remaining = u64::MAX;
                self.closing = false;
            }
        }
    }

    fn end_frame(&mut self) {
        if self.closing {
            self.last_close = Some(match (self.close_len, self.close_bytes.as_slice()) {
                (0, _) => RawClose::Empty,
                (1, _) => RawClose::OneByte,
                (_, [hi, lo]) => RawClose::Code(u16::from_be_bytes([*hi, *lo])),
                _ => RawClose::OneByte,
            });
        }
        self.closing = false;
    }
}
