//! HTTP CONNECT tunnels through a proxy, through hyper (the CONNECT is its own timed phase).

use super::stream::Conn;
use base64::Engine;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::rt::TokioIo;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// Why the proxy did not open a tunnel.
#[derive(Debug, Clone)]
pub enum TunnelFailure {
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
    /// The connection to the proxy broke.
    Io(String),
}

/// Asks the proxy on `tcp` for a tunnel to `authority` (`host:port`).
pub async fn connect(
    tcp: TcpStream,
    authority: &str,
    credentials: Option<(&str, &str)>,
    timeout: Duration,
) -> Result<(Conn, Duration), TunnelFailure> {
    let start = Instant::now();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .map_err(|e| TunnelFailure::Io(e.to_string()))?;
    // The connection must keep running until the upgrade hands the socket over.
    tokio::spawn(async move {
        let _ = connection.with_upgrades().await;
    });
    let mut request = Request::builder()
        .method(Method::CONNECT)
        .uri(authority)
        .header(http::header::HOST, authority)
        .header(
            http::header::USER_AGENT,
            concat!("wsdoctor/", env!("CARGO_PKG_VERSION")),
        );
    if let Some((user, password)) = credentials {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        request = request.header(http::header::PROXY_AUTHORIZATION, format!("Basic {token}"));
    }
    let request = request
        .body(Empty::<Bytes>::new())
        .map_err(|e| TunnelFailure::Io(e.to_string()))?;
    let response = match tokio::time::timeout(timeout, sender.send_request(request)).await {
        Err(_) => return Err(TunnelFailure::Timeout(timeout)),
        Ok(Err(e)) => return Err(TunnelFailure::Io(e.to_string())),
        Ok(Ok(response)) => response,
    };
    if !response.status().is_success() {
        let (parts, body) = response.into_parts();
        let body = tokio::time::timeout(
            Duration::from_millis(500),
            Limited::new(body, 4096).collect(),
        )
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
    match tokio::time::timeout(timeout, hyper::upgrade::on(response)).await {
        Err(_) => Err(TunnelFailure::Timeout(timeout)),
        Ok(Err(e)) => Err(TunnelFailure::Io(e.to_string())),
        Ok(Ok(upgraded)) => Ok((Conn::Tunnel(TokioIo::new(upgraded)), elapsed)),
    }
}
