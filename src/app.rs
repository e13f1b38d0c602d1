//! The pipeline behind `main`: arguments → config → plan → run → report → renderers → exit status.
//! Printing happens here and in the renderers, never in the probes.

use crate::cli::{
    Cli, ColorChoice, Command, DemoCommand, ExplainCommand, Format, LabCommand, WatchCommand,
};
use crate::config::{Config, ConfigError, Environment};
use crate::diagnose::codes::{self, Code, ALL_CODES};
use crate::exit;
use crate::lab::{fault_catalog, ConnectProxy, Fault, Lab, LabOptions, ProxyOptions};
use crate::plan::Plan;
use crate::redact::Redactor;
use crate::render::{self, progress};
use crate::report::{Event, Report};
use crate::runner;
use clap::Parser;
use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use tokio::sync::mpsc;

/// The session the demo backend knows.
pub const DEMO_SESSION: &str = "demo-session";
/// The frontend origin the demo backend allows.
pub const DEMO_ORIGIN: &str = "http://localhost:3000";

/// Parses the process arguments and runs; returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::USAGE;
        }
    };
    let status = runtime.block_on(dispatch(cli));
    // Lingering connection tasks (a blackholed socket) must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    status
}

async fn dispatch(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(cmd) => {
            match Config::from_options(&cmd.target, &cmd.options, &Environment::from_process()) {
                Ok(config) => check(config).await,
                Err(e) => usage_error(&e),
            }
        }
        Command::Demo(cmd) => demo(cmd).await,
        Command::Watch(cmd) => watch(cmd).await,
        Command::Lab(cmd) => lab(cmd).await,
        Command::Explain(cmd) => explain(&cmd),
        Command::Completions { shell } => {
            write_stdout(&completion_text(shell));
            exit::OK
        }
        Command::Man => {
            write_stdout(&man_page());
            exit::OK
        }
    }
}

fn frontend_url() -> Option<String> {
    std::env::var("FRONTEND_URL").ok().filter(|v| !v.is_empty())
}

fn usage_error(e: &ConfigError) -> i32 {
    eprintln!("error: {}", crate::redact::mask_userinfo(&e.to_string()));
    exit::USAGE
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a message.
fn write_stdout(text: &str) -> bool {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => true,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => false,
        Err(e) => {
            eprintln!("error: writing to stdout: {e}");
            false
        }
    }
}

/// Whether to colour, from the choice, the terminal and the conventions (NO_COLOR, CI, TERM=dumb).
pub fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("CI").is_none()
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// Runs the checklist for a validated configuration and writes every output; returns the status.
pub async fn check(config: Config) -> i32 {
    // Find out now, not after a five-minute run, that the report cannot be written.
    if let Some(path) = &config.output.output {
        if let Err(e) = std::fs::File::create(path) {
            eprintln!(
                "error: invalid value for --output: cannot write {}: {e}",
                path.display()
            );
            return exit::USAGE;
        }
    }
    let config = Arc::new(config);
    let output = config.output.clone();
    let redactor = Redactor::new(config.secrets(), !output.show_secrets);
    let plan = Plan::for_config(&config);
    let stdout_tty = io::stdout().is_terminal();
    let color = use_color(output.color, stdout_tty);
    colored::control::set_override(color);
    let spinners = io::stderr().is_terminal()
        && std::env::var_os("CI").is_none()
        && !output.quiet
        && output.color != ColorChoice::Never;
    let stream_ndjson = output.format == Format::Ndjson && output.output.is_none();

    let (events, mut receiver) = mpsc::unbounded_channel::<Event>();
    let consumer_redactor = redactor.clone();
    let consumer = tokio::spawn(async move {
        let mut view = progress::Progress::new(
            progress::ProgressOptions {
                spinners,
                verbose: output.verbose,
            },
            consumer_redactor.clone(),
        );
        let mut ndjson_open = stream_ndjson;
        let mut recorded = Vec::new();
        while let Some(event) = receiver.recv().await {
            view.on_event(&event);
            if ndjson_open || output.format == Format::Ndjson {
                let mut value = serde_json::to_value(&event).unwrap_or_default();
                consumer_redactor.value(&mut value);
                let mut line = value.to_string();
                line.push('\n');
                if ndjson_open {
                    ndjson_open = write_stdout(&line);
                } else {
                    recorded.push(line);
                }
            }
        }
        view.finish();
        recorded
    });

    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let (report, interruption) = runner::run(config.clone(), plan, events, interrupt).await;
    let recorded = tokio::time::timeout(std::time::Duration::from_secs(1), consumer)
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let report = redactor.apply(&report);
    if !write_outputs(&config, &report, recorded, color) {
        // A CI job must not go green on a report that was never written.
        return exit::USAGE;
    }
    exit::status(&report, interruption)
}

/// Writes the report where it was asked for; false when `--output` could not be written.
fn write_outputs(
    config: &Config,
    report: &Report,
    ndjson_events: Vec<String>,
    color: bool,
) -> bool {
    let output = &config.output;
    let human = || {
        if output.quiet {
            format!("{}\n", render::human::verdict_line(report, color))
        } else {
            render::human::render(report, color)
        }
    };
    match &output.output {
        Some(path) => {
            let document = match output.format {
                Format::Ndjson => {
                    let mut text = ndjson_events.concat();
                    text.push_str(&render::ndjson::report_line(report));
                    text
                }
                other => render::document(other, report, false),
            };
            if let Err(e) = std::fs::write(path, document) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return false;
            }
            write_stdout(&human());
            true
        }
        None => {
            let text = match output.format {
                Format::Human => human(),
                other => render::document(other, report, color),
            };
            write_stdout(&text);
            true
        }
    }
}

/// `wsdoctor watch`: runs the checklist every interval until `--runs` or Ctrl-C.
async fn watch(cmd: WatchCommand) -> i32 {
    let config = match Config::from_options(&cmd.target, &cmd.options, &Environment::from_process())
    {
        Ok(c) => Arc::new(c),
        Err(e) => return usage_error(&e),
    };
    let format = config.output.format;
    if !matches!(format, Format::Human | Format::Ndjson) {
        eprintln!("error: invalid value for --format: watch writes human or ndjson");
        return exit::USAGE;
    }
    let color = use_color(config.output.color, io::stdout().is_terminal());
    colored::control::set_override(color);
    let redactor = Redactor::new(config.secrets(), !config.output.show_secrets);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = stop_tx.send(true);
        }
    });
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    // --output gets every line in the chosen format; the terminal keeps the human lines.
    let mut file = match &config.output.output {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Some(file),
            Err(e) => {
                eprintln!(
                    "error: invalid value for --output: cannot write {}: {e}",
                    path.display()
                );
                return exit::USAGE;
            }
        },
        None => None,
    };
    let quiet = config.output.quiet;
    let mut watcher = crate::watch::Watcher::default();
    let mut interrupted = false;
    let mut any_failed = false;
    loop {
        let started = tokio::time::Instant::now();
        let (events, _ignored) = mpsc::unbounded_channel();
        let plan = Plan::for_config(&config);
        let (report, interruption) =
            runner::run(config.clone(), plan, events, stopped(stop_rx.clone())).await;
        if interruption == Some(runner::Interruption::Signal) {
            interrupted = true;
            break;
        }
        let report = redactor.apply(&report);
        let run = watcher.observe(&report);
        any_failed |= report.verdict == crate::report::Verdict::Fail;
        let ndjson = || {
            let mut value = serde_json::json!({"type": "watch_run", "data": run});
            redactor.value(&mut value);
            format!("{value}\n")
        };
        if let Some(file) = file.as_mut() {
            let text = match format {
                Format::Ndjson => ndjson(),
                _ => render::watch::run_lines(&run, false),
            };
            if let Err(e) = file.write_all(text.as_bytes()) {
                eprintln!("error: writing --output: {e}");
                return exit::USAGE;
            }
        }
        let text = match (format, file.is_some()) {
            (Format::Ndjson, false) => ndjson(),
            _ => render::watch::run_lines(&run, color),
        };
        if !quiet && !write_stdout(&text) {
            break;
        }
        if cmd.runs.is_some_and(|n| run.run >= n) {
            break;
        }
        let next = started + cmd.interval;
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {}
            _ = stopped(stop_rx.clone()) => { interrupted = true; break; }
        }
    }
    let summary = watcher.summary(interrupted);
    let ndjson = format!(
        "{}\n",
        serde_json::json!({"type": "watch_summary", "data": summary})
    );
    if let Some(file) = file.as_mut() {
        let text = match format {
            Format::Ndjson => ndjson.clone(),
            _ => render::watch::summary_lines(&summary),
        };
        let _ = file.write_all(text.as_bytes());
    }
    let text = match (format, file.is_some()) {
        (Format::Ndjson, false) => ndjson,
        _ => render::watch::summary_lines(&summary),
    };
    write_stdout(&text);
    if interrupted {
        exit::INTERRUPTED
    } else if any_failed {
        exit::FAILED
    } else {
        exit::OK
    }
}

async fn demo(cmd: DemoCommand) -> i32 {
    let fault = match cmd.fault.as_deref().map(str::parse::<Fault>).transpose() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: invalid value for --fault: {e}");
            return exit::USAGE;
        }
    };
    let mut options = cmd.options.clone();
    options
        .session
        .get_or_insert_with(|| DEMO_SESSION.to_string());
    let origin = options
        .origin
        .clone()
        .or_else(frontend_url)
        .unwrap_or_else(|| DEMO_ORIGIN.to_string());
    // With origin-check the backend must dislike the demo's origin, or the fault would be invisible.
    let allowed_origins = if fault == Some(Fault::OriginCheck) {
        vec!["https://frontend.wsdoctor.invalid".to_string()]
    } else {
        vec![origin.clone()]
    };
    let lab = match Lab::start(LabOptions {
        fault: fault.clone(),
        tls: cmd.tls,
        allowed_origins,
        ..LabOptions::default()
    })
    .await
    {
        Ok(lab) => lab,
        Err(e) => {
            eprintln!("error: cannot start the reference backend: {e}");
            return exit::USAGE;
        }
    };
    // The demo talks to its own loopback backend: a proxy from the shell's environment would
    // only get in the way (an explicit --proxy is still honoured).
    let env = Environment {
        frontend_url: Some(origin),
        proxy_vars: Vec::new(),
    };
    let mut config = match Config::from_options(&lab.base_url(), &options, &env) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    if let Some(ca) = lab.ca_pem() {
        let mut pem = config.cacert_pem.take().unwrap_or_default();
        pem.extend_from_slice(ca.as_bytes());
        config.cacert_pem = Some(pem);
    }
    if !config.output.quiet {
        eprintln!(
            "demo: reference backend at {} ({}), session {}",
            lab.base_url(),
            fault
                .as_ref()
                .map(|f| format!("fault {f}"))
                .unwrap_or_else(|| "healthy".to_string()),
            if config.session.as_deref() == Some(DEMO_SESSION) {
                DEMO_SESSION
            } else {
                "[REDACTED]"
            }
        );
    }
    let status = check(config).await;
    lab.shutdown().await;
    status
}

async fn lab(cmd: LabCommand) -> i32 {
    if cmd.list_faults {
        let mut text = String::new();
        for info in fault_catalog() {
            let name = match info.argument {
                Some(arg) => format!("{}[:{arg}]", info.name),
                None => info.name.to_string(),
            };
            text.push_str(&format!("{name:<24} {}\n", info.summary));
        }
        write_stdout(&text);
        return exit::OK;
    }
    let fault = match cmd.fault.as_deref().map(str::parse::<Fault>).transpose() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: invalid value for --fault: {e}");
            return exit::USAGE;
        }
    };
    let lab = match Lab::start(LabOptions {
        listen: cmd.listen,
        sessions: cmd.sessions.clone(),
        fault: fault.clone(),
        tls: cmd.tls,
        allowed_origins: cmd.allowed_origins.clone(),
        ping_interval: Some(cmd.ping_interval),
        ..LabOptions::default()
    })
    .await
    {
        Ok(lab) => lab,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", cmd.listen);
            return exit::USAGE;
        }
    };
    if let (Some(path), Some(ca)) = (&cmd.ca_out, lab.ca_pem()) {
        if let Err(e) = std::fs::write(path, ca) {
            eprintln!("error: cannot write {}: {e}", path.display());
            lab.shutdown().await;
            return exit::USAGE;
        }
    }
    let proxy = match cmd.connect_proxy {
        Some(listen) => {
            let credentials = cmd.proxy_credentials.as_deref().map(|c| {
                let (user, password) = c.split_once(':').unwrap_or((c, ""));
                (user.to_string(), password.to_string())
            });
            match ConnectProxy::start(ProxyOptions {
                listen,
                credentials,
                ..ProxyOptions::default()
            })
            .await
            {
                Ok(proxy) => Some(proxy),
                Err(e) => {
                    eprintln!("error: cannot listen on {listen}: {e}");
                    lab.shutdown().await;
                    return exit::USAGE;
                }
            }
        }
        None => None,
    };
    let fault_text = fault
        .as_ref()
        .map(|f| f.to_string())
        .unwrap_or_else(|| "none".to_string());
    let mut text = format!(
        "wsdoctor lab listening on {} (fault: {fault_text})\n",
        lab.base_url()
    );
    text.push_str(&format!("  sessions: {}\n", cmd.sessions.join(", ")));
    text.push_str(&format!(
        "  try: wsdoctor check {} --session {} --origin {}{}\n",
        lab.base_url(),
        cmd.sessions
            .first()
            .map(String::as_str)
            .unwrap_or(DEMO_SESSION),
        cmd.allowed_origins
            .first()
            .map(String::as_str)
            .unwrap_or(DEMO_ORIGIN),
        cmd.ca_out
            .as_ref()
            .map(|p| format!(" --cacert {}", p.display()))
            .unwrap_or_default()
    ));
    if let Some(proxy) = &proxy {
        text.push_str(&format!(
            "  CONNECT proxy on {} (try --proxy {})\n",
            proxy.url(),
            proxy.url()
        ));
    }
    write_stdout(&text);
    let _ = tokio::signal::ctrl_c().await;
    if let Some(proxy) = proxy {
        proxy.shutdown().await;
    }
    lab.shutdown().await;
    exit::OK
}

fn explain(cmd: &ExplainCommand) -> i32 {
    if cmd.markdown {
        write_stdout(&codes::markdown_table());
        return exit::OK;
    }
    let Some(text) = &cmd.code else {
        let mut out = String::from("Failure codes (wsdoctor explain CODE for details):\n\n");
        for code in ALL_CODES {
            out.push_str(&format!(
                "  {:<26} {}{}\n",
                code.as_str(),
                code.explanation().meaning,
                if code.from_web_client() {
                    ""
                } else {
                    " [wsdoctor]"
                }
            ));
        }
        write_stdout(&out);
        return exit::OK;
    };
    let Some(code) = Code::parse(text) else {
        eprintln!(
            "error: invalid value for <CODE>: unknown code {text:?}; codes are {}",
            ALL_CODES.map(|c| c.as_str()).join(", ")
        );
        return exit::USAGE;
    };
    write_stdout(&explain_text(code));
    exit::OK
}

/// The full `explain` text of one code.
pub fn explain_text(code: Code) -> String {
    let e = code.explanation();
    let mut out = format!("{code}\n  {}\n\nOn the wire:\n", e.meaning);
    for s in e.signatures {
        out.push_str(&format!("  - {s}\n"));
    }
    out.push_str("\nTypical root causes:\n");
    for s in e.root_causes {
        out.push_str(&format!("  - {s}\n"));
    }
    out.push_str("\nWhat to do:\n");
    for (i, s) in e.actions.iter().enumerate() {
        out.push_str(&format!("  {}. {s}\n", i + 1));
    }
    out.push_str("\nCauses (the report's failure.cause):\n");
    for cause in code.causes() {
        out.push_str(&format!(
            "  {:<28} {}{}\n",
            cause.as_str(),
            cause.hint(),
            if cause.retryable() { " [retried]" } else { "" }
        ));
    }
    out
}

/// The completion script for `shell`, generated from the clap definition.
pub fn completion_text(shell: clap_complete::Shell) -> String {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "wsdoctor", &mut buffer);
    String::from_utf8_lossy(&buffer).into_owned()
}

/// The man page (roff), generated from the clap definition.
pub fn man_page() -> String {
    let mut buffer = Vec::new();
    let _ = clap_mangen::Man::new(crate::cli::command()).render(&mut buffer);
    String::from_utf8_lossy(&buffer).into_owned()
}
