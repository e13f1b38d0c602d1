//! `wsdoctor ping`'s command line: its own flags, and the network flags it shares with `check`
//! (same names, same meaning; their `WSDOCTOR_*` variables are read as `check` reads them).

use clap::{Args, ValueEnum};
use std::time::Duration;

/// `wsdoctor ping`.
#[derive(Debug, Args)]
pub(crate) struct PingCommand {
    /// The socket: a ws(s) URL, or an http(s) base URL (its echo path, /ws-test).
    #[arg(value_name = "URL")]
    pub(crate) url: String,
    /// Stop after N samples [default: until Ctrl-C].
    #[arg(long, short = 'c', value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub(crate) count: Option<u64>,
    /// Time between two samples; 0s sends the next as soon as one is answered.
    #[arg(long, short = 'i', value_name = "DURATION", default_value = "1s", value_parser = parse_interval)]
    pub(crate) interval: Duration,
    /// Measure with echo messages (the platform's JSON envelope, or a plain echo) instead of WebSocket ping frames.
    #[arg(long)]
    pub(crate) echo: bool,
    /// How long a sample waits for its answer before it counts as lost [default: 2 × --interval, at least 1s, at most --timeout].
    #[arg(long, value_name = "DURATION", value_parser = parse_positive)]
    pub(crate) sample_timeout: Option<Duration>,
    /// Exit 0 despite lost samples while the loss stays at or below this percentage.
    #[arg(long, value_name = "PERCENT", default_value_t = 0.0, value_parser = parse_percent)]
    pub(crate) max_loss: f64,
    /// Exit 0 despite this many cut (and reopened) sockets.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) max_cuts: u64,
    /// New sockets tried in a row after a cut, without an answered sample in between, before giving up.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub(crate) max_reconnects: u32,
    /// Output: a line a sample and a summary (human), the summary as one JSON document (json), or one JSON event a line (ndjson).
    #[arg(long, value_enum, default_value_t = PingFormat::Human)]
    pub(crate) format: PingFormat,
    /// Print only the summary (human format).
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) color: PingColor,
    /// Show session ids, tokens and credentials instead of redacting them.
    #[arg(long, env = "WSDOCTOR_SHOW_SECRETS")]
    pub(crate) show_secrets: bool,
    /// The request and the connection, as for `check`.
    #[command(flatten)]
    pub(crate) connection: super::ConnectionOptions,
}

/// `ping`'s outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PingFormat {
    /// A line a sample, then the statistics and a picture of the latency over time.
    Human,
    /// The summary as one JSON document (schema wsdoctor.ping.v1).
    Json,
    /// One JSON event a line: open, sample, late, cut, reconnect, and the summary last.
    Ndjson,
}

/// When to colour, as `check --color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PingColor {
    /// Colour when the output is a terminal and neither NO_COLOR nor CI is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The longest duration taken, as for every other option: no timer arithmetic can overflow.
const MAX_DURATION: Duration = Duration::from_secs(86_400);

/// A humantime duration (`1s`, `250ms`, `0s`), at most a day.
pub(crate) fn parse_interval(text: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(text)
        .map_err(|e| format!("{e} (expected e.g. 1s, 250ms, 0s)"))?;
    if duration > MAX_DURATION {
        return Err("must be at most 1 day".to_string());
    }
    Ok(duration)
}

/// A duration above zero.
fn parse_positive(text: &str) -> Result<Duration, String> {
    let duration = parse_interval(text)?;
    if duration.is_zero() {
        return Err("must be more than 0".to_string());
    }
    Ok(duration)
}

/// A percentage, 0 to 100.
fn parse_percent(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if !(0.0..=100.0).contains(&value) {
        return Err("must be between 0 and 100".to_string());
    }
    Ok(value)
}

/// The keys a config file's tables may hold for the exporter's ping series (`wsdoctor serve`):
/// round trips a probe takes, and the time between them. `check` ignores them.
pub(crate) const MODULE_KEYS: [(&str, &str); 2] = [
    (
        "ping-samples",
        "wsdoctor serve: also take this many WebSocket ping round trips on one socket per probe (as wsdoctor ping), exporting their quantiles, jitter, loss and cuts (1 to 10000).",
    ),
    (
        "ping-interval",
        "wsdoctor serve: the time between two ping samples [default: 100ms; 0s = back to back].",
    ),
];
