//! The human checklist as it happens: the header as soon as the run starts, then each check's
//! block as soon as it and every check before it in checklist order are final. The text is the
//! one [`super::human::render`] gives at the end, piece by piece, so what was streamed and the
//! report cannot drift apart; [`super::human::rest`] completes it when the run is over.

use super::human;
use std::collections::BTreeMap;
use wsdoctor_core::model::{CheckId, Event};

/// What has been printed of the checklist, and the finished checks waiting for an earlier one.
#[derive(Debug)]
pub(crate) struct Checklist {
    color: bool,
    /// The checks in report order, once the run has said which.
    order: Vec<CheckId>,
    /// Rendered blocks of finished checks not yet printed (an earlier check is still running).
    waiting: BTreeMap<CheckId, String>,
    /// How many checks, from the first, have been printed; `None` before the header.
    printed: Option<usize>,
}

impl Checklist {
    /// Nothing printed yet.
    pub(crate) fn new(color: bool) -> Checklist {
        Checklist {
            color,
            order: Vec::new(),
            waiting: BTreeMap::new(),
            printed: None,
        }
    }

    /// Takes one event; returns the text that has become final with it (often none).
    pub(crate) fn on_event(&mut self, event: &Event) -> String {
        match event {
            Event::RunStarted { target, checks, .. } if self.printed.is_none() => {
                self.order.clone_from(checks);
                self.printed = Some(0);
                let version = wsdoctor_core::model::report::Tool::default().version;
                human::header(version, target, self.color)
            }
            Event::CheckFinished(check) if self.printed.is_some() => {
                self.waiting
                    .insert(check.id, human::check_block(check, self.color));
                self.ready()
            }
            _ => String::new(),
        }
    }

    /// The blocks whose predecessors are all printed, in order.
    fn ready(&mut self) -> String {
        let mut out = String::new();
        let Some(printed) = self.printed.as_mut() else {
            return out;
        };
        while let Some(block) = self
            .order
            .get(*printed)
            .and_then(|id| self.waiting.remove(id))
        {
            out.push_str(&block);
            *printed += 1;
        }
        out
    }

    /// How many checks have been printed, from the first; `None` when not even the header has
    /// (the run never started).
    pub(crate) fn printed(&self) -> Option<usize> {
        self.printed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsdoctor_core::model::{Cause, CheckReport, Finding, Report, Status};

    fn report() -> Report {
        let mut dns = CheckReport::skipped(CheckId::Dns, "127.0.0.1");
        dns.status = Status::Pass;
        let echo = CheckReport::failed(CheckId::Echo, Finding::new(Cause::ServerError, "a 500"));
        let mut terminal = CheckReport::skipped(CheckId::Terminal, "greeted");
        terminal.status = Status::Pass;
        Report::new("http://t/".into(), "now".into(), vec![dns, echo, terminal])
    }

    fn started(report: &Report) -> Event {
        Event::RunStarted {
            target: report.target.clone(),
            checks: report.checks.iter().map(|c| c.id).collect(),
            started_at: "now".into(),
        }
    }

    fn finished(report: &Report, i: usize) -> Event {
        Event::CheckFinished(Box::new(report.checks[i].clone()))
    }

    #[test]
    fn a_check_that_finishes_early_waits_for_the_ones_before_it() {
        let report = report();
        let mut live = Checklist::new(false);
        let header = live.on_event(&started(&report));
        assert!(header.starts_with("wsdoctor "), "{header}");
        assert_eq!(live.on_event(&finished(&report, 2)), "");
        let dns = live.on_event(&finished(&report, 0));
        assert!(dns.contains(" dns ") && !dns.contains("terminal"), "{dns}");
        let rest = live.on_event(&finished(&report, 1));
        assert!(rest.contains("code SERVER_ERROR"), "{rest}");
        assert!(rest.find(" echo ") < rest.find(" terminal "), "{rest}");
        assert_eq!(live.printed(), Some(3));
        let streamed = format!("{header}{dns}{rest}{}", human::rest(&report, 3, false));
        assert_eq!(streamed, human::render(&report, false));
    }

    #[test]
    fn an_interrupted_stream_is_completed_from_the_report() {
        let report = report();
        let mut live = Checklist::new(true);
        let mut streamed = live.on_event(&started(&report));
        streamed.push_str(&live.on_event(&finished(&report, 0)));
        streamed.push_str(&live.on_event(&finished(&report, 2)));
        let printed = live.printed().unwrap_or_default();
        assert_eq!(printed, 1);
        streamed.push_str(&human::rest(&report, printed, true));
        assert_eq!(streamed, human::render(&report, true));
    }
}
