//! Raw command-line options become a validated [`Config`]; anything unusable is a [`ConfigError`]
//! (exit status 2) before a single packet is sent.

use crate::cli::{CheckOptions, ColorChoice, Format};
use crate::plan::CheckId;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

/// A usage or configuration error: names the argument and says what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("invalid value for {argument}: {message}")]
pub struct ConfigError {
    /// The option or argument at fault, as the user typed it (`--origin`, `<TARGET>`).
    pub argument: String,
    /// What is wrong with it.
    pub message: String,
}

impl ConfigError {
    fn new(argument: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            argument: argument.into(),
            message: message.into(),
        }
    }
}

/// What kind of URL the target is, which decides the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// An http(s) base URL: the full checklist.
    Http,
    /// A ws(s) socket URL: the endpoint checks only.
    WebSocket,
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

/// The HTTP CONNECT proxy a run goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRoute {
    /// The proxy's host.
    pub host: String,
    /// The proxy's port.
    pub port: u16,
    /// User and password from the proxy URL (redacted in every output).
    pub credentials: Option<(String, String)>,
    /// Where the setting came from (`--proxy`, `HTTPS_PROXY`…).
    pub source: String,
}

impl ProxyRoute {
    /// `http://host:port`, without credentials, for the report.
    pub fn display(&self) -> String {
        if self.host.contains(':') {
            format!("http://[{}]:{}", self.host, self.port)
        } else {
            format!("http://{}:{}", self.host, self.port)
        }
    }
}

/// What the process environment contributes; passed in so configuration stays pure.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `$FRONTEND_URL`.
    pub frontend_url: Option<String>,
    /// Proxy variables (`HTTPS_PROXY`, `https_proxy`, `NO_PROXY`…) that are set and not empty.
    pub proxy_vars: Vec<(String, String)>,
}

impl Environment {
    /// Reads the variables wsdoctor honours from the process environment.
    pub fn from_process() -> Environment {
        let get = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let proxy_vars = [
            "https_proxy",
            "HTTPS_PROXY",
            "http_proxy",
            "HTTP_PROXY",
            "all_proxy",
            "ALL_PROXY",
            "no_proxy",
            "NO_PROXY",
        ]
        .iter()
        .filter_map(|name| get(name).map(|v| (name.to_string(), v)))
        .collect();
        Environment {
            frontend_url: get("FRONTEND_URL"),
            proxy_vars,
        }
    }

    fn var(&self, name: &str) -> Option<&str> {
        self.proxy_vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The endpoints' paths and templates.
#[derive(Debug, Clone)]
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

/// How the report is shown.
#[derive(Debug, Clone)]
pub struct OutputConfig {
    /// The format for stdout (or `--output`).
    pub format: Format,
    /// Where to write the chosen format instead of stdout.
    pub output: Option<PathBuf>,
    /// Colour choice.
    pub color: ColorChoice,
    /// One verdict line only.
    pub quiet: bool,
    /// Connection log on stderr.
    pub verbose: bool,
    /// Print secrets unredacted.
    pub show_secrets: bool,
}

/// The timeouts and retry policy.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Client timeout per WebSocket attempt.
    pub ws_timeout: Duration,
    /// Timeout per network step (DNS, TCP, TLS, HTTP answer).
    pub connect_timeout: Duration,
    /// WebSocket attempts before giving up.
    pub attempts: u32,
    /// First retry delay.
    pub retry_delay: Duration,
    /// How long a quiet terminal socket must stay open to count as working.
    pub settle: Duration,
    /// Bound on the whole run.
    pub deadline: Duration,
    /// Echo round trips.
    pub echo_count: u32,
    /// How long the hold check keeps sockets open, when asked for.
    pub hold: Option<Duration>,
    /// Interval of the hold check's pings and messages.
    pub ping_interval: Duration,
}

/// The validated configuration of one run. Pure data: building it touches no network.
#[derive(Debug, Clone)]
pub struct Config {
    /// The target, as given (normalised by the URL parser).
    pub target: Url,
    /// Which checklist applies.
    pub kind: TargetKind,
    /// Session id for the session and terminal checks.
    pub session: Option<String>,
    /// The frontend origin (`scheme://host[:port]`), sent as `Origin`.
    pub origin: Option<String>,
    /// Extra request headers, as given; their validity is the target check's business, because a
    /// browser would fail at `new WebSocket()` rather than refuse to start.
    pub headers: Vec<(String, String)>,
    /// Message to send on the terminal.
    pub send: Option<String>,
    /// Pattern a terminal message must match.
    pub expect: Option<regex::Regex>,
    /// Checks the user asked for (empty: all).
    pub only: Vec<CheckId>,
    /// Checks the user excluded.
    pub skip: Vec<CheckId>,
    /// Paths and templates.
    pub paths: Paths,
    /// Timeouts and retries.
    pub limits: Limits,
    /// `--resolve` overrides.
    pub resolve: Vec<ResolveOverride>,
    /// Extra trusted CA certificates (PEM bytes).
    pub cacert_pem: Option<Vec<u8>>,
    /// Skip certificate verification.
    pub insecure: bool,
    /// Probe every resolved address.
    pub all_addresses: bool,
    /// The proxy to tunnel through, if any.
    pub proxy: Option<ProxyRoute>,
    /// Why the connection is direct or proxied, for the report.
    pub proxy_note: String,
    /// Output settings.
    pub output: OutputConfig,
}

impl Config {
    /// Validates the options for `target`.
    ///
    /// `frontend_url` is `$FRONTEND_URL`, passed in so the function stays pure and testable.
    pub fn from_options(
        target: &str,
        options: &CheckOptions,
        env: &Environment,
    ) -> Result<Config, ConfigError> {
        let frontend_url = env.frontend_url.clone();
        let target = parse_target(target)?;
        let (proxy, proxy_note) = select_proxy(&target, options, env)?;
        let kind = match target.scheme() {
            "http" | "https" => TargetKind::Http,
            _ => TargetKind::WebSocket,
        };
        let origin = match options.origin.clone().or(frontend_url) {
            Some(text) if !text.trim().is_empty() => Some(parse_origin(&text)?),
            _ => None,
        };
        let headers = options
            .headers
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<Vec<_>, _>>()?;
        let expect = options
            .expect
            .as_deref()
            .map(|p| regex::Regex::new(p).map_err(|e| ConfigError::new("--expect", format!("{e}"))))
            .transpose()?;
        let only = parse_ids("--only", &options.only)?;
        let skip = parse_ids("--skip", &options.skip)?;
        let resolve = options
            .resolve
            .iter()
            .map(|r| parse_resolve(r))
            .collect::<Result<Vec<_>, _>>()?;
        let cacert_pem = match &options.cacert {
            Some(path) => Some(std::fs::read(path).map_err(|e| {
                ConfigError::new("--cacert", format!("cannot read {}: {e}", path.display()))
            })?),
            None => None,
        };
        for (argument, path) in [
            ("--health-path", &options.health_path),
            ("--diagnostics-path", &options.diagnostics_path),
            ("--echo-path", &options.echo_path),
        ] {
            if !path.starts_with('/') {
                return Err(ConfigError::new(
                    argument,
                    format!("{path:?} must start with /"),
                ));
            }
        }
        if let Some(session) = &options.session {
            if session.is_empty() {
                return Err(ConfigError::new("--session", "must not be empty"));
            }
        }
        if options.timeout.is_zero() || options.connect_timeout.is_zero() {
            return Err(ConfigError::new(
                if options.timeout.is_zero() {
                    "--timeout"
                } else {
                    "--connect-timeout"
                },
                "must be longer than zero",
            ));
        }
        // Bounds keep every Instant and timer arithmetic far from overflow.
        const DAY: Duration = Duration::from_secs(86_400);
        for (argument, value) in [
            ("--timeout", options.timeout),
            ("--connect-timeout", options.connect_timeout),
            ("--retry-delay", options.retry_delay),
            ("--settle", options.settle),
            ("--ping-interval", options.ping_interval),
            ("--hold", options.hold.unwrap_or_default()),
            ("--deadline", options.deadline.unwrap_or_default()),
        ] {
            if value > DAY {
                return Err(ConfigError::new(argument, "must be at most 1 day"));
            }
        }
        if options.ping_interval.is_zero() {
            return Err(ConfigError::new(
                "--ping-interval",
                "must be longer than zero",
            ));
        }
        if options.hold.is_some_and(|h| h.is_zero()) {
            return Err(ConfigError::new("--hold", "must be longer than zero"));
        }
        let deadline = match options.deadline {
            Some(d) if d.is_zero() => {
                return Err(ConfigError::new("--deadline", "must be longer than zero"))
            }
            Some(d) if options.hold.is_some_and(|h| d <= h) => {
                return Err(ConfigError::new(
                    "--deadline",
                    "must be longer than --hold, or the hold can never finish",
                ))
            }
            Some(d) => d,
            // The hold check needs its whole duration on top of the usual budget.
            None => Duration::from_secs(300) + options.hold.unwrap_or_default(),
        };
        if let Some(pem) = &cacert_pem {
            use rustls::pki_types::pem::PemObject;
            let certificates = rustls::pki_types::CertificateDer::pem_slice_iter(pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    ConfigError::new("--cacert", format!("not a PEM certificate file: {e}"))
                })?;
            if certificates.is_empty() {
                return Err(ConfigError::new("--cacert", "contains no PEM certificate"));
            }
        }
        Ok(Config {
            target,
            kind,
            session: options.session.clone(),
            origin,
            headers,
            send: options.send.clone(),
            expect,
            only,
            skip,
            paths: Paths {
                health: options.health_path.clone(),
                diagnostics: options.diagnostics_path.clone(),
                echo: options.echo_path.clone(),
                terminal: options.terminal_path.clone(),
                session: options.session_path.clone(),
            },
            limits: Limits {
                ws_timeout: options.timeout,
                connect_timeout: options.connect_timeout,
                attempts: options.attempts,
                retry_delay: options.retry_delay,
                settle: options.settle,
                deadline,
                echo_count: options.count,
                hold: options.hold,
                ping_interval: options.ping_interval,
            },
            resolve,
            cacert_pem,
            insecure: options.insecure,
            all_addresses: options.all_addresses,
            proxy,
            proxy_note,
            output: OutputConfig {
                format: options.format,
                output: options.output.clone(),
                color: options.color,
                quiet: options.quiet,
                verbose: options.verbose,
                show_secrets: options.show_secrets,
            },
        })
    }

    /// The host as it must be resolved and verified (IPv6 without brackets).
    pub fn host(&self) -> String {
        match self.target.host() {
            Some(url::Host::Ipv6(addr)) => addr.to_string(),
            Some(host) => host.to_string(),
            None => String::new(),
        }
    }

    /// The port, explicit or the scheme's default.
    pub fn port(&self) -> u16 {
        self.target.port_or_known_default().unwrap_or(80)
    }

    /// Whether the connection uses TLS.
    pub fn uses_tls(&self) -> bool {
        matches!(self.target.scheme(), "https" | "wss")
    }

    /// Every value that must never reach the output unredacted.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = Vec::new();
        if let Some(session) = &self.session {
            secrets.push(session.clone());
        }
        for (name, value) in &self.headers {
            if is_secret_header(name) {
                secrets.push(value.clone());
                // "Bearer abc" also leaks as "abc" in echoes and logs.
                if let Some((_, token)) = value.split_once(' ') {
                    secrets.push(token.trim().to_string());
                }
            }
        }
        if let Some((user, password)) = self.proxy.as_ref().and_then(|p| p.credentials.as_ref()) {
            secrets.push(password.clone());
            secrets.push(user.clone());
        }
        if let Some(password) = self.target.password() {
            secrets.push(password.to_string());
        }
        if !self.target.username().is_empty() {
            secrets.push(self.target.username().to_string());
        }
        for (key, value) in self.target.query_pairs() {
            if is_secret_param(&key) && !value.is_empty() {
                secrets.push(value.into_owned());
            }
        }
        // One-character values would mask every occurrence of that letter in the output.
        secrets.retain(|s| s.len() >= 2);
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        secrets
    }
}

/// Headers whose values are credentials.
pub fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "x-api-key"
    ) || name.contains("token")
        || name.contains("secret")
}

/// Query parameters whose values are credentials.
pub fn is_secret_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "token", "key", "secret", "password", "auth", "session", "sig",
    ]
    .iter()
    .any(|needle| name.contains(needle))
}

/// Chooses the proxy: `--proxy`, else the scheme's variable, unless `NO_PROXY` (or `--no-proxy`)
/// says to connect directly.
fn select_proxy(
    target: &Url,
    options: &CheckOptions,
    env: &Environment,
) -> Result<(Option<ProxyRoute>, String), ConfigError> {
    if options.no_proxy {
        return Ok((None, "direct (--no-proxy)".to_string()));
    }
    let (text, source) = match &options.proxy {
        Some(text) => (text.clone(), "--proxy".to_string()),
        None => {
            let names: [&str; 4] = match target.scheme() {
                "https" | "wss" => ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"],
                _ => ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"],
            };
            let Some((name, value)) = names
                .iter()
                .find_map(|n| env.var(n).map(|v| (n.to_string(), v.to_string())))
            else {
                return Ok((None, "direct (no proxy configured)".to_string()));
            };
            let no_proxy = env.var("no_proxy").or_else(|| env.var("NO_PROXY"));
            if let Some(rule) = no_proxy.and_then(|list| no_proxy_match(list, target)) {
                return Ok((
                    None,
                    format!("direct: NO_PROXY entry {rule:?} matches the host ({name} ignored)"),
                ));
            }
            (value, name)
        }
    };
    let argument = if source == "--proxy" {
        "--proxy".to_string()
    } else {
        source.clone()
    };
    let with_scheme = if text.contains("://") {
        text.clone()
    } else {
        format!("http://{text}")
    };
    let url = Url::parse(&with_scheme)
        .map_err(|e| ConfigError::new(&argument, format!("not a proxy URL: {e}")))?;
    if url.scheme() != "http" {
        return Err(ConfigError::new(
            &argument,
            format!(
                "{} proxies are not supported; use an http:// CONNECT proxy",
                url.scheme()
            ),
        ));
    }
    let host = match url.host() {
        Some(url::Host::Ipv6(addr)) => addr.to_string(),
        Some(host) => host.to_string(),
        None => return Err(ConfigError::new(&argument, "the proxy URL has no host")),
    };
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    let credentials = (!url.username().is_empty())
        .then(|| (decode(url.username()), decode(url.password().unwrap_or(""))));
    let route = ProxyRoute {
        host,
        port: url.port_or_known_default().unwrap_or(80),
        credentials,
        source: source.clone(),
    };
    let note = format!("via {} ({source})", route.display());
    Ok((Some(route), note))
}

/// The `NO_PROXY` entry that matches the target, if any (curl's rules: `*`, exact host, domain
/// suffix with or without a leading dot, optional `:port`).
fn no_proxy_match(list: &str, target: &Url) -> Option<String> {
    let host = target
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let port = target.port_or_known_default();
    list.split(',')
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .find(|entry| {
            if entry == "*" {
                return true;
            }
            let (name, entry_port) = match entry.rsplit_once(':') {
                Some((n, p)) if !n.contains(':') || n.ends_with(']') => {
                    (n.to_string(), p.parse::<u16>().ok())
                }
                _ => (entry.clone(), None),
            };
            let name = name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim_start_matches('.');
            let port_ok = entry_port.is_none() || entry_port == port;
            port_ok && (host == name || host.ends_with(&format!(".{name}")))
        })
}

fn parse_target(text: &str) -> Result<Url, ConfigError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ConfigError::new("<TARGET>", "is empty"));
    }
    let url = Url::parse(text).map_err(|e| {
        let hint = if !text.contains("://") {
            format!(" (did you mean https://{text}?)")
        } else {
            String::new()
        };
        ConfigError::new("<TARGET>", format!("{text:?} is not a URL: {e}{hint}"))
    })?;
    match url.scheme() {
        "http" | "https" | "ws" | "wss" => {}
        other => {
            return Err(ConfigError::new(
                "<TARGET>",
                format!("scheme {other:?} is not one of http, https, ws, wss"),
            ))
        }
    }
    if url.host().is_none() {
        return Err(ConfigError::new("<TARGET>", "has no host"));
    }
    Ok(url)
}

fn parse_origin(text: &str) -> Result<String, ConfigError> {
    let url = Url::parse(text.trim())
        .map_err(|e| ConfigError::new("--origin", format!("{text:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(ConfigError::new(
            "--origin",
            format!("{text:?} must be an http(s) origin such as https://app.example.com"),
        ));
    }
    Ok(url.origin().ascii_serialization())
}

fn parse_header(text: &str) -> Result<(String, String), ConfigError> {
    let Some((name, value)) = text.split_once(':') else {
        // The value may be a credential: do not echo it back.
        return Err(ConfigError::new(
            "--header",
            "must look like 'Name: value' (the colon is missing)",
        ));
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(ConfigError::new(
            "--header",
            format!("{text:?} has no name"),
        ));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

fn parse_ids(argument: &str, ids: &[String]) -> Result<Vec<CheckId>, ConfigError> {
    ids.iter()
        .filter(|id| !id.trim().is_empty())
        .map(|id| {
            CheckId::parse(id.trim()).ok_or_else(|| {
                ConfigError::new(
                    argument,
                    format!(
                        "unknown check {id:?}; checks are {}",
                        CheckId::ALL.map(|c| c.as_str()).join(", ")
                    ),
                )
            })
        })
        .collect()
}

fn parse_resolve(text: &str) -> Result<ResolveOverride, ConfigError> {
    let bad = || {
        ConfigError::new(
            "--resolve",
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

/// Applies `--resolve` to a host and port, if an override matches.
pub fn resolve_override(
    overrides: &[ResolveOverride],
    host: &str,
    port: u16,
) -> Option<Vec<SocketAddr>> {
    overrides
        .iter()
        .find(|o| o.host.eq_ignore_ascii_case(host) && o.port == port)
        .map(|o| o.addrs.iter().map(|a| SocketAddr::new(*a, port)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_accepts_ipv6_in_brackets() {
        let r = parse_resolve("app.example.com:443:[::1]").unwrap();
        assert_eq!(r.addrs, vec!["::1".parse::<IpAddr>().unwrap()]);
        let two = parse_resolve("a:80:127.0.0.1,127.0.0.2").unwrap();
        assert_eq!(two.addrs.len(), 2);
        assert!(parse_resolve("app:notaport:1.2.3.4").is_err());
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
    }

    #[test]
    fn target_errors_name_the_argument() {
        let err = parse_target("not a url").unwrap_err();
        assert_eq!(err.argument, "<TARGET>");
        assert!(parse_target("ftp://example.com").is_err());
    }
}
