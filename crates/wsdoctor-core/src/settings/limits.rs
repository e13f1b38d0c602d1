//! The numbers of a run (timeouts, retries, sizes) and the CI gates that turn a value into a failure.

use super::error::SettingsError;
use std::time::Duration;
use wsdoctor_model::{Cause, CheckId};

/// The longest any duration setting may be: keeps every timer and `Instant` far from overflow.
pub(crate) const MAX_DURATION: Duration = Duration::from_secs(86_400);

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

    pub(crate) fn validate(&self) -> Result<(), SettingsError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
