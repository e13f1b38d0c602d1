//! Byte-level plumbing: the connection stream (plain or TLS), replay of bytes read ahead of hyper,
//! and a small bounded parser for request heads.
//!
//! The lab reads some request heads itself because several faults must answer on the raw socket; the
//! bytes it read are then replayed to hyper so normal requests still go through a real HTTP server.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Buf, Bytes};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;

/// The largest request head the lab accepts, as a real server would bound it.
pub(crate) const MAX_HEAD: usize = 16 * 1024;

/// How long a client may take to send its request head before the lab gives up on it.
pub(crate) const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// One accepted connection, plain or TLS; the TCP socket stays reachable so a fault can reset it.
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl Stream {
    /// The TCP socket under the stream, for socket options such as a zero linger.
    pub(crate) fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(tcp) => tcp,
            Stream::Tls(tls) => tls.get_ref().0,
        }
    }

    /// Drops the connection with a TCP RST and no goodbye of any kind (no close frame, no TLS
    /// close_notify, no FIN), which is what a proxy killing a connection looks like to the client.
    pub(crate) fn reset(self) {
        // If the option cannot be set the drop still closes the socket, just with a FIN.
        let _ = self.tcp().set_zero_linger();
        drop(self);
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// A stream that first yields bytes already read from it, then reads from it as usual.
pub(crate) struct Rewind {
    prefix: Bytes,
    inner: Stream,
}

impl Rewind {
    /// Wraps `inner`, replaying `prefix` before anything else is read.
    pub(crate) fn new(prefix: Bytes, inner: Stream) -> Self {
        Rewind { prefix, inner }
    }

    /// Puts bytes read ahead by someone else (hyper's buffer after an upgrade) in front of the ones
    /// still waiting to be replayed.
    pub(crate) fn prepend(&mut self, bytes: Bytes) {
        if bytes.is_empty() {
            return;
        }
        if self.prefix.is_empty() {
            self.prefix = bytes;
        } else {
            let mut joined = Vec::with_capacity(bytes.len() + self.prefix.len());
            joined.extend_from_slice(&bytes);
            joined.extend_from_slice(&self.prefix);
            self.prefix = Bytes::from(joined);
        }
    }

    /// The connection under the replay buffer.
    pub(crate) fn stream(&self) -> &Stream {
        &self.inner
    }
}

impl AsyncRead for Rewind {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.prefix.is_empty() {
            let n = this.prefix.len().min(buf.remaining());
            buf.put_slice(&this.prefix[..n]);
            this.prefix.advance(n);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Rewind {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// What an open WebSocket runs over: an upgraded HTTP/1.1 connection, or the stream of an HTTP/2
/// extended CONNECT.
pub(crate) enum SocketIo {
    /// The connection itself, after a 101: a fault cuts it with a TCP reset.
    Http1(Rewind),
    /// One stream of an HTTP/2 connection: a fault cuts it with RST_STREAM.
    Http2 {
        /// The stream.
        io: hyper_util::rt::TokioIo<hyper::upgrade::Upgraded>,
        /// Ends the tasks the connection spawned, the stream's writer among them.
        kill: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
    },
}

impl SocketIo {
    /// Kills the socket as a proxy does: a TCP reset without a close frame, or, on HTTP/2, a
    /// RST_STREAM (CANCEL) without one.
    pub(crate) fn reset(self) {
        match self {
            SocketIo::Http1(io) => {
                // If the option cannot be set the drop still closes the socket, just with a FIN.
                let _ = io.stream().tcp().set_zero_linger();
            }
            SocketIo::Http2 { io, kill } => {
                // The writer task goes first, so the stream is not ended in order (END_STREAM)
                // when the reader is dropped: with no handle left on an open stream, the HTTP/2
                // library resets it with CANCEL.
                let _ = kill.send(true);
                drop(io);
            }
        }
    }
}

impl AsyncRead for SocketIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            SocketIo::Http1(s) => Pin::new(s).poll_read(cx, buf),
            SocketIo::Http2 { io, .. } => Pin::new(io).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for SocketIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            SocketIo::Http1(s) => Pin::new(s).poll_write(cx, buf),
            SocketIo::Http2 { io, .. } => Pin::new(io).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            SocketIo::Http1(s) => Pin::new(s).poll_flush(cx),
            SocketIo::Http2 { io, .. } => Pin::new(io).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            SocketIo::Http1(s) => Pin::new(s).poll_shutdown(cx),
            SocketIo::Http2 { io, .. } => Pin::new(io).poll_shutdown(cx),
        }
    }
}

/// What reading a request head from a fresh connection produced.
pub(crate) enum HeadRead {
    /// A complete head; `bytes` holds it (its first `head_len` bytes) and anything sent after it.
    Complete {
        bytes: Vec<u8>,
        head_len: usize,
        head: RawRequest,
    },
    /// Not a head the lab understands (too large, malformed, cut short): let hyper answer it.
    Other(Vec<u8>),
    /// The client went away without sending anything, or was too slow: nothing to answer.
    Nothing,
}

/// Reads up to the end of a request head, bounded in size and time.
pub(crate) async fn read_head(stream: &mut Stream) -> HeadRead {
    let mut bytes = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let read = tokio::time::timeout(HEAD_TIMEOUT, async {
        loop {
            match RawRequest::parse(&bytes) {
                Parsed::Complete(head, len) => return Some((head, len)),
                Parsed::Invalid => return None,
                Parsed::Partial => {}
            }
            if bytes.len() >= MAX_HEAD {
                return None;
            }
            let room = (MAX_HEAD - bytes.len()).min(chunk.len());
            match stream.read(&mut chunk[..room]).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    match read {
        Err(_) => HeadRead::Nothing,
        Ok(None) if bytes.is_empty() => HeadRead::Nothing,
        Ok(None) => HeadRead::Other(bytes),
        Ok(Some((head, head_len))) => HeadRead::Complete {
            bytes,
            head_len,
            head,
        },
    }
}

/// What parsing the bytes read so far produced.
enum Parsed {
    /// A whole head, and its length in bytes.
    Complete(RawRequest, usize),
    /// Not all of it has arrived.
    Partial,
    /// Not an HTTP/1.x request head.
    Invalid,
}

/// The parts of a request head the raw faults decide on.
#[derive(Debug, Clone)]
pub(crate) struct RawRequest {
    pub(crate) method: String,
    pub(crate) target: String,
    headers: Vec<(String, String)>,
}

/// Most headers a request head may carry before the lab gives up on it.
const MAX_HEADERS: usize = 64;

impl RawRequest {
    /// Parses a request head with httparse.
    fn parse(bytes: &[u8]) -> Parsed {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(bytes) {
            Ok(httparse::Status::Complete(len)) => {
                let (Some(method), Some(target)) = (request.method, request.path) else {
                    return Parsed::Invalid;
                };
                let headers = request
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_string(),
                            String::from_utf8_lossy(h.value).trim().to_string(),
                        )
                    })
                    .collect();
                Parsed::Complete(
                    RawRequest {
                        method: method.to_string(),
                        target: target.to_string(),
                        headers,
                    },
                    len,
                )
            }
            Ok(httparse::Status::Partial) => Parsed::Partial,
            Err(_) => Parsed::Invalid,
        }
    }

    /// The first value of a header, matched case-insensitively as HTTP requires.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The request path without its query.
    pub(crate) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// Whether this is a WebSocket upgrade request: a GET carrying `Upgrade: websocket`.
    pub(crate) fn is_upgrade(&self) -> bool {
        self.method == "GET" && self.header("upgrade").is_some_and(has_websocket_token)
    }

    /// The client's key, if the request is one a real server would accept (key present, version 13).
    pub(crate) fn valid_key(&self) -> Option<&str> {
        let version_ok = self.header("sec-websocket-version").map(str::trim) == Some("13");
        let key = self.header("sec-websocket-key")?.trim();
        (version_ok && !key.is_empty()).then_some(key)
    }
}

/// Whether an `Upgrade` header value names the websocket protocol.
pub(crate) fn has_websocket_token(value: &str) -> bool {
    value
        .split(',')
        .any(|token| token.trim().eq_ignore_ascii_case("websocket"))
}

/// Decodes `%XX` escapes in a path segment as express does for route parameters; a segment that does
/// not decode to UTF-8 is kept as sent.
pub(crate) fn percent_decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .map(|s| s.into_owned())
        .unwrap_or_else(|_| segment.to_string())
}

/// Milliseconds since the Unix epoch, as JavaScript's `Date.now()` gives them.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The current time as an HTTP `Date` value (RFC 9110 IMF-fixdate), for raw responses.
pub(crate) fn http_date() -> String {
    httpdate::fmt_http_date(SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_heads() {
        let head = b"GET /ws-test?x=1 HTTP/1.1\r\nHost: a\r\nupgrade: WebSocket\r\nSec-WebSocket-Key: abc\r\nSec-WebSocket-Version: 13\r\n\r\n";
        let Parsed::Complete(req, len) = RawRequest::parse(head) else {
            panic!("a complete head");
        };
        assert_eq!(len, head.len());
        assert_eq!(req.path(), "/ws-test");
        assert!(req.is_upgrade());
        assert_eq!(req.valid_key(), Some("abc"));
        assert!(matches!(
            RawRequest::parse(b"garbage\r\n\r\n"),
            Parsed::Invalid
        ));
        assert!(matches!(
            RawRequest::parse(b"GET / HTTP/1.1\r\nno colon\r\n\r\n"),
            Parsed::Invalid
        ));
        assert!(matches!(
            RawRequest::parse(b"GET / HTTP/1.1\r\nHost: a\r\n"),
            Parsed::Partial
        ));
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("%FF"), "%FF");
    }
}
