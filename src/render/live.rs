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
