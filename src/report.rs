//! The one serialisable model of a run. Every renderer is a function of a [`Report`] (or of the
//! [`Event`]s that build it), so JSON, JUnit and the terminal can never disagree.

use crate::diagnose::codes::{Cause, Code};
use crate::diagnose::platform::Platform;
use crate::plan::CheckId;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The schema id of the JSON report; a breaking change is a new version.
pub const SCHEMA_ID: &str = "wsdoctor.report.v1";

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// The run's overall outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every check passed (or was skipped as not applicable).
    Pass,
    /// Nothing failed, something warned.
    Warn,
    /// At least one check failed.
    Fail,
}

/// A diagnosed failure (or warning): the stable code, the precise cause, and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The stable code.
    pub code: Code,
    /// The fine-grained cause.
    pub cause: Cause,
    /// What happened, in one sentence with the facts.
    pub message: String,
    /// The next action.
    pub hint: String,
}

/// A caveat on a check that worked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    /// What is worth knowing.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl Notice {
    /// A notice with a hint.
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Notice {
        Notice {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// One WebSocket attempt of a check with retries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// 1-based attempt number.
    pub number: u32,
    /// Milliseconds since the check started when the attempt began.
    pub started_ms: f64,
    /// How long the attempt took.
    pub duration_ms: f64,
    /// `ok` or `fail`.
    pub outcome: String,
    /// The cause of a failed attempt.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cause: Option<Cause>,
    /// What happened.
    pub summary: String,
    /// The close code, when the server sent one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub close_code: Option<u16>,
    /// The delay before the next attempt, when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub retry_in_ms: Option<f64>,
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// Which check.
    pub id: CheckId,
    /// Its outcome.
    pub status: Status,
    /// Wall time of the check, milliseconds.
    pub duration_ms: f64,
    /// One line for people.
    pub summary: String,
    /// Phase timings in milliseconds (`dns`, `tcp_connect`, `tls_handshake`, `http_ttfb`,
    /// `ws_handshake`, `echo_round_trip`, `first_message`).
    pub timings: BTreeMap<String, f64>,
    /// The facts the verdict rests on: status line, headers, body excerpt, close code…
    pub evidence: Map<String, Value>,
    /// The diagnosis, when the check failed.
    pub failure: Option<Finding>,
    /// Something worth knowing that did not fail the check (status `warn`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub warning: Option<Notice>,
    /// Every WebSocket attempt, for the checks that retry.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub attempts: Option<Vec<Attempt>>,
}

impl CheckReport {
    /// A check that did not run.
    pub fn skipped(id: CheckId, reason: impl Into<String>) -> CheckReport {
        CheckReport {
            id,
            status: Status::Skip,
            duration_ms: 0.0,
            summary: reason.into(),
            timings: BTreeMap::new(),
            evidence: Map::new(),
            failure: None,
            warning: None,
            attempts: None,
        }
    }
}

/// The tool that wrote the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    /// Always `wsdoctor`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: "wsdoctor".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// The whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`SCHEMA_ID`].
    pub schema: String,
    /// The tool and its version.
    pub tool: Tool,
    /// The target as given (secrets redacted).
    pub target: String,
    /// The overall outcome.
    pub verdict: Verdict,
    /// Distinct failure codes, most fundamental first; empty on pass.
    pub codes: Vec<Code>,
    /// RFC 3339 start time.
    pub started_at: String,
    /// Wall time of the run, milliseconds.
    pub duration_ms: f64,
    /// The platform in front of the application, when fingerprinted.
    pub platform: Option<Platform>,
    /// Conclusions drawn across checks (e.g. health fine but the upgrade refused).
    #[serde(default)]
    pub diagnosis: Vec<String>,
    /// Whether the run was cut short by Ctrl-C or the deadline.
    #[serde(default)]
    pub interrupted: bool,
    /// The checks in checklist order.
    pub checks: Vec<CheckReport>,
}

impl Report {
    /// Computes the verdict and codes from the checks.
    pub fn finish(&mut self) {
        let any_fail = self.checks.iter().any(|c| c.status == Status::Fail);
        let any_warn = self.checks.iter().any(|c| c.status == Status::Warn);
        self.verdict = if any_fail {
            Verdict::Fail
        } else if any_warn {
            Verdict::Warn
        } else {
            Verdict::Pass
        };
        let mut codes: Vec<Code> = self
            .checks
            .iter()
            .filter_map(|c| c.failure.as_ref().map(|f| f.code))
            .collect();
        codes.sort_by_key(|c| c.rank());
        codes.dedup();
        self.codes = codes;
    }

    /// The check with this id, if it is in the report.
    pub fn check(&self, id: CheckId) -> Option<&CheckReport> {
        self.checks.iter().find(|c| c.id == id)
    }
}

/// Something that happened during a run, in the order it happened (the NDJSON stream).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Event {
    /// The run began.
    RunStarted {
        /// The target (redacted).
        target: String,
        /// The checks that will be reported.
        checks: Vec<CheckId>,
        /// RFC 3339 start time.
        started_at: String,
    },
    /// A check began.
    CheckStarted {
        /// Which check.
        id: CheckId,
    },
    /// A phase of a check ended.
    Phase {
        /// Which check.
        id: CheckId,
        /// The phase (`dns`, `tcp_connect`, …).
        phase: String,
        /// How long it took.
        duration_ms: f64,
    },
    /// A WebSocket attempt ended.
    Attempt {
        /// Which check.
        id: CheckId,
        /// Out of how many at most.
        of: u32,
        /// The attempt.
        attempt: Attempt,
    },
    /// A line of the connection log (`--verbose`).
    Log {
        /// Which check.
        id: CheckId,
        /// The line, in the web client's words.
        message: String,
    },
    /// A check ended.
    CheckFinished(CheckReport),
    /// The final report.
    Report(Report),
}

/// Rounds milliseconds to microsecond resolution, so JSON shows `12.345` rather than float noise.
pub fn ms(duration: std::time::Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1000.0
}
