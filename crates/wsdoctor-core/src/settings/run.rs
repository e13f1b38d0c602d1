//! [`Settings`]: everything one run needs to know about its target, and its validation.

use super::error::SettingsError;
use super::headers::Header;
use super::identity::ClientIdentity;
use super::limits::{Gates, Limits};
use super::paths::Paths;
use super::policy::ConnectPolicy;
use super::resolve::{IpFamily, ResolveOverride};
use super::roads::Roads;
use super::route::Route;
use super::store::StoreSettings;
use super::target::Target;
use crate::secret::Secret;
use rustls_pki_types::pem::PemObject;
use std::sync::Arc;
use wsdoctor_model::CheckId;

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
