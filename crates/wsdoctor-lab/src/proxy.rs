//! A small HTTP CONNECT proxy for tests: tunnels to loopback only, optionally demands Basic
//! credentials, or refuses every tunnel with a chosen status.
//!
//! It exists so the doctor's proxy support can be tested end to end without any real proxy or
//! network. It can never be turned into an open relay: every target is resolved without DNS (IP
//! literals, `localhost`, `*.localhost` and `*.test` only) and anything that is not a loopback
//! address is refused before a connection is even attempted.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine as _;
use http::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::stream::{read_head, HeadRead, Stream};
use super::{shutdown_signalled, TaskGuard, SHUTDOWN_GRACE};

/// How long connecting to a tunnel's target may take before the client gets a 502.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an answer that closes the connection waits for the client to go away first, so the
/// close cannot turn into a reset that destroys the answer before the client has read it.
const CLOSE_LINGER: Duration = Duration::from_secs(1);
/// The realm of the Basic challenge.
const REALM: &str = "wsdoctor-lab";

/// How to run a [`ConnectProxy`]: where to listen, whether to demand credentials, what to answer.
#[derive(Debug, Clone)]
pub struct ProxyOptions {
    /// The address to bind; port 0 picks a free port (what tests want).
    pub listen: SocketAddr,
    /// When set, every CONNECT must carry `Proxy-Authorization: Basic base64(user:pass)` with these
    /// credentials, or it gets 407 with a `Proxy-Authenticate: Basic realm="wsdoctor-lab"` challenge.
    pub credentials: Option<(String, String)>,
    /// What an (authorized) CONNECT gets.
    pub behaviour: ProxyBehaviour,
}

impl Default for ProxyOptions {
    /// Loopback on a free port, no credentials, tunnelling.
    fn default() -> Self {
        ProxyOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            credentials: None,
            behaviour: ProxyBehaviour::Tunnel,
        }
    }
}

/// What the proxy does with a CONNECT that passed authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProxyBehaviour {
    /// Opens the tunnel (to a loopback target only) and splices bytes both ways.
    #[default]
    Tunnel,
    /// Answers every CONNECT with this status (meant for errors such as 403 or 502), a short text
    /// body and `connection: close`, as a proxy whose policy forbids the target would.
    Refuse(u16),
}

/// One CONNECT request the proxy saw, whatever it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRequest {
    /// The CONNECT authority as sent, `host:port`.
    pub target: String,
    /// Whether the request passed authentication: true when no credentials are required, or when
    /// the right ones were sent.
    pub authorized: bool,
    /// Whether the request carried a `Proxy-Authorization` header at all (right or wrong).
    pub proxy_authorization_sent: bool,
}

/// What every connection task of one proxy reads.
struct State {
    credentials: Option<(String, String)>,
    behaviour: ProxyBehaviour,
    requests: Arc<Mutex<Vec<ProxyRequest>>>,
    shutdown: watch::Receiver<bool>,
}

fn lock(requests: &Mutex<Vec<ProxyRequest>>) -> MutexGuard<'_, Vec<ProxyRequest>> {
    // Pushing a finished value cannot leave the Vec half-updated, so a poisoned lock is usable.
    requests
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running CONNECT proxy on a local address, until shut down or dropped.
///
/// Dropping it also signals its tasks to stop; [`ConnectProxy::shutdown`] additionally waits.
pub struct ConnectProxy {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<ProxyRequest>>>,
    shutdown_tx: watch::Sender<bool>,
    accept_task: JoinHandle<()>,
    tasks_done: mpsc::Receiver<()>,
}

impl std::fmt::Debug for ConnectProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectProxy")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl ConnectProxy {
    /// Binds the listener and starts serving in the background, returning as soon as the port is
    /// open.
    ///
    /// # Errors
    ///
    /// Fails when the address cannot be bound.
    pub async fn start(options: ProxyOptions) -> std::io::Result<ConnectProxy> {
        let listener = TcpListener::bind(options.listen).await?;
        let addr = listener.local_addr()?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let (done_tx, tasks_done) = mpsc::channel(1);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(State {
            credentials: options.credentials,
            behaviour: options.behaviour,
            requests: requests.clone(),
            shutdown: shutdown_rx,
        });
        let accept_task = tokio::spawn(accept_loop(listener, state, TaskGuard(done_tx)));
        Ok(ConnectProxy {
            addr,
            requests,
            shutdown_tx,
            accept_task,
            tasks_done,
        })
    }

    /// The address the proxy actually listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The proxy URL to give a client: `http://IP:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every CONNECT request seen so far, in arrival order (recorded before it was answered).
    pub fn requests(&self) -> Vec<ProxyRequest> {
        lock(&self.requests).clone()
    }

    /// Stops accepting, ends every connection and tunnel, and waits (briefly) for the tasks.
    pub async fn shutdown(self) {
        let ConnectProxy {
            shutdown_tx,
            accept_task,
            mut tasks_done,
            ..
        } = self;
        // An error only means every task is gone already.
        let _ = shutdown_tx.send(true);
        let _ = accept_task.await;
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, tasks_done.recv()).await;
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, guard: TaskGuard) {
    let mut shutdown = state.shutdown.clone();
    loop {
        tokio::select! {
            _ = shutdown_signalled(&mut shutdown) => return,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _peer)) => {
                    tokio::spawn(handle(tcp, state.clone(), guard.clone()));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
        }
    }
}

async fn handle(tcp: TcpStream, state: Arc<State>, guard: TaskGuard) {
    let _guard = guard;
    let mut shutdown = state.shutdown.clone();
    tokio::select! {
        _ = shutdown_signalled(&mut shutdown) => {}
        _ = serve(tcp, &state) => {}
    }
}

/// Serves one client connection: reads its request head, answers it, and maybe tunnels.
async fn serve(tcp: TcpStream, state: &State) {
    let _ = tcp.set_nodelay(true);
    let mut client = Stream::Plain(tcp);
    // Bounded in size (16 KiB) and time (10 s), as the lab bounds its own heads.
    let (bytes, head_len, head) = match read_head(&mut client).await {
        HeadRead::Nothing => return,
        HeadRead::Other(_) => {
            return answer_and_close(client, 400, "malformed or oversized request head", &[]).await;
        }
        HeadRead::Complete {
            bytes,
            head_len,
            head,
        } => (bytes, head_len, head),
    };
    if head.method != "CONNECT" {
        let body = "this proxy only serves CONNECT";
        return answer_and_close(client, 405, body, &[("allow", "CONNECT")]).await;
    }

    let sent = head.header("proxy-authorization");
    let authorized = match &state.credentials {
        None => true,
        Some((user, pass)) => sent.is_some_and(|value| basic_matches(value, user, pass)),
    };
    lock(&state.requests).push(ProxyRequest {
        target: head.target.clone(),
        authorized,
        proxy_authorization_sent: sent.is_some(),
    });
    if !authorized {
        let challenge = format!("Basic realm=\"{REALM}\"");
        let body = "proxy authentication required";
        return answer_and_close(client, 407, body, &[("proxy-authenticate", &challenge)]).await;
    }
    if let ProxyBehaviour::Refuse(code) = state.behaviour {
        return answer_and_close(client, code, "tunnel refused by proxy policy", &[]).await;
    }

    let target = match loopback_target(&head.target) {
        Ok(target) => target,
        Err(TargetError::Malformed) => {
            let body = "CONNECT needs a host:port target";
            return answer_and_close(client, 400, body, &[]).await;
        }
        Err(TargetError::NotLoopback) => {
            return answer_and_close(client, 403, "only loopback targets", &[]).await;
        }
    };
    let mut upstream = match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(target)).await
    {
        Ok(Ok(upstream)) => upstream,
        _ => {
            let body = "cannot connect to the target";
            return answer_and_close(client, 502, body, &[]).await;
        }
    };
    let _ = upstream.set_nodelay(true);
    if client
        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        .await
        .is_err()
        || client.flush().await.is_err()
    {
        return;
    }
    // Whatever the client sent right after its head (a TLS ClientHello, say) belongs to the target.
    if bytes.len() > head_len && upstream.write_all(&bytes[head_len..]).await.is_err() {
        return;
    }
    // Ends when both directions are done (or one fails); the task's select ends it on shutdown.
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}

/// Whether a `Proxy-Authorization` value is Basic with exactly these credentials.
fn basic_matches(value: &str, user: &str, pass: &str) -> bool {
    let Some((scheme, token)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    match base64::engine::general_purpose::STANDARD.decode(token.trim()) {
        Ok(decoded) => decoded == format!("{user}:{pass}").as_bytes(),
        Err(_) => false,
    }
}

/// Why a CONNECT target is not tunnelled.
#[derive(Debug, PartialEq, Eq)]
enum TargetError {
    /// Not `host:port` with a usable port.
    Malformed,
    /// Anything that is not (or might not be) a loopback address.
    NotLoopback,
}

/// Resolves a CONNECT authority to a loopback socket address, without any DNS: IP literals as they
/// are, `localhost`, `*.localhost` and `*.test` to 127.0.0.1, every other name refused.
fn loopback_target(authority: &str) -> Result<SocketAddr, TargetError> {
    let (host, port) = authority.rsplit_once(':').ok_or(TargetError::Malformed)?;
    let port: u16 = port.parse().map_err(|_| TargetError::Malformed)?;
    if port == 0 || host.is_empty() {
        return Err(TargetError::Malformed);
    }
    let ip = if let Some(literal) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        IpAddr::V6(literal.parse().map_err(|_| TargetError::Malformed)?)
    } else if host.contains(':') {
        // An IPv6 literal must be bracketed in an authority.
        return Err(TargetError::Malformed);
    } else if let Ok(v4) = host.parse::<Ipv4Addr>() {
        IpAddr::V4(v4)
    } else {
        let name = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
        if name == "localhost" || name.ends_with(".localhost") || name.ends_with(".test") {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            return Err(TargetError::NotLoopback);
        }
    };
    // `::ffff:127.0.0.1` is loopback too, once seen as the IPv4 address it is.
    let ip = ip.to_canonical();
    if !ip.is_loopback() {
        return Err(TargetError::NotLoopback);
    }
    Ok(SocketAddr::new(ip, port))
}

/// Writes a complete short text answer with `connection: close`, then closes the connection.
async fn answer_and_close(mut client: Stream, code: u16, body: &str, extra: &[(&str, &str)]) {
    let reason = StatusCode::from_u16(code)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("Refused");
    let body = format!("{body}\n");
    let mut response = format!("HTTP/1.1 {code} {reason}\r\n");
    for (name, value) in extra {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str(&format!(
        "content-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ));
    if client.write_all(response.as_bytes()).await.is_err() || client.flush().await.is_err() {
        return;
    }
    let _ = client.shutdown().await;
    // Drain (bounded) until the client closes: closing with unread input would send a reset.
    let _ = tokio::time::timeout(CLOSE_LINGER, async {
        let mut sink = [0u8; 4096];
        while let Ok(n) = client.read(&mut sink).await {
            if n == 0 {
                return;
            }
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_to_loopback_only() {
        let v4 = |port| SocketAddr::from(([127, 0, 0, 1], port));
        assert_eq!(loopback_target("127.0.0.1:80"), Ok(v4(80)));
        assert_eq!(
            loopback_target("127.8.9.10:80"),
            Ok(SocketAddr::from(([127, 8, 9, 10], 80)))
        );
        assert_eq!(loopback_target("localhost:8080"), Ok(v4(8080)));
        assert_eq!(loopback_target("LocalHost.:8080"), Ok(v4(8080)));
        assert_eq!(loopback_target("app.localhost:1"), Ok(v4(1)));
        assert_eq!(loopback_target("lab.test:443"), Ok(v4(443)));
        assert_eq!(
            loopback_target("[::1]:443"),
            Ok("[::1]:443".parse().unwrap())
        );
        assert_eq!(loopback_target("[::ffff:127.0.0.1]:443"), Ok(v4(443)));
        for refused in [
            "192.0.2.1:80",
            "10.0.0.1:80",
            "[2001:db8::1]:443",
            "[::ffff:192.0.2.1]:443",
            "example.com:443",
            "localhost.example.com:443",
            "test:80",
            "127.1:80",
        ] {
            assert_eq!(
                loopback_target(refused),
                Err(TargetError::NotLoopback),
                "{refused}"
            );
        }
        for malformed in [
            "127.0.0.1",
            "127.0.0.1:",
            ":80",
            "localhost:0",
            "localhost:x",
            "::1:80",
            "[::1]",
            "[nope]:80",
        ] {
            assert_eq!(
                loopback_target(malformed),
                Err(TargetError::Malformed),
                "{malformed}"
            );
        }
    }

    #[test]
    fn basic_credentials() {
        // base64("user:pa:ss") — a colon in the password is part of the password.
        let token = base64::engine::general_purpose::STANDARD.encode("user:pa:ss");
        assert!(basic_matches(&format!("Basic {token}"), "user", "pa:ss"));
        assert!(basic_matches(&format!("basic  {token} "), "user", "pa:ss"));
        assert!(!basic_matches(&format!("Bearer {token}"), "user", "pa:ss"));
        assert!(!basic_matches(&format!("Basic {token}"), "user", "other"));
        assert!(!basic_matches("Basic !!!", "user", "pa:ss"));
        assert!(!basic_matches("Basic", "user", "pa:ss"));
    }
}
