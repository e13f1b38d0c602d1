//! One HTTP/1.1 exchange through hyper over a connection this tool opened, so that connect, TLS
//! and time-to-first-byte are timed apart.

use super::stream::Conn;
use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode, Version};
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::rt::TokioIo;
use std::time::{Duration, Instant};

/// Bodies are read up to this many bytes; a health endpoint has no business sending more.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A response, with its timings.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// Status code.
    pub status: StatusCode,
    /// HTTP version.
    pub version: Version,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body, at most [`BODY_LIMIT`] bytes.
    pub body: Bytes,
    /// Time from sending the request to the response head.
    pub ttfb: Duration,
    /// Time from sending the request to the end of the body.
    pub total: Duration,
}

impl HttpResponse {
    /// `HTTP/1.1 200 OK`.
    pub fn status_line(&self) -> String {
        format!(
            "{:?} {} {}",
            self.version,
            self.status.as_u16(),
            self.status.canonical_reason().unwrap_or("")
        )
        .trim_end()
        .to_string()
    }
}

/// Why an exchange failed.
#[derive(Debug, Clone)]
pub enum HttpFailure {
    /// No response head within the timeout.
    Timeout(Duration),
    /// The body did not finish within the timeout, or exceeded the limit.
    Body(String),
    /// The connection broke or the response was not HTTP.
    Io(String),
}

/// Sends `request` on `conn` and reads the response, each half bounded by `timeout`.
pub async fn exchange(
    conn: Conn,
    request: Request<Empty<Bytes>>,
    timeout: Duration,
) -> Result<HttpResponse, HttpFailure> {
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(conn))
        .await
        .map_err(|e| HttpFailure::Io(e.to_string()))?;
    // The connection future drives the socket; it ends when the exchange is done or dropped.
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    let start = Instant::now();
    let outcome = async {
        let response = match tokio::time::timeout(timeout, sender.send_request(request)).await {
            Err(_) => return Err(HttpFailure::Timeout(timeout)),
            Ok(Err(e)) => return Err(HttpFailure::Io(describe_hyper_error(&e))),
            Ok(Ok(response)) => response,
        };
        let ttfb = start.elapsed();
        let (parts, body) = response.into_parts();
        let body =
            match tokio::time::timeout(timeout, Limited::new(body, BODY_LIMIT).collect()).await {
                Err(_) => {
                    return Err(HttpFailure::Body(
                        "body not complete within the timeout".into(),
                    ))
                }
                Ok(Err(e)) => return Err(HttpFailure::Body(e.to_string())),
                Ok(Ok(collected)) => collected.to_bytes(),
            };
        Ok(HttpResponse {
            status: parts.status,
            version: parts.version,
            headers: parts.headers,
            body,
            ttfb,
            total: start.elapsed(),
        })
    }
    .await;
    driver.abort();
    outcome
}

fn describe_hyper_error(e: &hyper::Error) -> String {
    use std::error::Error;
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}
