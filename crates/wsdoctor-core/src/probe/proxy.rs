//! HTTP CONNECT tunnels through a proxy, through hyper (the CONNECT is its own timed phase).

use super::headers::USER_AGENT;
use super::limits::REFUSAL_BODY_LIMIT;
use super::stream::Conn;
use super::OsError;
use base64::Engine;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::rt::TokioIo;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// Why the proxy did not open a tunnel.
#[derive(Debug, Clone)]
pub(crate) enum TunnelFailure {
    /// The proxy answered with something other than 2xx.
    Refused {
        /// Its status.
        status: StatusCode,
        /// Its headers.
        headers: HeaderMap,
        /// The start of its body.
        body: Vec<u8>,
    },
    /// No answer in time.
    Timeout(Duration),
    /// The answer was not HTTP, or the connection to the proxy broke.
    Broken(String),
    /// The connection to the proxy failed at the OS level.
    Io(OsError),
}

/// Asks the proxy on `tcp` for a tunnel to `authority` (`host:port`); the whole exchange is
/// bounded by `timeout`.
pub(crate) async fn connect(
    tcp: TcpStream,
    authority: &str,
    credentials: Option<(&str, &str)>,
    timeout: Duration,
) -> Result<(Conn, Duration), TunnelFailure> {
    let start = Instant::now();
    let deadline = tokio::time::Instant::now() + timeout;
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .max_buf_size(64 * 1024)
        .handshake(TokioIo::new(tcp))
        .await
        .map_err(|e| TunnelFailure::Broken(e.to_string()))?;
    // The connection must keep running until the upgrade hands the socket over.
    tokio::spawn(async move {
        let _ = connection.with_upgrades().await;
    });
    let mut request = Request::builder()
        .method(Method::CONNECT)
        .uri(authority)
        .header(http::header::HOST, authority)
        .header(http::header::USER_AGENT, USER_AGENT);
    if let Some((user, password)) = credentials {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        request = request.header(http::header::PROXY_AUTHORIZATION, format!("Basic {token}"));
    }
    let request = request
        .body(Empty::<Bytes>::new())
        .map_err(|e| TunnelFailure::Broken(e.to_string()))?;
    let response = match tokio::time::timeout_at(deadline, sender.send_request(request)).await {
        Err(_) => return Err(TunnelFailure::Timeout(timeout)),
        Ok(Err(e)) => return Err(hyper_failure(&e)),
        Ok(Ok(response)) => response,
    };
    if !response.status().is_success() {
        let (parts, body) = response.into_parts();
        let body =
            tokio::time::timeout_at(deadline, Limited::new(body, REFUSAL_BODY_LIMIT).collect())
                .await
                .ok()
                .and_then(Result::ok)
                .map(|b| b.to_bytes().to_vec())
                .unwrap_or_default();
        return Err(TunnelFailure::Refused {
            status: parts.status,
            headers: parts.headers,
            body,
        });
    }
    let elapsed = start.elapsed();
    match tokio::time::timeout_at(deadline, hyper::upgrade::on(response)).await {
        Err(_) => Err(TunnelFailure::Timeout(timeout)),
        Ok(Err(e)) => Err(hyper_failure(&e)),
        Ok(Ok(upgraded)) => Ok((Conn::Tunnel(TokioIo::new(upgraded)), elapsed)),
    }
}

fn hyper_failure(e: &hyper::Error) -> TunnelFailure {
    use std::error::Error;
    let io = e
        .source()
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .map(OsError::from_io);
    match io {
        Some(os) => TunnelFailure::Io(os),
        None => TunnelFailure::Broken(super::http::describe_hyper_error(e)),
    }
}
