//! `wsdoctor check`: one target's run from settings to an exit status, its events shown as they
//! happen (several targets are a fleet, see [`super::fleet`]).

use crate::args::{Env, OutputSettings};
use crate::cli::{CheckCommand, ColorChoice, Format};
use crate::exit::{self, AppError};
use crate::outputs::{self, OneReport};
use crate::render::{self, progress};
use crate::report_file::ReportFile;
use crate::{print, runtime};
use std::io::{self, IsTerminal};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc;
use wsdoctor_core::model::{Event, Stamped};
use wsdoctor_core::{Diagnosis, Interruption, Settings};

/// How long the event consumer may take to drain after the run.
const DRAIN: Duration = Duration::from_secs(1);

pub(crate) fn run(cmd: CheckCommand) -> Result<u8, AppError> {
    let output = OutputSettings::from_options(&cmd.output)?;
    let mut selection =
        crate::targets::select("check", &cmd.targets, &cmd.fleet, &Env::from_process())?;
    selection.announce(output.quiet);
    selection.say_chosen(outputs::human_on_stdout(&output));
    if cmd.options.dry_run {
        print::stdout(&selection.dry_run(output.show_secrets));
        return Ok(exit::OK);
    }
    if !selection.fleet {
        if let Some(target) = selection.targets.pop() {
            return runtime::block_on(check(target.settings, output));
        }
    }
    if output.trace.is_some() {
        return Err(AppError::usage(
            "--trace",
            "traces one target's wire; check the target in question on its own (a fleet's traces would interleave)",
        ));
    }
    runtime::block_on(super::fleet::run(
        selection.targets,
        cmd.fleet.parallel,
        output,
    ))
}

/// Runs the checklist and writes every output; returns the exit status.
pub(crate) async fn check(settings: Settings, output: OutputSettings) -> Result<u8, AppError> {
    // Find out now, not after a five-minute run, that the report cannot be written.
    let file = output
        .output
        .as_deref()
        .map(ReportFile::create)
        .transpose()?;
    let trace = output
        .trace
        .as_ref()
        .map(|t| render::trace::TraceWriter::new(t.file.as_deref()))
        .transpose()?;
    let mut settings = settings;
    settings.trace = trace.is_some();
    let diagnosis = Diagnosis::new(settings, output.show_secrets);
    let color = crate::color::use_color(output.color, io::stdout().is_terminal());
    colored::control::set_override(color);
    let live = Live::new(&output, &diagnosis, color, file, trace);
    let (events, receiver) = mpsc::unbounded_channel::<Stamped>();
    let consumer = tokio::spawn(live.follow(receiver));

    let caught = Arc::new(OnceLock::new());
    let (report, interruption) = diagnosis
        .run(Some(events), runtime::stop_signal(caught.clone()))
        .await;
    let Ok(Ok(live)) = tokio::time::timeout(DRAIN, consumer).await else {
        return Err(AppError::Runtime(
            "the event stream did not drain".to_string(),
        ));
    };
    if let Some((path, e)) = live.trace_error {
        return Err(AppError::io(format!("writing {}", path.display()), e));
    }
    if let Some(e) = live.file_error {
        return Err(outputs::write_failed(&output, e));
    }
    let mut document = OneReport {
        report: &report,
        printed: live.printed,
        trace: &live.trace_lines,
        write_out: output.write_out.as_ref(),
    };
    outputs::write(&output, &mut document, live.file, color)?;
    Ok(match interruption {
        Some(Interruption::Signal) => caught.get().copied().unwrap_or(exit::INTERRUPTED),
        other => exit::status(&report, other),
    })
}

/// What a run's events become while it runs: the progress view, the live checklist on stdout,
/// the `--trace` lines and the NDJSON stream.
struct Live {
    view: progress::Progress,
    checklist: Option<render::live::Checklist>,
    stdout_open: bool,
    ndjson: bool,
    file: Option<ReportFile>,
    trace: Option<render::trace::TraceWriter>,
    /// Whether the trace's lines are kept for the HTML page.
    keep_trace: bool,
}

/// What is left of [`Live`] once the run is over.
struct Followed {
    file: Option<ReportFile>,
    file_error: Option<io::Error>,
    printed: Option<usize>,
    trace_error: Option<(std::path::PathBuf, io::Error)>,
    trace_lines: Vec<String>,
}

impl Live {
    fn new(
        output: &OutputSettings,
        diagnosis: &Diagnosis,
        color: bool,
        file: Option<ReportFile>,
        trace: Option<render::trace::TraceWriter>,
    ) -> Live {
        // Trace lines on stderr and a status line redrawn over them would garble both.
        let status_line = io::stderr().is_terminal()
            && trace.is_none()
            && !crate::args::in_ci()
            && !output.quiet
            && output.color != ColorChoice::Never;
        let view = progress::Progress::new(progress::ProgressOptions {
            status_line,
            verbose: output.verbose,
            slow_lines: !status_line && !output.quiet,
            hold: diagnosis.settings().limits.hold,
        });
        // Wherever the whole human report goes to stdout, it goes as it happens.
        let checklist =
            outputs::human_on_stdout(output).then(|| render::live::Checklist::new(color));
        Live {
            view,
            checklist,
            stdout_open: true,
            // --quiet: nothing on stdout but the verdict line, whatever the format.
            ndjson: output.format == Format::Ndjson && !(output.quiet && output.output.is_none()),
            file,
            // The HTML page holds the trace too; the core bounds a run's trace as a whole.
            keep_trace: trace.is_some() && output.format == Format::Html,
            trace,
        }
    }

    /// Follows the events until the run closes the stream.
    async fn follow(mut self, mut receiver: mpsc::UnboundedReceiver<Stamped>) -> Followed {
        let mut file_error = None;
        let mut trace_lines = Vec::new();
        // Often enough for the status line's elapsed times to run smoothly.
        let mut ticks = tokio::time::interval(Duration::from_millis(100));
        loop {
            let event = tokio::select! {
                event = receiver.recv() => match event {
                    Some(event) => event,
                    None => break,
                },
                _ = ticks.tick() => {
                    self.view.tick();
                    continue;
                }
            };
            self.show(&event.event);
            if let Some(line) = self.trace_line(&event.event) {
                trace_lines.push(line);
            }
            if !self.ndjson {
                continue;
            }
            let line = render::event_line(&event);
            match self.file.as_mut() {
                Some(f) => {
                    if let Err(e) = f.append(&line) {
                        file_error.get_or_insert(e);
                    }
                }
                None if self.stdout_open => self.stdout_open = self.view.stdout(&line),
                None => {}
            }
        }
        self.view.finish();
        Followed {
            file: self.file,
            file_error,
            printed: self.checklist.and_then(|c| c.printed()),
            trace_error: self
                .trace
                .map(render::trace::TraceWriter::finish)
                .and_then(Result::err),
            trace_lines,
        }
    }

    /// The progress view and the live checklist.
    fn show(&mut self, event: &Event) {
        self.view.on_event(event);
        if let Some(checklist) = self.checklist.as_mut() {
            let text = checklist.on_event(event);
            if !text.is_empty() && self.stdout_open {
                self.stdout_open = self.view.stdout(&text);
            }
        }
    }

    /// Writes a wire event's trace line; returns it when the HTML page keeps it.
    fn trace_line(&mut self, event: &Event) -> Option<String> {
        let (
            Some(writer),
            Event::Wire {
                id,
                at_ms,
                dir,
                text,
                ..
            },
        ) = (self.trace.as_mut(), event)
        else {
            return None;
        };
        let line = render::trace::line(*at_ms, *id, *dir, text);
        writer.write(&line);
        self.keep_trace.then_some(line)
    }
}
