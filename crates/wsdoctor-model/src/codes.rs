//! The failure vocabulary: stable codes, fine-grained causes, and the text that explains them.
//!
//! This file is the one source for hints, `wsdoctor explain` and the README's table of codes, so the
//! three can never disagree.

use serde::{Deserialize, Serialize};
use strum::VariantArray;

/// A stable failure code. Scripts match on these, so a rename is a schema change.
///
/// The variants are declared in rank order: the most fundamental cause first (a machine that is
/// offline explains everything after it, a refused upgrade explains a failed terminal), which is the
/// order `codes` sorts by and `explain` lists in.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumString,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    /// This machine has no usable network path.
    Offline,
    /// The HTTP CONNECT proxy refused or failed the tunnel.
    ProxyError,
    /// The socket could not even be created: the URL or a request value is unusable.
    WebsocketCreationFailed,
    /// An https page would open a `ws://` socket, which browsers block.
    MixedContent,
    /// The TLS handshake or certificate verification failed.
    TlsError,
    /// AWS App Runner's edge refused the WebSocket upgrade.
    AwsAppRunnerError,
    /// The HTTP upgrade was answered with something other than 101.
    UpgradeRejected,
    /// The connection could not be made or broke in a way that is not more specific.
    ConnectionFailed,
    /// The session store (Redis) cannot serve sessions, seen from here or by the application.
    SessionStoreError,
    /// The server or the client gave up waiting.
    ConnectionTimeout,
    /// The session does not exist or has expired.
    SessionInvalid,
    /// The server or a proxy in front of it reported an error.
    ServerError,
    /// The connection ended without a close frame (browsers show 1006).
    AbnormalClosure,
    /// A proxy cut a quiet or long-lived socket.
    IdleTimeout,
    /// Every attempt failed with a retryable cause.
    MaxRetriesExceeded,
    /// `/health` says the service is not healthy.
    HealthCheckFailed,
    /// The CORS preflight would block the frontend.
    CorsRejected,
    /// A gate set for CI was not met: a threshold, or a warning under `--fail-on warn`.
    GateFailed,
    /// wsdoctor itself failed (a bug): the check could not finish.
    InternalError,
}

/// Every code, in rank order.
pub const ALL_CODES: &[Code] = Code::VARIANTS;

impl Code {
    /// The code as it appears on the wire (`SESSION_INVALID`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses a code case-insensitively, accepting `-` for `_`.
    pub fn parse(text: &str) -> Option<Code> {
        text.trim()
            .to_ascii_uppercase()
            .replace('-', "_")
            .parse()
            .ok()
    }

    /// Position in the ranking; lower is more fundamental.
    pub fn rank(self) -> usize {
        self as usize
    }

    /// Whether the web client in the reference write-up defines this code.
    pub fn from_web_client(self) -> bool {
        matches!(
            self,
            Code::ConnectionFailed
                | Code::MaxRetriesExceeded
                | Code::Offline
                | Code::MixedContent
                | Code::AwsAppRunnerError
                | Code::SessionInvalid
                | Code::ConnectionTimeout
                | Code::WebsocketCreationFailed
        )
    }

    /// The long explanation `wsdoctor explain CODE` prints.
    pub fn explanation(self) -> Explanation {
        explanation(self)
    }

    /// The causes that map to this code.
    pub fn causes(self) -> Vec<Cause> {
        ALL_CAUSES
            .iter()
            .copied()
            .filter(|c| c.code() == self)
            .collect()
    }
}

/// What `explain` says about one code.
pub struct Explanation {
    /// One line: what the code means.
    pub meaning: &'static str,
    /// What it looks like on the wire.
    pub signatures: &'static [&'static str],
    /// The usual root causes in deployments.
    pub root_causes: &'static [&'static str],
    /// What to do, in order.
    pub actions: &'static [&'static str],
}

fn explanation(code: Code) -> Explanation {
    match code {
        Code::ConnectionFailed => Explanation {
            meaning: "The connection could not be made, or the handshake was malformed, and no more specific code applies.",
            signatures: &[
                "the host name does not resolve (NXDOMAIN)",
                "TCP connection refused (RST to the SYN)",
                "101 Switching Protocols with a wrong Sec-WebSocket-Accept or missing Upgrade/Connection",
                "close 1001/1012/1013: the server is going away or restarting",
                "an HTTP/2-only TLS listener: ALPN refuses http/1.1 (no_application_protocol), or HTTP/2 frames answer an HTTP/1.1 request",
                "GOAWAY on the HTTP/2 connection that carries the socket",
            ],
            root_causes: &[
                "a typo in the host or a DNS record not yet propagated",
                "the service is not listening on that port, or is restarting",
                "a proxy that rewrites the handshake response",
                "an edge configured for HTTP/2 only (ALPN h2 without http/1.1)",
            ],
            actions: &[
                "confirm the name resolves and the port answers from where the users are: `dig +short HOST` and `nc -vz HOST 443` (or `curl -sv https://HOST/health`)",
                "look at the service's deploy status and logs",
            ],
        },
        Code::MaxRetriesExceeded => Explanation {
            meaning: "Every WebSocket attempt failed with a retryable cause. It travels beside the root cause, which leads `codes` and names what actually failed.",
            signatures: &["N attempts, each ending in an abnormal close, a timeout, a proxy 5xx or a going-away close"],
            root_causes: &[
                "a proxy or load balancer that drops upgraded connections",
                "an unhealthy WebSocket target group",
                "a backend crashing on connect",
            ],
            actions: &[
                "read the per-attempt causes in the report (`attempts`)",
                "fix the underlying cause; retries only hide it",
            ],
        },
        Code::Offline => Explanation {
            meaning: "This machine has no usable network path, so nothing about the target can be concluded.",
            signatures: &[
                "ENETUNREACH / ENETDOWN on connect",
                "the resolver is unreachable and no non-loopback interface has a route",
            ],
            root_causes: &["no network, a VPN that is down, a container without network"],
            actions: &["restore connectivity, then run the check again"],
        },
        Code::MixedContent => Explanation {
            meaning: "The frontend origin is https but the socket URL is ws://; browsers refuse to open it.",
            signatures: &["--origin/FRONTEND_URL is https:// and the WebSocket URL is ws:// (or derived from an http:// base)"],
            root_causes: &["the frontend builds the socket URL from a hard-coded ws:// or an http API base"],
            actions: &["derive the socket URL from the page: wss:// when location.protocol is https:"],
        },
        Code::AwsAppRunnerError => Explanation {
            meaning: "AWS App Runner's Envoy edge refused the WebSocket upgrade while plain HTTP works.",
            signatures: &[
                "403 with `server: envoy`, an empty or tiny body and no application headers on the upgrade",
                "a host under awsapprunner.com, or an Envoy fingerprint while /health answers normally",
            ],
            root_causes: &["App Runner does not proxy WebSocket upgrades and caps every request at 120 s"],
            actions: &[
                "host the socket elsewhere: ECS/Fargate behind an ALB, or API Gateway WebSocket APIs",
                "keep App Runner for the plain HTTP API and point the frontend's socket URL at the new host",
            ],
        },
        Code::SessionInvalid => Explanation {
            meaning: "The session does not exist or has expired.",
            signatures: &[
                "close 4000 (\"Invalid session\"), usually after an error message",
                "the session endpoint answers 401, 403 or 404",
            ],
            root_causes: &[
                "the session store (Redis) lost the session or is unreachable (REDIS_URL)",
                "the session expired, or was created against another environment",
            ],
            actions: &[
                "create a fresh session and retry",
                "check the session store connection and the session TTL",
            ],
        },
        Code::SessionStoreError => Explanation {
            meaning: "The session store (Redis) cannot serve sessions: unreachable, refusing the credentials, on the wrong database, not ready or too slow, or the application says it lost it.",
            signatures: &[
                "the store's host does not resolve, or its port refuses or drops the connection",
                "the TLS handshake with a rediss:// store fails",
                "NOAUTH or WRONGPASS to AUTH or to the first command",
                "SELECT refused (DB index out of range), or the session's key found in another database",
                "LOADING, BUSY or MASTERDOWN answers, or a read-only replica (role:slave)",
                "PING round trips slower than --store-slow, or no answer within --connect-timeout",
                "the diagnostics endpoint says sessionStore.connected is false",
            ],
            root_causes: &[
                "a wrong REDIS_URL (host, port, password, database) in the deployment, or here",
                "a store restarting, loading its dataset, or blocked by a slow script",
                "a security group or network path that blocks the store's port",
                "a REDIS_URL that still points at a node demoted to replica after a failover",
            ],
            actions: &[
                "compare the deployment's REDIS_URL with the one given here (the report redacts its credentials)",
                "from the application's network: `redis-cli -u \"$REDIS_URL\" ping`",
                "read the store check's evidence: version, role, memory, eviction policy, round trips, the session's key",
            ],
        },
        Code::ConnectionTimeout => Explanation {
            meaning: "Someone gave up waiting: the client's timeout, the server's validation timeout, or a silent network.",
            signatures: &[
                "SYN unanswered within --connect-timeout",
                "TCP and TLS fine but no HTTP answer to the upgrade",
                "close 1008 with reason \"Connection timeout\" (the server's 30 s validation timeout)",
                "open but no message within the client timeout (25 s): the session validation hang",
                "a 504 from a proxy: the upstream was reached and did not answer in time",
            ],
            root_causes: &[
                "a firewall or security group that drops packets",
                "a slow session lookup (Redis latency)",
                "a proxy that holds the upgrade without forwarding it",
            ],
            actions: &[
                "find which phase stalled in the timings",
                "check the session store latency and the server's connection timeout",
            ],
        },
        Code::WebsocketCreationFailed => Explanation {
            meaning: "The WebSocket could not be created: the URL, path template or a header value is unusable.",
            signatures: &[
                "a socket URL with a fragment, a non-ws scheme, or no host",
                "a path template without {session}, or a header value with control characters",
            ],
            root_causes: &["a malformed configuration value in the frontend or in the check's options"],
            actions: &["fix the URL or value the report names"],
        },
        Code::TlsError => Explanation {
            meaning: "The TLS handshake failed or the certificate could not be verified.",
            signatures: &[
                "certificate signed by an unknown issuer (self-signed, private CA)",
                "certificate expired or not yet valid",
                "certificate not valid for the host name",
                "a handshake alert or protocol error",
            ],
            root_causes: &[
                "a renewal that did not happen, a missing intermediate, a certificate for another name",
            ],
            actions: &[
                "read the dates and names in the evidence",
                "for a private CA pass --cacert; --insecure only to look further",
            ],
        },
        Code::UpgradeRejected => Explanation {
            meaning: "The HTTP upgrade to WebSocket was not accepted (no 101).",
            signatures: &[
                "3xx with a Location (browsers never follow a WebSocket redirect)",
                "200 HTML, 404 \"Cannot GET\", 400 or 426 from the application: the Upgrade header never reached it",
                "401/403 with application headers, or only with the frontend's Origin",
                "101 followed at once by a close without status (no route for that path)",
                "an HTTP/2 extended CONNECT (RFC 8441) answered with a :status other than 200",
                "an HTTP/2 listener without SETTINGS_ENABLE_CONNECT_PROTOCOL where HTTP/1.1 is refused (or --http2 is required)",
            ],
            root_causes: &[
                "a proxy that drops the hop-by-hop Upgrade/Connection headers (nginx without proxy_set_header Upgrade)",
                "a wrong path, or a WebSocket route that is not registered",
                "an Origin allow list that lacks the frontend",
                "an HTTP/2 edge without extended CONNECT, or one that announces it and does not route it",
            ],
            actions: &[
                "configure the proxy to forward Upgrade and Connection",
                "check the socket path and the server's Origin allow list",
            ],
        },
        Code::AbnormalClosure => Explanation {
            meaning: "The connection ended without a valid close frame: what browsers report as 1006.",
            signatures: &[
                "TCP FIN or RST after the 101, with no WebSocket close frame",
                "a close frame with a code that may not be sent (1005, 1006, 1015, <1000, >4999)",
                "a protocol violation: invalid UTF-8, a masked server frame, reserved bits",
                "RST_STREAM on the HTTP/2 stream that carries the socket",
            ],
            root_causes: &[
                "the server process crashed or was killed",
                "a proxy or load balancer cut the connection",
            ],
            actions: &[
                "look at the server's logs at the time of the cut",
                "run with --attempts to see whether it is transient",
            ],
        },
        Code::ServerError => Explanation {
            meaning: "The server, or a proxy in front of it, reported an error.",
            signatures: &[
                "close 1011 or >= 4500",
                "5xx from the application",
                "502/503/504 from a proxy (awselb/2.0, cloudflare 52x, envoy \"upstream connect error\")",
                "the echo endpoint answered something other than the echo",
            ],
            root_causes: &["an exception in the handler, a proxy with no healthy upstream"],
            actions: &["read the server's last message in the evidence, then its logs"],
        },
        Code::HealthCheckFailed => Explanation {
            meaning: "The health endpoint says the service, or its WebSocket support, is not healthy.",
            signatures: &[
                "/health not 200",
                "status not \"ok\", or websocket not \"available\"",
                "a body that is not JSON",
            ],
            root_causes: &["a dependency down (Redis), a failed deploy, the WebSocket server not attached to the HTTP server"],
            actions: &["read the health body in the evidence; fix the dependency it names"],
        },
        Code::IdleTimeout => Explanation {
            meaning: "A proxy or platform cut a quiet or long-lived socket.",
            signatures: &["a silent socket dies after T while a pinging one lives (idle cut)", "every socket dies at the same T (lifetime cap)"],
            root_causes: &[
                "nginx/ALB 60 s, Heroku 55 s, Cloudflare ~100 s idle timeouts",
                "App Runner's 120 s request cap",
            ],
            actions: &["send application-level heartbeats more often than T, or raise the proxy's idle timeout"],
        },
        Code::ProxyError => Explanation {
            meaning: "The HTTP CONNECT proxy between this machine and the target refused or failed the tunnel.",
            signatures: &[
                "407 Proxy Authentication Required to the CONNECT",
                "403 from the proxy: the destination or port is not allowed",
                "502/503/504 from the proxy: it could not reach the target",
            ],
            root_causes: &[
                "missing or wrong credentials in HTTPS_PROXY / --proxy",
                "a proxy policy that blocks the host or port",
                "a target that should bypass the proxy (NO_PROXY)",
            ],
            actions: &[
                "check the proxy URL and credentials (http://user:pass@proxy:3128)",
                "add the host to NO_PROXY, or use --no-proxy, when it must be reached directly",
            ],
        },
        Code::InternalError => Explanation {
            meaning: "wsdoctor itself failed or refused to run a check; nothing is known about the target from that check.",
            signatures: &[
                "a check ended with an internal error instead of a result",
                "the browser check could not start or drive Chromium (browser_unavailable)",
                "the exporter would not connect to a non-public address (address_denied)",
            ],
            root_causes: &[
                "a bug in wsdoctor",
                "a Chromium that crashes or hangs on this machine (no /dev/shm, a missing library, a sandbox the kernel refuses)",
                "a URL target whose name resolves to a loopback, private or link-local address, refused by [serve] deny_private",
            ],
            actions: &[
                "rerun with --verbose and report the output with the version (wsdoctor --version)",
                "for address_denied: name an internal target in the config file, or set [serve] deny_private = false on purpose",
            ],
        },
        Code::GateFailed => Explanation {
            meaning: "A gate set for CI was not met: a threshold (certificate days, echo round trip, time to the first message, attempts) or a warning under --fail-on warn.",
            signatures: &[
                "the measured value beside the limit: \"certificate valid 9 days, --min-cert-days 14\"",
                "a warning (Origin not enforced, --insecure, a shortened hold) turned into a failure by --fail-on warn",
            ],
            root_causes: &[
                "a certificate whose renewal is late, a slow path to the echo endpoint, a backend slow to greet",
                "a warning the team decided must not ship",
            ],
            actions: &[
                "fix what the measurement shows, or adjust the threshold where the team keeps its gates (wsdoctor.toml)",
            ],
        },
        Code::CorsRejected => Explanation {
            meaning: "The CORS preflight from the frontend origin would be refused by a browser.",
            signatures: &[
                "no Access-Control-Allow-Origin for the origin",
                "credentials not allowed",
                "Allow-Headers missing the WebSocket headers the platform documents",
            ],
            root_causes: &["FRONTEND_URL missing from the CORS origins, an outdated allowedHeaders list"],
            actions: &["add the frontend origin and the headers to the CORS configuration"],
        },
    }
}

/// A fine-grained cause. Each maps to exactly one [`Code`].
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Cause {
    /// The name does not resolve.
    DnsNotFound,
    /// The resolver failed for another reason.
    DnsFailed,
    /// No network path from this machine.
    Offline,
    /// The port refused the connection.
    TcpRefused,
    /// The SYN was not answered in time.
    TcpTimeout,
    /// The host is unreachable.
    TcpUnreachable,
    /// The connection was reset or broke during a request.
    ConnectionReset,
    /// The certificate's issuer is not trusted.
    TlsUnknownIssuer,
    /// The certificate has expired.
    TlsExpired,
    /// The certificate is not valid yet.
    TlsNotYetValid,
    /// The certificate does not cover the host name.
    TlsNameMismatch,
    /// Another handshake failure: an alert or a protocol error.
    TlsHandshake,
    /// The TLS handshake did not finish in time.
    TlsTimeout,
    /// The server demands a client certificate (mutual TLS) and none was given.
    TlsClientCertRequired,
    /// The server refused the client certificate that was given.
    TlsClientCertRejected,
    /// An HTTP request got no answer in time.
    HttpTimeout,
    /// The upgrade was answered with a redirect.
    UpgradeRedirected,
    /// The upgrade reached the application as a plain GET.
    UpgradeNotForwarded,
    /// The application has no WebSocket route at that path.
    UpgradeWrongPath,
    /// The application refused the upgrade (401/403).
    UpgradeForbidden,
    /// The upgrade is refused for the sent Origin but accepted without it.
    OriginRejected,
    /// AWS App Runner's edge refused the upgrade.
    AppRunnerUpgradeBlocked,
    /// A proxy had no healthy upstream (502/503/504).
    ProxyNoUpstream,
    /// The 101 response is not a valid WebSocket handshake.
    HandshakeInvalid,
    /// No answer to the upgrade in time.
    HandshakeTimeout,
    /// The socket URL is unusable.
    InvalidUrl,
    /// A request value (header, subprotocol) is unusable.
    InvalidRequest,
    /// https page, ws:// socket.
    MixedContent,
    /// The connection ended with no close frame.
    AbnormalClose,
    /// A silent socket was cut.
    IdleCut,
    /// Every socket was cut at the same age.
    LifetimeCut,
    /// 101 then a close without status: no route for the path.
    NoRouteAfterOpen,
    /// The server read the upgrade and closed the connection without answering.
    UpgradeUnanswered,
    /// A proxy reached the upstream, which did not answer in time (504).
    ProxyUpstreamTimeout,
    /// The server closed the connection in the middle of its answer.
    ResponseTruncated,
    /// The answer's head is larger than any real server sends.
    ResponseTooLarge,
    /// The server sent a close code that may never appear on the wire (browsers show 1006).
    InvalidCloseCode,
    /// The server broke the WebSocket protocol (bad UTF-8, masked frames, reserved bits…).
    ProtocolViolation,
    /// The answer is not HTTP at all.
    ResponseMalformed,
    /// The proxy's answer to CONNECT is not usable HTTP.
    ProxyBroken,
    /// Close 1001/1012/1013.
    ServerGoingAway,
    /// Close 4000 or the session endpoint says not found.
    SessionInvalid,
    /// Close 1008: the server's validation timeout.
    ServerTimeout,
    /// The client's own timeout expired.
    ClientTimeout,
    /// Close 1011/≥4500 or a 5xx from the application.
    ServerError,
    /// The echo endpoint answered something other than the echo.
    EchoMismatch,
    /// `--expect` was not matched before the timeout.
    ExpectNotMet,
    /// Every attempt failed with a retryable cause.
    RetriesExhausted,
    /// `/health` answered with a non-200 status.
    HealthStatus,
    /// `/health` says the service or its WebSocket is degraded.
    HealthDegraded,
    /// `/health` did not answer JSON.
    HealthInvalid,
    /// The preflight did not allow the origin.
    CorsOriginNotAllowed,
    /// The preflight did not allow credentials or the WebSocket headers.
    CorsIncomplete,
    /// The certificate has fewer days left than `--min-cert-days`.
    CertDaysBelowMinimum,
    /// The echo round trip is above `--max-echo-rtt`.
    EchoRttAboveMaximum,
    /// The terminal's first message came later than `--max-first-message`.
    FirstMessageAboveMaximum,
    /// The socket needed more attempts than `--max-attempts`.
    AttemptsAboveMaximum,
    /// A warning without a code of its own, failed by `--fail-on warn`.
    WarningNotAllowed,
    /// The proxy wants credentials (407).
    ProxyAuthRequired,
    /// The proxy refused the tunnel (403 and other refusals).
    ProxyRefused,
    /// The proxy could not reach the target (502/503/504).
    ProxyUpstreamFailed,
    /// The proxy did not answer the CONNECT in time.
    ProxyTimeout,
    /// The session store cannot be reached (name, connection refused or dropped).
    StoreUnreachable,
    /// TLS with the session store failed.
    StoreTls,
    /// The session store refused the credentials (NOAUTH, WRONGPASS).
    StoreAuthRefused,
    /// The database in the store URL does not exist, or the session lives in another one.
    StoreWrongDatabase,
    /// The store is loading, busy, without its master, or a read-only replica.
    StoreNotReady,
    /// The store's round trips exceed the threshold, or it does not answer in time.
    StoreSlow,
    /// The application says its session store is disconnected.
    StoreDisconnected,
    /// The session's key is not in the store: never created, or expired.
    SessionExpiredOrNeverCreated,
    /// The session's key expires before the session's expected use is over.
    SessionExpiring,
    /// The TLS listener and the road disagree on the application protocol (ALPN): an HTTP/2-only
    /// listener refused HTTP/1.1, or answered it in HTTP/2; or `--http2` met a server without h2.
    AlpnMismatch,
    /// The HTTP/2 server does not announce `SETTINGS_ENABLE_CONNECT_PROTOCOL` (RFC 8441), so no
    /// browser opens a WebSocket over it.
    ExtendedConnectDisabled,
    /// The extended CONNECT was answered with a `:status` other than 200.
    H2ConnectRefused,
    /// The server reset the HTTP/2 stream that carries the socket (RST_STREAM).
    H2StreamReset,
    /// The server closed the HTTP/2 connection with GOAWAY.
    H2Goaway,
    /// The check panicked: a bug in wsdoctor.
    InternalError,
    /// The browser check could not start or drive Chromium, so the browser said nothing.
    BrowserUnavailable,
    /// Not connected: the address is not public and the probe may only reach public ones (the
    /// exporter's `deny_private` for URL targets).
    AddressDenied,
}

/// Every cause, for `explain` and for tests that walk the vocabulary.
pub const ALL_CAUSES: &[Cause] = Cause::VARIANTS;

impl Cause {
    /// The cause's stable snake_case id.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The code this cause belongs to.
    pub fn code(self) -> Code {
        self.info().0
    }

    /// Whether a WebSocket attempt that failed this way is worth repeating.
    ///
    /// Only transient conditions qualify: repeating a 4000, a 403, a missing name or a bad
    /// certificate cannot change the answer and would only delay the report.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            Cause::AbnormalClose
                | Cause::ConnectionReset
                | Cause::TcpTimeout
                | Cause::TlsTimeout
                | Cause::HttpTimeout
                | Cause::HandshakeTimeout
                | Cause::ClientTimeout
                | Cause::ServerTimeout
                | Cause::ProxyNoUpstream
                | Cause::ServerGoingAway
                | Cause::ProxyTimeout
                | Cause::UpgradeUnanswered
                | Cause::ProxyUpstreamTimeout
                | Cause::H2StreamReset
                | Cause::H2Goaway
        )
    }

    /// The generic next action for this cause; the diagnosis adds
    /// platform context.
    pub fn hint(self) -> &'static str {
        self.info().1
    }

    fn info(self) -> (Code, &'static str) {
        use Code as C;
        match self {
            Cause::DnsNotFound => (C::ConnectionFailed, "The name does not resolve: check the host for typos and that its DNS record exists (dig +short HOST)."),
            Cause::DnsFailed => (C::ConnectionFailed, "The resolver failed: check /etc/resolv.conf and the resolver's reachability, or pin the address with --resolve."),
            Cause::Offline => (C::Offline, "This machine has no network path: restore connectivity (interface, VPN, container network) and run again."),
            Cause::TcpRefused => (C::ConnectionFailed, "Nothing listens on that port: check the service is running and the port in the URL."),
            Cause::TcpTimeout => (C::ConnectionTimeout, "The SYN went unanswered: a firewall or security group drops the traffic, or the host is down."),
            Cause::TcpUnreachable => (C::ConnectionFailed, "No route to the host: check the address and the network path to it."),
            Cause::ConnectionReset => (C::ConnectionFailed, "The connection was reset mid-request: look for a proxy or a crashing process on the server side."),
            Cause::TlsUnknownIssuer => (C::TlsError, "The certificate's issuer is not trusted: install the full chain on the server, or pass the private CA with --cacert."),
            Cause::TlsExpired => (C::TlsError, "The certificate has expired: renew it and reload the server or load balancer that serves it."),
            Cause::TlsNotYetValid => (C::TlsError, "The certificate is not valid yet: check the clock on this machine and the certificate's start date."),
            Cause::TlsNameMismatch => (C::TlsError, "The certificate does not cover this host name: serve a certificate whose SAN includes it."),
            Cause::TlsHandshake => (C::TlsError, "The TLS handshake failed: check the server's TLS versions and ciphers, or whether the port speaks TLS at all."),
            Cause::TlsClientCertRequired => (C::TlsError, "The server demands a client certificate (mutual TLS): pass one with --cert FILE (and --key FILE when the key is separate)."),
            Cause::TlsClientCertRejected => (C::TlsError, "The server refused the client certificate: check that it is issued by a CA the server trusts, is not expired, and is meant for client authentication."),
            Cause::TlsTimeout => (C::ConnectionTimeout, "The TLS handshake stalled: the port may not speak TLS, or a middlebox holds the connection."),
            Cause::HttpTimeout => (C::ConnectionTimeout, "The server accepted the connection but did not answer in time: check its event loop and upstream dependencies."),
            Cause::UpgradeRedirected => (C::UpgradeRejected, "Browsers never follow a WebSocket redirect: point the frontend at the Location URL directly."),
            Cause::UpgradeNotForwarded => (C::UpgradeRejected, "The upgrade reached the application as a plain GET: make the proxy forward Upgrade and Connection (nginx: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\")."),
            Cause::UpgradeWrongPath => (C::UpgradeRejected, "No WebSocket route at this path: check the socket path and that the WebSocket server is attached to the HTTP server."),
            Cause::UpgradeForbidden => (C::UpgradeRejected, "The application refused the upgrade: check its authentication and Origin rules for WebSocket routes."),
            Cause::OriginRejected => (C::UpgradeRejected, "The server refuses this Origin: add the frontend origin to its WebSocket/CORS allow list (FRONTEND_URL)."),
            Cause::AppRunnerUpgradeBlocked => (C::AwsAppRunnerError, "AWS App Runner does not carry WebSocket upgrades (and caps requests at 120 s): host the socket on ECS/Fargate behind an ALB or on API Gateway WebSocket APIs, and keep App Runner for plain HTTP."),
            Cause::ProxyNoUpstream => (C::ServerError, "The proxy has no healthy upstream for this route: check the target group's health checks and that the WebSocket service is running."),
            Cause::HandshakeInvalid => (C::ConnectionFailed, "The 101 answer is not a valid WebSocket handshake: a proxy is rewriting it; check Sec-WebSocket-Accept and the Upgrade/Connection headers."),
            Cause::HandshakeTimeout => (C::ConnectionTimeout, "TCP/TLS worked but the upgrade got no answer: a proxy is holding it, or the server's upgrade handler hangs."),
            Cause::InvalidUrl => (C::WebsocketCreationFailed, "Fix the socket URL: ws:// or wss://, a host, no fragment; a path template must contain {session}."),
            Cause::InvalidRequest => (C::WebsocketCreationFailed, "A header or subprotocol value cannot be sent: remove control characters and check the name."),
            Cause::MixedContent => (C::MixedContent, "An https page cannot open ws://: build the socket URL as wss:// (e.g. from location.protocol)."),
            Cause::AbnormalClose => (C::AbnormalClosure, "The connection ended without a close frame (1006): look for a crash in the server's logs or a proxy cutting the socket."),
            Cause::IdleCut => (C::IdleTimeout, "A quiet socket is cut: send heartbeats more often than the idle timeout, or raise it on the proxy."),
            Cause::LifetimeCut => (C::IdleTimeout, "Every socket dies at the same age: a platform caps connection lifetime; reconnect before it or move the socket."),
            Cause::NoRouteAfterOpen => (C::UpgradeRejected, "The server accepted the upgrade and closed at once: no WebSocket handler is registered for this path (express-ws answers every path)."),
            Cause::ServerGoingAway => (C::ConnectionFailed, "The server is going away or restarting: retry after the deploy, and check for crash loops."),
            Cause::SessionInvalid => (C::SessionInvalid, "The session is unknown or expired: create a new one, and check the session store (REDIS_URL) and its TTL."),
            Cause::ServerTimeout => (C::ConnectionTimeout, "The server closed with 1008 \"Connection timeout\": its session validation took too long; check the session store's latency."),
            Cause::ClientTimeout => (C::ConnectionTimeout, "Nothing arrived before the client timeout: check the server logs for this connection; raise --timeout only if the server is known to be slow."),
            Cause::ServerError => (C::ServerError, "The server reported an error: its last message is in the evidence; read its logs for that time."),
            Cause::EchoMismatch => (C::ServerError, "The echo endpoint did not echo the message: check the /ws-test handler and any proxy that rewrites frames."),
            Cause::ExpectNotMet => (C::ConnectionTimeout, "No message matched --expect before the timeout: check the terminal's output in the evidence."),
            Cause::RetriesExhausted => (C::MaxRetriesExceeded, "Every attempt failed: fix the underlying cause shown with the last attempt."),
            Cause::HealthStatus => (C::HealthCheckFailed, "The health endpoint did not answer 200: check the deploy and the service's logs."),
            Cause::HealthDegraded => (C::HealthCheckFailed, "The service reports itself degraded: fix the dependency the health body names (often Redis)."),
            Cause::HealthInvalid => (C::HealthCheckFailed, "The health endpoint did not answer JSON: check --health-path and that the request reaches the application."),
            Cause::CorsOriginNotAllowed => (C::CorsRejected, "Add the frontend origin to the server's CORS origins (FRONTEND_URL)."),
            Cause::ProxyAuthRequired => (C::ProxyError, "The proxy wants credentials: put them in the proxy URL (http://user:pass@proxy:port) or fix the ones there."),
            Cause::ProxyRefused => (C::ProxyError, "The proxy refuses this destination: ask for the host and port to be allowed, or bypass it with NO_PROXY / --no-proxy."),
            Cause::ProxyUpstreamFailed => (C::ProxyError, "The proxy could not reach the target: check the target from the proxy's network, or whether it should be reached directly (NO_PROXY)."),
            Cause::ProxyTimeout => (C::ProxyError, "The proxy did not answer the CONNECT: check the proxy address and that it is up."),
            Cause::UpgradeUnanswered => (C::ConnectionFailed, "The server (or a proxy) read the upgrade and hung up without a word: look for a crash or a proxy that drops upgrade requests; browsers show 1006."),
            Cause::ProxyUpstreamTimeout => (C::ConnectionTimeout, "The proxy reached the application but gave up waiting for its answer (504): check the application's response time and the proxy's upstream timeout."),
            Cause::ResponseTruncated => (C::ConnectionFailed, "The answer was cut off before its announced end: the server or a proxy closed the connection mid-response; look for a crash or a buffer limit."),
            Cause::ResponseTooLarge => (C::ServerError, "The answer's head is far larger than any real server sends: look for a proxy or application looping on headers."),
            Cause::InvalidCloseCode => (C::AbnormalClosure, "The server closed with a code that may never be sent (1005, 1006, 1015, <1000, >4999): browsers fail the socket and show 1006; send a valid code (1000, 1008, 4000…)."),
            Cause::ProtocolViolation => (C::AbnormalClosure, "The server broke the WebSocket protocol (invalid UTF-8 in a text frame, a masked frame, reserved bits, a bad fragment): browsers fail the socket with 1006; fix the server's WebSocket library or a proxy that rewrites frames."),
            Cause::ResponseMalformed => (C::ConnectionFailed, "The answer is not HTTP: check that the port serves HTTP (not another protocol, not TLS on a plain port) and that no middlebox rewrites it."),
            Cause::ProxyBroken => (C::ProxyError, "The proxy's answer to CONNECT is not usable HTTP (garbage, or a head without end): check that the proxy address points at an HTTP proxy."),
            Cause::StoreUnreachable => (C::SessionStoreError, "The session store cannot be reached from here: check the host and port in REDIS_URL, that the store is running, and that it accepts connections from this network (security group, firewall, VPC)."),
            Cause::StoreTls => (C::SessionStoreError, "TLS with the session store failed: a rediss:// URL needs a store that speaks TLS with a certificate this machine trusts (--cacert for a private CA); a store without TLS needs redis://."),
            Cause::StoreAuthRefused => (C::SessionStoreError, "The session store refused the credentials (NOAUTH/WRONGPASS): put the right password, or ACL user and password, in the user-info of REDIS_URL (the part before the @)."),
            Cause::StoreWrongDatabase => (C::SessionStoreError, "The database in REDIS_URL is wrong: it does not exist, or the sessions live in another one; use the database the application writes to (the path of redis://host:6379/N)."),
            Cause::StoreNotReady => (C::SessionStoreError, "The session store cannot serve now: it is loading its dataset, blocked by a script (BUSY), without its master, or a read-only replica; wait for it, or point REDIS_URL at the primary."),
            Cause::StoreSlow => (C::SessionStoreError, "The session store answers slowly, so every session lookup waits as long: look for slow commands (SLOWLOG GET), memory pressure, or a long network path to the store."),
            Cause::StoreDisconnected => (C::SessionStoreError, "The application says its session store is disconnected: check the deployment's REDIS_URL, the network path from the application to the store, and the credentials."),
            Cause::SessionExpiredOrNeverCreated => (C::SessionInvalid, "The session's key is not in the store: the session was never created or has expired; create a new one, and check the session TTL and the store's eviction policy."),
            Cause::SessionExpiring => (C::SessionInvalid, "The session's key expires soon: users are logged out mid-use; extend its TTL on activity (EXPIRE) or lengthen it."),
            Cause::BrowserUnavailable => (C::InternalError, "Chromium could not be started or driven, so nothing is known from the browser (the other checks stand): read its own words in the evidence; check --browser-path, that `chromium --headless --dump-dom about:blank` works here, and in a container that /dev/shm is not tiny."),
            Cause::AddressDenied => (C::InternalError, "wsdoctor refused to connect: the name resolved to a loopback, private, link-local or otherwise non-public address, and this exporter probes URL targets on public addresses only ([serve] deny_private). Nothing is known about the target. If the target is meant to be internal, name it as a [[targets]] entry (trusted), or set deny_private = false knowing that anyone who controls DNS under an allowed pattern can then reach internal services."),
            Cause::InternalError => (C::InternalError, "This is a bug in wsdoctor, not in the deployment: please report it with the --verbose output."),
            Cause::CertDaysBelowMinimum => (C::GateFailed, "The certificate expires sooner than the gate allows: renew it now (or check that automatic renewal runs)."),
            Cause::EchoRttAboveMaximum => (C::GateFailed, "The echo round trip is above the gate: look at the path (region, proxy, TLS termination) and the server's load."),
            Cause::FirstMessageAboveMaximum => (C::GateFailed, "The terminal greets later than the gate allows: look at the session lookup (the store's latency) and the container start."),
            Cause::AttemptsAboveMaximum => (C::GateFailed, "The socket needed more attempts than the gate allows: the first attempts fail intermittently (see the attempts)."),
            Cause::WarningNotAllowed => (C::GateFailed, "A warning fails the run under --fail-on warn: fix what it says, or drop the gate."),
            Cause::AlpnMismatch => (C::ConnectionFailed, "The listener speaks only HTTP/2 (ALPN h2) and refuses the HTTP/1.1 connection a browser opens for a WebSocket when it holds no HTTP/2 connection to the origin: offer http/1.1 beside h2 on the edge (ALPN h2,http/1.1). Under --http2 the server did not agree to h2 at all: check that the edge serves HTTP/2."),
            Cause::ExtendedConnectDisabled => (C::UpgradeRejected, "The HTTP/2 listener does not announce SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441), so browsers never open a WebSocket over it: enable extended CONNECT on the edge (Envoy: http2_protocol_options allow_connect: true and a websocket upgrade_config; HAProxy: remove h2-workaround-bogus-websocket-clients; Node: http2 settings enableConnectProtocol; hyper: enable_connect_protocol), or serve HTTP/1.1 beside it (ALPN h2,http/1.1)."),
            Cause::H2ConnectRefused => (C::UpgradeRejected, "The extended CONNECT was refused (its :status, headers and body are in the evidence) while the server announces it: route WebSockets over HTTP/2 on the edge and the application (Envoy: upgrade_configs websocket on the route), or stop announcing extended CONNECT so browsers use HTTP/1.1."),
            Cause::H2StreamReset => (C::AbnormalClosure, "The server or an edge reset the HTTP/2 stream that carries the socket (RST_STREAM, its code in the evidence): browsers report 1006; look at the edge's stream timeouts and limits and at the server's logs for that stream."),
            Cause::H2Goaway => (C::ConnectionFailed, "The server closed the HTTP/2 connection with GOAWAY (its code in the evidence): NO_ERROR is a graceful shutdown (a deploy, a connection's request or age limit), any other code a protocol error; check the edge's connection limits and logs."),
            Cause::CorsIncomplete => (C::CorsRejected, "Allow credentials and the headers Upgrade, Connection, Sec-WebSocket-Key, Sec-WebSocket-Version, Sec-WebSocket-Extensions in the CORS configuration."),
        }
    }
}

/// The README's table of codes, generated so it cannot drift from the code.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | meaning | causes |\n|---|---|---|\n");
    for &code in ALL_CODES {
        let causes: Vec<String> = code
            .causes()
            .iter()
            .map(|c| format!("`{}`", c.as_str()))
            .collect();
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            code,
            code.explanation().meaning,
            causes.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_cause_and_round_trips() {
        for &code in ALL_CODES {
            assert!(!code.causes().is_empty(), "{code} has no cause");
            assert_eq!(Code::parse(code.as_str()), Some(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn cause_ids_match_serde_names() {
        for &cause in ALL_CAUSES {
            let json = serde_json::to_string(&cause).unwrap();
            assert_eq!(json, format!("\"{}\"", cause.as_str()));
        }
    }

    #[test]
    fn never_retry_what_cannot_change() {
        for cause in [
            Cause::SessionInvalid,
            Cause::UpgradeForbidden,
            Cause::DnsNotFound,
            Cause::TlsExpired,
            Cause::InvalidUrl,
        ] {
            assert!(!cause.retryable(), "{cause} must not be retried");
        }
        assert!(Cause::AbnormalClose.retryable());
    }
}
