//! The command line, defined once: parsing, `--help`, completions and the man page all come from here.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A doctor for WebSocket deployments: walks the troubleshooting checklist against a live
/// deployment and names why a socket fails.
#[derive(Debug, Parser)]
#[command(name = "wsdoctor", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the checklist against a deployment (http(s) base URL or a ws(s) socket URL).
    Check(CheckCommand),
    /// Start the reference backend on loopback and check it: the zero-setup first run.
    Demo(DemoCommand),
    /// Repeat the checklist every interval: a line a run, a line whenever a check changes state.
    Watch(WatchCommand),
    /// Run the reference backend (with an optional fault) for reproductions and tests.
    Lab(LabCommand),
    /// Explain a failure code: what it means, how it looks on the wire, what to do.
    Explain(ExplainCommand),
    /// Print shell completions for SHELL to stdout.
    Completions {
        /// The shell to generate for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout.
    Man,
}

/// `wsdoctor check`.
#[derive(Debug, Args)]
pub struct CheckCommand {
    /// The deployment: an http(s) base URL (full checklist) or a ws(s) socket URL (endpoint checks).
    #[arg(value_name = "TARGET", env = "WSDOCTOR_TARGET")]
    pub target: String,
    /// The checklist options.
    #[command(flatten)]
    pub options: CheckOptions,
}

/// `wsdoctor watch`.
#[derive(Debug, Args)]
pub struct WatchCommand {
    /// The deployment, as for `check`.
    #[arg(value_name = "TARGET", env = "WSDOCTOR_TARGET")]
    pub target: String,
    /// Time between the starts of two runs.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration, env = "WSDOCTOR_INTERVAL")]
    pub interval: Duration,
    /// Stop after this many runs (default: until Ctrl-C).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: Option<u32>,
    /// The checklist options (--format human or ndjson).
    #[command(flatten)]
    pub options: CheckOptions,
}

/// `wsdoctor demo`.
#[derive(Debug, Args)]
pub struct DemoCommand {
    /// Make the embedded backend misbehave this way (see `wsdoctor lab --list-faults`).
    #[arg(long, value_name = "NAME")]
    pub fault: Option<String>,
    /// Serve the embedded backend over TLS with a certificate from a throwaway CA.
    #[arg(long)]
    pub tls: bool,
    /// The checklist options.
    #[command(flatten)]
    pub options: CheckOptions,
}

/// `wsdoctor lab`.
#[derive(Debug, Args)]
pub struct LabCommand {
    /// Make the backend misbehave this way (see --list-faults).
    #[arg(long, value_name = "NAME")]
    pub fault: Option<String>,
    /// The address to listen on; loopback by default.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Serve https/wss with a certificate from a throwaway CA.
    #[arg(long)]
    pub tls: bool,
    /// Write the throwaway CA's certificate (PEM) here, for `check --cacert`.
    #[arg(long, value_name = "FILE")]
    pub ca_out: Option<PathBuf>,
    /// A valid session id (repeatable); `POST /api/sessions` creates more.
    #[arg(long = "session", value_name = "ID", default_value = "demo-session")]
    pub sessions: Vec<String>,
    /// An origin allowed by CORS and the Origin check (repeatable).
    #[arg(
        long = "allow-origin",
        value_name = "ORIGIN",
        default_value = "http://localhost:3000"
    )]
    pub allowed_origins: Vec<String>,
    /// Interval of the server's WebSocket pings on open sockets.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub ping_interval: Duration,
    /// Also run an HTTP CONNECT proxy on this address (loopback targets only), for proxied runs.
    #[arg(long, value_name = "ADDR")]
    pub connect_proxy: Option<SocketAddr>,
    /// Credentials the proxy requires, as USER:PASSWORD.
    #[arg(long, value_name = "USER:PASSWORD", requires = "connect_proxy")]
    pub proxy_credentials: Option<String>,
    /// List the faults, one line each, and exit.
    #[arg(long)]
    pub list_faults: bool,
}

/// `wsdoctor explain`.
#[derive(Debug, Args)]
pub struct ExplainCommand {
    /// The failure code (e.g. SESSION_INVALID); without it, the list of codes.
    #[arg(value_name = "CODE")]
    pub code: Option<String>,
    /// Print the table of codes as Markdown (the README's table).
    #[arg(long)]
    pub markdown: bool,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A checklist for people, with timings, evidence and hints.
    Human,
    /// One JSON document (schema wsdoctor.report.v1).
    Json,
    /// One JSON event a line as the run progresses, ending with the report.
    Ndjson,
    /// JUnit XML: a testsuite per target, a testcase per check.
    Junit,
}

/// When to colour the human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when the output is a terminal and neither NO_COLOR nor CI is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Every option of the checklist, shared by `check` and `demo`.
#[derive(Debug, Clone, Args)]
pub struct CheckOptions {
    /// Session id for the session and terminal checks (redacted in output).
    #[arg(
        long,
        value_name = "ID",
        env = "WSDOCTOR_SESSION",
        help_heading = "Checklist"
    )]
    pub session: Option<String>,
    /// The frontend's origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL].
    #[arg(
        long,
        value_name = "URL",
        env = "WSDOCTOR_ORIGIN",
        help_heading = "Checklist"
    )]
    pub origin: Option<String>,
    /// An extra request header 'Name: value' (repeatable; in WSDOCTOR_HEADER, one per line).
    #[arg(
        long = "header",
        short = 'H',
        value_name = "NAME: VALUE",
        env = "WSDOCTOR_HEADER",
        value_delimiter = '\n',
        help_heading = "Checklist"
    )]
    pub headers: Vec<String>,
    /// A message to send on the terminal socket once it is open.
    #[arg(
        long,
        value_name = "TEXT",
        env = "WSDOCTOR_SEND",
        help_heading = "Checklist"
    )]
    pub send: Option<String>,
    /// A regular expression a terminal message must match (after --send) for the check to pass.
    #[arg(
        long,
        value_name = "REGEX",
        env = "WSDOCTOR_EXPECT",
        help_heading = "Checklist"
    )]
    pub expect: Option<String>,
    /// Echo round trips on one socket, for latency statistics (min/median/p90/p99/max, loss, jitter).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1_000_000), env = "WSDOCTOR_COUNT", help_heading = "Checklist")]
    pub count: u32,
    /// After the echo works, hold sockets open this long to find idle and lifetime cuts (the hold check).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, env = "WSDOCTOR_HOLD", help_heading = "Checklist")]
    pub hold: Option<Duration>,
    /// Interval of the pinging and messaging sockets during --hold.
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = parse_duration, env = "WSDOCTOR_PING_INTERVAL", help_heading = "Checklist")]
    pub ping_interval: Duration,
    /// Run only these checks (comma-separated ids, e.g. health,echo).
    #[arg(
        long,
        value_name = "IDS",
        value_delimiter = ',',
        env = "WSDOCTOR_ONLY",
        help_heading = "Checklist"
    )]
    pub only: Vec<String>,
    /// Skip these checks (comma-separated ids).
    #[arg(
        long,
        value_name = "IDS",
        value_delimiter = ',',
        env = "WSDOCTOR_SKIP",
        help_heading = "Checklist"
    )]
    pub skip: Vec<String>,

    /// Health endpoint path.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/health",
        env = "WSDOCTOR_HEALTH_PATH",
        help_heading = "Paths"
    )]
    pub health_path: String,
    /// Diagnostics endpoint path.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/api/diagnostics/websocket",
        env = "WSDOCTOR_DIAGNOSTICS_PATH",
        help_heading = "Paths"
    )]
    pub diagnostics_path: String,
    /// WebSocket echo endpoint path.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/ws-test",
        env = "WSDOCTOR_ECHO_PATH",
        help_heading = "Paths"
    )]
    pub echo_path: String,
    /// Terminal socket path template; {session} is replaced by the session id [default: from /health's endpoints, else /terminal/{session}].
    #[arg(
        long,
        value_name = "TEMPLATE",
        env = "WSDOCTOR_TERMINAL_PATH",
        help_heading = "Paths"
    )]
    pub terminal_path: Option<String>,
    /// Session validation path template, e.g. /api/sessions/{session} [default: from /health's endpoints].
    #[arg(
        long,
        value_name = "TEMPLATE",
        env = "WSDOCTOR_SESSION_PATH",
        help_heading = "Paths"
    )]
    pub session_path: Option<String>,

    /// Client timeout per WebSocket attempt, as the web client's 25 s.
    #[arg(long, value_name = "DURATION", default_value = "25s", value_parser = parse_duration, env = "WSDOCTOR_TIMEOUT", help_heading = "Network")]
    pub timeout: Duration,
    /// Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration, env = "WSDOCTOR_CONNECT_TIMEOUT", help_heading = "Network")]
    pub connect_timeout: Duration,
    /// WebSocket attempts before giving up (1 = no retry), as the web client's 5.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100), env = "WSDOCTOR_ATTEMPTS", help_heading = "Network")]
    pub attempts: u32,
    /// First retry delay; it doubles each attempt (capped at 8 s) with jitter.
    #[arg(long, value_name = "DURATION", default_value = "250ms", value_parser = parse_duration, env = "WSDOCTOR_RETRY_DELAY", help_heading = "Network")]
    pub retry_delay: Duration,
    /// How long an open terminal socket must stay open when the server sends nothing.
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = parse_duration, env = "WSDOCTOR_SETTLE", help_heading = "Network")]
    pub settle: Duration,
    /// Bound on the whole run; checks still running then fail with a timeout [default: 5m, plus --hold].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, env = "WSDOCTOR_DEADLINE", help_heading = "Network")]
    pub deadline: Option<Duration>,
    /// Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable).
    #[arg(
        long,
        value_name = "HOST:PORT:ADDR[,ADDR]",
        env = "WSDOCTOR_RESOLVE",
        value_delimiter = ' ',
        help_heading = "Network"
    )]
    pub resolve: Vec<String>,
    /// Connect to every resolved address (not just the first that answers), to find a bad node.
    #[arg(long, env = "WSDOCTOR_ALL_ADDRESSES", help_heading = "Network")]
    pub all_addresses: bool,
    /// HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY].
    #[arg(
        long,
        value_name = "URL",
        env = "WSDOCTOR_PROXY",
        help_heading = "Network"
    )]
    pub proxy: Option<String>,
    /// Connect directly even when a proxy variable is set.
    #[arg(
        long,
        env = "WSDOCTOR_NO_PROXY",
        help_heading = "Network",
        conflicts_with = "proxy"
    )]
    pub no_proxy: bool,
    /// Trust the CA certificates in this PEM file too.
    #[arg(
        long,
        value_name = "FILE",
        env = "WSDOCTOR_CACERT",
        help_heading = "Network"
    )]
    pub cacert: Option<PathBuf>,
    /// Do not verify TLS certificates (the report says so, loudly).
    #[arg(long, env = "WSDOCTOR_INSECURE", help_heading = "Network")]
    pub insecure: bool,

    /// Output format.
    #[arg(
        long,
        value_enum,
        default_value = "human",
        env = "WSDOCTOR_FORMAT",
        help_heading = "Output"
    )]
    pub format: Format,
    /// Write the chosen format to FILE; the terminal still shows the human view.
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        env = "WSDOCTOR_OUTPUT",
        help_heading = "Output"
    )]
    pub output: Option<PathBuf>,
    /// When to use colour (NO_COLOR and CI turn it off in auto).
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        env = "WSDOCTOR_COLOR",
        help_heading = "Output"
    )]
    pub color: ColorChoice,
    /// Print nothing but one verdict line (the exit status tells the rest).
    #[arg(
        long,
        short = 'q',
        env = "WSDOCTOR_QUIET",
        help_heading = "Output",
        conflicts_with = "verbose"
    )]
    pub quiet: bool,
    /// Print the connection log to stderr, as the web client's console does.
    #[arg(long, short = 'v', env = "WSDOCTOR_VERBOSE", help_heading = "Output")]
    pub verbose: bool,
    /// Show session ids, tokens and credentials instead of redacting them.
    #[arg(long, env = "WSDOCTOR_SHOW_SECRETS", help_heading = "Output")]
    pub show_secrets: bool,
}

/// Parses a humantime duration (`25s`, `1m30s`, `250ms`).
fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|e| format!("{e} (expected e.g. 25s, 1m30s, 250ms)"))
}

/// The clap command, for completions and the man page.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}
