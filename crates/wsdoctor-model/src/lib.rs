//! The data of a wsdoctor run, at the bottom of the workspace: it imports nothing else of the
//! project, and everything above it speaks in its terms.
//!
//! - [`check`]: the checks' stable ids;
//! - [`close`]: WebSocket close codes, by RFC, platform and browser;
//! - [`codes`]: the failure vocabulary (codes, causes, hints, `explain`);
//! - [`fleet`]: the report of several targets;
//! - [`finding`]: a diagnosed failure or a caveat;
//! - [`platform`]: the platforms in front of applications, in one table;
//! - [`evidence`]: typed evidence, per kind of check;
//! - [`timing`]: phases and durations;
//! - [`report`]: the report, the public JSON contract;
//! - [`event`]: the events of a run (the NDJSON stream);
//! - [`scrub`]: a visitor over every piece of free text, for redaction.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod check;
pub mod close;
pub mod codes;
pub mod event;
pub mod evidence;
pub mod finding;
pub mod fleet;
pub mod ping;
pub mod platform;
pub mod report;
pub mod scrub;
pub mod timing;

pub use check::CheckId;
pub use codes::{Cause, Code};
pub use event::{
    Change, Event, Stamped, Tally, TargetEvent, WatchEvent, WatchRun, WatchSummary, WireDir,
    WireLayer, WIRE_LINE_LIMIT,
};
pub use evidence::Evidence;
pub use finding::{Finding, Notice};
pub use fleet::{FleetEntry, FleetReport, FleetReportEvent};
pub use platform::{Platform, PlatformId};
pub use report::{Attempt, AttemptOutcome, CheckReport, NotChecked, Report, Status, Verdict};
pub use scrub::Scrub;
pub use timing::{ms, Phase, Timings};
