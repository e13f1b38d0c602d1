//! The named faults the lab can inject, their textual names and their catalog.
//!
//! A fault name is what a user types (`wsdoctor lab --fault idle-cut:2s`) and what tests pin, so
//! parsing and printing round-trip exactly and the catalog is the single list both are checked against.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;
use strum::{EnumMessage, EnumProperty, IntoEnumIterator};

/// Default cut-off for `idle-cut` and `lifetime-cut` when no duration is given: short enough for a
/// demo, long enough that a handshake and a message exchange fit before the cut.
const DEFAULT_CUT: Duration = Duration::from_secs(5);

/// Default hang for `policy-timeout`: well under any client timeout, so the server's 1008 arrives first.
const DEFAULT_POLICY_TIMEOUT: Duration = Duration::from_millis(300);

/// Default days left on the `tls-expiring` certificate: inside any sensible renewal warning window.
const DEFAULT_EXPIRING_DAYS: u32 = 3;

/// The most days `tls-expiring` accepts: ten years, far beyond any warning threshold.
const MAX_EXPIRING_DAYS: u32 = 3650;

/// How long after the greeting `greet-then-close` and `greet-then-drop` act.
const DEFAULT_GREET_DELAY: Duration = Duration::from_millis(100);

/// The subprotocol `subprotocol` selects when none is named.
const DEFAULT_SUBPROTOCOL: &str = "chat";

/// The pause between the bytes of `trickle-101`'s 101.
const DEFAULT_TRICKLE: Duration = Duration::from_millis(2);

/// The longest duration a fault accepts: its timers must never overflow.
const MAX_FAULT_DURATION: Duration = Duration::from_secs(86_400);

/// A named, reproducible failure of a WebSocket deployment, played on the wire by the lab.
///
/// Each variant mirrors a failure seen in real deployments (an edge that refuses upgrades, a proxy idle
/// timeout, a certificate problem...), so the doctor can be tested against the very signature it must
/// diagnose. The declaration is the one list of faults: names, summaries and argument placeholders
/// are attributes here, and `--list-faults`, parsing and printing all read them. Variants are
/// grouped by where the failure sits (edge, application, socket, session, transport), so the list
/// reads like the troubleshooting checklist.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    strum::IntoStaticStr,
    strum::EnumIter,
    strum::EnumMessage,
    strum::EnumProperty,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Fault {
    // Edges and proxies in front of the application.
    /// An Envoy edge (AWS App Runner) that serves HTTP but answers every upgrade with a bare 403.
    #[strum(
        message = "Envoy edge (AWS App Runner): HTTP works, every upgrade gets a bare 403 from server: envoy"
    )]
    AppRunner,
    /// A proxy that drops the hop-by-hop `Upgrade`/`Connection` headers, so the app sees a plain GET.
    #[strum(
        message = "proxy drops Upgrade/Connection headers: the app answers the upgrade as a plain GET (404)"
    )]
    StripUpgrade,
    /// A load balancer (AWS ALB) answers upgrades with 502 Bad Gateway: no healthy upstream.
    #[strum(
        serialize = "proxy-502",
        message = "load balancer (awselb/2.0) answers upgrades with 502 Bad Gateway"
    )]
    Proxy502,
    /// Upgrade requests are redirected to the https URL (browsers never follow that for a socket).
    #[strum(message = "upgrade requests are redirected (301) to the https URL")]
    Redirect,
    /// A proxy idle timeout: the connection is reset after this long without a frame either way.
    #[strum(
        message = "proxy idle timeout: sockets are reset after DUR without a frame (default 5s), no server pings",
        props(arg = "DUR")
    )]
    IdleCut(Duration),
    /// A proxy request cap: every socket is reset this long after it opened, whatever the traffic.
    #[strum(
        message = "proxy request cap: every socket is reset DUR after it opened (default 5s)",
        props(arg = "DUR")
    )]
    LifetimeCut(Duration),
    // The application refusing or mishandling the upgrade.
    /// The application itself refuses WebSocket upgrades with a JSON 403.
    #[strum(
        serialize = "edge-403",
        message = "the application refuses every WebSocket upgrade with a JSON 403"
    )]
    Edge403,
    /// The application refuses upgrades from origins outside its allow list, on every path.
    #[strum(message = "upgrades from an Origin outside the allow list get 403, on every path")]
    OriginCheck,
    /// Upgrades from an Origin outside the allow list are accepted, then closed at once, on every
    /// path: express-ws behind the `cors` middleware refuses that way instead of with a 403.
    #[strum(
        message = "upgrades from an Origin outside the allow list get a 101, then an empty close frame (1005) at once, on every path"
    )]
    OriginClose,
    /// Upgrades from an Origin outside the allow list are accepted and then refused by a close
    /// that never arrives, on every path: nothing is sent, nothing answered, nothing closed, as
    /// through an HTTP/2 edge that loses the server's immediate close.
    #[strum(
        message = "upgrades from an Origin outside the allow list get a 101, then nothing: no greeting, no answer, and the refusal's close never arrives, on every path"
    )]
    OriginSilent,
    /// The terminal accepts upgrades from any Origin: a cross-site WebSocket hijacking risk.
    #[strum(
        message = "the terminal accepts upgrades from any Origin (cross-site WebSocket hijacking risk)"
    )]
    OriginAny,
    /// Upgrade requests are read and never answered.
    #[strum(message = "upgrade requests are read and never answered")]
    HandshakeHang,
    /// A 101 response whose `Sec-WebSocket-Accept` does not match the key.
    #[strum(message = "101 response with a wrong Sec-WebSocket-Accept")]
    BadAccept,
    /// express-ws style: every path upgrades, then closes at once with an empty close frame (1005).
    #[strum(message = "every path upgrades, then closes at once with an empty close frame (1005)")]
    NoRoute,
    /// The upgrade request is read and the connection closed without a word.
    #[strum(
        message = "upgrade requests are read, then the connection is closed without an answer"
    )]
    UpgradeClose,
    /// An HTTP/1.0 server that knows nothing of WebSockets answers the upgrade with a 404.
    #[strum(
        serialize = "http10-refusal",
        message = "upgrades get an HTTP/1.0 404 from a server that knows nothing of WebSockets"
    )]
    Http10Refusal,
    /// A load balancer reached the application, which did not answer in time: 504.
    #[strum(
        serialize = "proxy-504",
        message = "load balancer (awselb/2.0) answers upgrades with 504 Gateway Timeout"
    )]
    Proxy504,
    /// The valid 101 arrives one byte at a time, this long apart.
    #[strum(
        serialize = "trickle-101",
        message = "the 101 is valid but trickles in one byte every DUR (default 2ms); then the socket works",
        props(arg = "DUR")
    )]
    Trickle101(Duration),
    /// Offers this subprotocol in every 101, whatever the client asked for.
    #[strum(
        message = "every 101 selects the subprotocol NAME (default chat), whether or not the client offered it",
        props(arg = "NAME")
    )]
    Subprotocol(String),
    /// Every answer carries headers without end (a head far beyond any limit).
    #[strum(message = "every answer's head grows without end (header after header)")]
    HugeHead,
    /// `/health` announces 100 bytes, sends 10 and closes.
    #[strum(message = "/health announces Content-Length 100, sends 10 bytes and closes")]
    TruncatedBody,
    // Sockets that open and then fail.
    /// The socket opens, then the TCP connection is reset without a close frame.
    #[strum(message = "the socket opens, then TCP is reset without a close frame (1006)")]
    DropAfterOpen,
    /// The first N upgrade attempts per route open and are reset; later attempts work.
    #[strum(
        message = "the first N upgrade attempts per route open and are reset (default 1), later ones work",
        props(arg = "N")
    )]
    Flaky(u32),
    /// The first N upgrade attempts per route are read and never answered; later attempts work:
    /// the intermittent hang, told apart from `handshake-hang` only by trying again.
    #[strum(
        message = "the first N upgrade attempts per route are read and never answered (default 1), later ones work",
        props(arg = "N")
    )]
    FlakyHang(u32),
    /// The server closes each socket with 1001 "Server restarting" right after it opens.
    #[strum(
        message = "the server closes each socket with 1001 \"Server restarting\" right after open"
    )]
    GoingAway,
    /// The echo endpoint answers with something other than what was sent.
    #[strum(message = "/ws-test echoes something other than what was sent")]
    EchoMismatch,
    /// The server closes each socket with a close code that may never be sent.
    #[strum(
        message = "each socket is closed at once with a close code that may never be sent (default 1005)",
        props(arg = "CODE")
    )]
    BadClose(u16),
    /// The server sends a text frame that is not UTF-8: a protocol violation.
    #[strum(
        serialize = "bad-utf8",
        message = "each socket gets a text frame that is not UTF-8 (a protocol violation)"
    )]
    BadUtf8,
    // The terminal session contract.
    /// The terminal greets, then the server closes it with CODE after DELAY.
    #[strum(
        message = "the terminal greets ({\"type\":\"connected\"}), then closes with CODE after DELAY (default 4500@100ms)",
        props(arg = "CODE[@DELAY]")
    )]
    GreetThenClose(u16, Duration),
    /// The terminal greets, then the TCP connection is reset after this long.
    #[strum(
        message = "the terminal greets, then TCP is reset without a close frame after DUR (default 100ms)",
        props(arg = "DUR")
    )]
    GreetThenDrop(Duration),
    /// A session has one terminal at a time: a second socket for it ends the first (close 4001),
    /// as terminals that follow the user to the newest tab do.
    #[strum(
        message = "a session has one terminal socket at a time: a second one ends the first with close 4001 \"Session opened elsewhere\""
    )]
    SessionTakeover,
    /// Every terminal session is unknown to the server (error message, then close 4000).
    #[strum(
        message = "every session is unknown: error message, then close 4000; the session endpoint says 404"
    )]
    InvalidSession,
    /// The terminal backend fails after the session is accepted (error message, then close 4500).
    #[strum(
        message = "the terminal fails after the session is accepted: error message, then close 4500"
    )]
    ServerError,
    /// Session validation hangs until the server's timeout closes the socket with 1008.
    #[strum(
        message = "session validation hangs; the server closes with 1008 \"Connection timeout\" after DUR (default 300ms)",
        props(arg = "DUR")
    )]
    PolicyTimeout(Duration),
    /// The terminal's session lookup hangs in the session store (a blocking command on the lab's
    /// Redis, when it has one) while the store itself answers; the server closes with 1008 after
    /// the duration, which it states as its timeout.
    #[strum(
        message = "the terminal's session lookup hangs in the store (a blocking Redis command) while the store answers; 1008 after DUR (default 300ms)",
        props(arg = "DUR")
    )]
    StoreHang(Duration),
    /// The application has lost its session store: the diagnostics endpoint says so, and every
    /// lookup waits for the store (as a client with an offline queue does) until the duration.
    #[strum(
        message = "the app has lost its session store: diagnostics say disconnected, lookups wait; 503 and 1008 after DUR (default 300ms)",
        props(arg = "DUR")
    )]
    StoreDown(Duration),
    /// `/health` reports the service degraded with a 503.
    #[strum(message = "/health answers 503 with status degraded and websocket unavailable")]
    HealthDegraded,
    /// `/health` is redirected (301, relative) to `/healthz`, and the diagnostics endpoint (302,
    /// absolute, same origin) to a `/v2` path; both targets serve the normal answers.
    #[strum(
        message = "/health redirects (301) to /healthz; diagnostics redirect (302, absolute) to a /v2 path"
    )]
    HealthRedirect,
    /// `/health` is redirected (302) to another host, where a client must not follow.
    #[strum(
        message = "/health redirects (302) to another host, where credentials must not follow"
    )]
    HealthRedirectOffsite,
    // Whole-server and transport failures.
    /// Connections are accepted and then nothing is ever read or written.
    #[strum(message = "connections are accepted, then nothing is ever read or written")]
    Blackhole,
    /// A plain application, not the platform: no /health, no diagnostics, a raw echo at /ws-test.
    #[strum(
        message = "a plain app, not the platform: /health and diagnostics are 404, /ws-test echoes raw"
    )]
    PlainApp,
    /// The server certificate is self-signed rather than issued by the lab CA.
    #[strum(message = "TLS with a self-signed certificate (not issued by the lab CA)")]
    TlsSelfSigned,
    /// The server certificate has expired.
    #[strum(message = "TLS with an expired certificate issued by the lab CA")]
    TlsExpired,
    /// The server certificate names another host.
    #[strum(message = "TLS with a certificate for wrong-name.invalid, issued by the lab CA")]
    TlsWrongName,
    /// The server certificate, issued by the lab CA, only becomes valid in 30 days.
    #[strum(
        message = "TLS with a certificate issued by the lab CA that only becomes valid in 30 days"
    )]
    TlsNotYetValid,
    /// The server certificate, issued by the lab CA, expires in this many days.
    #[strum(
        message = "TLS with a certificate issued by the lab CA that expires in DAYS days (default 3)",
        props(arg = "DAYS")
    )]
    TlsExpiring(u32),
    /// The server certificate, issued by the lab CA, lives HOURS hours and is half-way through.
    #[strum(
        message = "TLS with a short-lived certificate (HOURS hours, default 12), half-way through its life",
        props(arg = "HOURS")
    )]
    TlsShortLived(u32),
    /// The server demands a client certificate issued by the lab CA (mutual TLS).
    #[strum(
        message = "mutual TLS: the server demands a client certificate issued by the lab CA (see Lab::client_identity_pem)"
    )]
    TlsClientCert,
    // HTTP/2: the browser's other road to a socket (RFC 8441).
    /// HTTP/2 beside HTTP/1.1, without `SETTINGS_ENABLE_CONNECT_PROTOCOL`: browsers use HTTP/1.1.
    #[strum(
        serialize = "h2-no-connect",
        message = "HTTP/2 beside HTTP/1.1 without extended CONNECT (no SETTINGS_ENABLE_CONNECT_PROTOCOL): sockets go over HTTP/1.1"
    )]
    H2NoConnect,
    /// HTTP/2 only (ALPN h2 alone), with extended CONNECT: HTTP/1.1 clients are refused.
    #[strum(
        serialize = "h2-only",
        message = "HTTP/2 only (ALPN h2 alone) with extended CONNECT: an HTTP/1.1 client is refused (no_application_protocol)"
    )]
    H2Only,
    /// HTTP/2 only, without extended CONNECT: no browser can open a socket.
    #[strum(
        serialize = "h2-only-no-connect",
        message = "HTTP/2 only and without extended CONNECT: no browser can open a WebSocket at all"
    )]
    H2OnlyNoConnect,
    /// HTTP/2 with extended CONNECT announced, and every extended CONNECT refused with a 403.
    #[strum(
        serialize = "h2-connect-403",
        message = "HTTP/2 announces extended CONNECT, then answers every one with 403; HTTP/1.1 upgrades work"
    )]
    H2Connect403,
    /// HTTP/2 with extended CONNECT: the stream opens, then is reset (RST_STREAM CANCEL).
    #[strum(
        serialize = "h2-stream-reset",
        message = "HTTP/2 sockets open (200), then their stream is reset (RST_STREAM CANCEL) without a close frame"
    )]
    H2StreamReset,
    /// HTTP/2 with extended CONNECT: a CONNECT is answered by a GOAWAY and the connection closed.
    #[strum(
        serialize = "h2-goaway",
        message = "HTTP/2 answers an extended CONNECT with GOAWAY (NO_ERROR) and closes the connection"
    )]
    H2Goaway,
    /// HTTP/2 beside HTTP/1.1 with extended CONNECT, behind an edge whose HTTP/2 stream idle
    /// timeout resets a socket's stream after this long without a frame, while HTTP/1.1 sockets
    /// are never cut: a cut of one road only.
    #[strum(
        serialize = "h2-idle-cut",
        message = "HTTP/2 stream idle timeout: HTTP/2 sockets are reset (RST_STREAM CANCEL) after DUR without a frame (default 5s); HTTP/1.1 sockets stay up",
        props(arg = "DUR")
    )]
    H2IdleCut(Duration),
}

impl Fault {
    /// Whether this fault only makes sense over TLS, so the lab must serve https/wss for it.
    pub fn needs_tls(&self) -> bool {
        self.needs_http2()
            || matches!(
                self,
                Fault::TlsSelfSigned
                    | Fault::TlsExpired
                    | Fault::TlsWrongName
                    | Fault::TlsNotYetValid
                    | Fault::TlsExpiring(_)
                    | Fault::TlsShortLived(_)
                    | Fault::TlsClientCert
            )
    }

    /// Whether this fault is played over HTTP/2, so the lab must serve it (over TLS).
    pub fn needs_http2(&self) -> bool {
        matches!(
            self,
            Fault::H2NoConnect
                | Fault::H2Only
                | Fault::H2OnlyNoConnect
                | Fault::H2Connect403
                | Fault::H2StreamReset
                | Fault::H2Goaway
                | Fault::H2IdleCut(_)
        )
    }

    /// Whether the listener speaks HTTP/2 alone: ALPN offers `h2` only, and a client that agrees
    /// on no protocol is spoken to in HTTP/2 all the same.
    pub(crate) fn http2_only(&self) -> bool {
        matches!(self, Fault::H2Only | Fault::H2OnlyNoConnect)
    }

    /// Whether the HTTP/2 server announces extended CONNECT.
    pub(crate) fn enables_connect_protocol(&self) -> bool {
        !matches!(self, Fault::H2NoConnect | Fault::H2OnlyNoConnect)
    }

    /// The fault's name without its argument, as listed in the catalog.
    pub fn name(&self) -> &'static str {
        self.into()
    }

    /// Whether upgrade requests under this fault must be answered on the raw stream (the head is
    /// parsed by the lab before hyper sees the connection), because hyper would be too polite.
    pub(crate) fn needs_raw_head(&self) -> bool {
        matches!(
            self,
            Fault::AppRunner
                | Fault::HandshakeHang
                | Fault::BadAccept
                | Fault::Proxy502
                | Fault::DropAfterOpen
                | Fault::Flaky(_)
                | Fault::FlakyHang(_)
                | Fault::UpgradeClose
                | Fault::Http10Refusal
                | Fault::Proxy504
                | Fault::Trickle101(_)
                | Fault::HugeHead
                | Fault::TruncatedBody
                | Fault::BadClose(_)
                | Fault::BadUtf8
        )
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.name();
        match self {
            Fault::IdleCut(d)
            | Fault::H2IdleCut(d)
            | Fault::LifetimeCut(d)
            | Fault::PolicyTimeout(d)
            | Fault::StoreHang(d)
            | Fault::StoreDown(d) => {
                write!(f, "{name}:{}", humantime::format_duration(*d))
            }
            Fault::Flaky(n)
            | Fault::FlakyHang(n)
            | Fault::TlsExpiring(n)
            | Fault::TlsShortLived(n) => {
                write!(f, "{name}:{n}")
            }
            Fault::GreetThenDrop(d) | Fault::Trickle101(d) => {
                write!(f, "{name}:{}", humantime::format_duration(*d))
            }
            Fault::GreetThenClose(code, d) => {
                write!(f, "{name}:{code}@{}", humantime::format_duration(*d))
            }
            Fault::BadClose(code) => write!(f, "{name}:{code}"),
            Fault::Subprotocol(p) => write!(f, "{name}:{p}"),
            _ => f.write_str(name),
        }
    }
}

/// Why a fault name could not be parsed; the message names the bad input and what would be valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseFaultError {
    /// The name is not in the catalog.
    #[error("unknown fault `{input}`; valid faults: {}", valid_names())]
    Unknown {
        /// What the user typed.
        input: String,
    },
    /// The fault takes an argument and the one given is unusable.
    #[error(
        "invalid argument `{argument}` for fault `{fault}`: {reason} (expected {fault}:{expected})"
    )]
    BadArgument {
        /// The fault's name.
        fault: &'static str,
        /// The argument as typed.
        argument: String,
        /// What is wrong with it.
        reason: String,
        /// The argument's placeholder, e.g. `DUR`.
        expected: &'static str,
    },
    /// The fault takes no argument but one was given.
    #[error(
        "fault `{fault}` takes no argument, got `{argument}`; valid faults: {}",
        valid_names()
    )]
    UnexpectedArgument {
        /// The fault's name.
        fault: &'static str,
        /// The argument as typed.
        argument: String,
    },
}

/// The catalog's names with their argument placeholders, for error messages.
fn valid_names() -> String {
    fault_catalog()
        .iter()
        .map(|info| match info.argument {
            Some(arg) => format!("{}[:{arg}]", info.name),
            None => info.name.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for Fault {
    type Err = ParseFaultError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let trimmed = input.trim();
        let (name, argument) = match trimmed.split_once(':') {
            Some((name, arg)) => (name.trim(), Some(arg.trim())),
            None => (trimmed, None),
        };
        let fault = Fault::iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| ParseFaultError::Unknown {
                input: input.to_string(),
            })?;
        fault.with_argument(argument)
    }
}

impl Fault {
    /// This fault with its argument applied, or its default when none is given.
    fn with_argument(self, argument: Option<&str>) -> Result<Fault, ParseFaultError> {
        let fault = self.name();
        let duration = |default: Duration| -> Result<Duration, ParseFaultError> {
            let Some(arg) = argument else {
                return Ok(default);
            };
            let bad = |reason: String| ParseFaultError::BadArgument {
                fault,
                argument: arg.to_string(),
                reason,
                expected: "DUR",
            };
            let d = humantime::parse_duration(arg).map_err(|e| bad(e.to_string()))?;
            if d.is_zero() {
                return Err(bad("the duration must be greater than zero".into()));
            }
            if d > MAX_FAULT_DURATION {
                return Err(bad("the duration must be at most 1 day".into()));
            }
            Ok(d)
        };
        // A whole number within `range`, for the faults that take a count.
        let count = |default: u32,
                     range: std::ops::RangeInclusive<u32>,
                     expected: &'static str,
                     what: &str|
         -> Result<u32, ParseFaultError> {
            let Some(arg) = argument else {
                return Ok(default);
            };
            let bad = |reason: String| ParseFaultError::BadArgument {
                fault,
                argument: arg.to_string(),
                reason,
                expected,
            };
            let n: u32 = arg.parse().map_err(|e| bad(format!("{e}")))?;
            if !range.contains(&n) {
                let reason = if *range.end() == u32::MAX {
                    format!("the {what} must be at least {}", range.start())
                } else {
                    format!(
                        "the {what} must be between {} and {}",
                        range.start(),
                        range.end()
                    )
                };
                return Err(bad(reason));
            }
            Ok(n)
        };
        match self {
            Fault::IdleCut(_) => Ok(Fault::IdleCut(duration(DEFAULT_CUT)?)),
            Fault::LifetimeCut(_) => Ok(Fault::LifetimeCut(duration(DEFAULT_CUT)?)),
            Fault::H2IdleCut(_) => Ok(Fault::H2IdleCut(duration(DEFAULT_CUT)?)),
            Fault::PolicyTimeout(_) => Ok(Fault::PolicyTimeout(duration(DEFAULT_POLICY_TIMEOUT)?)),
            Fault::StoreHang(_) => Ok(Fault::StoreHang(duration(DEFAULT_POLICY_TIMEOUT)?)),
            Fault::StoreDown(_) => Ok(Fault::StoreDown(duration(DEFAULT_POLICY_TIMEOUT)?)),
            Fault::Flaky(_) => Ok(Fault::Flaky(count(1, 1..=u32::MAX, "N", "count")?)),
            Fault::FlakyHang(_) => Ok(Fault::FlakyHang(count(1, 1..=u32::MAX, "N", "count")?)),
            Fault::GreetThenDrop(_) => Ok(Fault::GreetThenDrop(duration(DEFAULT_GREET_DELAY)?)),
            Fault::Trickle101(_) => Ok(Fault::Trickle101(duration(DEFAULT_TRICKLE)?)),
            Fault::BadClose(_) => Ok(Fault::BadClose(
                count(1005, 0..=u32::from(u16::MAX), "CODE", "close code")?
                    .try_into()
                    .unwrap_or(1005),
            )),
            Fault::Subprotocol(_) => match argument {
                None => Ok(Fault::Subprotocol(DEFAULT_SUBPROTOCOL.to_string())),
                Some(name) if !name.is_empty() && !name.contains([' ', ',']) => {
                    Ok(Fault::Subprotocol(name.to_string()))
                }
                Some(name) => Err(ParseFaultError::BadArgument {
                    fault,
                    argument: name.to_string(),
                    reason: "a subprotocol name is one token".into(),
                    expected: "NAME",
                }),
            },
            Fault::GreetThenClose(..) => {
                let (code, delay) = match argument {
                    None => (4500, DEFAULT_GREET_DELAY),
                    Some(arg) => {
                        let (code, delay) = match arg.split_once('@') {
                            Some((code, delay)) => (code, Some(delay)),
                            None => (arg, None),
                        };
                        let bad = |reason: String| ParseFaultError::BadArgument {
                            fault,
                            argument: arg.to_string(),
                            reason,
                            expected: "CODE[@DELAY]",
                        };
                        let code: u16 = code.parse().map_err(|e| bad(format!("{e}")))?;
                        let delay = match delay {
                            Some(d) => humantime::parse_duration(d)
                                .map_err(|e| bad(e.to_string()))
                                .and_then(|d| {
                                    if d > MAX_FAULT_DURATION {
                                        Err(bad("the delay must be at most 1 day".into()))
                                    } else {
                                        Ok(d)
                                    }
                                })?,
                            None => DEFAULT_GREET_DELAY,
                        };
                        (code, delay)
                    }
                };
                Ok(Fault::GreetThenClose(code, delay))
            }
            Fault::TlsShortLived(_) => Ok(Fault::TlsShortLived(count(
                12,
                1..=48,
                "HOURS",
                "number of hours",
            )?)),
            Fault::TlsExpiring(_) => Ok(Fault::TlsExpiring(count(
                DEFAULT_EXPIRING_DAYS,
                1..=MAX_EXPIRING_DAYS,
                "DAYS",
                "number of days",
            )?)),
            other => match argument {
                Some(arg) => Err(ParseFaultError::UnexpectedArgument {
                    fault,
                    argument: arg.to_string(),
                }),
                None => Ok(other),
            },
        }
    }
}

/// One catalog entry: what `wsdoctor lab --list-faults` prints for a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultInfo {
    /// The name to pass to `--fault`.
    pub name: &'static str,
    /// The placeholder of the optional argument (`name:ARG`), if the fault takes one.
    pub argument: Option<&'static str>,
    /// One line saying what the fault reproduces.
    pub summary: &'static str,
}

/// Every fault the lab knows, in the order of its declaration: grouped by where the failure sits
/// (edge, application, socket, session, transport).
pub fn fault_catalog() -> Vec<FaultInfo> {
    Fault::iter()
        .map(|fault| FaultInfo {
            name: fault.name(),
            argument: fault.get_str("arg"),
            summary: fault.get_message().unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_entry_parses_and_round_trips() {
        for info in fault_catalog() {
            let fault: Fault = info.name.parse().unwrap();
            assert_eq!(fault.name(), info.name);
            let again: Fault = fault.to_string().parse().unwrap();
            assert_eq!(again, fault);
        }
        assert_eq!(fault_catalog().len(), 55);
    }

    #[test]
    fn arguments_and_defaults() {
        assert_eq!(
            "idle-cut:2s".parse::<Fault>().unwrap(),
            Fault::IdleCut(Duration::from_secs(2))
        );
        assert_eq!(
            "idle-cut".parse::<Fault>().unwrap(),
            Fault::IdleCut(DEFAULT_CUT)
        );
        assert_eq!(
            "lifetime-cut".parse::<Fault>().unwrap(),
            Fault::LifetimeCut(DEFAULT_CUT)
        );
        assert_eq!(
            "policy-timeout".parse::<Fault>().unwrap(),
            Fault::PolicyTimeout(Duration::from_millis(300))
        );
        assert_eq!(
            "policy-timeout:1s".parse::<Fault>().unwrap(),
            Fault::PolicyTimeout(Duration::from_secs(1))
        );
        assert_eq!("flaky".parse::<Fault>().unwrap(), Fault::Flaky(1));
        assert_eq!("flaky:3".parse::<Fault>().unwrap(), Fault::Flaky(3));
        assert_eq!(
            Fault::PolicyTimeout(Duration::from_millis(300)).to_string(),
            "policy-timeout:300ms"
        );
        assert_eq!(Fault::Flaky(2).to_string(), "flaky:2");
        assert_eq!("flaky-hang".parse::<Fault>().unwrap(), Fault::FlakyHang(1));
        assert_eq!(Fault::FlakyHang(2).to_string(), "flaky-hang:2");
        assert_eq!(Fault::Blackhole.to_string(), "blackhole");
        assert!(Fault::TlsExpired.needs_tls());
        assert!(Fault::TlsNotYetValid.needs_tls());
        assert!(Fault::TlsExpiring(3).needs_tls());
        assert!(!Fault::Blackhole.needs_tls());
        assert!(!Fault::HealthRedirect.needs_tls());
        for h2 in [
            "h2-no-connect",
            "h2-only",
            "h2-only-no-connect",
            "h2-connect-403",
            "h2-stream-reset",
            "h2-goaway",
            "h2-idle-cut:3s",
        ] {
            let fault: Fault = h2.parse().unwrap();
            assert!(fault.needs_http2() && fault.needs_tls(), "{h2}");
            assert_eq!(fault.to_string(), h2);
        }
        assert!(!Fault::TlsExpired.needs_http2());
        assert!(Fault::H2OnlyNoConnect.http2_only());
        assert!(!Fault::H2OnlyNoConnect.enables_connect_protocol());
        assert!(Fault::H2Only.enables_connect_protocol());
        assert_eq!(
            "tls-expiring".parse::<Fault>().unwrap(),
            Fault::TlsExpiring(3)
        );
        assert_eq!(
            "tls-expiring:30".parse::<Fault>().unwrap(),
            Fault::TlsExpiring(30)
        );
        assert_eq!(Fault::TlsExpiring(3).to_string(), "tls-expiring:3");
        assert_eq!(
            "tls-expiring:3650".parse::<Fault>().unwrap(),
            Fault::TlsExpiring(3650)
        );
        assert_eq!("origin-any".parse::<Fault>().unwrap(), Fault::OriginAny);
        assert_eq!(
            "health-redirect-offsite".parse::<Fault>().unwrap(),
            Fault::HealthRedirectOffsite
        );
    }

    #[test]
    fn errors_name_the_input() {
        let err = "nope".parse::<Fault>().unwrap_err().to_string();
        assert!(
            err.contains("nope") && err.contains("app-runner") && err.contains("idle-cut[:DUR]")
        );
        let err = "idle-cut:soon".parse::<Fault>().unwrap_err().to_string();
        assert!(err.contains("soon") && err.contains("idle-cut"), "{err}");
        assert!("idle-cut:0s".parse::<Fault>().is_err());
        assert!("flaky:0".parse::<Fault>().is_err());
        assert!("flaky:x".parse::<Fault>().is_err());
        for bad in [
            "tls-expiring:0",
            "tls-expiring:3651",
            "tls-expiring:-1",
            "tls-expiring:3d",
        ] {
            let err = bad.parse::<Fault>().unwrap_err().to_string();
            assert!(err.contains("tls-expiring:DAYS"), "{bad}: {err}");
        }
        assert!("origin-any:x".parse::<Fault>().is_err());
        assert!("health-redirect:1".parse::<Fault>().is_err());
        let err = "blackhole:5s".parse::<Fault>().unwrap_err().to_string();
        assert!(err.contains("5s") && err.contains("blackhole"), "{err}");
    }
}
