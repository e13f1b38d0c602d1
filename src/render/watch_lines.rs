//! Lines for `wsdoctor watch`: one a run, one a change, and the summary.

use super::human::{self, safe, verdict_word};
use wsdoctor_core::model::{WatchRun, WatchSummary};

/// The human lines for one run: the run line, then a line per change.
pub(crate) fn run_lines(run: &WatchRun, color: bool) -> String {
    let codes = if run.codes.is_empty() {
        String::new()
    } else {
        format!(
            " {}",
            run.codes
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    let mut out = format!(
        "{}  run {:>4}  {}{codes}  {:.1} ms  [pass {} warn {} fail {}]\n",
        run.started_at,
        run.run,
        verdict_word(run.verdict, color),
        run.duration_ms,
        run.tally.pass,
        run.tally.warn,
        run.tally.fail
    );
    for change in &run.changes {
        let with_it = if change.with_it.is_empty() {
            String::new()
        } else {
            let ids: Vec<&str> = change.with_it.iter().map(|id| id.as_str()).collect();
            format!(" (with the checks after it: {})", ids.join(", "))
        };
        out.push_str(&format!(
            "      {} {}: {} → {}{}  {}{with_it}\n",
            human::glyph(change.to, color),
            change.check,
            change.from.as_str(),
            change.to.as_str(),
            match (change.code, change.cause) {
                (Some(code), Some(cause)) => format!(" ({code}/{cause})"),
                (Some(code), None) => format!(" ({code})"),
                _ => String::new(),
            },
            safe(&change.summary)
        ));
    }
    out
}

/// The closing summary.
pub(crate) fn summary_lines(summary: &WatchSummary) -> String {
    let mut out = format!(
        "watch: {} runs, {} passed, {} warned, {} failed, availability {}%, {} changes{}\n",
        summary.tally.runs,
        summary.tally.pass,
        summary.tally.warn,
        summary.tally.fail,
        summary.availability_percent,
        summary.tally.changes,
        if summary.interrupted {
            " (interrupted)"
        } else {
            ""
        }
    );
    for (check, count) in &summary.failures_by_check {
        out.push_str(&format!("  {check} failed in {count} runs\n"));
    }
    out
}
