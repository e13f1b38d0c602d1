//! `--format ndjson`: one `{"type": …, "data": …}` object a line, as things happen.

use crate::report::{Event, Report};

/// One event as a line (with its newline).
pub fn event_line(event: &Event) -> String {
    let mut line = serde_json::to_string(event)
        .unwrap_or_else(|e| format!("{{\"type\":\"error\",\"data\":\"{e}\"}}"));
    line.push('\n');
    line
}

/// The final report event as a line.
pub fn report_line(report: &Report) -> String {
    event_line(&Event::Report(report.clone()))
}
