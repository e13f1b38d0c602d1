//! `wsdoctor watch`.

use super::{parse_duration, CheckOptions, FleetOptions, OutputOptions};
use clap::Args;
use std::time::Duration;

/// `wsdoctor watch`.
#[derive(Debug, Args)]
pub(crate) struct WatchCommand {
    /// The deployments, as for `check`.
    #[arg(value_name = "TARGET", env = "WSDOCTOR_TARGET")]
    pub(crate) targets: Vec<String>,
    /// The fleet: config file, target names, concurrency.
    #[command(flatten)]
    pub(crate) fleet: FleetOptions,
    /// Time between the starts of two runs.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration, env = "WSDOCTOR_INTERVAL")]
    pub(crate) interval: Duration,
    /// Stop after this many runs (default: until Ctrl-C).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) runs: Option<u32>,
    /// The checklist options (--format human or ndjson).
    #[command(flatten)]
    pub(crate) options: CheckOptions,
    /// How the report is shown.
    #[command(flatten)]
    pub(crate) output: OutputOptions,
}
