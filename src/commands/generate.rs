//! `wsdoctor completions` and `wsdoctor man`: generated from the one clap definition, with the
//! examples, variables and exit statuses from their one tables.

use crate::exit::{AppError, OK};
use roff::{bold, italic, roman, Roff};

use crate::examples::SUBCOMMANDS as PAGES;

/// The completion script for `shell`.
pub(crate) fn completions(shell: clap_complete::Shell) -> Result<u8, AppError> {
    let mut buffer = Vec::new();
    clap_complete::generate(
        shell,
        &mut crate::cli::definition(),
        "wsdoctor",
        &mut buffer,
    );
    crate::print::stdout(&String::from_utf8_lossy(&buffer));
    Ok(OK)
}

/// A man page (roff): the top page, or `wsdoctor-SUBCOMMAND(1)`.
pub(crate) fn man(subcommand: Option<&str>) -> Result<u8, AppError> {
    let page = page(subcommand.unwrap_or(""))?;
    crate::print::stdout(&page);
    Ok(OK)
}

/// The roff of one page.
pub(crate) fn page(subcommand: &str) -> Result<String, AppError> {
    // The long version carries the commit and the build date; a committed page must not.
    let mut top = crate::cli::definition().long_version(None::<&str>);
    top.build();
    let command = if subcommand.is_empty() {
        top.clone()
    } else {
        top.find_subcommand(subcommand)
            .filter(|_| PAGES.contains(&subcommand))
            .cloned()
            .ok_or_else(|| {
                AppError::usage(
                    "<SUBCOMMAND>",
                    format!(
                        "no man page for {subcommand:?}; pages: {}",
                        PAGES.join(", ")
                    ),
                )
            })?
    };
    let man = clap_mangen::Man::new(command.clone());
    let mut buffer = Vec::new();
    let io = |e| AppError::io("rendering the man page", e);
    man.render_title(&mut buffer).map_err(io)?;
    man.render_name_section(&mut buffer).map_err(io)?;
    man.render_synopsis_section(&mut buffer).map_err(io)?;
    man.render_description_section(&mut buffer).map_err(io)?;
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buffer).map_err(io)?;
    }
    let mut roff = Roff::new();
    if subcommand.is_empty() {
        subcommands(&mut roff, &command);
    }
    examples(&mut roff, subcommand);
    environment(&mut roff, &command, subcommand);
    exit_status(&mut roff, subcommand);
    files(&mut roff, subcommand);
    see_also(&mut roff, subcommand);
    roff.to_writer(&mut buffer).map_err(io)?;
    man.render_version_section(&mut buffer).map_err(io)?;
    Ok(String::from_utf8_lossy(&buffer).into_owned())
}

/// The subcommands, each by its page when it has one (clap_mangen would name a page for every
/// subcommand, `wsdoctor-help(1)` included).
fn subcommands(roff: &mut Roff, command: &clap::Command) {
    roff.control("SH", ["SUBCOMMANDS"]);
    for sub in in_order(command) {
        let name = sub.get_name();
        roff.control("TP", []);
        if PAGES.contains(&name) {
            roff.text([bold(format!("wsdoctor-{name}")), roman("(1)")]);
        } else {
            roff.text([bold(format!("wsdoctor {name}"))]);
        }
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        roff.text([roman(about)]);
    }
}

/// The visible subcommands in the order of the definition, as --help lists them (adjusting a
/// subcommand after the derive moves it last).
fn in_order(command: &clap::Command) -> Vec<&clap::Command> {
    let mut subs: Vec<&clap::Command> = command
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .collect();
    subs.sort_by_key(|s| s.get_display_order());
    subs
}

fn examples(roff: &mut Roff, subcommand: &str) {
    roff.control("SH", ["EXAMPLES"]);
    for example in crate::examples::of(subcommand) {
        roff.control("TP", []);
        roff.text([roman(example.what)]);
        roff.control("nf", []);
        roff.text([bold(example.command)]);
        roff.control("fi", []);
    }
}

/// Variables that are not a flag's stand-in: what they do, and the pages (subcommands) whose
/// runs read them.
const OTHER_VARIABLES: &[(&str, &[&str], &str)] = &[
    ("WSDOCTOR_HEADER", &["check", "watch", "demo", "serve", "ping"], "Extra request headers, one per line (the -H flag takes one header per flag)."),
    ("FRONTEND_URL", &["check", "watch", "serve", "ping"], "The default for --origin, as the platform's backend reads it."),
    ("REDIS_URL", &["check", "watch", "serve"], "The default for --redis-url (the session store check), as the platform's backend reads it; its credentials are redacted."),
    ("HTTPS_PROXY, HTTP_PROXY, ALL_PROXY (or lower case)", &["check", "watch", "serve", "ping"], "The HTTP CONNECT proxy for https/wss and http/ws targets, unless --proxy or --no-proxy says otherwise."),
    ("NO_PROXY (or no_proxy)", &["check", "watch", "serve", "ping"], "Hosts reached directly, as current curl reads it: names and their subdomains, *, IP addresses, CIDR ranges, IPv6; an optional :port."),
    ("NO_COLOR", &["check", "watch", "demo", "ping"], "Set and not empty: no colour (as --color never)."),
    ("CI", &["check", "watch", "demo", "ping"], "Set to anything but a false value (false, 0, no, off): no colour and no spinner."),
];

/// The ENVIRONMENT section, generated from the arguments' `env`: a subcommand's page lists its
/// own, the top page every subcommand's.
fn environment(roff: &mut Roff, command: &clap::Command, subcommand: &str) {
    roff.control("SH", ["ENVIRONMENT"]);
    roff.text([roman(
        "An empty WSDOCTOR_* variable counts as unset. A flag on the command line wins over its variable, which wins over the config file. A boolean variable reads 1/0, true/false, yes/no or on/off in any case; any other value is a usage error that names the variable.",
    )]);
    for (variable, text) in flag_variables(command, subcommand) {
        roff.control("TP", []);
        roff.text([bold(variable)]);
        roff.text([roman(text)]);
    }
    if subcommand == "serve" {
        roff.control("TP", []);
        roff.text([bold("The variables of check's options")]);
        roff.text([roman(
            "Apply to every probe, over the config file's values, as they do to a run of check (see wsdoctor-check(1)).",
        )]);
    }
    for (variable, pages, meaning) in OTHER_VARIABLES {
        if subcommand.is_empty() || pages.contains(&subcommand) {
            roff.control("TP", []);
            roff.text([bold(*variable)]);
            roff.text([roman(*meaning)]);
        }
    }
}

/// Each variable an argument reads, with its entry (`As --long. Help`), from the page's command
/// and the commands under it (`config check`); on the top page, with the subcommands that read
/// it (a variable several share is listed once).
fn flag_variables(command: &clap::Command, subcommand: &str) -> Vec<(String, String)> {
    let mut listed = Vec::new();
    gather(command, "", &mut listed);
    listed
        .into_iter()
        .map(|(variable, text, users)| {
            if subcommand.is_empty() {
                (variable, format!("{text} ({})", users.join(", ")))
            } else {
                (variable, text)
            }
        })
        .collect()
}

/// Adds the variables of `command`'s arguments and its subcommands' to `listed`.
fn gather(command: &clap::Command, path: &str, listed: &mut Vec<(String, String, Vec<String>)>) {
    for arg in command.get_arguments() {
        let Some(variable) = arg.get_env() else {
            continue;
        };
        let variable = variable.to_string_lossy().into_owned();
        // A positional argument (the targets) is named as the usage line names it.
        let name = match (arg.get_long(), arg.get_value_names()) {
            (Some(long), _) => format!("--{long}"),
            (None, Some([value, ..])) => format!("<{value}>"),
            (None, _) => arg.get_id().to_string(),
        };
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        match listed.iter_mut().find(|(v, _, _)| *v == variable) {
            Some((_, _, users)) => {
                if !users.iter().any(|u| u == path) {
                    users.push(path.to_string());
                }
            }
            None => listed.push((
                variable,
                format!("As {name}. {help}"),
                vec![path.to_string()],
            )),
        }
    }
    for sub in in_order(command) {
        let path = format!("{path} {}", sub.get_name());
        gather(sub, path.trim_start(), listed);
    }
}

fn exit_status(roff: &mut Roff, subcommand: &str) {
    roff.control("SH", ["EXIT STATUS"]);
    let statuses = match subcommand {
        "serve" => crate::exit::SERVE_STATUSES,
        "ping" => crate::exit::PING_STATUSES,
        _ => crate::exit::STATUSES,
    };
    for (status, meaning) in statuses {
        roff.control("TP", []);
        roff.text([bold(status.to_string())]);
        roff.text([roman(*meaning)]);
    }
}

fn files(roff: &mut Roff, subcommand: &str) {
    roff.control("SH", ["FILES"]);
    let entries: &[(&str, &str)] = match subcommand {
        "lab" => &[
            ("--ca-out FILE", "The throwaway CA's certificate (PEM), for check --cacert."),
            ("--client-cert-out FILE", "Under --fault tls-client-cert, a client certificate and key the lab accepts, for check --cert."),
        ],
        "explain" => &[],
        "ping" => &[
            ("schema/ping.v1.json", "The JSON Schema of --format json and of each --format ndjson line, in the source tree."),
            ("--cacert FILE, --cert FILE, --key FILE", "PEM files, read once at start; the key never reaches the output."),
        ],
        "config" => &[
            ("wsdoctor.toml", "The config file: --config FILE, else wsdoctor.toml in the current directory."),
            ("schema/config.v1.json", "Its JSON Schema, in the source tree; config schema prints it."),
        ],
        "serve" => &[
            ("wsdoctor.toml", "The targets, [modules.NAME] and [serve] allow patterns: --config FILE, else wsdoctor.toml in the current directory. Read at start, and again on SIGHUP or POST /-/reload (a file that does not load keeps the previous config serving)."),
            ("/etc/wsdoctor/wsdoctor.toml", "Where the container image (Containerfile) reads the config: mount it there."),
            ("examples/prometheus.yml, examples/alerts.yml, examples/grafana-dashboard.json", "A scrape config, alert rules and a dashboard, in the source tree."),
        ],
        _ => &[
            ("wsdoctor.toml", "The config file: [defaults] and [[targets]] (--config FILE, else wsdoctor.toml in the current directory when present); flags and variables win over it."),
            ("--output FILE", "The report in the chosen format, written atomically: a temporary file in the same directory, renamed into place (NDJSON streams into it as the run goes)."),
            ("--cacert FILE, --cert FILE, --key FILE", "PEM files, read once at start; the key never reaches the output."),
            ("schema/report.v1.json, schema/events.v1.json", "The JSON Schemas of the report and of the NDJSON events, in the source tree."),
            ("completions/, man/", "Shell completions (bash, zsh, fish, PowerShell, elvish) and these pages, generated from the command line's definition."),
        ],
    };
    if entries.is_empty() {
        roff.text([roman("None.")]);
    }
    for (file, meaning) in entries {
        roff.control("TP", []);
        roff.text([italic(*file)]);
        roff.text([roman(*meaning)]);
    }
}

fn see_also(roff: &mut Roff, subcommand: &str) {
    roff.control("SH", ["SEE ALSO"]);
    let mut pages: Vec<String> = std::iter::once("wsdoctor".to_string())
        .chain(PAGES.iter().map(|p| format!("wsdoctor-{p}")))
        .filter(|p| {
            p != &if subcommand.is_empty() {
                "wsdoctor".to_string()
            } else {
                format!("wsdoctor-{subcommand}")
            }
        })
        .map(|p| format!("{p}(1)"))
        .collect();
    pages.push("curl(1)".to_string());
    roff.text([roman(pages.join(", "))]);
}
