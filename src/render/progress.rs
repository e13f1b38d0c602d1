//! Live feedback on stderr while the run goes: a spinner per running check when stderr is a
//! terminal, and the web client's console lines with `--verbose`.

use super::human::safe;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::time::Duration;
use wsdoctor_core::model::{CheckId, Event};

/// What the progress view shows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProgressOptions {
    /// Spinners (stderr is a terminal and not CI).
    pub(crate) spinners: bool,
    /// Connection log lines.
    pub(crate) verbose: bool,
}

/// Consumes events and draws them on stderr.
pub(crate) struct Progress {
    options: ProgressOptions,
    multi: MultiProgress,
    bars: BTreeMap<CheckId, ProgressBar>,
}

impl Progress {
    /// A progress view.
    pub(crate) fn new(options: ProgressOptions) -> Progress {
        let multi = MultiProgress::with_draw_target(if options.spinners {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        Progress {
            options,
            multi,
            bars: BTreeMap::new(),
        }
    }

    /// Shows one event.
    pub(crate) fn on_event(&mut self, event: &Event) {
        match event {
            Event::CheckStarted { id } if self.options.spinners => {
                let bar = self.multi.add(ProgressBar::new_spinner());
                bar.set_style(
                    ProgressStyle::with_template("  {spinner} {msg} {elapsed}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.set_message(format!("{:<12}", id.as_str()));
                bar.enable_steady_tick(Duration::from_millis(80));
                self.bars.insert(*id, bar);
            }
            Event::CheckFinished(check) => {
                if let Some(bar) = self.bars.remove(&check.id) {
                    bar.finish_and_clear();
                }
            }
            Event::Log { id, message } if self.options.verbose => {
                let line = format!("[{}] {}", capitalise(id.as_str()), safe(message));
                self.println(&line);
            }
            _ => {}
        }
    }

    fn println(&self, line: &str) {
        if self.options.spinners {
            let _ = self.multi.println(line);
        } else {
            crate::output::stderr(line);
        }
    }

    /// Clears any spinner left (an interrupted run).
    pub(crate) fn finish(&mut self) {
        for (_, bar) in std::mem::take(&mut self.bars) {
            bar.finish_and_clear();
        }
        let _ = self.multi.clear();
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
