//! `wsdoctor completions` and `wsdoctor man`: generated from the one clap definition, with the
//! examples, variables and exit statuses from their one tables.

use crate::exit::{AppError, OK};
use roff::{bold, italic, roman, Roff};

use crate::examples::SUBCOMMANDS as PAGES;

/// The completion script for `shell`.
pub(crate) fn completions(shell: clap_complete::Shell) -> Result<u8, AppError> {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "wsdoctor", &mut buffer);
    crate::output::stdout(&String::from_utf8_lossy(&buffer));
    Ok(OK)
}

/// A man page (roff): the top page, or `wsdoctor-SUBCOMMAND(1)`.
pub(crate) fn man(subcommand: Option<&str>) -> Result<u8, AppError> {
    let page = page(subcommand.unwrap_or(""))?;
    crate::output::stdout(&page);
    Ok(OK)
}

/// The roff of one page.
pub(crate) fn page(subcommand: &str) -> Result<String, AppError> {
    // The long version carries the commit and the build date; a committed page must not.
    let mut top = crate::cli::command().long_version(None::<&str>);
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
    if subcommand.is_empty() {
        man.render_subcommands_section(&mut buffer).map_err(io)?;
    }
    let mut roff = Roff::new();
    examples(&mut roff, subcommand);
    environment(&mut roff, &command, subcommand);
    exit_status(&mut roff, subcommand);
    files(&mut roff, subcommand);
    see_also(&mut roff, subcommand);
    roff.to_writer(&mut buffer).map_err(io)?;
    man.render_version_section(&mut buffer).map_err(io)?;
    Ok(String::from_utf8_lossy(&buffer).into_owned())
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

/// Variables that are not a flag's stand-in, with what they do.
const OTHER_VARIABLES: &[(&str, &str)] = &[
    ("WSDOCTOR_QUIET, WSDOCTOR_VERBOSE, WSDOCTOR_SHOW_SECRETS, WSDOCTOR_INSECURE, WSDOCTOR_ALL_ADDRESSES, WSDOCTOR_NO_PROXY, WSDOCTOR_HTTP1_ONLY, WSDOCTOR_HTTP2, WSDOCTOR_NO_CONFIG", "The boolean flags of the same names: 1/0, true/false, yes/no, on/off in any case. An invalid value is a usage error that names the variable."),
    ("WSDOCTOR_HEADER", "Extra request headers, one per line (the -H flag takes one header per flag)."),
    ("FRONTEND_URL", "The default for --origin, as the platform's backend reads it."),
    ("REDIS_URL", "The default for --redis-url (the session store check), as the platform's backend reads it; its credentials are redacted."),
    ("HTTPS_PROXY, HTTP_PROXY, ALL_PROXY (or lower case)", "The HTTP CONNECT proxy for https/wss and http/ws targets, unless --proxy or --no-proxy says otherwise."),
    ("NO_PROXY (or no_proxy)", "Hosts reached directly, as current curl reads it: names and their subdomains, *, IP addresses, CIDR ranges, IPv6; an optional :port."),
    ("NO_COLOR", "Set and not empty: no colour (as --color never)."),
    ("CI", "Set to anything but a false value (false, 0, no, off): no colour and no spinner."),
];

fn environment(roff: &mut Roff, command: &clap::Command, subcommand: &str) {
    roff.control("SH", ["ENVIRONMENT"]);
    roff.text([roman(
        "An empty WSDOCTOR_* variable counts as unset. A flag on the command line wins over its variable.",
    )]);
    for arg in command.get_arguments() {
        let (Some(variable), Some(long)) = (arg.get_env(), arg.get_long()) else {
            continue;
        };
        roff.control("TP", []);
        roff.text([bold(variable.to_string_lossy().into_owned())]);
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        roff.text([roman(format!("As --{long}. {help}"))]);
    }
    let checks = matches!(subcommand, "check" | "watch" | "demo" | "serve" | "");
    if checks {
        for (variable, meaning) in OTHER_VARIABLES {
            roff.control("TP", []);
            roff.text([bold(*variable)]);
            roff.text([roman(*meaning)]);
        }
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
