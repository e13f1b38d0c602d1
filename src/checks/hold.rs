//! The hold check: sockets held open to find the idle and lifetime cuts behind most 1006s.

use super::RunContext;
use crate::plan::CheckId;
use crate::report::CheckReport;

/// Holds sockets open for `--hold` and reads how they die.
pub async fn hold(ctx: &RunContext) -> CheckReport {
    let _ = ctx;
    CheckReport::skipped(CheckId::Hold, "not implemented yet")
}
