//! The timing waterfall's geometry, shared by the terminal (cells) and the HTML report (SVG
//! units): which checks get a row, the run's time axis, and where each bar and phase falls on it.
//! Both draw from the same numbers, so the two pictures of a run agree.

use wsdoctor_core::model::{CheckReport, Phase, Report, Status};

/// The rows of a run's waterfall and its time axis.
pub(crate) struct Waterfall<'a> {
    /// The axis: the run's wall time, or the latest end of a check if that is later.
    pub(crate) total_ms: f64,
    /// One per check that ran and timed a phase, in checklist order.
    pub(crate) rows: Vec<&'a CheckReport>,
}

/// One row scaled to a width of `width` units: blank up to `start`, then the timed phases (each at
/// least one unit, in wire order), then the rest of the check's time.
#[derive(Debug, PartialEq)]
pub(crate) struct Bar {
    /// Units before the bar.
    pub(crate) start: usize,
    /// The bar's units: the phases' and the rest's.
    pub(crate) length: usize,
    /// Each timed phase: its name, its milliseconds and its units.
    pub(crate) phases: Vec<(Phase, f64, usize)>,
    /// The check's time outside its timed phases, in units.
    pub(crate) rest: usize,
}

impl<'a> Waterfall<'a> {
    /// The waterfall of a run; none when no check timed anything.
    pub(crate) fn of(report: &'a Report) -> Option<Waterfall<'a>> {
        let rows: Vec<&CheckReport> = report
            .checks
            .iter()
            .filter(|c| c.status != Status::Skip && !c.timings.is_empty())
            .collect();
        let total_ms = report
            .checks
            .iter()
            .map(|c| c.started_ms + c.duration_ms)
            .fold(report.duration_ms, f64::max);
        (!rows.is_empty() && total_ms > 0.0).then_some(Waterfall { total_ms, rows })
    }

    /// `check`'s bar on an axis `width` units wide (at least 1).
    pub(crate) fn bar(&self, check: &CheckReport, width: usize) -> Bar {
        let width = width.max(1);
        let units = |ms: f64| ((ms / self.total_ms) * width as f64).round().max(0.0) as usize;
        let start = units(check.started_ms).min(width - 1);
        let length = units(check.duration_ms).max(1).min(width - start);
        let mut used = 0;
        let mut phases = Vec::with_capacity(check.timings.len());
        for (phase, ms) in &check.timings {
            let size = units(*ms).max(1).min(length.saturating_sub(used));
            used += size;
            phases.push((*phase, *ms, size));
        }
        Bar {
            start,
            length,
            phases,
            rest: length.saturating_sub(used),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsdoctor_core::model::CheckId;

    #[test]
    fn a_bar_starts_where_its_check_started_and_its_phases_fit_in_it() {
        let mut check = CheckReport::skipped(CheckId::Echo, "x");
        check.status = Status::Pass;
        check.started_ms = 50.0;
        check.duration_ms = 50.0;
        check.timings.insert(Phase::WsHandshake, 10.0);
        let mut report = Report::new("t".into(), "now".into(), vec![check]);
        report.duration_ms = 100.0;
        let waterfall = Waterfall::of(&report).unwrap();
        let bar = waterfall.bar(waterfall.rows[0], 100);
        assert_eq!(
            bar,
            Bar {
                start: 50,
                length: 50,
                phases: vec![(Phase::WsHandshake, 10.0, 10)],
                rest: 40
            }
        );
        // The same run on a 32-cell terminal.
        assert_eq!(waterfall.bar(waterfall.rows[0], 32).start, 16);
    }
}
