//! `wsdoctor check`: the pipeline from settings to an exit status.

use crate::args::{Env, OutputSettings};
use crate::cli::{CheckCommand, ColorChoice, Format};
use crate::exit::{self, AppError};
use crate::output::{self, ReportFile};
use crate::render::{self, progress};
use std::io::{self, IsTerminal};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc;
use wsdoctor_core::model::{Report, Stamped};
use wsdoctor_core::{Interruption, Plan, Redactor, Settings};

/// How long the event consumer may take to drain after the run.
const DRAIN: Duration = Duration::from_secs(1);

pub(crate) fn run(cmd: CheckCommand) -> Result<u8, AppError> {
    let output = OutputSettings::from_options(&cmd.output)?;
    let mut selection =
        crate::fleet::select("check", &cmd.targets, &cmd.fleet, &Env::from_process())?;
    selection.announce(output.quiet);
    selection.say_chosen(human_on_stdout(&output));
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
        output::stdout(&text);
        return Ok(exit::OK);
    }
    if !selection.fleet {
        if let Some(target) = selection.targets.pop() {
            return super::block_on(check(target.settings, output));
        }
    }
    if output.trace.is_some() {
        return Err(AppError::usage(
            "--trace",
            "traces one target's wire; check the target in question on its own (a fleet's traces would interleave)",
        ));
    }
    super::block_on(super::fleet::run(
        selection.targets,
        cmd.fleet.parallel,
        output,
    ))
}

/// Whether to colour, from the choice, the terminal and the conventions (NO_COLOR, CI, TERM=dumb).
pub(crate) fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && !crate::args::in_ci()
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// The redactor for a run: the settings' secrets, unless `--show-secrets`.
pub(crate) fn redactor(settings: &Settings, output: &OutputSettings) -> Redactor {
    let secrets = settings.secrets();
    Redactor::new(secrets.iter().map(String::as_str), !output.show_secrets)
}

/// A future that resolves when a signal asks the run to stop (SIGINT, SIGTERM, SIGHUP), and
/// remembers which one as the exit status. The handlers are installed here, before the run starts,
/// so a signal that comes early is never the default (fatal, reportless) one.
pub(crate) fn stop_signal(caught: Arc<OnceLock<u8>>) -> impl std::future::Future<Output = ()> {
    stop_signal_on(caught, true)
}

/// [`stop_signal`], with SIGHUP among the stop signals or left to the caller (the exporter
/// reloads its config on it, as daemons do).
pub(crate) fn stop_signal_on(
    caught: Arc<OnceLock<u8>>,
    hangup: bool,
) -> impl std::future::Future<Output = ()> {
    let signals = Signals::install(hangup);
    async move {
        let status = signals.wait().await;
        let _ = caught.set(status);
    }
}

/// The stop signals, registered.
struct Signals {
    #[cfg(unix)]
    streams: Option<(
        tokio::signal::unix::Signal,
        tokio::signal::unix::Signal,
        Option<tokio::signal::unix::Signal>,
    )>,
}

impl Signals {
    #[cfg(unix)]
    fn install(hangup: bool) -> Signals {
        use tokio::signal::unix::{signal, SignalKind};
        let hup = if hangup {
            signal(SignalKind::hangup()).map(Some)
        } else {
            Ok(None)
        };
        let streams = match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
            hup,
        ) {
            (Ok(int), Ok(term), Ok(hup)) => Some((int, term, hup)),
            _ => None,
        };
        Signals { streams }
    }

    #[cfg(not(unix))]
    fn install(_hangup: bool) -> Signals {
        Signals {}
    }

    #[cfg(unix)]
    async fn wait(self) -> u8 {
        let Some((mut int, mut term, mut hup)) = self.streams else {
            let _ = tokio::signal::ctrl_c().await;
            return exit::INTERRUPTED;
        };
        let hung_up = async {
            match hup.as_mut() {
                Some(hup) => hup.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = int.recv() => exit::INTERRUPTED,
            _ = term.recv() => exit::TERMINATED,
            _ = hung_up => exit::HUNG_UP,
        }
    }

    #[cfg(not(unix))]
    async fn wait(self) -> u8 {
        let _ = tokio::signal::ctrl_c().await;
        exit::INTERRUPTED
    }
}

/// The `--output` path, for messages.
pub(crate) fn output_path(output: &OutputSettings) -> String {
    output
        .output
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "--output".to_string())
}

/// Runs the checklist and writes every output; returns the exit status.
pub(crate) async fn check(settings: Settings, output: OutputSettings) -> Result<u8, AppError> {
    // Find out now, not after a five-minute run, that the report cannot be written.
    let mut file = output
        .output
        .as_deref()
        .map(ReportFile::create)
        .transpose()?;
    let mut trace = output
        .trace
        .as_ref()
        .map(|t| render::trace::TraceWriter::new(t.file.as_deref()))
        .transpose()?;
    let mut settings = settings;
    settings.trace = trace.is_some();
    let settings = Arc::new(settings);
    let redactor = redactor(&settings, &output);
    let plan = Plan::for_settings(&settings);
    let color = use_color(output.color, io::stdout().is_terminal());
    colored::control::set_override(color);
    // Trace lines on stderr and a status line redrawn over them would garble both.
    let status_line = io::stderr().is_terminal()
        && trace.is_none()
        && !crate::args::in_ci()
        && !output.quiet
        && output.color != ColorChoice::Never;
    // --quiet: nothing on stdout but the verdict line, whatever the format.
    let ndjson = output.format == Format::Ndjson && !(output.quiet && output.output.is_none());
    // Wherever the whole human report goes to stdout, it goes as it happens.
    let stream = human_on_stdout(&output);

    let (events, mut receiver) = mpsc::unbounded_channel::<Stamped>();
    let verbose = output.verbose;
    let slow_lines = !status_line && !output.quiet;
    let hold = settings.limits.hold;
    // The HTML page holds the trace too; the core bounds a run's trace as a whole.
    let keep_trace = trace.is_some() && output.format == Format::Html;
    let consumer = tokio::spawn(async move {
        let mut view = progress::Progress::new(progress::ProgressOptions {
            status_line,
            verbose,
            slow_lines,
            hold,
        });
        let mut checklist = stream.then(|| render::live::Checklist::new(color));
        let mut stdout_open = true;
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
                    view.tick();
                    continue;
                }
            };
            view.on_event(&event.event);
            if let Some(checklist) = checklist.as_mut() {
                let text = checklist.on_event(&event.event);
                if !text.is_empty() && stdout_open {
                    stdout_open = view.stdout(&text);
                }
            }
            if let (
                Some(writer),
                wsdoctor_core::model::Event::Wire {
                    id,
                    at_ms,
                    dir,
                    text,
                    ..
                },
            ) = (trace.as_mut(), &event.event)
            {
                let line = render::trace::line(*at_ms, *id, *dir, text);
                writer.write(&line);
                if keep_trace {
                    trace_lines.push(line);
                }
            }
            if !ndjson {
                continue;
            }
            let line = render::event_line(&event);
            match file.as_mut() {
                Some(f) => {
                    if let Err(e) = f.append(&line) {
                        file_error.get_or_insert(e);
                    }
                }
                None if stdout_open => stdout_open = view.stdout(&line),
                None => {}
            }
        }
        view.finish();
        let printed = checklist.and_then(|c| c.printed());
        let trace_error = trace
            .map(render::trace::TraceWriter::finish)
            .and_then(Result::err);
        (file, file_error, printed, trace_error, trace_lines)
    });

    let caught = Arc::new(OnceLock::new());
    let (report, interruption) = wsdoctor_core::run(
        settings.clone(),
        plan,
        redactor,
        events,
        stop_signal(caught.clone()),
    )
    .await;
    let (file, file_error, printed, trace_error, trace_lines) =
        match tokio::time::timeout(DRAIN, consumer).await {
            Ok(Ok(drained)) => drained,
            _ => {
                return Err(AppError::Runtime(
                    "the event stream did not drain".to_string(),
                ))
            }
        };
    if let Some((path, e)) = trace_error {
        return Err(AppError::io(format!("writing {}", path.display()), e));
    }
    if let Some(e) = file_error {
        return Err(AppError::io(format!("writing {}", output_path(&output)), e));
    }
    write_outputs(&output, &report, file, color, printed, &trace_lines)?;
    Ok(match interruption {
        Some(Interruption::Signal) => caught.get().copied().unwrap_or(exit::INTERRUPTED),
        other => exit::status(&report, other),
    })
}

/// Whether stdout gets the whole human report: the human format, or any format written to
/// `--output` (stdout then gets the human view), and not `--quiet`.
fn human_on_stdout(output: &OutputSettings) -> bool {
    !output.quiet
        && output.write_out.is_none()
        && (output.format == Format::Human || output.output.is_some())
}

/// Writes the report where it was asked for. `printed` is how many checks of the human report
/// stdout has already had, as they finished (with its header); stdout gets the rest.
fn write_outputs(
    output: &OutputSettings,
    report: &Report,
    file: Option<ReportFile>,
    color: bool,
    printed: Option<usize>,
    trace: &[String],
) -> Result<(), AppError> {
    // -w is the line a script reads: it stands where the human view would.
    let human = || match printed {
        _ if output.write_out.is_some() => String::new(),
        _ if output.quiet => format!("{}\n", render::human::verdict_line(report, color)),
        Some(printed) => render::human::rest(report, printed, color),
        None => render::human::render(report, color),
    };
    if output.format == Format::Github || render::github::in_github_actions() {
        if let Err(e) = render::github::append_step_summary(&render::markdown::render(report)) {
            output::stderr(&format!(
                "wsdoctor: cannot append to $GITHUB_STEP_SUMMARY: {e}"
            ));
        }
    }
    // Under GitHub Actions, wherever the human view reaches the log the annotations follow it.
    let annotate = human_on_stdout(output) && render::github::in_github_actions();
    match file {
        Some(mut file) => {
            let document = render::document(output.format, report, false, trace);
            file.append(&document)
                .map_err(|e| AppError::io(format!("writing {}", output_path(output)), e))?;
            file.commit()?;
            output::stdout(&human());
        }
        None => {
            let text = match output.format {
                _ if output.quiet => human(),
                Format::Human => human(),
                other => render::document(other, report, color, trace),
            };
            output::stdout(&text);
        }
    }
    if annotate {
        output::stdout(&render::github::annotations(report, None));
    }
    if let Some(template) = &output.write_out {
        output::stdout(&template.render(report));
    }
    Ok(())
}
