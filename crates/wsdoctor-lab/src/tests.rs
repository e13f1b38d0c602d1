//! The lab against real clients over loopback: the contract, then each fault's wire signature.

use std::io::ErrorKind;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

use super::{Lab, LabOptions};

const STEP: Duration = Duration::from_secs(5);

async fn lab_with(fault: Option<&str>) -> Lab {
    let options = LabOptions {
        fault: fault.map(|f| f.parse().unwrap()),
        ping_interval: None,
        ..LabOptions::default()
    };
    Lab::start(options).await.unwrap()
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn send<S>(io: S, req: Request<Full<Bytes>>) -> Answer
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .unwrap();
    tokio::spawn(conn);
    let response = timeout(STEP, sender.send_request(req))
        .await
        .unwrap()
        .unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn request(method: Method, path: &str, headers: &[(&str, &str)]) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Full::new(Bytes::new())).unwrap()
}

async fn get(lab: &Lab, path: &str) -> Answer {
    let tcp = TcpStream::connect(lab.addr()).await.unwrap();
    send(tcp, request(Method::GET, path, &[])).await
}

async fn call(lab: &Lab, method: Method, path: &str, headers: &[(&str, &str)]) -> Answer {
    let tcp = TcpStream::connect(lab.addr()).await.unwrap();
    send(tcp, request(method, path, headers)).await
}

/// An upgrade request as a browser sends it, written by hand so the raw answer can be inspected.
fn upgrade_head(path: &str, extra: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
    )
}

/// Sends a raw upgrade request and returns the response: head and body when it says how long the body
/// is, else everything until the server closes (or 1 s passes).
async fn raw_upgrade(lab: &Lab, path: &str, extra: &str) -> String {
    let mut tcp = TcpStream::connect(lab.addr()).await.unwrap();
    tcp.write_all(upgrade_head(path, extra).as_bytes())
        .await
        .unwrap();
    let mut out = Vec::new();
    let _ = timeout(Duration::from_secs(1), async {
        let mut chunk = [0u8; 4096];
        loop {
            let text = String::from_utf8_lossy(&out).into_owned();
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end].lines().find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                });
                if length.is_some_and(|length| out.len() >= end + 4 + length) {
                    return;
                }
            }
            match tcp.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => out.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    String::from_utf8_lossy(&out).into_owned()
}

type Client = WebSocketStream<TcpStream>;

async fn ws_connect(lab: &Lab, path: &str) -> Result<Client, WsError> {
    let tcp = TcpStream::connect(lab.addr()).await.unwrap();
    let url = format!("ws://{}{path}", lab.addr());
    let (ws, response) = timeout(STEP, tokio_tungstenite::client_async(url, tcp))
        .await
        .unwrap()?;
    assert_eq!(response.status(), StatusCode::SWITCHING_PROTOCOLS);
    Ok(ws)
}

/// The next data or close message, skipping pings and pongs.
async fn next_message(ws: &mut Client) -> Option<Result<Message, WsError>> {
    loop {
        match timeout(STEP, ws.next()).await.unwrap() {
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            other => return other,
        }
    }
}

async fn next_json(ws: &mut Client) -> Value {
    match next_message(ws).await {
        Some(Ok(Message::Text(text))) => serde_json::from_str(text.as_str()).unwrap(),
        other => panic!("expected a text message, got {other:?}"),
    }
}

async fn expect_close(ws: &mut Client) -> Option<(u16, String)> {
    match next_message(ws).await {
        Some(Ok(Message::Close(frame))) => {
            frame.map(|f| (u16::from(f.code), f.reason.as_str().to_string()))
        }
        other => panic!("expected a close frame, got {other:?}"),
    }
}

/// Asserts the connection ends with a TCP reset and no close frame (what a browser reports as 1006).
async fn expect_reset(ws: &mut Client) {
    match next_message(ws).await {
        Some(Err(WsError::Io(e))) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
        other => panic!("expected a reset, got {other:?}"),
    }
}

#[tokio::test]
async fn health_and_diagnostics() {
    let lab = lab_with(None).await;
    assert!(lab.base_url().starts_with("http://127.0.0.1:"));
    assert!(lab.ca_pem().is_none());

    let health = get(&lab, "/health").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.header("x-powered-by"), Some("Express"));
    assert!(health
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let body = health.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["websocket"], "available");
    assert!(body["timestamp"].as_u64().unwrap() > 1_600_000_000_000);
    assert!(body["uptime"].is_f64());
    assert_eq!(body["endpoints"].as_array().unwrap().len(), 6);

    let diag = get(&lab, "/api/diagnostics/websocket").await.json();
    assert_eq!(diag["websocket"]["paths"]["test"], "/ws-test");
    assert_eq!(diag["websocket"]["connectionTimeoutMs"], 30_000);
    assert_eq!(diag["websocket"]["pingIntervalMs"], Value::Null);
    assert_eq!(diag["websocket"]["maxPayloadBytes"], 1_048_576);
    assert_eq!(diag["server"]["activeConnections"], 0);
    assert_eq!(diag["cors"]["origins"], json!(["http://localhost:3000"]));
    assert_eq!(diag["cors"]["allowedHeaders"].as_array().unwrap().len(), 7);
    assert_eq!(diag["sessionStore"]["sessions"], 1);

    let missing = get(&lab, "/nope?x=1").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(missing.body.contains("<pre>Cannot GET /nope?x=1</pre>"));
    lab.shutdown().await;
}

#[tokio::test]
async fn cors_preflight() {
    let lab = lab_with(None).await;
    let allowed = call(
        &lab,
        Method::OPTIONS,
        "/api/sessions",
        &[
            ("origin", "http://localhost:3000"),
            ("access-control-request-method", "GET"),
        ],
    )
    .await;
    assert_eq!(allowed.status, StatusCode::NO_CONTENT);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(
        allowed.header("access-control-allow-credentials"),
        Some("true")
    );
    assert!(allowed
        .header("access-control-allow-headers")
        .unwrap()
        .contains("Sec-WebSocket-Extensions"));
    assert_eq!(allowed.header("access-control-max-age"), Some("86400"));
    assert_eq!(allowed.header("vary"), Some("Origin"));

    let refused = call(
        &lab,
        Method::OPTIONS,
        "/api/sessions",
        &[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "GET"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::NO_CONTENT);
    assert!(refused
        .headers
        .keys()
        .all(|k| !k.as_str().starts_with("access-control-")));

    let simple = call(
        &lab,
        Method::GET,
        "/health",
        &[("origin", "http://localhost:3000")],
    )
    .await;
    assert_eq!(
        simple.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn sessions_can_be_created_and_checked() {
    let lab = lab_with(None).await;
    let created = call(&lab, Method::POST, "/api/sessions", &[]).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["sessionId"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 16);
    assert!(lab.sessions().contains(&id));

    let known = get(&lab, &format!("/api/sessions/{id}")).await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(known.json(), json!({"sessionId": id, "valid": true}));

    let unknown = get(&lab, "/api/sessions/nope").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()["code"], "SESSION_INVALID");

    let mut ws = ws_connect(&lab, &format!("/terminal/{id}")).await.unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "connected");
    lab.shutdown().await;
}

#[tokio::test]
async fn echo_round_trip() {
    let lab = lab_with(None).await;
    let mut ws = ws_connect(&lab, "/ws-test").await.unwrap();
    ws.send(Message::text(r#"{"test":"message"}"#))
        .await
        .unwrap();
    let reply = next_json(&mut ws).await;
    assert_eq!(reply["type"], "echo");
    assert_eq!(reply["received"], json!({"test": "message"}));
    assert!(reply["timestamp"].is_u64());

    ws.send(Message::text("not json")).await.unwrap();
    assert_eq!(
        next_json(&mut ws).await,
        json!({"type": "error", "message": "Invalid JSON"})
    );

    let diag = get(&lab, "/api/diagnostics/websocket").await.json();
    assert_eq!(diag["server"]["activeConnections"], 1);

    ws.send(Message::Ping(Bytes::from_static(b"hi")))
        .await
        .unwrap();
    match timeout(STEP, ws.next()).await.unwrap() {
        Some(Ok(Message::Pong(payload))) => assert_eq!(&payload[..], b"hi"),
        other => panic!("expected a pong, got {other:?}"),
    }

    ws.close(None).await.unwrap();
    assert!(matches!(
        timeout(STEP, ws.next()).await.unwrap(),
        Some(Ok(Message::Close(_))) | None
    ));
    lab.shutdown().await;
}

#[tokio::test]
async fn terminal_with_a_valid_session() {
    let lab = lab_with(None).await;
    let mut ws = ws_connect(&lab, "/terminal/demo-session").await.unwrap();
    assert_eq!(
        next_json(&mut ws).await,
        json!({"type": "connected", "sessionId": "demo-session", "message": "Terminal session established"})
    );
    assert_eq!(
        next_json(&mut ws).await,
        json!({"type": "output", "data": "lab@wsdoctor:~$ "})
    );
    ws.send(Message::text(r#"{"type":"input","data":"ls\r"}"#))
        .await
        .unwrap();
    assert_eq!(
        next_json(&mut ws).await,
        json!({"type": "output", "data": "ls\r"})
    );
    ws.send(Message::text(r#"{"type":"ping"}"#)).await.unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "pong");
    ws.send(Message::text("raw")).await.unwrap();
    assert_eq!(
        next_json(&mut ws).await,
        json!({"type": "output", "data": "raw"})
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn terminal_with_an_unknown_session() {
    let lab = lab_with(None).await;
    let mut ws = ws_connect(&lab, "/terminal/nope").await.unwrap();
    let error = next_json(&mut ws).await;
    assert_eq!(error["code"], "SESSION_INVALID");
    assert_eq!(error["message"], "Session not found or expired");
    assert_eq!(
        expect_close(&mut ws).await,
        Some((4000, "Invalid session".into()))
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn upgrade_validation_and_unknown_paths() {
    let lab = lab_with(None).await;
    let wrong_path = raw_upgrade(&lab, "/elsewhere", "").await;
    assert!(wrong_path.starts_with("HTTP/1.1 404"), "{wrong_path}");
    assert!(wrong_path.contains("Cannot GET /elsewhere"));

    let mut tcp = TcpStream::connect(lab.addr()).await.unwrap();
    tcp.write_all(b"GET /ws-test HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 512];
    let n = timeout(STEP, tcp.read(&mut buf)).await.unwrap().unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 400"));
    lab.shutdown().await;
}

#[tokio::test]
async fn server_pings() {
    let options = LabOptions {
        ping_interval: Some(Duration::from_millis(50)),
        ..LabOptions::default()
    };
    let lab = Lab::start(options).await.unwrap();
    let mut ws = ws_connect(&lab, "/ws-test").await.unwrap();
    match timeout(STEP, ws.next()).await.unwrap() {
        Some(Ok(Message::Ping(_))) => {}
        other => panic!("expected a ping, got {other:?}"),
    }
    lab.shutdown().await;
}

#[tokio::test]
async fn shutdown_ends_open_sockets() {
    let lab = lab_with(None).await;
    let addr = lab.addr();
    let mut ws = ws_connect(&lab, "/ws-test").await.unwrap();
    timeout(STEP, lab.shutdown()).await.unwrap();
    let ended = timeout(STEP, ws.next()).await.unwrap();
    assert!(!matches!(ended, Some(Ok(Message::Text(_)))));
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn fault_app_runner() {
    let lab = lab_with(Some("app-runner")).await;
    let health = get(&lab, "/health").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.header("server"), Some("envoy"));
    assert_eq!(health.header("x-envoy-upstream-service-time"), Some("2"));
    assert_eq!(health.header("x-powered-by"), None);
    let answer = raw_upgrade(&lab, "/ws-test", "").await;
    assert!(
        answer.starts_with("HTTP/1.1 403 Forbidden\r\nserver: envoy\r\ndate: "),
        "{answer}"
    );
    assert!(answer.ends_with("content-length: 0\r\n\r\n"));
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_strip_upgrade() {
    let lab = lab_with(Some("strip-upgrade")).await;
    let answer = raw_upgrade(&lab, "/ws-test", "").await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert!(answer.contains("x-powered-by: Express"));
    assert!(answer.contains("Cannot GET /ws-test"));
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_edge_403_and_origin_check() {
    let lab = lab_with(Some("edge-403")).await;
    let answer = raw_upgrade(&lab, "/ws-test", "").await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("x-powered-by: Express"));
    assert!(answer.contains("WebSocket connections are not allowed"));
    lab.shutdown().await;

    let lab = lab_with(Some("origin-check")).await;
    let foreign = raw_upgrade(&lab, "/ws-test", "Origin: https://evil.example\r\n").await;
    assert!(foreign.starts_with("HTTP/1.1 403"), "{foreign}");
    assert!(foreign.contains(r#"{"error":"Origin not allowed"}"#));
    let mut ws = ws_connect(&lab, "/ws-test").await.unwrap();
    ws.send(Message::text("{}")).await.unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "echo");
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_redirect() {
    let lab = lab_with(Some("redirect")).await;
    let answer = raw_upgrade(&lab, "/ws-test", "").await;
    assert!(answer.starts_with("HTTP/1.1 301"), "{answer}");
    let location = format!("location: https://{}/ws-test\r\n", lab.addr());
    assert!(answer.contains(&location), "{answer}");
    assert!(answer.contains("content-length: 0\r\n"), "{answer}");
    assert!(answer.contains("x-powered-by: Express\r\n"), "{answer}");
    assert_eq!(get(&lab, "/health").await.status, StatusCode::OK);
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_proxy_502() {
    let lab = lab_with(Some("proxy-502")).await;
    let answer = raw_upgrade(&lab, "/ws-test", "").await;
    assert!(
        answer.starts_with("HTTP/1.1 502 Bad Gateway\r\nserver: awselb/2.0\r\n"),
        "{answer}"
    );
    assert!(answer.ends_with("</html>\r\n"));
    assert_eq!(get(&lab, "/health").await.status, StatusCode::OK);
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_bad_accept() {
    let lab = lab_with(Some("bad-accept")).await;
    match ws_connect(&lab, "/ws-test").await {
        Err(WsError::Protocol(e)) => assert!(e.to_string().contains("Accept"), "{e}"),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("the handshake should fail"),
    }
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_handshake_hang_and_blackhole() {
    let lab = lab_with(Some("handshake-hang")).await;
    assert_eq!(get(&lab, "/health").await.status, StatusCode::OK);
    let mut tcp = TcpStream::connect(lab.addr()).await.unwrap();
    tcp.write_all(upgrade_head("/ws-test", "").as_bytes())
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    assert!(timeout(Duration::from_millis(300), tcp.read(&mut buf))
        .await
        .is_err());
    lab.shutdown().await;

    let lab = lab_with(Some("blackhole")).await;
    let mut tcp = TcpStream::connect(lab.addr()).await.unwrap();
    tcp.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert!(timeout(Duration::from_millis(300), tcp.read(&mut buf))
        .await
        .is_err());
    timeout(STEP, lab.shutdown()).await.unwrap();
}

#[tokio::test]
async fn fault_drop_after_open() {
    let lab = lab_with(Some("drop-after-open")).await;
    let mut ws = ws_connect(&lab, "/ws-test").await.unwrap();
    let _ = ws.send(Message::text("{}")).await;
    expect_reset(&mut ws).await;

    let mut ws = ws_connect(&lab, "/terminal/demo-session").await.unwrap();
    expect_reset(&mut ws).await;
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_flaky() {
    let lab = lab_with(Some("flaky:1")).await;
    let mut first = ws_connect(&lab, "/ws-test").await.unwrap();
    expect_reset(&mut first).await;
    let mut second = ws_connect(&lab, "/ws-test").await.unwrap();
    second.send(Message::text("[1]")).await.unwrap();
    assert_eq!(next_json(&mut second).await["received"], json!([1]));
    // The terminal route counts its own attempts.
    let mut terminal = ws_connect(&lab, "/terminal/demo-session").await.unwrap();
    expect_reset(&mut terminal).await;
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_no_route() {
    let lab = lab_with(Some("no-route")).await;
    let mut ws = ws_connect(&lab, "/somewhere/else").await.unwrap();
    assert_eq!(expect_close(&mut ws).await, None);
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_going_away() {
    let lab = lab_with(Some("going-away")).await;
    let mut ws = ws_connect(&lab, "/terminal/demo-session").await.unwrap();
    assert_eq!(
        expect_close(&mut ws).await,
        Some((1001, "Server restarting".into()))
    );
    let mut ws = ws_connect(&lab, "/ws-test").await.unwrap();
    ws.send(Message::text("{}")).await.unwrap();
    assert_eq!(
        expect_close(&mut ws).await,
        Some((1001, "Server restarting".into()))
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_session_faults() {
    let lab = lab_with(Some("invalid-session")).await;
    assert_eq!(
        get(&lab, "/api/sessions/demo-session").await.status,
        StatusCode::NOT_FOUND
    );
    let mut ws = ws_connect(&lab, "/terminal/demo-session").await.unwrap();
    assert_eq!(next_json(&mut ws).await["code"], "SESSION_INVALID");
    assert_eq!(expect_close(&mut ws).await.map(|c| c.0), Some(4000));
    lab.shutdown().await;

    let lab = lab_with(Some("server-error")).await;
    let mut ws = ws_connect(&lab, "/terminal/demo-session").await.unwrap();
    assert_eq!(next_json(&mut ws).await["code"], "SERVER_ERROR");
    assert_eq!(
        expect_close(&mut ws).await,
        Some((4500, "Internal server error".into()))
    );
    lab.shutdown().await;

    let lab = lab_with(Some("policy-timeout:100ms")).await;
    let mut ws = ws_connect(&lab, "/terminal/demo-session").await.unwrap();
    assert_eq!(
        expect_close(&mut ws).await,
        Some((1008, "Connection timeout".into()))
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_health_degraded_and_echo_mismatch() {
    let lab = lab_with(Some("health-degraded")).await;
    let health = get(&lab, "/health").await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(health.json()["websocket"], "unavailable");
    lab.shutdown().await;

    let lab = lab_with(Some("echo-mismatch")).await;
    let mut ws = ws_connect(&lab, "/ws-test").await.unwrap();
    ws.send(Message::text(r#"{"a":1}"#)).await.unwrap();
    assert_eq!(
        next_json(&mut ws).await["received"],
        json!({"tampered": true})
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_idle_and_lifetime_cuts() {
    let lab = lab_with(Some("idle-cut:300ms")).await;
    let mut ws = ws_connect(&lab, "/ws-test").await.unwrap();
    // Traffic keeps the socket alive past the idle limit...
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        ws.send(Message::text("{}")).await.unwrap();
        assert_eq!(next_json(&mut ws).await["type"], "echo");
    }
    // ...silence gets it cut.
    expect_reset(&mut ws).await;
    lab.shutdown().await;

    let lab = lab_with(Some("lifetime-cut:200ms")).await;
    let mut ws = ws_connect(&lab, "/terminal/demo-session").await.unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "connected");
    assert_eq!(next_json(&mut ws).await["type"], "output");
    let started = std::time::Instant::now();
    expect_reset(&mut ws).await;
    assert!(started.elapsed() < Duration::from_secs(1));
    lab.shutdown().await;
}

fn tls_connector(ca_pem: &str) -> TlsConnector {
    tls_connector_offering(ca_pem, &[b"http/1.1"])
}

fn tls_connector_offering(ca_pem: &str, alpn: &[&[u8]]) -> TlsConnector {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    TlsConnector::from(Arc::new(config))
}

async fn tls_handshake(lab: &Lab) -> std::io::Result<tokio_rustls::client::TlsStream<TcpStream>> {
    let connector = tls_connector(lab.ca_pem().unwrap());
    let tcp = TcpStream::connect(lab.addr()).await?;
    let name = ServerName::try_from("127.0.0.1").unwrap();
    timeout(STEP, connector.connect(name, tcp)).await.unwrap()
}

#[tokio::test]
async fn tls_serves_https_and_wss() {
    let options = LabOptions {
        tls: true,
        ..LabOptions::default()
    };
    let lab = Lab::start(options).await.unwrap();
    assert!(lab.base_url().starts_with("https://127.0.0.1:"));

    let tls = tls_handshake(&lab).await.unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
    let health = send(tls, request(Method::GET, "/health", &[])).await;
    assert_eq!(health.json()["status"], "ok");

    let tls = tls_handshake(&lab).await.unwrap();
    let url = format!("wss://{}/ws-test", lab.addr())
        .into_client_request()
        .unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(url, tls).await.unwrap();
    ws.send(Message::text("true")).await.unwrap();
    match timeout(STEP, ws.next()).await.unwrap() {
        Some(Ok(Message::Text(text))) => {
            let reply: Value = serde_json::from_str(text.as_str()).unwrap();
            assert_eq!(reply["received"], json!(true));
        }
        other => panic!("expected an echo, got {other:?}"),
    }
    lab.shutdown().await;
}

/// A TLS connection to the lab offering `alpn`.
async fn tls_offering(
    lab: &Lab,
    alpn: &[&[u8]],
) -> std::io::Result<tokio_rustls::client::TlsStream<TcpStream>> {
    let connector = tls_connector_offering(lab.ca_pem().unwrap(), alpn);
    let tcp = TcpStream::connect(lab.addr()).await?;
    let name = ServerName::try_from("127.0.0.1").unwrap();
    timeout(STEP, connector.connect(name, tcp)).await.unwrap()
}

/// An HTTP/2 client on a connection that agreed on h2; the connection runs in its own task.
async fn h2_client(
    lab: &Lab,
) -> hyper::client::conn::http2::SendRequest<http_body_util::Empty<Bytes>> {
    let tls = tls_offering(lab, &[b"h2", b"http/1.1"]).await.unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (sender, conn) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        TokioIo::new(tls),
    )
    .await
    .unwrap();
    tokio::spawn(conn);
    sender
}

/// An extended CONNECT (RFC 8441) for `path`.
fn extended_connect(lab: &Lab, path: &str) -> Request<http_body_util::Empty<Bytes>> {
    let mut request = Request::builder()
        .method(Method::CONNECT)
        .version(http::Version::HTTP_2)
        .uri(format!("https://{}{path}", lab.addr()))
        .header("sec-websocket-version", "13")
        .body(http_body_util::Empty::new())
        .unwrap();
    request
        .extensions_mut()
        .insert(hyper::ext::Protocol::from_static("websocket"));
    request
}

#[tokio::test]
async fn http2_serves_the_app_and_sockets_over_extended_connect() {
    let lab = Lab::start(LabOptions {
        http2: true,
        ..LabOptions::default()
    })
    .await
    .unwrap();
    assert!(lab.base_url().starts_with("https://"));
    // HTTP/1.1 clients are still served.
    let tls = tls_handshake(&lab).await.unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));

    let mut h2 = h2_client(&lab).await;
    let health = Request::builder()
        .uri(format!("https://{}/health", lab.addr()))
        .body(http_body_util::Empty::new())
        .unwrap();
    let response = timeout(STEP, h2.send_request(health))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.version(), http::Version::HTTP_2);

    let response = timeout(STEP, h2.send_request(extended_connect(&lab, "/ws-test")))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let upgraded = hyper::upgrade::on(response).await.unwrap();
    let mut ws = WebSocketStream::from_raw_socket(
        TokioIo::new(upgraded),
        tokio_tungstenite::tungstenite::protocol::Role::Client,
        None,
    )
    .await;
    ws.send(Message::text("{\"n\":1}")).await.unwrap();
    match timeout(STEP, ws.next()).await.unwrap() {
        Some(Ok(Message::Text(text))) => {
            let reply: Value = serde_json::from_str(text.as_str()).unwrap();
            assert_eq!(reply["received"], json!({"n": 1}));
        }
        other => panic!("expected an echo over HTTP/2, got {other:?}"),
    }
    lab.shutdown().await;
}

#[tokio::test]
async fn http2_faults_play_on_the_wire() {
    // An HTTP/2-only listener refuses a client offering http/1.1 alone.
    let lab = lab_with(Some("h2-only")).await;
    let refused = tls_offering(&lab, &[b"http/1.1"]).await.unwrap_err();
    assert!(
        format!("{refused:?}").contains("NoApplicationProtocol"),
        "{refused:?}"
    );
    lab.shutdown().await;

    // A refused extended CONNECT, while HTTP/1.1 upgrades work.
    let lab = lab_with(Some("h2-connect-403")).await;
    let mut h2 = h2_client(&lab).await;
    let response = timeout(STEP, h2.send_request(extended_connect(&lab, "/ws-test")))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let tls = tls_handshake(&lab).await.unwrap();
    let url = format!("wss://{}/ws-test", lab.addr())
        .into_client_request()
        .unwrap();
    assert!(tokio_tungstenite::client_async(url, tls).await.is_ok());
    lab.shutdown().await;

    // A stream that opens and is reset: the client's reads end without a close frame.
    let lab = lab_with(Some("h2-stream-reset")).await;
    let mut h2 = h2_client(&lab).await;
    let response = timeout(STEP, h2.send_request(extended_connect(&lab, "/ws-test")))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let upgraded = hyper::upgrade::on(response).await.unwrap();
    let mut ws = WebSocketStream::from_raw_socket(
        TokioIo::new(upgraded),
        tokio_tungstenite::tungstenite::protocol::Role::Client,
        None,
    )
    .await;
    let _ = ws.send(Message::text("{}")).await;
    let ended = timeout(STEP, ws.next()).await.unwrap();
    assert!(
        !matches!(ended, Some(Ok(Message::Text(_)))),
        "no echo after a reset: {ended:?}"
    );
    lab.shutdown().await;

    // GOAWAY instead of an answer.
    let lab = lab_with(Some("h2-goaway")).await;
    let mut h2 = h2_client(&lab).await;
    let answer = timeout(STEP, h2.send_request(extended_connect(&lab, "/ws-test")))
        .await
        .unwrap();
    assert!(answer.is_err(), "{answer:?}");
    lab.shutdown().await;
}

#[tokio::test]
async fn tls_faults_fail_verification() {
    for (fault, expected) in [
        ("tls-self-signed", "UnknownIssuer"),
        ("tls-expired", "Expired"),
        ("tls-wrong-name", "NotValidForName"),
    ] {
        let lab = lab_with(Some(fault)).await;
        assert!(lab.base_url().starts_with("https://"));
        let err = tls_handshake(&lab).await.unwrap_err();
        assert!(format!("{err:?}").contains(expected), "{fault}: {err:?}");
        lab.shutdown().await;
    }
}

/// Like [`ws_connect`], with an `Origin` header when one is given.
async fn ws_connect_from(lab: &Lab, path: &str, origin: Option<&str>) -> Result<Client, WsError> {
    let tcp = TcpStream::connect(lab.addr()).await.unwrap();
    let mut request = format!("ws://{}{path}", lab.addr())
        .into_client_request()
        .unwrap();
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    let (ws, response) = timeout(STEP, tokio_tungstenite::client_async(request, tcp))
        .await
        .unwrap()?;
    assert_eq!(response.status(), StatusCode::SWITCHING_PROTOCOLS);
    Ok(ws)
}

const FOREIGN: &str = "https://evil.example";

/// Asserts a raw answer is the application's JSON 403 for a foreign Origin.
fn assert_origin_refused(answer: &str) {
    assert!(answer.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{answer}");
    assert!(answer.contains("x-powered-by: Express\r\n"), "{answer}");
    assert!(
        answer.contains("content-type: application/json; charset=utf-8\r\n"),
        "{answer}"
    );
    assert!(
        answer.ends_with("\r\n\r\n{\"error\":\"Origin not allowed\"}"),
        "{answer}"
    );
}

#[tokio::test]
async fn terminal_checks_origin_in_normal_mode() {
    let lab = lab_with(None).await;
    // A foreign site is refused before the session is looked up: known or not, the answer is 403.
    for path in ["/terminal/demo-session", "/terminal/nope"] {
        let answer = raw_upgrade(&lab, path, &format!("Origin: {FOREIGN}\r\n")).await;
        assert_origin_refused(&answer);
    }
    let null_origin = raw_upgrade(&lab, "/terminal/demo-session", "Origin: null\r\n").await;
    assert_origin_refused(&null_origin);

    // The platform's own frontend is let in.
    let mut ws = ws_connect_from(
        &lab,
        "/terminal/demo-session",
        Some("http://localhost:3000"),
    )
    .await
    .unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "connected");
    // So is a client that sends no Origin at all (not a browser).
    let mut ws = ws_connect_from(&lab, "/terminal/demo-session", None)
        .await
        .unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "connected");
    // The echo endpoint does not check Origin.
    let mut ws = ws_connect_from(&lab, "/ws-test", Some(FOREIGN))
        .await
        .unwrap();
    ws.send(Message::text("{}")).await.unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "echo");
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_origin_any() {
    let lab = lab_with(Some("origin-any")).await;
    let mut ws = ws_connect_from(&lab, "/terminal/demo-session", Some(FOREIGN))
        .await
        .unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "connected");
    // Everything else is normal: CORS still only answers the allowed origin.
    let simple = call(&lab, Method::GET, "/health", &[("origin", FOREIGN)]).await;
    assert_eq!(simple.status, StatusCode::OK);
    assert_eq!(simple.header("access-control-allow-origin"), None);
    lab.shutdown().await;

    // origin-silent: the foreign socket opens and hears nothing, not even an answer or a close.
    let lab = lab_with(Some("origin-silent")).await;
    for path in ["/ws-test", "/terminal/demo-session"] {
        let mut ws = ws_connect_from(&lab, path, Some(FOREIGN)).await.unwrap();
        ws.send(Message::text(r#"{"type":"ping"}"#)).await.unwrap();
        let heard = tokio::time::timeout(Duration::from_millis(300), ws.next()).await;
        assert!(heard.is_err(), "{path}: {heard:?}");
    }
    // The allowed origin is served as usual.
    let mut ws = ws_connect_from(&lab, "/terminal/demo-session", Some(super::DEFAULT_ORIGIN))
        .await
        .unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "connected");
    lab.shutdown().await;

    // origin-check still refuses a foreign origin on every path.
    let lab = lab_with(Some("origin-check")).await;
    for path in ["/ws-test", "/terminal/demo-session"] {
        let answer = raw_upgrade(&lab, path, &format!("Origin: {FOREIGN}\r\n")).await;
        assert_origin_refused(&answer);
    }
    lab.shutdown().await;
}

#[tokio::test]
async fn tls_not_yet_valid_and_expiring() {
    let lab = lab_with(Some("tls-not-yet-valid")).await;
    assert!(lab.base_url().starts_with("https://"));
    let err = tls_handshake(&lab).await.unwrap_err();
    assert!(format!("{err:?}").contains("NotValidYet"), "{err:?}");
    lab.shutdown().await;

    let lab = lab_with(Some("tls-expiring:3")).await;
    assert!(lab.base_url().starts_with("https://"));
    let tls = tls_handshake(&lab).await.unwrap();
    let leaf = tls.get_ref().1.peer_certificates().unwrap()[0].clone();
    let (_, cert) = x509_parser::parse_x509_certificate(leaf.as_ref()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let now = i64::try_from(now).unwrap();
    let left = cert.validity().not_after.timestamp() - now;
    assert!(
        (3 * 86_400..3 * 86_400 + 7_200).contains(&left),
        "{left} s left"
    );
    assert_eq!(left / 86_400, 3);
    assert!(cert.validity().not_before.timestamp() < now - 29 * 86_400);
    let health = send(tls, request(Method::GET, "/health", &[])).await;
    assert_eq!(health.json()["status"], "ok");
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_health_redirect() {
    let lab = lab_with(Some("health-redirect")).await;
    let moved = get(&lab, "/health").await;
    assert_eq!(moved.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(moved.header("location"), Some("/healthz"));
    assert_eq!(moved.header("x-powered-by"), Some("Express"));
    assert_eq!(moved.header("content-length"), Some("0"));
    assert!(moved.body.is_empty());

    let healthz = get(&lab, "/healthz").await;
    assert_eq!(healthz.status, StatusCode::OK);
    assert!(healthz
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let body = healthz.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["websocket"], "available");
    assert_eq!(body["endpoints"].as_array().unwrap().len(), 6);

    let diag = get(&lab, "/api/diagnostics/websocket").await;
    assert_eq!(diag.status, StatusCode::FOUND);
    let location = format!("http://{}/api/diagnostics/websocket/v2", lab.addr());
    assert_eq!(diag.header("location"), Some(location.as_str()));
    assert_eq!(diag.header("x-powered-by"), Some("Express"));
    let v2 = get(&lab, "/api/diagnostics/websocket/v2").await;
    assert_eq!(v2.status, StatusCode::OK);
    assert_eq!(v2.json()["websocket"]["paths"]["test"], "/ws-test");
    assert_eq!(
        v2.json()["cors"]["origins"],
        json!(["http://localhost:3000"])
    );

    // Upgrades are not redirected.
    let mut ws = ws_connect(&lab, "/ws-test").await.unwrap();
    ws.send(Message::text("{}")).await.unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "echo");
    lab.shutdown().await;

    // Over TLS the absolute Location says https.
    let options = LabOptions {
        fault: Some("health-redirect".parse().unwrap()),
        tls: true,
        ping_interval: None,
        ..LabOptions::default()
    };
    let lab = Lab::start(options).await.unwrap();
    let tls = tls_handshake(&lab).await.unwrap();
    let diag = send(tls, request(Method::GET, "/api/diagnostics/websocket", &[])).await;
    let location = format!("https://{}/api/diagnostics/websocket/v2", lab.addr());
    assert_eq!(diag.header("location"), Some(location.as_str()));
    lab.shutdown().await;

    // Without the fault neither moved path exists.
    let lab = lab_with(None).await;
    assert_eq!(get(&lab, "/healthz").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&lab, "/api/diagnostics/websocket/v2").await.status,
        StatusCode::NOT_FOUND
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn fault_health_redirect_offsite() {
    let lab = lab_with(Some("health-redirect-offsite")).await;
    let moved = get(&lab, "/health").await;
    assert_eq!(moved.status, StatusCode::FOUND);
    assert_eq!(
        moved.header("location"),
        Some("http://wsdoctor-elsewhere.invalid/health")
    );
    assert_eq!(moved.header("x-powered-by"), Some("Express"));
    assert_eq!(moved.header("content-length"), Some("0"));
    assert_eq!(
        get(&lab, "/api/diagnostics/websocket").await.status,
        StatusCode::OK
    );
    let mut ws = ws_connect(&lab, "/terminal/demo-session").await.unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "connected");
    lab.shutdown().await;
}

mod proxy {
    use super::*;
    use crate::{ConnectProxy, ProxyBehaviour, ProxyOptions, ProxyRequest};
    use base64::Engine as _;

    /// Sends a request head to the proxy and reads its answer: the head, plus the body when the
    /// answer announces one. The stream is returned positioned just after the answer.
    async fn ask(proxy: &ConnectProxy, head: &str) -> (TcpStream, String) {
        let mut tcp = TcpStream::connect(proxy.addr()).await.unwrap();
        tcp.write_all(head.as_bytes()).await.unwrap();
        let mut out = Vec::new();
        let mut byte = [0u8; 1];
        // Byte by byte, so nothing the tunnel sends later is swallowed with the head.
        timeout(STEP, async {
            while !out.ends_with(b"\r\n\r\n") {
                let n = tcp.read(&mut byte).await.unwrap();
                assert_ne!(n, 0, "closed mid-head: {:?}", String::from_utf8_lossy(&out));
                out.push(byte[0]);
            }
        })
        .await
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let length = text.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        });
        let mut body = vec![0u8; length.unwrap_or(0)];
        timeout(STEP, tcp.read_exact(&mut body))
            .await
            .unwrap()
            .unwrap();
        (tcp, text + &String::from_utf8(body).unwrap())
    }

    async fn connect(proxy: &ConnectProxy, target: &str, extra: &str) -> (TcpStream, String) {
        let head = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n{extra}\r\n");
        ask(proxy, &head).await
    }

    const ESTABLISHED: &str = "HTTP/1.1 200 Connection Established\r\n\r\n";

    /// Asserts the proxy closes the connection after its answer.
    async fn assert_closed(mut tcp: TcpStream) {
        let mut buf = [0u8; 16];
        let n = timeout(STEP, tcp.read(&mut buf))
            .await
            .unwrap()
            .unwrap_or(0);
        assert_eq!(n, 0);
    }

    #[tokio::test]
    async fn tunnels_to_the_lab() {
        let lab = lab_with(None).await;
        let proxy = ConnectProxy::start(ProxyOptions::default()).await.unwrap();
        assert_eq!(proxy.url(), format!("http://{}", proxy.addr()));
        assert!(proxy.addr().ip().is_loopback());

        let port = lab.addr().port();
        for target in [
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("lab.test:{port}"),
        ] {
            let (tcp, answer) = connect(&proxy, &target, "").await;
            assert_eq!(answer, ESTABLISHED, "{target}");
            let health = send(tcp, request(Method::GET, "/health", &[])).await;
            assert_eq!(health.json()["status"], "ok", "{target}");
        }

        // A WebSocket through the tunnel.
        let (tcp, answer) = connect(&proxy, &format!("127.0.0.1:{port}"), "").await;
        assert_eq!(answer, ESTABLISHED);
        let url = format!("ws://{}/ws-test", lab.addr());
        let (mut ws, _) = timeout(STEP, tokio_tungstenite::client_async(url, tcp))
            .await
            .unwrap()
            .unwrap();
        ws.send(Message::text("[7]")).await.unwrap();
        assert_eq!(next_json(&mut ws).await["received"], json!([7]));

        let requests = proxy.requests();
        assert_eq!(requests.len(), 4);
        assert_eq!(requests[1].target, format!("localhost:{port}"));
        assert!(requests
            .iter()
            .all(|r| r.authorized && !r.proxy_authorization_sent));

        timeout(STEP, proxy.shutdown()).await.unwrap();
        // Shutting the proxy down ends the tunnel.
        assert!(!matches!(
            timeout(STEP, ws.next()).await.unwrap(),
            Some(Ok(Message::Text(_)))
        ));
        lab.shutdown().await;
    }

    #[tokio::test]
    async fn demands_credentials() {
        let lab = lab_with(None).await;
        let proxy = ConnectProxy::start(ProxyOptions {
            credentials: Some(("alice".into(), "s3cret".into())),
            ..ProxyOptions::default()
        })
        .await
        .unwrap();
        let target = format!("127.0.0.1:{}", lab.addr().port());

        let (tcp, answer) = connect(&proxy, &target, "").await;
        assert!(
            answer.starts_with("HTTP/1.1 407 Proxy Authentication Required\r\n"),
            "{answer}"
        );
        assert!(
            answer.contains("proxy-authenticate: Basic realm=\"wsdoctor-lab\"\r\n"),
            "{answer}"
        );
        assert!(answer.contains("connection: close\r\n"), "{answer}");
        assert_closed(tcp).await;

        let wrong = base64::engine::general_purpose::STANDARD.encode("alice:guess");
        let (_, answer) = connect(
            &proxy,
            &target,
            &format!("Proxy-Authorization: Basic {wrong}\r\n"),
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 407 "), "{answer}");

        let right = base64::engine::general_purpose::STANDARD.encode("alice:s3cret");
        let (tcp, answer) = connect(
            &proxy,
            &target,
            &format!("Proxy-Authorization: Basic {right}\r\n"),
        )
        .await;
        assert_eq!(answer, ESTABLISHED);
        let health = send(tcp, request(Method::GET, "/health", &[])).await;
        assert_eq!(health.status, StatusCode::OK);

        let seen = |authorized, proxy_authorization_sent| ProxyRequest {
            target: target.clone(),
            authorized,
            proxy_authorization_sent,
        };
        assert_eq!(
            proxy.requests(),
            vec![seen(false, false), seen(false, true), seen(true, true)]
        );
        proxy.shutdown().await;
        lab.shutdown().await;
    }

    #[tokio::test]
    async fn refuses_with_the_chosen_status() {
        let lab = lab_with(None).await;
        let target = format!("127.0.0.1:{}", lab.addr().port());
        for (code, line) in [
            (403, "HTTP/1.1 403 Forbidden\r\n"),
            (502, "HTTP/1.1 502 Bad Gateway\r\n"),
        ] {
            let proxy = ConnectProxy::start(ProxyOptions {
                behaviour: ProxyBehaviour::Refuse(code),
                ..ProxyOptions::default()
            })
            .await
            .unwrap();
            let (tcp, answer) = connect(&proxy, &target, "").await;
            assert!(answer.starts_with(line), "{answer}");
            assert!(answer.contains("connection: close\r\n"), "{answer}");
            assert!(answer.contains("content-type: text/plain"), "{answer}");
            assert!(
                answer.ends_with("\r\n\r\ntunnel refused by proxy policy\n"),
                "{answer}"
            );
            assert_closed(tcp).await;
            assert_eq!(proxy.requests().len(), 1);
            assert!(proxy.requests()[0].authorized);
            proxy.shutdown().await;
        }
        lab.shutdown().await;
    }

    #[tokio::test]
    async fn refuses_anything_but_loopback() {
        let proxy = ConnectProxy::start(ProxyOptions::default()).await.unwrap();
        // Refused before any connection attempt: an attempt at a TEST-NET address would hang until
        // the 5 s connect timeout and end in 502, not answer 403 at once.
        for target in ["192.0.2.1:80", "[2001:db8::1]:443", "example.com:443"] {
            let started = std::time::Instant::now();
            let (tcp, answer) = connect(&proxy, target, "").await;
            assert!(started.elapsed() < Duration::from_secs(2), "{target}");
            assert!(answer.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{answer}");
            assert!(answer.ends_with("only loopback targets\n"), "{answer}");
            assert_closed(tcp).await;
        }
        let targets: Vec<String> = proxy.requests().into_iter().map(|r| r.target).collect();
        assert_eq!(
            targets,
            ["192.0.2.1:80", "[2001:db8::1]:443", "example.com:443"]
        );

        let (_, answer) = connect(&proxy, "nowhere", "").await;
        assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
        proxy.shutdown().await;
    }

    #[tokio::test]
    async fn other_methods_and_dead_targets() {
        let proxy = ConnectProxy::start(ProxyOptions::default()).await.unwrap();
        let (tcp, answer) = ask(
            &proxy,
            "GET http://127.0.0.1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        )
        .await;
        assert!(
            answer.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
            "{answer}"
        );
        assert!(answer.contains("allow: CONNECT\r\n"), "{answer}");
        assert_closed(tcp).await;
        assert!(proxy.requests().is_empty());

        // A loopback port nobody listens on.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let (tcp, answer) = connect(&proxy, &format!("127.0.0.1:{port}"), "").await;
        assert!(
            answer.starts_with("HTTP/1.1 502 Bad Gateway\r\n"),
            "{answer}"
        );
        assert_closed(tcp).await;
        assert_eq!(proxy.requests().len(), 1);
        proxy.shutdown().await;
    }
}
