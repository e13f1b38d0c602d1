//! The human view of a fleet: a line per target (verdict, codes, duration, and what failed or
//! the slowest check), then the full checklist of each target that did not pass (of every target
//! with `--verbose`), then one verdict line for the fleet.

use super::human::{self, safe};
use std::fmt::Write;
use wsdoctor_core::model::{FleetReport, Report, Status, Verdict};

/// Summary lines are cut to this many characters of a target's detail.
const DETAIL_WIDTH: usize = 100;

/// The whole view.
pub(crate) fn render(fleet: &FleetReport, all: bool, color: bool) -> String {
    let mut out = format!(
        "wsdoctor {} — {} targets\n\n",
        env!("CARGO_PKG_VERSION"),
        fleet.totals.targets
    );
    let width = fleet
        .targets
        .iter()
        .map(|t| t.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for entry in &fleet.targets {
        let _ = writeln!(
            out,
            "{}",
            target_line(&entry.name, &entry.report, width, color)
        );
    }
    for entry in &fleet.targets {
        if all || entry.report.verdict != Verdict::Pass {
            let _ = write!(out, "\n── {} ──\n", safe(&entry.name));
            out.push_str(&human::render(&entry.report, color));
        }
    }
    out.push('\n');
    let _ = writeln!(out, "{}", verdict_line(fleet, color));
    out
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
