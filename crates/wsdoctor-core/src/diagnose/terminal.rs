//! Reading a terminal session: how its socket ended, or what its silence means, in the words
//! of the web client's own failures; and the line a healthy session is summed up in.
//!
//! Pure functions of what the terminal check measured, so every message is unit-tested without a
//! network.

use super::classify;
use crate::probe::ws::Ending;
use std::time::Duration;
use wsdoctor_model::timing::human;
use wsdoctor_model::{Cause, Finding, Notice};

/// Where in the session an ending came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Moment {
    /// Before the server's first message.
    BeforeGreeting,
    /// When `--send` was written.
    AtSend,
    /// While waiting for a message matching `--expect`.
    AwaitingExpect,
    /// During the observation window, after `--expect` matched.
    AfterExpect,
    /// During the observation window, after the server greeted.
    AfterGreeting,
}

impl Moment {
    fn words(self) -> &'static str {
        match self {
            Moment::BeforeGreeting => "before it greeted",
            Moment::AtSend => "when --send was sent",
            Moment::AwaitingExpect => "while waiting for --expect",
            Moment::AfterExpect => "after --expect matched",
            Moment::AfterGreeting => "after it greeted",
        }
    }
}

/// What the session had seen when its socket ended.
pub(crate) struct Seen<'a> {
    /// The terminal path, which names the socket in messages.
    pub(crate) path: &'a str,
    /// Data messages received.
    pub(crate) messages: usize,
    /// How long the socket had been open.
    pub(crate) open_for: Duration,
    /// The server's last message (redacted and cut to an excerpt).
    pub(crate) last_message: Option<&'a str>,
}

/// How a socket's ending fails the session, with when it came and the server's last words.
pub(crate) fn ended(ending: &Ending, seen: &Seen<'_>, moment: Moment) -> Finding {
    let mut finding = classify::ending(ending, seen.path, seen.messages, seen.open_for);
    finding.message = format!("{} ({})", finding.message, moment.words());
    if let Some(last) = seen.last_message {
        finding.message = format!("{}; the server's last words: {last}", finding.message);
    }
    finding
}

/// The server sent its error message and then did not close.
pub(crate) fn error_then_open(path: &str, last_message: Option<&str>) -> Finding {
    classify::finding(
        Cause::ServerError,
        format!(
            "{path} sent an error and stayed open: {}",
            last_message.unwrap_or_default()
        ),
    )
}

/// The session validation hang: the socket opened and the server never said a word in
/// `quiet_for`. Past the client's timeout it is the web client's timeout; before it, the server's
/// own validation timeout (`server_timeout`, when the server says it has one) will close it.
pub(crate) fn no_greeting(
    path: &str,
    quiet_for: Duration,
    client_timeout: Duration,
    server_timeout: Option<Duration>,
) -> Finding {
    let server_note = match server_timeout {
        Some(t) if t > quiet_for => format!(
            "; the server says it closes sockets it has not validated after {} (its 1008 \"Connection timeout\")",
            human(t)
        ),
        _ => String::new(),
    };
    if quiet_for >= client_timeout {
        classify::finding(
            Cause::ClientTimeout,
            format!(
                "{path} opened but the server sent nothing in {}: the web client gives up here (\"Connection timeout - no response from server\"){server_note}",
                human(quiet_for)
            ),
        )
    } else {
        classify::finding(
            Cause::ServerTimeout,
            format!(
                "{path} stayed silent for {} and the server will close it at its validation timeout{server_note}",
                human(quiet_for)
            ),
        )
    }
}

/// No message matched `--expect` (`pattern`) within `within`.
pub(crate) fn expect_not_met(pattern: &str, within: Duration) -> Finding {
    classify::finding(
        Cause::ExpectNotMet,
        format!(
            "no message matched {pattern:?} within {}",
            humantime::format_duration(within)
        ),
    )
}

/// What a healthy session showed.
pub(crate) struct Healthy {
    /// The `--expect` round trip, when it matched.
    pub(crate) expect_round_trip: Option<Duration>,
    /// When the first message came, after the open.
    pub(crate) first_message: Option<Duration>,
    /// How long it was then watched and stayed up; `None` when it was not watched.
    pub(crate) stayed_up: Option<Duration>,
    /// How long the socket was open.
    pub(crate) open_for: Duration,
}

/// The report's line for a session that passed.
pub(crate) fn summary(session: &Healthy) -> String {
    let watched = match session.stayed_up {
        Some(window) => format!(", stayed up {}", humantime::format_duration(window)),
        None => String::new(),
    };
    match (session.expect_round_trip, session.first_message) {
        (Some(rtt), _) => format!(
            "session open; --expect matched in {:.1} ms{watched}",
            rtt.as_secs_f64() * 1000.0
        ),
        (None, Some(first)) => format!(
            "session open; first message after {:.1} ms{watched}",
            first.as_secs_f64() * 1000.0
        ),
        (None, None) => format!(
            "session open and silent for {} (accepted by --accept-silence)",
            human(session.open_for)
        ),
    }
}

/// A session that never greeted, let pass by `--accept-silence`: still worth a warning, since
/// the web client would be waiting.
pub(crate) fn silence(quiet_for: Duration) -> Notice {
    Notice::of(
        Cause::TerminalSilent,
        format!(
            "the server sent nothing in {}: a browser's web client would still be waiting for its first message",
            human(quiet_for)
        ),
        "if the server should greet (the platform's terminal sends {\"type\":\"connected\"}), this is the session validation hang: check the session store's latency",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn an_ending_says_when_and_the_last_words() {
        let seen = Seen {
            path: "/terminal/s",
            messages: 1,
            open_for: Duration::from_millis(20),
            last_message: Some(r#"{"type":"connected"}"#),
        };
        let finding = ended(
            &Ending::Abnormal("reset".into()),
            &seen,
            Moment::AfterGreeting,
        );
        assert_eq!(finding.cause, Cause::AbnormalClose);
        assert_eq!(
            finding.message,
            r#"/terminal/s ended without a close frame 20 ms after open (browsers report 1006): reset (after it greeted); the server's last words: {"type":"connected"}"#
        );
    }

    #[test]
    fn silence_past_the_client_timeout_is_the_clients_timeout() {
        let client = no_greeting("/t", secs(25), secs(25), Some(secs(30)));
        assert_eq!(client.cause, Cause::ClientTimeout);
        assert!(client
            .message
            .ends_with("after 30 s (its 1008 \"Connection timeout\")"));
        let server = no_greeting("/t", secs(3), secs(25), None);
        assert_eq!(server.cause, Cause::ServerTimeout);
        assert_eq!(
            server.message,
            "/t stayed silent for 3.0 s and the server will close it at its validation timeout"
        );
    }

    #[test]
    fn the_summary_leads_with_the_expect_round_trip() {
        let mut healthy = Healthy {
            expect_round_trip: Some(Duration::from_micros(2500)),
            first_message: Some(Duration::from_millis(1)),
            stayed_up: Some(Duration::from_millis(500)),
            open_for: secs(1),
        };
        assert_eq!(
            summary(&healthy),
            "session open; --expect matched in 2.5 ms, stayed up 500ms"
        );
        healthy.expect_round_trip = None;
        healthy.stayed_up = None;
        assert_eq!(
            summary(&healthy),
            "session open; first message after 1.0 ms"
        );
    }
}
