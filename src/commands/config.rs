//! `wsdoctor config check` and `wsdoctor config schema`.

use crate::cli::{ConfigAction, ConfigCommand, FleetOptions};
use crate::exit::{AppError, OK};

pub(crate) fn run(cmd: &ConfigCommand) -> Result<u8, AppError> {
    match &cmd.action {
        ConfigAction::Schema => {
            let check = check_command()?;
            let schema = crate::config::json_schema(&check);
            let text = serde_json::to_string_pretty(&schema)
                .map_err(|e| AppError::Runtime(format!("cannot serialise the schema: {e}")))?;
            crate::print::stdout(&format!("{text}\n"));
            Ok(OK)
        }
        ConfigAction::Check { config } => {
            let path = crate::config::locate(config.as_deref()).ok_or_else(|| {
                AppError::usage(
                    "--config",
                    format!(
                        "no config file: give one with --config FILE, or create ./{}",
                        crate::config::DEFAULT_FILE
                    ),
                )
            })?;
            // The same resolution a run does, options and all, without sending anything.
            let fleet = FleetOptions {
                config: Some(path.clone()),
                no_config: false,
                names: Vec::new(),
                parallel: 1,
            };
            let selection =
                crate::targets::select("check", &[], &fleet, &crate::args::Env::from_process())?;
            // A count, not every name: a fleet of thousands made one unreadable line.
            let count = selection.targets.len();
            crate::print::stdout(&format!(
                "{}: valid, {count} target{}\n",
                path.display(),
                if count == 1 { "" } else { "s" },
            ));
            Ok(OK)
        }
    }
}

fn check_command() -> Result<clap::Command, AppError> {
    let mut top = crate::cli::command();
    top.build();
    top.find_subcommand("check")
        .cloned()
        .ok_or_else(|| AppError::Runtime("no check subcommand".into()))
}
