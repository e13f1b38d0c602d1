//! `wsdoctor watch`: the checklist every interval until `--runs` or a signal; a line a run, a line
//! whenever a check changes state, a summary at the end.

use crate::args::{Env, OutputSettings};
use crate::changes::Watcher;
use crate::cli::{Format, WatchCommand};
use crate::exit::{self, AppError};
use crate::outputs;
use crate::render;
use crate::report_file::ReportFile;
use crate::targets::Selection;
use crate::{parallel, print, runtime};
use std::io::{self, IsTerminal};
use std::sync::{Arc, OnceLock};
use tokio::sync::watch;
use wsdoctor_core::model::{Report, Verdict, WatchEvent};
use wsdoctor_core::{Diagnosis, Interruption};

pub(crate) fn run(cmd: WatchCommand) -> Result<u8, AppError> {
    let mut output = OutputSettings::from_options(&cmd.output)?;
    // A page is a document of one run, and watch streams lines: `watch -o log.html` keeps
    // writing the human lines it always wrote.
    if output.format == Format::Html && !output.format_given {
        output.format = Format::Human;
    }
    if !matches!(output.format, Format::Human | Format::Ndjson) {
        return Err(AppError::usage("--format", "watch writes human or ndjson"));
    }
    if output.write_out.is_some() {
        return Err(AppError::usage(
            "--write-out",
            "watch prints a line a run already; -w is for check and demo",
        ));
    }
    if output.trace.is_some() {
        return Err(AppError::usage(
            "--trace",
            "watch repeats its rounds without end, and a trace is bounded: trace one round with `wsdoctor check --trace`",
        ));
    }
    let selection =
        crate::targets::select("watch", &cmd.targets, &cmd.fleet, &Env::from_process())?;
    selection.announce(output.quiet);
    selection
        .say_chosen(output.format == Format::Human && !output.quiet && output.output.is_none());
    if cmd.options.dry_run {
        let mut text = selection.dry_run(output.show_secrets);
        text.push_str(&format!(
            "\n  every {}{}\n",
            wsdoctor_core::model::timing::human(cmd.interval),
            cmd.runs
                .map(|n| format!(", {n} runs"))
                .unwrap_or_else(|| ", until stopped".into())
        ));
        print::stdout(&text);
        return Ok(exit::OK);
    }
    runtime::block_on(watch(cmd, selection, output))
}

/// One watched target.
struct Watched {
    /// Its name, when a fleet is watched (every line then carries it).
    name: Option<String>,
    diagnosis: Diagnosis,
    watcher: Watcher,
}

/// How a round ended.
#[derive(Default)]
struct RoundEnd {
    /// A check of the round failed.
    failed: bool,
    /// A signal stopped the round.
    interrupted: bool,
    /// Stdout's reader went away.
    reader_gone: bool,
}

async fn watch(
    cmd: WatchCommand,
    selection: Selection,
    output: OutputSettings,
) -> Result<u8, AppError> {
    let fleet = selection.fleet;
    let mut watched: Vec<Watched> = selection
        .targets
        .into_iter()
        .map(|target| Watched {
            name: fleet.then_some(target.name),
            diagnosis: Diagnosis::new(target.settings, output.show_secrets),
            watcher: Watcher::default(),
        })
        .collect();
    let color = crate::color::use_color(output.color, io::stdout().is_terminal());
    colored::control::set_override(color);
    let caught: Arc<OnceLock<u8>> = Arc::new(OnceLock::new());
    let stopped = runtime::stop_switch(caught.clone());
    // --output gets every line in the chosen format; the terminal keeps the human lines.
    let file = output
        .output
        .as_deref()
        .map(ReportFile::create)
        .transpose()?;
    let mut lines = Lines {
        output: &output,
        color,
        file,
    };
    let mut interrupted = false;
    let mut any_failed = false;
    let mut round = 0u32;
    loop {
        round += 1;
        let started = tokio::time::Instant::now();
        let reports = run_round(&watched, cmd.fleet.parallel as usize, &stopped).await?;
        let end = lines.round(&mut watched, reports)?;
        any_failed |= end.failed;
        if end.interrupted {
            interrupted = true;
            break;
        }
        if end.reader_gone || cmd.runs.is_some_and(|n| round >= n) {
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep_until(started + cmd.interval) => {}
            _ = runtime::stopped(stopped.clone()) => { interrupted = true; break; }
        }
    }
    lines.summaries(&watched, interrupted)?;
    Ok(if interrupted {
        caught.get().copied().unwrap_or(exit::INTERRUPTED)
    } else if any_failed {
        exit::FAILED
    } else {
        exit::OK
    })
}

/// Every target once, at most `parallel` at a time; the reports in the targets' order.
async fn run_round(
    watched: &[Watched],
    parallel: usize,
    stopped: &watch::Receiver<bool>,
) -> Result<Vec<(Report, Option<Interruption>)>, AppError> {
    let diagnoses: Vec<Diagnosis> = watched.iter().map(|w| w.diagnosis.clone()).collect();
    let stop = stopped.clone();
    let mut runs = parallel::spawn_bounded(diagnoses, parallel, stopped, move |diagnosis| {
        let stop = runtime::stopped(stop.clone());
        // A round is judged from its report: no events are built or kept.
        async move { diagnosis.run(None, stop).await }
    });
    let mut results = Vec::with_capacity(watched.len());
    while let Some(joined) = runs.join_next().await {
        results.push(joined.map_err(|e| AppError::Runtime(format!("a target's run failed: {e}")))?);
    }
    results.sort_by_key(|(index, _)| *index);
    Ok(results.into_iter().map(|(_, result)| result).collect())
}

/// Where the watch's lines go: `--output` in the chosen format, the terminal in human lines (or
/// NDJSON, when it is the only place they go).
struct Lines<'a> {
    output: &'a OutputSettings,
    color: bool,
    file: Option<ReportFile>,
}

impl Lines<'_> {
    /// Judges and writes a round's reports.
    fn round(
        &mut self,
        watched: &mut [Watched],
        reports: Vec<(Report, Option<Interruption>)>,
    ) -> Result<RoundEnd, AppError> {
        // A reader that went away stops the watch, but only after every report of the round is
        // judged: a closed stdout must never turn a failed check into exit 0.
        let mut end = RoundEnd::default();
        for (target, (report, interruption)) in watched.iter_mut().zip(reports) {
            if interruption == Some(Interruption::Signal) {
                end.interrupted = true;
                return Ok(end);
            }
            let mut run = target.watcher.observe(&report);
            run.target = target.name.clone();
            end.failed |= report.verdict == Verdict::Fail;
            let ndjson = || ndjson_line(&WatchEvent::WatchRun(run.clone()));
            let human = |color: bool| {
                prefixed(
                    target.name.as_deref(),
                    &render::watch_lines::run_lines(&run, color),
                )
            };
            if let Some(file) = self.file.as_mut() {
                let text = match self.output.format {
                    Format::Ndjson => ndjson(),
                    _ => human(false),
                };
                file.append(&text)
                    .map_err(|e| outputs::write_failed(self.output, e))?;
            }
            if end.reader_gone || self.output.quiet {
                continue;
            }
            let text = match (self.output.format, self.file.is_some()) {
                (Format::Ndjson, false) => ndjson(),
                _ => human(self.color),
            };
            end.reader_gone = !print::stdout(&text);
        }
        Ok(end)
    }

    /// Writes every target's summary.
    fn summaries(self, watched: &[Watched], interrupted: bool) -> Result<(), AppError> {
        let mut human_summary = String::new();
        let mut ndjson_summary = String::new();
        for target in watched {
            let mut summary = target.watcher.summary(interrupted);
            summary.target = target.name.clone();
            human_summary.push_str(&prefixed(
                target.name.as_deref(),
                &render::watch_lines::summary_lines(&summary),
            ));
            ndjson_summary.push_str(&ndjson_line(&WatchEvent::WatchSummary(summary)));
        }
        let in_format = match self.output.format {
            Format::Ndjson => ndjson_summary,
            _ => human_summary.clone(),
        };
        match self.file {
            Some(mut file) => {
                file.append(&in_format)
                    .map_err(|e| outputs::write_failed(self.output, e))?;
                file.commit()?;
                print::stdout(&human_summary);
            }
            None => {
                print::stdout(&in_format);
            }
        }
        Ok(())
    }
}

/// A watch event as an NDJSON line (with its newline).
fn ndjson_line(event: &WatchEvent) -> String {
    let mut line = serde_json::to_string(event)
        .unwrap_or_else(|e| format!("{{\"type\":\"error\",\"data\":\"{e}\"}}"));
    line.push('\n');
    line
}

/// Lines of one target of a fleet, each starting with its name.
fn prefixed(name: Option<&str>, lines: &str) -> String {
    match name {
        None => lines.to_string(),
        Some(name) => lines
            .lines()
            .map(|line| format!("[{}] {line}\n", render::human::safe(name)))
            .collect(),
    }
}
