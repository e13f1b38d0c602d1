//! Executes a [`Plan`]: every check starts as soon as what it needs has finished, so independent
//! checks run concurrently and the wall time is the slowest chain of round trips.

use crate::checks::{self, RunContext};
use crate::config::Config;
use crate::diagnose::codes::Cause;
use crate::diagnose::{classify, reasoning};
use crate::plan::{CheckId, Need, Plan};
use crate::report::{ms, CheckReport, Event, Report, Status, Tool, Verdict, SCHEMA_ID};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};
use tokio::sync::{mpsc, watch};

/// How a finished check affects the checks that need it.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// Still running.
    Pending,
    /// Passed, warned, or did not apply: dependents may run.
    Usable,
    /// Failed or was skipped for a failure: dependents are skipped, with this reason.
    Blocked(String),
}

/// Why the run stopped early, if it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interruption {
    /// `--deadline` expired.
    Deadline,
    /// Ctrl-C (or another signal the caller maps to this).
    Signal,
}

/// Runs the plan, sending events as they happen, and returns the report.
///
/// `interrupt` resolves when the user asks to stop; the checks still running are then reported
/// as not finished, and the partial report is still returned.
pub async fn run(
    config: Arc<Config>,
    plan: Plan,
    events: mpsc::UnboundedSender<Event>,
    interrupt: impl Future<Output = ()>,
) -> (Report, Option<Interruption>) {
    let started_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let start = Instant::now();
    let _ = events.send(Event::RunStarted {
        target: config.target.to_string(),
        checks: plan.checks.iter().map(|c| c.id).collect(),
        started_at: started_at.clone(),
    });
    let ctx = Arc::new(RunContext::new(config.clone(), events.clone()));
    let results: Arc<Mutex<BTreeMap<CheckId, CheckReport>>> = Arc::default();
    let health_runs = plan
        .get(CheckId::Health)
        .is_some_and(|c| c.not_applicable.is_none());
    if !health_runs {
        ctx.health_finished();
    }
    if config.uses_tls() {
        // Loading the system's root store takes tens of milliseconds: overlap it with DNS.
        let ctx = ctx.clone();
        tokio::task::spawn_blocking(move || {
            let _ = ctx.tls_client();
        });
    }

    let mut senders = BTreeMap::new();
    let mut receivers = BTreeMap::new();
    for check in &plan.checks {
        let (tx, rx) = watch::channel(Outcome::Pending);
        senders.insert(check.id, tx);
        receivers.insert(check.id, rx);
    }

    let mut tasks = tokio::task::JoinSet::new();
    for planned in plan.checks.clone() {
        let ctx = ctx.clone();
        let results = results.clone();
        let events = events.clone();
        let Some(done) = senders.remove(&planned.id) else {
            continue;
        };
        let waits: Vec<(Need, watch::Receiver<Outcome>)> = planned
            .needs
            .iter()
            .filter_map(|need| receivers.get(&need.on()).map(|rx| (*need, rx.clone())))
            .collect();
        tasks.spawn(async move {
            let mut blocked = None;
            for (need, mut rx) in waits {
                let outcome = rx
                    .wait_for(|o| *o != Outcome::Pending)
                    .await
                    .map(|o| o.clone())
                    .unwrap_or(Outcome::Blocked("prerequisite did not finish".into()));
                if let (Need::Pass(dep), Outcome::Blocked(_)) = (need, &outcome) {
                    blocked.get_or_insert(format!("skipped: needs {dep}, which did not pass"));
                }
            }
            let report = if let Some(reason) = &planned.not_applicable {
                CheckReport::skipped(planned.id, reason.clone())
            } else if let Some(reason) = blocked.clone() {
                CheckReport::skipped(planned.id, reason)
            } else {
                let _ = events.send(Event::CheckStarted { id: planned.id });
                let ctx = ctx.clone();
                let id = planned.id;
                run_isolated(id, async move { checks::run(id, &ctx).await }).await
            };
            let outcome = match report.status {
                Status::Pass | Status::Warn => Outcome::Usable,
                Status::Skip if blocked.is_none() => Outcome::Usable,
                _ => Outcome::Blocked(report.summary.clone()),
            };
            let _ = events.send(Event::CheckFinished(report.clone()));
            if let Ok(mut map) = results.lock() {
                map.insert(planned.id, report);
            }
            if planned.id == CheckId::Health {
                ctx.health_finished();
            }
            let _ = done.send(outcome);
        });
    }

    let deadline = tokio::time::sleep(config.limits.deadline);
    let interruption = tokio::select! {
        _ = async { while tasks.join_next().await.is_some() {} } => None,
        _ = deadline => Some(Interruption::Deadline),
        _ = interrupt => Some(Interruption::Signal),
    };
    tasks.abort_all();

    let finished = results.lock().map(|m| m.clone()).unwrap_or_default();
    let mut checks = Vec::new();
    for planned in &plan.checks {
        let report = match finished.get(&planned.id) {
            Some(report) => report.clone(),
            None => unfinished(planned.id, interruption, &config),
        };
        checks.push(report);
    }
    let mut report = Report {
        schema: SCHEMA_ID.to_string(),
        tool: Tool::default(),
        target: config.target.to_string(),
        verdict: Verdict::Pass,
        codes: Vec::new(),
        started_at,
        duration_ms: ms(start.elapsed()),
        platform: ctx.platform(),
        diagnosis: Vec::new(),
        interrupted: interruption.is_some(),
        checks,
    };
    report.finish();
    report.diagnosis = reasoning::conclude(&report);
    (report, interruption)
}

/// Aborts the task it holds when dropped, so an aborted run leaves no check running behind it.
struct AbortOnDrop(tokio::task::JoinHandle<CheckReport>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs a check in its own task, so a panic (a bug) becomes a failed check instead of a check
/// that silently vanished from a passing report.
async fn run_isolated(
    id: CheckId,
    check: impl Future<Output = CheckReport> + Send + 'static,
) -> CheckReport {
    let mut task = AbortOnDrop(tokio::spawn(check));
    match (&mut task.0).await {
        Ok(report) => report,
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
            let mut report = CheckReport::skipped(id, finding.message.clone());
            report.status = Status::Fail;
            report.failure = Some(finding);
            report
        }
    }
}

fn unfinished(id: CheckId, why: Option<Interruption>, config: &Config) -> CheckReport {
    match why {
        Some(Interruption::Deadline) => {
            let mut report = CheckReport::skipped(id, "");
            let finding = classify::finding(
                Cause::ClientTimeout,
                format!(
                    "not finished when the run's --deadline of {} expired",
                    humantime::format_duration(config.limits.deadline)
                ),
            );
            report.status = Status::Fail;
            report.summary = finding.message.clone();
            report.failure = Some(finding);
            report
        }
        _ => CheckReport::skipped(id, "interrupted before it finished"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::codes::Code;

    #[tokio::test]
    async fn a_panicking_check_fails_with_internal_error() {
        let report = run_isolated(CheckId::Echo, async {
            panic!("a bug");
        })
        .await;
        assert_eq!(report.status, Status::Fail);
        let failure = report.failure.expect("a finding");
        assert_eq!(failure.code, Code::InternalError);
        assert!(failure.message.contains("panicked"));
    }

    #[tokio::test]
    async fn a_finished_check_is_passed_through() {
        let report = run_isolated(CheckId::Dns, async {
            CheckReport::skipped(CheckId::Dns, "x")
        })
        .await;
        assert_eq!(report.status, Status::Skip);
    }
}
