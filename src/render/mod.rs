//! Renderers: each a pure function of the [`Report`] (or, for NDJSON and progress, of its
//! events). None of them is mixed into the probing.

pub(crate) mod fleet;
pub(crate) mod github;
pub(crate) mod html;
pub(crate) mod human;
pub(crate) mod junit;
pub(crate) mod live;
pub(crate) mod markdown;
pub(crate) mod ping;
pub(crate) mod plan;
pub(crate) mod progress;
pub(crate) mod trace;
pub(crate) mod watch_lines;
pub(crate) mod waterfall;
pub(crate) mod write_out;

use crate::cli::Format;
use std::time::SystemTime;
use wsdoctor_core::model::{Event, Report, Stamped};

/// One JSON document.
pub(crate) fn json(report: &Report) -> String {
    match serde_json::to_string_pretty(report) {
        Ok(mut text) => {
            text.push('\n');
            text
        }
        // The model serialises by construction; should it ever not, the output says so in JSON.
        Err(e) => format!("{{\"error\":\"cannot serialise the report: {e}\"}}\n"),
    }
}

/// One event as an NDJSON line (with its newline).
pub(crate) fn event_line(event: &Stamped) -> String {
    let mut line = serde_json::to_string(event)
        .unwrap_or_else(|e| format!("{{\"type\":\"error\",\"data\":\"{e}\"}}"));
    line.push('\n');
    line
}

/// Renders the report in a whole-document format. NDJSON's final line is the report itself;
/// the HTML page holds `trace`, the run's `--trace` lines (empty without it).
pub(crate) fn document(format: Format, report: &Report, color: bool, trace: &[String]) -> String {
    match format {
        Format::Human => human::render(report, color),
        Format::Json => json(report),
        Format::Ndjson => event_line(&Stamped {
            time: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            event: Event::Report(Box::new(report.clone())),
        }),
        Format::Junit => junit::render(report),
        Format::Html => html::render(report, trace),
        Format::Markdown => markdown::render(report),
        Format::Github => {
            let mut text = github::annotations(report, None);
            text.push_str(&human::verdict_line(report, false));
            text.push('\n');
            text
        }
    }
}
