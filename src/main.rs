//! `wsdoctor`: a doctor for WebSocket deployments.
//!
//! The binary is the shell around the core: the command line ([`cli`]) is translated into settings
//! ([`args`]), a command runs ([`commands`]), the report is rendered ([`render`]) and becomes the
//! exit status ([`exit`]).

#![forbid(unsafe_code)]

mod args;
mod cli;
mod cli_ping;
mod commands;
mod config;
mod examples;
mod exit;
mod fleet;
mod fleet_spool;
mod output;
mod render;
#[cfg(feature = "serve")]
mod serve;
mod version;
mod watch;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::forget_empty_variables();
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(e) => return cli::usage_error(e),
    };
    match commands::dispatch(cli) {
        Ok(status) => ExitCode::from(status),
        Err(error) => error.report(),
    }
}
