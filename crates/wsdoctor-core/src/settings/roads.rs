//! Which roads a `wss://` socket may take, and what ALPN a browser offers on each.

/// Which roads a `wss://` socket may take, as `--http1-only` and `--http2` choose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Roads {
    /// As a browser: connections offer ALPN `h2, http/1.1`; when the origin speaks HTTP/2 the
    /// echo and terminal sockets are opened both ways and the roads compared.
    #[default]
    Browser,
    /// HTTP/1.1 only (`--http1-only`): ALPN offers `http/1.1` alone and no socket goes over
    /// HTTP/2, as a browser without an HTTP/2 connection to the origin.
    Http1Only,
    /// The HTTP/2 road is required (`--http2`): the echo and terminal sockets go over an
    /// extended CONNECT only, and a server that cannot carry them that way fails.
    Http2,
}

impl Roads {
    /// The protocols a connection for HTTP requests offers in ALPN, most preferred first.
    pub(crate) fn alpn(self) -> &'static [&'static [u8]] {
        match self {
            Roads::Http1Only => ALPN_HTTP1,
            Roads::Browser | Roads::Http2 => ALPN_BROWSER,
        }
    }

    /// The option that chose this, for messages; empty for the default.
    pub fn flag(self) -> &'static str {
        match self {
            Roads::Browser => "",
            Roads::Http1Only => "--http1-only",
            Roads::Http2 => "--http2",
        }
    }
}

/// What a browser offers on a connection that may carry HTTP/2.
pub(crate) const ALPN_BROWSER: &[&[u8]] = &[b"h2", b"http/1.1"];

/// What a browser offers on the connection of its own it opens for an HTTP/1.1 WebSocket.
pub(crate) const ALPN_HTTP1: &[&[u8]] = &[b"http/1.1"];
