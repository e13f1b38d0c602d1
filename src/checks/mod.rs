//! The checks of the checklist: each uses probes, asks [`crate::diagnose`] what an observation
//! means, and returns a [`CheckReport`]. They share what they learn through [`RunContext`].

pub mod hold;
pub mod http;
pub mod network;
pub mod stats;
pub mod websocket;

use crate::config::Config;
use crate::diagnose::classify;
use crate::diagnose::platform::{self, Platform};
use crate::plan::CheckId;
use crate::probe::dns::Resolution;
use crate::probe::stream::Conn;
use crate::probe::tcp;
use crate::probe::tls::TlsClient;
use crate::report::{ms, Attempt, CheckReport, Event, Finding, Notice, Status};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// What the health endpoint taught the other checks.
#[derive(Debug, Clone, Default)]
pub struct HealthFacts {
    /// It answered 200 with a healthy body.
    pub ok: bool,
    /// It answered through an Envoy edge.
    pub via_envoy: bool,
    /// The endpoints it lists.
    pub endpoints: Vec<String>,
}

/// State shared by the checks of one run.
pub struct RunContext {
    /// The configuration.
    pub config: Arc<Config>,
    events: UnboundedSender<Event>,
    tls: OnceLock<Result<TlsClient, String>>,
    /// The addresses the DNS check found.
    pub resolution: OnceLock<Resolution>,
    // The TCP and TLS checks open a real connection; handing it to the health check saves a
    // round trip instead of throwing it away. `warm_transport` is before TLS, `warm_conn` after.
    warm_transport: Mutex<Option<Conn>>,
    warm_conn: Mutex<Option<Conn>>,
    /// What `/health` said.
    pub health: OnceLock<HealthFacts>,
    // Set once the health check has finished (or will never run): a refused upgrade is read
    // differently when plain HTTP works, so its diagnosis waits for this.
    health_done: tokio::sync::watch::Sender<bool>,
    /// Platforms seen so far.
    pub platforms: Mutex<Vec<Platform>>,
}

impl RunContext {
    /// A context for one run, sending events to `events`.
    pub fn new(config: Arc<Config>, events: UnboundedSender<Event>) -> RunContext {
        let platforms = platform::from_host(&config.host());
        RunContext {
            config,
            events,
            tls: OnceLock::new(),
            resolution: OnceLock::new(),
            warm_transport: Mutex::new(None),
            warm_conn: Mutex::new(None),
            health: OnceLock::new(),
            health_done: tokio::sync::watch::Sender::new(false),
            platforms: Mutex::new(platforms),
        }
    }

    /// Sends an event; a closed receiver only means nobody is listening any more.
    pub fn emit(&self, event: Event) {
        let _ = self.events.send(event);
    }

    /// A connection-log line (`--verbose`, NDJSON).
    pub fn log(&self, id: CheckId, message: impl Into<String>) {
        self.emit(Event::Log {
            id,
            message: message.into(),
        });
    }

    /// The TLS client, built once on first use.
    pub fn tls_client(&self) -> Result<&TlsClient, String> {
        self.tls
            .get_or_init(|| TlsClient::new(self.config.cacert_pem.as_deref(), self.config.insecure))
            .as_ref()
            .map_err(|e| e.clone())
    }

    /// Marks the health check as finished (or never to run).
    pub fn health_finished(&self) {
        self.health_done.send_replace(true);
    }

    /// Waits (bounded) until the health check has finished, so its facts can be used.
    pub async fn health_facts(&self) -> HealthFacts {
        let mut done = self.health_done.subscribe();
        let _ = tokio::time::timeout(
            self.config.limits.connect_timeout * 2,
            done.wait_for(|finished| *finished),
        )
        .await;
        self.health.get().cloned().unwrap_or_default()
    }

    /// Records platform fingerprints from a response.
    pub fn saw_headers(&self, headers: &::http::HeaderMap) {
        if let Ok(mut platforms) = self.platforms.lock() {
            platform::merge(&mut platforms, platform::from_headers(headers));
        }
    }

    /// Records a platform inferred from behaviour.
    pub fn saw_platform(&self, found: Platform) {
        if let Ok(mut platforms) = self.platforms.lock() {
            platform::merge(&mut platforms, vec![found]);
        }
    }

    /// The primary platform seen so far.
    pub fn platform(&self) -> Option<Platform> {
        self.platforms
            .lock()
            .ok()
            .and_then(|p| platform::primary(&p))
    }

    pub(crate) fn keep_transport(&self, transport: Conn) {
        if let Ok(mut slot) = self.warm_transport.lock() {
            *slot = Some(transport);
        }
    }

    pub(crate) fn take_transport(&self) -> Option<Conn> {
        self.warm_transport.lock().ok().and_then(|mut s| s.take())
    }

    /// The host the TCP connection goes to: the proxy's when there is one.
    pub fn connect_host(&self) -> String {
        match &self.config.proxy {
            Some(proxy) => proxy.host.clone(),
            None => self.config.host(),
        }
    }

    /// The port the TCP connection goes to.
    pub fn connect_port(&self) -> u16 {
        match &self.config.proxy {
            Some(proxy) => proxy.port,
            None => self.config.port(),
        }
    }

    /// TCP to the target (or to the proxy, then a CONNECT tunnel): the stream TLS and HTTP run on.
    pub async fn transport(&self, check: &mut CheckRun) -> Result<Conn, Failed> {
        let Some(resolution) = self.resolution.get() else {
            return Err(Failed::new(classify::finding(
                crate::diagnose::codes::Cause::DnsFailed,
                "no resolved address (the dns check did not run)",
            )));
        };
        let timeout = self.config.limits.connect_timeout;
        let connected = match tcp::connect(&resolution.addrs, timeout).await {
            Ok(c) => c,
            Err(failures) => {
                let (mut finding, evidence) = classify::tcp(&failures);
                if let Some(proxy) = &self.config.proxy {
                    finding.message = format!("the proxy {}: {}", proxy.display(), finding.message);
                }
                return Err(Failed::with_evidence(finding, evidence));
            }
        };
        check.phase(self, "tcp_connect", connected.duration);
        check.note("peer", connected.peer.to_string());
        if !connected.earlier_failures.is_empty() {
            // The name has an address that does not work: worth seeing even when another did.
            check.note(
                "earlier_failures",
                serde_json::Value::Array(
                    connected
                        .earlier_failures
                        .iter()
                        .map(|(a, f)| serde_json::json!({"address": a.to_string(), "error": f.describe()}))
                        .collect(),
                ),
            );
        }
        let Some(proxy) = &self.config.proxy else {
            return Ok(Conn::Plain(connected.stream));
        };
        let authority = format!("{}:{}", self.host_for_authority(), self.config.port());
        let credentials = proxy
            .credentials
            .as_ref()
            .map(|(u, p)| (u.as_str(), p.as_str()));
        match crate::probe::proxy::connect(connected.stream, &authority, credentials, timeout).await
        {
            Ok((conn, duration)) => {
                check.phase(self, "proxy_connect", duration);
                check.note("proxy", proxy.display());
                Ok(conn)
            }
            Err(failure) => {
                let (finding, evidence) = classify::tunnel(&failure, &proxy.display(), &authority);
                Err(Failed::with_evidence(finding, evidence))
            }
        }
    }

    /// The target's host as it appears in a URL or `Host` header (IPv6 in brackets).
    fn host_for_authority(&self) -> String {
        match self.config.target.host() {
            Some(url::Host::Ipv6(addr)) => format!("[{addr}]"),
            Some(host) => host.to_string(),
            None => String::new(),
        }
    }

    pub(crate) fn keep_conn(&self, conn: Conn) {
        if let Ok(mut slot) = self.warm_conn.lock() {
            *slot = Some(conn);
        }
    }

    fn take_conn(&self) -> Option<Conn> {
        self.warm_conn.lock().ok().and_then(|mut s| s.take())
    }

    /// Opens a connection to the target (TCP, then TLS when the scheme needs it), timing each
    /// phase into `check`. `reuse` takes the connection the TCP/TLS checks left, if any.
    pub async fn dial(&self, check: &mut CheckRun, reuse: bool) -> Result<Conn, Failed> {
        if reuse {
            if let Some(conn) = self.take_conn() {
                check
                    .evidence
                    .insert("connection".into(), "reused from the tcp/tls check".into());
                return Ok(conn);
            }
        }
        let transport = self.transport(check).await?;
        if !self.config.uses_tls() {
            return Ok(transport);
        }
        let client = self.tls_client().map_err(|e| {
            Failed::new(classify::finding(
                crate::diagnose::codes::Cause::TlsHandshake,
                e,
            ))
        })?;
        match client
            .handshake(
                transport,
                &self.config.host(),
                self.config.limits.connect_timeout,
            )
            .await
        {
            Ok((stream, info)) => {
                check.phase(self, "tls_handshake", info.handshake);
                Ok(Conn::Tls(Box::new(stream)))
            }
            Err(failure) => {
                let (finding, evidence) = classify::tls(&failure, &self.config.host());
                Err(Failed::with_evidence(finding, evidence))
            }
        }
    }

    /// `scheme://host[:port]` for WebSocket URLs (ws/wss) built from the target.
    pub fn ws_base(&self) -> String {
        let target = &self.config.target;
        let scheme = match target.scheme() {
            "https" | "wss" => "wss",
            _ => "ws",
        };
        let host = self.host_for_authority();
        match target.port() {
            Some(port) => format!("{scheme}://{host}:{port}"),
            None => format!("{scheme}://{host}"),
        }
    }

    /// The `Host` header value.
    pub fn host_header(&self) -> String {
        let host = self.host_for_authority();
        match self.config.target.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        }
    }

    /// The echo socket's URL and path: the target itself for a ws(s) target, else the echo path
    /// under the base URL. The echo, hold and origin checks all open this one.
    pub fn echo_socket(&self) -> (String, String) {
        match self.config.kind {
            crate::config::TargetKind::WebSocket => (
                self.config.target.to_string(),
                self.config.target.path().to_string(),
            ),
            crate::config::TargetKind::Http => {
                let path = format!("{}{}", self.base_path(), self.config.paths.echo);
                (format!("{}{}", self.ws_base(), path), path)
            }
        }
    }

    /// The target's path prefix (a base URL may live under a path), without a trailing slash.
    pub fn base_path(&self) -> String {
        if self.config.kind == crate::config::TargetKind::WebSocket {
            return String::new();
        }
        self.config.target.path().trim_end_matches('/').to_string()
    }
}

/// A failure on its way into a check report.
#[derive(Debug)]
pub struct Failed {
    /// The diagnosis.
    pub finding: Finding,
    /// Evidence gathered on the way.
    pub evidence: Map<String, Value>,
}

impl Failed {
    /// A failure without extra evidence.
    pub fn new(finding: Finding) -> Failed {
        Failed {
            finding,
            evidence: Map::new(),
        }
    }

    /// A failure with evidence.
    pub fn with_evidence(finding: Finding, evidence: Map<String, Value>) -> Failed {
        Failed { finding, evidence }
    }
}

/// A check in progress: collects timings, evidence and attempts, then becomes a report.
pub struct CheckRun {
    /// Which check.
    pub id: CheckId,
    started: Instant,
    /// Phase timings so far.
    pub timings: BTreeMap<String, f64>,
    /// Evidence so far.
    pub evidence: Map<String, Value>,
    /// Attempts so far (retrying checks only).
    pub attempts: Option<Vec<Attempt>>,
}

impl CheckRun {
    /// Starts timing a check.
    pub fn start(id: CheckId) -> CheckRun {
        CheckRun {
            id,
            started: Instant::now(),
            timings: BTreeMap::new(),
            evidence: Map::new(),
            attempts: None,
        }
    }

    /// Time since the check started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Records a phase and tells the event stream.
    pub fn phase(&mut self, ctx: &RunContext, name: &str, duration: Duration) {
        self.timings.insert(name.to_string(), ms(duration));
        ctx.emit(Event::Phase {
            id: self.id,
            phase: name.to_string(),
            duration_ms: ms(duration),
        });
    }

    /// Adds evidence.
    pub fn note(&mut self, key: &str, value: impl Into<Value>) {
        self.evidence.insert(key.to_string(), value.into());
    }

    fn finish(
        self,
        status: Status,
        summary: String,
        failure: Option<Finding>,
        warning: Option<Notice>,
    ) -> CheckReport {
        CheckReport {
            id: self.id,
            status,
            duration_ms: ms(self.started.elapsed()),
            summary,
            timings: self.timings,
            evidence: self.evidence,
            failure,
            warning,
            attempts: self.attempts,
        }
    }

    /// The check passed.
    pub fn pass(self, summary: impl Into<String>) -> CheckReport {
        self.finish(Status::Pass, summary.into(), None, None)
    }

    /// The check worked with a caveat.
    pub fn warn(self, summary: impl Into<String>, warning: Notice) -> CheckReport {
        self.finish(Status::Warn, summary.into(), None, Some(warning))
    }

    /// The check failed.
    pub fn fail(mut self, failed: Failed, platform: Option<&Platform>) -> CheckReport {
        for (k, v) in failed.evidence {
            self.evidence.insert(k, v);
        }
        let finding = classify::with_platform(failed.finding, platform);
        let summary = finding.message.clone();
        self.finish(Status::Fail, summary, Some(finding), None)
    }
}

/// Runs the check `id`.
pub async fn run(id: CheckId, ctx: &RunContext) -> CheckReport {
    match id {
        CheckId::Target => network::target(ctx),
        CheckId::Dns => network::dns(ctx).await,
        CheckId::Tcp => network::tcp(ctx).await,
        CheckId::Tls => network::tls(ctx).await,
        CheckId::Health => http::health(ctx).await,
        CheckId::Diagnostics => http::diagnostics(ctx).await,
        CheckId::Cors => http::cors(ctx).await,
        CheckId::Session => http::session(ctx).await,
        CheckId::Echo => websocket::echo(ctx).await,
        CheckId::Terminal => websocket::terminal(ctx).await,
        CheckId::Origin => websocket::origin(ctx).await,
        CheckId::Hold => hold::hold(ctx).await,
    }
}

/// Renders a path template with the session id: `{session}`, `:sessionId` or `:id`.
pub fn render_template(template: &str, session: &str) -> Option<String> {
    // A path segment: everything but the unreserved characters is percent-encoded (form
    // encoding would turn a space into '+', which a path keeps literally).
    let encoded: String = session
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    if template.contains("{session}") {
        return Some(template.replace("{session}", &encoded));
    }
    let mut out = Vec::new();
    let mut replaced = false;
    for segment in template.split('/') {
        if segment.starts_with(':') && !replaced {
            out.push(encoded.clone());
            replaced = true;
        } else {
            out.push(segment.to_string());
        }
    }
    replaced.then(|| out.join("/"))
}

/// Finds an endpoint in `/health`'s list whose path mentions `word` and takes a parameter.
pub fn advertised_template(endpoints: &[String], word: &str, avoid: &str) -> Option<String> {
    endpoints
        .iter()
        .map(|e| e.split_whitespace().last().unwrap_or(e).to_string())
        .find(|e| {
            let lower = e.to_ascii_lowercase();
            lower.contains(word) && !lower.contains(avoid) && (e.contains("/:") || e.contains('{'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_accept_both_styles() {
        assert_eq!(
            render_template("/terminal/{session}", "a b/c").unwrap(),
            "/terminal/a%20b%2Fc"
        );
        assert_eq!(
            render_template("/api/sessions/:sessionId", "x").unwrap(),
            "/api/sessions/x"
        );
        assert_eq!(render_template("/terminal", "x"), None);
    }

    #[test]
    fn advertised_paths_are_found() {
        let endpoints = vec![
            "/health".to_string(),
            "/api/sessions/:sessionId".to_string(),
            "/terminal/:sessionId".to_string(),
        ];
        assert_eq!(
            advertised_template(&endpoints, "terminal", "\u{0}").unwrap(),
            "/terminal/:sessionId"
        );
        assert_eq!(
            advertised_template(&endpoints, "session", "terminal").unwrap(),
            "/api/sessions/:sessionId"
        );
    }
}
