//! The human view of a fleet: a line per target (verdict, codes, duration, and what failed or
//! the slowest check), then each distinct failure or warning once, with the targets that share it
//! (with `--verbose`, every target's full checklist instead), then one verdict line for the fleet.
//! In pieces, each rendered as its target ends (see `fleet_spool`), so no view needs every report
//! at once.

use super::human::{self, paint, safe};
use colored::Colorize;
use wsdoctor_core::model::{Cause, CheckId, Code, FleetReport, Report, Status, Verdict};

/// Target names a shared failure lists before "and N more".
const NAMES_SHOWN: usize = 8;

/// One distinct failure or warning of a fleet (its check, code and cause), with the targets that
/// share it: ten targets failing the same way are one entry, not ten checklists.
#[derive(Debug)]
pub(crate) struct Shared {
    check: CheckId,
    status: Status,
    code: Code,
    cause: Cause,
    /// What the first target to show it said, and the hint.
    message: String,
    hint: String,
    /// The first targets in fleet order (index, name), at most [`NAMES_SHOWN`].
    targets: Vec<(usize, String)>,
    count: usize,
}

/// Adds target `index`'s failures and warnings to `groups`.
pub(crate) fn note_shared(groups: &mut Vec<Shared>, index: usize, name: &str, report: &Report) {
    for check in &report.checks {
        let (code, cause, message, hint) = match (check.status, &check.failure, &check.warning) {
            (Status::Fail, Some(f), _) => (f.code, f.cause, &f.message, &f.hint),
            (Status::Warn, _, Some(w)) => (w.code, w.cause, &w.message, &w.hint),
            _ => continue,
        };
        let at = match groups
            .iter()
            .position(|g| g.check == check.id && g.code == code && g.cause == cause)
        {
            Some(at) => at,
            None => {
                groups.push(Shared {
                    check: check.id,
                    status: check.status,
                    code,
                    cause,
                    message: cut(&safe(message)),
                    hint: safe(hint),
                    targets: Vec::new(),
                    count: 0,
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[at];
        group.count += 1;
        group.targets.push((index, name.to_string()));
        group.targets.sort_by_key(|(i, _)| *i);
        group.targets.truncate(NAMES_SHOWN);
    }
}

/// The shared failures, then the shared warnings, each once with its targets.
pub(crate) fn shared(groups: &[Shared], color: bool) -> String {
    let mut sorted: Vec<&Shared> = groups.iter().collect();
    sorted.sort_by_key(|g| {
        (
            g.status != Status::Fail,
            g.check,
            g.code.as_str(),
            g.cause.as_str(),
        )
    });
    let mut out = String::new();
    for group in sorted {
        let names: Vec<String> = group.targets.iter().map(|(_, n)| safe(n)).collect();
        let more = group.count.saturating_sub(names.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let code = format!("{} ({})", group.code.as_str(), group.cause.as_str());
        let code = if group.status == Status::Fail {
            paint(&code, color, |s| s.red().bold())
        } else {
            paint(&code, color, |s| s.yellow())
        };
        out.push_str(&format!(
            "\n  {} {} {code} — {} target{}: {}{more}\n      {}\n      {} {}\n",
            human::glyph(group.status, color),
            group.check,
            group.count,
            if group.count == 1 { "" } else { "s" },
            names.join(", "),
            group.message,
            paint("hint", color, |s| s.yellow()),
            group.hint
        ));
    }
    out
}

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

/// A target's full checklist, for `--verbose` (`all`); empty otherwise, where the shared
/// failures stand for the checklists.
pub(crate) fn detail(name: &str, report: &Report, all: bool, color: bool) -> String {
    if !all {
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
