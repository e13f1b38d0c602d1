//! The named faults the lab can inject, their textual names and their catalog.
//!
//! A fault name is what a user types (`wsdoctor lab --fault idle-cut:2s`) and what tests pin, so
//! parsing and printing round-trip exactly and the catalog is the single list both are checked against.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Default cut-off for `idle-cut` and `lifetime-cut` when no duration is given: short enough for a
/// demo, long enough that a handshake and a message exchange fit before the cut.
const DEFAULT_CUT: Duration = Duration::from_secs(5);

/// Default hang for `policy-timeout`: well under any client timeout, so the server's 1008 arrives first.
const DEFAULT_POLICY_TIMEOUT: Duration = Duration::from_millis(300);

/// Default days left on the `tls-expiring` certificate: inside any sensible renewal warning window.
const DEFAULT_EXPIRING_DAYS: u32 = 3;

/// The most days `tls-expiring` accepts: ten years, far beyond any warning threshold.
const MAX_EXPIRING_DAYS: u32 = 3650;

/// A named, reproducible failure of a WebSocket deployment, played on the wire by the lab.
///
/// Each variant mirrors a failure seen in real deployments (an edge that refuses upgrades, a proxy idle
/// timeout, a certificate problem...), so the doctor can be tested against the very signature it must
/// diagnose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// An Envoy edge (AWS App Runner) that serves HTTP but answers every upgrade with a bare 403.
    AppRunner,
    /// A proxy that drops the hop-by-hop `Upgrade`/`Connection` headers, so the app sees a plain GET.
    StripUpgrade,
    /// The application itself refuses WebSocket upgrades with a JSON 403.
    Edge403,
    /// The application refuses upgrades from origins outside its allow list, on every path.
    OriginCheck,
    /// The terminal accepts upgrades from any Origin: a cross-site WebSocket hijacking risk.
    OriginAny,
    /// Upgrade requests are redirected to the https URL (browsers never follow that for a socket).
    Redirect,
    /// The socket opens, then the TCP connection is reset without a close frame.
    DropAfterOpen,
    /// A proxy idle timeout: the connection is reset after this long without a frame either way.
    IdleCut(Duration),
    /// A proxy request cap: every socket is reset this long after it opened, whatever the traffic.
    LifetimeCut(Duration),
    /// Upgrade requests are read and never answered.
    HandshakeHang,
    /// Connections are accepted and then nothing is ever read or written.
    Blackhole,
    /// Every terminal session is unknown to the server (error message, then close 4000).
    InvalidSession,
    /// The terminal backend fails after the session is accepted (error message, then close 4500).
    ServerError,
    /// Session validation hangs until the server's timeout closes the socket with 1008.
    PolicyTimeout(Duration),
    /// A 101 response whose `Sec-WebSocket-Accept` does not match the key.
    BadAccept,
    /// express-ws style: every path upgrades, then closes at once with an empty close frame (1005).
    NoRoute,
    /// The server closes each socket with 1001 "Server restarting" right after it opens.
    GoingAway,
    /// `/health` reports the service degraded with a 503.
    HealthDegraded,
    /// `/health` is redirected (301, relative) to `/healthz`, and the diagnostics endpoint (302,
    /// absolute, same origin) to a `/v2` path; both targets serve the normal answers.
    HealthRedirect,
    /// `/health` is redirected (302) to another host, where a client must not follow.
    HealthRedirectOffsite,
    /// A load balancer (AWS ALB) answers upgrades with 502 Bad Gateway: no healthy upstream.
    Proxy502,
    /// The echo endpoint answers with something other than what was sent.
    EchoMismatch,
    /// The first N upgrade attempts per route open and are reset; later attempts work.
    Flaky(u32),
    /// The server certificate is self-signed rather than issued by the lab CA.
    TlsSelfSigned,
    /// The server certificate has expired.
    TlsExpired,
    /// The server certificate names another host.
    TlsWrongName,
    /// The server certificate, issued by the lab CA, only becomes valid in 30 days.
    TlsNotYetValid,
    /// The server certificate, issued by the lab CA, expires in this many days.
    TlsExpiring(u32),
}

impl Fault {
    /// Whether this fault only makes sense over TLS, so the lab must serve https/wss for it.
    pub fn needs_tls(&self) -> bool {
        matches!(
            self,
            Fault::TlsSelfSigned
                | Fault::TlsExpired
                | Fault::TlsWrongName
                | Fault::TlsNotYetValid
                | Fault::TlsExpiring(_)
        )
    }

    /// The fault's name without its argument, as listed in the catalog.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::AppRunner => "app-runner",
            Fault::StripUpgrade => "strip-upgrade",
            Fault::Edge403 => "edge-403",
            Fault::OriginCheck => "origin-check",
            Fault::OriginAny => "origin-any",
            Fault::Redirect => "redirect",
            Fault::DropAfterOpen => "drop-after-open",
            Fault::IdleCut(_) => "idle-cut",
            Fault::LifetimeCut(_) => "lifetime-cut",
            Fault::HandshakeHang => "handshake-hang",
            Fault::Blackhole => "blackhole",
            Fault::InvalidSession => "invalid-session",
            Fault::ServerError => "server-error",
            Fault::PolicyTimeout(_) => "policy-timeout",
            Fault::BadAccept => "bad-accept",
            Fault::NoRoute => "no-route",
            Fault::GoingAway => "going-away",
            Fault::HealthDegraded => "health-degraded",
            Fault::HealthRedirect => "health-redirect",
            Fault::HealthRedirectOffsite => "health-redirect-offsite",
            Fault::Proxy502 => "proxy-502",
            Fault::EchoMismatch => "echo-mismatch",
            Fault::Flaky(_) => "flaky",
            Fault::TlsSelfSigned => "tls-self-signed",
            Fault::TlsExpired => "tls-expired",
            Fault::TlsWrongName => "tls-wrong-name",
            Fault::TlsNotYetValid => "tls-not-yet-valid",
            Fault::TlsExpiring(_) => "tls-expiring",
        }
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
        )
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.name();
        match self {
            Fault::IdleCut(d) | Fault::LifetimeCut(d) | Fault::PolicyTimeout(d) => {
                write!(f, "{name}:{}", humantime::format_duration(*d))
            }
            Fault::Flaky(n) | Fault::TlsExpiring(n) => write!(f, "{name}:{n}"),
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
        let name = name.to_ascii_lowercase();
        let info = fault_catalog()
            .iter()
            .find(|info| info.name == name)
            .ok_or_else(|| ParseFaultError::Unknown {
                input: input.to_string(),
            })?;
        let fault = info.name;

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
            Ok(d)
        };
        let no_argument = |value: Fault| -> Result<Fault, ParseFaultError> {
            match argument {
                Some(arg) => Err(ParseFaultError::UnexpectedArgument {
                    fault,
                    argument: arg.to_string(),
                }),
                None => Ok(value),
            }
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

        match fault {
            "idle-cut" => Ok(Fault::IdleCut(duration(DEFAULT_CUT)?)),
            "lifetime-cut" => Ok(Fault::LifetimeCut(duration(DEFAULT_CUT)?)),
            "policy-timeout" => Ok(Fault::PolicyTimeout(duration(DEFAULT_POLICY_TIMEOUT)?)),
            "flaky" => Ok(Fault::Flaky(count(1, 1..=u32::MAX, "N", "count")?)),
            "tls-expiring" => Ok(Fault::TlsExpiring(count(
                DEFAULT_EXPIRING_DAYS,
                1..=MAX_EXPIRING_DAYS,
                "DAYS",
                "number of days",
            )?)),
            "app-runner" => no_argument(Fault::AppRunner),
            "strip-upgrade" => no_argument(Fault::StripUpgrade),
            "edge-403" => no_argument(Fault::Edge403),
            "origin-check" => no_argument(Fault::OriginCheck),
            "origin-any" => no_argument(Fault::OriginAny),
            "redirect" => no_argument(Fault::Redirect),
            "drop-after-open" => no_argument(Fault::DropAfterOpen),
            "handshake-hang" => no_argument(Fault::HandshakeHang),
            "blackhole" => no_argument(Fault::Blackhole),
            "invalid-session" => no_argument(Fault::InvalidSession),
            "server-error" => no_argument(Fault::ServerError),
            "bad-accept" => no_argument(Fault::BadAccept),
            "no-route" => no_argument(Fault::NoRoute),
            "going-away" => no_argument(Fault::GoingAway),
            "health-degraded" => no_argument(Fault::HealthDegraded),
            "health-redirect" => no_argument(Fault::HealthRedirect),
            "health-redirect-offsite" => no_argument(Fault::HealthRedirectOffsite),
            "proxy-502" => no_argument(Fault::Proxy502),
            "echo-mismatch" => no_argument(Fault::EchoMismatch),
            "tls-self-signed" => no_argument(Fault::TlsSelfSigned),
            "tls-expired" => no_argument(Fault::TlsExpired),
            "tls-wrong-name" => no_argument(Fault::TlsWrongName),
            "tls-not-yet-valid" => no_argument(Fault::TlsNotYetValid),
            // The catalog and this match are kept in step by a unit test.
            _ => Err(ParseFaultError::Unknown {
                input: input.to_string(),
            }),
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

const CATALOG: &[FaultInfo] = &[
    // Edges and proxies in front of the application.
    FaultInfo {
        name: "app-runner",
        argument: None,
        summary: "Envoy edge (AWS App Runner): HTTP works, every upgrade gets a bare 403 from server: envoy",
    },
    FaultInfo {
        name: "strip-upgrade",
        argument: None,
        summary: "proxy drops Upgrade/Connection headers: the app answers the upgrade as a plain GET (404)",
    },
    FaultInfo {
        name: "proxy-502",
        argument: None,
        summary: "load balancer (awselb/2.0) answers upgrades with 502 Bad Gateway",
    },
    FaultInfo {
        name: "redirect",
        argument: None,
        summary: "upgrade requests are redirected (301) to the https URL",
    },
    FaultInfo {
        name: "idle-cut",
        argument: Some("DUR"),
        summary: "proxy idle timeout: sockets are reset after DUR without a frame (default 5s), no server pings",
    },
    FaultInfo {
        name: "lifetime-cut",
        argument: Some("DUR"),
        summary: "proxy request cap: every socket is reset DUR after it opened (default 5s)",
    },
    // The application refusing or mishandling the upgrade.
    FaultInfo {
        name: "edge-403",
        argument: None,
        summary: "the application refuses every WebSocket upgrade with a JSON 403",
    },
    FaultInfo {
        name: "origin-check",
        argument: None,
        summary: "upgrades from an Origin outside the allow list get 403, on every path",
    },
    FaultInfo {
        name: "origin-any",
        argument: None,
        summary: "the terminal accepts upgrades from any Origin (cross-site WebSocket hijacking risk)",
    },
    FaultInfo {
        name: "handshake-hang",
        argument: None,
        summary: "upgrade requests are read and never answered",
    },
    FaultInfo {
        name: "bad-accept",
        argument: None,
        summary: "101 response with a wrong Sec-WebSocket-Accept",
    },
    FaultInfo {
        name: "no-route",
        argument: None,
        summary: "every path upgrades, then closes at once with an empty close frame (1005)",
    },
    // Sockets that open and then fail.
    FaultInfo {
        name: "drop-after-open",
        argument: None,
        summary: "the socket opens, then TCP is reset without a close frame (1006)",
    },
    FaultInfo {
        name: "flaky",
        argument: Some("N"),
        summary: "the first N upgrade attempts per route open and are reset (default 1), later ones work",
    },
    FaultInfo {
        name: "going-away",
        argument: None,
        summary: "the server closes each socket with 1001 \"Server restarting\" right after open",
    },
    FaultInfo {
        name: "echo-mismatch",
        argument: None,
        summary: "/ws-test echoes something other than what was sent",
    },
    // The terminal session contract.
    FaultInfo {
        name: "invalid-session",
        argument: None,
        summary: "every session is unknown: error message, then close 4000; the session endpoint says 404",
    },
    FaultInfo {
        name: "server-error",
        argument: None,
        summary: "the terminal fails after the session is accepted: error message, then close 4500",
    },
    FaultInfo {
        name: "policy-timeout",
        argument: Some("DUR"),
        summary: "session validation hangs; the server closes with 1008 \"Connection timeout\" after DUR (default 300ms)",
    },
    FaultInfo {
        name: "health-degraded",
        argument: None,
        summary: "/health answers 503 with status degraded and websocket unavailable",
    },
    FaultInfo {
        name: "health-redirect",
        argument: None,
        summary: "/health redirects (301) to /healthz; diagnostics redirect (302, absolute) to a /v2 path",
    },
    FaultInfo {
        name: "health-redirect-offsite",
        argument: None,
        summary: "/health redirects (302) to another host, where credentials must not follow",
    },
    // Whole-server and transport failures.
    FaultInfo {
        name: "blackhole",
        argument: None,
        summary: "connections are accepted, then nothing is ever read or written",
    },
    FaultInfo {
        name: "tls-self-signed",
        argument: None,
        summary: "TLS with a self-signed certificate (not issued by the lab CA)",
    },
    FaultInfo {
        name: "tls-expired",
        argument: None,
        summary: "TLS with an expired certificate issued by the lab CA",
    },
    FaultInfo {
        name: "tls-wrong-name",
        argument: None,
        summary: "TLS with a certificate for wrong-name.invalid, issued by the lab CA",
    },
    FaultInfo {
        name: "tls-not-yet-valid",
        argument: None,
        summary: "TLS with a certificate issued by the lab CA that only becomes valid in 30 days",
    },
    FaultInfo {
        name: "tls-expiring",
        argument: Some("DAYS"),
        summary: "TLS with a certificate issued by the lab CA that expires in DAYS days (default 3)",
    },
];

/// Every fault the lab knows, grouped by where the failure sits (edge, application, socket, session,
/// transport), so `--list-faults` reads like the troubleshooting checklist.
pub fn fault_catalog() -> &'static [FaultInfo] {
    CATALOG
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
        assert_eq!(fault_catalog().len(), 28);
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
        assert_eq!(Fault::Blackhole.to_string(), "blackhole");
        assert!(Fault::TlsExpired.needs_tls());
        assert!(Fault::TlsNotYetValid.needs_tls());
        assert!(Fault::TlsExpiring(3).needs_tls());
        assert!(!Fault::Blackhole.needs_tls());
        assert!(!Fault::HealthRedirect.needs_tls());
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
