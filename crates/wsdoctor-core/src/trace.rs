//! The wire trace (`--trace`): what went over each connection, in order, as `wire` events.
//!
//! A [`Trace`] is a small handle a check clones into the probes it runs; when tracing is off it
//! holds nothing and every call returns at once, so a run without `--trace` pays one branch.
//! Every line is redacted before it is escaped and cut (a secret straddling the cut cannot leave
//! half of itself behind), credentials are masked by the header's or the query parameter's name
//! whatever their value (fail closed), and the run's trace is bounded as a whole.

use crate::redact::Redactor;
use crate::secret::MASK;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime};
use tokio::sync::mpsc::UnboundedSender;
use wsdoctor_model::{CheckId, Event, Stamped, WireDir, WireLayer, WIRE_LINE_LIMIT};

/// The most a run's trace may hold, in bytes of text; then one "trace truncated" line.
pub(crate) const RUN_LIMIT: usize = 1024 * 1024;

/// The most of one head (request or response) traced, in bytes; then a line saying how many
/// header lines were left out.
pub(crate) const HEAD_LIMIT: usize = 8 * 1024;

/// The first bytes of a frame's payload shown, escaped.
pub(crate) const PREVIEW: usize = 64;

/// The most of a frame's payload kept to make its preview: more than [`PREVIEW`], so a secret
/// that begins inside the preview is whole when it is redacted, and masked rather than cut.
pub(crate) const CAPTURE: usize = 1024;

/// Where a run's trace goes: the event stream, with the run's redactor and clock.
pub(crate) struct Sink {
    events: UnboundedSender<Stamped>,
    redactor: Redactor,
    started: Instant,
    used: AtomicUsize,
    truncated: AtomicBool,
}

impl Sink {
    pub(crate) fn new(
        events: UnboundedSender<Stamped>,
        redactor: Redactor,
        started: Instant,
    ) -> Arc<Sink> {
        Arc::new(Sink {
            events,
            redactor,
            started,
            used: AtomicUsize::new(0),
            truncated: AtomicBool::new(false),
        })
    }
}

/// A check's handle on the trace; empty (and free) when tracing is off.
#[derive(Clone, Default)]
pub(crate) struct Trace(Option<(CheckId, Arc<Sink>)>);

impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Trace")
            .field(&self.0.as_ref().map(|(id, _)| *id))
            .finish()
    }
}

impl Trace {
    /// The trace of check `id` into `sink`.
    pub(crate) fn new(id: CheckId, sink: Arc<Sink>) -> Trace {
        Trace(Some((id, sink)))
    }

    /// No trace.
    pub(crate) fn off() -> Trace {
        Trace(None)
    }

    /// Whether anything is traced (to spare building lines nobody reads).
    pub(crate) fn is_on(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|(_, sink)| !sink.events.is_closed())
    }

    /// A note about the connection.
    pub(crate) fn info(&self, layer: WireLayer, text: impl AsRef<str>) {
        self.line(WireDir::Info, layer, text.as_ref());
    }

    /// Something sent.
    pub(crate) fn send(&self, layer: WireLayer, text: impl AsRef<str>) {
        self.line(WireDir::Send, layer, text.as_ref());
    }

    /// Something received.
    pub(crate) fn recv(&self, layer: WireLayer, text: impl AsRef<str>) {
        self.line(WireDir::Recv, layer, text.as_ref());
    }

    /// One line; redacted, escaped, cut and counted against the run's bound.
    pub(crate) fn line(&self, dir: WireDir, layer: WireLayer, text: &str) {
        let Some((id, sink)) = &self.0 else {
            return;
        };
        if sink.events.is_closed() || sink.truncated.load(Ordering::Relaxed) {
            return;
        }
        let text = cut(&escape(&sink.redactor.text(text)), WIRE_LINE_LIMIT);
        let cost = text.len() + 16;
        if sink.used.fetch_add(cost, Ordering::Relaxed) + cost > RUN_LIMIT {
            if !sink.truncated.swap(true, Ordering::Relaxed) {
                send(
                    sink,
                    *id,
                    WireDir::Info,
                    WireLayer::Trace,
                    format!(
                        "… trace truncated: a run traces at most {} KiB",
                        RUN_LIMIT / 1024
                    ),
                );
            }
            return;
        }
        send(sink, *id, dir, layer, text);
    }

    /// Whether credentials are masked by name (not under `--show-secrets`).
    fn masking(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|(_, sink)| sink.redactor.enabled())
    }

    /// A head: its first line, then each header as `name: value`; credentials masked by name,
    /// secret query values masked wherever a value carries a query, at most [`HEAD_LIMIT`] bytes.
    pub(crate) fn head<'a>(
        &self,
        dir: WireDir,
        layer: WireLayer,
        first: &str,
        headers: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) {
        if !self.is_on() {
            return;
        }
        let masking = self.masking();
        let first = if masking {
            mask_query(first)
        } else {
            first.to_string()
        };
        let mut used = first.len();
        self.line(dir, layer, &first);
        let mut left_out = 0usize;
        for (name, value) in headers {
            let value = String::from_utf8_lossy(value);
            let value = if masking && crate::settings::is_secret_header(name) {
                MASK.to_string()
            } else if masking {
                mask_query(&value)
            } else {
                value.into_owned()
            };
            let line = format!("{name}: {value}");
            used += line.len();
            if used > HEAD_LIMIT {
                left_out += 1;
                continue;
            }
            self.line(dir, layer, &line);
        }
        if left_out > 0 {
            self.line(
                dir,
                layer,
                &format!(
                    "… {left_out} more header lines (a head is traced up to {} KiB)",
                    HEAD_LIMIT / 1024
                ),
            );
        }
    }

    /// An HTTP/1 head as it went over the wire (CRLF-separated lines, up to the blank line).
    pub(crate) fn raw_head(&self, dir: WireDir, layer: WireLayer, bytes: &[u8]) {
        if !self.is_on() {
            return;
        }
        let text = String::from_utf8_lossy(bytes);
        let mut lines = text.split("\r\n").take_while(|l| !l.is_empty());
        let first = lines.next().unwrap_or_default().to_string();
        let headers: Vec<(String, Vec<u8>)> = lines
            .map(|l| match l.split_once(':') {
                Some((n, v)) => (n.trim().to_string(), v.trim().as_bytes().to_vec()),
                None => (l.to_string(), Vec::new()),
            })
            .collect();
        self.head(
            dir,
            layer,
            &first,
            headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())),
        );
    }
}

fn send(sink: &Sink, id: CheckId, dir: WireDir, layer: WireLayer, text: String) {
    let at_ms = wsdoctor_model::ms(sink.started.elapsed());
    let time = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    let _ = sink.events.send(Stamped {
        time,
        event: Event::Wire {
            id,
            at_ms,
            dir,
            layer,
            text,
        },
    });
}

/// The values of secret query parameters (`token`, `session`, …) masked, in a request target, a
/// URL or any text that carries a query.
pub(crate) fn mask_query(text: &str) -> String {
    let Some((before, rest)) = text.split_once('?') else {
        return text.to_string();
    };
    // The query ends at a fragment or at whitespace (a request line's " HTTP/1.1").
    let end = rest.find(['#', ' ']).unwrap_or(rest.len());
    let (query, after) = rest.split_at(end);
    let masked: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if !value.is_empty() && crate::settings::is_secret_param(key) => {
                format!("{key}={MASK}")
            }
            _ => pair.to_string(),
        })
        .collect();
    format!("{before}?{}{after}", masked.join("&"))
}

/// Text made safe for a terminal and a log: control characters (ESC and every ANSI sequence with
/// it, CR, LF, NUL, DEL, the C1 set) and bidirectional overrides become visible escapes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Text in double quotes, for a payload or a reason: `\` and `"` escaped, then as [`escape`].
pub(crate) fn quoted(text: &str) -> String {
    format!(
        "\"{}\"",
        escape(&text.replace('\\', "\\\\").replace('"', "\\\""))
    )
}

/// A payload's first bytes for a trace line: text as text, bytes that are not UTF-8 as `\xNN`,
/// everything escaped, at most [`PREVIEW`] characters of the (already redacted) text; `…` when
/// there is more.
pub(crate) fn preview(redactor_text: &str, total: usize) -> String {
    let mut shown: String = redactor_text.chars().take(PREVIEW).collect();
    if redactor_text.chars().count() > PREVIEW || total > CAPTURE {
        shown.push('…');
    }
    shown
}

/// Bytes as text: valid UTF-8 kept, each invalid byte as `\xNN`.
pub(crate) fn bytes_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// At most `limit` bytes of `text`, cut on a character boundary, with `…` when cut.
fn cut(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let mut end = limit.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Follows the WebSocket frames going one way over a connection and traces each one when it is
/// complete: direction, opcode, length, the first bytes of its payload (unmasked), and a close
/// frame's code and reason.
#[derive(Debug)]
pub(crate) struct FrameTap {
    dir: WireDir,
    header: Vec<u8>,
    opcode: u8,
    fin: bool,
    mask: Option<[u8; 4]>,
    len: u64,
    seen: u64,
    payload: Vec<u8>,
    /// The bytes could not be read as frames: stop rather than guess.
    lost: bool,
}

impl FrameTap {
    pub(crate) fn new(dir: WireDir) -> FrameTap {
        FrameTap {
            dir,
            header: Vec::new(),
            opcode: 0,
            fin: true,
            mask: None,
            len: 0,
            seen: 0,
            payload: Vec::new(),
            lost: false,
        }
    }

    /// Reads `bytes`, the next bytes going this way.
    pub(crate) fn feed(&mut self, trace: &Trace, mut bytes: &[u8]) {
        if self.lost {
            return;
        }
        while !bytes.is_empty() {
            if self.seen < self.len {
                let take = usize::try_from(self.len - self.seen)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                for (i, b) in bytes[..take].iter().enumerate() {
                    if self.payload.len() >= CAPTURE {
                        break;
                    }
                    let index = usize::try_from(self.seen).unwrap_or(usize::MAX) + i;
                    self.payload.push(match self.mask {
                        Some(mask) => b ^ mask[index % 4],
                        None => *b,
                    });
                }
                self.seen += take as u64;
                bytes = &bytes[take..];
                if self.seen == self.len {
                    self.end(trace);
                }
                continue;
            }
            self.header.push(bytes[0]);
            bytes = &bytes[1..];
            if let Some((b0, mask, len)) = crate::probe::ws::header::frame_header(&self.header) {
                self.header.clear();
                self.fin = b0 & 0x80 != 0;
                self.opcode = b0 & 0x0f;
                self.mask = mask;
                self.len = len;
                self.seen = 0;
                self.payload.clear();
                if len == 0 {
                    self.end(trace);
                }
            } else if self.header.len() >= 14 {
                self.lost = true;
                trace.line(
                    self.dir,
                    WireLayer::Ws,
                    "bytes that are not a WebSocket frame header: no more frames traced this way",
                );
                return;
            }
        }
    }

    fn end(&mut self, trace: &Trace) {
        let name = match self.opcode {
            0x0 => "continuation",
            0x1 => "text",
            0x2 => "binary",
            0x8 => "close",
            0x9 => "ping",
            0xa => "pong",
            _ => "reserved opcode",
        };
        let fin = if self.fin { "" } else { ", not final" };
        let head = format!(
            "{name} (opcode {:#x}{fin}{}) {} bytes",
            self.opcode,
            if self.mask.is_some() { ", masked" } else { "" },
            self.len
        );
        let text = if self.opcode == 0x8 {
            match self.payload.as_slice() {
                [] => format!("{head}: no status (1005)"),
                [_] => format!("{head}: a one-byte payload, not a valid close"),
                [hi, lo, reason @ ..] => format!(
                    "{head}: code {} reason {}",
                    u16::from_be_bytes([*hi, *lo]),
                    quoted(&bytes_text(reason))
                ),
            }
        } else if self.len == 0 {
            head
        } else {
            // Redacted whole before it is cut to its preview (see CAPTURE).
            let redacted = match &trace.0 {
                Some((_, sink)) => sink.redactor.text(&bytes_text(&self.payload)),
                None => return,
            };
            let total = usize::try_from(self.len).unwrap_or(usize::MAX);
            format!("{head} {}", quoted(&preview(&redacted, total)))
        };
        trace.line(self.dir, WireLayer::Ws, &text);
        self.payload.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn traced(secrets: &[&str]) -> (Trace, tokio::sync::mpsc::UnboundedReceiver<Stamped>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let sink = Sink::new(
            tx,
            Redactor::new(secrets.iter().copied(), true),
            Instant::now(),
        );
        (Trace::new(CheckId::Echo, sink), rx)
    }

    fn texts(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Stamped>) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(s) = rx.try_recv() {
            if let Event::Wire { text, .. } = s.event {
                out.push(text);
            }
        }
        out
    }

    #[test]
    fn heads_mask_credentials_by_name_and_secret_query_values() {
        let (trace, mut rx) = traced(&["sess-1"]);
        trace.raw_head(
            WireDir::Send,
            WireLayer::Http,
            b"GET /terminal/sess-1?token=abc&x=1 HTTP/1.1\r\nAuthorization: Bearer zzz\r\nCookie: a=b\r\nX: \x1b[31mred\r\n\r\n",
        );
        let lines = texts(&mut rx);
        assert_eq!(
            lines[0],
            format!("GET /terminal/{MASK}?token={MASK}&x=1 HTTP/1.1")
        );
        assert_eq!(lines[1], format!("Authorization: {MASK}"));
        assert_eq!(lines[2], format!("Cookie: {MASK}"));
        assert_eq!(lines[3], "X: \\x1b[31mred");
    }

    #[test]
    fn frames_are_traced_both_ways_with_close_codes_and_previews() {
        let (trace, mut rx) = traced(&["SECRETTOKEN"]);
        let mut tap = FrameTap::new(WireDir::Recv);
        let mut bytes = vec![0x81, 0x10];
        bytes.extend(b"hi SECRETTOKEN!!");
        bytes.extend([0x88, 0x06, 0x11, 0x94]);
        bytes.extend(b"boom");
        for b in &bytes {
            tap.feed(&trace, std::slice::from_ref(b));
        }
        let mut out = FrameTap::new(WireDir::Send);
        let mask = [1, 2, 3, 4];
        let mut masked = vec![0x81, 0x82, 1, 2, 3, 4];
        masked.extend(b"ok".iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        out.feed(&trace, &masked);
        let lines = texts(&mut rx);
        assert_eq!(
            lines[0],
            format!("text (opcode 0x1) 16 bytes \"hi {MASK}!!\"")
        );
        assert_eq!(
            lines[1],
            "close (opcode 0x8) 6 bytes: code 4500 reason \"boom\""
        );
        assert_eq!(lines[2], "text (opcode 0x1, masked) 2 bytes \"ok\"");
    }

    #[test]
    fn the_run_is_bounded_and_lines_are_cut() {
        let (trace, mut rx) = traced(&[]);
        let long = "x".repeat(10_000);
        for _ in 0..2000 {
            trace.info(WireLayer::Tcp, &long);
        }
        let lines = texts(&mut rx);
        assert!(lines.iter().all(|l| l.len() <= WIRE_LINE_LIMIT));
        assert!(lines.len() < 1100, "{}", lines.len());
        assert!(lines.last().unwrap().contains("trace truncated"));
    }

    #[test]
    fn off_costs_nothing_and_sends_nothing() {
        let trace = Trace::off();
        assert!(!trace.is_on());
        trace.info(WireLayer::Tcp, "x");
    }
}
