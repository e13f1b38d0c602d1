//! Renderers: each a pure function of the [`Report`] (or, for NDJSON and progress, of its
//! events). None of them is mixed into the probing.

pub mod human;
pub mod json;
pub mod junit;
pub mod ndjson;
pub mod progress;
pub mod watch;

use crate::cli::Format;
use crate::report::Report;

/// Renders the report in a whole-document format. NDJSON's final line is the report itself.
pub fn document(format: Format, report: &Report, color: bool) -> String {
    match format {
        Format::Human => human::render(report, color),
        Format::Json => json::render(report),
        Format::Ndjson => ndjson::report_line(report),
        Format::Junit => junit::render(report),
    }
}
