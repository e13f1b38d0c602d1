//! Observation → cause → finding. Pure functions of what the probes saw, so every rule can be
//! unit-tested without a network.

use super::platform;
use crate::probe::dns::DnsFailure;
use crate::probe::h2;
use crate::probe::http::HttpFailure;
use crate::probe::proxy::TunnelFailure;
use crate::probe::tcp::TcpFailure;
use crate::probe::tls::TlsFailure;
use crate::probe::ws::{Ending, OpenFailure};
use crate::redact::Redactor;
use http::{HeaderMap, StatusCode};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use wsdoctor_model::evidence::{AddressError, Common};
use wsdoctor_model::{Cause, Finding, Platform};

/// The hint when HTTP/2 was required (`--http2`) and the server does not speak it.
pub(crate) const NO_HTTP2_ROAD: &str = "The server does not speak HTTP/2 here (ALPN did not agree on h2), so there is no HTTP/2 road to require: browsers open this socket over HTTP/1.1, which --http2 leaves out. Drop --http2 to check the road browsers take, or, if HTTP/2 is expected, enable it on the edge (ALPN h2) with extended CONNECT (RFC 8441).";

/// Evidence bodies are cut to this many bytes.
pub(crate) const EXCERPT_LIMIT: usize = 512;

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

/// A finding for `cause` with a message; the hint is the cause's own.
pub(crate) fn finding(cause: Cause, message: impl Into<String>) -> Finding {
    Finding::new(cause, message)
}

/// Appends platform-specific advice to a hint.
pub(crate) fn with_platform(mut finding: Finding, platform: Option<&Platform>) -> Finding {
    if let Some(p) = platform {
        if finding.cause != Cause::AppRunnerUpgradeBlocked {
            finding.hint = format!("{} Platform: {} ({}).", finding.hint, p.name(), p.note());
        }
    }
    finding
}

/// The headers that matter.
pub(crate) fn headers_evidence(headers: &HeaderMap) -> BTreeMap<String, String> {
    HEADERS_THAT_MATTER
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?;
            Some((
                (*name).to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            ))
        })
        .collect()
}

/// At most [`EXCERPT_LIMIT`] bytes of what a server sent, cut on a character boundary. Secrets are
/// masked before the cut, so one that straddles it cannot leave its first half behind.
pub(crate) fn excerpt(redactor: &Redactor, body: &[u8]) -> String {
    let text = redactor.text(&String::from_utf8_lossy(body));
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
pub(crate) fn status_line(status: StatusCode) -> String {
    crate::probe::http::status_line(http::Version::HTTP_11, status)
}

/// Evidence for an HTTP answer.
pub(crate) fn response_evidence(
    evidence: &mut Common,
    redactor: &Redactor,
    status_line: String,
    headers: &HeaderMap,
    body: &[u8],
) {
    evidence.status_line = Some(status_line);
    evidence.headers = Some(headers_evidence(headers));
    if !body.is_empty() {
        evidence.body_excerpt = Some(excerpt(redactor, body));
    }
}

/// A DNS failure; `network_route` says whether this machine has any route at all.
pub(crate) fn dns(failure: &DnsFailure, host: &str, network_route: bool) -> (Finding, Common) {
    let mut evidence = Common::default();
    let finding = match failure {
        DnsFailure::NotFound(e) => {
            evidence.os_error = Some(e.clone());
            finding(Cause::DnsNotFound, format!("{host} does not resolve: {e}"))
        }
        DnsFailure::Temporary(e) if !network_route => {
            evidence.os_error = Some(e.message.clone());
            evidence.network_route = Some(false);
            finding(
                Cause::Offline,
                format!("cannot resolve {host}: the resolver is unreachable and this machine has no network route"),
            )
        }
        DnsFailure::Temporary(e) | DnsFailure::Other(e) => {
            evidence.os_error = Some(e.message.clone());
            finding(Cause::DnsFailed, format!("resolving {host} failed: {e}"))
        }
        DnsFailure::Timeout(_) if !network_route => {
            evidence.network_route = Some(false);
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

/// Whether a set of TCP failures could mean this machine is offline (then the route probe decides).
pub(crate) fn tcp_could_be_offline(failures: &[(SocketAddr, TcpFailure)]) -> bool {
    !failures.is_empty()
        && failures
            .iter()
            .all(|(_, f)| matches!(f, TcpFailure::NetworkUnreachable(_)))
}

/// A TCP failure over every address tried.
pub(crate) fn tcp(failures: &[(SocketAddr, TcpFailure)], network_route: bool) -> (Finding, Common) {
    let mut evidence = Common {
        tried: failures
            .iter()
            .map(|(addr, f)| AddressError {
                address: addr.to_string(),
                error: f.describe(),
            })
            .collect(),
        ..Common::default()
    };
    let Some((addr, first)) = failures.first() else {
        return (
            finding(Cause::TcpRefused, "no address to connect to"),
            evidence,
        );
    };
    evidence.os_error = Some(first.describe());
    let finding = match first {
        _ if tcp_could_be_offline(failures) && !network_route => {
            evidence.network_route = Some(false);
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
        TcpFailure::Denied(range) => finding(
            Cause::AddressDenied,
            format!(
                "{addr} is a {range} address: not connected, only public addresses are allowed"
            ),
        ),
    };
    (finding, evidence)
}

/// A TLS failure, with the presented chain's names and dates in the message.
pub(crate) fn tls(failure: &TlsFailure, host: &str) -> (Finding, Common) {
    use rustls::CertificateError as E;
    let mut evidence = Common::default();
    let finding = match failure {
        TlsFailure::Timeout(t) => finding(
            Cause::TlsTimeout,
            format!(
                "the TLS handshake did not finish within {}",
                humantime::format_duration(*t)
            ),
        ),
        TlsFailure::Certificate { error, chain } => {
            let mut problem = crate::probe::tls::certificate_problem(error);
            if let (Some(leaf), false) = (chain.first(), problem.presented_names.is_empty()) {
                // Our own reading of the leaf is exact where the verifier's list is a summary.
                problem.presented_names = leaf.sans.clone();
            }
            evidence.certificate_error = Some(problem.describe());
            evidence.certificate_problem = Some(problem.clone());
            evidence.chain = Some(chain.clone());
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
                _ => problem.describe(),
            };
            let mut found = finding(
                cause,
                format!("the certificate for {host} is rejected: {detail}"),
            );
            // The hint repeats the dates or names, so the next action reads on its own.
            found.hint = format!("{} (Here: {detail}.)", found.hint);
            found
        }
        TlsFailure::ClientCert { had_cert: false, alert } => finding(
            Cause::TlsClientCertRequired,
            format!("{host} demands a client certificate (mutual TLS) and none was given: the server sent the alert {alert}"),
        ),
        TlsFailure::ClientCert { had_cert: true, alert } => finding(
            Cause::TlsClientCertRejected,
            format!("{host} refused the client certificate from --cert with the alert {alert}"),
        ),
        TlsFailure::NoApplicationProtocol { offered } => {
            let asked_http1_only = !offered.iter().any(|p| p == "h2");
            finding(
                Cause::AlpnMismatch,
                format!(
                    "{host} refused the TLS handshake with the alert no_application_protocol: it speaks none of the protocols offered in ALPN ({}){}",
                    offered.join(", "),
                    if asked_http1_only {
                        "; an HTTP/2-only listener refuses the HTTP/1.1 connection a browser opens for a WebSocket"
                    } else {
                        ""
                    }
                ),
            )
        }
        TlsFailure::Protocol(e) => {
            finding(Cause::TlsHandshake, format!("TLS handshake failed: {e}"))
        }
        TlsFailure::Io(e) => finding(Cause::TlsHandshake, format!("TLS failed: {e}")),
        TlsFailure::Other(e) => finding(Cause::TlsHandshake, format!("TLS failed: {e}")),
    };
    (finding, evidence)
}

/// A proxy that did not open the tunnel.
pub(crate) fn tunnel(
    failure: &TunnelFailure,
    redactor: &Redactor,
    proxy: &str,
    authority: &str,
) -> (Finding, Common) {
    let mut evidence = Common {
        proxy: Some(proxy.to_string()),
        ..Common::default()
    };
    let finding = match failure {
        TunnelFailure::Refused {
            status,
            headers,
            body,
        } => {
            response_evidence(&mut evidence, redactor, status_line(*status), headers, body);
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
        TunnelFailure::Timeout(t) => finding(
            Cause::ProxyTimeout,
            format!(
                "the proxy {proxy} did not answer CONNECT {authority} within {}",
                humantime::format_duration(*t)
            ),
        ),
        TunnelFailure::Io(e) => finding(
            Cause::ConnectionReset,
            format!("the connection to the proxy {proxy} broke during CONNECT: {e}"),
        ),
        TunnelFailure::Broken(e) => finding(
            Cause::ProxyBroken,
            format!("the proxy {proxy} answered CONNECT {authority} with something that is not usable HTTP: {e}"),
        ),
    };
    (finding, evidence)
}

/// An HTTP exchange that produced no usable response.
pub(crate) fn http(failure: &HttpFailure) -> Finding {
    match failure {
        HttpFailure::Timeout(t) => finding(
            Cause::HttpTimeout,
            format!("no HTTP answer within {}", humantime::format_duration(*t)),
        ),
        HttpFailure::BodyTooLarge => finding(
            Cause::ResponseTooLarge,
            "the response body is larger than 1 MiB, which no health or diagnostics endpoint should send",
        ),
        HttpFailure::BodyCut(e) => finding(
            Cause::ResponseTruncated,
            format!("the server closed the connection before the end of the body it announced: {e}"),
        ),
        HttpFailure::ClosedWithoutAnswer => finding(
            Cause::ConnectionReset,
            "the server closed the connection without answering",
        ),
        HttpFailure::HeadTooLarge => finding(
            Cause::ResponseTooLarge,
            format!(
                "the response head is larger than {} KiB or has more than {} header lines",
                crate::probe::limits::HEAD_LIMIT / 1024,
                crate::probe::limits::HTTP_MAX_HEADERS
            ),
        ),
        HttpFailure::Malformed(e) => finding(
            Cause::ResponseMalformed,
            format!("the answer is not valid HTTP: {e}"),
        ),
        HttpFailure::Io(e) => finding(Cause::ConnectionReset, format!("the exchange broke: {e}")),
        HttpFailure::Http2Answer => finding(
            Cause::AlpnMismatch,
            "the server answered the HTTP/1.1 request with HTTP/2 frames: the listener speaks only HTTP/2 (it agreed on no protocol in ALPN, or ignored the http/1.1 offered)",
        ),
        HttpFailure::StreamReset(code) => finding(
            Cause::H2StreamReset,
            format!(
                "the server reset the request's HTTP/2 stream (RST_STREAM {})",
                h2::error_name(*code)
            ),
        ),
        HttpFailure::GoAway(goaway) => finding(
            Cause::H2Goaway,
            format!(
                "the server closed the HTTP/2 connection with GOAWAY ({}) before the answer was complete",
                goaway.describe()
            ),
        ),
    }
}

/// What the check knows besides the rejected upgrade itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct UpgradeContext {
    /// The target's host name.
    pub(crate) host: String,
    /// The path requested.
    pub(crate) path: String,
    /// `/health` answered normally.
    pub(crate) health_ok: bool,
    /// `/health` answered through an Envoy edge.
    pub(crate) health_via_envoy: bool,
    /// The application advertises this path (in `/health`'s endpoints or the diagnostics).
    pub(crate) path_advertised: bool,
    /// The same upgrade without our Origin header was accepted.
    pub(crate) accepted_without_origin: bool,
}

/// A refused upgrade: which of the many reasons it is.
pub(crate) fn upgrade_refused(
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
        504 | 524
            if !app_headers
                || server.starts_with("awselb")
                || server == "cloudflare"
                || body_text.contains("upstream request timeout") =>
        {
            finding(
                Cause::ProxyUpstreamTimeout,
                format!(
                    "the upgrade of {path} got {code} from a proxy{}: it reached the application, which did not answer in time",
                    if server.is_empty() { String::new() } else { format!(" (server: {server})") }
                ),
            )
        }
        502 | 503 | 520..=527
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
pub(crate) fn open_failure(failure: &OpenFailure, path: &str) -> Finding {
    match failure {
        OpenFailure::InvalidRequest(e) => finding(
            Cause::InvalidRequest,
            format!("the WebSocket request for {path} cannot be built: {e}"),
        ),
        OpenFailure::InvalidHandshake(e) => finding(
            Cause::HandshakeInvalid,
            format!("the server answered the upgrade of {path} with an invalid handshake: {e}"),
        ),
        OpenFailure::NoAnswer => finding(
            Cause::UpgradeUnanswered,
            format!("the server read the upgrade of {path} and closed the connection without answering (browsers report 1006)"),
        ),
        OpenFailure::HeadTooLarge => finding(
            Cause::ResponseTooLarge,
            format!(
                "the answer to the upgrade of {path} has a head larger than {} KiB",
                crate::probe::limits::HEAD_LIMIT / 1024
            ),
        ),
        OpenFailure::Timeout { after, received: 0 } => finding(
            Cause::HandshakeTimeout,
            format!(
                "no answer to the upgrade of {path} within {}",
                humantime::format_duration(*after)
            ),
        ),
        OpenFailure::Timeout { after, received } => finding(
            Cause::HandshakeTimeout,
            format!(
                "the answer to the upgrade of {path} started ({received} bytes) but did not finish within {}: it is trickling in too slowly",
                humantime::format_duration(*after)
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
        OpenFailure::Http2Answer => finding(
            Cause::AlpnMismatch,
            format!("the upgrade of {path} was answered with HTTP/2 frames: the listener speaks only HTTP/2, so the HTTP/1.1 connection a browser opens for a WebSocket fails (browsers report 1006)"),
        ),
        OpenFailure::NoHttp1 { then } => {
            let then = match then.as_ref() {
                OpenFailure::NoAnswer => "was read and the connection closed without an answer".to_string(),
                OpenFailure::Io(e) => format!("broke the connection: {e}"),
                OpenFailure::Timeout { after, .. } => format!(
                    "got no answer within {}",
                    humantime::format_duration(*after)
                ),
                other => format!("failed: {}", open_failure(other, path).message),
            };
            finding(
                Cause::AlpnMismatch,
                format!("the connection offering http/1.1 agreed on no protocol in ALPN, on a server that agrees on h2 when offered it, and the upgrade of {path} {then}: the listener speaks only HTTP/2, so the HTTP/1.1 connection a browser opens for a WebSocket fails (browsers report 1006)"),
            )
        }
        OpenFailure::NotHttp2 { alpn } => {
            let mut found = finding(
                Cause::AlpnMismatch,
                format!(
                    "{path}: offered h2 and http/1.1, the server agreed on {}: it does not speak HTTP/2 here, so there is no HTTP/2 road",
                    alpn.as_deref().map_or_else(|| "no protocol".to_string(), |a| a.to_string())
                ),
            );
            // The opposite of the cause's usual reading (a listener that speaks only HTTP/2).
            found.hint = NO_HTTP2_ROAD.to_string();
            found
        }
        OpenFailure::NoExtendedConnect => finding(
            Cause::ExtendedConnectDisabled,
            format!("{path}: the server speaks HTTP/2 but its SETTINGS do not enable extended CONNECT (SETTINGS_ENABLE_CONNECT_PROTOCOL, RFC 8441), so no browser opens a WebSocket over it"),
        ),
        OpenFailure::StreamReset { code } => finding(
            Cause::H2StreamReset,
            format!(
                "the server reset the extended CONNECT for {path} (RST_STREAM {}) before answering it (browsers report 1006)",
                h2::error_name(*code)
            ),
        ),
        OpenFailure::GoAway(goaway) => finding(
            Cause::H2Goaway,
            format!(
                "the server closed the HTTP/2 connection with GOAWAY ({}) before answering the extended CONNECT for {path} (browsers report 1006)",
                goaway.describe()
            ),
        ),
    }
}

/// How an open socket ended before it did its job.
pub(crate) fn ending(
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
        Ending::InvalidClose { sent: Some(code) } => finding(
            Cause::InvalidCloseCode,
            format!("{path} sent a close frame with code {code} {after}, a code that may never be sent: browsers fail the socket and report 1006"),
        ),
        Ending::InvalidClose { sent: None } => finding(
            Cause::InvalidCloseCode,
            format!("{path} sent a malformed close frame {after} (a one-byte payload): browsers fail the socket and report 1006"),
        ),
        Ending::Violation(e) => finding(
            Cause::ProtocolViolation,
            format!("{path} broke the WebSocket protocol {after}: {e} (browsers fail the socket and report 1006)"),
        ),
        Ending::StillOpen => finding(
            Cause::ClientTimeout,
            format!("{path}: nothing arrived before the client timeout"),
        ),
        Ending::StreamReset(code) => finding(
            Cause::H2StreamReset,
            format!(
                "{path}: the server reset the HTTP/2 stream that carried the socket (RST_STREAM {}) {after}, without a close frame (browsers report 1006)",
                h2::error_name(*code)
            ),
        ),
        Ending::GoAway(goaway) => finding(
            Cause::H2Goaway,
            format!(
                "{path}: the server closed the HTTP/2 connection that carried the socket with GOAWAY ({}) {after}, without a close frame (browsers report 1006)",
                goaway.describe()
            ),
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

/// The cause a close code stands for: one table in the model, shared with `explain`.
pub(crate) use wsdoctor_model::close::cause as close_cause;

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
        let excerpt = excerpt(&Redactor::default(), body.as_bytes());
        assert!(excerpt.len() <= EXCERPT_LIMIT + '…'.len_utf8());
    }

    #[test]
    fn a_secret_straddling_the_cut_is_masked_before_it() {
        let mut body = "x".repeat(EXCERPT_LIMIT - 3);
        body.push_str("secret-session-id and more");
        let r = Redactor::new(["secret-session-id"], true);
        let cut = excerpt(&r, body.as_bytes());
        assert!(!cut.contains("sec"), "{cut}");
    }
}
