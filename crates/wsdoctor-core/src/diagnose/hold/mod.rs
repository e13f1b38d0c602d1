//! Reading a hold: how three sockets held side by side (silent, pinging, messaging) died tells an
//! idle timeout from a lifetime cap from a crash, and the age at which they died names the proxy.
//!
//! Pure functions of what the sockets saw, so every pattern is unit-tested without a network.

mod heartbeat;
mod held;
pub(crate) mod roads;
mod suspect;
pub(crate) mod verdict;

use super::classify;
use crate::probe::ws::Ending;
use heartbeat::heartbeat;
pub(crate) use held::{Death, Held};
use std::time::Duration;
use suspect::suspect;
use wsdoctor_model::evidence::{ClosedBy, Heartbeat, Suspect, Variant};
use wsdoctor_model::platform::{CutKind, PlatformId};
use wsdoctor_model::timing::human;
use wsdoctor_model::{Cause, Finding};

/// Deaths closer together than this (or 10 % of their age, whichever is larger) count as "at the
/// same age": three sockets opened together and cut by one timer die within a round trip.
pub(crate) const SAME_AGE_SLACK: Duration = Duration::from_millis(500);

/// Below this age a simultaneous death is a socket dropped after open, not a lifetime cap.
pub(crate) const MIN_LIFETIME: Duration = Duration::from_millis(500);

/// What the hold means.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reading {
    /// The diagnosis; `None` when every socket survived.
    pub(crate) finding: Option<Finding>,
    /// One line for the report.
    pub(crate) summary: String,
    /// The socket whose ending decided the finding (its close code goes into the evidence).
    pub(crate) decisive: Option<Variant>,
    /// The measured cut: the silent socket's quiet time (idle) or the common age (lifetime).
    pub(crate) cut: Option<Duration>,
    /// The platform that best explains the cut.
    pub(crate) suspect: Option<Suspect>,
    /// The server's own heartbeats.
    pub(crate) heartbeat: Heartbeat,
}

/// A death a proxy or platform timer could have caused: no close frame, or a close without an
/// error in it (some servers close their own idle sockets with 1000 or 1008). A 1011, a 4xxx or a
/// going-away is the server speaking, and the classifier reads it.
fn cut_like(death: &Death) -> bool {
    match &death.ending {
        // An HTTP/2 edge cuts a stream with RST_STREAM, or the connection with GOAWAY.
        Ending::Abnormal(_) | Ending::StreamReset(_) | Ending::GoAway(_) => true,
        Ending::Closed { code, .. } => matches!(code, 1000 | 1005 | 1006 | 1008),
        Ending::InvalidClose { .. } | Ending::Violation(_) | Ending::StillOpen => false,
    }
}

fn how(death: &Death) -> String {
    match (&death.ending, death.closed_by) {
        (Ending::Closed { code, reason }, _) if reason.is_empty() => format!("closed {code}"),
        (Ending::Closed { code, reason }, _) => format!("closed {code} {reason:?}"),
        (Ending::StreamReset(code), _) => format!(
            "HTTP/2 stream reset (RST_STREAM {}), no close frame (1006)",
            crate::probe::h2::error_name(*code)
        ),
        (Ending::GoAway(goaway), _) => format!(
            "HTTP/2 GOAWAY ({}), no close frame (1006)",
            goaway.describe()
        ),
        (_, ClosedBy::ConnectionReset) => "TCP reset, no close frame (1006)".to_string(),
        _ => "connection ended without a close frame (1006)".to_string(),
    }
}

/// Reads the outcomes of a hold.
///
/// `held` has one entry per variant; `path` names the socket in messages; `seen` lists the platform
/// ids the run fingerprinted, the primary one first.
pub(crate) fn read(
    held: &[Held],
    hold: Duration,
    ping_interval: Duration,
    path: &str,
    seen: &[PlatformId],
) -> Reading {
    // Settle the pattern first: it decides T, which the heartbeat verdict is measured against.
    let pattern = pattern(held, ping_interval);
    let dead: Vec<Duration> = held
        .iter()
        .filter(|h| h.died())
        .map(|h| h.open_for)
        .collect();
    let silent_quiet = variant(held, Variant::Silent).map(|h| h.since_last_byte);
    let cut = match &pattern {
        Pattern::Idle { .. } | Pattern::Ambiguous => silent_quiet,
        Pattern::Lifetime => Some(median(&dead)),
        _ => None,
    };
    let heartbeat = heartbeat(variant(held, Variant::Silent), hold, ping_interval, cut);
    let kind = match pattern {
        Pattern::Lifetime => CutKind::Lifetime,
        _ => CutKind::Idle,
    };
    let matched = cut.and_then(|t| suspect(t, kind, seen));
    let sockets = Sockets {
        held,
        hold,
        ping_interval,
        path,
        cut: cut.unwrap_or_default(),
        lifetime_age: median(&dead),
    };
    let words = suspect_words(matched.as_ref(), cut, kind);
    let (finding, summary, decisive) = match pattern {
        Pattern::Pass => (None, sockets.no_cut(&heartbeat.note), None),
        Pattern::Idle { note, hint } => sockets.idle_cut(&note, &hint, &words),
        Pattern::Ambiguous => sockets.ambiguous_cut(&words),
        Pattern::Lifetime => sockets.lifetime_cut(&words),
        Pattern::Other(variant) => sockets.other_ending(variant),
    };
    Reading {
        finding,
        summary,
        decisive,
        cut,
        suspect: matched.map(|(s, _)| s),
        heartbeat,
    }
}

/// How the sockets died, before any number is read from them.
enum Pattern {
    Pass,
    /// Only some keepalives kept their sockets alive: what that says, and the hint's template.
    Idle {
        note: String,
        hint: String,
    },
    Lifetime,
    Ambiguous,
    /// An ending no timer explains: the classifier reads this socket's.
    Other(Variant),
}

fn variant(held: &[Held], v: Variant) -> Option<&Held> {
    held.iter().find(|h| h.variant == v)
}

/// Which sockets died, and whether at one age, decide the pattern.
fn pattern(held: &[Held], ping_interval: Duration) -> Pattern {
    let dead: Vec<&Held> = held.iter().filter(|h| h.died()).collect();
    let died = |v: Variant| variant(held, v).is_some_and(Held::died);
    let every = || format!("every {}", human(ping_interval));
    if dead.is_empty() {
        return Pattern::Pass;
    }
    if let Some(h) = dead
        .iter()
        .filter(|h| !h.death.as_ref().is_some_and(cut_like))
        .min_by_key(|h| h.open_for)
    {
        return Pattern::Other(h.variant);
    }
    let ages: Vec<Duration> = dead.iter().map(|h| h.open_for).collect();
    let (min, max) = (
        ages.iter().min().copied().unwrap_or_default(),
        ages.iter().max().copied().unwrap_or_default(),
    );
    let age = median(&ages);
    let same_age = max - min <= SAME_AGE_SLACK.max(age.mul_f64(0.1));
    let keepalives_sent = held
        .iter()
        .filter(|h| h.variant != Variant::Silent)
        .all(Held::kept_alive);
    match (died(Variant::Silent), died(Variant::Ping), died(Variant::Message)) {
        (true, true, true) if same_age && age >= MIN_LIFETIME && !keepalives_sent => {
            Pattern::Ambiguous
        }
        (true, true, true) if same_age && age >= MIN_LIFETIME => Pattern::Lifetime,
        (true, false, false) => Pattern::Idle {
            note: format!(
                "the sockets sending pings and messages {} stayed open: pings and messages keep the socket alive",
                every()
            ),
            hint: "Send a heartbeat more often than every {T} (say every {HALF}): a server ping keeps browser sockets alive too, since browsers answer pings on their own; an application message works as well.".to_string(),
        },
        (true, false, true) => Pattern::Idle {
            note: format!(
                "the socket sending messages {} died too, and only the one sending protocol pings stayed open: only pings reset this timer, and browsers cannot send pings, so browser sockets still get cut",
                every()
            ),
            hint: "Have the server send pings more often than every {T} (say every {HALF}): browsers answer server pings automatically, and those pongs count as traffic.".to_string(),
        },
        (true, true, false) => Pattern::Idle {
            note: format!(
                "the socket sending pings {} died too, and only the one sending application messages stayed open: protocol pings do not count as traffic here",
                every()
            ),
            hint: "Send an application heartbeat message more often than every {T} (say every {HALF}), from the client or the server; pings alone will not do.".to_string(),
        },
        _ => Pattern::Other(
            dead.iter()
                .min_by_key(|h| h.open_for)
                .map(|h| h.variant)
                .unwrap_or(Variant::Silent),
        ),
    }
}

/// The suspect in one sentence for the message and one for the hint (both empty without a cut).
struct SuspectWords {
    text: String,
    hint: String,
}

fn suspect_words(
    matched: Option<&(Suspect, Vec<&'static str>)>,
    cut: Option<Duration>,
    kind: CutKind,
) -> SuspectWords {
    let (text, hint) = match (matched, cut) {
        (Some((s, others)), _) => {
            let also = if others.is_empty() {
                String::new()
            } else {
                format!("; also within range: {}", others.join(", "))
            };
            let why = if s.fingerprinted {
                "fingerprinted in this run, "
            } else {
                ""
            };
            (
                format!(
                    "Suspect: {} ({why}{} limit {}; setting: {}){also}.",
                    s.name,
                    s.kind.word(),
                    human(Duration::from_secs_f64(s.limit_ms / 1000.0)),
                    s.setting
                ),
                format!("{}: {}.", s.name, s.advice),
            )
        }
        (None, Some(t)) => (
            format!("No known platform limit is near {}.", human(t)),
            format!(
                "Find the proxy, load balancer or server between client and application whose {} is about {} and raise it.",
                match kind {
                    CutKind::Idle => "idle timeout",
                    CutKind::Lifetime => "connection or request time limit",
                },
                human(t)
            ),
        ),
        (None, None) => (String::new(), String::new()),
    };
    SuspectWords { text, hint }
}

/// The held sockets and the numbers read from them, which every pattern's words draw on.
struct Sockets<'a> {
    held: &'a [Held],
    hold: Duration,
    ping_interval: Duration,
    path: &'a str,
    /// The measured cut (zero when there is none).
    cut: Duration,
    /// The median age at which the dead sockets died.
    lifetime_age: Duration,
}

/// A diagnosis, the report's one line, and the socket whose ending decided it.
type Judged = (Option<Finding>, String, Option<Variant>);

impl Sockets<'_> {
    fn every(&self) -> String {
        format!("every {}", human(self.ping_interval))
    }

    /// A cut found on the silent socket: the finding, its message as the summary.
    fn cut_finding(cause: Cause, message: String, hint: String) -> Judged {
        let finding = Finding {
            code: cause.code(),
            cause,
            message: message.clone(),
            hint,
            also: Vec::new(),
        };
        (Some(finding), message, Some(Variant::Silent))
    }

    fn no_cut(&self, heartbeat: &str) -> String {
        let mut summary = format!(
            "{} sockets held {}: no cut",
            self.held.len(),
            humantime::format_duration(round_ms(self.hold))
        );
        if self.ping_interval >= self.hold {
            summary.push_str(&format!(
                " (no keepalive fell due: --ping-interval {} is not shorter than --hold)",
                humantime::format_duration(round_ms(self.ping_interval))
            ));
        }
        summary.push_str("; ");
        summary.push_str(heartbeat);
        summary
    }

    fn idle_cut(&self, note: &str, hint: &str, words: &SuspectWords) -> Judged {
        let t = self.cut;
        let silent = variant(self.held, Variant::Silent).and_then(|h| h.death.as_ref());
        let message = format!(
            "{}: the silent socket was cut after {} without a byte ({}); {note}: an idle timeout of about {}. {}",
            self.path,
            human(t),
            silent.map(how).unwrap_or_default(),
            human(t),
            words.text,
        );
        let hint = format!(
            "{} {}",
            hint.replace("{T}", &human(t))
                .replace("{HALF}", &human(t / 2)),
            words.hint
        );
        Self::cut_finding(Cause::IdleCut, message, hint)
    }

    fn ambiguous_cut(&self, words: &SuspectWords) -> Judged {
        let t = self.cut;
        let message = format!(
            "{}: every socket died about {} after it opened, before any keepalive fell due (--ping-interval {} is longer than the cut): an idle timeout or a lifetime cap of about {}. {}",
            self.path,
            human(self.lifetime_age),
            human(self.ping_interval),
            human(t),
            words.text,
        );
        let hint = format!(
            "Run again with a --ping-interval well under {} to tell an idle timeout from a lifetime cap. {}",
            human(t),
            words.hint
        );
        Self::cut_finding(Cause::IdleCut, message, hint)
    }

    fn lifetime_cut(&self, words: &SuspectWords) -> Judged {
        let t = self.cut;
        let message = format!(
            "{}: every socket dies at {} whatever the traffic (silent, pings and messages {}): a lifetime cap. {}",
            self.path,
            human(t),
            self.every(),
            words.text,
        );
        let hint = format!(
            "{} {} Until then, have the client reconnect (with backoff) before {} or on 1006.",
            Cause::LifetimeCut.hint(),
            words.hint,
            human(t)
        );
        Self::cut_finding(Cause::LifetimeCut, message, hint)
    }

    /// An ending no timer explains: the classifier's reading of it, with how the others fared.
    fn other_ending(&self, decisive: Variant) -> Judged {
        let h = variant(self.held, decisive);
        let ending = h
            .and_then(|h| h.death.as_ref())
            .map(|d| d.ending.clone())
            .unwrap_or(Ending::StillOpen);
        let mut finding = classify::ending(
            &ending,
            self.path,
            h.map_or(0, |h| h.messages_received as usize),
            h.map_or(Duration::ZERO, |h| h.open_for),
        );
        let others: Vec<String> = self
            .held
            .iter()
            .filter(|o| o.variant != decisive)
            .map(|o| match &o.death {
                Some(d) => format!(
                    "{} {} after {}",
                    o.variant.as_str(),
                    how(d),
                    human(o.open_for)
                ),
                None => format!("{} survived", o.variant.as_str()),
            })
            .collect();
        finding.message = format!(
            "the {} socket held open: {}; the others: {}",
            decisive.as_str(),
            finding.message,
            others.join(", ")
        );
        let summary = finding.message.clone();
        (Some(finding), summary, Some(decisive))
    }
}

fn round_ms(d: Duration) -> Duration {
    Duration::from_millis(d.as_millis() as u64)
}

fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::roads::{across_roads, RoadReading};
    use super::*;
    use wsdoctor_model::evidence::Road;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    fn alive(variant: Variant, hold: f64) -> Held {
        let keep = u32::from(variant != Variant::Silent) * 5;
        Held {
            variant,
            death: None,
            open_for: secs(hold),
            since_last_byte: if variant == Variant::Silent {
                secs(hold)
            } else {
                secs(0.2)
            },
            pings_sent: if variant == Variant::Ping { keep } else { 0 },
            messages_sent: if variant == Variant::Message { keep } else { 0 },
            messages_received: if variant == Variant::Message { keep } else { 0 },
            server_pings: 0,
            server_ping_interval: None,
        }
    }

    fn reset(mut held: Held, at: f64, quiet: f64) -> Held {
        held.death = Some(Death {
            ending: Ending::Abnormal("Connection reset by peer (os error 104)".into()),
            closed_by: ClosedBy::ConnectionReset,
        });
        held.open_for = secs(at);
        held.since_last_byte = secs(quiet);
        held
    }

    fn read_simple(held: &[Held], seen: &[PlatformId]) -> Reading {
        read(held, secs(4.0), secs(0.5), "/ws-test", seen)
    }

    #[test]
    fn nothing_died_is_a_pass_with_the_heartbeat() {
        let mut silent = alive(Variant::Silent, 4.0);
        silent.server_pings = 13;
        silent.server_ping_interval = Some(secs(0.3));
        silent.since_last_byte = secs(0.1);
        let held = [
            silent,
            alive(Variant::Ping, 4.0),
            alive(Variant::Message, 4.0),
        ];
        let reading = read_simple(&held, &[]);
        assert!(reading.finding.is_none());
        assert!(
            reading.summary.starts_with("3 sockets held 4s: no cut"),
            "{}",
            reading.summary
        );
        assert!(
            reading.summary.contains("pings every 300 ms"),
            "{}",
            reading.summary
        );
        assert_eq!(reading.heartbeat.often_enough, Some(true));
        assert_eq!(reading.heartbeat.interval_ms, Some(300.0));
    }

    #[test]
    fn no_server_pings_are_reported() {
        let held = [
            alive(Variant::Silent, 4.0),
            alive(Variant::Ping, 4.0),
            alive(Variant::Message, 4.0),
        ];
        let reading = read_simple(&held, &[]);
        assert!(reading.finding.is_none());
        assert!(
            reading.heartbeat.note.contains("no pings"),
            "{}",
            reading.heartbeat.note
        );
        // 4 s says nothing about a 55 s limit.
        assert_eq!(reading.heartbeat.often_enough, None);
    }

    #[test]
    fn only_the_silent_socket_dying_is_an_idle_cut() {
        let held = [
            reset(alive(Variant::Silent, 4.0), 2.0, 2.0),
            alive(Variant::Ping, 4.0),
            alive(Variant::Message, 4.0),
        ];
        let reading = read_simple(&held, &[]);
        let finding = reading.finding.expect("a finding");
        assert_eq!(finding.cause, Cause::IdleCut);
        assert_eq!(finding.code, Cause::IdleCut.code());
        assert_eq!(reading.cut, Some(secs(2.0)));
        assert!(finding.message.contains("2.0 s"), "{}", finding.message);
        assert!(finding
            .message
            .contains("pings and messages keep the socket alive"));
        assert!(reading.suspect.is_none());
        assert!(finding.message.contains("an idle timeout of about 2.0 s"));
        assert_eq!(reading.decisive, Some(Variant::Silent));
    }

    #[test]
    fn only_pings_keeping_it_alive_warns_about_browsers() {
        let held = [
            reset(alive(Variant::Silent, 90.0), 60.2, 60.2),
            alive(Variant::Ping, 90.0),
            reset(alive(Variant::Message, 90.0), 75.0, 15.0),
        ];
        let reading = read(&held, secs(90.0), secs(20.0), "/ws-test", &[]);
        let finding = reading.finding.expect("a finding");
        assert_eq!(finding.cause, Cause::IdleCut);
        assert!(
            finding.message.contains("browsers cannot send pings"),
            "{}",
            finding.message
        );
        assert_eq!(reading.cut, Some(secs(60.2)));
        // 60 s without a fingerprint: nginx first, the ALB named as the alternative.
        let suspect = reading.suspect.expect("a suspect");
        assert_eq!(suspect.id, PlatformId::Nginx);
        assert!(finding.message.contains("AWS Application Load Balancer"));
    }

    #[test]
    fn pings_not_counting_is_an_idle_cut_too() {
        let held = [
            reset(alive(Variant::Silent, 4.0), 2.0, 2.0),
            reset(alive(Variant::Ping, 4.0), 2.0, 2.0),
            alive(Variant::Message, 4.0),
        ];
        let finding = read_simple(&held, &[]).finding.expect("a finding");
        assert_eq!(finding.cause, Cause::IdleCut);
        assert!(finding.message.contains("protocol pings do not count"));
    }

    #[test]
    fn every_socket_dying_at_one_age_is_a_lifetime_cap() {
        let held = [
            reset(alive(Variant::Silent, 4.0), 2.00, 2.00),
            reset(alive(Variant::Ping, 4.0), 2.01, 0.4),
            reset(alive(Variant::Message, 4.0), 2.02, 0.3),
        ];
        let reading = read_simple(&held, &[]);
        let finding = reading.finding.expect("a finding");
        assert_eq!(finding.cause, Cause::LifetimeCut);
        assert_eq!(reading.cut, Some(secs(2.01)));
        assert!(
            finding.message.contains("whatever the traffic"),
            "{}",
            finding.message
        );
        assert!(finding.message.contains("a lifetime cap"));
    }

    #[test]
    fn lifetime_at_120_s_is_app_runner_and_300_s_cloud_run() {
        let at = |t: f64| {
            [
                reset(alive(Variant::Silent, 400.0), t, t),
                reset(alive(Variant::Ping, 400.0), t + 0.1, 5.0),
                reset(alive(Variant::Message, 400.0), t + 0.2, 5.0),
            ]
        };
        let reading = read(&at(120.0), secs(400.0), secs(20.0), "/ws", &[]);
        assert_eq!(
            reading.suspect.expect("suspect").id,
            PlatformId::AwsAppRunner
        );
        let reading = read(&at(300.0), secs(400.0), secs(20.0), "/ws", &[]);
        assert_eq!(
            reading.suspect.expect("suspect").id,
            PlatformId::GoogleCloudRun
        );
    }

    #[test]
    fn deaths_at_different_ages_are_not_a_lifetime_cap() {
        let held = [
            reset(alive(Variant::Silent, 10.0), 2.0, 2.0),
            reset(alive(Variant::Ping, 10.0), 5.0, 0.4),
            reset(alive(Variant::Message, 10.0), 8.0, 0.3),
        ];
        let finding = read(&held, secs(10.0), secs(0.5), "/ws-test", &[])
            .finding
            .expect("a finding");
        assert_eq!(finding.cause, Cause::AbnormalClose);
        assert!(
            finding.message.starts_with("the silent socket"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn a_server_error_close_is_read_by_the_classifier() {
        let mut message = alive(Variant::Message, 4.0);
        message.death = Some(Death {
            ending: Ending::Closed {
                code: 1011,
                reason: "internal error".into(),
            },
            closed_by: ClosedBy::ServerCloseFrame,
        });
        message.open_for = secs(1.5);
        let held = [
            alive(Variant::Silent, 4.0),
            alive(Variant::Ping, 4.0),
            message,
        ];
        let reading = read_simple(&held, &[]);
        let finding = reading.finding.expect("a finding");
        assert_eq!(finding.cause, Cause::ServerError);
        assert!(finding.message.contains("1011"));
        assert_eq!(reading.decisive, Some(Variant::Message));
        assert!(reading.suspect.is_none());
    }

    #[test]
    fn only_the_pinging_socket_dying_is_an_abnormal_close() {
        let held = [
            alive(Variant::Silent, 4.0),
            reset(alive(Variant::Ping, 4.0), 1.0, 0.2),
            alive(Variant::Message, 4.0),
        ];
        let finding = read_simple(&held, &[]).finding.expect("a finding");
        assert_eq!(finding.cause, Cause::AbnormalClose);
    }

    #[test]
    fn a_cut_before_any_keepalive_is_ambiguous() {
        let mut held = [
            reset(alive(Variant::Silent, 4.0), 2.0, 2.0),
            reset(alive(Variant::Ping, 4.0), 2.0, 2.0),
            reset(alive(Variant::Message, 4.0), 2.0, 2.0),
        ];
        for h in &mut held {
            h.pings_sent = 0;
            h.messages_sent = 0;
        }
        let reading = read(&held, secs(4.0), secs(3.0), "/ws-test", &[]);
        let finding = reading.finding.expect("a finding");
        assert_eq!(finding.cause, Cause::IdleCut);
        assert!(finding.hint.contains("--ping-interval"), "{}", finding.hint);
    }

    #[test]
    fn sockets_dropped_right_after_open_are_not_a_cap() {
        let held = [
            reset(alive(Variant::Silent, 4.0), 0.05, 0.05),
            reset(alive(Variant::Ping, 4.0), 0.05, 0.05),
            reset(alive(Variant::Message, 4.0), 0.06, 0.06),
        ];
        for keepalives in [0, 3] {
            let mut held = held.clone();
            held[1].pings_sent = keepalives;
            held[2].messages_sent = keepalives;
            let finding = read_simple(&held, &[]).finding.expect("a finding");
            assert_eq!(finding.cause, Cause::AbnormalClose, "{}", finding.message);
        }
    }

    #[test]
    fn platform_matching() {
        let idle = CutKind::Idle;
        let s = |t: f64, seen: &[PlatformId]| {
            suspect(secs(t), idle, seen).map(|(s, _)| s.id.to_string())
        };
        assert_eq!(s(60.0, &[PlatformId::AwsAlb]), Some("aws-alb".to_string()));
        assert_eq!(s(61.5, &[PlatformId::Nginx]), Some("nginx".to_string()));
        assert_eq!(s(55.0, &[]), Some("heroku".to_string()));
        assert_eq!(s(100.0, &[]), Some("cloudflare".to_string()));
        assert_eq!(s(98.0, &[]), Some("cloudflare".to_string()));
        assert_eq!(s(120.0, &[]), Some("aws-app-runner".to_string()));
        assert_eq!(s(300.0, &[]), Some("envoy".to_string()));
        assert_eq!(
            s(300.0, &[PlatformId::GoogleCloudRun]),
            Some("google-cloud-run".to_string())
        );
        assert_eq!(s(7.0, &[]), None);
        assert_eq!(s(80.0, &[]), None);
        // A fingerprint outside the tolerance does not drag the match to it.
        assert_eq!(
            s(60.0, &[PlatformId::Cloudflare]),
            Some("nginx".to_string())
        );
        let (alb, others) = suspect(secs(60.0), idle, &[PlatformId::AwsAlb]).unwrap();
        assert!(alb.fingerprinted);
        assert!(others.contains(&"nginx"));
    }

    #[test]
    fn an_idle_cut_at_60_s_behind_an_alb_names_the_alb_setting() {
        let held = [
            reset(alive(Variant::Silent, 90.0), 60.0, 60.0),
            alive(Variant::Ping, 90.0),
            alive(Variant::Message, 90.0),
        ];
        let reading = read(
            &held,
            secs(90.0),
            secs(20.0),
            "/ws-test",
            &[PlatformId::AwsAlb],
        );
        let finding = reading.finding.expect("a finding");
        assert_eq!(
            reading.suspect.as_ref().map(|s| s.id),
            Some(PlatformId::AwsAlb)
        );
        assert!(
            finding.message.contains("idle_timeout.timeout_seconds"),
            "{}",
            finding.message
        );
        assert!(
            finding.hint.contains("idle_timeout.timeout_seconds"),
            "{}",
            finding.hint
        );
        // Silent, no pings for 90 s, against a 60 s cut.
        assert_eq!(reading.heartbeat.often_enough, Some(false));
    }

    #[test]
    fn heartbeats_slower_than_the_cut_are_not_enough() {
        let mut silent = reset(alive(Variant::Silent, 200.0), 160.0, 100.0);
        silent.server_pings = 2;
        silent.server_ping_interval = Some(secs(60.0));
        silent.since_last_byte = secs(100.0);
        let held = [
            silent,
            alive(Variant::Ping, 200.0),
            alive(Variant::Message, 200.0),
        ];
        let reading = read(&held, secs(200.0), secs(20.0), "/ws-test", &[]);
        assert_eq!(reading.cut, Some(secs(100.0)));
        assert_eq!(
            reading.suspect.as_ref().map(|s| s.id),
            Some(PlatformId::Cloudflare)
        );
        assert_eq!(reading.heartbeat.often_enough, Some(true));
        let mut slow = held.clone();
        slow[0].server_ping_interval = Some(secs(120.0));
        let reading = read(&slow, secs(200.0), secs(20.0), "/ws-test", &[]);
        assert_eq!(reading.heartbeat.often_enough, Some(false));
    }

    fn on(road: Road, held: &[Held]) -> RoadReading {
        RoadReading {
            road,
            reading: read(held, secs(4.0), secs(0.5), "/ws-test", &[]),
        }
    }

    #[test]
    fn a_cut_of_one_road_only_names_that_road() {
        let cut = [
            reset(alive(Variant::Silent, 4.0), 3.0, 3.0),
            alive(Variant::Ping, 4.0),
            alive(Variant::Message, 4.0),
        ];
        let kept = [
            alive(Variant::Silent, 4.0),
            alive(Variant::Ping, 4.0),
            alive(Variant::Message, 4.0),
        ];
        let roads = [on(Road::Http2, &cut), on(Road::Http1, &kept)];
        let read = across_roads(&roads, secs(4.0), "/ws-test");
        let finding = read.finding.expect("a finding");
        assert_eq!(finding.cause, Cause::IdleCut);
        assert_eq!(read.decisive, 0);
        assert!(
            finding.message.starts_with(
                "/ws-test: idle cut after 3.0 s on HTTP/2 only; the HTTP/1.1 sockets stayed up"
            ),
            "{}",
            finding.message
        );
        assert!(finding
            .message
            .contains("→ the edge's HTTP/2 stream idle timeout"));
        assert!(finding.hint.starts_with("Only HTTP/2 sockets are cut"));
        assert_eq!(read.summary, finding.message);

        // The other way round: HTTP/1.1 cut, HTTP/2 kept; the cut road decides.
        let roads = [on(Road::Http2, &kept), on(Road::Http1, &cut)];
        let read = across_roads(&roads, secs(4.0), "/ws-test");
        let finding = read.finding.expect("a finding");
        assert_eq!(read.decisive, 1);
        assert!(
            finding
                .message
                .contains("on HTTP/1.1 only; the HTTP/2 sockets stayed up"),
            "{}",
            finding.message
        );
        assert!(finding.message.contains("HTTP/1.1 (tunnel) connections"));

        // Both cut alike: the browser's road leads and the other is said beside it.
        let roads = [on(Road::Http2, &cut), on(Road::Http1, &cut)];
        let read = across_roads(&roads, secs(4.0), "/ws-test");
        let finding = read.finding.expect("a finding");
        assert!(
            finding
                .message
                .ends_with("(over HTTP/2) (over HTTP/1.1 too: idle cut after 3.0 s)"),
            "{}",
            finding.message
        );
        assert!(!finding.message.contains(" only"));

        // Neither cut: a pass that says both roads were held.
        let roads = [on(Road::Http2, &kept), on(Road::Http1, &kept)];
        let read = across_roads(&roads, secs(4.0), "/ws-test");
        assert!(read.finding.is_none());
        assert!(
            read.summary
                .starts_with("3 sockets held 4s on each of HTTP/2 and HTTP/1.1: no cut"),
            "{}",
            read.summary
        );

        // One road: its reading, unchanged.
        let roads = [on(Road::Http1, &cut)];
        let read = across_roads(&roads, secs(4.0), "/ws-test");
        assert_eq!(read.finding, roads[0].reading.finding);
    }

    #[test]
    fn evidence_has_the_contract_fields() {
        let v =
            serde_json::to_value(reset(alive(Variant::Silent, 4.0), 2.0, 1.9).evidence()).unwrap();
        for key in [
            "variant",
            "died",
            "died_after_ms",
            "since_last_byte_ms",
            "closed_by",
            "close_code",
            "close_reason",
            "pings_sent",
            "messages_sent",
            "server_pings",
            "server_ping_interval_ms",
        ] {
            assert!(v.get(key).is_some(), "{key} missing in {v}");
        }
        assert_eq!(v["closed_by"], "connection-reset");
        assert_eq!(v["close_code"], 1006);
        assert_eq!(v["died_after_ms"], 2000.0);
        let v = serde_json::to_value(alive(Variant::Ping, 4.0).evidence()).unwrap();
        assert_eq!(v["closed_by"], "client");
        assert_eq!(v["died"], false);
        assert!(v["died_after_ms"].is_null());
    }
}
