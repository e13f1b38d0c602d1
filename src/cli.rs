//! The command line, defined once: parsing, `--help`, completions and the man page all come from here.

use clap::{Args, Parser, Subcommand, ValueEnum};
#[cfg(any(feature = "lab", feature = "serve"))]
use std::net::SocketAddr;
use std::path::PathBuf;
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
    Ping(crate::cli_ping::PingCommand),
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
        /// The subcommand whose page to print (check, watch, demo, lab, explain).
        #[arg(value_name = "SUBCOMMAND")]
        subcommand: Option<String>,
    },
}

/// `wsdoctor check`.
#[derive(Debug, Args)]
pub(crate) struct CheckCommand {
    /// The deployments: http(s) base URLs (full checklist) or ws(s) socket URLs (endpoint checks); several run as a fleet. Without any, the targets of the config file.
    #[arg(value_name = "TARGET", env = "WSDOCTOR_TARGET")]
    pub(crate) targets: Vec<String>,
    /// The fleet: config file, target names, concurrency.
    #[command(flatten)]
    pub(crate) fleet: FleetOptions,
    /// The checklist options.
    #[command(flatten)]
    pub(crate) options: CheckOptions,
    /// How the report is shown.
    #[command(flatten)]
    pub(crate) output: OutputOptions,
}

/// `wsdoctor watch`.
#[derive(Debug, Args)]
pub(crate) struct WatchCommand {
    /// The deployments, as for `check`.
    #[arg(value_name = "TARGET", env = "WSDOCTOR_TARGET")]
    pub(crate) targets: Vec<String>,
    /// The fleet: config file, target names, concurrency.
    #[command(flatten)]
    pub(crate) fleet: FleetOptions,
    /// Time between the starts of two runs.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration, env = "WSDOCTOR_INTERVAL")]
    pub(crate) interval: Duration,
    /// Stop after this many runs (default: until Ctrl-C).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) runs: Option<u32>,
    /// The checklist options (--format human or ndjson).
    #[command(flatten)]
    pub(crate) options: CheckOptions,
    /// How the report is shown.
    #[command(flatten)]
    pub(crate) output: OutputOptions,
}

/// `wsdoctor serve`.
#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub(crate) struct ServeCommand {
    /// The address to serve on.
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1:9716",
        env = "WSDOCTOR_LISTEN"
    )]
    pub(crate) listen: SocketAddr,
    /// Allow a --listen address that is not loopback (the probes then answer the network).
    #[arg(long)]
    pub(crate) listen_public: bool,
    /// The config file with the targets, modules and allowed URL patterns [default: ./wsdoctor.toml].
    #[arg(long, value_name = "FILE", env = "WSDOCTOR_CONFIG", value_hint = clap::ValueHint::FilePath)]
    pub(crate) config: Option<PathBuf>,
    /// Probe any URL a request names, not only the file's targets and allowed patterns. This turns the exporter into a request-forgery tool for anyone who can reach it (on public addresses only, unless the file's [serve] deny_private = false); the log and the page say so.
    #[arg(long)]
    pub(crate) allow_any_target: bool,
    /// Probes at once; more get 503.
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub(crate) max_concurrent: u32,
    /// How long probes in flight may finish after SIGINT or SIGTERM.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub(crate) shutdown_grace: Duration,
    /// One log line per probe on stderr, as text or JSON.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
    /// Check the config and print what would be served, without listening.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

/// The exporter's log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogFormat {
    /// `key=value` words.
    Text,
    /// One JSON object a line.
    Json,
}

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

/// Which targets run, from where, how many at once.
#[derive(Debug, Clone, Args)]
pub(crate) struct FleetOptions {
    /// The config file [default: ./wsdoctor.toml when it exists].
    #[arg(long, value_name = "FILE", env = "WSDOCTOR_CONFIG", value_hint = clap::ValueHint::FilePath, help_heading = "Fleet")]
    pub(crate) config: Option<PathBuf>,
    /// Read no config file, not even ./wsdoctor.toml: the command line and the environment only [env: WSDOCTOR_NO_CONFIG].
    #[arg(long, help_heading = "Fleet")]
    pub(crate) no_config: bool,
    /// Run only these targets of the config file, by name (repeatable, or comma-separated).
    #[arg(
        long = "target",
        value_name = "NAME",
        value_delimiter = ',',
        help_heading = "Fleet"
    )]
    pub(crate) names: Vec<String>,
    /// How many targets are checked at once.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=4096), env = "WSDOCTOR_PARALLEL", help_heading = "Fleet")]
    pub(crate) parallel: u32,
}

/// `wsdoctor demo`.
#[cfg(feature = "lab")]
#[derive(Debug, Args)]
pub(crate) struct DemoCommand {
    /// Make the embedded backend misbehave this way (see `wsdoctor lab --list-faults`).
    #[arg(long, value_name = "NAME", value_parser = Offered(fault_names), hide_possible_values = true)]
    pub(crate) fault: Option<String>,
    /// Serve the embedded backend over TLS with a certificate from a throwaway CA, speaking HTTP/2 (with extended CONNECT) beside HTTP/1.1 as modern edges do.
    #[arg(long)]
    pub(crate) tls: bool,
    /// The checklist options.
    #[command(flatten)]
    pub(crate) options: CheckOptions,
    /// How the report is shown.
    #[command(flatten)]
    pub(crate) output: OutputOptions,
}

/// `wsdoctor lab`.
#[cfg(feature = "lab")]
#[derive(Debug, Args)]
pub(crate) struct LabCommand {
    /// Make the backend misbehave this way (see --list-faults).
    #[arg(long, value_name = "NAME", value_parser = Offered(fault_names), hide_possible_values = true)]
    pub(crate) fault: Option<String>,
    /// The address to listen on; loopback by default.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub(crate) listen: SocketAddr,
    /// Serve https/wss with a certificate from a throwaway CA.
    #[arg(long)]
    pub(crate) tls: bool,
    /// Serve HTTP/2 beside HTTP/1.1 (ALPN h2, http/1.1), with RFC 8441 extended CONNECT for WebSockets; implies --tls.
    #[arg(long)]
    pub(crate) http2: bool,
    /// Write the throwaway CA's certificate (PEM) here, for `check --cacert`.
    #[arg(long, value_name = "FILE")]
    pub(crate) ca_out: Option<PathBuf>,
    /// Under --fault tls-client-cert, write a client certificate and key the lab accepts (PEM), for `check --cert`.
    #[arg(long, value_name = "FILE")]
    pub(crate) client_cert_out: Option<PathBuf>,
    /// A valid session id (repeatable); `POST /api/sessions` creates more.
    #[arg(long = "session", value_name = "ID", default_value = wsdoctor_lab::DEFAULT_SESSION)]
    pub(crate) sessions: Vec<String>,
    /// An origin allowed by CORS and the Origin check (repeatable).
    #[arg(
        long = "allow-origin",
        value_name = "ORIGIN",
        default_value = wsdoctor_lab::DEFAULT_ORIGIN
    )]
    pub(crate) allowed_origins: Vec<String>,
    /// Interval of the server's WebSocket pings on open sockets.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub(crate) ping_interval: Duration,
    /// Keep sessions in this Redis (redis:// only) under session:{id}, as the platform does, instead of memory.
    #[arg(
        long,
        value_name = "URL",
        env = "WSDOCTOR_REDIS_URL",
        hide_env_values = true
    )]
    pub(crate) redis_url: Option<String>,
    /// With --redis-url: the TTL each session key gets.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_duration, requires = "redis_url")]
    pub(crate) session_ttl: Duration,
    /// Also run an HTTP CONNECT proxy on this address (loopback targets only), for proxied runs.
    #[arg(long, value_name = "ADDR")]
    pub(crate) connect_proxy: Option<SocketAddr>,
    /// Credentials the proxy requires, as USER:PASSWORD.
    #[arg(long, value_name = "USER:PASSWORD", requires = "connect_proxy")]
    pub(crate) proxy_credentials: Option<String>,
    /// List the faults, one line each, and exit.
    #[arg(long)]
    pub(crate) list_faults: bool,
    /// Print what would be served and exit without listening.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

/// `wsdoctor explain`.
#[derive(Debug, Args)]
pub(crate) struct ExplainCommand {
    /// A failure code (SESSION_INVALID), a cause (tcp_refused) or a close code (1006); without it, the list.
    #[arg(value_name = "TOPIC", value_parser = Offered(explain_topics), hide_possible_values = true)]
    pub(crate) topic: Option<String>,
    /// human or json.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Human)]
    pub(crate) format: ExplainFormat,
    /// Print the table of codes as Markdown (the README's table).
    #[arg(long, conflicts_with_all = ["topic", "format"])]
    pub(crate) markdown: bool,
}

/// What fails a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    /// Only failures (warnings exit 0).
    Fail,
    /// Warnings too.
    Warn,
}

/// What `explain` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExplainFormat {
    /// Text for people.
    Human,
    /// One JSON document.
    Json,
}

#[cfg(feature = "lab")]
fn fault_names() -> Vec<clap::builder::PossibleValue> {
    wsdoctor_lab::fault_catalog()
        .into_iter()
        .map(|fault| clap::builder::PossibleValue::new(fault.name).help(fault.summary))
        .collect()
}

fn check_ids() -> Vec<clap::builder::PossibleValue> {
    wsdoctor_core::model::CheckId::ALL
        .iter()
        .map(|id| clap::builder::PossibleValue::new(id.as_str()))
        .collect()
}

fn cause_names() -> Vec<clap::builder::PossibleValue> {
    wsdoctor_core::model::codes::ALL_CAUSES
        .iter()
        .map(|cause| clap::builder::PossibleValue::new(cause.as_str()))
        .collect()
}

fn explain_topics() -> Vec<clap::builder::PossibleValue> {
    crate::commands::explain::topic_names()
        .map(clap::builder::PossibleValue::new)
        .chain(
            crate::commands::explain::close_code_examples()
                .map(|m| clap::builder::PossibleValue::new(m.code.to_string()).help(m.name)),
        )
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

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// A checklist for people, with timings, evidence and hints.
    Human,
    /// One JSON document (schema wsdoctor.report.v1).
    Json,
    /// One JSON event a line as the run progresses, ending with the report.
    Ndjson,
    /// JUnit XML: a testsuite per target, a testcase per check.
    Junit,
    /// A Markdown summary: a table per run, for job summaries and pull requests.
    Markdown,
    /// GitHub Actions annotations (::error / ::warning) and the verdict line; the Markdown summary goes to $GITHUB_STEP_SUMMARY.
    Github,
    /// One self-contained HTML page to attach to a ticket: the verdict, the checklist with evidence and hints, the waterfall as SVG, the trace with --trace; no scripts, nothing fetched (one target).
    Html,
}

/// When to colour the human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// Colour when the output is a terminal and neither NO_COLOR nor CI is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Every option of the checklist, shared by `check` and `demo`.
#[derive(Debug, Clone, Args)]
pub(crate) struct CheckOptions {
    /// Make warnings fail the run too (exit 1; in JUnit the warned check is a failure).
    #[arg(long, value_name = "LEVEL", value_enum, default_value_t = FailOn::Fail, env = "WSDOCTOR_FAIL_ON", help_heading = "Gates")]
    pub(crate) fail_on: FailOn,
    /// Fail the tls check when the certificate has fewer days left than this.
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=3650), env = "WSDOCTOR_MIN_CERT_DAYS", help_heading = "Gates")]
    pub(crate) min_cert_days: Option<u32>,
    /// Fail the echo check when the round trip (the median with --count) is slower than this.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, env = "WSDOCTOR_MAX_ECHO_RTT", help_heading = "Gates")]
    pub(crate) max_echo_rtt: Option<Duration>,
    /// Fail the terminal check when its first message comes later than this after open.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, env = "WSDOCTOR_MAX_FIRST_MESSAGE", help_heading = "Gates")]
    pub(crate) max_first_message: Option<Duration>,
    /// Fail the echo and terminal checks when they needed more attempts than this.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000), env = "WSDOCTOR_MAX_ATTEMPTS", help_heading = "Gates")]
    pub(crate) max_attempts: Option<u32>,
    /// Accept warnings with these causes (comma-separated, repeatable): still reported, marked allowed, but --fail-on warn does not fail on them.
    #[arg(
        long,
        value_name = "CAUSES",
        value_delimiter = ',',
        env = "WSDOCTOR_ALLOW_WARNING",
        value_parser = Offered(cause_names),
        hide_possible_values = true,
        help_heading = "Gates"
    )]
    pub(crate) allow_warning: Vec<String>,
    /// Fail when one of these checks is not checked for want of an input (comma-separated ids, e.g. terminal: needs --session).
    #[arg(
        long,
        value_name = "IDS",
        value_delimiter = ',',
        env = "WSDOCTOR_REQUIRE",
        value_parser = Offered(check_ids),
        hide_possible_values = true,
        help_heading = "Gates"
    )]
    pub(crate) require: Vec<String>,
    /// Boolean options set by the config file, below their flags and variables in precedence.
    #[arg(skip)]
    pub(crate) file_flags: std::collections::BTreeMap<String, bool>,
    /// Print what the run would do (target, route, limits, the checks and their order) and exit without sending anything.
    #[arg(long, help_heading = "Checklist")]
    pub(crate) dry_run: bool,
    /// Session id for the session and terminal checks (redacted in output).
    #[arg(
        long,
        value_name = "ID",
        env = "WSDOCTOR_SESSION",
        help_heading = "Checklist"
    )]
    pub(crate) session: Option<String>,
    /// The frontend's origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL].
    #[arg(
        long,
        value_name = "URL",
        env = "WSDOCTOR_ORIGIN",
        help_heading = "Checklist"
    )]
    pub(crate) origin: Option<String>,
    /// An extra request header 'Name: value' (repeatable) [env: WSDOCTOR_HEADER, one header per line].
    #[arg(
        long = "header",
        short = 'H',
        value_name = "NAME: VALUE",
        help_heading = "Checklist"
    )]
    pub(crate) headers: Vec<String>,
    /// A subprotocol to offer in Sec-WebSocket-Protocol, as a browser's new WebSocket(url, protocols) does (repeatable, or comma-separated).
    #[arg(
        long = "subprotocol",
        value_name = "NAME",
        value_delimiter = ',',
        env = "WSDOCTOR_SUBPROTOCOL",
        help_heading = "Checklist"
    )]
    pub(crate) subprotocols: Vec<String>,
    /// A message to send on the terminal socket once it is open.
    #[arg(
        long,
        value_name = "TEXT",
        env = "WSDOCTOR_SEND",
        help_heading = "Checklist"
    )]
    pub(crate) send: Option<String>,
    /// A regular expression a terminal message must match (after --send) for the check to pass (regex syntax; \w, \d, \s and case folding are ASCII).
    #[arg(
        long,
        value_name = "REGEX",
        env = "WSDOCTOR_EXPECT",
        help_heading = "Checklist"
    )]
    pub(crate) expect: Option<String>,
    /// Echo round trips on one socket, for latency statistics (min/median/p90/p99/max, loss, jitter).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1_000_000), env = "WSDOCTOR_COUNT", help_heading = "Checklist")]
    pub(crate) count: u32,
    /// After the echo works, hold sockets open this long to find idle and lifetime cuts (the hold check).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, env = "WSDOCTOR_HOLD", help_heading = "Checklist")]
    pub(crate) hold: Option<Duration>,
    /// Interval of the pinging and messaging sockets during --hold.
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = parse_duration, env = "WSDOCTOR_PING_INTERVAL", help_heading = "Checklist")]
    pub(crate) ping_interval: Duration,
    /// Run only these checks (comma-separated ids, e.g. health,echo).
    #[arg(
        long,
        value_name = "IDS",
        value_delimiter = ',',
        env = "WSDOCTOR_ONLY",
        value_parser = Offered(check_ids),
        hide_possible_values = true,
        help_heading = "Checklist"
    )]
    pub(crate) only: Vec<String>,
    /// Skip these checks (comma-separated ids).
    #[arg(
        long,
        value_name = "IDS",
        value_delimiter = ',',
        env = "WSDOCTOR_SKIP",
        value_parser = Offered(check_ids),
        hide_possible_values = true,
        help_heading = "Checklist"
    )]
    pub(crate) skip: Vec<String>,

    /// Health endpoint path.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/health",
        env = "WSDOCTOR_HEALTH_PATH",
        help_heading = "Paths"
    )]
    pub(crate) health_path: String,
    /// Diagnostics endpoint path.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/api/diagnostics/websocket",
        env = "WSDOCTOR_DIAGNOSTICS_PATH",
        help_heading = "Paths"
    )]
    pub(crate) diagnostics_path: String,
    /// WebSocket echo endpoint path.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/ws-test",
        env = "WSDOCTOR_ECHO_PATH",
        help_heading = "Paths"
    )]
    pub(crate) echo_path: String,
    /// Terminal socket path template; {session} is replaced by the session id [default: from /health's endpoints, else /terminal/{session}].
    #[arg(
        long,
        value_name = "TEMPLATE",
        env = "WSDOCTOR_TERMINAL_PATH",
        help_heading = "Paths"
    )]
    pub(crate) terminal_path: Option<String>,
    /// Session validation path template, e.g. /api/sessions/{session} [default: from /health's endpoints].
    #[arg(
        long,
        value_name = "TEMPLATE",
        env = "WSDOCTOR_SESSION_PATH",
        help_heading = "Paths"
    )]
    pub(crate) session_path: Option<String>,

    /// Client timeout per WebSocket attempt, as the web client's 25 s.
    #[arg(long, value_name = "DURATION", default_value = "25s", value_parser = parse_duration, env = "WSDOCTOR_TIMEOUT", help_heading = "Network")]
    pub(crate) timeout: Duration,
    /// Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration, env = "WSDOCTOR_CONNECT_TIMEOUT", help_heading = "Network")]
    pub(crate) connect_timeout: Duration,
    /// WebSocket attempts before giving up (1 = no retry), as the web client's 5. Given, they run exactly as the web client makes them, one after another; by default a hang is not waited out again: one overlapping attempt tells a hang from an intermittent one, within one timeout.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100), env = "WSDOCTOR_ATTEMPTS", help_heading = "Network")]
    pub(crate) attempts: Option<u32>,
    /// First retry delay; it doubles each attempt (capped at 8 s) with jitter.
    #[arg(long, value_name = "DURATION", default_value = "250ms", value_parser = parse_duration, env = "WSDOCTOR_RETRY_DELAY", help_heading = "Network")]
    pub(crate) retry_delay: Duration,
    /// For servers that never greet: a terminal that stays open and silent this long passes (with a warning). Without it, the terminal must send a first message within --timeout, as the web client waits for one.
    #[arg(long, alias = "settle", value_name = "DURATION", value_parser = parse_duration, env = "WSDOCTOR_ACCEPT_SILENCE", help_heading = "Network")]
    pub(crate) accept_silence: Option<Duration>,
    /// How long a socket is watched after it did its job (greeted, echoed, matched --expect); a session that dies in this window fails.
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = parse_duration, env = "WSDOCTOR_OBSERVE", help_heading = "Network")]
    pub(crate) observe: Duration,
    /// Bound on the whole run; checks still running then fail with a timeout [default: 5m, plus --hold].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, env = "WSDOCTOR_DEADLINE", help_heading = "Network")]
    pub(crate) deadline: Option<Duration>,
    /// Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable).
    #[arg(
        long,
        value_name = "HOST:PORT:ADDR[,ADDR]",
        env = "WSDOCTOR_RESOLVE",
        value_delimiter = ' ',
        help_heading = "Network"
    )]
    pub(crate) resolve: Vec<String>,
    /// Connect to every resolved address (not just the first that answers), to find a bad node [env: WSDOCTOR_ALL_ADDRESSES].
    #[arg(long, help_heading = "Network")]
    pub(crate) all_addresses: bool,
    /// HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY].
    #[arg(
        long,
        value_name = "URL",
        env = "WSDOCTOR_PROXY",
        help_heading = "Network"
    )]
    pub(crate) proxy: Option<String>,
    /// Connect directly even when a proxy variable is set [env: WSDOCTOR_NO_PROXY].
    #[arg(long, help_heading = "Network", conflicts_with = "proxy")]
    pub(crate) no_proxy: bool,
    /// Warn when the certificate has fewer days left than this (or, for a certificate that lives shorter, less than a third of its lifetime).
    #[arg(long, value_name = "DAYS", default_value_t = 14, value_parser = clap::value_parser!(u32).range(0..=3650), env = "WSDOCTOR_CERT_WARN_DAYS", help_heading = "Network")]
    pub(crate) cert_warn_days: u32,
    /// Trust the CA certificates in this PEM file too.
    #[arg(
        long,
        value_name = "FILE",
        env = "WSDOCTOR_CACERT",
        help_heading = "Network"
    )]
    pub(crate) cacert: Option<PathBuf>,
    /// Client certificate chain for mutual TLS (PEM; may hold the key too).
    #[arg(long, value_name = "FILE", env = "WSDOCTOR_CERT", value_hint = clap::ValueHint::FilePath, help_heading = "Network")]
    pub(crate) cert: Option<PathBuf>,
    /// Private key for --cert (PEM: PKCS#8, PKCS#1 or SEC1) [default: the --cert file].
    #[arg(long, value_name = "FILE", env = "WSDOCTOR_KEY", requires = "cert", value_hint = clap::ValueHint::FilePath, help_heading = "Network")]
    pub(crate) key: Option<PathBuf>,
    /// Use IPv4 addresses only.
    #[arg(
        long = "ipv4",
        short = '4',
        conflicts_with = "ipv6",
        help_heading = "Network"
    )]
    pub(crate) ipv4: bool,
    /// Use IPv6 addresses only.
    #[arg(long = "ipv6", short = '6', help_heading = "Network")]
    pub(crate) ipv6: bool,
    /// Do not verify TLS certificates (the report says so, loudly) [env: WSDOCTOR_INSECURE].
    #[arg(long, help_heading = "Network")]
    pub(crate) insecure: bool,
    /// Only the HTTP/1.1 road, as a browser without an HTTP/2 connection to the origin: ALPN offers http/1.1 alone and no socket is opened over HTTP/2 [env: WSDOCTOR_HTTP1_ONLY].
    #[arg(long, help_heading = "Network", conflicts_with = "http2")]
    pub(crate) http1_only: bool,
    /// Require the HTTP/2 road (RFC 8441 extended CONNECT) for the echo and terminal sockets, as a browser holding an HTTP/2 connection takes it; a server that cannot carry them that way fails [env: WSDOCTOR_HTTP2].
    #[arg(long, help_heading = "Network")]
    pub(crate) http2: bool,

    /// Also run the page, /health and the sockets in a headless Chromium on the frontend origin, and put what the browser saw beside the command line's verdict (the browser check) [env: WSDOCTOR_BROWSER].
    #[arg(long, help_heading = "Browser")]
    pub(crate) browser: bool,
    /// The Chromium (or Chrome) to run for --browser: a path, or a name on PATH [default: the first of chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH].
    #[arg(long, value_name = "PATH", env = "WSDOCTOR_BROWSER_PATH", value_hint = clap::ValueHint::ExecutablePath, help_heading = "Browser")]
    pub(crate) browser_path: Option<PathBuf>,

    /// The session store to check, redis://[[user]:password@]host:6379/DB or rediss:// for TLS (--cacert applies); its credentials are redacted [default: $REDIS_URL].
    #[arg(
        long,
        value_name = "URL",
        env = "WSDOCTOR_REDIS_URL",
        hide_env_values = true,
        help_heading = "Session store"
    )]
    pub(crate) redis_url: Option<String>,
    /// The session's key in the store, with {session} for the id (e.g. 'session:{session}') [default: as the diagnostics endpoint advertises it].
    #[arg(
        long,
        value_name = "TEMPLATE",
        env = "WSDOCTOR_SESSION_KEY",
        help_heading = "Session store"
    )]
    pub(crate) session_key: Option<String>,
    /// PINGs the store check times (min/median/p99).
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000), env = "WSDOCTOR_STORE_PINGS", help_heading = "Session store")]
    pub(crate) store_pings: u32,
    /// A median PING above this warns that the store is slow (a failure when a session validation times out).
    #[arg(long, value_name = "DURATION", default_value = "200ms", value_parser = parse_duration, env = "WSDOCTOR_STORE_SLOW", help_heading = "Session store")]
    pub(crate) store_slow: Duration,
    /// The session's expected use: a key that expires sooner warns.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration, env = "WSDOCTOR_SESSION_MIN_TTL", help_heading = "Session store")]
    pub(crate) session_min_ttl: Duration,
}

/// How the report is shown, shared by `check`, `demo` and `watch`.
#[derive(Debug, Clone, Args)]
pub(crate) struct OutputOptions {
    /// Output format [default: human, or html when --output names a .html/.htm file].
    #[arg(long, value_enum, env = "WSDOCTOR_FORMAT", help_heading = "Output")]
    pub(crate) format: Option<Format>,
    /// Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output.
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        env = "WSDOCTOR_OUTPUT",
        help_heading = "Output"
    )]
    pub(crate) output: Option<PathBuf>,
    /// When to use colour (NO_COLOR and CI turn it off in auto).
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        env = "WSDOCTOR_COLOR",
        help_heading = "Output"
    )]
    pub(crate) color: ColorChoice,
    /// Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given) [env: WSDOCTOR_QUIET].
    #[arg(long, short = 'q', help_heading = "Output", conflicts_with = "verbose")]
    pub(crate) quiet: bool,
    /// Print the connection log to stderr, as the web client's console does; twice (-vv) also traces the wire, as --trace [env: WSDOCTOR_VERBOSE].
    #[arg(long, short = 'v', action = clap::ArgAction::Count, help_heading = "Output")]
    pub(crate) verbose: u8,
    /// Trace the wire on stderr, in order, timed from the start: DNS answers, connects, TLS (version, ALPN, SNI, the chain's subjects and dates), every request and response head, HTTP/2 frames, every WebSocket frame and the close; secrets redacted, server text escaped, bounded; `wire` events with --format ndjson [env: WSDOCTOR_TRACE].
    #[arg(long, help_heading = "Output")]
    pub(crate) trace: bool,
    /// Write the trace to FILE as well as stderr (implies --trace).
    #[arg(
        long,
        value_name = "FILE",
        env = "WSDOCTOR_TRACE_FILE",
        help_heading = "Output"
    )]
    pub(crate) trace_file: Option<PathBuf>,
    /// Show session ids, tokens and credentials instead of redacting them [env: WSDOCTOR_SHOW_SECRETS].
    #[arg(long, help_heading = "Output")]
    pub(crate) show_secrets: bool,
    /// Print FORMAT once per target after the run, as curl's -w: %{verdict} %{code} %{cause} %{check} %{target} %{time_total} %{time_dns} %{time_connect} %{time_tls} %{time_upgrade} %{time_first_message} (seconds; 0.000000 for a phase not timed) %{http_version} %{close_code} %{platform}; \n \t and %% escapes. With the human format it replaces the report on stdout; other formats print their document first.
    #[arg(
        long,
        short = 'w',
        value_name = "FORMAT",
        value_parser = crate::render::write_out::parse,
        help_heading = "Output"
    )]
    pub(crate) write_out: Option<crate::render::write_out::Template>,
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

/// The clap command, for parsing, completions and the man page alike: the derive, narrowed where
/// a subcommand accepts less than the shared options say (watch streams human or ndjson only).
pub(crate) fn command() -> clap::Command {
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
    command.mut_subcommand("watch", |watch| {
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
    })
}

/// Parses the process's arguments with [`command`].
pub(crate) fn parse() -> Result<Cli, clap::Error> {
    let matches = command().try_get_matches()?;
    <Cli as clap::FromArgMatches>::from_arg_matches(&matches)
}

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
