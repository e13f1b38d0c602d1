//! The examples every `--help` ends with and every man page lists, in one place. The test suite
//! runs each of them (`--dry-run` where it names a deployment that is not on this machine), so
//! an example cannot drift from the program.

/// One example: what it is for, and the command line.
pub(crate) struct Example {
    /// What it does, in a few words.
    pub(crate) what: &'static str,
    /// The command line, starting with `wsdoctor`.
    pub(crate) command: &'static str,
}

/// The subcommands with examples in their `--help` and a man page of their own.
pub(crate) const SUBCOMMANDS: &[&str] = &[
    "check", "watch", "demo", "lab", "explain", "config", "serve", "ping",
];

const fn ex(what: &'static str, command: &'static str) -> Example {
    Example { what, command }
}

const TOP_EXAMPLES: &[Example] = &[
    ex("Try it on the embedded reference backend", "wsdoctor demo"),
    ex(
        "Diagnose a deployment, terminal session included",
        "wsdoctor check https://app.example.com --session abc123",
    ),
    ex("What a browser's 1006 can mean", "wsdoctor explain 1006"),
];

const CHECK_EXAMPLES: &[Example] = &[
    ex(
        "The whole checklist, terminal session included",
        "wsdoctor check https://app.example.com --session abc123",
    ),
    ex(
        "Only the endpoint checks of a socket URL",
        "wsdoctor check wss://app.example.com/ws-test",
    ),
    ex(
        "In CI: a JUnit report and an exit status",
        "wsdoctor check https://app.example.com --format junit -o wsdoctor.xml",
    ),
    ex(
        "Hunt an idle timeout: hold sockets open for 5 minutes",
        "wsdoctor check https://app.example.com --hold 5m",
    ),
    ex(
        "A private CA behind a proxy",
        "wsdoctor check https://staging.internal --cacert ca.pem --proxy http://proxy:3128",
    ),
    ex(
        "A name pinned to one address",
        "wsdoctor check https://app.example.com --resolve app.example.com:443:10.0.0.5",
    ),
    ex(
        "Mutual TLS, IPv4 only",
        "wsdoctor check https://api.internal --cert client.pem --key client.key -4",
    ),
    ex(
        "See the plan without sending anything",
        "wsdoctor check https://app.example.com --session abc123 --dry-run",
    ),
    ex(
        "Behind SESSION_INVALID: the session store and the session's key",
        "wsdoctor check https://app.example.com --session abc123 --redis-url redis://cache:6379",
    ),
    ex(
        "Only the HTTP/2 road a browser holding an HTTP/2 connection takes",
        "wsdoctor check https://app.example.com --http2",
    ),
    ex(
        "Every target of wsdoctor.toml, 32 at a time, a Markdown summary",
        "wsdoctor check --config wsdoctor.toml --parallel 32 --format markdown",
    ),
];

const WATCH_EXAMPLES: &[Example] = &[
    ex(
        "Every minute until Ctrl-C",
        "wsdoctor watch https://app.example.com --interval 1m",
    ),
    ex(
        "Ten runs as NDJSON, for a log",
        "wsdoctor watch https://app.example.com --runs 10 --format ndjson",
    ),
];

const DEMO_EXAMPLES: &[Example] = &[
    ex("A healthy deployment", "wsdoctor demo"),
    ex(
        "App Runner's edge refusing the upgrade",
        "wsdoctor demo --fault app-runner",
    ),
    ex(
        "A proxy's idle timeout, found by holding sockets open",
        "wsdoctor demo --fault idle-cut:2s --hold 4s --only hold",
    ),
];

const LAB_EXAMPLES: &[Example] = &[
    ex(
        "The faults the lab reproduces",
        "wsdoctor lab --list-faults",
    ),
    ex(
        "A backend behind a failing proxy, for your own client",
        "wsdoctor lab --fault proxy-502 --listen 127.0.0.1:8080",
    ),
    ex(
        "TLS with a CA file to trust",
        "wsdoctor lab --tls --ca-out ca.pem",
    ),
];

const EXPLAIN_EXAMPLES: &[Example] = &[
    ex("Every code, close code and tag", "wsdoctor explain"),
    ex("What a browser's 1006 can mean", "wsdoctor explain 1006"),
    ex(
        "A cause, for a script",
        "wsdoctor explain tcp_refused --format json",
    ),
];

const CONFIG_EXAMPLES: &[Example] = &[
    ex(
        "Validate the file before a deploy uses it",
        "wsdoctor config check --config wsdoctor.toml",
    ),
    ex("Its JSON Schema, for editors", "wsdoctor config schema"),
];

const SERVE_EXAMPLES: &[Example] = &[
    ex(
        "Probes for Prometheus on 127.0.0.1:9716",
        "wsdoctor serve --config wsdoctor.toml",
    ),
    ex(
        "On every interface, a JSON log line per probe",
        "wsdoctor serve --config wsdoctor.toml --listen 0.0.0.0:9716 --listen-public --log-format json",
    ),
    ex(
        "Read the config again without a restart (or send SIGHUP)",
        "curl -X POST http://127.0.0.1:9716/-/reload",
    ),
];

const PING_EXAMPLES: &[Example] = &[
    ex(
        "Watch a socket: a ping frame a second until Ctrl-C",
        "wsdoctor ping wss://app.example.com/ws-test",
    ),
    ex(
        "100 round trips back to back, as one JSON document",
        "wsdoctor ping wss://app.example.com/ws-test --count 100 --interval 0s --format json",
    ),
    ex(
        "Echo messages on a deployment's echo path (the platform's envelope or a plain echo)",
        "wsdoctor ping https://app.example.com --echo --count 20",
    ),
    ex(
        "In CI: a minute of samples, failing above 1% loss",
        "wsdoctor ping wss://app.example.com/ws-test --count 60 --max-loss 1 --quiet",
    ),
];

/// The examples of a subcommand (`""` for the top level).
pub(crate) fn of(subcommand: &str) -> &'static [Example] {
    match subcommand {
        "" => TOP_EXAMPLES,
        "check" => CHECK_EXAMPLES,
        "watch" => WATCH_EXAMPLES,
        "demo" => DEMO_EXAMPLES,
        "lab" => LAB_EXAMPLES,
        "explain" => EXPLAIN_EXAMPLES,
        "config" => CONFIG_EXAMPLES,
        "serve" => SERVE_EXAMPLES,
        "ping" => PING_EXAMPLES,
        _ => &[],
    }
}

/// The EXAMPLES section of `--help`.
pub(crate) fn help_section(subcommand: &str) -> String {
    let mut out = String::from("Examples:\n");
    for example in of(subcommand) {
        out.push_str(&format!("  # {}\n  {}\n\n", example.what, example.command));
    }
    out.trim_end().to_string()
}
