//! `wsdoctor config`.

use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `wsdoctor config`.
#[derive(Debug, Args)]
pub(crate) struct ConfigCommand {
    /// What to do with the file.
    #[command(subcommand)]
    pub(crate) action: ConfigAction,
}

/// The `config` actions.
#[derive(Debug, Subcommand)]
pub(crate) enum ConfigAction {
    /// Validate a file without running it: syntax, keys, values, environment references, every target's options.
    Check {
        /// The file [default: ./wsdoctor.toml].
        #[arg(long, value_name = "FILE", env = "WSDOCTOR_CONFIG", value_hint = clap::ValueHint::FilePath)]
        config: Option<PathBuf>,
    },
    /// Print the JSON Schema of the file (schema/config.v1.json), for editors.
    Schema,
}
