//! The one serialisable model of a run. Every renderer is a function of a [`Report`] (or of the
//! [`crate::Event`]s that build it), so JSON, JUnit and the terminal can never disagree.

use crate::check::CheckId;
use crate::codes::{Cause, Code};
use crate::evidence::Evidence;
use crate::finding::{Finding, Notice};
use crate::platform::Platform;
use crate::timing::Timings;
use serde::{Deserialize, Serialize};

/// The schema id of the JSON report; a breaking change is a new version.
pub const SCHEMA_ID: &str = "wsdoctor.report.v1";

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    /// Worked as expected.
    Pass,
    /// Worked, with something worth knowing.
    Warn,
    /// Did not work.
    Fail,
    /// Did not run (a prerequisite failed, or it does not apply).
    Skip,
}

impl Status {
    /// The status as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The run's overall outcome.
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
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Verdict {
    /// Every check passed (or was skipped as not applicable).
    Pass,
    /// Nothing failed, something warned.
    Warn,
    /// At least one check failed.
    Fail,
}

impl Verdict {
    /// The verdict as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// How a WebSocket attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// The attempt did its job.
    Ok,
    /// The attempt failed.
    Fail,
}

/// One WebSocket attempt of a check with retries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attempt {
    /// 1-based attempt number.
    pub number: u32,
    /// Milliseconds since the check started when the attempt began.
    pub started_ms: f64,
    /// How long the attempt took.
    pub duration_ms: f64,
    /// How it ended.
    pub outcome: AttemptOutcome,
    /// The cause of a failed attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    /// What happened.
    pub summary: String,
    /// The close code, when the server sent one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_code: Option<u16>,
    /// The delay before the next attempt, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_ms: Option<f64>,
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// Which check.
    pub id: CheckId,
    /// Its outcome.
    pub status: Status,
    /// When it started, in milliseconds since the run started (the waterfall's time axis).
    pub started_ms: f64,
    /// Wall time of the check, milliseconds.
    pub duration_ms: f64,
    /// One line for people.
    pub summary: String,
    /// Phase timings in milliseconds.
    pub timings: Timings,
    /// The facts the verdict rests on.
    pub evidence: Evidence,
    /// The diagnosis, when the check failed.
    pub failure: Option<Finding>,
    /// Something worth knowing that did not fail the check (status `warn`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<Notice>,
    /// Every WebSocket attempt, for the checks that retry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts: Option<Vec<Attempt>>,
}

impl CheckReport {
    /// A check that did not run.
    pub fn skipped(id: CheckId, reason: impl Into<String>) -> CheckReport {
        CheckReport {
            id,
            status: Status::Skip,
            started_ms: 0.0,
            duration_ms: 0.0,
            summary: reason.into(),
            timings: Timings::new(),
            evidence: Evidence::default(),
            failure: None,
            warning: None,
            attempts: None,
        }
    }

    /// A check that failed before it produced anything but the finding.
    pub fn failed(id: CheckId, finding: Finding) -> CheckReport {
        CheckReport {
            status: Status::Fail,
            summary: finding.message.clone(),
            failure: Some(finding),
            ..CheckReport::skipped(id, "")
        }
    }
}

/// A check of the checklist that did not run because this run lacked an input it needs (no
/// `--session`, no origin): a gap a reader must see, since a pass says nothing about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotChecked {
    /// Which check.
    pub id: CheckId,
    /// Why: the missing input.
    pub why: String,
}

/// The tool that wrote the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tool {
    /// Always `wsdoctor`.
    pub name: &'static str,
    /// The version.
    pub version: &'static str,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: "wsdoctor",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// The whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// [`SCHEMA_ID`].
    pub schema: &'static str,
    /// The tool and its version.
    pub tool: Tool,
    /// The target as given (secrets redacted).
    pub target: String,
    /// The overall outcome.
    pub verdict: Verdict,
    /// Distinct codes of what went wrong, the root cause first: every failure's code and the codes
    /// beside it, then the codes of warnings (a socket that only worked on a retry). Empty on pass.
    pub codes: Vec<Code>,
    /// RFC 3339 start time.
    pub started_at: String,
    /// Wall time of the run, milliseconds.
    pub duration_ms: f64,
    /// The platform in front of the application, when fingerprinted.
    pub platform: Option<Platform>,
    /// Conclusions drawn across checks (e.g. health fine but the upgrade refused).
    pub diagnosis: Vec<String>,
    /// Whether the run was cut short by a signal or the deadline.
    pub interrupted: bool,
    /// The checks that did not run for want of an input, in checklist order.
    pub not_checked: Vec<NotChecked>,
    /// The checks in checklist order.
    pub checks: Vec<CheckReport>,
}

impl Report {
    /// A report of `checks`, with the verdict and codes computed from them.
    pub fn new(target: String, started_at: String, checks: Vec<CheckReport>) -> Report {
        let mut report = Report {
            schema: SCHEMA_ID,
            tool: Tool::default(),
            target,
            verdict: Verdict::Pass,
            codes: Vec::new(),
            started_at,
            duration_ms: 0.0,
            platform: None,
            diagnosis: Vec::new(),
            interrupted: false,
            not_checked: Vec::new(),
            checks,
        };
        report.finish();
        report
    }

    /// Computes the verdict and codes from the checks. An interrupted run (a signal, the
    /// deadline) is never a pass: what it did not get to is unknown.
    pub fn finish(&mut self) {
        let any = |s: Status| self.checks.iter().any(|c| c.status == s);
        self.verdict = if any(Status::Fail) {
            Verdict::Fail
        } else if any(Status::Warn) || self.interrupted {
            Verdict::Warn
        } else {
            Verdict::Pass
        };
        let mut failed: Vec<Code> = Vec::new();
        for finding in self.checks.iter().filter_map(|c| c.failure.as_ref()) {
            failed.push(finding.code);
            failed.extend(finding.also.iter().copied());
        }
        failed.sort_by_key(|c| c.rank());
        let mut warned: Vec<Code> = self
            .checks
            .iter()
            .filter_map(|c| c.warning.as_ref().map(|w| w.code))
            .collect();
        warned.sort_by_key(|c| c.rank());
        let mut codes = Vec::new();
        for code in failed.into_iter().chain(warned) {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        self.codes = codes;
    }

    /// The check with this id, if it is in the report.
    pub fn check(&self, id: CheckId) -> Option<&CheckReport> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// How many checks ended with `status`.
    pub fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: CheckId, status: Status, cause: Option<Cause>) -> CheckReport {
        let mut report = CheckReport::skipped(id, "x");
        report.status = status;
        report.failure = cause.map(|c| Finding::new(c, "m"));
        report
    }

    #[test]
    fn an_interrupted_run_is_never_a_pass() {
        let mut report = Report::new(
            "t".into(),
            "now".into(),
            vec![
                check(CheckId::Health, Status::Pass, None),
                CheckReport::skipped(CheckId::Echo, "interrupted before it started"),
            ],
        );
        assert_eq!(report.verdict, Verdict::Pass);
        report.interrupted = true;
        report.finish();
        assert_eq!(report.verdict, Verdict::Warn);
    }

    #[test]
    fn verdict_and_codes_come_from_the_checks() {
        let report = Report::new(
            "t".into(),
            "now".into(),
            vec![
                check(CheckId::Health, Status::Fail, Some(Cause::HealthStatus)),
                check(CheckId::Echo, Status::Fail, Some(Cause::TcpRefused)),
                check(CheckId::Terminal, Status::Fail, Some(Cause::DnsNotFound)),
                check(CheckId::Cors, Status::Warn, None),
            ],
        );
        assert_eq!(report.verdict, Verdict::Fail);
        // Ranked, deduplicated: CONNECTION_FAILED before HEALTH_CHECK_FAILED.
        assert_eq!(
            report.codes,
            vec![Code::ConnectionFailed, Code::HealthCheckFailed]
        );
        let warned = Report::new(
            "t".into(),
            "now".into(),
            vec![
                check(CheckId::Cors, Status::Warn, None),
                check(CheckId::Dns, Status::Skip, None),
            ],
        );
        assert_eq!(warned.verdict, Verdict::Warn);
        assert!(warned.codes.is_empty());

        // The root cause leads; the web client's wrapper comes after it.
        let mut retried = check(CheckId::Terminal, Status::Fail, Some(Cause::ClientTimeout));
        if let Some(f) = retried.failure.as_mut() {
            f.also = vec![Code::MaxRetriesExceeded];
        }
        let mut flaky = check(CheckId::Echo, Status::Warn, None);
        flaky.warning = Some(Notice::of(Cause::AbnormalClose, "m", "h"));
        let report = Report::new("t".into(), "now".into(), vec![retried, flaky]);
        assert_eq!(
            report.codes,
            vec![
                Code::ConnectionTimeout,
                Code::MaxRetriesExceeded,
                Code::AbnormalClosure
            ]
        );
        assert_eq!(warned.count(Status::Skip), 1);
    }

    #[test]
    fn a_report_serialises_to_the_contract_fields() {
        let report = Report::new("t".into(), "now".into(), vec![]);
        let json = serde_json::to_value(&report).unwrap();
        for key in [
            "schema",
            "tool",
            "target",
            "verdict",
            "codes",
            "started_at",
            "duration_ms",
            "platform",
            "checks",
        ] {
            assert!(json.get(key).is_some(), "{key} missing");
        }
        assert_eq!(json["schema"], SCHEMA_ID);
    }
}
