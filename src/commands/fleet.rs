//! A fleet run: many targets at once, each its own run of the checklist sharing nothing with the
//! others but the runtime, bounded by `--parallel`; one document for all of them, its pieces
//! spooled as each target ends.

use crate::args::OutputSettings;
use crate::cli::Format;
use crate::exit::{self, AppError};
use crate::fleet_spool::{Piece, Spool};
use crate::outputs::{self, Document};
use crate::render;
use crate::report_file::ReportFile;
use crate::targets::FleetTarget;
use crate::{parallel, print, runtime};
use std::io::{IsTerminal, Write};
use std::sync::{Arc, OnceLock};
use std::time::{Instant, SystemTime};
use tokio::sync::{mpsc, watch};
use wsdoctor_core::model::{FleetReport, Report, Stamped, TargetEvent};
use wsdoctor_core::Diagnosis;

/// Sockets one target may hold at once (every check of the checklist, a retry, the origin probe),
/// for sizing `--parallel` against the open-files limit.
const SOCKETS_PER_TARGET: u64 = 10;

/// Open files kept for everything else (stdio, the report file, the resolver).
const RESERVED_FILES: u64 = 64;

/// Runs every target and writes the fleet document; returns the exit status.
pub(crate) async fn run(
    targets: Vec<FleetTarget>,
    parallel: u32,
    output: OutputSettings,
) -> Result<u8, AppError> {
    // One page per incident: a fleet's pages side by side would bury the one that matters, and
    // the Markdown report already tabulates a fleet.
    if output.format == Format::Html {
        return Err(AppError::usage(
            if output.format_given { "--format" } else { "--output" },
            "the HTML report is one target's: check the target in question on its own, or use --format markdown for a fleet",
        ));
    }
    let file = output
        .output
        .as_deref()
        .map(ReportFile::create)
        .transpose()?;
    let parallel = fit_to_open_files(parallel, output.quiet);
    let color = crate::color::use_color(output.color, std::io::stdout().is_terminal());
    colored::control::set_override(color);
    let ndjson = output.format == Format::Ndjson && !(output.quiet && output.output.is_none());

    let started_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let start = Instant::now();
    let caught = Arc::new(OnceLock::new());
    let stopped = runtime::stop_switch(caught.clone());
    // NDJSON: every target's events on one stream, each line naming its target.
    let (lines, receiver) = mpsc::unbounded_channel::<String>();
    let writer = tokio::spawn(stream_lines(receiver, file, ndjson));

    let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
    // Each report is rendered into the spool as its target ends, then dropped: memory stays that
    // of the targets running, whatever the size of the fleet. Made before any target starts, so
    // a temporary directory that cannot take it stops the run before anything is sent.
    let mut spool = Spool::new(&names, pieces(&output, color))
        .map_err(|e| {
            AppError::io(
                format!(
                    "creating the fleet's temporary file in {}",
                    std::env::temp_dir().display()
                ),
                e,
            )
        })?
        .with_write_out(output.write_out.clone());
    let bar = progress_bar(targets.len(), &output);
    let show_secrets = output.show_secrets;
    let lines = ndjson.then_some(lines);
    let mut tasks = {
        let (stop, bar) = (stopped.clone(), bar.clone());
        parallel::spawn_bounded(targets, parallel as usize, &stopped, move |target| {
            let run = run_target(target, show_secrets, lines.clone(), stop.clone());
            let bar = bar.clone();
            async move {
                let report = run.await;
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                report
            }
        })
    };
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, report)) => spool
                .add(index, &names[index], &report)
                .map_err(|e| AppError::io("writing the fleet's temporary file", e))?,
            Err(e) => return Err(AppError::Runtime(format!("a target's run failed: {e}"))),
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let fleet = spool.summary(started_at, wsdoctor_core::model::ms(start.elapsed()));
    let (file, error) = writer
        .await
        .map_err(|e| AppError::Runtime(format!("the event stream did not drain: {e}")))?;
    if let Some(e) = error {
        return Err(outputs::write_failed(&output, e));
    }
    let mut document = FleetDocument {
        spool: &mut spool,
        fleet: &fleet,
        verbose: output.verbose,
    };
    outputs::write(&output, &mut document, file, color)?;
    if fleet.interrupted {
        if let Some(status) = caught.get() {
            return Ok(*status);
        }
    }
    Ok(match fleet.verdict {
        wsdoctor_core::model::Verdict::Fail => exit::FAILED,
        _ => exit::OK,
    })
}

/// Writes the NDJSON lines of every target as they come, to `--output` or stdout; gives the
/// file back, with the first error writing it.
async fn stream_lines(
    mut receiver: mpsc::UnboundedReceiver<String>,
    mut file: Option<ReportFile>,
    ndjson: bool,
) -> (Option<ReportFile>, Option<std::io::Error>) {
    let mut stdout_open = true;
    let mut error = None;
    while let Some(line) = receiver.recv().await {
        match file.as_mut() {
            Some(f) if ndjson => {
                if let Err(e) = f.append(&line) {
                    error.get_or_insert(e);
                }
            }
            None if ndjson && stdout_open => stdout_open = print::stdout(&line),
            _ => {}
        }
    }
    (file, error)
}

/// One target's run, its events tagged with its name when someone listens.
async fn run_target(
    target: FleetTarget,
    show_secrets: bool,
    lines: Option<mpsc::UnboundedSender<String>>,
    stopped: watch::Receiver<bool>,
) -> Report {
    let diagnosis = Diagnosis::new(target.settings, show_secrets);
    let name = target.name;
    let (events, forward) = match lines.clone() {
        Some(lines) => {
            let (events, mut receiver) = mpsc::unbounded_channel::<Stamped>();
            let name = name.clone();
            let forward = tokio::spawn(async move {
                while let Some(event) = receiver.recv().await {
                    let _ = lines.send(tagged_line(&name, &event));
                }
            });
            (Some(events), Some(forward))
        }
        // Nobody reads the events unless they are streamed: the run then neither builds nor
        // queues them (each check's report among them) until it ends.
        None => (None, None),
    };
    let (report, _) = diagnosis.run(events, runtime::stopped(stopped)).await;
    if let Some(forward) = forward {
        let _ = forward.await;
    }
    // As in a single run, each target's stream ends with its report, as soon as it is done.
    if let Some(lines) = lines {
        let event = Stamped {
            time: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            event: wsdoctor_core::model::Event::Report(Box::new(report.clone())),
        };
        let _ = lines.send(tagged_line(&name, &event));
    }
    report
}

/// An NDJSON line naming its target.
fn tagged_line(name: &str, event: &Stamped) -> String {
    let mut line = serde_json::to_string(&TargetEvent {
        target: name,
        event,
    })
    .unwrap_or_else(|_| render::event_line(event));
    line.push('\n');
    line
}

/// Raises the soft limit of open files to the hard one and lowers `parallel` to what fits, saying
/// so; a target that still cannot get a socket fails on its own with the OS's words.
fn fit_to_open_files(parallel: u32, quiet: bool) -> u32 {
    let Some(limit) = open_files_limit() else {
        return parallel;
    };
    let fits = limit.saturating_sub(RESERVED_FILES) / SOCKETS_PER_TARGET;
    let fits = u32::try_from(fits.max(1)).unwrap_or(u32::MAX);
    if fits < parallel {
        if !quiet {
            print::stderr(&format!(
                "wsdoctor: --parallel {parallel} needs about {} open files, the limit is {limit} (ulimit -n): running {fits} at a time",
                u64::from(parallel) * SOCKETS_PER_TARGET + RESERVED_FILES
            ));
        }
        return fits;
    }
    parallel
}

#[cfg(unix)]
fn open_files_limit() -> Option<u64> {
    use rlimit::Resource;
    let (soft, hard) = Resource::NOFILE.get().ok()?;
    if soft < hard {
        // Best effort: a container may forbid it, and the soft limit then stands.
        let _ = Resource::NOFILE.set(hard, hard);
    }
    Resource::NOFILE.get().ok().map(|(soft, _)| soft)
}

#[cfg(not(unix))]
fn open_files_limit() -> Option<u64> {
    None
}

/// A bar counting finished targets, on a terminal only.
fn progress_bar(targets: usize, output: &OutputSettings) -> Option<indicatif::ProgressBar> {
    let show = std::io::stderr().is_terminal() && !crate::args::in_ci() && !output.quiet;
    show.then(|| {
        let bar = indicatif::ProgressBar::new(targets as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("  {spinner} {pos}/{len} targets {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(80));
        bar
    })
}

/// The pieces of each target the outputs of this run are made of (see [`write_outputs`]).
fn pieces(output: &OutputSettings, color: bool) -> Vec<Piece> {
    let human = |color: bool| {
        vec![
            Piece::HumanLine { color },
            Piece::HumanDetail {
                color,
                all: output.verbose,
            },
        ]
    };
    let markdown = || vec![Piece::MarkdownLine, Piece::MarkdownDetail];
    let document = |format: Format| match format {
        // Refused before the run (see the top of `run`); the fleet's text, should it come here.
        Format::Human | Format::Html => human(false),
        Format::Json => vec![Piece::Json],
        Format::Ndjson => vec![Piece::Ndjson],
        Format::Junit => vec![Piece::Junit],
        Format::Markdown => markdown(),
        Format::Github => vec![Piece::Annotations],
    };
    let mut pieces = Vec::new();
    if output.format == Format::Github || render::github::in_github_actions() {
        pieces.extend(markdown());
    }
    match (&output.output, output.quiet) {
        (Some(_), quiet) => {
            pieces.extend(document(output.format));
            if !quiet {
                pieces.extend(human(color));
            }
        }
        (None, true) => {}
        // -w is the line a script reads: it stands where the human view would.
        (None, false) if output.format == Format::Human && output.write_out.is_some() => {}
        (None, false) if output.format == Format::Human => pieces.extend(human(color)),
        (None, false) => pieces.extend(document(output.format)),
    }
    let human_on_stdout =
        (output.format == Format::Human || output.output.is_some()) && output.write_out.is_none();
    if human_on_stdout && render::github::in_github_actions() && !output.quiet {
        pieces.push(Piece::Annotations);
    }
    if output.write_out.is_some() {
        pieces.push(Piece::WriteOut);
    }
    pieces
}

/// The fleet's documents, from the spooled pieces.
struct FleetDocument<'a> {
    spool: &'a mut Spool,
    fleet: &'a FleetReport,
    verbose: bool,
}

impl Document for FleetDocument<'_> {
    fn human(&mut self, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
        self.spool.write_human(self.fleet, self.verbose, color, out)
    }

    fn verdict_line(&mut self, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "{}", render::fleet::verdict_line(self.fleet, color))
    }

    fn document(
        &mut self,
        format: Format,
        _color: bool,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        // The colour of the pieces was chosen when they were spooled (see `pieces`).
        match format {
            // Refused before the run (see the top of `run`); the fleet's text, should it come here.
            Format::Human | Format::Html => {
                self.spool.write_human(self.fleet, self.verbose, false, out)
            }
            Format::Json => self.spool.write_json(self.fleet, true, out),
            Format::Ndjson => self.spool.write_json(self.fleet, false, out),
            Format::Junit => self.spool.write_junit(out),
            Format::Markdown => self.spool.write_markdown(self.fleet, out),
            Format::Github => {
                self.spool.write_annotations(out)?;
                writeln!(out, "{}", render::fleet::verdict_line(self.fleet, false))
            }
        }
    }

    fn markdown(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        self.spool.write_markdown(self.fleet, out)
    }

    fn annotations(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        self.spool.write_annotations(out)
    }

    fn write_out(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        // One line per target, in the fleet's order.
        self.spool.write_write_out(out)
    }
}
