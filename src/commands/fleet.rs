//! A fleet run: many targets at once, each its own run of the checklist sharing nothing with the
//! others but the runtime, bounded by `--parallel`; one document for all of them.

use super::check::{output_path, stop_signal, use_color};
use crate::args::OutputSettings;
use crate::cli::Format;
use crate::exit::{self, AppError};
use crate::fleet::FleetTarget;
use crate::output::{self, ReportFile};
use crate::render;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, OnceLock};
use std::time::{Instant, SystemTime};
use tokio::sync::{mpsc, watch, Semaphore};
use wsdoctor_core::model::{FleetEntry, FleetReport, Report, Stamped};
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

    let bar = progress_bar(targets.len(), &output);
    let permits = Arc::new(Semaphore::new(parallel as usize));
    let mut tasks = tokio::task::JoinSet::new();
    let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
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
    let mut reports: Vec<Option<Report>> = vec![None; names.len()];
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, report)) => reports[index] = Some(report),
            Err(e) => return Err(AppError::Runtime(format!("a target's run failed: {e}"))),
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let entries = names
        .into_iter()
        .zip(reports)
        .filter_map(|(name, report)| report.map(|report| FleetEntry { name, report }))
        .collect();
    let fleet = FleetReport::new(
        started_at,
        wsdoctor_core::model::ms(start.elapsed()),
        entries,
    );
    let (file, error) = writer
        .await
        .map_err(|e| AppError::Runtime(format!("the event stream did not drain: {e}")))?;
    if let Some(e) = error {
        return Err(AppError::io(format!("writing {}", output_path(&output)), e));
    }
    write_outputs(&output, &fleet, file, color)?;
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

/// Writes the fleet document where it was asked for.
fn write_outputs(
    output: &OutputSettings,
    fleet: &FleetReport,
    file: Option<ReportFile>,
    color: bool,
) -> Result<(), AppError> {
    let human = || {
        if output.write_out.is_some() {
            // -w is the line a script reads: it stands where the human view would.
            String::new()
        } else if output.quiet {
            format!("{}\n", render::fleet::verdict_line(fleet, color))
        } else {
            render::fleet::render(fleet, output.verbose, color)
        }
    };
    let document = |format: Format| -> String {
        match format {
            Format::Human => render::fleet::render(fleet, output.verbose, false),
            Format::Json => match serde_json::to_string_pretty(fleet) {
                Ok(text) => text + "\n",
                Err(e) => format!("{{\"error\":\"cannot serialise the fleet: {e}\"}}\n"),
            },
            Format::Ndjson => {
                let event = serde_json::json!({
                    "type": "fleet_report",
                    "time": humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
                    "data": fleet,
                });
                format!("{event}\n")
            }
            Format::Junit => render::junit::render_fleet(fleet),
            Format::Markdown => render::markdown::render_fleet(fleet),
            Format::Github => {
                let mut text = render::github::fleet_annotations(fleet);
                text.push_str(&render::fleet::verdict_line(fleet, false));
                text.push('\n');
                text
            }
        }
    };
    if output.format == Format::Github || render::github::in_github_actions() {
        if let Err(e) = render::github::append_step_summary(&render::markdown::render_fleet(fleet))
        {
            output::stderr(&format!(
                "wsdoctor: cannot append to $GITHUB_STEP_SUMMARY: {e}"
            ));
        }
    }
    match file {
        Some(mut file) => {
            let failed =
                |e: std::io::Error| AppError::io(format!("writing {}", output_path(output)), e);
            if output.format == Format::Json {
                // Streamed: the document is never whole in memory.
                let mut writer = std::io::BufWriter::new(file.writer());
                serde_json::to_writer_pretty(&mut writer, fleet)
                    .map_err(|e| failed(std::io::Error::other(e)))?;
                writer.write_all(b"\n").map_err(failed)?;
                writer.flush().map_err(failed)?;
            } else {
                file.append(&document(output.format)).map_err(failed)?;
            }
            file.commit()?;
            output::stdout(&human());
        }
        None if output.format == Format::Json && !output.quiet => {
            let stdout = std::io::stdout();
            let mut writer = std::io::BufWriter::new(stdout.lock());
            // serde_json wraps the writer's error: keep its kind, so a closed pipe stays one.
            let written = serde_json::to_writer_pretty(&mut writer, fleet)
                .map_err(|e| match e.io_error_kind() {
                    Some(kind) => std::io::Error::from(kind),
                    None => std::io::Error::other(e),
                })
                .and_then(|()| writer.write_all(b"\n"))
                .and_then(|()| writer.flush());
            match written {
                Ok(()) => {}
                // A reader that went away (`| head`) is not an error worth a message.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(AppError::io("writing to stdout", e)),
            }
        }
        None => {
            let text = match output.format {
                _ if output.quiet => human(),
                Format::Human => human(),
                other => document(other),
            };
            output::stdout(&text);
        }
    }
    let human_on_stdout =
        (output.format == Format::Human || output.output.is_some()) && output.write_out.is_none();
    if human_on_stdout && render::github::in_github_actions() && !output.quiet {
        output::stdout(&render::github::fleet_annotations(fleet));
    }
    if let Some(template) = &output.write_out {
        // One line per target, in the fleet report's order.
        let lines: String = fleet
            .targets
            .iter()
            .map(|entry| template.render(&entry.report))
            .collect();
        output::stdout(&lines);
    }
    Ok(())
}
