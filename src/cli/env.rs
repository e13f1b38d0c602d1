//! The environment's side of the command line: empty variables, and errors that name the
//! variable a bad value came from.

use super::command;

/// An empty `WSDOCTOR_*` variable means unset, as people expect of `FOO= cmd`.
pub(crate) fn forget_empty_variables() {
    let empty: Vec<std::ffi::OsString> = std::env::vars_os()
        .filter(|(name, value)| name.to_string_lossy().starts_with("WSDOCTOR_") && value.is_empty())
        .map(|(name, _)| name)
        .collect();
    for name in empty {
        // The process is still single-threaded: nothing else reads the environment yet.
        std::env::remove_var(name);
    }
}

/// Prints a command-line error; one caused by an environment variable names the variable, not the
/// flag it stands for.
pub(crate) fn usage_error(e: clap::Error) -> std::process::ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let status = u8::try_from(e.exit_code()).unwrap_or(crate::exit::USAGE);
    if matches!(
        e.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        if let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) {
            let long = arg
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            let typed = std::env::args().any(|a| a == long || a.starts_with(&format!("{long}=")));
            let variable = command()
                .get_subcommands()
                .flat_map(|sub| sub.get_arguments())
                .find(|a| a.get_long().is_some_and(|l| format!("--{l}") == long))
                .and_then(|a| a.get_env().map(|v| v.to_string_lossy().into_owned()));
            if let (false, Some(variable)) = (typed, variable) {
                if std::env::var_os(&variable).is_some() {
                    let text = e.to_string().replace(
                        &format!("'{arg}'"),
                        &format!("{variable} (the variable for {long})"),
                    );
                    crate::output::stderr(text.trim_end());
                    return std::process::ExitCode::from(status);
                }
            }
        }
    }
    let _ = e.print();
    std::process::ExitCode::from(status)
}
