//! `wsdoctor serve`.

use super::parse_duration;
use clap::{Args, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// `wsdoctor serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeCommand {
    /// The address to serve on.
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1:9716",
        env = "WSDOCTOR_LISTEN"
    )]
    pub(crate) listen: SocketAddr,
    /// Allow a --listen address that is not loopback (the probes then answer the network).
    #[arg(long)]
    pub(crate) listen_public: bool,
    /// The config file with the targets, modules and allowed URL patterns [default: ./wsdoctor.toml].
    #[arg(long, value_name = "FILE", env = "WSDOCTOR_CONFIG", value_hint = clap::ValueHint::FilePath)]
    pub(crate) config: Option<PathBuf>,
    /// Probe any URL a request names, not only the file's targets and allowed patterns. This turns the exporter into a request-forgery tool for anyone who can reach it (on public addresses only, unless the file's [serve] deny_private = false); the log and the page say so.
    #[arg(long)]
    pub(crate) allow_any_target: bool,
    /// Probes at once; more get 503.
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub(crate) max_concurrent: u32,
    /// How long probes in flight may finish after SIGINT or SIGTERM.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub(crate) shutdown_grace: Duration,
    /// One log line per probe on stderr, as text or JSON.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
    /// Check the config and print what would be served, without listening.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

/// The exporter's log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogFormat {
    /// `key=value` words.
    Text,
    /// One JSON object a line.
    Json,
}
