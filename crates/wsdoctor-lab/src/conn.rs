//! One accepted connection, from TCP (and TLS) to either a raw fault or the HTTP server.

use std::sync::Arc;

use bytes::Bytes;
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

use super::fault::Fault;
use super::stream::{read_head, HeadRead, Rewind, Stream, HEAD_TIMEOUT};
use super::{app, raw, shutdown_signalled, Shared, TaskGuard};

/// Serves one connection until it ends or the lab shuts down.
pub(crate) async fn handle(
    tcp: TcpStream,
    shared: Arc<Shared>,
    acceptor: Option<TlsAcceptor>,
    guard: TaskGuard,
) {
    let mut shutdown = shared.shutdown.clone();
    tokio::select! {
        _ = shutdown_signalled(&mut shutdown) => {}
        _ = serve(tcp, shared, acceptor, guard) => {}
    }
}

/// Whether the connection is HTTP/2: TLS agreed on `h2`, or agreed on nothing with a listener
/// that speaks HTTP/2 alone (it answers an HTTP/1.1 request with HTTP/2 frames).
fn speaks_http2(stream: &Stream, shared: &Shared) -> bool {
    let Stream::Tls(tls) = stream else {
        return false;
    };
    match tls.get_ref().1.alpn_protocol() {
        Some(alpn) => alpn == b"h2",
        None => shared.fault.as_ref().is_some_and(Fault::http2_only),
    }
}

async fn serve(
    tcp: TcpStream,
    shared: Arc<Shared>,
    acceptor: Option<TlsAcceptor>,
    guard: TaskGuard,
) {
    // Small frames (handshakes, echo replies) must not wait for Nagle, or timings lie.
    let _ = tcp.set_nodelay(true);
    if matches!(shared.fault, Some(Fault::Blackhole)) {
        raw::hold_silent(&tcp).await;
        return;
    }
    let mut stream = match acceptor {
        Some(acceptor) => match tokio::time::timeout(HEAD_TIMEOUT, acceptor.accept(tcp)).await {
            Ok(Ok(tls)) => Stream::Tls(Box::new(tls)),
            // A failed handshake is the client's business (e.g. it rejected our certificate).
            _ => return,
        },
        None => Stream::Plain(tcp),
    };
    if speaks_http2(&stream, &shared) {
        app::serve_h2(Rewind::new(Bytes::new(), stream), shared, guard).await;
        return;
    }

    let raw_mode = shared.fault.as_ref().is_some_and(Fault::needs_raw_head);
    let mut replay = Vec::new();
    if raw_mode {
        match read_head(&mut stream).await {
            HeadRead::Nothing => return,
            HeadRead::Other(bytes) => replay = bytes,
            HeadRead::Complete {
                bytes,
                head_len,
                head,
            } => {
                if let Some(action) = raw::decide(&shared, &head) {
                    let sent_more = bytes.len() > head_len;
                    raw::perform(action, stream, sent_more, &shared).await;
                    return;
                }
                replay = bytes;
            }
        }
    }
    let io = Rewind::new(Bytes::from(replay), stream);
    app::serve(io, shared, guard, raw_mode).await;
}
