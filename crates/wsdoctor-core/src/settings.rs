//! What one run checks and how: plain data with defaults, built by the binary from its command
//! line (or by tests and benchmarks directly), validated before a single packet is sent.
//!
//! The parsers here turn user text into typed values; each failure names the setting it concerns,
//! and the caller says how that setting was spelled (`--timeout`, `WSDOCTOR_TIMEOUT`, a file key).

use crate::redact::PATH_SEGMENT;
use crate::secret::{Secret, MASK};
use rustls_pki_types::pem::PemObject;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use url::Url;
use wsdoctor_model::evidence::TargetKind;
use wsdoctor_model::{Cause, CheckId};

mod policy;
mod store;
pub use policy::ConnectPolicy;
pub(crate) use store::render_key;
pub use store::{StoreSettings, StoreUrl, SESSION_PLACEHOLDER};

/// A setting that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid value for {setting}: {message}")]
pub struct SettingsError {
    /// The setting at fault, by its long option name without dashes (`timeout`, `target`).
    pub setting: &'static str,
    /// What is wrong with it. Never contains a secret.
    pub message: String,
}

impl SettingsError {
    /// An error about `setting`.
    pub fn new(setting: &'static str, message: impl Into<String>) -> SettingsError {
        SettingsError {
            setting,
            message: message.into(),
        }
    }
}

/// The longest any duration setting may be: keeps every timer and `Instant` far from overflow.
pub(crate) const MAX_DURATION: Duration = Duration::from_secs(86_400);

/// The deployment under test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    url: Url,
}

impl Target {
    /// Parses a target URL: http(s) base URL or ws(s) socket URL, with a host.
    pub fn parse(text: &str) -> Result<Target, SettingsError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(SettingsError::new("target", "is empty"));
        }
        let url = Url::parse(text).map_err(|e| {
            let hint = if !text.contains("://") {
                format!(" (did you mean https://{text}?)")
            } else {
                String::new()
            };
            SettingsError::new(
                "target",
                format!(
                    "{:?} is not a URL: {e}{hint}",
                    crate::redact::mask_unparsed_url(text)
                ),
            )
        })?;
        match url.scheme() {
            "http" | "https" | "ws" | "wss" => {}
            other => {
                return Err(SettingsError::new(
                    "target",
                    format!("scheme {other:?} is not one of http, https, ws, wss"),
                ))
            }
        }
        if url.host().is_none() {
            return Err(SettingsError::new("target", "has no host"));
        }
        Ok(Target { url })
    }

    /// The URL as given (normalised by the URL parser). Carries secrets: not for output.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Which checklist applies.
    pub fn kind(&self) -> TargetKind {
        match self.url.scheme() {
            "http" | "https" => TargetKind::Http,
            _ => TargetKind::WebSocket,
        }
    }

    /// The host as it is resolved and verified (IPv6 without brackets).
    pub fn host(&self) -> String {
        match self.url.host() {
            Some(url::Host::Ipv6(addr)) => addr.to_string(),
            Some(host) => host.to_string(),
            None => String::new(),
        }
    }

    /// The host as it appears in a URL or a `Host` header (IPv6 in brackets).
    pub fn url_host(&self) -> String {
        bracketed(&self.host())
    }

    /// The port, explicit or the scheme's default.
    pub fn port(&self) -> u16 {
        self.url.port_or_known_default().unwrap_or(80)
    }

    /// Whether the connection uses TLS.
    pub fn uses_tls(&self) -> bool {
        matches!(self.url.scheme(), "https" | "wss")
    }

    /// `ws` or `wss`: the scheme of the sockets a browser would open.
    pub fn socket_scheme(&self) -> &'static str {
        if self.uses_tls() {
            "wss"
        } else {
            "ws"
        }
    }

    /// The `Host` header value (the port only when the URL names one).
    pub fn host_header(&self) -> String {
        match self.url.port() {
            Some(port) => format!("{}:{port}", self.url_host()),
            None => self.url_host(),
        }
    }

    /// `ws[s]://host[:port]`, the base of socket URLs built from the target.
    pub fn ws_base(&self) -> String {
        format!("{}://{}", self.socket_scheme(), self.host_header())
    }

    /// The path prefix a base URL lives under, without a trailing slash (empty for a socket URL).
    pub fn base_path(&self) -> String {
        match self.kind() {
            TargetKind::WebSocket => String::new(),
            TargetKind::Http => self.url.path().trim_end_matches('/').to_string(),
        }
    }

    /// Secret parts of the URL: user-info and token-like query values.
    fn secrets(&self) -> Vec<String> {
        let mut secrets = Vec::new();
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        if let Some(password) = self.url.password() {
            secrets.push(password.to_string());
            secrets.push(decode(password));
        }
        if !self.url.username().is_empty() {
            secrets.push(self.url.username().to_string());
            secrets.push(decode(self.url.username()));
        }
        for (key, value) in self.url.query_pairs() {
            if is_secret_param(&key) && !value.is_empty() {
                secrets.push(value.into_owned());
            }
        }
        secrets
    }
}

/// An IPv6 address in brackets, anything else as it is.
pub(crate) fn bracketed(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

/// Parses a frontend origin: `scheme://host[:port]` of an http(s) URL.
pub fn parse_origin(text: &str) -> Result<String, SettingsError> {
    let url = Url::parse(text.trim())
        .map_err(|e| SettingsError::new("origin", format!("{text:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(SettingsError::new(
            "origin",
            format!("{text:?} must be an http(s) origin such as https://app.example.com"),
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// An extra request header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Its name, as given.
    pub name: String,
    /// Its value; a secret, since any header may carry a credential.
    pub value: Secret,
}

impl Header {
    /// Parses `Name: value`. CR, LF and NUL can never be sent (they would split the request or
    /// inject another header), so they are refused here; other bytes that HTTP does not allow are
    /// the target check's business, as a browser would fail at `new WebSocket()`.
    pub fn parse(text: &str) -> Result<Header, SettingsError> {
        let Some((name, value)) = text.split_once(':') else {
            // The value may be a credential: do not echo it back.
            return Err(SettingsError::new(
                "header",
                "must look like 'Name: value' (the colon is missing)",
            ));
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(SettingsError::new("header", "has no name"));
        }
        if text.contains(['\r', '\n', '\0']) {
            return Err(SettingsError::new(
                "header",
                format!("the header {name:?} contains CR, LF or NUL, which would inject into the request"),
            ));
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            return Err(SettingsError::new(
                "header",
                format!("{name:?} is not a valid header name"),
            ));
        }
        Ok(Header {
            name: name.to_string(),
            value: Secret::new(value.trim()),
        })
    }

    /// Whether the header's value is a credential by its name.
    pub fn is_credential(&self) -> bool {
        is_secret_header(&self.name)
    }
}

/// Headers whose values are credentials.
pub(crate) fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "x-api-key"
    ) || name.contains("token")
        || name.contains("secret")
}

/// Query parameters whose values are credentials.
pub(crate) fn is_secret_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "token", "key", "secret", "password", "auth", "session", "sig",
    ]
    .iter()
    .any(|needle| name.contains(needle))
}

/// A `--resolve HOST:PORT:ADDR[,ADDR…]` override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveOverride {
    /// The host name as it appears in the URL (lower case).
    pub host: String,
    /// The port it applies to.
    pub port: u16,
    /// The addresses to use instead of DNS, in order.
    pub addrs: Vec<IpAddr>,
}

impl ResolveOverride {
    /// Parses `HOST:PORT:ADDR[,ADDR…]` (IPv6 addresses may be bracketed).
    pub fn parse(text: &str) -> Result<ResolveOverride, SettingsError> {
        let bad = || {
            SettingsError::new(
                "resolve",
                format!("{text:?} must look like HOST:PORT:ADDR[,ADDR…], e.g. app.example.com:443:127.0.0.1"),
            )
        };
        let (host, rest) = text.split_once(':').ok_or_else(bad)?;
        let (port, addrs) = rest.split_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let addrs = addrs
            .split(',')
            .map(|a| {
                a.trim()
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<IpAddr>()
                    .map_err(|_| bad())
            })
            .collect::<Result<Vec<_>, _>>()?;
        if host.is_empty() || addrs.is_empty() {
            return Err(bad());
        }
        Ok(ResolveOverride {
            host: host.to_ascii_lowercase(),
            port,
            addrs,
        })
    }

    /// The addresses for `host:port`, if an override among `overrides` matches.
    pub fn lookup(overrides: &[ResolveOverride], host: &str, port: u16) -> Option<Vec<SocketAddr>> {
        overrides
            .iter()
            .find(|o| o.host.eq_ignore_ascii_case(host) && o.port == port)
            .map(|o| o.addrs.iter().map(|a| SocketAddr::new(*a, port)).collect())
    }
}

/// The HTTP CONNECT proxy a run goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRoute {
    /// The proxy's host (IPv6 without brackets).
    pub host: String,
    /// The proxy's port.
    pub port: u16,
    /// User and password from the proxy URL.
    pub credentials: Option<(Secret, Secret)>,
    /// Where the setting came from (`--proxy`, `HTTPS_PROXY`…).
    pub source: String,
}

impl ProxyRoute {
    /// Parses a proxy URL (`http://[user:pass@]host:port`, the scheme optional); `source` names
    /// where it came from, for errors and the report.
    pub fn parse(text: &str, source: &str) -> Result<ProxyRoute, SettingsError> {
        let with_scheme = if text.contains("://") {
            text.to_string()
        } else {
            format!("http://{text}")
        };
        let url = Url::parse(&with_scheme)
            .map_err(|e| SettingsError::new("proxy", format!("{source}: not a proxy URL: {e}")))?;
        if url.scheme() != "http" {
            return Err(SettingsError::new(
                "proxy",
                format!(
                    "{source}: {} proxies are not supported; use an http:// CONNECT proxy",
                    url.scheme()
                ),
            ));
        }
        let host = match url.host() {
            Some(url::Host::Ipv6(addr)) => addr.to_string(),
            Some(host) => host.to_string(),
            None => {
                return Err(SettingsError::new(
                    "proxy",
                    format!("{source}: the proxy URL has no host"),
                ))
            }
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = (!url.username().is_empty()).then(|| {
            (
                Secret::new(decode(url.username())),
                Secret::new(decode(url.password().unwrap_or(""))),
            )
        });
        Ok(ProxyRoute {
            host,
            port: url.port_or_known_default().unwrap_or(80),
            credentials,
            source: source.to_string(),
        })
    }

    /// `http://host:port`, without credentials, for the report.
    pub fn display(&self) -> String {
        format!("http://{}:{}", bracketed(&self.host), self.port)
    }
}

/// How the run reaches the target: directly or through a proxy, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The proxy, if any.
    pub proxy: Option<ProxyRoute>,
    /// Why the connection is direct or proxied, for the report.
    pub note: String,
}

impl Default for Route {
    fn default() -> Self {
        Route {
            proxy: None,
            note: "direct (no proxy configured)".to_string(),
        }
    }
}

impl Route {
    /// Chooses the route: an explicit proxy, else the scheme's proxy variable among `vars`
    /// (`HTTPS_PROXY`, `http_proxy`, `ALL_PROXY`…), unless `NO_PROXY` matches the target.
    pub fn choose(
        target: &Target,
        explicit: Option<&str>,
        direct: bool,
        vars: &[(String, String)],
    ) -> Result<Route, SettingsError> {
        if direct {
            return Ok(Route {
                proxy: None,
                note: "direct (--no-proxy)".to_string(),
            });
        }
        let var = |name: &str| {
            vars.iter()
                .find(|(k, v)| k == name && !v.trim().is_empty())
                .map(|(_, v)| v.as_str())
        };
        let (text, source) = match explicit {
            Some(text) => (text.to_string(), "--proxy".to_string()),
            None => {
                let names: [&str; 4] = if target.uses_tls() {
                    ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
                } else {
                    ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
                };
                let Some((name, value)) = names
                    .iter()
                    .find_map(|n| var(n).map(|v| (n.to_string(), v.to_string())))
                else {
                    return Ok(Route::default());
                };
                if let Some(rule) = var("no_proxy")
                    .or_else(|| var("NO_PROXY"))
                    .and_then(|list| no_proxy_match(list, target.url()))
                {
                    return Ok(Route {
                        proxy: None,
                        note: format!(
                            "direct: NO_PROXY entry {rule:?} matches the host ({name} ignored)"
                        ),
                    });
                }
                (value, name)
            }
        };
        let proxy = ProxyRoute::parse(&text, &source)?;
        Ok(Route {
            note: format!("via {} ({source})", proxy.display()),
            proxy: Some(proxy),
        })
    }
}

/// The `NO_PROXY` entry that matches the target, if any, by current curl's rules: entries
/// separated by commas or spaces; `*` matches everything; a name matches itself and its
/// subdomains (a leading dot changes nothing); an IP address or CIDR range (`10.0.0.0/8`,
/// `::1`, `[fe80::]/10`) matches a target given as an address in it — names are not resolved for
/// this, as curl does not. A `:port` suffix narrows an entry to that port (Go's extension).
fn no_proxy_match(list: &str, target: &Url) -> Option<String> {
    let host = target
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let target_ip: Option<std::net::IpAddr> = host.parse().ok();
    let port = target.port_or_known_default();
    list.split(|c: char| c == ',' || c.is_whitespace())
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .find(|entry| {
            if entry == "*" {
                return true;
            }
            let (name, entry_port) = split_entry_port(entry);
            if entry_port.is_some_and(|p| Some(p) != port) {
                return false;
            }
            if let Some(ip) = target_ip {
                return match (
                    name.parse::<ipnet::IpNet>(),
                    name.parse::<std::net::IpAddr>(),
                ) {
                    (Ok(range), _) => range.contains(&ip),
                    (_, Ok(entry_ip)) => entry_ip == ip,
                    _ => host == name,
                };
            }
            let name = name.trim_start_matches('.');
            host == name || host.ends_with(&format!(".{name}"))
        })
}

/// An entry's host part (brackets removed) and its port, if it has one; a bare IPv6 address is
/// all host.
fn split_entry_port(entry: &str) -> (String, Option<u16>) {
    if let Some(rest) = entry.strip_prefix('[') {
        // [v6] or [v6]:port or [v6]/len
        if let Some((inside, after)) = rest.split_once(']') {
            return match after.strip_prefix(':') {
                Some(p) => (inside.to_string(), p.parse().ok()),
                None => (format!("{inside}{after}"), None),
            };
        }
    }
    match entry.rsplit_once(':') {
        Some((name, p)) if !name.contains(':') => match p.parse() {
            Ok(p) => (name.to_string(), Some(p)),
            Err(_) => (entry.to_string(), None),
        },
        _ => (entry.to_string(), None),
    }
}

/// The endpoints' paths and templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Health endpoint.
    pub health: String,
    /// Diagnostics endpoint.
    pub diagnostics: String,
    /// Echo socket.
    pub echo: String,
    /// Terminal socket template, when given explicitly.
    pub terminal: Option<String>,
    /// Session validation template, when given explicitly.
    pub session: Option<String>,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            health: "/health".to_string(),
            diagnostics: "/api/diagnostics/websocket".to_string(),
            echo: "/ws-test".to_string(),
            terminal: None,
            session: None,
        }
    }
}

/// The terminal template when neither the user nor `/health` names one.
pub(crate) const DEFAULT_TERMINAL_TEMPLATE: &str = "/terminal/{session}";

/// Timeouts, retries and the other numbers of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Client timeout per WebSocket attempt.
    pub ws_timeout: Duration,
    /// Timeout per network step (DNS, TCP, TLS, HTTP answer).
    pub connect_timeout: Duration,
    /// WebSocket attempts before giving up.
    pub attempts: u32,
    /// Make every one of `attempts` in the web client's sequence, one after the other, each
    /// waiting out its timeout (`--attempts` given). Otherwise a silent attempt is confirmed by
    /// one overlapping attempt and not waited out again, so a hang is answered within one client
    /// timeout.
    pub exact_attempts: bool,
    /// First retry delay.
    pub retry_delay: Duration,
    /// For servers that never greet: a terminal that stays open and silent this long counts as
    /// working. `None` (the default) waits for the server's first message, as the web client does.
    pub accept_silence: Option<Duration>,
    /// How long a socket is watched after it did its job (greeted, echoed, matched `--expect`):
    /// a server that greets and then dies is not healthy.
    pub observe: Duration,
    /// Bound on the whole run; `None` is five minutes plus the hold.
    pub deadline: Option<Duration>,
    /// Echo round trips.
    pub echo_count: u32,
    /// How long the hold check keeps sockets open, when asked for.
    pub hold: Option<Duration>,
    /// Days of certificate validity under which the tls check warns (for a certificate whose whole
    /// lifetime is shorter, a third of its lifetime: short-lived certificates renew often).
    pub cert_warn_days: u32,
    /// Interval of the hold check's pings and messages.
    pub ping_interval: Duration,
    /// PINGs the store check times.
    pub store_pings: u32,
    /// A median store round trip above this makes the store check warn as slow; it fails only
    /// beside a session validation that timed out, since it is measured from here.
    pub store_slow: Duration,
    /// A session key that expires sooner than this warns: the session outlives its key.
    pub session_min_ttl: Duration,
}

impl Default for Limits {
    /// The web client's numbers: 25 s per attempt, 5 attempts.
    fn default() -> Self {
        Limits {
            ws_timeout: Duration::from_secs(25),
            connect_timeout: Duration::from_secs(10),
            attempts: 5,
            exact_attempts: false,
            retry_delay: Duration::from_millis(250),
            accept_silence: None,
            observe: Duration::from_millis(500),
            deadline: None,
            echo_count: 1,
            hold: None,
            cert_warn_days: 14,
            ping_interval: Duration::from_secs(20),
            store_pings: 10,
            store_slow: Duration::from_millis(200),
            session_min_ttl: Duration::from_secs(600),
        }
    }
}

impl Limits {
    /// The bound on the whole run: `--deadline`, or five minutes plus the hold.
    pub fn deadline(&self) -> Duration {
        self.deadline.unwrap_or_else(|| {
            Duration::from_secs(300).saturating_add(self.hold.unwrap_or_default())
        })
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let positive = [
            ("timeout", Some(self.ws_timeout)),
            ("connect-timeout", Some(self.connect_timeout)),
            ("ping-interval", Some(self.ping_interval)),
            ("hold", self.hold),
            ("deadline", self.deadline),
            ("store-slow", Some(self.store_slow)),
        ];
        for (setting, value) in positive {
            if value.is_some_and(|d| d.is_zero()) {
                return Err(SettingsError::new(setting, "must be longer than zero"));
            }
        }
        for (setting, value) in [
            ("timeout", self.ws_timeout),
            ("connect-timeout", self.connect_timeout),
            ("retry-delay", self.retry_delay),
            ("accept-silence", self.accept_silence.unwrap_or_default()),
            ("observe", self.observe),
            ("ping-interval", self.ping_interval),
            ("hold", self.hold.unwrap_or_default()),
            ("deadline", self.deadline.unwrap_or_default()),
            ("store-slow", self.store_slow),
            ("session-min-ttl", self.session_min_ttl),
        ] {
            if value > MAX_DURATION {
                return Err(SettingsError::new(setting, "must be at most 1 day"));
            }
        }
        if !(1..=100).contains(&self.attempts) {
            return Err(SettingsError::new("attempts", "must be between 1 and 100"));
        }
        if !(1..=10_000).contains(&self.store_pings) {
            return Err(SettingsError::new(
                "store-pings",
                "must be between 1 and 10000",
            ));
        }
        if !(1..=1_000_000).contains(&self.echo_count) {
            return Err(SettingsError::new("count", "must be between 1 and 1000000"));
        }
        if let (Some(deadline), Some(hold)) = (self.deadline, self.hold) {
            if deadline <= hold {
                return Err(SettingsError::new(
                    "deadline",
                    "must be longer than --hold, or the hold can never finish",
                ));
            }
        }
        Ok(())
    }
}

/// Everything one run needs to know about its target. The lists a whole fleet may share (headers,
/// `--resolve`, the CA file) are behind `Arc`: a thousand targets each with the command line's
/// thousand `--resolve` entries would otherwise hold a million copies.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The deployment.
    pub target: Target,
    /// Session id for the session and terminal checks.
    pub session: Option<Secret>,
    /// The frontend origin (`scheme://host[:port]`), sent as `Origin`.
    pub origin: Option<String>,
    /// Extra request headers.
    pub headers: Arc<[Header]>,
    /// Subprotocols offered on every upgrade (`Sec-WebSocket-Protocol`), in order.
    pub subprotocols: Vec<String>,
    /// Message to send on the terminal.
    pub send: Option<String>,
    /// Pattern a terminal message must match.
    pub expect: Option<regex_lite::Regex>,
    /// Checks asked for (empty: all).
    pub only: Vec<CheckId>,
    /// Checks excluded.
    pub skip: Vec<CheckId>,
    /// Paths and templates.
    pub paths: Paths,
    /// Timeouts and retries.
    pub limits: Limits,
    /// `--resolve` overrides.
    pub resolve: Arc<[ResolveOverride]>,
    /// Extra trusted CA certificates (PEM), already read.
    pub cacert_pem: Option<Arc<[u8]>>,
    /// Skip certificate verification.
    pub insecure: bool,
    /// Probe every resolved address.
    pub all_addresses: bool,
    /// Only this address family (`-4`/`-6`), or both.
    pub family: Option<IpFamily>,
    /// Which addresses connections to the target may go to, enforced at each connect.
    pub connect_policy: ConnectPolicy,
    /// A client certificate for mutual TLS (`--cert`/`--key`).
    pub client_identity: Option<ClientIdentity>,
    /// Thresholds and `--fail-on warn`, applied to the finished report.
    pub gates: Gates,
    /// Direct or through a proxy.
    pub route: Route,
    /// The session store to check (`--redis-url`), if any.
    pub store: Option<StoreSettings>,
    /// Which roads the sockets take: HTTP/1.1, HTTP/2 (RFC 8441), or both, compared.
    pub roads: Roads,
    /// The browser check (`--browser`), if asked for.
    pub browser: Option<BrowserSettings>,
    /// Trace the wire (`--trace`): `wire` events for every head, frame, connect and handshake.
    /// Off, the probes build no trace line at all.
    pub trace: bool,
}

/// The browser check's settings: which Chromium to run. Everything else it needs (the origin,
/// the paths, the timeouts, `--resolve`, the proxy) is the run's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserSettings {
    /// The Chromium (or Chrome) executable: `--browser-path`, or found on `PATH`.
    pub executable: std::path::PathBuf,
}

/// Which roads a `wss://` socket may take, as `--http1-only` and `--http2` choose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Roads {
    /// As a browser: connections offer ALPN `h2, http/1.1`; when the origin speaks HTTP/2 the
    /// echo and terminal sockets are opened both ways and the roads compared.
    #[default]
    Browser,
    /// HTTP/1.1 only (`--http1-only`): ALPN offers `http/1.1` alone and no socket goes over
    /// HTTP/2, as a browser without an HTTP/2 connection to the origin.
    Http1Only,
    /// The HTTP/2 road is required (`--http2`): the echo and terminal sockets go over an
    /// extended CONNECT only, and a server that cannot carry them that way fails.
    Http2,
}

impl Roads {
    /// The protocols a connection for HTTP requests offers in ALPN, most preferred first.
    pub(crate) fn alpn(self) -> &'static [&'static [u8]] {
        match self {
            Roads::Http1Only => ALPN_HTTP1,
            Roads::Browser | Roads::Http2 => ALPN_BROWSER,
        }
    }

    /// The option that chose this, for messages; empty for the default.
    pub fn flag(self) -> &'static str {
        match self {
            Roads::Browser => "",
            Roads::Http1Only => "--http1-only",
            Roads::Http2 => "--http2",
        }
    }
}

/// What a browser offers on a connection that may carry HTTP/2.
pub(crate) const ALPN_BROWSER: &[&[u8]] = &[b"h2", b"http/1.1"];

/// What a browser offers on the connection of its own it opens for an HTTP/1.1 WebSocket.
pub(crate) const ALPN_HTTP1: &[&[u8]] = &[b"http/1.1"];

/// Gates for CI: what turns a measured value or a warning into a failure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gates {
    /// Warnings fail the check (`--fail-on warn`).
    pub fail_on_warn: bool,
    /// Fewer days of certificate validity fail the tls check (`--min-cert-days`).
    pub min_cert_days: Option<u32>,
    /// A slower echo round trip fails the echo check (`--max-echo-rtt`; the median with `--count`).
    pub max_echo_rtt: Option<Duration>,
    /// A later first message fails the terminal check (`--max-first-message`).
    pub max_first_message: Option<Duration>,
    /// More attempts fail the echo and terminal checks (`--max-attempts`).
    pub max_attempts: Option<u32>,
    /// Warnings with these causes do not fail the run under `--fail-on warn` (`--allow-warning`);
    /// they are still reported, marked as allowed.
    pub allow_warnings: Vec<Cause>,
    /// These checks must run: skipped for want of an input, they fail (`--require`).
    pub require: Vec<CheckId>,
}

impl Gates {
    /// Whether no gate is set.
    pub fn is_empty(&self) -> bool {
        *self == Gates::default()
    }
}

/// An IP address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpFamily {
    /// IPv4 only (`-4`).
    V4,
    /// IPv6 only (`-6`).
    V6,
}

impl IpFamily {
    /// Whether `ip` belongs to this family.
    pub fn admits(self, ip: std::net::IpAddr) -> bool {
        match self {
            IpFamily::V4 => ip.is_ipv4(),
            IpFamily::V6 => ip.is_ipv6(),
        }
    }

    /// "IPv4" or "IPv6".
    pub fn name(self) -> &'static str {
        match self {
            IpFamily::V4 => "IPv4",
            IpFamily::V6 => "IPv6",
        }
    }

    /// The flag that asks for it.
    pub fn flag(self) -> &'static str {
        match self {
            IpFamily::V4 => "-4",
            IpFamily::V6 => "-6",
        }
    }
}

/// A client certificate chain and its private key, PEM, already read. The key is a secret: it
/// is never printed, and its Debug says so.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientIdentity {
    /// The certificate chain, leaf first (PEM).
    pub cert_pem: Vec<u8>,
    /// The private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key_pem: Vec<u8>,
}

impl ClientIdentity {
    /// The chain and key, parsed; the errors name the option at fault and never quote the key.
    pub(crate) fn parse(
        &self,
    ) -> Result<
        (
            Vec<rustls_pki_types::CertificateDer<'static>>,
            rustls_pki_types::PrivateKeyDer<'static>,
        ),
        SettingsError,
    > {
        let chain = rustls_pki_types::CertificateDer::pem_slice_iter(&self.cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| SettingsError::new("cert", format!("not a PEM certificate file: {e}")))?;
        if chain.is_empty() {
            return Err(SettingsError::new("cert", "contains no PEM certificate"));
        }
        let key = rustls_pki_types::PrivateKeyDer::from_pem_slice(&self.key_pem).map_err(|_| {
            SettingsError::new(
                "key",
                "contains no PEM private key (PKCS#8, PKCS#1 or SEC1; encrypted keys are not supported)",
            )
        })?;
        Ok((chain, key))
    }

    /// Whether the chain and key parse.
    pub fn check(&self) -> Result<(), SettingsError> {
        self.parse().map(|_| ())
    }
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("cert_pem", &format_args!("{} bytes", self.cert_pem.len()))
            .field("key_pem", &format_args!("{}", MASK))
            .finish()
    }
}

impl Settings {
    /// Settings for `target` with every default.
    pub fn new(target: Target) -> Settings {
        Settings {
            target,
            session: None,
            origin: None,
            headers: Arc::default(),
            subprotocols: Vec::new(),
            send: None,
            expect: None,
            only: Vec::new(),
            skip: Vec::new(),
            paths: Paths::default(),
            limits: Limits::default(),
            resolve: Arc::default(),
            cacert_pem: None,
            insecure: false,
            all_addresses: false,
            family: None,
            connect_policy: ConnectPolicy::Any,
            client_identity: None,
            gates: Gates::default(),
            route: Route::default(),
            store: None,
            browser: None,
            roads: Roads::default(),
            trace: false,
        }
    }

    /// Checks the settings as a whole: bounds, paths, the CA file's contents.
    pub fn validate(&self) -> Result<(), SettingsError> {
        self.limits.validate()?;
        for (setting, path) in [
            ("health-path", &self.paths.health),
            ("diagnostics-path", &self.paths.diagnostics),
            ("echo-path", &self.paths.echo),
        ] {
            if !path.starts_with('/') {
                return Err(SettingsError::new(
                    setting,
                    format!("{path:?} must start with /"),
                ));
            }
        }
        for protocol in &self.subprotocols {
            // RFC 6455: a subprotocol is an HTTP token.
            let token = !protocol.is_empty()
                && protocol
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !token {
                return Err(SettingsError::new(
                    "subprotocol",
                    format!("{protocol:?} is not a valid subprotocol name (an HTTP token)"),
                ));
            }
        }
        if let Some(pem) = &self.cacert_pem {
            let certificates = rustls_pki_types::CertificateDer::pem_slice_iter(pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    SettingsError::new("cacert", format!("not a PEM certificate file: {e}"))
                })?;
            if certificates.is_empty() {
                return Err(SettingsError::new("cacert", "contains no PEM certificate"));
            }
            // PEM armour says nothing about what is inside it: parse every certificate now, or
            // a broken one only surfaces mid-run as a TLS client that cannot be built.
            let mut roots = rustls::RootCertStore::empty();
            for (index, certificate) in certificates.into_iter().enumerate() {
                roots.add(certificate).map_err(|e| {
                    SettingsError::new(
                        "cacert",
                        format!(
                            "certificate {} is not a usable X.509 certificate: {e}",
                            index + 1
                        ),
                    )
                })?;
            }
        }
        if let Some(identity) = &self.client_identity {
            identity.check()?;
        }
        if let Some(store) = &self.store {
            store.validate(self.session.as_ref())?;
        }
        if self.roads == Roads::Http2 && !self.target.uses_tls() {
            return Err(SettingsError::new(
                "http2",
                "browsers speak HTTP/2 only over TLS (ALPN h2), never to a plain http:// or ws:// URL: use the https:// or wss:// URL, or drop --http2",
            ));
        }
        if let (Some(family), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_))) =
            (self.family, self.target.url().host())
        {
            let literal = self.target.url().host_str().unwrap_or_default().to_string();
            let ip: Option<std::net::IpAddr> =
                literal.trim_matches(|c| c == '[' || c == ']').parse().ok();
            if ip.is_some_and(|ip| !family.admits(ip)) {
                return Err(SettingsError::new(
                    if family == IpFamily::V4 {
                        "ipv4"
                    } else {
                        "ipv6"
                    },
                    format!("the target's address {literal} is not {}", family.name()),
                ));
            }
        }
        Ok(())
    }

    /// Every value that must never reach the output unredacted.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = Vec::new();
        if let Some(session) = &self.session {
            secrets.push(session.reveal().to_string());
        }
        for header in self.headers.iter() {
            if header.is_credential() {
                let value = header.value.reveal();
                secrets.push(value.to_string());
                // "Bearer abc" also leaks as "abc" in echoes and logs.
                if let Some((_, token)) = value.split_once(' ') {
                    secrets.push(token.trim().to_string());
                }
                // "sid=abc; theme=dark" leaks as "abc" when a server or the browser echoes
                // one cookie's value alone.
                if header.name.eq_ignore_ascii_case("cookie") {
                    secrets.extend(
                        value
                            .split(';')
                            .filter_map(|pair| pair.split_once('='))
                            .map(|(_, v)| v.trim().to_string())
                            .filter(|v| !v.is_empty()),
                    );
                }
            }
        }
        if let Some((user, password)) = self
            .route
            .proxy
            .as_ref()
            .and_then(|p| p.credentials.as_ref())
        {
            secrets.push(password.reveal().to_string());
            secrets.push(user.reveal().to_string());
        }
        secrets.extend(self.target.secrets());
        if let Some(store) = &self.store {
            secrets.extend(store.url.secrets());
        }
        secrets.retain(|s| !s.is_empty());
        secrets
    }

    /// The target as it may be shown: user-info and token-like query values masked.
    pub fn target_for_display(&self) -> String {
        crate::redact::display_url(self.target.url().clone())
    }
}

/// A value as one path segment: everything but the unreserved characters percent-encoded, and a
/// value made only of dots encoded whole, so it can never be a dot-segment.
pub(crate) fn encode_segment(value: &str) -> String {
    if !value.is_empty() && value.chars().all(|c| c == '.') {
        return value.replace('.', "%2E");
    }
    percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// Renders a path template with a session id: `{session}`, else the first `{name}` placeholder
/// (a server's `/health` may list `/terminal/{id}`), else the first `:param` path segment (Express
/// style; a query or fragment after it is kept). The id is percent-encoded as one path segment,
/// dots included, so `.` and `..` can never become dot-segments that a server or proxy would
/// normalise into another path.
pub(crate) fn render_template(template: &str, session: &str) -> Option<String> {
    let encoded = encode_segment(session);
    if template.contains("{session}") {
        return Some(template.replace("{session}", &encoded));
    }
    if let (Some(open), Some(close)) = (template.find('{'), template.find('}')) {
        let name = &template[open + 1..close.max(open + 1)];
        if close > open + 1 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Some(format!(
                "{}{encoded}{}",
                &template[..open],
                &template[close + 1..]
            ));
        }
    }
    // The path is what `:param` may stand in; a query or fragment after it stays as written.
    let split = template.find(['?', '#']).unwrap_or(template.len());
    let (path, rest) = template.split_at(split);
    let mut out = Vec::new();
    let mut replaced = false;
    for segment in path.split('/') {
        if segment.starts_with(':') && !replaced {
            out.push(encoded.clone());
            replaced = true;
        } else {
            out.push(segment.to_string());
        }
    }
    replaced.then(|| format!("{}{rest}", out.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_take_any_placeholder_and_keep_their_query() {
        assert_eq!(render_template("/t/{session}", "a b").unwrap(), "/t/a%20b");
        assert_eq!(
            render_template("/terminal/{id}", "abc").unwrap(),
            "/terminal/abc"
        );
        assert_eq!(
            render_template("/api/sessions/:id?x=1", "abc").unwrap(),
            "/api/sessions/abc?x=1"
        );
        assert_eq!(render_template("/s/:id#f", "..").unwrap(), "/s/%2E%2E#f");
        assert_eq!(render_template("/no/placeholder", "abc"), None);
    }

    #[test]
    fn resolve_accepts_ipv6_in_brackets() {
        let r = ResolveOverride::parse("app.example.com:443:[::1]").unwrap();
        assert_eq!(r.addrs, vec!["::1".parse::<IpAddr>().unwrap()]);
        let two = ResolveOverride::parse("a:80:127.0.0.1,127.0.0.2").unwrap();
        assert_eq!(two.addrs.len(), 2);
        assert!(ResolveOverride::parse("app:notaport:1.2.3.4").is_err());
    }

    #[test]
    fn origin_is_normalised() {
        assert_eq!(
            parse_origin("https://App.Example.com/path").unwrap(),
            "https://app.example.com"
        );
        assert!(parse_origin("ftp://x").is_err());
    }

    #[test]
    fn no_proxy_follows_curls_rules() {
        let url = Url::parse("https://api.example.com:8443/x").unwrap();
        assert!(no_proxy_match("example.com", &url).is_some());
        assert!(no_proxy_match(".example.com", &url).is_some());
        assert!(no_proxy_match("*", &url).is_some());
        assert!(no_proxy_match("api.example.com:8443", &url).is_some());
        assert!(no_proxy_match("api.example.com:443", &url).is_none());
        assert!(no_proxy_match("ample.com,other.org", &url).is_none());
        // Spaces separate entries too.
        assert!(no_proxy_match("other.org example.com", &url).is_some());
        // Addresses and ranges match addresses, never names (curl does not resolve).
        assert!(no_proxy_match("10.0.0.0/8", &url).is_none());
        let v4 = Url::parse("http://10.1.2.3:8080/").unwrap();
        assert!(no_proxy_match("10.0.0.0/8", &v4).is_some());
        assert!(no_proxy_match("10.1.2.3", &v4).is_some());
        assert!(no_proxy_match("10.1.2.3:8080", &v4).is_some());
        assert!(no_proxy_match("10.1.2.3:80", &v4).is_none());
        assert!(no_proxy_match("192.168.0.0/16,11.0.0.0/8", &v4).is_none());
        let v6 = Url::parse("http://[fe80::1]/").unwrap();
        assert!(no_proxy_match("fe80::/10", &v6).is_some());
        assert!(no_proxy_match("[fe80::]/10", &v6).is_some());
        assert!(no_proxy_match("fe80::1", &v6).is_some());
        assert!(no_proxy_match("[fe80::1]:80", &v6).is_some());
        assert!(no_proxy_match("[fe80::1]:81", &v6).is_none());
        assert!(no_proxy_match("::1", &v6).is_none());
        let loopback6 = Url::parse("http://[::1]:9/").unwrap();
        assert!(no_proxy_match("::1", &loopback6).is_some());
        assert!(no_proxy_match("::1/128", &loopback6).is_some());
    }

    #[test]
    fn target_errors_name_the_setting_and_hide_credentials() {
        let err = Target::parse("not a url").unwrap_err();
        assert_eq!(err.setting, "target");
        assert!(Target::parse("ftp://example.com").is_err());
        let target = Target::parse("http://admin:p@ss@127.0.0.1:1/?token=abc&x=1").unwrap();
        let settings = Settings::new(target);
        let shown = settings.target_for_display();
        assert!(!shown.contains("p@ss") && !shown.contains("ss@") && !shown.contains("abc"));
        assert!(shown.contains("x=1"), "{shown}");
        assert!(settings.secrets().contains(&"p@ss".to_string()));
    }

    #[test]
    fn each_cookie_value_is_a_secret_of_its_own() {
        let mut settings = Settings::new(Target::parse("http://127.0.0.1:1/").unwrap());
        settings.headers = vec![Header::parse("Cookie: sid=abc123; theme=dark").unwrap()].into();
        let secrets = settings.secrets();
        assert!(secrets.contains(&"abc123".to_string()), "{secrets:?}");
        assert!(secrets.contains(&"dark".to_string()), "{secrets:?}");
    }

    #[test]
    fn headers_refuse_injection() {
        assert!(Header::parse("X: a\r\nEvil: b").is_err());
        assert!(Header::parse("X: 1\nHost: evil").is_err());
        assert!(Header::parse("X: a\0").is_err());
        assert!(Header::parse("Bad Name: x").is_err());
        let h = Header::parse("Authorization: Bearer abc").unwrap();
        assert!(h.is_credential());
        assert!(!format!("{h:?}").contains("abc"));
    }

    #[test]
    fn templates_accept_both_styles_and_never_make_dot_segments() {
        assert_eq!(
            render_template("/terminal/{session}", "a b/c").unwrap(),
            "/terminal/a%20b%2Fc"
        );
        assert_eq!(
            render_template("/api/sessions/:sessionId", "x").unwrap(),
            "/api/sessions/x"
        );
        assert_eq!(render_template("/terminal", "x"), None);
        assert_eq!(
            render_template("/terminal/{session}", "..").unwrap(),
            "/terminal/%2E%2E"
        );
        assert_eq!(
            render_template("/terminal/{session}", ".").unwrap(),
            "/terminal/%2E"
        );
    }

    #[test]
    fn limits_are_bounded() {
        let mut limits = Limits::default();
        assert!(limits.validate().is_ok());
        limits.ws_timeout = Duration::from_secs(86_401);
        assert_eq!(limits.validate().unwrap_err().setting, "timeout");
        let limits = Limits {
            hold: Some(Duration::from_secs(10)),
            deadline: Some(Duration::from_secs(5)),
            ..Limits::default()
        };
        assert_eq!(limits.validate().unwrap_err().setting, "deadline");
        assert_eq!(Limits::default().deadline(), Duration::from_secs(300));
    }
}
