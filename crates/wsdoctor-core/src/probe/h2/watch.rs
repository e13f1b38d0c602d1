//! The HTTP/2 connection's [`Watcher`]: the server's frames (and, for the trace, ours) are read as
//! they go by and what they said is published to whoever waits on it.

use super::frames::{FrameParser, ServerFrames};
use crate::probe::stream::Conn;
use crate::probe::watch::{Watched, Watcher};
use crate::trace::Trace;
use std::io;
use tokio::sync::watch;
use wsdoctor_model::{WireDir, WireLayer};

/// Watches a connection for the frames that matter.
pub(crate) struct FrameWatch {
    parser: FrameParser,
    seen: std::sync::Arc<watch::Sender<ServerFrames>>,
    trace: Trace,
    /// The client's frames, for the trace only (`None` without one): the preface bytes still to
    /// skip, a parser, and what it saw (kept apart from the server's).
    sent: Option<Box<(usize, FrameParser, ServerFrames)>>,
}

/// The client connection preface (RFC 9113 §3.4), before the client's first frame.
const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

impl FrameWatch {
    /// Wraps `inner`; returns it with a receiver of what its frames said. Each frame the server
    /// sends is traced on `trace`.
    pub(crate) fn wrap(
        inner: Conn,
        trace: Trace,
    ) -> (Watched<FrameWatch>, watch::Receiver<ServerFrames>) {
        let (tx, rx) = watch::channel(ServerFrames::default());
        let sent = trace.is_on().then(|| {
            Box::new((
                PREFACE.len(),
                FrameParser::default(),
                ServerFrames::default(),
            ))
        });
        let watcher = FrameWatch {
            parser: FrameParser::default(),
            seen: std::sync::Arc::new(tx),
            sent,
            trace,
        };
        (Watched::new(inner, watcher), rx)
    }
}

impl Watcher for FrameWatch {
    fn read(&mut self, fresh: &[u8], _conn: &Conn) {
        if fresh.is_empty() {
            self.trace.info(
                WireLayer::Tcp,
                "the server closed the connection (end of stream)",
            );
            self.seen.send_modify(|seen| seen.ended = true);
            return;
        }
        let parser = &mut self.parser;
        let trace = &self.trace;
        self.seen
            .send_if_modified(|seen| parser.feed(fresh, seen, trace));
    }

    fn read_failed(&mut self, e: &io::Error) {
        self.trace
            .info(WireLayer::Tcp, format!("the connection broke: {e}"));
        self.seen.send_modify(|seen| seen.ended = true);
    }

    fn wrote(&mut self, written: &[u8]) {
        let Some(sent) = self.sent.as_mut() else {
            return;
        };
        let (preface_left, parser, seen) = &mut **sent;
        let mut written = written;
        if *preface_left > 0 {
            let skip = (*preface_left).min(written.len());
            *preface_left -= skip;
            written = &written[skip..];
            if *preface_left == 0 {
                self.trace
                    .send(WireLayer::H2, "connection preface (PRI * HTTP/2.0)");
            }
        }
        parser.feed_one_way(written, seen, &self.trace, WireDir::Send);
    }
}
