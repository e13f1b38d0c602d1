//! The reference backend ("lab"): the platform's contract, plus named faults played on the wire.
//!
//! The lab stands in for the training platform's backend (`/health`, `/api/diagnostics/websocket`, CORS,
//! `/ws-test` echo, `/terminal/:sessionId` with sessions, pings and a validation timeout) so the doctor
//! can be demonstrated and tested without a deployment. Each [`Fault`] reproduces one real failure as
//! the client would see it on the wire, down to raw TCP resets where a library would be too polite.
//!
//! A lab never prints anything: the CLI owns the terminal.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod app;
mod conn;
mod fault;
mod proxy;
mod raw;
mod store;
mod stream;
mod tls;
mod ws;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

pub use fault::{fault_catalog, Fault, FaultInfo, ParseFaultError};
pub use proxy::{ConnectProxy, ProxyBehaviour, ProxyOptions, ProxyRequest};
pub use store::{RedisStoreOptions, DEFAULT_KEY_PREFIX};

use store::SessionStore;

/// The session a lab knows from the start, unless told otherwise.
pub const DEFAULT_SESSION: &str = "demo-session";

/// The frontend origin a lab allows, unless told otherwise.
pub const DEFAULT_ORIGIN: &str = "http://localhost:3000";

/// How long `Lab::shutdown` waits for connection tasks to notice the signal before giving up on them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// How to run a lab: where to listen, which sessions exist, and which fault (if any) to play.
#[derive(Debug, Clone)]
pub struct LabOptions {
    /// The address to bind; port 0 picks a free port (what tests want).
    pub listen: SocketAddr,
    /// Session ids the terminal endpoint accepts from the start.
    pub sessions: Vec<String>,
    /// The failure to reproduce; `None` is a healthy deployment.
    pub fault: Option<Fault>,
    /// Serve https/wss with a certificate from the lab's own CA; forced on by the `tls-*` faults.
    pub tls: bool,
    /// Serve HTTP/2 beside HTTP/1.1 (ALPN `h2, http/1.1`) with RFC 8441 extended CONNECT for
    /// WebSockets; implies `tls`, and is forced on by the `h2-*` faults.
    pub http2: bool,
    /// Origins the CORS policy accepts, and the only ones the terminal socket accepts from a
    /// browser (an upgrade without Origin is let through); `origin-check` extends the check to
    /// every path and `origin-any` drops it.
    pub allowed_origins: Vec<String>,
    /// How often the server pings terminal and `/ws-test` sockets; `None` disables server pings.
    pub ping_interval: Option<Duration>,
    /// How long terminal session validation may take before the server closes with 1008.
    pub validation_timeout: Duration,
    /// Keep sessions in Redis (`lab --redis-url`) instead of memory.
    pub store: Option<RedisStoreOptions>,
}

impl Default for LabOptions {
    /// The platform's own defaults: loopback on a free port, one demo session, 30 s pings and timeout.
    fn default() -> Self {
        LabOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            sessions: vec![DEFAULT_SESSION.to_string()],
            fault: None,
            tls: false,
            http2: false,
            allowed_origins: vec![DEFAULT_ORIGIN.to_string()],
            ping_interval: Some(Duration::from_secs(30)),
            validation_timeout: Duration::from_secs(30),
            store: None,
        }
    }
}

/// Which WebSocket endpoint a request path names, as the platform's router would match it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/ws-test`, the echo endpoint.
    WsTest,
    /// `/terminal/:sessionId`, with the decoded session id.
    Terminal(String),
    /// Anything else.
    Other,
}

impl Route {
    pub(crate) fn of(path: &str) -> Route {
        // Express routes ignore one trailing slash unless strict routing is on.
        let path = match path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed,
            _ => path,
        };
        if path == "/ws-test" {
            return Route::WsTest;
        }
        match path.strip_prefix("/terminal/") {
            Some(id) if !id.is_empty() && !id.contains('/') => {
                Route::Terminal(stream::percent_decode(id))
            }
            _ => Route::Other,
        }
    }
}

/// State every connection task of one lab reads.
pub(crate) struct Shared {
    pub(crate) fault: Option<Fault>,
    pub(crate) allowed_origins: Vec<String>,
    pub(crate) ping_interval: Option<Duration>,
    pub(crate) validation_timeout: Duration,
    pub(crate) addr: SocketAddr,
    /// Whether the lab serves https/wss, for absolute URLs pointing back at itself.
    pub(crate) tls: bool,
    pub(crate) started: Instant,
    pub(crate) sessions: SessionStore,
    /// Live WebSocket connections, reported by the diagnostics endpoint.
    pub(crate) active_ws: AtomicUsize,
    /// Upgrade attempts seen by `flaky`, per route: `/ws-test` and the terminal.
    pub(crate) flaky_attempts: [AtomicU64; 2],
    /// `session-takeover`: the number of each session's newest terminal socket.
    pub(crate) terminals: std::sync::Mutex<std::collections::HashMap<String, watch::Sender<u64>>>,
    pub(crate) shutdown: watch::Receiver<bool>,
}

impl Shared {
    pub(crate) fn origin_allowed(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|o| o == origin)
    }

    /// The validation timeout the server states: the fault's, when a fault makes lookups hang.
    pub(crate) fn effective_validation_timeout(&self) -> Duration {
        match self.fault {
            Some(
                Fault::PolicyTimeout(limit) | Fault::StoreHang(limit) | Fault::StoreDown(limit),
            ) => limit,
            _ => self.validation_timeout,
        }
    }
}

/// Held by every task a lab spawns; [`Lab::shutdown`] knows all tasks ended when every copy is gone.
#[derive(Clone)]
pub(crate) struct TaskGuard(#[allow(dead_code)] mpsc::Sender<()>);

/// Resolves once the lab is shutting down (or was dropped, which closes the channel).
pub(crate) async fn shutdown_signalled(rx: &mut watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() {
            return;
        }
        if rx.changed().await.is_err() {
            return;
        }
    }
}

/// Counts a live WebSocket for as long as it is held.
pub(crate) struct ActiveGuard<'a>(&'a AtomicUsize);

impl<'a> ActiveGuard<'a> {
    pub(crate) fn new(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        ActiveGuard(counter)
    }
}

impl Drop for ActiveGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A running lab: a reference backend serving on a local address until shut down or dropped.
///
/// Dropping a `Lab` also signals its tasks to stop; [`Lab::shutdown`] additionally waits for them.
pub struct Lab {
    addr: SocketAddr,
    tls: bool,
    ca_pem: Option<String>,
    client_identity_pem: Option<String>,
    sessions: SessionStore,
    shutdown_tx: watch::Sender<bool>,
    accept_task: JoinHandle<()>,
    tasks_done: mpsc::Receiver<()>,
}

impl Lab {
    /// Binds the listener and starts serving in the background, returning as soon as the port is open
    /// so callers can point a client at [`Lab::base_url`] right away.
    ///
    /// # Errors
    ///
    /// Fails when the address cannot be bound, with TLS when the certificates cannot be made, and
    /// with a Redis store when it cannot be reached or refuses the sessions.
    pub async fn start(options: LabOptions) -> std::io::Result<Lab> {
        let http2 = options.http2 || options.fault.as_ref().is_some_and(Fault::needs_http2);
        let use_tls = options.tls || http2 || options.fault.as_ref().is_some_and(Fault::needs_tls);
        let tls = if use_tls {
            Some(tls::setup(options.fault.as_ref(), http2)?)
        } else {
            None
        };
        let listener = TcpListener::bind(options.listen).await?;
        let addr = listener.local_addr()?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let (done_tx, tasks_done) = mpsc::channel(1);
        let sessions = match options.store {
            Some(store) => SessionStore::redis(store, options.sessions).await?,
            None => SessionStore::memory(options.sessions),
        };
        let sessions = if matches!(options.fault, Some(Fault::StoreDown(_))) {
            sessions.made_unreachable()
        } else {
            sessions
        };
        let shared = Arc::new(Shared {
            fault: options.fault,
            allowed_origins: options.allowed_origins,
            ping_interval: options.ping_interval.filter(|d| !d.is_zero()),
            validation_timeout: options.validation_timeout,
            addr,
            tls: use_tls,
            started: Instant::now(),
            sessions: sessions.clone(),
            active_ws: AtomicUsize::new(0),
            flaky_attempts: [AtomicU64::new(0), AtomicU64::new(0)],
            terminals: std::sync::Mutex::default(),
            shutdown: shutdown_rx,
        });
        let acceptor = tls
            .as_ref()
            .map(|setup| TlsAcceptor::from(setup.config.clone()));
        let accept_task = tokio::spawn(accept_loop(listener, shared, acceptor, TaskGuard(done_tx)));
        Ok(Lab {
            addr,
            tls: use_tls,
            client_identity_pem: tls
                .as_ref()
                .and_then(|setup| setup.client_identity_pem.clone()),
            ca_pem: tls.map(|setup| setup.ca_pem),
            sessions,
            shutdown_tx,
            accept_task,
            tasks_done,
        })
    }

    /// The address the lab actually listens on (the real port when asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL to point a check at: `http://IP:PORT`, or `https://` when serving TLS.
    pub fn base_url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The PEM of the CA that issued the lab's certificate, when serving TLS, so a client can verify
    /// the lab the way it verifies a real deployment instead of turning verification off.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// Under `tls-client-cert`, a client certificate and key (one PEM) the lab accepts, so a test
    /// can show the same run passing with `--cert` and failing without.
    pub fn client_identity_pem(&self) -> Option<&str> {
        self.client_identity_pem.as_deref()
    }

    /// The session ids the terminal currently accepts, including ones created by `POST /api/sessions`.
    pub fn sessions(&self) -> Vec<String> {
        self.sessions.list()
    }

    /// Stops accepting, ends every connection, and waits (briefly) for the tasks to finish, so a test
    /// or the CLI can exit knowing nothing is left running.
    pub async fn shutdown(self) {
        let Lab {
            shutdown_tx,
            accept_task,
            mut tasks_done,
            ..
        } = self;
        // Receivers outlive the send; an error only means every task is gone already.
        let _ = shutdown_tx.send(true);
        let _ = accept_task.await;
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, tasks_done.recv()).await;
    }
}

/// Accepts connections until shutdown, one task per connection.
async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    acceptor: Option<TlsAcceptor>,
    guard: TaskGuard,
) {
    let mut shutdown = shared.shutdown.clone();
    loop {
        tokio::select! {
            _ = shutdown_signalled(&mut shutdown) => return,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _peer)) => {
                    tokio::spawn(conn::handle(tcp, shared.clone(), acceptor.clone(), guard.clone()));
                }
                // Usually out of file descriptors: back off instead of spinning on the error.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
        }
    }
}
