//! A fleet run: many targets at once, each its own run of the checklist sharing nothing with the
//! others but the runtime, bounded by `--parallel`; one document for all of them, its pieces
//! spooled as each target ends.

use super::check::{output_path, stop_signal, use_color};
use crate::args::OutputSettings;
use crate::cli::Format;
use crate::exit::{self, AppError};
use crate::fleet::FleetTarget;
use crate::fleet_spool::{Piece, Spool};
use crate::output::{self, ReportFile};
use crate::render;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, OnceLock};
use std::time::{Instant, SystemTime};
use tokio::sync::{mpsc, watch, Semaphore};
use wsdoctor_core::model::{FleetReport, Report, Stamped};
use wsdoctor_core::Plan;

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
    let mut file = output
        .output
        .as_deref()
        .map(ReportFile::create)
        .transpose()?;
    let parallel = fit_to_open_files(parallel, output.quiet);
    let color = use_color(output.color, std::io::stdout().is_terminal());
    colored::control::set_override(color);
    let ndjson = output.format == Format::Ndjson && !(output.quiet && output.output.is_none());

    let started_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let start = Instant::now();
    let (stop, stopped) = watch::channel(false);
    let caught = Arc::new(OnceLock::new());
    let signal = stop_signal(caught.clone());
    tokio::spawn(async move {
        signal.await;
        let _ = stop.send(true);
    });

    // NDJSON: every target's events on one stream, each line naming its target.
    let (lines, mut receiver) = mpsc::unbounded_channel::<String>();
    let writer = tokio::spawn(async move {
        let mut stdout_open = true;
        let mut error = None;
        while let Some(line) = receiver.recv().await {
            match file.as_mut() {
                Some(f) if ndjson => {
                    if let Err(e) = f.append(&line) {
                        error.get_or_insert(e);
                    }
                }
                None if ndjson && stdout_open => stdout_open = output::stdout(&line),
                _ => {}
            }
        }
        (file, error)
    });

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
    let permits = Arc::new(Semaphore::new(parallel as usize));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, target) in targets.into_iter().enumerate() {
        let permits = permits.clone();
        let mut stopped = stopped.clone();
        let lines = lines.clone();
        let bar = bar.clone();
        let show_secrets = output.show_secrets;
        tasks.spawn(async move {
            // A stopped fleet starts nothing new: the run below sees the stop at once and
            // reports its checks as interrupted before they started.
            let _permit = tokio::select! {
                permit = permits.acquire_owned() => permit.ok(),
                _ = stopped.wait_for(|s| *s) => None,
            };
            // Boxed, so the thousand tasks waiting for a permit do not each carry a run's
            // whole future from the start.
            let report = Box::pin(run_target(
                target,
                show_secrets,
                ndjson.then_some(lines),
                stopped,
            ))
            .await;
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            (index, report)
        });
    }
    drop(lines);
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
        return Err(AppError::io(format!("writing {}", output_path(&output)), e));
    }
    write_outputs(&output, &fleet, &mut spool, file, color)?;
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

/// One target's run, its events tagged with its name when someone listens.
async fn run_target(
    target: FleetTarget,
    show_secrets: bool,
    lines: Option<mpsc::UnboundedSender<String>>,
    mut stopped: watch::Receiver<bool>,
) -> Report {
    let settings = Arc::new(target.settings);
    let secrets = settings.secrets();
    let redactor = wsdoctor_core::Redactor::new(secrets.iter().map(String::as_str), !show_secrets);
    let plan = Plan::for_settings(&settings);
    let (events, mut receiver) = mpsc::unbounded_channel::<Stamped>();
    let report_lines = lines.clone();
    // Nobody reads the events unless they are streamed: close the channel, or every event of a
    // run (each check's report among them) would wait in it until the run ends.
    if lines.is_none() {
        receiver.close();
    }
    let forward = lines.map(|lines| {
        let name = target.name.clone();
        tokio::spawn(async move {
            while let Some(event) = receiver.recv().await {
                let _ = lines.send(tagged_line(&name, &event));
            }
        })
    });
    let interrupt = async move {
        let _ = stopped.wait_for(|s| *s).await;
    };
    let (report, _) = wsdoctor_core::run(settings, plan, redactor, events, interrupt).await;
    if let Some(forward) = forward {
        let _ = forward.await;
    }
    // As in a single run, each target's stream ends with its report, as soon as it is done.
    if let Some(lines) = report_lines {
        let event = Stamped {
            time: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            event: wsdoctor_core::model::Event::Report(Box::new(report.clone())),
        };
        let _ = lines.send(tagged_line(&target.name, &event));
    }
    report
}

/// An NDJSON line naming its target.
fn tagged_line(name: &str, event: &Stamped) -> String {
    match serde_json::to_value(event) {
        Ok(serde_json::Value::Object(mut fields)) => {
            fields.insert("target".into(), serde_json::Value::String(name.to_string()));
            let mut line = serde_json::Value::Object(fields).to_string();
            line.push('\n');
            line
        }
        _ => render::event_line(event),
    }
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
            output::stderr(&format!(
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

/// Writes the fleet's documents where they were asked for, from the spooled pieces.
fn write_outputs(
    output: &OutputSettings,
    fleet: &FleetReport,
    spool: &mut Spool,
    file: Option<ReportFile>,
    color: bool,
) -> Result<(), AppError> {
    let human = |spool: &mut Spool, out: &mut dyn Write| {
        if output.write_out.is_some() {
            // -w is the line a script reads: it stands where the human view would.
            Ok(())
        } else if output.quiet {
            writeln!(out, "{}", render::fleet::verdict_line(fleet, color))
        } else {
            spool.write_human(fleet, output.verbose, color, out)
        }
    };
    let document = |spool: &mut Spool, format: Format, out: &mut dyn Write| match format {
        // Refused before the run (see the top of `run`); the fleet's text, should it come here.
        Format::Human | Format::Html => spool.write_human(fleet, output.verbose, false, out),
        Format::Json => spool.write_json(fleet, true, out),
        Format::Ndjson => spool.write_json(fleet, false, out),
        Format::Junit => spool.write_junit(out),
        Format::Markdown => spool.write_markdown(fleet, out),
        Format::Github => {
            spool.write_annotations(out)?;
            writeln!(out, "{}", render::fleet::verdict_line(fleet, false))
        }
    };
    if output.format == Format::Github || render::github::in_github_actions() {
        let appended = render::github::step_summary().and_then(|summary| match summary {
            Some(summary) => {
                let mut writer = std::io::BufWriter::new(summary);
                spool.write_markdown(fleet, &mut writer)?;
                writer.write_all(b"\n")?;
                writer.flush()
            }
            None => Ok(()),
        });
        if let Err(e) = appended {
            output::stderr(&format!(
                "wsdoctor: cannot append to $GITHUB_STEP_SUMMARY: {e}"
            ));
        }
    }
    match file {
        Some(mut file) => {
            let failed =
                |e: std::io::Error| AppError::io(format!("writing {}", output_path(output)), e);
            {
                let mut writer = std::io::BufWriter::new(file.writer());
                document(spool, output.format, &mut writer).map_err(failed)?;
                writer.flush().map_err(failed)?;
            }
            file.commit()?;
            to_stdout(|out| human(spool, out))?;
        }
        None if output.format == Format::Json && !output.quiet => {
            to_stdout(|out| document(spool, Format::Json, out))?;
        }
        None if output.quiet || output.format == Format::Human => {
            to_stdout(|out| human(spool, out))?;
        }
        None => to_stdout(|out| document(spool, output.format, out))?,
    }
    let human_on_stdout =
        (output.format == Format::Human || output.output.is_some()) && output.write_out.is_none();
    if human_on_stdout && render::github::in_github_actions() && !output.quiet {
        to_stdout(|out| spool.write_annotations(out))?;
    }
    if output.write_out.is_some() {
        // One line per target, in the fleet's order.
        to_stdout(|out| spool.write_write_out(out))?;
    }
    Ok(())
}

/// Writes to stdout through a buffer; a reader that went away (`| head`) is not an error worth a
/// message.
fn to_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), AppError> {
    let stdout = std::io::stdout();
    let mut writer = std::io::BufWriter::new(stdout.lock());
    match write(&mut writer).and_then(|()| writer.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(AppError::io("writing to stdout", e)),
    }
}
