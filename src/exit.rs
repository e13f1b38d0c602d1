//! The exit status: the one number CI reads.

use crate::report::{Report, Verdict};
use crate::runner::Interruption;

/// Every check passed or warned.
pub const OK: i32 = 0;
/// At least one check failed.
pub const FAILED: i32 = 1;
/// Usage or configuration error.
pub const USAGE: i32 = 2;
/// Interrupted (Ctrl-C); a partial report was still written.
pub const INTERRUPTED: i32 = 130;

/// The status for a finished (or interrupted) run.
pub fn status(report: &Report, interruption: Option<Interruption>) -> i32 {
    if interruption == Some(Interruption::Signal) {
        return INTERRUPTED;
    }
    match report.verdict {
        Verdict::Pass | Verdict::Warn => OK,
        Verdict::Fail => FAILED,
    }
}
