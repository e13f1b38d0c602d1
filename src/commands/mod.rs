//! The subcommands. Each translates its arguments (before any runtime starts, since that may read
//! files), runs, and returns the exit status or the application error.

pub(crate) mod check;
mod config;
#[cfg(feature = "lab")]
mod demo;
pub(crate) mod explain;
mod fleet;
mod generate;
#[cfg(feature = "lab")]
mod lab;
mod ping;
mod watch;

use crate::cli::{Cli, Command};
use crate::exit::AppError;

/// Runs the command the user asked for.
pub(crate) fn dispatch(cli: Cli) -> Result<u8, AppError> {
    match cli.command {
        Command::Check(cmd) => check::run(cmd),
        #[cfg(feature = "lab")]
        Command::Demo(cmd) => demo::run(cmd),
        Command::Watch(cmd) => watch::run(cmd),
        #[cfg(feature = "lab")]
        Command::Lab(cmd) => lab::run(cmd),
        Command::Explain(cmd) => explain::run(&cmd),
        Command::Ping(cmd) => ping::run(cmd),
        Command::Completions { shell } => generate::completions(shell),
        Command::Man { subcommand } => generate::man(subcommand.as_deref()),
        Command::Config(cmd) => config::run(&cmd),
        #[cfg(feature = "serve")]
        Command::Serve(cmd) => crate::serve::run(cmd),
    }
}
