//! From the command line to settings: the raw options clap parsed (low-level arguments) become the
//! core's [`Settings`] and this binary's [`OutputSettings`] (high-level arguments), validated, with
//! files read here, before any runtime starts.

pub(crate) use crate::cli::parse_bool;
use crate::cli::FailOn;
use crate::cli::{CheckOptions, ColorChoice, Format, OutputOptions};
use crate::exit::AppError;
use std::path::PathBuf;
use std::sync::Arc;
use wsdoctor_core::model::codes::ALL_CAUSES;
use wsdoctor_core::model::{Cause, CheckId};
use wsdoctor_core::settings::{
    parse_origin, BrowserSettings, ClientIdentity, Gates, Header, IpFamily, Limits, Paths,
    ResolveOverride, Roads, Route, StoreSettings, StoreUrl,
};
use wsdoctor_core::{Plan, Secret, Settings, SettingsError, Target};

/// What the process environment contributes beyond the `WSDOCTOR_*` variables clap reads itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct Env {
    /// `$FRONTEND_URL`, the default origin (the platform's backend reads the same variable).
    pub(crate) frontend_url: Option<String>,
    /// Proxy variables (`HTTPS_PROXY`, `https_proxy`, `NO_PROXY`…) that are set and not empty.
    pub(crate) proxy_vars: Vec<(String, String)>,
    /// `$WSDOCTOR_HEADER`: headers, one per line (only the variable splits on newlines).
    pub(crate) headers: Option<String>,
    /// `$REDIS_URL`, the default session store (the platform's backend reads the same variable).
    pub(crate) redis_url: Option<String>,
    /// Whether `--redis-url` is on the command line (else its value came from WSDOCTOR_REDIS_URL).
    pub(crate) redis_url_typed: bool,
}

impl Env {
    /// Reads the variables wsdoctor honours from the process environment.
    pub(crate) fn from_process() -> Env {
        let get = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let proxy_vars = [
            "https_proxy",
            "HTTPS_PROXY",
            "http_proxy",
            "HTTP_PROXY",
            "all_proxy",
            "ALL_PROXY",
            "no_proxy",
            "NO_PROXY",
        ]
        .iter()
        .filter_map(|name| get(name).map(|v| (name.to_string(), v)))
        .collect();
        Env {
            frontend_url: get("FRONTEND_URL"),
            proxy_vars,
            headers: get("WSDOCTOR_HEADER"),
            redis_url: get("REDIS_URL"),
            redis_url_typed: std::env::args()
                .any(|a| a == "--redis-url" || a.starts_with("--redis-url=")),
        }
    }
}

/// How the report is shown; the core never sees these.
#[derive(Debug, Clone)]
pub(crate) struct OutputSettings {
    /// The format for stdout (or `--output`).
    pub(crate) format: Format,
    /// Whether `--format` was given, rather than the default or the `--output` file's extension.
    pub(crate) format_given: bool,
    /// Where to write the chosen format instead of stdout.
    pub(crate) output: Option<PathBuf>,
    /// Colour choice.
    pub(crate) color: ColorChoice,
    /// One verdict line only.
    pub(crate) quiet: bool,
    /// Connection log on stderr.
    pub(crate) verbose: bool,
    /// The wire trace (`--trace`, `-vv`, `--trace-file`): on stderr, and in the file if given.
    pub(crate) trace: Option<TraceOutput>,
    /// Print secrets unredacted.
    pub(crate) show_secrets: bool,
    /// `-w`: a line per target after the run, instead of the human view.
    pub(crate) write_out: Option<crate::render::write_out::Template>,
}

impl OutputSettings {
    /// The output settings, or why `--output` is a mistake.
    pub(crate) fn from_options(options: &OutputOptions) -> Result<OutputSettings, AppError> {
        let output = match options.output.as_deref() {
            // `-o -` is standard output, as for curl and most tools.
            Some(path) if path.as_os_str() == "-" => None,
            // kubectl's `-o json` means a format; here -o names a file.
            Some(path)
                if FORMAT_WORDS
                    .iter()
                    .any(|w| path.as_os_str().eq_ignore_ascii_case(w)) =>
            {
                let word = path.display().to_string().to_ascii_lowercase();
                return Err(AppError::usage(
                    "--output",
                    format!(
                        "-o/--output takes a file name; to choose a format, use --format {} (for a file named {word:?}, write ./{word})",
                        if matches!(word.as_str(), "yaml" | "wide" | "text") { "json" } else { word.as_str() }
                    ),
                ));
            }
            other => other.map(PathBuf::from),
        };
        // A report file named .html is the HTML report unless a format is asked for; any other
        // name still gets the human view, as before.
        let format = options.format.unwrap_or_else(|| {
            match output.as_deref().and_then(std::path::Path::extension) {
                Some(ext)
                    if ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm") =>
                {
                    Format::Html
                }
                _ => Format::Human,
            }
        });
        Ok(OutputSettings {
            format,
            format_given: options.format.is_some(),
            output,
            color: options.color,
            quiet: options.quiet,
            verbose: options.verbose > 0,
            trace: (options.trace || options.verbose >= 2 || options.trace_file.is_some()).then(
                || TraceOutput {
                    file: options.trace_file.clone(),
                },
            ),
            show_secrets: options.show_secrets,
            write_out: options.write_out.clone(),
        })
    }
}

/// Where the wire trace goes besides stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TraceOutput {
    /// `--trace-file`.
    pub(crate) file: Option<PathBuf>,
}

/// Words that, given to `-o`, mean a format rather than a file (the kubectl habit).
const FORMAT_WORDS: [&str; 8] = [
    "json", "ndjson", "junit", "human", "html", "yaml", "wide", "text",
];

/// The option a setting came from, as the user typed it.
fn flag(setting: &str) -> String {
    match setting {
        "target" => "<TARGET>".to_string(),
        other => format!("--{other}"),
    }
}

impl From<SettingsError> for AppError {
    fn from(e: SettingsError) -> AppError {
        AppError::usage(flag(e.setting), e.message)
    }
}

/// Builds and validates the settings for `target` from the options and the environment. Reads the
/// `--cacert` file, so call it before the runtime starts. (Its callers, `demo` and `serve`, are
/// features of their own; a fleet shares lists through [`settings_sharing`].)
#[cfg(any(feature = "lab", feature = "serve"))]
pub(crate) fn settings(
    target: &str,
    options: &CheckOptions,
    env: &Env,
) -> Result<Settings, AppError> {
    settings_sharing(target, options, env, &mut Shared::default())
}

/// The lists of the targets built so far, kept to be handed to the next target that asks for the
/// same ones: the targets of a fleet mostly share the command line's or `[defaults]`' lists, and
/// each holding its own copy made memory grow with targets × entries.
#[derive(Default)]
pub(crate) struct Shared {
    headers: Option<(Vec<String>, Arc<[Header]>)>,
    resolve: Option<(Vec<String>, Arc<[ResolveOverride]>)>,
    cacert: Option<(std::path::PathBuf, Arc<[u8]>)>,
}

/// [`settings`], reusing from `shared` the lists an earlier target already built from the same
/// words (and the `--cacert` file already read).
pub(crate) fn settings_sharing(
    target: &str,
    options: &CheckOptions,
    env: &Env,
    shared: &mut Shared,
) -> Result<Settings, AppError> {
    let target = Target::parse(target)?;
    let route = Route::choose(
        &target,
        options.connection.proxy.as_deref(),
        options.connection.no_proxy,
        &env.proxy_vars,
    )?;
    let origin = match options
        .connection
        .origin
        .clone()
        .or_else(|| env.frontend_url.clone())
    {
        Some(text) if !text.trim().is_empty() => Some(parse_origin(&text)?),
        _ => None,
    };
    let headers = header_list(options, env, shared)?;
    let expect = options
        .expect
        .as_deref()
        .map(|p| regex_lite::Regex::new(p).map_err(|e| AppError::usage("--expect", e.to_string())))
        .transpose()?;
    let only = check_ids("--only", &options.only)?;
    let skip = check_ids("--skip", &options.skip)?;
    let require = check_ids("--require", &options.require)?;
    let allow_warnings = causes("--allow-warning", &options.allow_warning)?;
    let resolve = resolve_list(options, shared)?;
    let cacert_pem = cacert(options, shared)?;
    let client_identity = client_identity(options)?;
    let mut settings = Settings::new(target);
    settings.session = options.session.clone().map(Secret::new);
    settings.origin = origin;
    settings.headers = headers;
    settings.subprotocols = options
        .connection
        .subprotocols
        .iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    settings.send = options.send.clone();
    settings.expect = expect;
    settings.only = only;
    settings.skip = skip;
    settings.paths = Paths {
        health: options.health_path.clone(),
        diagnostics: options.diagnostics_path.clone(),
        echo: options.echo_path.clone(),
        terminal: options.terminal_path.clone(),
        session: options.session_path.clone(),
    };
    settings.limits = limits(options);
    settings.store = store(options, env)?;
    settings.resolve = resolve;
    settings.cacert_pem = cacert_pem;
    settings.insecure = options.connection.insecure;
    settings.all_addresses = options.all_addresses;
    settings.gates = Gates {
        fail_on_warn: options.fail_on == FailOn::Warn,
        min_cert_days: options.min_cert_days,
        max_echo_rtt: options.max_echo_rtt,
        max_first_message: options.max_first_message,
        max_attempts: options.max_attempts,
        allow_warnings,
        require,
    };
    settings.route = route;
    settings.client_identity = client_identity;
    settings.roads = roads(options)?;
    // --only browser asks for the browser as plainly as --browser does.
    let browser = options.browser || settings.only.contains(&CheckId::Browser);
    if browser {
        settings.browser = Some(BrowserSettings {
            executable: find_browser(options.browser_path.as_deref(), std::env::var_os("PATH"))?,
        });
    }
    settings.family = match (options.connection.ipv4, options.connection.ipv6) {
        (true, _) => Some(IpFamily::V4),
        (_, true) => Some(IpFamily::V6),
        _ => None,
    };
    settings.validate()?;
    Plan::check_selection(&settings)?;
    requirements_can_be_met(&settings)?;
    Ok(settings)
}

/// `-H`, else `WSDOCTOR_HEADER` (one a line), shared with the previous target when the words match.
fn header_list(
    options: &CheckOptions,
    env: &Env,
    shared: &mut Shared,
) -> Result<Arc<[Header]>, AppError> {
    let mut header_lines: Vec<String> = options.connection.headers.clone();
    if header_lines.is_empty() {
        if let Some(lines) = &env.headers {
            header_lines = lines
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect();
        }
    }
    Ok(match &shared.headers {
        Some((words, built)) if *words == header_lines => built.clone(),
        _ => {
            let built: Arc<[Header]> = header_lines
                .iter()
                .map(|h| Header::parse(h))
                .collect::<Result<Vec<_>, _>>()?
                .into();
            shared.headers = Some((header_lines, built.clone()));
            built
        }
    })
}

/// `--resolve`, shared with the previous target when the words match.
fn resolve_list(
    options: &CheckOptions,
    shared: &mut Shared,
) -> Result<Arc<[ResolveOverride]>, AppError> {
    Ok(match &shared.resolve {
        Some((words, built)) if *words == options.connection.resolve => built.clone(),
        _ => {
            let built: Arc<[ResolveOverride]> = options
                .connection
                .resolve
                .iter()
                .map(|r| ResolveOverride::parse(r))
                .collect::<Result<Vec<_>, _>>()?
                .into();
            shared.resolve = Some((options.connection.resolve.clone(), built.clone()));
            built
        }
    })
}

/// The `--cacert` file, read once for all the targets that name it.
fn cacert(options: &CheckOptions, shared: &mut Shared) -> Result<Option<Arc<[u8]>>, AppError> {
    Ok(match (&options.connection.cacert, &shared.cacert) {
        (Some(path), Some((read, pem))) if path == read => Some(pem.clone()),
        (Some(path), _) => {
            let pem: Arc<[u8]> = read_pem("--cacert", path)?.into();
            shared.cacert = Some((path.clone(), pem.clone()));
            Some(pem)
        }
        (None, _) => None,
    })
}

/// `--cert` and `--key`, read and checked to belong together.
fn client_identity(options: &CheckOptions) -> Result<Option<ClientIdentity>, AppError> {
    Ok(match &options.connection.cert {
        Some(cert) => {
            let read = read_pem;
            let cert_pem = read("--cert", cert)?;
            let key_pem = match &options.connection.key {
                Some(key) => read("--key", key)?,
                None => cert_pem.clone(),
            };
            let identity = ClientIdentity { cert_pem, key_pem };
            if options.connection.key.is_none() {
                // Without --key the key must be in the --cert file: say that, not "--key: …".
                identity.check().map_err(|e| match e.setting {
                    "key" => AppError::usage(
                        "--cert",
                        format!(
                            "{} holds no private key; pass the key with --key FILE",
                            cert.display()
                        ),
                    ),
                    _ => e.into(),
                })?;
            }
            Some(identity)
        }
        None => None,
    })
}

/// The time and count limits, as given.
fn limits(options: &CheckOptions) -> Limits {
    Limits {
        ws_timeout: options.connection.timeout,
        connect_timeout: options.connection.connect_timeout,
        attempts: options.attempts.unwrap_or(Limits::default().attempts),
        exact_attempts: options.attempts.is_some(),
        retry_delay: options.retry_delay,
        accept_silence: options.accept_silence,
        observe: options.observe,
        cert_warn_days: options.cert_warn_days,
        deadline: options.deadline,
        echo_count: options.count,
        hold: options.hold,
        ping_interval: options.ping_interval,
        store_pings: options.store_pings,
        store_slow: options.store_slow,
        session_min_ttl: options.session_min_ttl,
    }
}

/// Which roads the sockets take; both asked for is a contradiction.
fn roads(options: &CheckOptions) -> Result<Roads, AppError> {
    Ok(match (options.connection.http1_only, options.connection.http2) {
        (true, true) => {
            return Err(AppError::usage(
                "--http2",
                "--http1-only and --http2 ask for different roads; keep one (a variable or the config file may have set the other)",
            ))
        }
        (true, false) => Roads::Http1Only,
        (false, true) => Roads::Http2,
        (false, false) => Roads::Browser,
    })
}

/// A required check the selection leaves out could never run: a contradiction, not a gap.
fn requirements_can_be_met(settings: &Settings) -> Result<(), AppError> {
    let planned = Plan::for_settings(settings).ids();
    for id in &settings.gates.require {
        if !planned.contains(id) {
            let why = if *id == CheckId::Browser && settings.browser.is_none() {
                "the browser check runs only with --browser".to_string()
            } else {
                "--only/--skip leave it out".to_string()
            };
            return Err(AppError::usage(
                "--require",
                format!("--require {id} cannot be met: {why}"),
            ));
        }
    }
    Ok(())
}

/// The names a Chromium answers to on `PATH`, in the order they are tried.
pub(crate) const BROWSER_NAMES: [&str; 5] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// The browser to run: `--browser-path` (a path, or a name looked up on `path`), else the first
/// Chromium on `path`. None is a usage error that says what to install: wsdoctor never downloads
/// a browser.
fn find_browser(
    explicit: Option<&std::path::Path>,
    path: Option<std::ffi::OsString>,
) -> Result<PathBuf, AppError> {
    if !cfg!(feature = "browser") {
        return Err(AppError::usage(
            "--browser",
            "this wsdoctor was built without the browser feature (cargo install --features browser)",
        ));
    }
    let on_path = |name: &std::ffi::OsStr| {
        std::env::split_paths(path.as_deref()?)
            .map(|dir| dir.join(name))
            .find(|candidate| is_executable(candidate))
    };
    if let Some(explicit) = explicit {
        let found = if explicit.components().count() > 1 {
            is_executable(explicit).then(|| explicit.to_path_buf())
        } else {
            on_path(explicit.as_os_str())
        };
        return found.ok_or_else(|| {
            AppError::usage(
                "--browser-path",
                format!(
                    "{} is not an executable file (nor a program on PATH)",
                    explicit.display()
                ),
            )
        });
    }
    BROWSER_NAMES
        .iter()
        .find_map(|name| on_path(std::ffi::OsStr::new(name)))
        .ok_or_else(|| {
            AppError::usage(
                "--browser",
                format!(
                    "no Chromium on PATH (looked for {}); install one (Debian/Ubuntu: apt-get install chromium; Fedora: dnf install chromium; Alpine: apk add chromium; macOS: brew install --cask chromium) or name it with --browser-path",
                    BROWSER_NAMES.join(", ")
                ),
            )
        })
}

/// Whether `path` is a file this user may run.
fn is_executable(path: &std::path::Path) -> bool {
    let Ok(metadata) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        metadata.is_file() && metadata.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        metadata.is_file()
    }
}

/// The session store to check: `--redis-url`, else `WSDOCTOR_REDIS_URL` (clap reads both into
/// one option), else `REDIS_URL`. An error names where the bad URL came from, never its secret.
fn store(options: &CheckOptions, env: &Env) -> Result<Option<StoreSettings>, AppError> {
    let (text, source) = match (&options.redis_url, &env.redis_url) {
        (Some(text), _) if !text.trim().is_empty() => {
            let source = if env.redis_url_typed {
                "--redis-url"
            } else {
                "WSDOCTOR_REDIS_URL"
            };
            (text.clone(), source)
        }
        (_, Some(text)) => (text.clone(), "REDIS_URL"),
        _ => {
            if options.session_key.is_some() {
                return Err(AppError::usage(
                    "--session-key",
                    "names a key in the session store, but no store is given: add --redis-url (or set REDIS_URL)",
                ));
            }
            return Ok(None);
        }
    };
    let url = StoreUrl::parse(&text).map_err(|e| match source {
        "--redis-url" => AppError::from(e),
        variable => AppError::usage(variable, e.message),
    })?;
    Ok(Some(StoreSettings {
        url,
        source: source.to_string(),
        key_template: options.session_key.clone().filter(|t| !t.is_empty()),
    }))
}

fn check_ids(argument: &str, ids: &[String]) -> Result<Vec<CheckId>, AppError> {
    ids.iter()
        .filter(|id| !id.trim().is_empty())
        .map(|id| {
            id.trim().parse::<CheckId>().map_err(|_| {
                let wanted = id.trim().to_ascii_lowercase();
                let nearest = CheckId::ALL
                    .iter()
                    .map(|c| (strsim::jaro_winkler(&wanted, c.as_str()), c.as_str()))
                    .filter(|(score, _)| *score > 0.8)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, near)| format!(" (did you mean {near}?)"))
                    .unwrap_or_default();
                AppError::usage(
                    argument,
                    format!(
                        "unknown check {id:?}{nearest}; checks are {}",
                        CheckId::ALL
                            .iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
        })
        .collect()
}

/// Cause names (`explain` lists them), case-insensitive, `-` for `_`; an unknown one is a usage
/// error with the nearest name, since a typo would silently accept nothing.
fn causes(argument: &str, names: &[String]) -> Result<Vec<Cause>, AppError> {
    names
        .iter()
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
        .map(|name| {
            let wanted = name.to_ascii_lowercase().replace('-', "_");
            wanted.parse::<Cause>().map_err(|_| {
                let nearest = ALL_CAUSES
                    .iter()
                    .map(|c| (strsim::jaro_winkler(&wanted, c.as_str()), c.as_str()))
                    .filter(|(score, _)| *score > 0.8)
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                let suggestion = match nearest {
                    Some((_, near)) => format!("; did you mean {near}?"),
                    None => String::new(),
                };
                AppError::usage(
                    argument,
                    format!("unknown cause {name:?}{suggestion} (`wsdoctor explain` lists the causes under their codes)"),
                )
            })
        })
        .collect()
}

/// The most read of a PEM file: a CA bundle of every public root is about 250 KiB.
const MAX_PEM_BYTES: u64 = 4 * 1024 * 1024;

/// A PEM file given with `flag`, read to at most [`MAX_PEM_BYTES`]: `--cacert /dev/zero` must not
/// eat the memory. Not only regular files: `--cacert <(vault read …)` is a FIFO, and fine.
fn read_pem(flag: &str, path: &std::path::Path) -> Result<Vec<u8>, AppError> {
    use std::io::Read;
    let unreadable =
        |e: std::io::Error| AppError::usage(flag, format!("cannot read {}: {e}", path.display()));
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_PEM_BYTES + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_PEM_BYTES {
        return Err(AppError::usage(
            flag,
            format!(
                "{} is larger than {} MiB, the most read of a PEM file",
                path.display(),
                MAX_PEM_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(bytes)
}

/// Whether this runs in CI: `CI` set to anything but a false boolean (`CI=false` and `CI=0` are not
/// CI; `CI=true`, `CI=1`, `CI=woodpecker` are).
pub(crate) fn in_ci() -> bool {
    ci_value_means_ci(std::env::var("CI").ok().as_deref())
}

fn ci_value_means_ci(value: Option<&str>) -> bool {
    match value {
        Some(value) if !value.trim().is_empty() => parse_bool(value) != Some(false),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_as_people_write_them() {
        for yes in ["1", "true", "TRUE", "Yes", "on", "ON"] {
            assert_eq!(parse_bool(yes), Some(true), "{yes}");
        }
        for no in ["0", "false", "No", "OFF"] {
            assert_eq!(parse_bool(no), Some(false), "{no}");
        }
        assert_eq!(parse_bool("banana"), None);
    }

    #[test]
    fn ci_false_is_not_ci() {
        for ci in ["true", "1", "woodpecker", "yes"] {
            assert!(ci_value_means_ci(Some(ci)), "{ci}");
        }
        for not_ci in [None, Some(""), Some("false"), Some("0"), Some("no")] {
            assert!(!ci_value_means_ci(not_ci), "{not_ci:?}");
        }
    }
}
