//! The report of a fleet: one report per target, the totals, and the worst verdict. Versioned on
//! its own (`wsdoctor.fleet.v1`); each target's report is a `wsdoctor.report.v1` document.

use crate::codes::Code;
use crate::report::{Report, Tool, Verdict};
use serde::Serialize;

/// The fleet document's schema id.
pub const FLEET_SCHEMA_ID: &str = "wsdoctor.fleet.v1";

/// One target's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FleetEntry {
    /// The target's name (from the config file, or host[:port]).
    pub name: String,
    /// Its report.
    pub report: Report,
}

/// How many targets ended how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Targets checked.
    pub targets: usize,
    /// Targets whose verdict is pass.
    pub passed: usize,
    /// Targets whose verdict is warn.
    pub warned: usize,
    /// Targets whose verdict is fail.
    pub failed: usize,
}

/// A run over several targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FleetReport {
    /// [`FLEET_SCHEMA_ID`].
    pub schema: &'static str,
    /// The tool and its version.
    pub tool: Tool,
    /// The worst verdict of all targets.
    pub verdict: Verdict,
    /// Distinct codes across targets, most fundamental first.
    pub codes: Vec<Code>,
    /// RFC 3339 start time.
    pub started_at: String,
    /// Wall time of the whole run, milliseconds.
    pub duration_ms: f64,
    /// Whether the run was cut short.
    pub interrupted: bool,
    /// The counts.
    pub totals: Totals,
    /// Each target's result, in the order asked.
    pub targets: Vec<FleetEntry>,
}

impl FleetReport {
    /// A fleet report of `targets`, with its verdict, codes and totals computed.
    pub fn new(started_at: String, duration_ms: f64, targets: Vec<FleetEntry>) -> FleetReport {
        let mut totals = Totals {
            targets: targets.len(),
            ..Totals::default()
        };
        let mut codes: Vec<Code> = Vec::new();
        for entry in &targets {
            match entry.report.verdict {
                Verdict::Pass => totals.passed += 1,
                Verdict::Warn => totals.warned += 1,
                Verdict::Fail => totals.failed += 1,
            }
            for code in &entry.report.codes {
                if !codes.contains(code) {
                    codes.push(*code);
                }
            }
        }
        codes.sort_by_key(|c| c.rank());
        let verdict = if totals.failed > 0 {
            Verdict::Fail
        } else if totals.warned > 0 {
            Verdict::Warn
        } else {
            Verdict::Pass
        };
        let interrupted = targets.iter().any(|t| t.report.interrupted);
        FleetReport {
            schema: FLEET_SCHEMA_ID,
            tool: Tool::default(),
            verdict,
            codes,
            started_at,
            duration_ms,
            interrupted,
            totals,
            targets,
        }
    }
}

/// The last line of a fleet's NDJSON stream: `{"data": <the fleet report>, "time": …, "type":
/// "fleet_report"}`.
#[derive(Debug, Clone, Copy)]
pub struct FleetReportEvent<'a> {
    /// RFC 3339 UTC, with milliseconds.
    pub time: &'a str,
    /// The fleet's report.
    pub report: &'a FleetReport,
}

impl Serialize for FleetReportEvent<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // The report through a JSON value, whose keys are sorted at every level: the bytes the
        // stream has always had (its targets' lines, spooled apart, are written the same way).
        let data = serde_json::to_value(self.report).map_err(serde::ser::Error::custom)?;
        let mut line = serializer.serialize_struct("FleetReportEvent", 3)?;
        line.serialize_field("data", &data)?;
        line.serialize_field("time", self.time)?;
        line.serialize_field("type", "fleet_report")?;
        line.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fleet_report_event_keeps_the_bytes_of_the_untyped_stream() {
        let report = FleetReport::new("2026-01-01T00:00:00Z".into(), 1.5, Vec::new());
        let time = "2026-01-01T00:00:01.000Z";
        let before = serde_json::json!({"type": "fleet_report", "time": time, "data": &report});
        let typed = serde_json::to_string(&FleetReportEvent {
            time,
            report: &report,
        })
        .unwrap();
        assert_eq!(typed, before.to_string());
    }
}
