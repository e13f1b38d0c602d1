//! Typed evidence: the facts a verdict rests on.
//!
//! A check's evidence is the facts every check may gather ([`Common`]: the connection, an HTTP
//! answer, how a socket ended) plus the facts of its own kind ([`Detail`]). Both serialise into one
//! flat JSON object, the report's `checks[].evidence`, so renaming a field here is a compile error in
//! every renderer that reads it rather than a silently missing line.

use crate::codes::{Cause, Code};
use crate::platform::{CutKind, PlatformId};
use crate::timing::Timings;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The facts of one check.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// What any check may have seen.
    #[serde(flatten)]
    pub common: Common,
    /// What only this kind of check sees.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
}

/// Facts any check may gather: the request, the connection, an HTTP answer, a socket's ending.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Common {
    /// The URL a socket was opened to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The HTTP request line sent (`GET /health`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// How the connection was made (direct or through a proxy, reused from the tcp/tls check).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    /// The address that answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    /// Addresses tried before the one that answered, with their errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub earlier_failures: Vec<AddressError>,
    /// The proxy the connection went through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// Every address tried when none answered.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tried: Vec<AddressError>,
    /// The operating system's (or a library's) error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_error: Option<String>,
    /// Whether this machine had any non-loopback route when a connection failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_route: Option<bool>,
    /// Why certificate verification failed, in words (the same as [`CertificateProblem::describe`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_error: Option<String>,
    /// Why certificate verification failed, as fields: dates, names, what was expected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_problem: Option<CertificateProblem>,
    /// The chain the server presented, leaf first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<Vec<CertInfo>>,
    /// The HTTP status line received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_line: Option<String>,
    /// The response headers that matter (fingerprints, redirects, the upgrade's own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// At most 512 bytes of the response body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_excerpt: Option<String>,
    /// Redirects met on the way, followed or not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
    /// The close code the socket ended with (1006 when it ended without a close frame).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_code: Option<u16>,
    /// The reason in the close frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<String>,
    /// The close code the server really sent, when a browser shows another (a forbidden code it
    /// replaces with 1006).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_code_sent: Option<u16>,
    /// The subprotocol the server chose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subprotocol: Option<String>,
    /// The last message the server sent before the socket ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_server_message: Option<String>,
    /// The server's answer to the echo message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// Whether the same upgrade without our Origin was accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_without_origin: Option<bool>,
    /// The cause behind a wrapper such as MAX_RETRIES_EXCEEDED.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub underlying: Option<Underlying>,
    /// The HTTP version a request or a socket used (`HTTP/1.1`, `HTTP/2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_version: Option<String>,
    /// What the server's HTTP/2 frames said on the socket's connection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http2: Option<Http2Frames>,
    /// The roads to the socket that were tried and how each fared, when there was a choice.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roads: Vec<RoadReport>,
}

impl Common {
    /// Takes every fact `other` has, keeping ours where it has none.
    pub fn absorb(&mut self, other: Common) {
        // Destructured so that a new field cannot be forgotten here.
        let Common {
            url,
            request,
            connection,
            peer,
            earlier_failures,
            proxy,
            tried,
            os_error,
            network_route,
            certificate_error,
            certificate_problem,
            chain,
            status_line,
            headers,
            body_excerpt,
            redirects,
            close_code,
            close_reason,
            close_code_sent,
            subprotocol,
            last_server_message,
            reply,
            accepted_without_origin,
            underlying,
            http_version,
            http2,
            roads,
        } = other;
        fn take<T>(into: &mut Option<T>, from: Option<T>) {
            if from.is_some() {
                *into = from;
            }
        }
        fn take_all<T>(into: &mut Vec<T>, from: Vec<T>) {
            if !from.is_empty() {
                *into = from;
            }
        }
        take(&mut self.url, url);
        take(&mut self.request, request);
        take(&mut self.connection, connection);
        take(&mut self.peer, peer);
        take_all(&mut self.earlier_failures, earlier_failures);
        take(&mut self.proxy, proxy);
        take_all(&mut self.tried, tried);
        take(&mut self.os_error, os_error);
        take(&mut self.network_route, network_route);
        take(&mut self.certificate_error, certificate_error);
        take(&mut self.certificate_problem, certificate_problem);
        take(&mut self.chain, chain);
        take(&mut self.status_line, status_line);
        take(&mut self.headers, headers);
        take(&mut self.body_excerpt, body_excerpt);
        take_all(&mut self.redirects, redirects);
        take(&mut self.close_code, close_code);
        take(&mut self.close_reason, close_reason);
        take(&mut self.close_code_sent, close_code_sent);
        take(&mut self.subprotocol, subprotocol);
        take(&mut self.last_server_message, last_server_message);
        take(&mut self.reply, reply);
        take(&mut self.accepted_without_origin, accepted_without_origin);
        take(&mut self.underlying, underlying);
        take(&mut self.http_version, http_version);
        take(&mut self.http2, http2);
        take_all(&mut self.roads, roads);
    }
}

/// The two ways a browser opens a `wss://` socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Road {
    /// A TLS connection of its own offering ALPN `http/1.1`, then a GET with `Upgrade: websocket`.
    #[serde(rename = "http/1.1")]
    Http1,
    /// A stream of an HTTP/2 connection: an extended CONNECT with `:protocol websocket` (RFC
    /// 8441), taken when the server announced `SETTINGS_ENABLE_CONNECT_PROTOCOL`.
    #[serde(rename = "h2")]
    Http2,
}

impl Road {
    /// The road as people name it (`HTTP/1.1`, `HTTP/2`).
    pub fn name(self) -> &'static str {
        match self {
            Road::Http1 => "HTTP/1.1",
            Road::Http2 => "HTTP/2",
        }
    }
}

/// How one road fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoadOutcome {
    /// The socket opened and did its job.
    Works,
    /// The socket failed on this road.
    Fails,
    /// The road is not offered: the server does not speak HTTP/2, or does not enable extended
    /// CONNECT (a browser then takes the other road).
    Unavailable,
}

/// One road tried by a socket check, for the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoadReport {
    /// Which road.
    pub road: Road,
    /// How it fared.
    pub outcome: RoadOutcome,
    /// What happened, in a line.
    pub summary: String,
    /// Why it failed or was unavailable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    /// Its phase timings, in ms.
    pub timings: Timings,
}

/// What the server's HTTP/2 frames said, read beside the HTTP/2 library.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Http2Frames {
    /// Whether its SETTINGS announced extended CONNECT (`SETTINGS_ENABLE_CONNECT_PROTOCOL` = 1);
    /// absent when no SETTINGS arrived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_connect: Option<bool>,
    /// The RST_STREAM it sent on the socket's stream: its error code by name (`CANCEL (0x8)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rst_stream: Option<String>,
    /// The GOAWAY it sent: its error code by name, the last stream it processed, its debug text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goaway: Option<String>,
}

/// An address and why connecting to it failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressError {
    /// `ip:port`.
    pub address: String,
    /// What the OS said.
    pub error: String,
}

/// A redirect met by an HTTP check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redirect {
    /// The 3xx status.
    pub status: u16,
    /// Where it pointed.
    pub location: String,
    /// Whether the check followed it.
    pub followed: bool,
    /// Why it was not followed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The cause behind a wrapper code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Underlying {
    /// Its code.
    pub code: Code,
    /// Its cause.
    pub cause: Cause,
    /// What happened.
    pub message: String,
}

/// The facts only one kind of check gathers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Detail {
    /// The target check.
    Target(TargetDetail),
    /// The dns check.
    Dns(DnsDetail),
    /// The tcp check with `--all-addresses`.
    Tcp(TcpDetail),
    /// The tls check.
    Tls(TlsDetail),
    /// The diagnostics check.
    Diagnostics(DiagnosticsDetail),
    /// The cors check.
    Cors(CorsDetail),
    /// The session and terminal checks' path template.
    Session(SessionDetail),
    /// The echo check.
    Echo(EchoDetail),
    /// The terminal check.
    Terminal(TerminalDetail),
    /// The origin check.
    Origin(OriginDetail),
    /// The hold check.
    Hold(HoldDetail),
    /// The store check.
    Store(StoreDetail),
    /// The browser check.
    Browser(BrowserDetail),
}

/// What kind of URL the target is, which decides the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TargetKind {
    /// An http(s) base URL: the full checklist.
    #[serde(rename = "http base URL")]
    Http,
    /// A ws(s) socket URL: the endpoint checks only.
    #[serde(rename = "WebSocket URL")]
    WebSocket,
}

/// The target check's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetDetail {
    /// Base URL or socket URL.
    pub kind: TargetKind,
    /// `ws` or `wss`: what a browser's sockets would use.
    pub socket_scheme: &'static str,
    /// The frontend origin sent as `Origin`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// Where resolved addresses came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
pub enum AddressSource {
    /// The host is an IP literal.
    #[serde(rename = "literal")]
    #[strum(serialize = "literal")]
    Literal,
    /// A `--resolve` override.
    #[serde(rename = "--resolve")]
    #[strum(serialize = "--resolve")]
    Override,
    /// The system resolver.
    #[serde(rename = "system resolver")]
    #[strum(serialize = "system resolver")]
    System,
}

impl AddressSource {
    /// As text for summaries.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The dns check's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DnsDetail {
    /// Every address, in the resolver's order.
    pub addresses: Vec<String>,
    /// Where they came from.
    pub source: AddressSource,
}

/// One address probed by `--all-addresses`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddressProbe {
    /// `ip:port`.
    pub address: String,
    /// Whether it accepted the connection.
    pub ok: bool,
    /// How long the connect took, when it worked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_ms: Option<f64>,
    /// Why it failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The tcp check's facts beyond the connection itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TcpDetail {
    /// Every address with its outcome (`--all-addresses`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<AddressProbe>,
    /// Why `--all-addresses` was not honoured, when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_addresses: Option<String>,
}

/// What was wrong with a certificate, read from the verifier's verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CertificateProblem {
    /// Which rule the certificate broke.
    pub kind: CertificateProblemKind,
    /// When it was checked (RFC 3339), for the date rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<String>,
    /// The end of its validity (RFC 3339), when it expired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    /// The start of its validity (RFC 3339), when it is not valid yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    /// The name the client asked for, when the certificate does not cover it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_name: Option<String>,
    /// The names the certificate covers, when it does not cover the one asked for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub presented_names: Vec<String>,
    /// The key usage required, when the certificate is not for server authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_purpose: Option<String>,
}

/// The rule a certificate broke.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateProblemKind {
    /// Past its not-after date.
    Expired,
    /// Before its not-before date.
    NotYetValid,
    /// Does not cover the host name.
    WrongName,
    /// Issued by an authority this machine does not trust (self-signed, a private CA, a missing
    /// intermediate).
    UnknownIssuer,
    /// A signature in the chain does not verify.
    BadSignature,
    /// Revoked by its issuer.
    Revoked,
    /// Its revocation status could not be learned.
    RevocationUnknown,
    /// Signed with an algorithm this client does not accept.
    UnsupportedAlgorithm,
    /// Not issued for server authentication.
    WrongPurpose,
    /// Not a well-formed certificate.
    BadEncoding,
    /// Carries a critical extension the verifier does not understand.
    UnhandledCriticalExtension,
    /// Anything else the verifier rejected.
    #[default]
    Other,
}

impl CertificateProblem {
    /// The problem in one sentence, dates and names included.
    pub fn describe(&self) -> String {
        let at = |date: &Option<String>| {
            date.as_deref()
                .map(|d| format!(" (checked at {d})"))
                .unwrap_or_default()
        };
        match self.kind {
            CertificateProblemKind::Expired => match &self.not_after {
                Some(end) => format!("the certificate expired at {end}{}", at(&self.checked_at)),
                None => "the certificate has expired".into(),
            },
            CertificateProblemKind::NotYetValid => match &self.not_before {
                Some(start) => format!(
                    "the certificate is not valid before {start}{}",
                    at(&self.checked_at)
                ),
                None => "the certificate is not valid yet".into(),
            },
            CertificateProblemKind::WrongName => {
                let asked = self.expected_name.as_deref().unwrap_or("the host");
                if self.presented_names.is_empty() {
                    format!("the certificate does not cover {asked}")
                } else {
                    format!(
                        "the certificate covers {} but not {asked}",
                        self.presented_names.join(", ")
                    )
                }
            }
            CertificateProblemKind::UnknownIssuer => "the certificate is issued by an authority this machine does not trust (self-signed, a private CA, or an intermediate the server does not send)".into(),
            CertificateProblemKind::BadSignature => "a signature in the certificate chain does not verify".into(),
            CertificateProblemKind::Revoked => "the certificate has been revoked by its issuer".into(),
            CertificateProblemKind::RevocationUnknown => "the certificate's revocation status could not be determined".into(),
            CertificateProblemKind::UnsupportedAlgorithm => "the certificate is signed with an algorithm this client does not accept".into(),
            CertificateProblemKind::WrongPurpose => format!(
                "the certificate is not issued for {}",
                self.required_purpose.as_deref().unwrap_or("server authentication")
            ),
            CertificateProblemKind::BadEncoding => "the certificate is not well-formed DER".into(),
            CertificateProblemKind::UnhandledCriticalExtension => "the certificate carries a critical extension the verifier does not understand".into(),
            CertificateProblemKind::Other => "the certificate was rejected by the verifier".into(),
        }
    }
}

/// One certificate, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertInfo {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// DNS names and IP addresses it covers.
    pub sans: Vec<String>,
    /// Start of validity (RFC 3339).
    pub not_before: String,
    /// End of validity (RFC 3339).
    pub not_after: String,
    /// Whole days until `not_after` (negative once expired).
    pub days_left: i64,
    /// Whole days from `not_before` to `not_after`: the certificate's lifetime.
    pub lifetime_days: i64,
    /// Seconds until `not_after`, for certificates that live hours, not days.
    #[serde(skip)]
    pub seconds_left: i64,
    /// Seconds from `not_before` to `not_after`.
    #[serde(skip)]
    pub lifetime_seconds: i64,
}

/// What a TLS handshake negotiated and what the server presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsInfo {
    /// Protocol version (`TLSv1.3`).
    pub version: String,
    /// Cipher suite.
    pub cipher_suite: String,
    /// ALPN protocol, if one was agreed.
    pub alpn: Option<String>,
    /// The server name sent.
    pub sni: String,
    /// The presented chain, leaf first.
    pub chain: Vec<CertInfo>,
}

/// The tls check's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsDetail {
    /// The handshake.
    pub tls: TlsInfo,
}

/// The diagnostics check's facts: what the server says about itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiagnosticsDetail {
    /// The server's JSON, kept whole while it is small.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Value>,
    /// An excerpt of it when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics_excerpt: Option<String>,
}

/// The cors check's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CorsDetail {
    /// `Access-Control-Max-Age` as sent (empty when absent).
    pub max_age: String,
}

/// The session check's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionDetail {
    /// The path template used.
    pub template: String,
}

/// Summary of N round trips, in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyStats {
    /// Round trips attempted.
    pub sent: u64,
    /// Round trips answered correctly.
    pub received: u64,
    /// Percentage lost (no answer in time, or a wrong answer).
    pub loss_percent: f64,
    /// Fastest.
    pub min_ms: f64,
    /// Median.
    pub median_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
    /// Mean.
    pub mean_ms: f64,
    /// Mean absolute difference between consecutive round trips (RFC 3550 style jitter).
    pub jitter_ms: f64,
}

impl LatencyStats {
    /// One line for people.
    pub fn summary(&self) -> String {
        format!(
            "{} round trips: min {:.2} / median {:.2} / p90 {:.2} / p99 {:.2} / max {:.2} ms, jitter {:.2} ms, loss {}%",
            self.sent,
            self.min_ms,
            self.median_ms,
            self.p90_ms,
            self.p99_ms,
            self.max_ms,
            self.jitter_ms,
            self.loss_percent
        )
    }
}

/// The echo check's facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EchoDetail {
    /// Statistics over `--count` round trips.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_trips: Option<LatencyStats>,
}

/// The terminal check's facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerminalDetail {
    /// The path template used.
    pub template: String,
    /// Data messages the server sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages_received: Option<u64>,
    /// Ping frames the server sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_pings: Option<u32>,
    /// Time from `--send` to the message that matched `--expect`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect_round_trip_ms: Option<f64>,
    /// The close code wsdoctor ended the session with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_by_client: Option<u16>,
}

/// The origin check's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OriginDetail {
    /// The foreign Origin sent.
    pub origin_sent: &'static str,
    /// Whether the server refused it; absent when that could not be told.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enforced: Option<bool>,
    /// What the socket opened with the foreign Origin did: `greeted` (the server spoke),
    /// `answered` (it answered our probe message), `closed`, or `silent` (none of these in time,
    /// which proves neither acceptance nor refusal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub foreign_socket: Option<&'static str>,
}

/// Which keepalive a held socket uses.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Variant {
    /// Sends nothing; still reads, so it answers the server's pings as a browser does.
    Silent,
    /// Sends WebSocket Ping frames every `--ping-interval`, which browsers cannot do.
    Ping,
    /// Sends an application text message every `--ping-interval`, as a browser heartbeat does.
    Message,
}

impl Variant {
    /// The variant's name in evidence and messages.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Who ended a held socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum ClosedBy {
    /// The server (or a proxy) sent a close frame.
    ServerCloseFrame,
    /// A TCP reset: what proxies do when a timer fires.
    ConnectionReset,
    /// wsdoctor closed it with 1000 at the end of the hold.
    Client,
    /// The connection ended (FIN, or a protocol failure) without a close frame.
    Eof,
}

impl ClosedBy {
    /// The value in evidence.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One socket of the hold check, as the evidence shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeldSocket {
    /// Which keepalive it used.
    pub variant: Variant,
    /// The road it was held on, when the hold held on more than one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub road: Option<Road>,
    /// Whether it died before the hold ended.
    pub died: bool,
    /// Its age at death.
    pub died_after_ms: Option<f64>,
    /// How long it was open.
    pub open_for_ms: f64,
    /// Time since the server's last byte, at death or at the end.
    pub since_last_byte_ms: f64,
    /// Who ended it.
    pub closed_by: ClosedBy,
    /// The close code (1006 without a close frame).
    pub close_code: Option<u16>,
    /// The close reason.
    pub close_reason: Option<String>,
    /// The OS error of a socket that ended without a close frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_error: Option<String>,
    /// Ping frames this client sent.
    pub pings_sent: u32,
    /// Application messages this client sent.
    pub messages_sent: u32,
    /// Data messages the server sent.
    pub messages_received: u32,
    /// Ping frames the server sent.
    pub server_pings: u32,
    /// Mean gap between the server's pings.
    pub server_ping_interval_ms: Option<f64>,
}

/// The server's own heartbeats as the silent socket saw them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heartbeat {
    /// Pings the server sent.
    pub pings: u32,
    /// Their mean interval.
    pub interval_ms: Option<f64>,
    /// Whether they come often enough to keep a quiet browser socket alive; `None` when the hold
    /// was too short to tell.
    pub often_enough: Option<bool>,
    /// What that means, in a sentence.
    pub note: String,
}

/// A platform whose known limit matches a measured cut.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suspect {
    /// The platform.
    pub id: PlatformId,
    /// Display name.
    pub name: &'static str,
    /// Its documented limit.
    pub limit_ms: f64,
    /// Idle timeout or lifetime cap.
    pub kind: CutKind,
    /// The setting to change (or why there is none).
    pub setting: &'static str,
    /// What to do about it.
    pub advice: &'static str,
    /// Whether the run fingerprinted this platform (rather than only matching the number).
    pub fingerprinted: bool,
}

/// The hold check's facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoldDetail {
    /// `--hold`.
    pub hold_ms: f64,
    /// `--ping-interval`.
    pub ping_interval_ms: f64,
    /// The three sockets, on each road held.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<HeldSocket>,
    /// The server's heartbeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_heartbeat: Option<Heartbeat>,
    /// The measured cut.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_ms: Option<f64>,
    /// The platform that best explains it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspect: Option<Suspect>,
}

/// What the session store (Redis) said about itself, and about the session's key.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StoreDetail {
    /// The store's URL as it may be shown (credentials masked).
    pub store: String,
    /// Whether the connection used TLS (`rediss://`).
    pub store_tls: bool,
    /// The database the URL selects.
    pub database: i64,
    /// `redis_version` from `INFO server`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_version: Option<String>,
    /// `role` from `INFO replication`: `master`, or `slave` for a replica.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `used_memory`, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used_memory: Option<u64>,
    /// `maxmemory`, bytes; 0 means no limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maxmemory: Option<u64>,
    /// `maxmemory_policy`: what the store evicts when it is full.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maxmemory_policy: Option<String>,
    /// The PING round trips.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_trips: Option<LatencyStats>,
    /// The session's key, when a session and a key template are known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_key: Option<SessionKey>,
}

/// The session's key in the store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SessionKey {
    /// The key (the session id in it is redacted like any other secret).
    pub key: String,
    /// Where the key template came from (`--session-key`, or the diagnostics endpoint).
    pub template_from: String,
    /// Whether the key exists in the selected database.
    pub exists: bool,
    /// Its type (`string`, `hash`…), when it exists.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Milliseconds until it expires; `None` when it exists without an expiry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_ms: Option<u64>,
    /// Other databases that hold the same key, when the selected one does not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub found_in_databases: Vec<i64>,
}

/// How Chromium's sandbox ran for the browser check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Sandbox {
    /// Sandboxed, as a user's browser is.
    On,
    /// Off because wsdoctor runs as root, where Chromium refuses its sandbox (`--no-sandbox`).
    OffAsRoot,
    /// Off because this machine cannot give Chromium one (no user namespaces, no setuid helper).
    OffUnavailable,
}

impl Sandbox {
    /// The value in evidence.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// In words, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Sandbox::On => "sandboxed",
            Sandbox::OffAsRoot => "sandbox off (--no-sandbox: running as root)",
            Sandbox::OffUnavailable => {
                "sandbox off (--no-sandbox: this machine cannot give Chromium one)"
            }
        }
    }
}

/// Which of the web client's sockets a browser socket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SocketRole {
    /// The `/ws-test` echo socket (or the socket URL of a ws target).
    Echo,
    /// The session's terminal socket.
    Terminal,
}

impl SocketRole {
    /// The role's name, as the command line's check of the same socket is called.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// `/health` fetched by the page's script, as the page and DevTools saw it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BrowserFetch {
    /// The URL fetched.
    pub url: String,
    /// The request's credentials mode (`include`, as the web client sends its cookies).
    pub credentials: String,
    /// The status the script got, when it got a response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// What the script caught instead (`TypeError: Failed to fetch`: all a page learns of a
    /// blocked or failed request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Why the browser blocked the request before sending it (DevTools: `mixed-content`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_reason: Option<String>,
    /// The CORS verdict when CORS refused the response (DevTools' `corsError`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cors_error: Option<String>,
    /// The network error (DevTools' `errorText`, `net::ERR_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_error: Option<String>,
    /// The protocol the response came over (`http/1.1`, `h2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Request → response (or failure), as the script timed it.
    pub duration_ms: f64,
}

/// A socket as the page's script saw it: `new WebSocket(url)` and its events. (It is read back
/// from the page as JSON, hence `Deserialize`.)
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PageSocket {
    /// What `new WebSocket(url)` threw, when it did (a `SecurityError` for mixed content).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threw: Option<String>,
    /// `onopen`, in ms after the constructor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opened_ms: Option<f64>,
    /// Whether `onerror` fired (it carries no detail in any browser).
    pub error_event: bool,
    /// Messages received.
    pub messages: u32,
    /// The first message, in ms after `onopen`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_message_ms: Option<f64>,
    /// The last message received (at most 512 bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_message: Option<String>,
    /// Whether the echo came back as sent (the echo socket only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub echoed: Option<bool>,
    /// Whether the web client's timeout expired before the server's first message.
    pub timed_out: bool,
    /// What the web client's `close(1008, …)` on its timeout threw: a page may only send 1000 or
    /// 3000–4999.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_close_error: Option<String>,
    /// `onclose`'s `code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_code: Option<u16>,
    /// `onclose`'s `reason`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<String>,
    /// `onclose`'s `wasClean`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub was_clean: Option<bool>,
    /// The code the page closed the socket with once it had done its job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_by_page: Option<u16>,
}

/// A socket as DevTools saw it on the wire (the Network domain's WebSocket events).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DevtoolsSocket {
    /// `webSocketCreated`: the browser let the socket start.
    pub created: bool,
    /// The upgrade request as the browser sent it (`Origin`, `Cookie` names, `User-Agent`…).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub request_headers: BTreeMap<String, String>,
    /// The handshake's status: the response's, or the one named in the failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Its status text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_text: Option<String>,
    /// The handshake response's headers.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub response_headers: BTreeMap<String, String>,
    /// Frames the page sent.
    pub frames_sent: u32,
    /// Frames the server sent.
    pub frames_received: u32,
    /// `webSocketFrameError`s: the browser's own account of what failed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// `webSocketClosed`.
    pub closed: bool,
}

/// One socket of the browser check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrowserSocket {
    /// Which socket.
    pub role: SocketRole,
    /// The URL the page opened.
    pub url: String,
    /// What the page's script saw.
    pub page: PageSocket,
    /// What DevTools saw.
    pub devtools: DevtoolsSocket,
}

/// A console message the browser logged (errors and warnings: mixed content, CORS, a failed
/// socket).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsoleEntry {
    /// Who logged it (`security`, `network`, `javascript`…).
    pub source: String,
    /// `error` or `warning`.
    pub level: String,
    /// The message (at most 512 bytes).
    pub text: String,
}

/// What the browser saw beside what the command line concluded, for one request or socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// What is compared: `/health`, `echo`, `terminal`.
    pub subject: String,
    /// What the browser saw, in words.
    pub browser: String,
    /// What the command line concluded a browser would see, in words.
    pub command_line: String,
    /// Whether the two agree; `None` when the command line has nothing to compare with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agrees: Option<bool>,
}

/// The browser check's facts: a real Chromium opened the same page, fetch and sockets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrowserDetail {
    /// The browser as it names itself (`HeadlessChrome/156.0.8078.108`).
    pub browser: String,
    /// The executable run.
    pub executable: String,
    /// Whether its sandbox was on.
    pub sandbox: Sandbox,
    /// The page's origin as its script read it (`location.origin`).
    pub page_origin: String,
    /// Switches that change what this browser resolves or trusts, for this run only
    /// (`--host-resolver-rules`, `--ignore-certificate-errors-spki-list`, the proxy).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub switches: Vec<String>,
    /// Local Network Access for the page: granted as a real page on that origin would need no
    /// prompt, or left to the browser (which refuses without a user to ask), and why.
    pub local_network_access: String,
    /// The names of the cookies given with `-H 'Cookie: …'`, set in the browser for the target.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cookies: Vec<String>,
    /// `/health` fetched from the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<BrowserFetch>,
    /// The sockets the page opened.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sockets: Vec<BrowserSocket>,
    /// What the browser logged (errors and warnings).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub console: Vec<ConsoleEntry>,
    /// The browser's view beside the command line's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comparisons: Vec<Comparison>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_detail_serialise_into_one_flat_object() {
        let evidence = Evidence {
            common: Common {
                status_line: Some("HTTP/1.1 403 Forbidden".into()),
                close_code: Some(4000),
                ..Common::default()
            },
            detail: Some(Detail::Cors(CorsDetail {
                max_age: "86400".into(),
            })),
        };
        let json = serde_json::to_value(&evidence).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"status_line": "HTTP/1.1 403 Forbidden", "close_code": 4000, "max_age": "86400"})
        );
        assert_eq!(
            serde_json::to_value(Evidence::default()).unwrap(),
            serde_json::json!({})
        );
    }

    #[test]
    fn absorb_keeps_what_the_other_lacks() {
        let mut ours = Common {
            url: Some("ws://a/".into()),
            peer: Some("1".into()),
            ..Common::default()
        };
        ours.absorb(Common {
            peer: Some("2".into()),
            close_code: Some(1006),
            ..Common::default()
        });
        assert_eq!(ours.url.as_deref(), Some("ws://a/"));
        assert_eq!(ours.peer.as_deref(), Some("2"));
        assert_eq!(ours.close_code, Some(1006));
    }
}
