//! `wsdoctor`: a doctor for WebSocket deployments.
//!
//! The binary is the shell around the core: the command line ([`cli`]) is translated into settings
//! ([`args`]), a command runs ([`commands`]), the report is rendered ([`render`]) and becomes the
//! exit status ([`exit`]).

#![forbid(unsafe_code)]

mod args;
mod changes;
mod cli;
mod color;
mod commands;
mod config;
mod examples;
mod exit;
mod fleet_spool;
mod outputs;
mod parallel;
mod print;
mod render;
mod report_file;
mod runtime;
#[cfg(feature = "serve")]
mod serve;
mod targets;
mod version;

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
