//! `--format markdown` (and the GitHub step summary): a table per run that reads well in a pull
//! request, a job summary or a chat message. Server text is escaped: a cell cannot break the
//! table, open a link or inject HTML.

use wsdoctor_core::model::{FleetReport, Report, Status, Verdict};

/// One report as Markdown.
pub(crate) fn render(report: &Report) -> String {
    let mut out = format!(
        "## wsdoctor: {} {}\n\n{}\n\n",
        badge(report.verdict),
        cell(&report.target),
        codes_line(report)
    );
    out.push_str(&checks_table(report));
    out
}

/// A fleet's Markdown up to its targets' lines: the verdict, the totals, the table's head.
/// Then a [`fleet_line`] per target, then a [`fleet_detail`] per target.
pub(crate) fn fleet_header(fleet: &FleetReport) -> String {
    let mut out = format!(
        "## wsdoctor: {} — {} targets: {} passed, {} warned, {} failed\n\n",
        badge(fleet.verdict),
        fleet.totals.targets,
        fleet.totals.passed,
        fleet.totals.warned,
        fleet.totals.failed
    );
    out.push_str("| target | verdict | codes | duration |\n|---|---|---|---|\n");
    out
}

/// One target's row of the fleet table.
pub(crate) fn fleet_line(name: &str, report: &Report) -> String {
    format!(
        "| {} | {} | {} | {:.1} ms |\n",
        cell(name),
        badge(report.verdict),
        codes(report),
        report.duration_ms
    )
}

/// A target's checks, for a target that did not pass; empty otherwise.
pub(crate) fn fleet_detail(name: &str, report: &Report) -> String {
    if report.verdict == Verdict::Pass {
        return String::new();
    }
    format!("\n### {}\n\n{}", cell(name), checks_table(report))
}

fn checks_table(report: &Report) -> String {
    let mut out = String::from(
        "| check | status | code (cause) | what happened | what to do |\n|---|---|---|---|---|\n",
    );
    for check in &report.checks {
        let (code, hint) = match (&check.failure, &check.warning) {
            (Some(f), _) => (format!("{} ({})", f.code, f.cause), f.hint.clone()),
            (None, Some(w)) => (w.label(), w.hint.clone()),
            _ => (String::new(), String::new()),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            check.id.as_str(),
            status(check.status),
            code,
            cell(&check.summary),
            cell(&hint)
        ));
    }
    out
}

fn codes_line(report: &Report) -> String {
    if report.codes.is_empty() {
        format!("No failure, in {:.1} ms.", report.duration_ms)
    } else {
        format!("Codes: {}, in {:.1} ms.", codes(report), report.duration_ms)
    }
}

fn codes(report: &Report) -> String {
    report
        .codes
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn badge(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "✅ PASS",
        Verdict::Warn => "⚠️ WARN",
        Verdict::Fail => "❌ FAIL",
    }
}

fn status(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅ pass",
        Status::Warn => "⚠️ warn",
        Status::Fail => "❌ fail",
        Status::Skip => "– skip",
    }
}

/// Text made safe for a table cell: no row or cell breaks, no HTML, no Markdown links or code.
pub(crate) fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' | '[' | ']' | '*' | '_' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_cannot_break_the_table_or_inject_markup() {
        assert_eq!(
            cell("a|b\n<script>[x](y) `z`"),
            "a\\|b &lt;script&gt;\\[x\\](y) \\`z\\`"
        );
    }
}
