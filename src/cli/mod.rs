//! The command line, defined once: parsing, `--help`, completions and the man page all come from
//! here. Each subcommand's arguments live in their own file; the options several share (the
//! checklist, the output, the fleet) live with `check`.

mod check;
mod config;
mod connection;
mod env;
pub(crate) mod explain;
#[cfg(feature = "lab")]
mod lab;
mod output;
mod ping;
#[cfg(feature = "serve")]
mod serve;
mod watch;

pub(crate) use check::{CheckCommand, CheckOptions, FailOn, FleetOptions};
pub(crate) use config::{ConfigAction, ConfigCommand};
pub(crate) use connection::ConnectionOptions;
pub(crate) use env::{forget_empty_variables, parse_bool, usage_error};
pub(crate) use explain::{ExplainCommand, ExplainFormat};
#[cfg(feature = "lab")]
pub(crate) use lab::{DemoCommand, LabCommand};
pub(crate) use output::{ColorChoice, Format, OutputOptions};
#[cfg(feature = "serve")]
pub(crate) use ping::parse_interval as parse_ping_interval;
pub(crate) use ping::{PingColor, PingCommand, PingFormat, MODULE_KEYS as PING_MODULE_KEYS};
#[cfg(feature = "serve")]
pub(crate) use serve::{LogFormat, ServeCommand};
pub(crate) use watch::WatchCommand;

use clap::{Parser, Subcommand, ValueEnum};
use std::time::Duration;

/// A doctor for WebSocket deployments: walks the troubleshooting checklist against a live
/// deployment and names why a socket fails.
#[derive(Debug, Parser)]
#[command(name = "wsdoctor", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the checklist against a deployment (http(s) base URL or a ws(s) socket URL).
    Check(CheckCommand),
    /// Start the reference backend on loopback and check it: the zero-setup first run.
    #[cfg(feature = "lab")]
    Demo(DemoCommand),
    /// Repeat the checklist every interval: a line a run, a line whenever a check changes state.
    Watch(WatchCommand),
    /// Run the reference backend (with an optional fault) for reproductions and tests.
    #[cfg(feature = "lab")]
    Lab(LabCommand),
    /// Round trips on one socket over time (ping frames or echo messages): latency, jitter, loss, cuts.
    Ping(PingCommand),
    /// Explain a failure code: what it means, how it looks on the wire, what to do.
    Explain(ExplainCommand),
    /// Validate the config file (wsdoctor.toml), or print its JSON Schema.
    Config(ConfigCommand),
    /// Serve probes to Prometheus: GET /probe?target=NAME&module=MODULE answers with metrics.
    #[cfg(feature = "serve")]
    Serve(ServeCommand),
    /// Print shell completions for SHELL to stdout.
    Completions {
        /// The shell to generate for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff) to stdout: the top page, or a subcommand's.
    Man {
        /// The subcommand whose page to print.
        #[arg(value_name = "SUBCOMMAND", value_parser = Offered(man_pages))]
        subcommand: Option<String>,
    },
}

/// The pages `wsdoctor man` prints besides the top one.
fn man_pages() -> Vec<clap::builder::PossibleValue> {
    // A binary built without a feature has neither its subcommand nor its page.
    let built = |page: &str| match page {
        "demo" | "lab" => cfg!(feature = "lab"),
        "serve" => cfg!(feature = "serve"),
        _ => true,
    };
    crate::examples::SUBCOMMANDS
        .iter()
        .filter(|page| built(page))
        .map(|&page| clap::builder::PossibleValue::new(page))
        .collect()
}

/// A value parser that offers a list to shell completion but accepts any text, so the command
/// can answer a near miss with "did you mean" (and a close code need not be in the list).
#[derive(Clone)]
pub(crate) struct Offered(pub(crate) fn() -> Vec<clap::builder::PossibleValue>);

impl clap::builder::TypedValueParser for Offered {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new((self.0)().into_iter()))
    }
}

/// Parses a humantime duration (`25s`, `1m30s`, `250ms`), at most one day so no timer can
/// overflow.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(text)
        .map_err(|e| format!("{e} (expected e.g. 25s, 1m30s, 250ms)"))?;
    if duration > MAX_DURATION {
        return Err("must be at most 1 day".to_string());
    }
    Ok(duration)
}

/// The longest duration any option accepts.
const MAX_DURATION: Duration = Duration::from_secs(86_400);

/// The clap command as documented (help, completions, man pages): the derive, narrowed where a
/// subcommand accepts less than the shared options say (watch streams human or ndjson only), and
/// every boolean flag with a variable reading it as people write booleans; help names variables
/// without their values.
pub(crate) fn definition() -> clap::Command {
    let mut command = <Cli as clap::CommandFactory>::command()
        .after_help(crate::examples::help_section(""))
        .long_version(crate::version::long());
    for &name in crate::examples::SUBCOMMANDS {
        if command.find_subcommand(name).is_some() {
            command = command.mut_subcommand(name, |sub| {
                sub.after_help(crate::examples::help_section(name))
            });
        }
    }
    let command = command.mut_subcommand("watch", |watch| {
        watch.mut_arg("format", |format| {
            let streamable = [Format::Human, Format::Ndjson]
                .iter()
                .filter_map(ValueEnum::to_possible_value);
            use clap::builder::TypedValueParser;
            // A page is one run's document; watch streams lines, whatever --output is named.
            format.help("Output format [default: human]").value_parser(
                clap::builder::PossibleValuesParser::new(streamable)
                    .try_map(|name: String| Format::from_str(&name, true)),
            )
        })
    });
    env::hide_values(env::read_boolean_variables(command))
}

/// `command` reading its boolean variables as [`definition`] does: for a subcommand that takes
/// another's options from the environment (`ping` reads `check`'s network variables).
pub(crate) fn reading_boolean_variables(command: clap::Command) -> clap::Command {
    env::read_boolean_variables(command)
}

/// The clap command that parses: the [`definition`] without its conflicts, which [`parse`] judges
/// on the typed words alone (a config file's values and the variables must not trip them).
pub(crate) fn command() -> clap::Command {
    env::without_conflicts(definition())
}

/// Parses the process's arguments with [`command`]; then the conflicts, among the typed flags
/// and the variables of flags that take a value, as they were judged before clap read the
/// boolean variables: `WSDOCTOR_VERBOSE=0` beside `-q` is no conflict.
pub(crate) fn parse() -> Result<Cli, clap::Error> {
    let matches = command().try_get_matches()?;
    if let Err(e) = env::without_boolean_variables(definition()).try_get_matches() {
        if e.kind() == clap::error::ErrorKind::ArgumentConflict {
            return Err(e);
        }
    }
    <Cli as clap::FromArgMatches>::from_arg_matches(&matches)
}
