//! The human view of a fleet: a line per target (verdict, codes, duration, and what failed or
//! the slowest check), then the full checklist of each target that did not pass (of every target
//! with `--verbose`), then one verdict line for the fleet. In pieces, each rendered as its target
//! ends (see `fleet_spool`), so no view needs every report at once.

use super::human::{self, safe};
use wsdoctor_core::model::{FleetReport, Report, Status, Verdict};

/// Summary lines are cut to this many characters of a target's detail.
const DETAIL_WIDTH: usize = 100;

/// The view's first lines: the tool and how many targets.
pub(crate) fn header(targets: usize) -> String {
    format!(
        "wsdoctor {} — {targets} targets\n\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// The width of the name column: the longest name, up to 40 characters.
pub(crate) fn name_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names.map(|n| n.chars().count()).max().unwrap_or(0).min(40)
}

/// A target's full checklist, shown after the lines for a target that did not pass (for every
/// target with `all`); empty otherwise.
pub(crate) fn detail(name: &str, report: &Report, all: bool, color: bool) -> String {
    if !all && report.verdict == Verdict::Pass {
        return String::new();
    }
    format!("\n── {} ──\n{}", safe(name), human::render(report, color))
}

/// The view's last lines: the fleet's verdict.
pub(crate) fn footer(fleet: &FleetReport, color: bool) -> String {
    format!("\n{}\n", verdict_line(fleet, color))
}

/// One line for a target.
pub(crate) fn target_line(name: &str, report: &Report, width: usize, color: bool) -> String {
    let status = match report.verdict {
        Verdict::Pass => Status::Pass,
        Verdict::Warn => Status::Warn,
        Verdict::Fail => Status::Fail,
    };
    let codes = report
        .codes
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let detail = match report
        .checks
        .iter()
        .find(|c| c.status == Status::Fail)
        .or_else(|| report.checks.iter().find(|c| c.status == Status::Warn))
    {
        Some(check) => format!("{}: {}", check.id.as_str(), cut(&safe(&check.summary))),
        None => report
            .checks
            .iter()
            .filter(|c| c.status != Status::Skip)
            .max_by(|a, b| a.duration_ms.total_cmp(&b.duration_ms))
            .map(|c| format!("slowest {} {:.1} ms", c.id.as_str(), c.duration_ms))
            .unwrap_or_default(),
    };
    format!(
        "  {} {:<width$}  {} {:<28} {:>9.1} ms  {detail}",
        human::glyph(status, color),
        safe(name),
        human::verdict_word(report.verdict, color),
        codes,
        report.duration_ms,
    )
}

/// The fleet's verdict line (`--quiet` prints only this).
pub(crate) fn verdict_line(fleet: &FleetReport, color: bool) -> String {
    let codes = if fleet.codes.is_empty() {
        String::new()
    } else {
        format!(
            " {}",
            fleet
                .codes
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    format!(
        "{}{codes} — {} targets: {} passed, {} warned, {} failed in {:.1} ms{}",
        human::verdict_word(fleet.verdict, color),
        fleet.totals.targets,
        fleet.totals.passed,
        fleet.totals.warned,
        fleet.totals.failed,
        fleet.duration_ms,
        if fleet.interrupted {
            " (interrupted)"
        } else {
            ""
        }
    )
}

fn cut(text: &str) -> String {
    if text.chars().count() <= DETAIL_WIDTH {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(DETAIL_WIDTH - 1).collect();
    cut.push('…');
    cut
}
