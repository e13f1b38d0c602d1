//! Which targets a `check` or `watch` runs, each with its own options: the URLs on the command
//! line, or the config file's `[[targets]]` (all, or those named with `--target`), every one with
//! `[defaults]` and its own entries under the command line's flags and variables.

use crate::args::{self, Env};
use crate::cli::{CheckOptions, FleetOptions};
use crate::config::{self, ConfigFile, Entry};
use crate::exit::AppError;
use clap::FromArgMatches;
use std::collections::HashSet;
use std::ffi::OsString;
use wsdoctor_core::Settings;

/// One target of a run, ready to check.
#[derive(Debug)]
pub(crate) struct FleetTarget {
    /// Its name: the config file's, or host[:port] for a URL from the command line.
    pub(crate) name: String,
    /// Its settings, every layer applied.
    pub(crate) settings: Settings,
}

/// What the command line and the config file ask for.
pub(crate) struct Selection {
    /// The targets, in order.
    pub(crate) targets: Vec<FleetTarget>,
    /// Whether this is a fleet run (several targets, or a config file's targets) rather than the
    /// single-target run whose JSON is one report.
    pub(crate) fleet: bool,
    /// The config file whose `[defaults]` apply to URLs from the command line: said on stderr,
    /// as a one-off `check URL` must not take a file's settings silently.
    pub(crate) defaults_from: Option<std::path::PathBuf>,
    /// For each target written without a scheme, which URL was chosen and why.
    pub(crate) chosen: Vec<String>,
}

impl Selection {
    /// Says on stderr which file's defaults apply to the command line's URLs, if any; stderr
    /// keeps stdout one JSON document.
    pub(crate) fn announce(&self, quiet: bool) {
        if let (Some(path), false) = (&self.defaults_from, quiet) {
            crate::print::stderr(&format!(
                "wsdoctor: defaults from {} applied (--no-config to ignore the file)",
                path.display()
            ));
        }
    }

    /// The plan of every target (`--dry-run`), each headed by its name in a fleet.
    pub(crate) fn dry_run(&self, reveal_secrets: bool) -> String {
        let mut text = String::new();
        for target in &self.targets {
            if self.fleet {
                text.push_str(&format!("── {} ──\n", target.name));
            }
            text.push_str(&crate::render::plan::dry_run(
                &target.settings,
                &wsdoctor_core::Diagnosis::redactor_for(&target.settings, reveal_secrets),
                None,
            ));
        }
        text
    }

    /// Says which URL each target written without a scheme became: as the first line of the
    /// human view when it is on stdout, else on stderr (stdout stays one document).
    pub(crate) fn say_chosen(&self, on_stdout: bool) {
        for line in &self.chosen {
            if on_stdout {
                crate::print::stdout(&format!("{line}\n"));
            } else {
                crate::print::stderr(&format!("wsdoctor: {line}"));
            }
        }
    }
}

/// Resolves the targets of `subcommand` (`check` or `watch`).
pub(crate) fn select(
    subcommand: &str,
    urls: &[String],
    fleet: &FleetOptions,
    env: &Env,
) -> Result<Selection, AppError> {
    let no_config = fleet.no_config;
    if no_config && !fleet.names.is_empty() {
        return Err(AppError::usage(
            "--target",
            "names a target of the config file, but --no-config (or WSDOCTOR_NO_CONFIG) ignores it",
        ));
    }
    // Only what runs has its ${NAME} references expanded: the defaults and the targets chosen.
    let expand = if !urls.is_empty() {
        config::Expand::Targets(&[])
    } else if fleet.names.is_empty() {
        config::Expand::Everything
    } else {
        config::Expand::Targets(&fleet.names)
    };
    let file = if no_config {
        None
    } else {
        load_file(subcommand, fleet, expand)?
    };
    if !fleet.names.is_empty() && file.is_none() {
        return Err(AppError::usage(
            "--target",
            "names a target of the config file, but there is no config file (--config FILE, or ./wsdoctor.toml)",
        ));
    }
    if !urls.is_empty() {
        if !fleet.names.is_empty() {
            return Err(AppError::usage(
                "--target",
                "choose targets either as URLs or by name from the config file, not both",
            ));
        }
        return from_urls(subcommand, urls, file, env);
    }
    let defaults: &[Entry] = file.as_ref().map_or(&[], |f| f.defaults.as_slice());
    let mut targets = Vec::new();
    let Some(file) = file.clone() else {
        return Err(AppError::usage(
            "<TARGET>",
            format!(
                "no target: give a URL (wsdoctor {subcommand} https://app.example.com), or a config file with [[targets]] (--config FILE, or ./{})",
                config::DEFAULT_FILE
            ),
        ));
    };
    if file.targets.is_empty() {
        return Err(AppError::at(
            file.path.display().to_string(),
            "the config file has no [[targets]]",
        ));
    }
    let in_file: HashSet<&str> = file.targets.iter().map(|t| t.name.as_str()).collect();
    let asked: HashSet<&str> = fleet.names.iter().map(String::as_str).collect();
    for name in &fleet.names {
        if !in_file.contains(name.as_str()) {
            let known: Vec<String> = file.targets.iter().map(|t| t.name.clone()).collect();
            let hint = config::did_you_mean(name, &known)
                .map(|n| format!("; did you mean {n:?}?"))
                .unwrap_or_else(|| format!("; the file has {}", known.join(", ")));
            return Err(AppError::usage(
                "--target",
                format!("no target named {name:?} in {}{hint}", file.path.display()),
            ));
        }
    }
    let mut shared = args::Shared::default();
    for target in &file.targets {
        if !asked.is_empty() && !asked.contains(target.name.as_str()) {
            continue;
        }
        let options = options_for(
            subcommand,
            &[defaults, &target.entries],
            Some(&file),
            Some(&target.name),
        )?;
        let settings = args::settings_sharing(&target.url, &options, env, &mut shared).map_err(
            |e| match e {
                AppError::Usage { argument, message } => {
                    AppError::usage(format!("{} (target {:?})", argument, target.name), message)
                }
                other => other,
            },
        )?;
        targets.push(FleetTarget {
            name: target.name.clone(),
            settings,
        });
    }
    Ok(Selection {
        targets,
        fleet: true,
        defaults_from: None,
        chosen: Vec::new(),
    })
}

/// The targets the command line's URLs name, each with the same options: the config file's
/// `[defaults]` under the command line's flags and variables.
fn from_urls(
    subcommand: &str,
    urls: &[String],
    file: Option<ConfigFile>,
    env: &Env,
) -> Result<Selection, AppError> {
    let defaults: &[Entry] = file.as_ref().map_or(&[], |f| f.defaults.as_slice());
    let mut targets = Vec::new();
    // Every URL has the same options: parse the command line once, not once per URL (which
    // was quadratic in a command line of a thousand URLs).
    let options = options_for(subcommand, &[defaults], file.as_ref(), None)?;
    let mut shared = args::Shared::default();
    let mut taken = HashSet::new();
    let mut chosen = Vec::new();
    for url in urls {
        let url = match wsdoctor_core::bare::understand(url, options.connection.connect_timeout)? {
            Some(bare) => {
                chosen.push(bare.note);
                bare.url
            }
            None => url.clone(),
        };
        let settings = args::settings_sharing(&url, &options, env, &mut shared)?;
        targets.push(FleetTarget {
            name: unique_name(&mut taken, &url_name(&settings)),
            settings,
        });
    }
    Ok(Selection {
        targets,
        fleet: urls.len() > 1,
        defaults_from: file.filter(|f| !f.defaults.is_empty()).map(|f| f.path),
        chosen,
    })
}

/// The config file of this run, when there is one.
fn load_file(
    subcommand: &str,
    fleet: &FleetOptions,
    expand: config::Expand<'_>,
) -> Result<Option<ConfigFile>, AppError> {
    let Some(path) = config::locate(fleet.config.as_deref()) else {
        return Ok(None);
    };
    let known = config::known_keys(&subcommand_command(subcommand)?);
    config::load(&path, &known, expand).map(Some)
}

/// The clap definition of `subcommand`, not yet built: changing the defaults of a built command
/// would leave its lookup tables pointing at the wrong arguments.
fn subcommand_command(subcommand: &str) -> Result<clap::Command, AppError> {
    // Built once per process: a fleet asks for it per target, and building the whole CLI
    // definition each time was a tenth of a thousand-target run.
    static CLI: std::sync::OnceLock<clap::Command> = std::sync::OnceLock::new();
    CLI.get_or_init(crate::cli::command)
        .find_subcommand(subcommand)
        .cloned()
        .ok_or_else(|| AppError::Runtime(format!("no subcommand {subcommand}")))
}

/// The options of one target: the process's own command-line words parsed again, with the file's
/// values (`layers`, later ones winning) as the options' defaults, so a flag or its variable still
/// wins over the file.
pub(crate) fn options_for(
    subcommand: &str,
    layers: &[&[Entry]],
    file: Option<&ConfigFile>,
    target: Option<&str>,
) -> Result<CheckOptions, AppError> {
    let mut command = subcommand_command(subcommand)?;
    let mut origin_of: std::collections::BTreeMap<String, usize> = Default::default();
    for layer in layers {
        for entry in layer.iter() {
            let Some(arg) = command
                .get_arguments()
                .find(|a| a.get_long() == Some(entry.key.as_str()))
                .cloned()
            else {
                continue;
            };
            origin_of.insert(entry.key.clone(), entry.line);
            if matches!(arg.get_action(), clap::ArgAction::SetTrue) {
                let value = entry.values.first().map(String::as_str).unwrap_or("false");
                let on = args::parse_bool(value).ok_or_else(|| {
                    AppError::at(
                        place(file, entry.line, target),
                        format!("{}: {value:?} is not a boolean", entry.key),
                    )
                })?;
                // The file's value is the flag's default: below the flag and its variable.
                command =
                    command.mut_arg(arg.get_id().clone(), |a| a.default_value(on.to_string()));
                continue;
            }
            let values: Vec<clap::builder::OsStr> = entry
                .values
                .iter()
                .map(|v| clap::builder::OsStr::from(v.clone()))
                .collect();
            command = command.mut_arg(arg.get_id().clone(), |a| a.default_values(values));
        }
    }
    let words = user_words(subcommand);
    let matches = command
        .try_get_matches_from_mut(
            std::iter::once(OsString::from(subcommand)).chain(words.iter().cloned()),
        )
        .map_err(|e| from_file_error(e, &words, &origin_of, file, target))?;
    CheckOptions::from_arg_matches(&matches).map_err(|e| AppError::usage("config", e.to_string()))
}

/// The words the user wrote after the subcommand's name.
fn user_words(subcommand: &str) -> Vec<OsString> {
    let all: Vec<OsString> = std::env::args_os().skip(1).collect();
    match all.iter().position(|w| w == subcommand) {
        Some(at) => all[at + 1..].to_vec(),
        None => Vec::new(),
    }
}

/// A clap error caused by a file value names the file, the line and the target.
fn from_file_error(
    error: clap::Error,
    words: &[OsString],
    origin_of: &std::collections::BTreeMap<String, usize>,
    file: Option<&ConfigFile>,
    target: Option<&str>,
) -> AppError {
    use clap::error::{ContextKind, ContextValue};
    let argument = match error.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) => arg.clone(),
        _ => String::new(),
    };
    let long = argument
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_start_matches('-')
        .to_string();
    let typed = words.iter().any(|w| {
        let w = w.to_string_lossy();
        w == format!("--{long}") || w.starts_with(&format!("--{long}="))
    });
    match origin_of.get(&long) {
        Some(line) if !typed => {
            let text = error.to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ");
            AppError::at(
                place(file, *line, target),
                format!("{}: {first}", long.replace('-', "_")),
            )
        }
        _ => {
            let text = error.to_string();
            let first = text.lines().next().unwrap_or_default();
            AppError::at(
                "command line",
                first.trim_start_matches("error: ").to_string(),
            )
        }
    }
}

fn place(file: Option<&ConfigFile>, line: usize, target: Option<&str>) -> String {
    let file = file.map_or("config".to_string(), |f| f.path.display().to_string());
    match target {
        Some(name) => format!("{file}:{line} (target {name:?})"),
        None => format!("{file}:{line}"),
    }
}

/// A name for a target given as a URL: its host and port.
fn url_name(settings: &Settings) -> String {
    let url = settings.target.url();
    let host = url.host_str().unwrap_or("target");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// `name`, or `name#2`, `name#3`… when an earlier target has it; `taken` holds the names given.
fn unique_name(taken: &mut HashSet<String>, name: &str) -> String {
    let unique = if taken.contains(name) {
        (2..)
            .map(|n| format!("{name}#{n}"))
            .find(|candidate| !taken.contains(candidate))
            .unwrap_or_else(|| name.to_string())
    } else {
        name.to_string()
    };
    taken.insert(unique.clone());
    unique
}
