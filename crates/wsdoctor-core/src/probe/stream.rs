//! One stream type for every connection this tool opens (plain TCP, a proxy tunnel, TLS, the
//! stream of an HTTP/2 extended CONNECT), so HTTP and WebSocket code runs on any of them.

use super::h2::frames::ServerFrames;
use bytes::Bytes;
use http_body_util::Empty;
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;

/// `AsyncWrite` for a wrapper that only watches what is read: every write goes straight to the
/// wrapped stream in `$field`.
macro_rules! write_through {
    ($wrapper:ty, $field:ident) => {
        impl tokio::io::AsyncWrite for $wrapper {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                std::pin::Pin::new(&mut self.get_mut().$field).poll_write(cx, buf)
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::pin::Pin::new(&mut self.get_mut().$field).poll_flush(cx)
            }

            fn poll_shutdown(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::pin::Pin::new(&mut self.get_mut().$field).poll_shutdown(cx)
            }
        }
    };
}

/// A connection this tool opened: plain TCP, a tunnel through an HTTP CONNECT proxy, TLS over
/// either, or a WebSocket's stream inside an HTTP/2 connection.
#[derive(Debug)]
pub(crate) enum Conn {
    /// Plain TCP (http, ws).
    Plain(TcpStream),
    /// A CONNECT tunnel through a proxy.
    Tunnel(TokioIo<Upgraded>),
    /// TLS over one of the others (https, wss).
    Tls(Box<tokio_rustls::client::TlsStream<Conn>>),
    /// The stream of an HTTP/2 extended CONNECT (RFC 8441), with what the connection's frames
    /// said beside it.
    H2(Box<H2Stream>),
}

impl Conn {
    /// The application protocol TLS agreed on (ALPN), if this is TLS and one was.
    pub(crate) fn alpn(&self) -> Option<&[u8]> {
        match self {
            Conn::Tls(tls) => tls.get_ref().1.alpn_protocol(),
            _ => None,
        }
    }

    /// Whether TLS agreed on HTTP/2.
    pub(crate) fn is_h2(&self) -> bool {
        self.alpn() == Some(b"h2")
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tunnel(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Conn::H2(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tunnel(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            Conn::H2(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tunnel(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Conn::H2(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tunnel(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Conn::H2(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// The stream of an extended CONNECT, carrying the WebSocket; the connection stays up while it
/// is held.
#[derive(Debug)]
pub(crate) struct H2Stream {
    io: TokioIo<Upgraded>,
    seen: watch::Receiver<ServerFrames>,
    /// When the CONNECT's 200 arrived: the stream is open from then on.
    opened_at: Instant,
    /// Held so the connection is not shut down for want of a client while the socket is open.
    _sender: hyper::client::conn::http2::SendRequest<Empty<Bytes>>,
}

impl H2Stream {
    /// The stream of an extended CONNECT that was answered 200, from when it was.
    pub(crate) fn new(
        io: TokioIo<Upgraded>,
        seen: watch::Receiver<ServerFrames>,
        opened_at: Instant,
        sender: hyper::client::conn::http2::SendRequest<Empty<Bytes>>,
    ) -> H2Stream {
        H2Stream {
            io,
            seen,
            opened_at,
            _sender: sender,
        }
    }

    /// What the connection's frames said so far.
    pub(crate) fn seen(&self) -> ServerFrames {
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

write_through!(H2Stream, io);
