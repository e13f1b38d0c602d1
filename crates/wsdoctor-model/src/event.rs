//! Something that happened during a run, in the order it happened: the NDJSON stream and the
//! progress view are functions of these.

use crate::check::CheckId;
use crate::report::{Attempt, CheckReport, Report};
use crate::timing::Phase;
use serde::Serialize;

/// One event of a run.
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
        /// The phase.
        phase: Phase,
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
    CheckFinished(Box<CheckReport>),
    /// The final report.
    Report(Box<Report>),
}

/// An event with the moment it happened: one line of the NDJSON stream,
/// `{"type": …, "time": …, "data": …}`.
#[derive(Debug, Clone, Serialize)]
pub struct Stamped {
    /// RFC 3339 UTC, with milliseconds.
    pub time: String,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}
