//! `wsdoctor watch`: the checklist every interval until `--runs` or a signal; a line a run, a line
//! whenever a check changes state, a summary at the end.

use super::check::{output_path, redactor, stop_signal, use_color};
use crate::args::{self, Env, OutputSettings};
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
    let settings = args::settings(&cmd.target, &cmd.options, &Env::from_process())?;
    let output = OutputSettings::from_options(&cmd.output)?;
    if !matches!(output.format, Format::Human | Format::Ndjson) {
        return Err(AppError::usage("--format", "watch writes human or ndjson"));
    }
    if cmd.options.dry_run {
        let redactor = super::check::redactor(&settings, &output);
        let mut text = crate::render::plan::dry_run(&settings, &redactor, None);
        text.push_str(&format!(
            "\n  every {}{}\n",
            wsdoctor_core::model::timing::human(cmd.interval),
            cmd.runs
                .map(|n| format!(", {n} runs"))
                .unwrap_or_else(|| ", until stopped".into())
        ));
        crate::output::stdout(&text);
        return Ok(crate::exit::OK);
    }
    super::block_on(watch(cmd, settings, output))
}

async fn watch(
    cmd: WatchCommand,
    settings: wsdoctor_core::Settings,
    output: OutputSettings,
) -> Result<u8, AppError> {
    let settings = Arc::new(settings);
    let format = output.format;
    let color = use_color(output.color, io::stdout().is_terminal());
    colored::control::set_override(color);
    let redactor = redactor(&settings, &output);
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
    let mut watcher = crate::watch::Watcher::default();
    let mut interrupted = false;
    let mut any_failed = false;
    loop {
        let started = tokio::time::Instant::now();
        let (events, _ignored) = mpsc::unbounded_channel();
        let plan = Plan::for_settings(&settings);
        let (report, interruption) = wsdoctor_core::run(
            settings.clone(),
            plan,
            redactor.clone(),
            events,
            stopped(stop_rx.clone()),
        )
        .await;
        if interruption == Some(Interruption::Signal) {
            interrupted = true;
            break;
        }
        let run = watcher.observe(&report);
        any_failed |= report.verdict == Verdict::Fail;
        let ndjson = || {
            format!(
                "{}\n",
                serde_json::json!({"type": "watch_run", "data": run})
            )
        };
        if let Some(file) = file.as_mut() {
            let text = match format {
                Format::Ndjson => ndjson(),
                _ => render::watch::run_lines(&run, false),
            };
            file.append(&text)
                .map_err(|e| AppError::io(format!("writing {}", output_path(&output)), e))?;
        }
        let text = match (format, file.is_some()) {
            (Format::Ndjson, false) => ndjson(),
            _ => render::watch::run_lines(&run, color),
        };
        if !output.quiet && !output::stdout(&text) {
            break;
        }
        if cmd.runs.is_some_and(|n| run.run >= n) {
            break;
        }
        let next = started + cmd.interval;
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {}
            _ = stopped(stop_rx.clone()) => { interrupted = true; break; }
        }
    }
    let summary = watcher.summary(interrupted);
    let ndjson = format!(
        "{}\n",
        serde_json::json!({"type": "watch_summary", "data": summary})
    );
    if let Some(mut file) = file {
        let text = match format {
            Format::Ndjson => ndjson.clone(),
            _ => render::watch::summary_lines(&summary),
        };
        file.append(&text)
            .map_err(|e| AppError::io(format!("writing {}", output_path(&output)), e))?;
        file.commit()?;
        let text = render::watch::summary_lines(&summary);
        output::stdout(&text);
    } else {
        let text = match format {
            Format::Ndjson => ndjson,
            _ => render::watch::summary_lines(&summary),
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
