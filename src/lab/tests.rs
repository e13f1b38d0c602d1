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
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
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
