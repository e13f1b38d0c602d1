//! How the report is shown: `--format`, `--output`, colour, verbosity, the trace.

use clap::{Args, ValueEnum};
use std::path::PathBuf;

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
    /// Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given).
    #[arg(
        long,
        env = "WSDOCTOR_QUIET",
        short = 'q',
        help_heading = "Output",
        conflicts_with = "verbose"
    )]
    pub(crate) quiet: bool,
    /// Print the connection log to stderr, as the web client's console does; twice (-vv) also traces the wire, as --trace.
    #[arg(long, env = "WSDOCTOR_VERBOSE", short = 'v', action = clap::ArgAction::Count, help_heading = "Output")]
    pub(crate) verbose: u8,
    /// Trace the wire on stderr, in order, timed from the start: DNS answers, connects, TLS (version, ALPN, SNI, the chain's subjects and dates), every request and response head, HTTP/2 frames, every WebSocket frame and the close; secrets redacted, server text escaped, bounded; `wire` events with --format ndjson.
    #[arg(long, env = "WSDOCTOR_TRACE", help_heading = "Output")]
    pub(crate) trace: bool,
    /// Write the trace to FILE as well as stderr (implies --trace).
    #[arg(
        long,
        value_name = "FILE",
        env = "WSDOCTOR_TRACE_FILE",
        help_heading = "Output"
    )]
    pub(crate) trace_file: Option<PathBuf>,
    /// Show session ids, tokens and credentials instead of redacting them.
    #[arg(long, env = "WSDOCTOR_SHOW_SECRETS", help_heading = "Output")]
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
