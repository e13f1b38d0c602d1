//! The HTTP/2 connection's byte watcher: the server's frames (and, for the trace, ours) are read
//! as they go by and what they said is published to whoever waits on it.

use super::frames::{FrameParser, ServerFrames};
use crate::probe::stream::Conn;
use crate::trace::Trace;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::watch;

/// A connection whose incoming bytes are watched for the frames that matter.
pub(crate) struct Watched {
    inner: Conn,
    parser: FrameParser,
    seen: std::sync::Arc<watch::Sender<ServerFrames>>,
    trace: Trace,
    /// The client's frames, for the trace only (`None` without one): the preface bytes still to
    /// skip, a parser, and what it saw (kept apart from the server's).
    sent: Option<Box<(usize, FrameParser, ServerFrames)>>,
}

/// The client connection preface (RFC 9113 §3.4), before the client's first frame.
const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

impl Watched {
    /// Wraps `inner`; returns it with a receiver of what its frames said. Each frame the server
    /// sends is traced on `trace`.
    pub(crate) fn new(inner: Conn, trace: Trace) -> (Watched, watch::Receiver<ServerFrames>) {
        let (tx, rx) = watch::channel(ServerFrames::default());
        (
            Watched {
                inner,
                parser: FrameParser::default(),
                seen: std::sync::Arc::new(tx),
                sent: trace.is_on().then(|| {
                    Box::new((
                        PREFACE.len(),
                        FrameParser::default(),
                        ServerFrames::default(),
                    ))
                }),
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
