//! `wsdoctor check`, and the options it shares with `watch`, `demo` and `serve`: the fleet and
//! the checklist.

use super::{parse_duration, ConnectionOptions, Offered, OutputOptions};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// `wsdoctor check`.
#[derive(Debug, Args)]
pub(crate) struct CheckCommand {
    /// The deployments: http(s) base URLs (full checklist) or ws(s) socket URLs (endpoint checks); several run as a fleet. Without any, the targets of the config file. A bare host (example.com, HOST:PORT) means https://, or http:// when that port answers plain HTTP, as a browser's HTTPS-first mode falls back; the first line says which.
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

/// Which targets run, from where, how many at once.
#[derive(Debug, Clone, Args)]
pub(crate) struct FleetOptions {
    /// The config file [default: ./wsdoctor.toml when it exists].
    #[arg(long, value_name = "FILE", env = "WSDOCTOR_CONFIG", value_hint = clap::ValueHint::FilePath, help_heading = "Fleet")]
    pub(crate) config: Option<PathBuf>,
    /// Read no config file, not even ./wsdoctor.toml: the command line and the environment only.
    #[arg(long, env = "WSDOCTOR_NO_CONFIG", help_heading = "Fleet")]
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

/// What fails a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    /// Only failures (warnings exit 0).
    Fail,
    /// Warnings too.
    Warn,
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
    /// The request and the connection, as `ping` shares them.
    #[command(flatten)]
    pub(crate) connection: ConnectionOptions,
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
    /// Connect to every resolved address (not just the first that answers), to find a bad node.
    #[arg(long, env = "WSDOCTOR_ALL_ADDRESSES", help_heading = "Network")]
    pub(crate) all_addresses: bool,
    /// Warn when the certificate has fewer days left than this (or, for a certificate that lives shorter, less than a third of its lifetime).
    #[arg(long, value_name = "DAYS", default_value_t = 14, value_parser = clap::value_parser!(u32).range(0..=3650), env = "WSDOCTOR_CERT_WARN_DAYS", help_heading = "Network")]
    pub(crate) cert_warn_days: u32,

    /// Also run the page, /health and the sockets in a headless Chromium on the frontend origin, and put what the browser saw beside the command line's verdict (the browser check).
    #[arg(long, env = "WSDOCTOR_BROWSER", help_heading = "Browser")]
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
