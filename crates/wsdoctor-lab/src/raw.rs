//! Faults answered on the raw stream, byte for byte, where an HTTP library would be too polite:
//! bare edge responses, a wrong accept key, handshakes that never finish, sockets reset after open.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use super::fault::Fault;
use super::stream::{http_date, RawRequest, Stream};
use super::{Route, Shared};

/// How long `drop-after-open` waits on `/ws-test` for the client's first message before resetting.
const ECHO_DROP_WAIT: Duration = Duration::from_millis(100);
/// How long `drop-after-open` keeps a terminal socket open before resetting it.
const TERMINAL_DROP_WAIT: Duration = Duration::from_millis(20);
/// How long a `flaky` attempt stays open before it is reset.
const FLAKY_DROP_WAIT: Duration = Duration::from_millis(10);
/// How many 1 KB header lines `huge-head` sends before it gives up: a megabyte.
const ENDLESS_HEAD_LINES: usize = 1024;
/// How long `bad-close` and `bad-utf8` keep the connection after their frame.
const HOLD_AFTER_FRAME: Duration = Duration::from_secs(2);
/// A `Sec-WebSocket-Accept` no key can produce (base64 of twenty zero bytes).
const WRONG_ACCEPT: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=";

/// What to do, on the raw stream, with an upgrade request.
#[derive(Debug)]
pub(crate) enum RawAction {
    /// `app-runner`: Envoy's bare 403, then close.
    EnvoyForbidden,
    /// `handshake-hang`: never answer.
    Hang,
    /// `bad-accept`: a 101 with the wrong accept key, then hold the connection.
    WrongAccept,
    /// `proxy-502`: the load balancer's 502 page, then close.
    BadGateway,
    /// `drop-after-open` and `flaky`: a correct 101, a short wait, then a TCP reset.
    OpenThenReset { accept: String, wait: ResetWait },
    /// `upgrade-close`: read the request, close without a word.
    CloseSilently,
    /// `http10-refusal`: an HTTP/1.0 404 with a body.
    Http10NotFound,
    /// `proxy-504`: the load balancer's 504 page, then close.
    GatewayTimeout,
    /// `huge-head`: a head that never ends.
    EndlessHead,
    /// `truncated-body`: a body cut short of its Content-Length.
    TruncatedBody,
    /// `bad-close` and `bad-utf8`: a correct 101, then these frame bytes, then hold.
    OpenThenFrame { accept: String, frame: Vec<u8> },
    /// `trickle-101`: a correct 101 one byte at a time, then the normal socket.
    Trickle {
        accept: String,
        per_byte: Duration,
        endpoint: super::ws::Endpoint,
    },
}

/// How long an opened socket lives before its reset.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ResetWait {
    /// Until the client sends anything, or this long at most.
    FirstMessageOr(Duration),
    /// This long.
    For(Duration),
}

/// Decides whether the current fault answers this upgrade request itself; `None` lets the HTTP
/// server handle it normally (e.g. the attempts `flaky` lets through, or unknown paths).
pub(crate) fn decide(shared: &Shared, head: &RawRequest) -> Option<RawAction> {
    let fault = shared.fault.as_ref()?;
    if !head.is_upgrade() {
        return match fault {
            Fault::TruncatedBody if head.path() == "/health" => Some(RawAction::TruncatedBody),
            Fault::HugeHead => Some(RawAction::EndlessHead),
            _ => None,
        };
    }
    match fault {
        Fault::UpgradeClose => Some(RawAction::CloseSilently),
        Fault::Http10Refusal => Some(RawAction::Http10NotFound),
        Fault::Proxy504 => Some(RawAction::GatewayTimeout),
        Fault::HugeHead => Some(RawAction::EndlessHead),
        Fault::BadClose(code) => {
            let key = head.valid_key()?;
            let [hi, lo] = code.to_be_bytes();
            Some(RawAction::OpenThenFrame {
                accept: derive_accept_key(key.as_bytes()),
                frame: vec![0x88, 0x02, hi, lo],
            })
        }
        Fault::BadUtf8 => {
            let key = head.valid_key()?;
            Some(RawAction::OpenThenFrame {
                accept: derive_accept_key(key.as_bytes()),
                frame: vec![0x81, 0x03, 0xff, 0xfe, 0xfd],
            })
        }
        Fault::Trickle101(per_byte) => {
            let key = head.valid_key()?;
            let endpoint = match Route::of(head.path()) {
                Route::WsTest => super::ws::Endpoint::Echo,
                // The terminal's Origin rule is the application's: let it answer foreign pages.
                Route::Terminal(_)
                    if head
                        .header("origin")
                        .is_some_and(|o| !shared.origin_allowed(o)) =>
                {
                    return None
                }
                Route::Terminal(id) => super::ws::Endpoint::Terminal(id),
                Route::Other => return None,
            };
            Some(RawAction::Trickle {
                accept: derive_accept_key(key.as_bytes()),
                per_byte: *per_byte,
                endpoint,
            })
        }
        Fault::AppRunner => Some(RawAction::EnvoyForbidden),
        Fault::HandshakeHang => Some(RawAction::Hang),
        Fault::BadAccept => Some(RawAction::WrongAccept),
        Fault::Proxy502 => Some(RawAction::BadGateway),
        Fault::DropAfterOpen => {
            let key = head.valid_key()?;
            let wait = match Route::of(head.path()) {
                Route::WsTest => ResetWait::FirstMessageOr(ECHO_DROP_WAIT),
                Route::Terminal(_) => ResetWait::For(TERMINAL_DROP_WAIT),
                Route::Other => return None,
            };
            Some(RawAction::OpenThenReset {
                accept: derive_accept_key(key.as_bytes()),
                wait,
            })
        }
        Fault::Flaky(n) => {
            let key = head.valid_key()?;
            let attempt = flaky_attempt(shared, head)?;
            (attempt < u64::from(*n)).then(|| RawAction::OpenThenReset {
                accept: derive_accept_key(key.as_bytes()),
                wait: ResetWait::For(FLAKY_DROP_WAIT),
            })
        }
        Fault::FlakyHang(n) => {
            let attempt = flaky_attempt(shared, head)?;
            (attempt < u64::from(*n)).then_some(RawAction::Hang)
        }
        _ => None,
    }
}

/// Counts an upgrade on a route the `flaky` faults count (the echo and the terminal, apart): its
/// number from 0, or `None` on any other route.
fn flaky_attempt(shared: &Shared, head: &RawRequest) -> Option<u64> {
    let counter = match Route::of(head.path()) {
        Route::WsTest => &shared.flaky_attempts[0],
        Route::Terminal(_) => &shared.flaky_attempts[1],
        Route::Other => return None,
    };
    Some(counter.fetch_add(1, Ordering::SeqCst))
}

/// Plays `action` on the stream; `sent_more` says whether the client already sent bytes after its
/// request head (for `drop-after-open`, its first message has arrived).
pub(crate) async fn perform(
    action: RawAction,
    mut stream: Stream,
    sent_more: bool,
    shared: &Shared,
) {
    match action {
        RawAction::CloseSilently => {
            let _ = stream.shutdown().await;
        }
        RawAction::Http10NotFound => {
            let body = "<html><body><h1>404 Not Found</h1></body></html>\r\n";
            let response = format!(
                "HTTP/1.0 404 Not Found\r\nServer: legacy-httpd/1.0\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            write_and_close(stream, response.as_bytes()).await;
        }
        RawAction::GatewayTimeout => {
            let body = "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n";
            let response = format!(
                "HTTP/1.1 504 Gateway Time-out\r\nserver: awselb/2.0\r\ndate: {}\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                http_date(),
                body.len()
            );
            write_and_close(stream, response.as_bytes()).await;
        }
        RawAction::EndlessHead => {
            if stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")
                .await
                .is_err()
            {
                return;
            }
            // Header after header, until the client gives up (or a megabyte has gone by).
            let line = format!("X-Padding: {}\r\n", "a".repeat(1000));
            for _ in 0..ENDLESS_HEAD_LINES {
                if stream.write_all(line.as_bytes()).await.is_err() {
                    return;
                }
            }
            let _ = stream.shutdown().await;
        }
        RawAction::TruncatedBody => {
            let response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"status\":";
            write_and_close(stream, response.as_bytes()).await;
        }
        RawAction::OpenThenFrame { accept, frame } => {
            let mut bytes = switching_protocols(&accept).into_bytes();
            bytes.extend_from_slice(&frame);
            if stream.write_all(&bytes).await.is_ok() && stream.flush().await.is_ok() {
                let _ = tokio::time::timeout(HOLD_AFTER_FRAME, hold_reading(&mut stream)).await;
            }
        }
        RawAction::Trickle {
            accept,
            per_byte,
            endpoint,
        } => {
            for byte in switching_protocols(&accept).bytes() {
                if stream.write_all(&[byte]).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
                tokio::time::sleep(per_byte).await;
            }
            let io = super::stream::Rewind::new(bytes::Bytes::new(), stream);
            super::ws::run(super::stream::SocketIo::Http1(io), endpoint, shared).await;
        }
        RawAction::EnvoyForbidden => {
            let response = format!(
                "HTTP/1.1 403 Forbidden\r\nserver: envoy\r\ndate: {}\r\ncontent-length: 0\r\n\r\n",
                http_date()
            );
            write_and_close(stream, response.as_bytes()).await;
        }
        RawAction::BadGateway => {
            let body = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
            let response = format!(
                "HTTP/1.1 502 Bad Gateway\r\nserver: awselb/2.0\r\ndate: {}\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                http_date(),
                body.len()
            );
            write_and_close(stream, response.as_bytes()).await;
        }
        RawAction::Hang => hold_reading(&mut stream).await,
        RawAction::WrongAccept => {
            if stream
                .write_all(switching_protocols(WRONG_ACCEPT).as_bytes())
                .await
                .is_ok()
                && stream.flush().await.is_ok()
            {
                hold_reading(&mut stream).await;
            }
        }
        RawAction::OpenThenReset { accept, wait } => {
            if stream
                .write_all(switching_protocols(&accept).as_bytes())
                .await
                .is_err()
                || stream.flush().await.is_err()
            {
                return;
            }
            match wait {
                ResetWait::FirstMessageOr(limit) if !sent_more => {
                    let mut byte = [0u8; 1];
                    let _ = tokio::time::timeout(limit, stream.read(&mut byte)).await;
                }
                ResetWait::FirstMessageOr(_) => {}
                ResetWait::For(delay) => tokio::time::sleep(delay).await,
            }
            stream.reset();
        }
    }
}

/// The 101 a WebSocket server writes, with the given accept value.
fn switching_protocols(accept: &str) -> String {
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    )
}

/// Writes a complete response and closes the connection the orderly way (FIN, TLS close_notify).
async fn write_and_close(mut stream: Stream, response: &[u8]) {
    if stream.write_all(response).await.is_ok() {
        let _ = stream.flush().await;
        let _ = stream.shutdown().await;
    }
}

/// Keeps the connection open without answering, discarding whatever the client sends, until it goes
/// away (the lab's shutdown ends this too, by dropping the task).
pub(crate) async fn hold_reading(stream: &mut Stream) {
    let mut sink = [0u8; 4096];
    while let Ok(n) = stream.read(&mut sink).await {
        if n == 0 {
            return;
        }
    }
}

/// Holds a connection without reading or writing a single byte, until the client closes it.
pub(crate) async fn hold_silent(tcp: &TcpStream) {
    let mut byte = [0u8; 1];
    loop {
        // Peeking notices the client's FIN without consuming what it sent; data that is pending
        // keeps the socket readable, so poll slowly instead of spinning on it.
        match tcp.peek(&mut byte).await {
            Ok(0) | Err(_) => return,
            Ok(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}
