//! Observation → cause → finding. Pure functions of what the probes saw, so every rule can be
//! unit-tested without a network.

use super::codes::Cause;
use super::platform;
use crate::probe::dns::DnsFailure;
use crate::probe::http::HttpFailure;
use crate::probe::tcp::TcpFailure;
use crate::probe::tls::TlsFailure;
use crate::probe::ws::{Ending, OpenFailure};
use crate::report::Finding;
use http::{HeaderMap, StatusCode};
use serde_json::{json, Map, Value};

/// Evidence bodies are cut to this many bytes.
pub const EXCERPT_LIMIT: usize = 512;

/// Headers worth showing as evidence: fingerprints, redirects, the upgrade's own headers.
const HEADERS_THAT_MATTER: [&str; 22] = [
    "server",
    "via",
    "location",
    "content-type",
    "content-length",
    "connection",
    "upgrade",
    "sec-websocket-accept",
    "sec-websocket-protocol",
    "x-powered-by",
    "www-authenticate",
    "cf-ray",
    "x-amz-cf-id",
    "x-envoy-upstream-service-time",
    "x-vercel-id",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-headers",
    "access-control-allow-methods",
    "access-control-max-age",
    "retry-after",
    "x-request-id",
];

/// A finding for `cause` with a message; the hint is the cause's, plus platform context.
pub fn finding(cause: Cause, message: impl Into<String>) -> Finding {
    Finding {
        code: cause.code(),
        cause,
        message: message.into(),
        hint: cause.hint().to_string(),
    }
}

/// Appends platform-specific advice to a hint.
pub fn with_platform(mut finding: Finding, platform: Option<&platform::Platform>) -> Finding {
    if let Some(p) = platform {
        if finding.cause != Cause::AppRunnerUpgradeBlocked {
            finding.hint = format!("{} Platform: {} ({}).", finding.hint, p.name, p.note);
        }
    }
    finding
}

/// The headers that matter, as a JSON object.
pub fn headers_evidence(headers: &HeaderMap) -> Value {
    let mut map = Map::new();
    for name in HEADERS_THAT_MATTER {
        if let Some(value) = headers.get(name).and_then(|v| v.to_str().ok()) {
            map.insert(name.to_string(), Value::String(value.to_string()));
        }
    }
    Value::Object(map)
}

/// At most [`EXCERPT_LIMIT`] bytes of a body, cut on a character boundary.
pub fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut end = text.len().min(EXCERPT_LIMIT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut excerpt = text[..end].to_string();
    if text.len() > end {
        excerpt.push('…');
    }
    excerpt
}

/// `HTTP/1.1 403 Forbidden` for a status the probes only know by code.
pub fn status_line(status: StatusCode) -> String {
    format!(
        "HTTP/1.1 {} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
    .trim_end()
    .to_string()
}

/// Evidence for an HTTP answer.
pub fn response_evidence(
    evidence: &mut Map<String, Value>,
    status_line: String,
    headers: &HeaderMap,
    body: &[u8],
) {
    evidence.insert("status_line".into(), Value::String(status_line));
    evidence.insert("headers".into(), headers_evidence(headers));
    if !body.is_empty() {
        evidence.insert("body_excerpt".into(), Value::String(body_excerpt(body)));
    }
}

/// Whether this machine has any non-loopback route. Without one, a failure says nothing about
/// the target: the machine is offline.
pub fn has_network_route() -> bool {
    let routes = |path: &str, iface_column: usize| -> Option<bool> {
        let text = std::fs::read_to_string(path).ok()?;
        Some(text.lines().any(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            cols.get(iface_column)
                .is_some_and(|iface| *iface != "lo" && *iface != "Iface")
        }))
    };
    match (
        routes("/proc/net/route", 0),
        routes("/proc/net/ipv6_route", 9),
    ) {
        (None, None) => true, // not Linux: assume a network and let the error speak
        (v4, v6) => v4.unwrap_or(false) || v6.unwrap_or(false),
    }
}

/// A DNS failure.
pub fn dns(failure: &DnsFailure, host: &str) -> (Finding, Map<String, Value>) {
    let mut evidence = Map::new();
    let finding = match failure {
        DnsFailure::NotFound(e) => {
            evidence.insert("os_error".into(), json!(e));
            finding(Cause::DnsNotFound, format!("{host} does not resolve: {e}"))
        }
        DnsFailure::Temporary(e) if !has_network_route() => {
            evidence.insert("os_error".into(), json!(e));
            evidence.insert("network_route".into(), json!(false));
            finding(
                Cause::Offline,
                format!("cannot resolve {host}: the resolver is unreachable and this machine has no network route"),
            )
        }
        DnsFailure::Temporary(e) | DnsFailure::Other(e) => {
            evidence.insert("os_error".into(), json!(e));
            finding(Cause::DnsFailed, format!("resolving {host} failed: {e}"))
        }
        DnsFailure::Timeout(_) if !has_network_route() => {
            evidence.insert("network_route".into(), json!(false));
            finding(
                Cause::Offline,
                format!("cannot resolve {host}: the resolver does not answer and this machine has no network route"),
            )
        }
        DnsFailure::Timeout(t) => finding(
            Cause::DnsFailed,
            format!(
                "the resolver did not answer within {}",
                humantime::format_duration(*t)
            ),
        ),
    };
    (finding, evidence)
}

/// A TCP failure over every address tried.
pub fn tcp(failures: &[(std::net::SocketAddr, TcpFailure)]) -> (Finding, Map<String, Value>) {
    let mut evidence = Map::new();
    evidence.insert(
        "tried".into(),
        Value::Array(
            failures
                .iter()
                .map(|(addr, f)| json!({"address": addr.to_string(), "error": f.describe()}))
                .collect(),
        ),
    );
    let Some((addr, first)) = failures.first() else {
        return (
            finding(Cause::TcpRefused, "no address to connect to"),
            evidence,
        );
    };
    evidence.insert("os_error".into(), json!(first.describe()));
    let all_unreachable = failures
        .iter()
        .all(|(_, f)| matches!(f, TcpFailure::NetworkUnreachable(_)));
    let finding = match first {
        _ if all_unreachable && !has_network_route() => {
            evidence.insert("network_route".into(), json!(false));
            finding(
                Cause::Offline,
                format!(
                    "network unreachable connecting to {addr}: this machine has no network route"
                ),
            )
        }
        TcpFailure::Refused => finding(Cause::TcpRefused, format!("{addr} refused the connection")),
        TcpFailure::Timeout(t) => finding(
            Cause::TcpTimeout,
            format!(
                "{addr} did not answer the SYN within {}",
                humantime::format_duration(*t)
            ),
        ),
        TcpFailure::NetworkUnreachable(e) | TcpFailure::HostUnreachable(e) => {
            finding(Cause::TcpUnreachable, format!("{addr} is unreachable: {e}"))
        }
        TcpFailure::Other(e) => {
            finding(Cause::ConnectionReset, format!("connecting to {addr}: {e}"))
        }
    };
    (finding, evidence)
}

/// A TLS failure, with the presented chain's names and dates in the message.
pub fn tls(failure: &TlsFailure, host: &str) -> (Finding, Map<String, Value>) {
    use rustls::CertificateError as E;
    let mut evidence = Map::new();
    let finding = match failure {
        TlsFailure::Timeout(t) => finding(
            Cause::TlsTimeout,
            format!(
                "the TLS handshake did not finish within {}",
                humantime::format_duration(*t)
            ),
        ),
        TlsFailure::Certificate { error, chain } => {
            evidence.insert("certificate_error".into(), json!(format!("{error:?}")));
            evidence.insert("chain".into(), json!(chain));
            let leaf = chain.first();
            let cause = match error {
                E::UnknownIssuer | E::BadSignature => Cause::TlsUnknownIssuer,
                E::Expired | E::ExpiredContext { .. } => Cause::TlsExpired,
                E::NotValidYet | E::NotValidYetContext { .. } => Cause::TlsNotYetValid,
                E::NotValidForName | E::NotValidForNameContext { .. } => Cause::TlsNameMismatch,
                _ => Cause::TlsHandshake,
            };
            let detail = match (cause, leaf) {
                (Cause::TlsExpired, Some(l)) => {
                    format!("expired on {} ({} days ago)", l.not_after, -l.days_left)
                }
                (Cause::TlsNotYetValid, Some(l)) => format!("not valid before {}", l.not_before),
                (Cause::TlsNameMismatch, Some(l)) => {
                    format!("covers {} but not {host}", l.sans.join(", "))
                }
                (Cause::TlsUnknownIssuer, Some(l)) => {
                    format!("issued by {:?}, which is not trusted", l.issuer)
                }
                _ => format!("{error:?}"),
            };
            let mut found = finding(
                cause,
                format!("the certificate for {host} is rejected: {detail}"),
            );
            // The hint repeats the dates or names, so the next action reads on its own.
            found.hint = format!("{} (Here: {detail}.)", found.hint);
            found
        }
        TlsFailure::Protocol(e) => {
            finding(Cause::TlsHandshake, format!("TLS handshake failed: {e}"))
        }
        TlsFailure::Other(e) => finding(Cause::TlsHandshake, format!("TLS failed: {e}")),
    };
    (finding, evidence)
}

/// A proxy that did not open the tunnel.
pub fn tunnel(
    failure: &crate::probe::proxy::TunnelFailure,
    proxy: &str,
    authority: &str,
) -> (Finding, Map<String, Value>) {
    use crate::probe::proxy::TunnelFailure as F;
    let mut evidence = Map::new();
    evidence.insert("proxy".into(), json!(proxy));
    let finding = match failure {
        F::Refused {
            status,
            headers,
            body,
        } => {
            response_evidence(&mut evidence, status_line(*status), headers, body);
            let cause = match status.as_u16() {
                407 => Cause::ProxyAuthRequired,
                502..=504 => Cause::ProxyUpstreamFailed,
                _ => Cause::ProxyRefused,
            };
            finding(
                cause,
                format!(
                    "the proxy {proxy} answered CONNECT {authority} with {}",
                    status.as_u16()
                ),
            )
        }
        F::Timeout(t) => finding(
            Cause::ProxyTimeout,
            format!(
                "the proxy {proxy} did not answer CONNECT {authority} within {}",
                humantime::format_duration(*t)
            ),
        ),
        F::Io(e) => finding(
            Cause::ConnectionReset,
            format!("the connection to the proxy {proxy} broke during CONNECT: {e}"),
        ),
    };
    (finding, evidence)
}

/// An HTTP exchange that produced no usable response.
pub fn http(failure: &HttpFailure) -> Finding {
    match failure {
        HttpFailure::Timeout(t) => finding(
            Cause::HttpTimeout,
            format!("no HTTP answer within {}", humantime::format_duration(*t)),
        ),
        HttpFailure::Body(e) if e.contains("length limit") => finding(
            Cause::ServerError,
            "the response body is larger than 1 MiB, which no health or diagnostics endpoint should send",
        ),
        HttpFailure::Body(e) => finding(Cause::HttpTimeout, format!("reading the body: {e}")),
        HttpFailure::Io(e) => finding(Cause::ConnectionReset, format!("the exchange broke: {e}")),
    }
}

/// What the check knows besides the rejected upgrade itself.
#[derive(Debug, Clone, Default)]
pub struct UpgradeContext {
    /// The target's host name.
    pub host: String,
    /// The path requested.
    pub path: String,
    /// `/health` answered normally.
    pub health_ok: bool,
    /// `/health` answered through an Envoy edge.
    pub health_via_envoy: bool,
    /// The application advertises this path (in `/health`'s endpoints or the diagnostics).
    pub path_advertised: bool,
    /// The same upgrade without our Origin header was accepted.
    pub accepted_without_origin: bool,
}

/// A refused upgrade: which of the many reasons it is.
pub fn upgrade_refused(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    ctx: &UpgradeContext,
) -> Finding {
    let code = status.as_u16();
    let server = headers
        .get("server")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let app_headers = headers.contains_key("x-powered-by");
    let body_text = String::from_utf8_lossy(body);
    let app_runner_host = ctx.host.to_ascii_lowercase().ends_with(".awsapprunner.com");
    let envoy_edge = platform::is_envoy(headers) && !app_headers && body.len() < 64;
    let path = &ctx.path;
    match code {
        300..=399 => {
            let location = headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("(no Location)");
            finding(
                Cause::UpgradeRedirected,
                format!("the upgrade of {path} was redirected ({code}) to {location}; browsers do not follow WebSocket redirects"),
            )
        }
        401 | 403 if app_runner_host || (envoy_edge && (ctx.health_ok || ctx.health_via_envoy)) => finding(
            Cause::AppRunnerUpgradeBlocked,
            format!("the upgrade of {path} got a bare {code} from the Envoy edge while plain HTTP works: AWS App Runner is refusing the WebSocket upgrade"),
        ),
        401 | 403 if ctx.accepted_without_origin => finding(
            Cause::OriginRejected,
            format!("the upgrade of {path} is refused ({code}) with our Origin but accepted without one: the server's Origin allow list lacks the frontend"),
        ),
        401 | 403 => finding(
            Cause::UpgradeForbidden,
            format!("the upgrade of {path} was refused with {code}{}", if app_headers { " by the application" } else { "" }),
        ),
        502..=504 | 520..=527
            if !app_headers
                || server.starts_with("awselb")
                || server == "cloudflare"
                || body_text.contains("upstream connect error") =>
        {
            finding(
                Cause::ProxyNoUpstream,
                format!(
                    "the upgrade of {path} got {code} from a proxy{}: it has no healthy upstream for this route",
                    if server.is_empty() { String::new() } else { format!(" (server: {server})") }
                ),
            )
        }
        500..=599 => finding(
            Cause::ServerError,
            format!("the upgrade of {path} failed with {code} from the application"),
        ),
        200 | 400 | 426 => finding(
            Cause::UpgradeNotForwarded,
            format!("the upgrade of {path} was answered {code} as a plain request: the Upgrade header did not reach a WebSocket server"),
        ),
        _ if ctx.path_advertised => finding(
            Cause::UpgradeNotForwarded,
            format!("the upgrade of {path} was answered {code} although the application advertises that path: a proxy dropped the Upgrade/Connection headers"),
        ),
        _ => finding(
            Cause::UpgradeWrongPath,
            format!("the upgrade of {path} was answered {code}: no WebSocket route there"),
        ),
    }
}

/// An upgrade that failed before or during the handshake (not a refusal).
pub fn open_failure(failure: &OpenFailure, path: &str) -> Finding {
    match failure {
        OpenFailure::InvalidRequest(e) => finding(
            Cause::InvalidRequest,
            format!("the WebSocket request for {path} cannot be built: {e}"),
        ),
        OpenFailure::InvalidHandshake(e) => finding(
            Cause::HandshakeInvalid,
            format!("the server answered the upgrade of {path} with an invalid handshake: {e}"),
        ),
        OpenFailure::Timeout(t) => finding(
            Cause::HandshakeTimeout,
            format!(
                "no answer to the upgrade of {path} within {}",
                humantime::format_duration(*t)
            ),
        ),
        OpenFailure::Io(e) => finding(
            Cause::AbnormalClose,
            format!("the connection broke during the upgrade of {path}: {e}"),
        ),
        OpenFailure::Rejected { status, .. } => finding(
            Cause::UpgradeWrongPath,
            format!("the upgrade of {path} was answered {status}"),
        ),
    }
}

/// How an open socket ended before it did its job.
pub fn ending(
    ending: &Ending,
    path: &str,
    messages_seen: usize,
    open_for: std::time::Duration,
) -> Finding {
    let after = format!("{:.0} ms after open", open_for.as_secs_f64() * 1000.0);
    match ending {
        Ending::Abnormal(e) => finding(
            Cause::AbnormalClose,
            format!("{path} ended without a close frame {after} (browsers report 1006): {e}"),
        ),
        Ending::StillOpen => finding(
            Cause::ClientTimeout,
            format!("{path}: nothing arrived before the client timeout"),
        ),
        Ending::Closed { code, reason } => {
            let said = if reason.is_empty() {
                format!("closed {code}")
            } else {
                format!("closed {code} {reason:?}")
            };
            let cause = close_cause(*code, reason, messages_seen);
            let message = match cause {
                Cause::NoRouteAfterOpen => format!("{path} accepted the upgrade then {said} {after} without a word: no handler for this path"),
                Cause::ServerTimeout => format!("{path} {said} {after}: the server's validation timeout (RFC 6455 calls 1008 a policy violation)"),
                _ => format!("{path} {said} {after}"),
            };
            finding(cause, message)
        }
    }
}

/// The cause a close code stands for.
pub fn close_cause(code: u16, reason: &str, messages_seen: usize) -> Cause {
    let reason = reason.to_ascii_lowercase();
    match code {
        1000 | 1005 if messages_seen == 0 => Cause::NoRouteAfterOpen,
        1000 | 1005 | 1001 | 1012 | 1013 => Cause::ServerGoingAway,
        1008 if reason.contains("origin") => Cause::OriginRejected,
        1008 => Cause::ServerTimeout,
        4000 => Cause::SessionInvalid,
        4001..=4499
            if ["session", "auth", "token", "expired", "unauthor"]
                .iter()
                .any(|w| reason.contains(w)) =>
        {
            Cause::SessionInvalid
        }
        1006 => Cause::AbnormalClose,
        _ => Cause::ServerError,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn close_codes_map_as_the_web_client_reads_them() {
        assert_eq!(
            close_cause(4000, "Invalid session", 1),
            Cause::SessionInvalid
        );
        assert_eq!(
            close_cause(1008, "Connection timeout", 0),
            Cause::ServerTimeout
        );
        assert_eq!(close_cause(4500, "", 1), Cause::ServerError);
        assert_eq!(close_cause(1011, "", 1), Cause::ServerError);
        assert_eq!(close_cause(1001, "", 0), Cause::ServerGoingAway);
        assert_eq!(close_cause(1005, "", 0), Cause::NoRouteAfterOpen);
    }

    #[test]
    fn envoy_403_with_healthy_http_is_app_runner() {
        let ctx = UpgradeContext {
            host: "127.0.0.1".into(),
            path: "/ws-test".into(),
            health_ok: true,
            health_via_envoy: true,
            ..Default::default()
        };
        let f = upgrade_refused(
            StatusCode::FORBIDDEN,
            &headers(&[("server", "envoy")]),
            b"",
            &ctx,
        );
        assert_eq!(f.cause, Cause::AppRunnerUpgradeBlocked);
        let f = upgrade_refused(
            StatusCode::FORBIDDEN,
            &headers(&[("x-powered-by", "Express")]),
            b"{\"error\":\"Forbidden\"}",
            &ctx,
        );
        assert_eq!(f.cause, Cause::UpgradeForbidden);
    }

    #[test]
    fn alb_502_is_a_proxy_without_upstream() {
        let f = upgrade_refused(
            StatusCode::BAD_GATEWAY,
            &headers(&[("server", "awselb/2.0")]),
            b"<html>502</html>",
            &UpgradeContext::default(),
        );
        assert_eq!(f.cause, Cause::ProxyNoUpstream);
    }

    #[test]
    fn excerpt_is_bounded_on_a_char_boundary() {
        let body = "é".repeat(600);
        let excerpt = body_excerpt(body.as_bytes());
        assert!(excerpt.len() <= EXCERPT_LIMIT + '…'.len_utf8());
    }
}
