//! What the browser check asks of the browser (the page's plan, how to launch it) and what it gets back: what the browser did, or why it could not say.

use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;
use wsdoctor_model::evidence::{BrowserFetch, BrowserSocket, ConsoleEntry, Sandbox, SocketRole};

/// What the page is asked to do (serialised for its script).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PagePlan {
    /// `GET /health`, for a base URL.
    pub(crate) health: Option<HealthPlan>,
    /// The sockets, opened together.
    pub(crate) sockets: Vec<SocketPlan>,
}

/// The page's `fetch` of `/health`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HealthPlan {
    /// The URL.
    pub(crate) url: String,
    /// The credentials mode (`include`: the web client's API calls carry its cookies).
    pub(crate) credentials: &'static str,
    /// The fetch's bound.
    pub(crate) timeout_ms: u64,
}

/// One socket the page opens.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SocketPlan {
    /// Which of the web client's sockets.
    pub(crate) role: SocketRole,
    /// Its URL.
    pub(crate) url: String,
    /// Subprotocols offered (`new WebSocket(url, protocols)`).
    pub(crate) protocols: Vec<String>,
    /// A message sent once it opens (the echo's probe).
    pub(crate) send: Option<String>,
    /// Whether the socket must answer (the platform's echo, the terminal), or merely stay open.
    pub(crate) strict: bool,
    /// The web client's timeout for the server's first message.
    pub(crate) timeout_ms: u64,
    /// How long the socket is watched once it did its job.
    pub(crate) observe_ms: u64,
    /// How long `onclose` may take after the page closes the socket.
    pub(crate) close_wait_ms: u64,
    /// `--accept-silence`: a quiet open socket is fine after the timeout.
    pub(crate) accept_silence: bool,
}

impl SocketPlan {
    /// The longest the page may spend on this socket.
    pub(crate) fn bound(&self) -> Duration {
        Duration::from_millis(
            self.timeout_ms
                .saturating_add(self.observe_ms)
                .saturating_add(self.close_wait_ms.saturating_mul(2)),
        )
    }
}

/// How the browser is started and what it is told, for this run only.
#[derive(Debug, Clone)]
pub(crate) struct Launch {
    /// The executable.
    pub(crate) executable: PathBuf,
    /// The frontend origin the page is served on.
    pub(crate) origin: String,
    /// Whether the page may reach local addresses without a prompt (Local Network Access), as a
    /// real page on a local origin may.
    pub(crate) grant_local_network: bool,
    /// `--host-resolver-rules` (from `--resolve`).
    pub(crate) resolver_rules: Option<String>,
    /// SPKI SHA-256 hashes whose certificates the browser accepts (what the command line verified
    /// against `--cacert`).
    pub(crate) spki: Vec<String>,
    /// The proxy the browser goes through, as `--proxy-server` takes it.
    pub(crate) proxy: Option<String>,
    /// Cookies (`-H 'Cookie: …'`) set for `cookie_url` before the page loads.
    pub(crate) cookies: Vec<(String, String)>,
    /// The URL the cookies belong to.
    pub(crate) cookie_url: String,
    /// Bound on each step before the page's script (start, connect, navigate) and on `/health`.
    pub(crate) step_timeout: Duration,
}

/// What the browser did.
#[derive(Debug, Clone)]
pub(crate) struct BrowserObservation {
    /// `HeadlessChrome/156.0…`.
    pub(crate) product: String,
    /// How the sandbox ran.
    pub(crate) sandbox: Sandbox,
    /// The switches that matter, as given.
    pub(crate) switches: Vec<String>,
    /// Spawn → DevTools connected.
    pub(crate) launch: Duration,
    /// Navigation → loaded.
    pub(crate) page_load: Duration,
    /// `location.origin`.
    pub(crate) page_origin: String,
    /// `/health`.
    pub(crate) health: Option<BrowserFetch>,
    /// The sockets, in the plan's order.
    pub(crate) sockets: Vec<BrowserSocket>,
    /// Errors and warnings the browser logged.
    pub(crate) console: Vec<ConsoleEntry>,
}

/// Why the browser could not say anything.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    /// What went wrong, in words.
    pub(crate) message: String,
    /// The browser's last words on stderr, when it said any.
    pub(crate) browser_said: Option<String>,
}

impl Failure {
    pub(crate) fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            browser_said: None,
        }
    }
}
