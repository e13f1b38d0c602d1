//! Live feedback on stderr while the run goes: a spinner per running check when stderr is a
//! terminal, the web client's console lines with `--verbose`, and, off a terminal (a CI log), a
//! line for any check that runs longer than a few seconds and for each of its attempts, so a
//! long run never looks hung.

use super::human::safe;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use wsdoctor_core::model::timing::human;
use wsdoctor_core::model::{AttemptOutcome, CheckId, Event};

/// How long a check runs before a log without spinners hears about it.
pub(crate) const SLOW: Duration = Duration::from_secs(3);

/// What the progress view shows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProgressOptions {
    /// Spinners (stderr is a terminal and not CI).
    pub(crate) spinners: bool,
    /// Connection log lines.
    pub(crate) verbose: bool,
    /// Lines about slow checks and their attempts when there are no spinners (not `--quiet`).
    pub(crate) slow_lines: bool,
    /// The `--hold` asked for, shown on the hold's spinner.
    pub(crate) hold: Option<Duration>,
}

/// Consumes events and draws them on stderr.
pub(crate) struct Progress {
    options: ProgressOptions,
    multi: MultiProgress,
    bars: BTreeMap<CheckId, ProgressBar>,
    /// Checks running, with when they started and whether the log has mentioned them.
    running: BTreeMap<CheckId, (Instant, bool)>,
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
            running: BTreeMap::new(),
        }
    }

    /// Called every second or so: mentions checks that have become slow.
    pub(crate) fn tick(&mut self) {
        if !self.options.slow_lines {
            return;
        }
        let mut lines = Vec::new();
        for (id, (since, mentioned)) in &mut self.running {
            if !*mentioned && since.elapsed() >= SLOW {
                *mentioned = true;
                let total = match (id, self.options.hold) {
                    (CheckId::Hold, Some(hold)) => format!(" of {}", human(hold)),
                    _ => String::new(),
                };
                lines.push(format!(
                    "[wsdoctor] {} still running after {}{total}",
                    id.as_str(),
                    human(since.elapsed())
                ));
            }
        }
        for line in lines {
            self.println(&line);
        }
    }

    /// Shows one event.
    pub(crate) fn on_event(&mut self, event: &Event) {
        match event {
            Event::CheckStarted { id } => {
                self.running.insert(*id, (Instant::now(), false));
                if self.options.spinners {
                    let bar = self.multi.add(ProgressBar::new_spinner());
                    bar.set_style(
                        ProgressStyle::with_template("  {spinner} {msg} {elapsed}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    let total = match (id, self.options.hold) {
                        (CheckId::Hold, Some(hold)) => format!(" (holding for {})", human(hold)),
                        _ => String::new(),
                    };
                    bar.set_message(format!("{:<12}{total}", id.as_str()));
                    bar.enable_steady_tick(Duration::from_millis(80));
                    self.bars.insert(*id, bar);
                }
            }
            Event::CheckFinished(check) => {
                if let Some(bar) = self.bars.remove(&check.id) {
                    bar.finish_and_clear();
                }
                if let Some((since, true)) = self.running.remove(&check.id) {
                    if !self.options.verbose {
                        self.println(&format!(
                            "[wsdoctor] {} finished after {}: {}",
                            check.id.as_str(),
                            human(since.elapsed()),
                            check.status.as_str()
                        ));
                    }
                }
            }
            // Once a check is slow, its attempts are news in a log (--verbose has its own lines).
            Event::Attempt { id, of, attempt }
                if self.options.slow_lines
                    && !self.options.verbose
                    && self
                        .running
                        .get(id)
                        .is_some_and(|(since, _)| since.elapsed() >= SLOW) =>
            {
                self.running
                    .entry(*id)
                    .and_modify(|(_, mentioned)| *mentioned = true);
                let outcome = match (attempt.outcome, attempt.cause) {
                    (AttemptOutcome::Ok, _) => "worked".to_string(),
                    (_, Some(cause)) => format!("failed: {cause}"),
                    (_, None) => "failed".to_string(),
                };
                let retry = attempt
                    .retry_in_ms
                    .map(|ms| format!(", retrying in {ms:.0} ms"))
                    .unwrap_or_default();
                self.println(&format!(
                    "[wsdoctor] {} attempt {}/{of} {outcome} after {:.0} ms{retry}",
                    id.as_str(),
                    attempt.number,
                    attempt.duration_ms
                ));
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
