//! What changed between the runs of `wsdoctor watch`, and the running tally: pure bookkeeping.
//! `commands::watch` runs the loop, `render::watch_lines` prints, and the model types the events.

use std::collections::BTreeMap;
use wsdoctor_core::model::{
    Change, CheckId, Report, Status, Tally, Verdict, WatchRun, WatchSummary,
};

/// The state carried from run to run.
#[derive(Debug, Default)]
pub(crate) struct Watcher {
    previous: BTreeMap<CheckId, Status>,
    tally: Tally,
    failures_by_check: BTreeMap<CheckId, u32>,
}

/// Folds the checks that went to `skip` beside a check that went to `fail` (or came back from
/// `skip` beside one that came back from `fail`) into that check's change: the root cause is the
/// change worth a line, its dependants follow it. Changes with no such root stay as they are.
fn fold_dependants(changes: Vec<Change>) -> Vec<Change> {
    let root = changes
        .iter()
        .position(|c| c.to == Status::Fail && c.from != Status::Skip)
        .or_else(|| {
            changes
                .iter()
                .position(|c| c.from == Status::Fail && c.to != Status::Skip)
        });
    let Some(root) = root else {
        return changes;
    };
    let failing = changes[root].to == Status::Fail;
    let mut kept = Vec::with_capacity(changes.len());
    let mut with_it = Vec::new();
    for (i, change) in changes.into_iter().enumerate() {
        let dependant = i != root
            && if failing {
                change.to == Status::Skip
            } else {
                change.from == Status::Skip
            };
        if dependant {
            with_it.push(change.check);
        } else {
            kept.push(change);
        }
    }
    if let Some(root) = kept.iter_mut().find(|c| {
        if failing {
            c.to == Status::Fail
        } else {
            c.from == Status::Fail
        }
    }) {
        root.with_it = with_it;
    }
    kept
}

impl Watcher {
    /// Records a run's report and says what changed.
    pub(crate) fn observe(&mut self, report: &Report) -> WatchRun {
        self.tally.runs += 1;
        match report.verdict {
            Verdict::Pass => self.tally.pass += 1,
            Verdict::Warn => self.tally.warn += 1,
            Verdict::Fail => self.tally.fail += 1,
        }
        let mut changes = Vec::new();
        for check in &report.checks {
            if check.status == Status::Fail {
                *self.failures_by_check.entry(check.id).or_default() += 1;
            }
            if let Some(before) = self.previous.insert(check.id, check.status) {
                if before != check.status {
                    changes.push(Change {
                        check: check.id,
                        from: before,
                        to: check.status,
                        code: check.failure.as_ref().map(|f| f.code),
                        cause: check.failure.as_ref().map(|f| f.cause),
                        summary: check.summary.clone(),
                        with_it: Vec::new(),
                    });
                }
            }
        }
        let changes = fold_dependants(changes);
        self.tally.changes += changes.len() as u32;
        WatchRun {
            run: self.tally.runs,
            started_at: report.started_at.clone(),
            verdict: report.verdict,
            codes: report.codes.clone(),
            duration_ms: report.duration_ms,
            changes,
            tally: self.tally.clone(),
            target: None,
        }
    }

    /// The summary so far.
    pub(crate) fn summary(&self, interrupted: bool) -> WatchSummary {
        let ok = self.tally.pass + self.tally.warn;
        WatchSummary {
            tally: self.tally.clone(),
            availability_percent: if self.tally.runs == 0 {
                0.0
            } else {
                (1000.0 * ok as f64 / self.tally.runs as f64).round() / 10.0
            },
            failures_by_check: self.failures_by_check.clone(),
            interrupted,
            target: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsdoctor_core::model::CheckReport;

    fn report(status: Status) -> Report {
        let mut check = CheckReport::skipped(CheckId::Echo, "x");
        check.status = status;
        Report::new(String::new(), String::new(), vec![check])
    }

    #[test]
    fn a_root_cause_carries_the_checks_it_skipped() {
        let run = |tcp: Status, rest: Status| {
            let checks = [
                CheckId::Tcp,
                CheckId::Health,
                CheckId::Echo,
                CheckId::Terminal,
            ]
            .into_iter()
            .map(|id| {
                let mut check = CheckReport::skipped(id, "x");
                check.status = if id == CheckId::Tcp { tcp } else { rest };
                check
            })
            .collect();
            Report::new(String::new(), String::new(), checks)
        };
        let mut w = Watcher::default();
        w.observe(&run(Status::Pass, Status::Pass));
        let down = w.observe(&run(Status::Fail, Status::Skip));
        assert_eq!(down.changes.len(), 1, "{:?}", down.changes);
        assert_eq!(down.changes[0].check, CheckId::Tcp);
        assert_eq!(
            down.changes[0].with_it,
            [CheckId::Health, CheckId::Echo, CheckId::Terminal]
        );
        let up = w.observe(&run(Status::Pass, Status::Pass));
        assert_eq!(up.changes.len(), 1);
        assert_eq!(up.changes[0].from, Status::Fail);
        assert_eq!(up.changes[0].with_it.len(), 3);
        assert_eq!(up.tally.changes, 2);
    }

    #[test]
    fn changes_and_tally() {
        let mut w = Watcher::default();
        assert!(w.observe(&report(Status::Pass)).changes.is_empty());
        let second = w.observe(&report(Status::Fail));
        assert_eq!(second.changes.len(), 1);
        assert_eq!(second.changes[0].from, Status::Pass);
        assert_eq!(second.tally.fail, 1);
        let summary = w.summary(true);
        assert_eq!(summary.availability_percent, 50.0);
        assert_eq!(summary.failures_by_check[&CheckId::Echo], 1);
    }
}
