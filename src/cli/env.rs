//! The environment's side of the command line: boolean variables read as people write them,
//! empty variables, and errors that name the variable a bad value came from.

use super::command;
use clap::builder::TypedValueParser;
use clap::parser::ValueSource;
use std::ffi::OsStr;

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
                // A counted flag shows as `--verbose...`.
                .trim_end_matches("...")
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
                    crate::print::stderr(text.trim_end());
                    return std::process::ExitCode::from(status);
                }
            }
        }
    }
    let _ = e.print();
    std::process::ExitCode::from(status)
}

/// A boolean as people write it in the environment: 1/0, true/false, yes/no, on/off, any case.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" | "y" => Some(true),
        "0" | "false" | "no" | "off" | "n" => Some(false),
        _ => None,
    }
}

/// What a value that is not a boolean is told.
const NOT_A_BOOLEAN: &str = "not a boolean (use 1/0, true/false, yes/no or on/off)";

/// The value parser of a boolean flag: clap hands it the variable's text (and "true", "false"
/// for the flag itself and its default, or a config file's value).
fn boolish() -> impl TypedValueParser<Value = bool> {
    clap::builder::StringValueParser::new()
        .try_map(|text: String| parse_bool(&text).ok_or(NOT_A_BOOLEAN))
}

/// The value parser of a counted flag (`-v`, `-vv`) whose variable is a boolean: typed, clap
/// counts; from the variable, a boolean counts once.
#[derive(Clone)]
struct BoolishCount;

impl TypedValueParser for BoolishCount {
    type Value = u8;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<u8, clap::Error> {
        clap::value_parser!(u8).parse_ref(cmd, arg, value)
    }

    fn parse_ref_(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
        source: ValueSource,
    ) -> Result<u8, clap::Error> {
        match source {
            ValueSource::EnvVariable => boolish().parse_ref(cmd, arg, value).map(u8::from),
            _ => self.parse_ref(cmd, arg, value),
        }
    }
}

/// Whether `arg` is a flag (no value) that a variable may set.
fn boolean_with_variable(arg: &clap::Arg) -> bool {
    arg.get_env().is_some()
        && matches!(
            arg.get_action(),
            clap::ArgAction::SetTrue | clap::ArgAction::Count
        )
}

/// Gives every boolean flag with a variable the parser that reads people's spellings, so a flag
/// needs nothing but its `env = "..."` to have one.
pub(super) fn read_boolean_variables(command: clap::Command) -> clap::Command {
    each_arg(command, |arg| {
        if !boolean_with_variable(&arg) {
            return arg;
        }
        match arg.get_action() {
            clap::ArgAction::Count => arg.value_parser(BoolishCount),
            _ => arg.value_parser(boolish()),
        }
    })
}

/// Help shows a variable's name, never its value: `WSDOCTOR_SESSION` holds a session id and
/// `WSDOCTOR_PROXY` may hold credentials, and `--help` output ends up in CI logs and tickets.
pub(super) fn hide_values(command: clap::Command) -> clap::Command {
    each_arg(command, |arg| arg.hide_env_values(true))
}

/// The command as it parsed before clap read the boolean variables: for judging conflicts.
pub(super) fn without_boolean_variables(command: clap::Command) -> clap::Command {
    each_arg(command, |arg| {
        if boolean_with_variable(&arg) {
            arg.env(None)
        } else {
            arg
        }
    })
}

/// The command without conflicts between arguments (see [`super::parse`]).
pub(super) fn without_conflicts(command: clap::Command) -> clap::Command {
    each_arg(command, |arg| {
        arg.conflicts_with(clap::builder::Resettable::Reset)
    })
}

/// Applies `change` to every argument of `command` and of its subcommands.
fn each_arg(command: clap::Command, change: fn(clap::Arg) -> clap::Arg) -> clap::Command {
    command
        .mut_args(change)
        .mut_subcommands(|sub| each_arg(sub, change))
}
