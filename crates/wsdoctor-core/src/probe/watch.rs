//! The one byte-watching wrapper over a connection: what the server sends (and what we send)
//! passes a [`Watcher`] on its way, which reads it and changes nothing. The HTTP exchange counts
//! the bytes of an answer, the HTTP/2 road reads the connection's frames, a socket keeps its last
//! close frame as sent: each is a `Watcher`, and this wrapper is the only stream that watches.

use super::stream::Conn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What watches a connection's bytes go by.
pub(crate) trait Watcher {
    /// Bytes read from the server, as they arrived; empty at the end of the stream. `conn` is the
    /// connection they came from.
    fn read(&mut self, fresh: &[u8], conn: &Conn);

    /// Reading from the server failed.
    fn read_failed(&mut self, _error: &io::Error) {}

    /// Bytes written to the server.
    fn wrote(&mut self, _written: &[u8]) {}
}

/// A connection whose bytes go past a [`Watcher`].
pub(crate) struct Watched<W> {
    inner: Conn,
    watcher: W,
}

impl<W> Watched<W> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: Conn, watcher: W) -> Watched<W> {
        Watched { inner, watcher }
    }

    /// The connection watched.
    pub(crate) fn conn(&self) -> &Conn {
        &self.inner
    }

    /// The watcher.
    pub(crate) fn watcher(&self) -> &W {
        &self.watcher
    }
}

impl<W: Watcher + Unpin> AsyncRead for Watched<W> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        match &poll {
            Poll::Ready(Ok(())) => this.watcher.read(&buf.filled()[before..], &this.inner),
            Poll::Ready(Err(e)) => this.watcher.read_failed(e),
            Poll::Pending => {}
        }
        poll
    }
}

impl<W: Watcher + Unpin> AsyncWrite for Watched<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = &poll {
            this.watcher.wrote(&buf[..*n]);
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
