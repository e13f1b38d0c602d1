//! A server that misbehaves on purpose at every layer — HTTP heads and bodies, the 101, frames,
//! TLS, proxies — and the binary against it. Each case asserts the code and cause, that the run
//! ended within its configured timeouts plus a second, that nothing panicked, and that memory
//! stayed bounded.

use crate::support::{check, run, run_measured};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

/// What the server does with one connection once it has read the request head.
type Behaviour =
    Arc<dyn Fn(Box<dyn Io>, String) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A connection, plain or TLS.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The hostile server: a listener on 127.0.0.1:0 with its own runtime, stopped on drop.
struct Hostile {
    runtime: tokio::runtime::Runtime,
    port: u16,
}

impl Hostile {
    fn start(tls: bool, behaviour: Behaviour) -> Hostile {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let port = listener.local_addr().unwrap().port();
        let acceptor = tls.then(tls_acceptor);
        runtime.spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let behaviour = behaviour.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let mut io: Box<dyn Io> = match acceptor {
                        Some(acceptor) => match acceptor.accept(tcp).await {
                            Ok(tls) => Box::new(tls),
                            Err(_) => return,
                        },
                        None => Box::new(tcp),
                    };
                    let head = read_head(&mut io).await;
                    behaviour(io, head).await;
                });
            }
        });
        Hostile { runtime, port }
    }

    fn url(&self, scheme: &str, path: &str) -> String {
        format!("{scheme}://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        // Tasks stuck writing to a client that went away end with the runtime.
        let _ = &self.runtime;
    }
}

/// A TLS acceptor with a throwaway self-signed certificate (clients run with --insecure).
fn tls_acceptor() -> tokio_rustls::TlsAcceptor {
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(rustls::pki_types::PrivatePkcs8KeyDer::from(
        cert.signing_key.serialize_der(),
    ));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert.cert.der().clone()], key)
    .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// Reads a request head (bounded); the head's text, or what arrived.
async fn read_head(io: &mut Box<dyn Io>) -> String {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 1024];
    // Short: a client that sends no HTTP head (a TLS ClientHello) gets its answer soon anyway.
    let read = tokio::time::timeout(Duration::from_millis(300), async {
        while !bytes.windows(4).any(|w| w == b"\r\n\r\n") && bytes.len() < 65_536 {
            match io.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            }
        }
    });
    let _ = read.await;
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The key's accept value from a request head.
fn accept_for(head: &str) -> String {
    let key = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("sec-websocket-key")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_default();
    derive_accept_key(key.as_bytes())
}

fn switching(head: &str) -> String {
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
        accept_for(head)
    )
}

/// Writes bytes, then keeps the connection open (reading) until the client goes.
async fn say_and_hold(mut io: Box<dyn Io>, bytes: Vec<u8>) {
    if io.write_all(&bytes).await.is_ok() && io.flush().await.is_ok() {
        let mut sink = [0u8; 4096];
        let _ = tokio::time::timeout(Duration::from_secs(10), async {
            while let Ok(n) = io.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
        })
        .await;
    }
}

fn behaviour<F, Fut>(f: F) -> Behaviour
where
    F: Fn(Box<dyn Io>, String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Arc::new(move |io, head| Box::pin(f(io, head)))
}

/// A 101, then these bytes.
fn after_101(frames: Vec<u8>) -> Behaviour {
    behaviour(move |io, head| {
        let mut bytes = switching(&head).into_bytes();
        bytes.extend_from_slice(&frames);
        say_and_hold(io, bytes)
    })
}

/// The bounds every case is held to.
const TIMEOUTS: [&str; 6] = [
    "--timeout",
    "1s",
    "--connect-timeout",
    "1s",
    "--attempts",
    "1",
];

/// Runs `args` (plus the short timeouts) and asserts `id` failed (or `status`) with `cause`,
/// within the timeouts plus a second, without a panic, in bounded memory.
fn expect(args: &[&str], id: &str, status: &str, cause: Option<&str>) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend_from_slice(&TIMEOUTS);
    all.extend_from_slice(&["--observe", "200ms", "--format", "json"]);
    let (run, peak_kib) = run_measured(&all);
    assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
    assert!(
        run.elapsed < Duration::from_secs(3),
        "{args:?} took {:?}",
        run.elapsed
    );
    assert!(peak_kib < 64 * 1024, "{args:?} peaked at {peak_kib} KiB");
    let report = run.json();
    let c = check(&report, id);
    assert_eq!(c["status"], status, "{args:?}: {c:#}");
    if let Some(cause) = cause {
        assert_eq!(c["failure"]["cause"], cause, "{args:?}: {c:#}");
        assert_ne!(report["verdict"], "pass");
    }
}

fn http(bytes: &'static [u8]) -> Behaviour {
    behaviour(move |io, _| say_and_hold(io, bytes.to_vec()))
}

#[test]
fn hostile_http_heads_and_bodies() {
    let endless = Hostile::start(
        false,
        behaviour(|mut io, _| async move {
            let _ = io.write_all(b"HTTP/1.1 200 OK\r\n").await;
            for _ in 0..100_000 {
                if io
                    .write_all(b"X-More: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }),
    );
    expect(
        &["check", &endless.url("http", "/"), "--only", "health"],
        "health",
        "fail",
        Some("response_too_large"),
    );

    // A small head of too many lines: hyper's line limit, not the size, runs out first.
    let many_lines = Hostile::start(
        false,
        behaviour(|mut io, _| async move {
            let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
            for _ in 0..1100 {
                head.extend_from_slice(b"a: b\r\n");
            }
            head.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
            let _ = io.write_all(&head).await;
        }),
    );
    expect(
        &["check", &many_lines.url("http", "/"), "--only", "health"],
        "health",
        "fail",
        Some("response_too_large"),
    );

    let huge_body = Hostile::start(
        false,
        behaviour(|mut io, _| async move {
            let _ = io
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\n")
                .await;
            let zeros = vec![b'0'; 65_536];
            for _ in 0..800 {
                if io.write_all(&zeros).await.is_err() {
                    return;
                }
            }
        }),
    );
    expect(
        &["check", &huge_body.url("http", "/"), "--only", "health"],
        "health",
        "fail",
        Some("response_too_large"),
    );

    let trickled = Hostile::start(
        false,
        behaviour(|mut io, _| async move {
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}".iter() {
                if io.write_all(&[*byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }),
    );
    expect(
        &["check", &trickled.url("http", "/"), "--only", "health"],
        "health",
        "fail",
        Some("http_timeout"),
    );

    let truncated = Hostile::start(
        false,
        http(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"status\""),
    );
    // The connection is held open after the 10 bytes: a body that stops is a timeout; one that is
    // cut by the server closing is truncated (the lab's truncated-body, tested elsewhere).
    expect(
        &["check", &truncated.url("http", "/"), "--only", "health"],
        "health",
        "fail",
        Some("http_timeout"),
    );

    let garbage = Hostile::start(false, http(b"SSH-2.0-OpenSSH_9.6\r\n\r\n"));
    expect(
        &["check", &garbage.url("http", "/"), "--only", "health"],
        "health",
        "fail",
        Some("response_malformed"),
    );

    let invalid_json = Hostile::start(
        false,
        http(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{not json"),
    );
    expect(
        &[
            "check",
            &invalid_json.url("http", "/"),
            "--only",
            "diagnostics",
        ],
        "diagnostics",
        "warn",
        None,
    );

    let deep: &'static [u8] = Box::leak(
        {
            let body = "[".repeat(200_000);
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes()
        }
        .into_boxed_slice(),
    );
    let deep_json = Hostile::start(false, http(deep));
    expect(
        &[
            "check",
            &deep_json.url("http", "/"),
            "--only",
            "health,diagnostics",
        ],
        "health",
        "pass",
        None,
    );

    let not_utf8 = Hostile::start(
        false,
        http(b"HTTP/1.1 503 Unavailable\r\nContent-Length: 4\r\n\r\n\xff\xfe\x1b["),
    );
    expect(
        &["check", &not_utf8.url("http", "/"), "--only", "health"],
        "health",
        "fail",
        Some("health_status"),
    );
}

/// A 200 with this Content-Type and body.
fn answer(content_type: &'static str, body: Vec<u8>) -> Behaviour {
    behaviour(move |io, _| {
        let mut bytes = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        bytes.extend_from_slice(&body);
        say_and_hold(io, bytes)
    })
}

#[test]
fn a_health_body_declared_json_must_parse() {
    // A web client's response.json() throws on each of these, so none may pass.
    let utf16: Vec<u8> = "{\"status\":\"ok\"}"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let depth = 100_000;
    let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();
    let cases: Vec<(&str, &'static str, Vec<u8>, &str)> = vec![
        (
            "truncated",
            "application/json",
            br#"{"status": "ok", "websocket": "#.to_vec(),
            "EOF while parsing",
        ),
        (
            "not UTF-8",
            "application/json",
            utf16,
            "key must be a string",
        ),
        (
            "an HTML page",
            "application/json; charset=utf-8",
            b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>".to_vec(),
            "expected value",
        ),
        ("deeply nested", "application/json", deep, "recursion limit"),
        (
            "a +json type",
            "application/health+json",
            b"{\"status\": \"ok\",".to_vec(),
            "EOF while parsing",
        ),
    ];
    for (what, content_type, body, words) in cases {
        let server = Hostile::start(false, answer(content_type, body));
        let url = server.url("http", "/");
        let (run, peak_kib) =
            run_measured(&["check", &url, "--only", "health", "--format", "json"]);
        assert!(!run.stderr.contains("panicked"), "{what}: {}", run.stderr);
        assert!(peak_kib < 64 * 1024, "{what}: peaked at {peak_kib} KiB");
        assert_eq!(run.code, 1, "{what}: {}", run.stdout);
        let report = run.json();
        crate::support::assert_schema_valid(&report);
        assert_eq!(report["codes"][0], "HEALTH_CHECK_FAILED", "{what}");
        let health = check(&report, "health");
        assert_eq!(health["status"], "fail", "{what}: {health:#}");
        assert_eq!(health["failure"]["cause"], "health_invalid", "{what}");
        let error = &health["evidence"]["json_error"];
        assert!(
            error["error"].as_str().unwrap().contains(words),
            "{what}: {error:#}"
        );
        assert!(error["line"].as_u64().unwrap() >= 1, "{what}: {error:#}");
        let near = error["near"].as_str().unwrap();
        assert!(near.contains("⟨here⟩"), "{what}: {near}");
        assert!(near.chars().count() <= 80, "{what}: {near}");
        let message = health["failure"]["message"].as_str().unwrap();
        assert!(message.contains("response.json()"), "{what}: {message}");

        // The human format shows where the parse failed, with control characters escaped.
        let human = crate::support::run(&["check", &url, "--only", "health"]);
        assert_eq!(human.code, 1);
        assert!(
            human.stdout.contains("json_error"),
            "{what}: {}",
            human.stdout
        );
        assert!(!human.stdout.contains('\u{0}'), "{what}: {}", human.stdout);
    }

    // Not declared JSON: a plain "OK" is a health answer of its own kind, as before.
    let plain = Hostile::start(false, answer("text/plain", b"OK".to_vec()));
    expect(
        &["check", &plain.url("http", "/"), "--only", "health"],
        "health",
        "pass",
        None,
    );
    // Declared JSON with a stray Latin-1 byte in a string: a browser decodes it with a
    // replacement character and parses it, so it passes here too.
    let latin1 = Hostile::start(
        false,
        answer(
            "application/json",
            b"{\"status\":\"ok\",\"websocket\":\"available\",\"endpoints\":[],\"note\":\"caf\xe9\"}"
                .to_vec(),
        ),
    );
    expect(
        &["check", &latin1.url("http", "/"), "--only", "health"],
        "health",
        "pass",
        None,
    );
}

#[test]
fn hostile_upgrade_answers() {
    let ws = |h: &Hostile| h.url("ws", "/ws-test");
    let wrong_accept = Hostile::start(
        false,
        http(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n"),
    );
    expect(
        &["check", &ws(&wrong_accept)],
        "echo",
        "fail",
        Some("handshake_invalid"),
    );

    let missing = Hostile::start(
        false,
        behaviour(|io, head| {
            let bytes = format!(
                "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: {}\r\n\r\n",
                accept_for(&head)
            );
            say_and_hold(io, bytes.into_bytes())
        }),
    );
    expect(
        &["check", &ws(&missing)],
        "echo",
        "fail",
        Some("handshake_invalid"),
    );

    let trickled = Hostile::start(
        false,
        behaviour(|mut io, head| async move {
            // In pieces small enough to split every line, few enough that a loaded machine's
            // timers cannot stretch them past the timeout.
            for piece in switching(&head).as_bytes().chunks(7) {
                if io.write_all(piece).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            // Then a plain echo server.
            let mut socket = tokio_tungstenite::WebSocketStream::from_raw_socket(
                io,
                tokio_tungstenite::tungstenite::protocol::Role::Server,
                None,
            )
            .await;
            use futures_util::{SinkExt, StreamExt};
            while let Some(Ok(message)) = socket.next().await {
                if message.is_text() && socket.send(message).await.is_err() {
                    return;
                }
            }
        }),
    );
    expect(&["check", &trickled.url("ws", "/ws")], "echo", "pass", None);

    let garbage_after = Hostile::start(false, after_101(vec![0xff; 64]));
    expect(
        &["check", &ws(&garbage_after)],
        "echo",
        "fail",
        Some("protocol_violation"),
    );
}

/// An error in answer to the probe, at a socket that is not the echo path: the server said
/// something is wrong, never "answered, not an echo server".
#[test]
fn an_error_reply_at_any_socket_is_a_server_error() {
    let error = br#"{"type":"error","message":"unauthorized"}"#;
    let mut frame = vec![0x81, u8::try_from(error.len()).unwrap()];
    frame.extend_from_slice(error);
    let server = Hostile::start(false, after_101(frame));
    let out = run(&[
        "check",
        &server.url("ws", "/socket"),
        "--attempts",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let report = out.json();
    assert_ne!(report["verdict"], "pass");
    assert_eq!(report["codes"][0], "SERVER_ERROR", "{report:#}");
    let echo = check(&report, "echo");
    assert_eq!(echo["failure"]["cause"], "server_error", "{echo:#}");
    assert!(echo["evidence"]["reply"]
        .as_str()
        .unwrap()
        .contains("unauthorized"));
    let human = run(&["check", &server.url("ws", "/socket"), "--attempts", "1"]);
    let headline = human.stdout.lines().last().unwrap_or_default();
    assert!(
        headline.starts_with("FAIL SERVER_ERROR"),
        "{}",
        human.stdout
    );
}

#[test]
fn hostile_frames() {
    let ws = |h: &Hostile| h.url("ws", "/ws-test");
    // A frame that claims 2^63 bytes.
    let huge = Hostile::start(
        false,
        after_101(vec![
            0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        ]),
    );
    expect(
        &["check", &ws(&huge)],
        "echo",
        "fail",
        Some("protocol_violation"),
    );
    // Fragments that never end.
    let mut fragments = vec![0x01, 0x7e, 0x04, 0x00];
    fragments.extend(vec![b'a'; 1024]);
    for _ in 0..2_000 {
        fragments.extend([0x00, 0x7e, 0x04, 0x00]);
        fragments.extend(vec![b'a'; 1024]);
    }
    let endless = Hostile::start(false, after_101(fragments));
    expect(
        &["check", &ws(&endless)],
        "echo",
        "fail",
        Some("protocol_violation"),
    );
    // Invalid UTF-8, a masked server frame, reserved bits.
    for frame in [
        vec![0x81, 0x02, 0xc3, 0x28],
        vec![0x81, 0x82, 1, 2, 3, 4, b'h' ^ 1, b'i' ^ 2],
        vec![0xc1, 0x02, b'h', b'i'],
    ] {
        let server = Hostile::start(false, after_101(frame));
        expect(
            &["check", &ws(&server)],
            "echo",
            "fail",
            Some("protocol_violation"),
        );
    }
    // A close code that may not be sent, a close reason that is not UTF-8.
    let bad_code = Hostile::start(false, after_101(vec![0x88, 0x02, 0x03, 0xec]));
    expect(
        &["check", &ws(&bad_code)],
        "echo",
        "fail",
        Some("invalid_close_code"),
    );
    let bad_reason = Hostile::start(false, after_101(vec![0x88, 0x04, 0x03, 0xe8, 0xff, 0xfe]));
    expect(
        &["check", &ws(&bad_reason)],
        "echo",
        "fail",
        Some("protocol_violation"),
    );
    // A ping flood and never an answer: the client's timeout, in bounded memory.
    let mut pings = Vec::new();
    for _ in 0..50_000 {
        pings.extend([0x89, 0x04, b'p', b'i', b'n', b'g']);
    }
    let flood = Hostile::start(false, after_101(pings));
    expect(
        &["check", &ws(&flood)],
        "echo",
        "fail",
        Some("client_timeout"),
    );
}

#[test]
fn hostile_tls_and_proxies() {
    // Garbage where the ServerHello should be.
    let garbage = Hostile::start(
        false,
        behaviour(|io, _| say_and_hold(io, b"HTTP/1.1 400 Bad Request\r\n\r\nnot tls".to_vec())),
    );
    expect(
        &["check", &garbage.url("https", "/"), "--only", "tls"],
        "tls",
        "fail",
        Some("tls_handshake"),
    );
    // A TLS handshake that completes, then a reset.
    let reset = Hostile::start(
        true,
        behaviour(|io, _| async move {
            drop(io);
        }),
    );
    expect(
        &[
            "check",
            &reset.url("https", "/"),
            "--only",
            "health",
            "--insecure",
        ],
        "health",
        "fail",
        Some("connection_reset"),
    );
    // A proxy whose answer to CONNECT never ends.
    let endless = Hostile::start(
        false,
        behaviour(|mut io, _| async move {
            let _ = io
                .write_all(b"HTTP/1.1 200 Connection established\r\n")
                .await;
            for _ in 0..100_000 {
                if io
                    .write_all(b"X-Proxy: aaaaaaaaaaaaaaaaaaaaaaaaa\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }),
    );
    let proxy = format!("http://127.0.0.1:{}", endless.port);
    expect(
        &[
            "check",
            "http://127.0.0.1:9/",
            "--only",
            "tcp",
            "--proxy",
            &proxy,
        ],
        "tcp",
        "fail",
        Some("proxy_broken"),
    );
    // A proxy that says yes, then speaks garbage.
    let garbage_after = Hostile::start(
        false,
        http(b"HTTP/1.1 200 OK\r\n\r\n\x00\x01garbage\r\n\r\n"),
    );
    let proxy = format!("http://127.0.0.1:{}", garbage_after.port);
    expect(
        &[
            "check",
            "http://127.0.0.1:9/",
            "--only",
            "health",
            "--proxy",
            &proxy,
        ],
        "health",
        "fail",
        Some("response_malformed"),
    );
}
