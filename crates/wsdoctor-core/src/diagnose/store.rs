//! What the session store's answers mean: a failed step becomes a cause, and what the store said
//! about itself (role, memory, eviction, latency, the session's key) becomes a verdict. Pure
//! functions, so every rule is tested without a store.

use crate::probe::store::StoreFailure;
use std::time::Duration;
use wsdoctor_model::evidence::{Common, LatencyStats, SessionKey, Underlying};
use wsdoctor_model::timing::human;
use wsdoctor_model::{Cause, CheckId, CheckReport, Finding, Notice, Status};

/// The step of the conversation with the store that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Opening the RESP connection.
    Open,
    /// `AUTH [user] password`.
    Auth,
    /// `SELECT db`.
    Select,
    /// The timed `PING`s (how many answered before this one).
    Ping(u32),
    /// `INFO`.
    Info,
    /// `TYPE`/`PTTL` of the session's key.
    Key,
}

impl Step {
    fn command(self) -> &'static str {
        match self {
            Step::Open => "the connection",
            Step::Auth => "AUTH",
            Step::Select => "SELECT",
            Step::Ping(_) => "PING",
            Step::Info => "INFO",
            Step::Key => "TYPE/PTTL",
        }
    }
}

/// A failed step as a finding. `address` is the store's `host:port`, `tls` whether the URL asked
/// for TLS, `authenticated` whether the URL carries credentials.
pub(crate) fn step_failure(
    step: Step,
    failure: &StoreFailure,
    address: &str,
    tls: bool,
    authenticated: bool,
    database: i64,
) -> Finding {
    let command = step.command();
    match failure {
        StoreFailure::Timeout(t) => Finding::new(
            Cause::StoreSlow,
            format!(
                "the session store at {address} did not answer {command} within {}: it is blocked (a long command, a paused client) or overloaded, and every session lookup waits as long",
                human(*t)
            ),
        ),
        StoreFailure::Lost(e) => {
            // The first command sent on the connection: AUTH, else SELECT, else the first PING.
            let first = match step {
                Step::Open | Step::Auth => true,
                Step::Select => !authenticated,
                Step::Ping(0) => !authenticated && database == 0,
                _ => false,
            };
            if first && !tls {
                let mut finding = Finding::new(
                    Cause::StoreUnreachable,
                    format!("the session store at {address} closed the connection at the first command ({e})"),
                );
                finding.hint = format!(
                    "{} A store that expects TLS drops plain connections like this: if it does, use rediss://.",
                    finding.hint
                );
                finding
            } else {
                let when = match step {
                    Step::Ping(0) => "before the first PING was answered".to_string(),
                    Step::Ping(done) => format!("after {done} PINGs"),
                    _ => format!("during {command}"),
                };
                Finding::new(
                    Cause::StoreUnreachable,
                    format!("the connection to the session store at {address} was lost {when}: {e}"),
                )
            }
        }
        StoreFailure::Protocol(e) => Finding::new(
            Cause::StoreUnreachable,
            format!("{address} does not answer as a Redis server does ({e}): is it the store's port?"),
        ),
        // Our limit, named as ours: a Redis server answers these commands in a few KiB.
        StoreFailure::TooLarge(limit) => Finding::new(
            Cause::StoreUnreachable,
            format!("{address} answered {command} with more than {limit}; a Redis server answers it in a few KiB, so this is not one, or not a working one: is it the store's port?"),
        ),
        StoreFailure::Server { code, .. } => {
            let said = failure.describe();
            match code.as_str() {
                "NOAUTH" if authenticated => Finding::new(
                    Cause::StoreAuthRefused,
                    format!("the session store at {address} still demands authentication (NOAUTH) after the URL's credentials: {said}"),
                ),
                "NOAUTH" => Finding::new(
                    Cause::StoreAuthRefused,
                    format!("the session store at {address} demands a password (NOAUTH) and the URL has none"),
                ),
                "WRONGPASS" => Finding::new(
                    Cause::StoreAuthRefused,
                    format!("the session store at {address} refused the URL's credentials: {said}"),
                ),
                "NOPERM" => Finding::new(
                    Cause::StoreAuthRefused,
                    format!("the session store's ACL does not let the URL's user run {command}: {said}"),
                ),
                "LOADING" | "BUSY" | "MASTERDOWN" | "TRYAGAIN" | "CLUSTERDOWN" | "READONLY" => {
                    Finding::new(
                        Cause::StoreNotReady,
                        format!("the session store at {address} cannot serve {command}: {said}"),
                    )
                }
                _ if step == Step::Auth => Finding::new(
                    Cause::StoreAuthRefused,
                    format!("the session store at {address} refused AUTH: {said}"),
                ),
                _ if step == Step::Select => Finding::new(
                    Cause::StoreWrongDatabase,
                    format!("the session store at {address} refused SELECT {database}: {said}"),
                ),
                _ => Finding::new(
                    Cause::StoreNotReady,
                    format!("the session store at {address} answered {command} with an error: {said}"),
                ),
            }
        }
    }
}

/// What the store told about itself and the session's key, gathered once connected.
#[derive(Debug, Clone, Default)]
pub(crate) struct Observed {
    /// `host:port`.
    pub(crate) address: String,
    /// The database selected.
    pub(crate) database: i64,
    /// `redis_version`.
    pub(crate) version: Option<String>,
    /// `role`.
    pub(crate) role: Option<String>,
    /// `master_host:master_port`, for a replica.
    pub(crate) master: Option<String>,
    /// `loading:1`.
    pub(crate) loading: bool,
    /// `used_memory`.
    pub(crate) used_memory: Option<u64>,
    /// `maxmemory` (0: no limit).
    pub(crate) maxmemory: Option<u64>,
    /// `maxmemory_policy`.
    pub(crate) policy: Option<String>,
    /// The PINGs.
    pub(crate) round_trips: Option<LatencyStats>,
    /// The session's key, when looked at.
    pub(crate) key: Option<SessionKey>,
    /// Whether the session endpoint accepted the session (`None`: it was not asked).
    pub(crate) session_accepted: Option<bool>,
    /// Why the session's key was not looked at, when a session was given.
    pub(crate) key_skipped: Option<String>,
}

/// The thresholds the verdict uses.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Thresholds {
    /// A median PING above this is slow.
    pub(crate) slow: Duration,
    /// A key that expires sooner than this warns.
    pub(crate) min_ttl: Duration,
}

/// The store check's conclusion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Nothing to say but the summary.
    Pass,
    /// Works, with a caveat.
    Warn(Notice),
    /// Does not serve sessions as it should.
    Fail(Finding),
}

/// How a slow store's warning ends: what it does not know on its own.
const FROM_HERE: &str = "; measured from where wsdoctor runs, not from the application, so it fails the run only when a session validation times out";

/// Share of `maxmemory` in use above which a full store is near.
const MEMORY_NEARLY_FULL: f64 = 0.9;

/// Judges what the store said, the gravest finding first: a replica or a loading store cannot
/// serve at all, a slow one serves every lookup late, a missing key is the session's own problem.
pub(crate) fn judge(seen: &Observed, thresholds: Thresholds) -> Verdict {
    let address = &seen.address;
    if matches!(seen.role.as_deref(), Some("slave" | "replica")) {
        let of = seen
            .master
            .as_deref()
            .map(|m| format!(" of {m}"))
            .unwrap_or_default();
        return Verdict::Fail(Finding::new(
            Cause::StoreNotReady,
            format!("the session store at {address} is a read-only replica{of} (role slave): the application's session writes fail there with READONLY"),
        ));
    }
    if seen.loading {
        return Verdict::Fail(Finding::new(
            Cause::StoreNotReady,
            format!("the session store at {address} is still loading its dataset: sessions are not readable until it has"),
        ));
    }
    // Slowness is measured from here, not from the application: on its own it is a warning,
    // and it leads as a failure only when it explains one (see `explain_failures`).
    let slow = seen.round_trips.as_ref().and_then(|stats| {
        let slow_ms = thresholds.slow.as_secs_f64() * 1000.0;
        (stats.received > 0 && stats.median_ms > slow_ms).then(|| {
            Notice::of(
                Cause::StoreSlow,
                format!(
                    "the session store at {address} answers slowly from here: PING median {} (p99 {}) over {} round trips, above --store-slow {}{FROM_HERE}",
                    human_ms(stats.median_ms),
                    human_ms(stats.p99_ms),
                    stats.received,
                    human(thresholds.slow)
                ),
                Cause::StoreSlow.hint(),
            )
        })
    });
    if let Some(key) = seen.key.as_ref().filter(|k| !k.exists) {
        let db = seen.database;
        if !key.found_in_databases.is_empty() {
            let list: Vec<String> = key.found_in_databases.iter().map(i64::to_string).collect();
            return Verdict::Fail(Finding::new(
                Cause::StoreWrongDatabase,
                format!(
                    "the key {} is not in database {db} but exists in database {}: the URL, or the application, uses the wrong database",
                    key.key,
                    list.join(", ")
                ),
            ));
        }
        if seen.session_accepted != Some(true) {
            return Verdict::Fail(Finding::new(
                Cause::SessionExpiredOrNeverCreated,
                format!(
                    "the key {} does not exist in database {db}: the session was never created or has expired",
                    key.key
                ),
            ));
        }
        if let Some(slow) = slow {
            return Verdict::Warn(slow);
        }
        return Verdict::Warn(Notice::of(
            Cause::SessionKeyElsewhere,
            format!("the key {} is not in database {db}, yet the application accepts the session: the key template or the database given here is not the application's", key.key),
            "pass the application's key template with --session-key (its diagnostics endpoint can advertise it as sessionStore.keyTemplate) and its database in the URL's path",
        ));
    }
    if let Some(slow) = slow {
        return Verdict::Warn(slow);
    }
    if let Some(ttl) = seen.key.as_ref().and_then(|k| k.ttl_ms) {
        let ttl = Duration::from_millis(ttl);
        if ttl < thresholds.min_ttl {
            let key = seen
                .key
                .as_ref()
                .map(|k| k.key.as_str())
                .unwrap_or_default();
            return Verdict::Warn(Notice::of(
                Cause::SessionExpiring,
                format!(
                    "the key {key} expires in {}, within the session's expected use (--session-min-ttl {})",
                    human(ttl),
                    human(thresholds.min_ttl)
                ),
                Cause::SessionExpiring.hint(),
            ));
        }
    }
    if let Some(policy) = seen.policy.as_deref().filter(|p| p.starts_with("allkeys-")) {
        return Verdict::Warn(Notice::of(
            Cause::StoreEvictsSessions,
            format!("the eviction policy is {policy}: when the store is full it evicts any key, sessions included, and their users see SESSION_INVALID"),
            "use volatile-lru (or volatile-ttl) with a TTL on every session key, noeviction if nothing may be lost, or keep sessions in a store of their own",
        ));
    }
    if let (Some(used), Some(max)) = (seen.used_memory, seen.maxmemory.filter(|m| *m > 0)) {
        let share = used as f64 / max as f64;
        if share >= MEMORY_NEARLY_FULL {
            let consequence = match seen.policy.as_deref() {
                Some("noeviction") => "new sessions will fail to be written (OOM)",
                _ => "keys will be evicted",
            };
            return Verdict::Warn(Notice::of(
                Cause::StoreMemoryFull,
                format!(
                    "the store uses {} of its maxmemory {} ({:.0}%): {consequence}",
                    bytes(used),
                    bytes(max),
                    share * 100.0
                ),
                "raise maxmemory, shorten session TTLs, or move other data out of the session store",
            ));
        }
    }
    Verdict::Pass
}

/// Makes a slow store, a warning on its own, the failure that leads when it explains another:
/// a session validation that timed out (the server's 1008, the session endpoint's silence) or a
/// terminal that never greeted. Runs on the finished checks, before the verdict is drawn.
pub(crate) fn explain_failures(checks: &mut [CheckReport]) {
    let explained = checks.iter().find_map(|check| {
        let failure = check.failure.as_ref()?;
        let what = match (check.id, failure.cause) {
            (CheckId::Terminal, Cause::ServerTimeout) => {
                "the server's session validation timed out (1008)"
            }
            (CheckId::Terminal, Cause::ClientTimeout) => "the terminal never greeted",
            (CheckId::Session, Cause::HttpTimeout) => "the session endpoint did not answer in time",
            _ => return None,
        };
        Some(format!("{what} ({} {})", check.id, failure.cause.as_str()))
    });
    let Some(explained) = explained else {
        return;
    };
    let Some(store) = checks.iter_mut().find(|c| {
        c.id == CheckId::Store
            && c.status == Status::Warn
            && c.warning.as_ref().map(|w| w.cause) == Some(Cause::StoreSlow)
    }) else {
        return;
    };
    let Some(warning) = store.warning.take() else {
        return;
    };
    let message = warning
        .message
        .split(FROM_HERE)
        .next()
        .unwrap_or_default()
        .to_string();
    store.status = Status::Fail;
    store.failure = Some(Finding::new(
        Cause::StoreSlow,
        format!("{message}, and {explained}: a store this slow from here is the likely reason (measured from here, not from the application)"),
    ));
}

/// A store failure whose reason is a transport failure: the store's cause leads, the transport's
/// finding is kept as the underlying one, its evidence as the check's.
fn behind(
    cause: Cause,
    what: String,
    (inner, mut evidence): (Finding, Common),
) -> (Finding, Common) {
    let finding = Finding::new(cause, format!("{what}: {}", inner.message));
    evidence.underlying = Some(Underlying {
        code: inner.code,
        cause: inner.cause,
        message: inner.message,
    });
    (finding, evidence)
}

/// The store at `address` cannot be reached, for the reason the DNS or TCP finding `inner` says.
pub(crate) fn unreachable(address: &str, inner: (Finding, Common)) -> (Finding, Common) {
    behind(
        Cause::StoreUnreachable,
        format!("the session store at {address} cannot be reached"),
        inner,
    )
}

/// The store's host has no address of the family asked for.
pub(crate) fn no_address_of_family(host: &str, family: &str) -> Finding {
    Finding::new(
        Cause::DnsNotFound,
        format!("{host} has no {family} address"),
    )
}

/// TLS with the store cannot start, as `why` says (a client configuration that does not build).
pub(crate) fn tls_unavailable(address: &str, why: impl std::fmt::Display) -> Finding {
    Finding::new(
        Cause::StoreTls,
        format!("TLS with the session store at {address} cannot start: {why}"),
    )
}

/// TLS with the store failed, as the TLS finding `inner` says.
pub(crate) fn tls_failed(address: &str, inner: (Finding, Common)) -> (Finding, Common) {
    let hint = inner.0.hint.clone();
    let (mut finding, evidence) = behind(
        Cause::StoreTls,
        format!("TLS with the session store at {address} failed"),
        inner,
    );
    // The certificate's own advice (its dates, its names) reads on after the store's.
    finding.hint = format!("{} {hint}", finding.hint);
    (finding, evidence)
}

/// Why the session's key is not looked at when a session is given but no key template is known;
/// `diagnostics_read`: the diagnostics endpoint answered (and advertised none).
pub(crate) fn no_key_template(diagnostics_read: bool) -> String {
    if diagnostics_read {
        "no key template: the diagnostics endpoint advertises none; pass the application's with --session-key (e.g. 'session:{session}')".to_string()
    } else {
        "no key template: none was given and the diagnostics check, which learns the one the application advertises, did not run (or did not answer); pass it with --session-key (e.g. 'session:{session}')".to_string()
    }
}

/// Milliseconds for people, as the rest of the report writes them.
fn human_ms(ms: f64) -> String {
    format!("{ms:.2} ms")
}

/// The one-line summary of a store that answered.
pub(crate) fn summary(seen: &Observed) -> String {
    let mut parts = Vec::new();
    let mut server = String::from("redis");
    if let Some(v) = &seen.version {
        server.push(' ');
        server.push_str(v);
    }
    if let Some(role) = &seen.role {
        server.push(' ');
        server.push_str(role);
    }
    parts.push(server);
    if let Some(stats) = &seen.round_trips {
        parts.push(format!(
            "PING min {:.2} / median {:.2} / p99 {:.2} ms",
            stats.min_ms, stats.median_ms, stats.p99_ms
        ));
    }
    if let Some(used) = seen.used_memory {
        let limit = match seen.maxmemory {
            Some(0) | None => "no maxmemory".to_string(),
            Some(max) => format!("of {}", bytes(max)),
        };
        parts.push(format!("{} {limit}", bytes(used)));
    }
    if let Some(policy) = &seen.policy {
        parts.push(policy.clone());
    }
    match &seen.key {
        Some(key) if key.exists => {
            let kind = key.kind.as_deref().unwrap_or("key");
            let ttl = match key.ttl_ms {
                Some(ms) => format!("expires in {}", human(Duration::from_millis(ms))),
                None => "no expiry".to_string(),
            };
            parts.push(format!("{} {kind}, {ttl}", key.key));
        }
        Some(key) => parts.push(format!("{} missing", key.key)),
        None if seen.key_skipped.is_some() => parts
            .push("session key not looked at (no key template: pass --session-key)".to_string()),
        None => {}
    }
    parts.join(", ")
}

/// Bytes for people: `812 KiB`, `1.2 MiB`, `4.0 GiB`.
pub(crate) fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsdoctor_model::Code;

    fn thresholds() -> Thresholds {
        Thresholds {
            slow: Duration::from_millis(100),
            min_ttl: Duration::from_secs(600),
        }
    }

    fn healthy() -> Observed {
        Observed {
            address: "127.0.0.1:6379".into(),
            version: Some("7.0.15".into()),
            role: Some("master".into()),
            policy: Some("noeviction".into()),
            used_memory: Some(1_000_000),
            maxmemory: Some(0),
            key: Some(SessionKey {
                key: "session:x".into(),
                exists: true,
                kind: Some("string".into()),
                ttl_ms: Some(3_600_000),
                ..SessionKey::default()
            }),
            ..Observed::default()
        }
    }

    fn cause(verdict: Verdict) -> Option<Cause> {
        match verdict {
            Verdict::Fail(f) => Some(f.cause),
            Verdict::Warn(n) => Some(n.cause),
            Verdict::Pass => None,
        }
    }

    #[test]
    fn a_healthy_store_passes_and_says_what_it_is() {
        let seen = healthy();
        assert_eq!(judge(&seen, thresholds()), Verdict::Pass);
        let text = summary(&seen);
        assert!(text.contains("redis 7.0.15 master"), "{text}");
        assert!(
            text.contains("session:x string, expires in 60 min"),
            "{text}"
        );
    }

    #[test]
    fn each_observation_has_its_cause() {
        let mut replica = healthy();
        replica.role = Some("slave".into());
        assert_eq!(
            cause(judge(&replica, thresholds())),
            Some(Cause::StoreNotReady)
        );

        let mut missing = healthy();
        if let Some(k) = missing.key.as_mut() {
            k.exists = false;
        }
        assert_eq!(
            cause(judge(&missing, thresholds())),
            Some(Cause::SessionExpiredOrNeverCreated)
        );
        assert_eq!(
            Cause::SessionExpiredOrNeverCreated.code(),
            Code::SessionInvalid
        );
        // The application accepts it: our template or database is the odd one out.
        missing.session_accepted = Some(true);
        assert!(
            matches!(judge(&missing, thresholds()), Verdict::Warn(n) if n.cause == Cause::SessionKeyElsewhere)
        );
        if let Some(k) = missing.key.as_mut() {
            k.found_in_databases = vec![0];
        }
        missing.database = 1;
        assert_eq!(
            cause(judge(&missing, thresholds())),
            Some(Cause::StoreWrongDatabase)
        );

        let mut expiring = healthy();
        if let Some(k) = expiring.key.as_mut() {
            k.ttl_ms = Some(300);
        }
        assert_eq!(
            cause(judge(&expiring, thresholds())),
            Some(Cause::SessionExpiring)
        );

        let mut evicting = healthy();
        evicting.policy = Some("allkeys-lru".into());
        assert!(
            matches!(judge(&evicting, thresholds()), Verdict::Warn(n) if n.message.contains("sessions included"))
        );

        let mut full = healthy();
        full.maxmemory = Some(1_050_000);
        assert!(
            matches!(judge(&full, thresholds()), Verdict::Warn(n) if n.message.contains("OOM"))
        );
    }

    #[test]
    fn a_slow_median_warns_and_one_slow_round_trip_does_not() {
        let stats = |median: f64, p99: f64| LatencyStats {
            sent: 10,
            received: 10,
            loss_percent: 0.0,
            min_ms: 0.1,
            median_ms: median,
            p90_ms: p99,
            p99_ms: p99,
            max_ms: p99,
            mean_ms: median,
            jitter_ms: 0.0,
        };
        let mut seen = healthy();
        seen.round_trips = Some(stats(150.0, 200.0));
        let slow = judge(&seen, thresholds());
        assert!(
            matches!(&slow, Verdict::Warn(n) if n.cause == Cause::StoreSlow && n.message.contains("median 150.00 ms")),
            "{slow:?}"
        );
        // A graver finding about the key still fails: slowness does not hide it.
        let mut missing = seen.clone();
        if let Some(k) = missing.key.as_mut() {
            k.exists = false;
        }
        assert_eq!(
            cause(judge(&missing, thresholds())),
            Some(Cause::SessionExpiredOrNeverCreated)
        );
        seen.round_trips = Some(stats(0.2, 400.0));
        assert_eq!(judge(&seen, thresholds()), Verdict::Pass);

        // It leads as a failure only beside a validation it explains.
        let Verdict::Warn(notice) = slow else {
            unreachable!()
        };
        let mut store = CheckReport::skipped(CheckId::Store, "x");
        store.status = Status::Warn;
        store.warning = Some(notice);
        let greeted = CheckReport::skipped(CheckId::Terminal, "greeted");
        let mut checks = vec![store.clone(), greeted];
        explain_failures(&mut checks);
        assert_eq!(checks[0].status, Status::Warn);
        let hung = CheckReport::failed(
            CheckId::Terminal,
            Finding::new(Cause::ServerTimeout, "closed 1008"),
        );
        let mut checks = vec![store, hung];
        explain_failures(&mut checks);
        assert_eq!(checks[0].status, Status::Fail);
        let finding = checks[0].failure.as_ref().unwrap();
        assert_eq!(finding.cause, Cause::StoreSlow);
        assert!(
            finding.message.contains("median 150.00 ms"),
            "{}",
            finding.message
        );
        assert!(finding.message.contains("timed out"), "{}", finding.message);
        assert!(checks[0].warning.is_none());
    }

    #[test]
    fn failed_steps_name_their_cause() {
        let server = |code: &str, detail: &str| StoreFailure::Server {
            code: code.into(),
            detail: detail.into(),
        };
        let at = |step, failure: &StoreFailure, auth| {
            step_failure(step, failure, "h:1", false, auth, 3).cause
        };
        assert_eq!(
            at(
                Step::Ping(0),
                &server("NOAUTH", "Authentication required."),
                false
            ),
            Cause::StoreAuthRefused
        );
        assert_eq!(
            at(
                Step::Auth,
                &server("WRONGPASS", "invalid username-password pair"),
                true
            ),
            Cause::StoreAuthRefused
        );
        assert_eq!(
            at(
                Step::Select,
                &server("ERR", "DB index is out of range"),
                true
            ),
            Cause::StoreWrongDatabase
        );
        assert_eq!(
            at(
                Step::Ping(0),
                &server("LOADING", "Redis is loading the dataset in memory"),
                false
            ),
            Cause::StoreNotReady
        );
        assert_eq!(
            at(
                Step::Ping(2),
                &server("BUSY", "Redis is busy running a script."),
                false
            ),
            Cause::StoreNotReady
        );
        assert_eq!(
            at(
                Step::Ping(3),
                &StoreFailure::Timeout(Duration::from_secs(1)),
                false
            ),
            Cause::StoreSlow
        );
        let lost = StoreFailure::Lost("connection reset".into());
        assert_eq!(at(Step::Ping(3), &lost, false), Cause::StoreUnreachable);
        let first = step_failure(Step::Ping(0), &lost, "h:1", false, false, 0);
        assert!(first.hint.contains("rediss://"), "{}", first.hint);
        // After AUTH was answered, a lost first PING is a store that went away, not TLS.
        let later = step_failure(Step::Ping(0), &lost, "h:1", false, true, 0);
        assert!(
            later.message.contains("before the first PING"),
            "{}",
            later.message
        );
        assert!(!later.hint.contains("rediss://"));
    }

    #[test]
    fn bytes_read_well() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1_200_000), "1.1 MiB");
        assert_eq!(bytes(4 * 1024 * 1024 * 1024), "4.0 GiB");
    }
}
