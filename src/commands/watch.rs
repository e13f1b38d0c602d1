//! `wsdoctor watch`: the checklist every interval until `--runs` or a signal; a line a run, a line
//! whenever a check changes state, a summary at the end.

use super::check::{output_path, redactor, stop_signal, use_color};
use crate::args::{Env, OutputSettings};
use crate::cli::{Format, WatchCommand};
use crate::exit::{self, AppError};
use crate::output::{self, ReportFile};
use crate::render;
use std::io::{self, IsTerminal};
use std::sync::{Arc, OnceLock};
use tokio::sync::mpsc;
use wsdoctor_core::model::Verdict;
use wsdoctor_core::{Interruption, Plan};

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
    let selection = crate::fleet::select("watch", &cmd.targets, &cmd.fleet, &Env::from_process())?;
    selection.announce(output.quiet);
    selection
        .say_chosen(output.format == Format::Human && !output.quiet && output.output.is_none());
    if cmd.options.dry_run {
        let mut text = String::new();
        for target in &selection.targets {
            if selection.fleet {
                text.push_str(&format!("── {} ──\n", target.name));
            }
            text.push_str(&render::plan::dry_run(
                &target.settings,
                &redactor(&target.settings, &output),
                None,
            ));
        }
        text.push_str(&format!(
            "\n  every {}{}\n",
            wsdoctor_core::model::timing::human(cmd.interval),
            cmd.runs
                .map(|n| format!(", {n} runs"))
                .unwrap_or_else(|| ", until stopped".into())
        ));
        output::stdout(&text);
        return Ok(exit::OK);
    }
    super::block_on(watch(cmd, selection, output))
}

/// One watched target.
struct Watched {
    name: String,
    settings: Arc<wsdoctor_core::Settings>,
    redactor: wsdoctor_core::Redactor,
    watcher: crate::watch::Watcher,
}

async fn watch(
    cmd: WatchCommand,
    selection: crate::fleet::Selection,
    output: OutputSettings,
) -> Result<u8, AppError> {
    let fleet = selection.fleet;
    let mut watched: Vec<Watched> = selection
        .targets
        .into_iter()
        .map(|target| Watched {
            redactor: redactor(&target.settings, &output),
            name: target.name,
            settings: Arc::new(target.settings),
            watcher: crate::watch::Watcher::default(),
        })
        .collect();
    let format = output.format;
    let color = use_color(output.color, io::stdout().is_terminal());
    colored::control::set_override(color);
    let caught: Arc<OnceLock<u8>> = Arc::new(OnceLock::new());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    {
        let caught = caught.clone();
        tokio::spawn(async move {
            stop_signal(caught).await;
            let _ = stop_tx.send(true);
        });
    }
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    // --output gets every line in the chosen format; the terminal keeps the human lines.
    let mut file = output
        .output
        .as_deref()
        .map(ReportFile::create)
        .transpose()?;
    let permits = Arc::new(tokio::sync::Semaphore::new(cmd.fleet.parallel as usize));
    let mut interrupted = false;
    let mut any_failed = false;
    let mut round = 0u32;
    'rounds: loop {
        round += 1;
        let started = tokio::time::Instant::now();
        // Every target once, at most --parallel at a time.
        let mut runs = tokio::task::JoinSet::new();
        for (index, target) in watched.iter().enumerate() {
            let settings = target.settings.clone();
            let redactor = target.redactor.clone();
            let stop = stopped(stop_rx.clone());
            let permits = permits.clone();
            runs.spawn(async move {
                let _permit = permits.acquire_owned().await.ok();
                // A round is judged from its report: no receiver, so no events are built or kept.
                let (events, _) = mpsc::unbounded_channel();
                let plan = Plan::for_settings(&settings);
                (
                    index,
                    wsdoctor_core::run(settings, plan, redactor, events, stop).await,
                )
            });
        }
        let mut results = Vec::with_capacity(watched.len());
        while let Some(joined) = runs.join_next().await {
            let (index, result) =
                joined.map_err(|e| AppError::Runtime(format!("a target's run failed: {e}")))?;
            results.push((index, result));
        }
        results.sort_by_key(|(index, _)| *index);
        // A reader that went away stops the watch, but only after every report of the round is
        // judged: a closed stdout must never turn a failed check into exit 0.
        let mut reader_gone = false;
        for (target, (_, (report, interruption))) in watched.iter_mut().zip(results) {
            if interruption == Some(Interruption::Signal) {
                interrupted = true;
                break 'rounds;
            }
            let run = target.watcher.observe(&report);
            any_failed |= report.verdict == Verdict::Fail;
            let name = fleet.then_some(target.name.as_str());
            let ndjson = || {
                let mut data = serde_json::to_value(&run).unwrap_or_default();
                if let (Some(name), Some(fields)) = (name, data.as_object_mut()) {
                    fields.insert("target".into(), name.into());
                }
                format!(
                    "{}\n",
                    serde_json::json!({"type": "watch_run", "data": data})
                )
            };
            let human = |color: bool| prefixed(name, &render::watch::run_lines(&run, color));
            if let Some(file) = file.as_mut() {
                let text = match format {
                    Format::Ndjson => ndjson(),
                    _ => human(false),
                };
                file.append(&text)
                    .map_err(|e| AppError::io(format!("writing {}", output_path(&output)), e))?;
            }
            if reader_gone || output.quiet {
                continue;
            }
            let text = match (format, file.is_some()) {
                (Format::Ndjson, false) => ndjson(),
                _ => human(color),
            };
            reader_gone = !output::stdout(&text);
        }
        if reader_gone {
            break 'rounds;
        }
        if cmd.runs.is_some_and(|n| round >= n) {
            break;
        }
        let next = started + cmd.interval;
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {}
            _ = stopped(stop_rx.clone()) => { interrupted = true; break; }
        }
    }
    let mut human_summary = String::new();
    let mut ndjson_summary = String::new();
    for target in &watched {
        let summary = target.watcher.summary(interrupted);
        let name = fleet.then_some(target.name.as_str());
        human_summary.push_str(&prefixed(name, &render::watch::summary_lines(&summary)));
        let mut data = serde_json::to_value(&summary).unwrap_or_default();
        if let (Some(name), Some(fields)) = (name, data.as_object_mut()) {
            fields.insert("target".into(), name.into());
        }
        ndjson_summary.push_str(&format!(
            "{}\n",
            serde_json::json!({"type": "watch_summary", "data": data})
        ));
    }
    if let Some(mut file) = file {
        let text = match format {
            Format::Ndjson => ndjson_summary.clone(),
            _ => human_summary.clone(),
        };
        file.append(&text)
            .map_err(|e| AppError::io(format!("writing {}", output_path(&output)), e))?;
        file.commit()?;
        output::stdout(&human_summary);
    } else {
        let text = match format {
            Format::Ndjson => ndjson_summary,
            _ => human_summary,
        };
        output::stdout(&text);
    }
    Ok(if interrupted {
        caught.get().copied().unwrap_or(exit::INTERRUPTED)
    } else if any_failed {
        exit::FAILED
    } else {
        exit::OK
    })
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
