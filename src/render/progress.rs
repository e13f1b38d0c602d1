//! Live feedback on stderr while the run goes: when stderr is a terminal, one status line under
//! what has been printed, naming the checks still running with their elapsed time; the web
//! client's console lines with `--verbose`; and, off a terminal (a CI log), a line for any check
//! that runs longer than a few seconds and for each of its attempts, so a long run never looks
//! hung.

use super::human::safe;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use wsdoctor_core::model::timing::human;
use wsdoctor_core::model::{AttemptOutcome, CheckId, Event};

/// How long a check runs before a log without a status line hears about it.
pub(crate) const SLOW: Duration = Duration::from_secs(3);

/// What the progress view shows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProgressOptions {
    /// The live status line (stderr is a terminal and not CI).
    pub(crate) status_line: bool,
    /// Connection log lines.
    pub(crate) verbose: bool,
    /// Lines about slow checks and their attempts when there is no status line (not `--quiet`).
    pub(crate) slow_lines: bool,
    /// The `--hold` asked for, shown on the status line.
    pub(crate) hold: Option<Duration>,
}

/// Consumes events and draws them on stderr.
pub(crate) struct Progress {
    options: ProgressOptions,
    /// The status line: drawn on stderr with `status_line`, hidden otherwise.
    status: ProgressBar,
    /// Checks running, with when they started and whether the log has mentioned them.
    running: BTreeMap<CheckId, (Instant, bool)>,
}

impl Progress {
    /// A progress view.
    pub(crate) fn new(options: ProgressOptions) -> Progress {
        let status = if options.status_line {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        // Cut at the terminal's width: a status line that wrapped would leave its first half
        // behind when it is redrawn.
        status.set_style(
            ProgressStyle::with_template("{wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        Progress {
            options,
            status,
            running: BTreeMap::new(),
        }
    }

    /// Called a few times a second: redraws the status line with the elapsed times, and mentions
    /// checks that have become slow.
    pub(crate) fn tick(&mut self) {
        self.redraw();
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
                self.redraw();
            }
            Event::CheckFinished(check) => {
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
                self.redraw();
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

    /// The status line's text: the checks still running, in checklist order, each with how long
    /// it has run (the hold also with how long it will).
    fn status_text(&self) -> String {
        let running: Vec<String> = self
            .running
            .iter()
            .map(|(id, (since, _))| {
                let total = match (id, self.options.hold) {
                    (CheckId::Hold, Some(hold)) => format!(" of {}", seconds(hold)),
                    _ => String::new(),
                };
                format!("{} {}{total}", id.as_str(), seconds(since.elapsed()))
            })
            .collect();
        if running.is_empty() {
            String::new()
        } else {
            format!("… {}", running.join(", "))
        }
    }

    fn redraw(&self) {
        if self.options.status_line {
            self.status.set_message(self.status_text());
        }
    }

    fn println(&self, line: &str) {
        if self.options.status_line {
            self.status.println(line);
        } else {
            crate::print::stderr(line);
        }
    }

    /// Writes report text to stdout, with the status line out of the way while it is written so
    /// the two never share a line on a terminal; false once the reader of stdout has gone.
    pub(crate) fn stdout(&self, text: &str) -> bool {
        if self.options.status_line {
            self.status.suspend(|| crate::print::stdout(text))
        } else {
            crate::print::stdout(text)
        }
    }

    /// Clears the status line (the run is over, or interrupted).
    pub(crate) fn finish(&mut self) {
        self.running.clear();
        self.status.finish_and_clear();
    }
}

/// A duration on the status line: always in seconds with a tenth, so the line does not jump
/// between units as a check runs on.
fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
