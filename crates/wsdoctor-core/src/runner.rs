//! Executes a [`Plan`]: every check starts as soon as what it needs has finished, so independent
//! checks run concurrently and the wall time is the slowest chain of round trips. The runner hands
//! each check the facts its prerequisites learned, and nothing else.

use crate::checks::{self, Output};
use crate::context::Ctx;
use crate::diagnose::{classify, gates, platform, reasoning};
use crate::facts::{Facts, Inputs, Later};
use crate::plan::{Need, Plan, PlannedCheck, Role};
use crate::probe::stream::Conn;
use crate::redact::Redactor;
use crate::settings::Settings;
use crate::task::AbortOnDrop;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::{mpsc, watch};
use wsdoctor_model::platform::Sightings;
use wsdoctor_model::{
    Attempt, Cause, CheckId, CheckReport, Event, Finding, Report, Stamped, Status,
};

/// Why the run stopped early, if it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interruption {
    /// The run's deadline expired.
    Deadline,
    /// The caller asked to stop (a signal).
    Signal,
}

/// A finished check as the checks after it see it.
struct Published {
    /// Whether dependents may run, and if not, why.
    blocked: Option<String>,
    /// What it and its prerequisites learned.
    facts: Facts,
    /// A connection for the check the plan hands it to.
    connection: Mutex<Option<Conn>>,
    /// Its report, kept only when a later check compares with it (the browser check).
    report: Option<Arc<CheckReport>>,
}

type Slot = watch::Receiver<Option<Arc<Published>>>;

/// How long an observing check may take to report what it saw once the run is stopped.
const STOP_GRACE: Duration = Duration::from_millis(500);

/// What the run's checks leave behind for the report, shared with their tasks.
#[derive(Clone, Default)]
struct Ledger {
    /// Each finished check's report (gated and redacted) and the platforms it saw.
    finished: Arc<Mutex<BTreeMap<CheckId, (CheckReport, Sightings)>>>,
    /// When each check that got past its prerequisites began, in ms from the run's start.
    started: Arc<Mutex<BTreeMap<CheckId, f64>>>,
}

/// The tasks of a run's checks, by how a stop treats them.
struct Running {
    /// Aborted when the run is stopped.
    ordinary: tokio::task::JoinSet<()>,
    /// Asked to stop, and given [`STOP_GRACE`] to report what they saw.
    observers: tokio::task::JoinSet<()>,
    ledger: Ledger,
}

/// Runs the plan, sending events as they happen, and returns the report.
///
/// `interrupt` resolves when the caller wants to stop; the checks still running are then reported
/// as not finished, and the partial report is still returned. Every piece of text in the events and
/// the report has passed through `redactor`.
pub async fn run(
    settings: Arc<Settings>,
    plan: Plan,
    redactor: Redactor,
    events: mpsc::UnboundedSender<Stamped>,
    interrupt: impl Future<Output = ()>,
) -> (Report, Option<Interruption>) {
    let started_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let start = Instant::now();
    let target = redactor.text(&settings.target_for_display());
    let (stop, stop_seen) = watch::channel(false);
    let ctx = Arc::new(Ctx::new(settings.clone(), redactor, events, stop_seen));
    ctx.emit(Event::RunStarted {
        target: target.clone(),
        checks: plan.ids(),
        started_at: started_at.clone(),
    });
    let mut base = Facts::default();
    base.platforms
        .merge(platform::from_host(&settings.target.host()));
    if settings.target.uses_tls() {
        // Loading the system's root store takes tens of milliseconds: overlap it with DNS.
        let ctx = ctx.clone();
        tokio::spawn(async move {
            let _ = ctx.tls().await;
        });
    }

    let mut running = spawn_checks(&plan, &ctx, &base, start);
    let interruption =
        wait_for_end(&mut running, settings.limits.deadline(), interrupt, &stop).await;

    let (checks, seen) = check_reports(&plan, &ctx, &running.ledger, interruption, start);
    let mut platforms = base.platforms;
    platforms.merge(seen.platforms().iter().cloned());
    let mut report = Report::new(target, started_at, checks);
    report.duration_ms = wsdoctor_model::ms(start.elapsed());
    report.platform = platforms.primary().cloned();
    report.interrupted = interruption.is_some();
    report.not_checked = plan.not_checked();
    report.finish();
    gates::apply(&mut report, &settings.gates, &plan);
    report.diagnosis = reasoning::conclude(&report);
    ctx.redactor.scrub(&mut report);
    (report, interruption)
}

/// Starts every check of the plan in its own task, each waiting on the slots of what it needs.
fn spawn_checks(plan: &Plan, ctx: &Arc<Ctx>, base: &Facts, start: Instant) -> Running {
    let mut senders = BTreeMap::new();
    let mut slots: BTreeMap<CheckId, Slot> = BTreeMap::new();
    for check in &plan.checks {
        let (tx, rx) = watch::channel(None);
        senders.insert(check.id, tx);
        slots.insert(check.id, rx);
    }
    let mut running = Running {
        ordinary: tokio::task::JoinSet::new(),
        observers: tokio::task::JoinSet::new(),
        ledger: Ledger::default(),
    };
    // A second copy of a report lives only as long as a check that reads it needs it: a fleet
    // holds hundreds of runs at once.
    let compared_with: BTreeSet<CheckId> = plan
        .checks
        .iter()
        .flat_map(|check| check.needs.iter())
        .filter(|need| matches!(need, Need::Compare(_)))
        .map(|need| need.on())
        .collect();
    for planned in plan.checks.clone() {
        let Some(done) = senders.remove(&planned.id) else {
            continue;
        };
        let needs: Vec<(Need, Slot)> = planned
            .needs
            .iter()
            .filter_map(|need| slots.get(&need.on()).map(|rx| (*need, rx.clone())))
            .collect();
        let ctx = ctx.clone();
        let base = base.clone();
        let ledger = running.ledger.clone();
        let keep_report = compared_with.contains(&planned.id);
        let set = match planned.role {
            Role::Observer => &mut running.observers,
            Role::Ordinary => &mut running.ordinary,
        };
        set.spawn(async move {
            let ran = run_one(&ctx, &planned, base, needs, start, &ledger.started).await;
            let published = publish(&ctx, planned.id, ran, keep_report, &ledger);
            let _ = done.send(Some(Arc::new(published)));
        });
    }
    running
}

/// Records a finished check for the report and the event stream, and what the checks after it
/// see of it.
fn publish(ctx: &Ctx, id: CheckId, ran: Ran, keep_report: bool, ledger: &Ledger) -> Published {
    let Ran {
        report,
        facts,
        connection,
        was_blocked,
    } = ran;
    // A check that failed, or was skipped because its own prerequisite failed, blocks the checks
    // that need it; one that passed, warned, or did not apply does not.
    let blocked = match report.status {
        Status::Pass | Status::Warn => None,
        Status::Skip if !was_blocked => None,
        _ => Some(report.summary.clone()),
    };
    // The checks after it see what it found; the gates (CI thresholds) decide how it is
    // reported, and it is reported now as it will be in the end.
    let kept = keep_report.then(|| Arc::new(report.clone()));
    let mut report = report;
    gates::gate(&mut report, &ctx.settings.gates);
    ctx.redactor.scrub(&mut report);
    // Into the ledger before the event: a run stopped on another thread in between then reports
    // the check as finished, as the stream has printed it.
    let event = Event::CheckFinished(Box::new(report.clone()));
    if let Ok(mut map) = ledger.finished.lock() {
        map.insert(id, (report, facts.platforms.clone()));
    }
    ctx.emit(event);
    Published {
        blocked,
        facts,
        connection: Mutex::new(connection),
        report: kept,
    }
}

/// Waits until every check has finished, the deadline expires or `interrupt` resolves; on a stop,
/// aborts the ordinary checks and gives the observers a moment to report what they saw.
async fn wait_for_end(
    running: &mut Running,
    deadline: Duration,
    interrupt: impl Future<Output = ()>,
    stop: &watch::Sender<bool>,
) -> Option<Interruption> {
    let Running {
        ordinary,
        observers,
        ..
    } = running;
    let interruption = tokio::select! {
        _ = async {
            while ordinary.join_next().await.is_some() {}
            while observers.join_next().await.is_some() {}
        } => None,
        _ = tokio::time::sleep(deadline) => Some(Interruption::Deadline),
        _ = interrupt => Some(Interruption::Signal),
    };
    ordinary.abort_all();
    if interruption.is_some() && !observers.is_empty() {
        let _ = stop.send(true);
        let drained = async { while observers.join_next().await.is_some() {} };
        let _ = tokio::time::timeout(STOP_GRACE, drained).await;
    }
    observers.abort_all();
    interruption
}

/// Every planned check's report in plan order, the unfinished ones said to be so, with the
/// platforms the finished ones saw; store failures explained by what the others found.
fn check_reports(
    plan: &Plan,
    ctx: &Ctx,
    ledger: &Ledger,
    interruption: Option<Interruption>,
    start: Instant,
) -> (Vec<CheckReport>, Sightings) {
    let finished = ledger
        .finished
        .lock()
        .map(|m| m.clone())
        .unwrap_or_default();
    let started = ledger.started.lock().map(|m| m.clone()).unwrap_or_default();
    let mut platforms = Sightings::default();
    let mut checks = Vec::new();
    for planned in &plan.checks {
        match finished.get(&planned.id) {
            Some((report, seen)) => {
                platforms.merge(seen.platforms().iter().cloned());
                checks.push(report.clone());
            }
            None => {
                let began = started.get(&planned.id).copied();
                let mut report = match ctx.retrying(planned.id).filter(|_| began.is_some()) {
                    Some((finding, attempts)) => stopped_retrying(planned.id, finding, attempts),
                    None => unfinished(planned.id, interruption, began, &ctx.settings),
                };
                if let Some(began) = began {
                    report.started_ms = began;
                    report.duration_ms = (wsdoctor_model::ms(start.elapsed()) - began).max(0.0);
                }
                ctx.redactor.scrub(&mut report);
                checks.push(report);
            }
        }
    }
    crate::diagnose::store::explain_failures(&mut checks);
    (checks, platforms)
}

/// One check's outcome as the runner publishes it.
struct Ran {
    /// Its report, redacted.
    report: CheckReport,
    /// What it and its prerequisites learned.
    facts: Facts,
    /// The connection it hands on.
    connection: Option<Conn>,
    /// Whether a failed prerequisite kept it from running.
    was_blocked: bool,
}

/// Waits for what one check needs, runs it (or says why not), and returns its redacted report
/// with the facts and connection it hands on, and whether a failed prerequisite blocked it.
async fn run_one(
    ctx: &Arc<Ctx>,
    planned: &PlannedCheck,
    base: Facts,
    needs: Vec<(Need, Slot)>,
    run_start: Instant,
    started: &Mutex<BTreeMap<CheckId, f64>>,
) -> Ran {
    let (inputs, connection, blocked) = gather(ctx, planned, base, needs).await;
    // Every check finished is a check started, in the stream, skipped ones included.
    if let Some(reason) = &planned.not_applicable {
        ctx.emit(Event::CheckStarted { id: planned.id });
        return Ran {
            report: CheckReport::skipped(planned.id, reason.clone()),
            facts: inputs.facts,
            connection: None,
            was_blocked: false,
        };
    }
    if let Some(reason) = blocked {
        ctx.emit(Event::CheckStarted { id: planned.id });
        return Ran {
            report: CheckReport::skipped(planned.id, reason),
            facts: inputs.facts,
            connection: None,
            was_blocked: true,
        };
    }
    let began = wsdoctor_model::ms(run_start.elapsed());
    if let Ok(mut started) = started.lock() {
        started.insert(planned.id, began);
    }
    ctx.emit(Event::CheckStarted { id: planned.id });
    let mut facts = inputs.facts.clone();
    let id = planned.id;
    let task_ctx = ctx.clone();
    // Boxed: a check's future is tens of kilobytes, and every check's task exists from the start
    // of the run waiting for its prerequisites; unboxed, each would carry that size all along
    // (hundreds of targets at once in a fleet).
    let check: std::pin::Pin<Box<dyn Future<Output = Output> + Send>> =
        Box::pin(async move { checks::run(id, &task_ctx, inputs, connection).await });
    let output = run_isolated(id, check).await;
    let mut report = output.report;
    report.started_ms = began;
    ctx.redactor.scrub(&mut report);
    if let Some(failure) = &report.failure {
        ctx.heard_silence(id, failure.cause, &failure.message);
    }
    facts.merge(&output.learned);
    Ran {
        report,
        facts,
        connection: output.connection,
        was_blocked: false,
    }
}

/// Waits for what `planned` needs: the facts, reports and connection its prerequisites hand on,
/// its consulted checks as facts to wait for later, and why it may not run (a prerequisite it
/// needs to pass did not, or did not finish).
async fn gather(
    ctx: &Ctx,
    planned: &PlannedCheck,
    base: Facts,
    needs: Vec<(Need, Slot)>,
) -> (Inputs, Option<Conn>, Option<String>) {
    let mut inputs = Inputs {
        facts: base,
        ..Inputs::default()
    };
    let mut blocked = None;
    let mut connection = None;
    for (need, mut slot) in needs {
        if let Need::Consult(_, topic) = need {
            let later = Later::new(
                consult(slot),
                ctx.settings.limits.connect_timeout.saturating_mul(2),
            );
            inputs.consulted.insert(topic, later);
            continue;
        }
        let published = slot
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|p| p.clone());
        let Some(published) = published else {
            blocked.get_or_insert(format!("skipped: {} did not finish", need.on()));
            continue;
        };
        if let (Need::Pass(dep), Some(_)) = (need, &published.blocked) {
            blocked.get_or_insert(format!("skipped: needs {dep}, which did not pass"));
        }
        if let (Need::Compare(dep), Some(report)) = (need, &published.report) {
            inputs.compared.insert(dep, report.clone());
        }
        inputs.facts.merge(&published.facts);
        if planned.takes_connection_from == Some(need.on()) {
            connection = published.connection.lock().ok().and_then(|mut c| c.take());
        }
    }
    (inputs, connection, blocked)
}

/// The facts of a consulted check, as a receiver that yields them once it has finished.
fn consult(slot: Slot) -> watch::Receiver<Option<Facts>> {
    let (tx, rx) = watch::channel(None);
    tokio::spawn(async move {
        let mut slot = slot;
        let facts = slot
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|p| p.as_ref().map(|p| p.facts.clone()));
        let _ = tx.send(Some(facts.unwrap_or_default()));
    });
    rx
}

/// Runs a check in its own task, so a panic (a bug) becomes a failed check instead of a check
/// that silently vanished from a passing report.
async fn run_isolated(id: CheckId, check: impl Future<Output = Output> + Send + 'static) -> Output {
    let mut task = AbortOnDrop(tokio::spawn(check));
    match (&mut task.0).await {
        Ok(output) => output,
        Err(error) => {
            let what = if error.is_panic() {
                "the check panicked"
            } else {
                "the check was cancelled"
            };
            let finding = classify::finding(
                Cause::InternalError,
                format!("{what}: wsdoctor could not finish {id}"),
            );
            Output::only(CheckReport::failed(id, finding))
        }
    }
}

/// The report of a check the run stopped before it finished: one that had started and was cut off
/// by the deadline failed (something took too long); one that never started was skipped.
/// A check stopped between two attempts: the last attempt's failure is the root cause the run
/// saw, and it leads; the stop only cut the retries short.
fn stopped_retrying(id: CheckId, mut finding: Finding, attempts: Vec<Attempt>) -> CheckReport {
    finding.message = format!(
        "{} (attempt {} failed; the run was stopped before the next)",
        finding.message,
        attempts.len()
    );
    let mut report = CheckReport::failed(id, finding);
    report.attempts = Some(attempts);
    report
}

fn unfinished(
    id: CheckId,
    why: Option<Interruption>,
    began: Option<f64>,
    settings: &Settings,
) -> CheckReport {
    match why {
        Some(Interruption::Deadline) if began.is_none() => CheckReport::skipped(
            id,
            format!(
                "the run's --deadline of {} expired before it could start",
                humantime::format_duration(settings.limits.deadline())
            ),
        ),
        Some(Interruption::Deadline) => CheckReport::failed(
            id,
            classify::finding(
                Cause::ClientTimeout,
                format!(
                    "not finished when the run's --deadline of {} expired",
                    humantime::format_duration(settings.limits.deadline())
                ),
            ),
        ),
        _ if began.is_none() => CheckReport::skipped(id, "interrupted before it started"),
        _ => CheckReport::skipped(id, "interrupted before it finished"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsdoctor_model::Code;

    #[tokio::test]
    async fn a_panicking_check_fails_with_internal_error() {
        let output = run_isolated(CheckId::Echo, async {
            panic!("a bug");
        })
        .await;
        assert_eq!(output.report.status, Status::Fail);
        let failure = output.report.failure.expect("a finding");
        assert_eq!(failure.code, Code::InternalError);
        assert!(failure.message.contains("panicked"));
    }

    /// A listener that accepts connections and never says a word, for as long as it lives.
    async fn blackhole() -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        (addr, task)
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_bounds_the_run_whatever_the_timeouts() {
        let (addr, server) = blackhole().await;
        let mut settings = Settings::new(crate::Target::parse(&format!("http://{addr}/")).unwrap());
        settings.limits.connect_timeout = std::time::Duration::from_secs(60);
        settings.limits.ws_timeout = std::time::Duration::from_secs(60);
        settings.limits.deadline = Some(std::time::Duration::from_secs(3));
        let settings = Arc::new(settings);
        let plan = Plan::for_settings(&settings);
        let (events, _rx) = mpsc::unbounded_channel();
        let started = tokio::time::Instant::now();
        let (report, interruption) = run(
            settings,
            plan,
            Redactor::default(),
            events,
            std::future::pending(),
        )
        .await;
        // Virtual time: the run ends at its 3 s deadline, not at any of the 60 s timeouts.
        let took = started.elapsed();
        assert!(
            took >= std::time::Duration::from_secs(3) && took < std::time::Duration::from_secs(4),
            "{took:?}"
        );
        assert_eq!(interruption, Some(Interruption::Deadline));
        assert!(report.interrupted);
        let health = report.check(CheckId::Health).unwrap();
        assert_eq!(health.status, Status::Fail);
        assert_eq!(
            health.failure.as_ref().map(|f| f.cause),
            Some(Cause::ClientTimeout)
        );
        // The session check waits for health, so it never started: skipped, not failed.
        let session = report.check(CheckId::Origin).unwrap();
        assert_eq!(session.status, Status::Skip, "{}", session.summary);
        assert!(
            session.summary.contains("before it could start"),
            "{}",
            session.summary
        );
        server.abort();
    }

    #[tokio::test]
    async fn a_finished_check_is_passed_through() {
        let output = run_isolated(CheckId::Dns, async {
            Output::only(CheckReport::skipped(CheckId::Dns, "x"))
        })
        .await;
        assert_eq!(output.report.status, Status::Skip);
    }
}
