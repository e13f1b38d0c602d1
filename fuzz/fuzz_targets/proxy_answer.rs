//! What an HTTP CONNECT proxy can answer.
//!
//! `probe::proxy::connect` takes a `TcpStream`, so the same exchange is replayed here over an
//! in-memory pipe: the input is everything the proxy sends (then it stops sending), hyper's HTTP/1
//! client sends the CONNECT and reads the answer with the probe's settings (64 KiB buffer, body
//! kept up to the probe's limit), within 100 ms. A refusal (not 2xx) goes through the classifier.
//!
//! Properties: no panic; the body kept is within the probe's limit; the finding and its evidence
//! never quote more than 600 bytes of the body.
#![no_main]

use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::rt::TokioIo;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;
use wsdoctor_core::fuzzing::{proxy_refusal, PROXY_REFUSAL_BODY_LIMIT};
use wsdoctor_core::Redactor;

const AUTHORITY: &str = "app.example.com:443";
const PROXY: &str = "http://proxy.example:3128";
const ANSWER_WAIT: Duration = Duration::from_millis(100);
/// The most of the body any text of the finding may quote.
const QUOTE_LIMIT: usize = 600;

fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime")
    })
}

/// Stops the connection task when the exchange ends, however it ends.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((status, headers, body)) = runtime().block_on(answer(data)) else {
        return;
    };
    assert!(body.len() <= PROXY_REFUSAL_BODY_LIMIT);
    if status.is_success() {
        return;
    }
    let redactor = Redactor::new(["proxy-s3cret"], true);
    let (finding, excerpt) =
        proxy_refusal(status, headers, body.clone(), &redactor, PROXY, AUTHORITY);
    let body_text = String::from_utf8_lossy(&body);
    for text in [
        Some(&finding.message),
        Some(&finding.hint),
        excerpt.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        assert!(
            !quotes_more_than(text, &body_text, QUOTE_LIMIT),
            "the finding quotes more than {QUOTE_LIMIT} bytes of the body"
        );
    }
});

/// The proxy's answer to CONNECT as the probe reads it: status, headers, and the start of the
/// body of a refusal; `None` when hyper reads no answer (not HTTP, cut short, too slow).
async fn answer(data: &[u8]) -> Option<(StatusCode, HeaderMap, Vec<u8>)> {
    // Room for the whole answer one way and the CONNECT the other, so no write ever waits.
    let (client, mut proxy) = tokio::io::duplex(data.len() + 4096);
    // The proxy answers once it has read the CONNECT (hyper refuses bytes that arrive before its
    // request as an unexpected message), then stops sending.
    let proxy_side = async move {
        let mut request = Vec::new();
        let mut chunk = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match proxy.read(&mut chunk).await {
                Ok(0) | Err(_) => return proxy,
                Ok(n) => request.extend_from_slice(&chunk[..n]),
            }
        }
        if proxy.write_all(data).await.is_ok() {
            let _ = proxy.shutdown().await;
        }
        // Kept (open for reading) until the exchange ends, like a proxy that is done talking.
        proxy
    };
    let exchange = async {
        let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
            .max_buf_size(64 * 1024)
            .handshake(TokioIo::new(client))
            .await
            .ok()?;
        let _driver = AbortOnDrop(tokio::spawn(async move {
            let _ = connection.with_upgrades().await;
        }));
        let request = Request::builder()
            .method(Method::CONNECT)
            .uri(AUTHORITY)
            .header(http::header::HOST, AUTHORITY)
            .header(http::header::USER_AGENT, "wsdoctor-fuzz")
            .header(
                http::header::PROXY_AUTHORIZATION,
                "Basic dXNlcjpwcm94eS1zM2NyZXQ=",
            )
            .body(Empty::<Bytes>::new())
            .ok()?;
        let response = sender.send_request(request).await.ok()?;
        if response.status().is_success() {
            let status = response.status();
            let headers = response.headers().clone();
            let _ = hyper::upgrade::on(response).await;
            return Some((status, headers, Vec::new()));
        }
        let (parts, body) = response.into_parts();
        let body = Limited::new(body, PROXY_REFUSAL_BODY_LIMIT)
            .collect()
            .await
            .ok()
            .map(|b| b.to_bytes().to_vec())
            .unwrap_or_default();
        Some((parts.status, parts.headers, body))
    };
    let both = async { tokio::join!(proxy_side, exchange) };
    tokio::time::timeout(ANSWER_WAIT, both)
        .await
        .ok()
        .and_then(|(_proxy, answered)| answered)
}

/// Whether `text` holds a run of more than `limit` consecutive bytes of `body`.
fn quotes_more_than(text: &str, body: &str, limit: usize) -> bool {
    if text.len() <= limit || body.len() <= limit {
        return false;
    }
    let starts: Vec<usize> = body.char_indices().map(|(i, _)| i).collect();
    starts.iter().any(|&start| {
        let mut end = (start + limit + 1).min(body.len());
        while !body.is_char_boundary(end) {
            end += 1;
        }
        end - start > limit && text.contains(&body[start..end])
    })
}
