//! `wsdoctor ping`: round trips on one socket over time, a line a sample and a summary at the end
//! (or JSON / NDJSON), until `--count` or Ctrl-C.

use crate::args::{self, Env};
use crate::cli::{CheckOptions, ColorChoice};
use crate::cli::{PingColor, PingCommand};
use crate::exit::{self, AppError};
use crate::print;
use crate::render::ping as render;
use clap::{Args, FromArgMatches};
use std::io::IsTerminal;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use wsdoctor_core::model::ping::{PingEvent, PingMode, PingSummary};
use wsdoctor_core::model::Verdict;
use wsdoctor_core::ping::PingOptions;
use wsdoctor_core::{Diagnosis, Redactor, Settings};

/// The shortest sample timeout by default: a round trip on a healthy socket across the world
/// stays well below it, so a loss means a loss.
const MIN_SAMPLE_TIMEOUT: Duration = Duration::from_secs(1);

/// The first delay before a new socket after a cut (it doubles, capped, with jitter).
const RECONNECT_DELAY: Duration = Duration::from_millis(250);

pub(crate) fn run(cmd: PingCommand) -> Result<u8, AppError> {
    let options = check_options(&cmd)?;
    let settings = args::settings_sharing(
        &cmd.url,
        &options,
        &Env::from_process(),
        &mut args::Shared::default(),
    )?;
    let ping = ping_options(&cmd, &settings);
    let show_secrets = cmd.show_secrets;
    let redactor = Diagnosis::redactor_for(&settings, show_secrets);
    let choice = match cmd.color {
        PingColor::Auto => ColorChoice::Auto,
        PingColor::Always => ColorChoice::Always,
        PingColor::Never => ColorChoice::Never,
    };
    let color = crate::color::use_color(choice, std::io::stdout().is_terminal());
    colored::control::set_override(color);
    let view = render::View {
        format: cmd.format,
        quiet: cmd.quiet,
        color,
    };
    crate::runtime::block_on(ping_and_report(settings, redactor, ping, view, &cmd))
}

/// `check`'s options with its defaults and `WSDOCTOR_*` variables, with the request and connection
/// flags ping shares with it (parsed by clap with ping's words): one translation into settings for
/// both commands.
fn check_options(cmd: &PingCommand) -> Result<CheckOptions, AppError> {
    let parser = crate::cli::reading_boolean_variables(CheckOptions::augment_args(
        clap::Command::new("wsdoctor ping"),
    ));
    // No word is given here: whatever clap rejects came from a variable; name it.
    let from_variable = |e: clap::Error| {
        let long = match e.get(clap::error::ContextKind::InvalidArg) {
            Some(clap::error::ContextValue::String(arg)) => arg
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        };
        let variable = parser
            .get_arguments()
            .find(|a| a.get_long().is_some_and(|l| format!("--{l}") == long))
            .and_then(|a| a.get_env().map(|v| v.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "a WSDOCTOR_* variable".to_string());
        let text = e.to_string();
        let reason = text.lines().next().unwrap_or_default();
        AppError::usage(variable, reason.trim_start_matches("error: ").to_string())
    };
    let matches = parser
        .clone()
        .try_get_matches_from(["wsdoctor ping"])
        .map_err(from_variable)?;
    let mut options = CheckOptions::from_arg_matches(&matches).map_err(from_variable)?;
    options.connection = cmd.connection.clone();
    if options.connection.ipv4 && options.connection.ipv6 {
        return Err(AppError::usage("--ipv4", "cannot be used with --ipv6"));
    }
    if options.connection.http1_only && options.connection.http2 {
        return Err(AppError::usage(
            "--http2",
            "cannot be used with --http1-only",
        ));
    }
    Ok(options)
}

/// The sample timeout: as given, or twice the interval (at least a second); never longer than the
/// client timeout.
fn ping_options(cmd: &PingCommand, settings: &Settings) -> PingOptions {
    let timeout = settings.limits.ws_timeout;
    let sample_timeout = cmd
        .sample_timeout
        .unwrap_or_else(|| cmd.interval.saturating_mul(2).max(MIN_SAMPLE_TIMEOUT))
        .min(timeout);
    PingOptions {
        mode: if cmd.echo {
            PingMode::Echo
        } else {
            PingMode::Ping
        },
        interval: cmd.interval,
        count: cmd.count,
        sample_timeout,
        max_reconnects: cmd.max_reconnects,
        reconnect_delay: RECONNECT_DELAY,
    }
}

async fn ping_and_report(
    settings: Settings,
    redactor: Redactor,
    options: PingOptions,
    view: render::View,
    cmd: &PingCommand,
) -> Result<u8, AppError> {
    let caught = Arc::new(OnceLock::new());
    let signal = crate::runtime::stop_signal(caught.clone());
    // A reader that went away (`| head`) ends a run without --count too, as it ends ripgrep.
    let reader_gone = Arc::new(tokio::sync::Notify::new());
    let gone = reader_gone.clone();
    let stop = async move {
        tokio::select! {
            () = signal => {}
            () = gone.notified() => {}
        }
    };
    let target = redactor.text(settings.target.url().as_str());
    if !print::stdout(&render::start(&target, &options, view)) {
        reader_gone.notify_one();
    }
    let mut live = render::Live::new(view, reader_gone);
    let mut on_event = |event: PingEvent| live.event(&event);
    let mut summary =
        wsdoctor_core::ping::run(Arc::new(settings), redactor, options, &mut on_event, stop).await;
    summary
        .tool
        .insert("name", env!("CARGO_PKG_NAME").to_string());
    summary
        .tool
        .insert("version", env!("CARGO_PKG_VERSION").to_string());
    let status = status(&summary, cmd);
    if status == exit::OK && summary.verdict == Verdict::Fail {
        // Within the gates: the document says so.
        summary.verdict = Verdict::Warn;
    }
    print::stdout(&render::end(&summary, view));
    Ok(match caught.get() {
        // Ctrl-C is how a run without --count ends: the verdict decides, as for ping(8).
        Some(&signal) if signal != exit::INTERRUPTED => signal,
        _ => status,
    })
}

/// 0 when every sample was answered and no socket was cut (or within --max-loss and
/// --max-cuts), 1 otherwise.
fn status(summary: &PingSummary, cmd: &PingCommand) -> u8 {
    // From the counts, not the rounded percentage: one sample lost in 200,000 rounds to 0.0 %,
    // which is not within a --max-loss of 0.
    let loss = match summary.sent {
        0 => 0.0,
        sent => 100.0 * summary.lost as f64 / sent as f64,
    };
    let failed = summary.failure.is_some()
        || summary.answered == 0
        || (summary.lost > 0 && loss > cmd.max_loss)
        || summary.cuts > cmd.max_cuts;
    if failed {
        exit::FAILED
    } else {
        exit::OK
    }
}
