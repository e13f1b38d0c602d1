//! `wsdoctor serve`: a Prometheus exporter in blackbox_exporter's multi-target pattern. Prometheus
//! schedules, stores and alerts; this answers `GET /probe?target=…&module=…` with the checklist's
//! results as metrics.
//!
//! It is not an open proxy: a target must be named in the config file or match its `[serve]
//! allow` patterns, unless `--allow-any-target` says otherwise, loudly. Every probe is bounded by
//! the scrape's own timeout, and by a limit on probes in flight.

mod allow;
mod debug;
mod log;
mod metrics;
mod page;
mod ping;
mod reload;

use crate::cli::{LogFormat, ServeCommand};
use crate::exit::{AppError, OK};
use allow::MAX_TARGET_URL;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use reload::Loaded;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use wsdoctor_core::model::{Report, Verdict};
use wsdoctor_core::{Diagnosis, Redactor, Settings};

/// Taken off the scrape timeout, so the answer reaches Prometheus before it gives up.
const SCRAPE_MARGIN: Duration = Duration::from_millis(500);

/// The longest request line and headers taken, and how long a client may take to send them.
const MAX_HEAD: usize = 16 * 1024;
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest module name taken (they are config table names).
const MAX_MODULE: usize = 256;

/// The pause between accepts when the process is out of file descriptors.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(250);

/// Probes the status page remembers.
const RECENT: usize = 50;

/// One probe, as the page shows it.
#[derive(Debug, Clone)]
pub(crate) struct Recent {
    /// Its number, for its report's link (`/probe/recent/ID`); never reused.
    id: u64,
    time: String,
    target: String,
    module: String,
    success: bool,
    codes: Vec<String>,
    duration_ms: f64,
    /// Whether `debug=true` asked for it (its report then holds its trace).
    debug: bool,
    /// What its report link renders, on request: a probe does not pay for a page nobody opens.
    stored: Arc<Stored>,
}

/// A recent probe's report and (for `debug=true`) its trace, with the run's redactor, rendered
/// only when its link is followed (see [`debug::stored`]).
pub(crate) struct Stored {
    report: Report,
    trace: Option<String>,
    redactor: Redactor,
}

impl std::fmt::Debug for Stored {
    // The redactor holds the run's secrets: never in a debug print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stored { .. }")
    }
}

/// A target the file names.
#[derive(Debug, Clone)]
pub(crate) struct NamedTarget {
    name: String,
    url: String,
}

/// A finished probe's names, for its log line and its place in the ring.
struct Kept<'a> {
    /// The name as the page and the log show it (masked): the raw one may hold a session id.
    shown: &'a str,
    module: &'a str,
    debug: bool,
}

/// What every request shares.
pub(crate) struct State {
    /// The config probes start on; a reload swaps it, and a probe keeps the one it started with.
    config: RwLock<Arc<Loaded>>,
    /// `--config`, read again on a reload.
    config_path: Option<PathBuf>,
    allow_any: bool,
    /// Whether the last reload worked, and when the config last loaded (Unix seconds).
    reload_ok: AtomicBool,
    loaded_at: AtomicU64,
    max_concurrent: usize,
    permits: Semaphore,
    in_flight: AtomicUsize,
    started: Instant,
    probes_success: AtomicU64,
    probes_failure: AtomicU64,
    probes_cancelled: AtomicU64,
    requests_refused: AtomicU64,
    recent: Mutex<VecDeque<Recent>>,
    /// The next probe's number in the ring.
    next_id: AtomicU64,
    log: log::Log,
    show_secrets: bool,
}

impl State {
    fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// The config a probe starting now runs on.
    pub(crate) fn loaded(&self) -> Arc<Loaded> {
        match self.config.read() {
            Ok(config) => config.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Counts a finished probe, logs it and keeps it in the ring.
    fn count_and_keep(
        &self,
        kept: Kept<'_>,
        report: &Report,
        trace: Option<&str>,
        redactor: &Redactor,
    ) {
        let success = report.verdict != Verdict::Fail;
        let counter = if success {
            &self.probes_success
        } else {
            &self.probes_failure
        };
        counter.fetch_add(1, Ordering::Relaxed);
        let codes: Vec<String> = report
            .codes
            .iter()
            .map(|c| c.as_str().to_string())
            .collect();
        let result = if success { "success" } else { "failure" };
        self.log
            .probe(kept.shown, kept.module, result, &codes, report.duration_ms);
        self.record(Recent {
            id: 0,
            time: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            target: kept.shown.to_string(),
            module: kept.module.to_string(),
            success,
            codes,
            duration_ms: report.duration_ms,
            debug: kept.debug,
            stored: Arc::new(Stored {
                report: report.clone(),
                trace: trace.map(|t| debug::kept_trace(t, redactor)),
                redactor: redactor.clone(),
            }),
        });
    }

    /// Keeps a probe in the ring, numbered; the oldest falls out when it is full.
    fn record(&self, mut probe: Recent) {
        probe.id = self.next_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut recent) = self.recent.lock() {
            if recent.len() == RECENT {
                recent.pop_front();
            }
            recent.push_back(probe);
        }
    }
}

pub(crate) fn run(cmd: ServeCommand) -> Result<u8, AppError> {
    if !cmd.listen.ip().is_loopback() && !cmd.listen_public {
        return Err(AppError::usage(
            "--listen",
            format!(
                "{} is not a loopback address: add --listen-public to serve probes to the network on purpose",
                cmd.listen
            ),
        ));
    }
    let loaded = Loaded::load(cmd.config.as_deref(), cmd.allow_any_target)?;
    let state = Arc::new(State {
        config: RwLock::new(Arc::new(loaded)),
        config_path: cmd.config.clone(),
        allow_any: cmd.allow_any_target,
        reload_ok: AtomicBool::new(true),
        loaded_at: AtomicU64::new(reload::unix_now()),
        max_concurrent: cmd.max_concurrent as usize,
        permits: Semaphore::new(cmd.max_concurrent as usize),
        in_flight: AtomicUsize::new(0),
        started: Instant::now(),
        probes_success: AtomicU64::new(0),
        probes_failure: AtomicU64::new(0),
        probes_cancelled: AtomicU64::new(0),
        requests_refused: AtomicU64::new(0),
        recent: Mutex::new(VecDeque::new()),
        next_id: AtomicU64::new(1),
        log: log::Log {
            json: cmd.log_format == LogFormat::Json,
        },
        show_secrets: false,
    });
    if cmd.dry_run {
        let state = state.loaded();
        let mut text = format!(
            "dry run: would serve probes on http://{} ({} at once)\n  targets: {}\n  modules: default{}\n  allowed URL patterns: {}\n  URL targets may reach: {}\n",
            cmd.listen,
            cmd.max_concurrent,
            state.targets().iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "),
            state.modules().iter().map(|m| format!(", {m}")).collect::<String>(),
            if state.allow_any {
                "any (--allow-any-target)".to_string()
            } else if state.allow_patterns().is_empty() {
                "none".to_string()
            } else {
                state.allow_patterns().join(", ")
            },
            if state.deny_private() {
                "public addresses only (deny_private)"
            } else {
                "any address (deny_private = false)"
            }
        );
        if state.targets().is_empty() && state.allow_patterns().is_empty() && !state.allow_any {
            text.push_str("  note: nothing may be probed: name targets in the config file or add [serve] allow patterns\n");
        }
        crate::print::stdout(&text);
        return Ok(OK);
    }
    let grace = cmd.shutdown_grace;
    crate::runtime::block_on(serve(cmd.listen, state, grace))
}

fn check_command() -> Result<clap::Command, AppError> {
    crate::cli::command()
        .find_subcommand("check")
        .cloned()
        .ok_or_else(|| AppError::Runtime("no check subcommand".into()))
}

async fn serve(listen: SocketAddr, state: Arc<State>, grace: Duration) -> Result<u8, AppError> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| AppError::Runtime(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| AppError::Runtime(format!("cannot listen on {listen}: {e}")))?;
    // The handlers go in before the listening line: a signal sent the moment a supervisor sees
    // it must stop the server gracefully, not kill it.
    let caught = Arc::new(std::sync::OnceLock::new());
    let stop = crate::runtime::stop_signal_on(caught, false);
    tokio::pin!(stop);
    let mut hangups = crate::runtime::hangups();
    crate::print::stderr(&format!("wsdoctor serve listening on http://{addr}"));
    let loaded = state.loaded();
    if state.allow_any {
        crate::print::stderr(if loaded.deny_private() {
            "wsdoctor serve: WARNING --allow-any-target: any URL a request names will be probed; anyone who can reach this port can make it connect to any public address"
        } else {
            "wsdoctor serve: WARNING --allow-any-target: any URL a request names will be probed; anyone who can reach this port can make it connect anywhere"
        });
    }
    if !loaded.deny_private() && (state.allow_any || !loaded.allow.is_empty()) {
        crate::print::stderr(
            "wsdoctor serve: WARNING deny_private = false: URL targets may reach loopback, private and link-local addresses (cloud metadata included); anyone who controls DNS under an allowed pattern can map internal services",
        );
    }
    drop(loaded);
    let connections = Arc::new(AtomicUsize::new(0));
    let mut starved = false;
    loop {
        tokio::select! {
            _ = &mut stop => break,
            Some(()) = hangups.recv() => {
                // Loading reads a file and resolves every target: off the accept loop, as the
                // POST /-/reload path does.
                let state = state.clone();
                tokio::task::spawn_blocking(move || reload::reload(&state));
            }
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => {
                        if std::mem::take(&mut starved) {
                            crate::print::stderr("wsdoctor serve: accepting connections again");
                        }
                        stream
                    }
                    Err(e) if out_of_resources(&e) => {
                        // The pending connection stays in the backlog, so accept fails again at
                        // once: retrying without a pause spins a core until a descriptor frees
                        // up (hyper's and tokio's examples pause too).
                        if !std::mem::replace(&mut starved, true) {
                            crate::print::stderr(&format!(
                                "wsdoctor serve: cannot accept connections ({e}): pausing {} between tries; raise the open-files limit (ulimit -n) or lower --max-concurrent",
                                humantime::format_duration(ACCEPT_BACKOFF)
                            ));
                        }
                        tokio::select! {
                            _ = &mut stop => break,
                            _ = tokio::time::sleep(ACCEPT_BACKOFF) => {}
                        }
                        continue;
                    }
                    // A connection that failed before it was accepted (reset, aborted) is the
                    // client's business.
                    Err(_) => continue,
                };
                let state = state.clone();
                let connections = connections.clone();
                connections.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let state = state.clone();
                        async move { Ok::<_, Infallible>(respond(req, &state).await) }
                    });
                    let mut builder = hyper::server::conn::http1::Builder::new();
                    builder
                        .timer(TokioTimer::new())
                        .header_read_timeout(HEAD_TIMEOUT)
                        .max_buf_size(MAX_HEAD);
                    let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                    connections.fetch_sub(1, Ordering::Relaxed);
                });
            }
        }
    }
    // Stop accepting; let the probes in flight finish within the grace period.
    drop(listener);
    crate::print::stderr("wsdoctor serve: stopping");
    let deadline = Instant::now() + grace;
    while state.in_flight() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(OK)
}

/// Whether an accept error means this process (or the system) has run out of descriptors or
/// memory, which only time can cure.
fn out_of_resources(e: &std::io::Error) -> bool {
    // EMFILE, ENFILE, ENOBUFS, ENOMEM (Linux numbering; the kind covers the rest).
    matches!(e.raw_os_error(), Some(24 | 23 | 105 | 12))
        || e.kind() == std::io::ErrorKind::OutOfMemory
}

fn text(status: StatusCode, body: impl Into<String>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.into())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

async fn respond(req: Request<Incoming>, state: &Arc<State>) -> Response<Full<Bytes>> {
    if req.uri().path() == "/-/reload" {
        if req.method() != Method::POST && req.method() != Method::PUT {
            let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "only POST or PUT\n");
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST, PUT"));
            return response;
        }
        // Loading reads a file and resolves every target: off the runtime's workers.
        let state = state.clone();
        let reloaded = tokio::task::spawn_blocking(move || reload::reload(&state))
            .await
            .unwrap_or_else(|e| Err(format!("the reload failed: {e}")));
        return match reloaded {
            Ok(said) => text(StatusCode::OK, format!("{said}\n")),
            Err(said) => text(StatusCode::INTERNAL_SERVER_ERROR, format!("{said}\n")),
        };
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "only GET\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    match req.uri().path() {
        "/probe" => probe(req, state).await,
        "/metrics" => own_metrics(&req, state),
        "/" => {
            let recent: Vec<Recent> = state
                .recent
                .lock()
                .map(|r| r.iter().cloned().collect())
                .unwrap_or_default();
            let mut response = Response::new(Full::new(Bytes::from(page::render(state, &recent))));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
        "/-/healthy" | "/-/ready" => text(StatusCode::OK, "OK\n"),
        path if path.starts_with(RECENT_PATH) => recent_report(state, &path[RECENT_PATH.len()..]),
        _ => text(
            StatusCode::NOT_FOUND,
            "not found: try /probe, /metrics or /\n",
        ),
    }
}

/// Where a recent probe's report is served: `/probe/recent/ID`.
const RECENT_PATH: &str = "/probe/recent/";

/// A recent probe's stored report, as text; 404 once it has fallen out of the ring.
fn recent_report(state: &State, id: &str) -> Response<Full<Bytes>> {
    let found = id.parse::<u64>().ok().and_then(|id| {
        state
            .recent
            .lock()
            .ok()
            .and_then(|r| r.iter().find(|p| p.id == id).map(|p| p.stored.clone()))
    });
    match found {
        Some(stored) => text(
            StatusCode::OK,
            debug::stored(&stored.report, stored.trace.as_deref(), &stored.redactor),
        ),
        None => text(
            StatusCode::NOT_FOUND,
            format!("no such probe among the last {RECENT} (the status page at / lists them)\n"),
        ),
    }
}

/// The query's parameters, decoded.
fn query(req: &Request<Incoming>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

async fn probe(req: Request<Incoming>, state: &Arc<State>) -> Response<Full<Bytes>> {
    let params = query(&req);
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let Some(target) = param("target").filter(|t| !t.is_empty()) else {
        state.requests_refused.fetch_add(1, Ordering::Relaxed);
        return text(StatusCode::BAD_REQUEST, "the target parameter is missing\n");
    };
    let module = param("module").unwrap_or_else(|| "default".into());
    // blackbox_exporter's spelling: anything but `true` is an ordinary probe.
    let debug = param("debug").is_some_and(|d| d == "true");
    if target.len() > MAX_TARGET_URL || module.len() > MAX_MODULE {
        // Neither matched nor echoed: the log says how long they were, not what they said.
        state.requests_refused.fetch_add(1, Ordering::Relaxed);
        let why = format!(
            "the target is {} bytes and the module {} bytes long; at most {MAX_TARGET_URL} and {MAX_MODULE} are taken",
            target.len(),
            module.len()
        );
        state
            .log
            .refusal("(too long)", "(too long)", StatusCode::BAD_REQUEST, &why);
        return text(StatusCode::BAD_REQUEST, format!("{why}\n"));
    }
    // One snapshot for the whole probe: a reload meanwhile must not mix two configs.
    let loaded = state.loaded();
    let (name, mut settings) = match loaded.settings_for(&target, &module) {
        Ok(found) => found,
        Err((status, why)) => {
            state.requests_refused.fetch_add(1, Ordering::Relaxed);
            state.log.refusal(&target, &module, status, &why);
            return text(status, format!("{why}\n"));
        }
    };
    let Ok(_permit) = state.permits.try_acquire() else {
        state.requests_refused.fetch_add(1, Ordering::Relaxed);
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "{} probes are already running (--max-concurrent)\n",
                state.max_concurrent
            ),
        );
    };
    // The name comes masked as a URL for display; a secret of the module's (a session id in a
    // URL target's path) is masked too, as in the reports shown beside it, and in every log line.
    let shown = Diagnosis::redactor_for(&settings, state.show_secrets).text(&name);
    if let Err(why) = fit_to_scrape(&req, state, &shown, &module, &mut settings) {
        return text(StatusCode::BAD_REQUEST, format!("{why}\n"));
    }
    let observe = settings.limits.observe;
    settings.trace = debug;
    let diagnosis = Diagnosis::new(settings, state.show_secrets);
    let redactor = diagnosis.redactor().clone();
    let in_flight = InFlight::start(state, &shown, &module);
    // Validated when the file was loaded: a value that does not parse is not in a loaded file.
    let series = ping::series_of(loaded.file.as_ref(), &target, &module).unwrap_or(None);
    let pinging = ping::run(series, diagnosis.settings(), &redactor);
    let ((report, trace), pinged) = tokio::join!(run_probe(&diagnosis, debug), pinging);
    in_flight.finish();
    state.count_and_keep(
        Kept {
            shown: &shown,
            module: &module,
            debug,
        },
        &report,
        trace.as_deref(),
        &redactor,
    );
    if let Some(trace) = trace {
        let metrics = ping::append(
            metrics::probe(&report, observe, metrics::Flavour::Text),
            pinged.as_ref(),
            metrics::Flavour::Text,
        );
        return text(
            StatusCode::OK,
            debug::page(&shown, &module, &trace, &report, &metrics, &redactor),
        );
    }
    let flavour = metrics::Flavour::from_accept(
        req.headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok()),
    );
    let body = ping::append(
        metrics::probe(&report, observe, flavour),
        pinged.as_ref(),
        flavour,
    );
    let mut response = Response::new(Full::new(Bytes::from(body)));
    if let Ok(value) = HeaderValue::from_str(flavour.content_type()) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

/// Fits the module's limits into the scrape's timeout: Prometheus says how long it will wait, and
/// the answer must come before that. Refused (logged, and why) when a hold cannot fit.
fn fit_to_scrape(
    req: &Request<Incoming>,
    state: &State,
    name: &str,
    module: &str,
    settings: &mut Settings,
) -> Result<(), String> {
    let Some(scrape) = req
        .headers()
        .get("x-prometheus-scrape-timeout-seconds")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
    else {
        return Ok(());
    };
    let budget = Duration::from_secs_f64(scrape.min(86_400.0)).saturating_sub(SCRAPE_MARGIN);
    let budget = budget.max(Duration::from_millis(100));
    // A hold the scrape cannot wait for would be cut by the deadline and read as "no cut
    // seen": a success that observed nothing. Refuse it, so the scrape fails visibly.
    if let Some(hold) = settings.limits.hold.filter(|hold| *hold >= budget) {
        state.requests_refused.fetch_add(1, Ordering::Relaxed);
        let why = format!(
            "the module holds sockets for {} but the scrape allows {} (scrape_timeout minus {}): raise the job's scrape_timeout above the hold, or shorten the hold",
            humantime::format_duration(hold),
            humantime::format_duration(budget),
            humantime::format_duration(SCRAPE_MARGIN)
        );
        state
            .log
            .refusal(name, module, StatusCode::BAD_REQUEST, &why);
        return Err(why);
    }
    settings.limits.deadline = Some(settings.limits.deadline().min(budget));
    // The observation window after a socket did its job is ours, not the target's: one that
    // does not fit the budget would end a healthy probe at the deadline, reported as the
    // target's timeout. Fit it into half the budget, leaving the other half for the checks
    // before it, and say so.
    let fitted = settings.limits.observe.min(budget / 2);
    if fitted < settings.limits.observe {
        let note = format!(
            "observe window fitted to {} (the module says {}) to keep within the scrape's {} (scrape_timeout minus {}); raise scrape_timeout for the full window",
            humantime::format_duration(fitted),
            humantime::format_duration(settings.limits.observe),
            humantime::format_duration(budget),
            humantime::format_duration(SCRAPE_MARGIN),
        );
        state.log.notice(name, module, &note);
        settings.limits.observe = fitted;
    }
    Ok(())
}

/// A probe in flight, counted while it lives. A scraper that hangs up mid-probe makes hyper drop
/// the probe's future at its next await: this guard's `Drop` is the one place sure to run then, so
/// the gauge comes back down, the cancellation is counted and logged, and shutdown does not wait
/// for a probe that no longer exists.
struct InFlight {
    state: Arc<State>,
    target: String,
    module: String,
    started: Instant,
    finished: bool,
}

impl InFlight {
    fn start(state: &Arc<State>, target: &str, module: &str) -> InFlight {
        state.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight {
            state: state.clone(),
            target: target.to_string(),
            module: module.to_string(),
            started: Instant::now(),
            finished: false,
        }
    }

    /// The probe ran to its report.
    fn finish(mut self) {
        self.finished = true;
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.state.in_flight.fetch_sub(1, Ordering::Relaxed);
        if !self.finished {
            self.state.probes_cancelled.fetch_add(1, Ordering::Relaxed);
            let ms = self.started.elapsed().as_secs_f64() * 1000.0;
            self.state
                .log
                .probe(&self.target, &self.module, "cancelled", &[], ms);
        }
    }
}

/// Runs the checklist; with `debug` (which the settings trace), returns the trace's text too.
async fn run_probe(diagnosis: &Diagnosis, debug: bool) -> (Report, Option<String>) {
    // An ordinary probe answers from the report alone: the run neither builds nor queues its
    // events. A debug probe keeps them for the trace (which the run bounds).
    let (events, mut receiver) = match debug {
        true => {
            let (events, receiver) = tokio::sync::mpsc::unbounded_channel();
            (Some(events), Some(receiver))
        }
        false => (None, None),
    };
    let (report, _) = diagnosis.run(events, std::future::pending::<()>()).await;
    let trace = receiver.as_mut().map(debug::trace);
    (report, trace)
}

fn own_metrics(req: &Request<Incoming>, state: &State) -> Response<Full<Bytes>> {
    let flavour = metrics::Flavour::from_accept(
        req.headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok()),
    );
    let mut out = metrics::Exposition::new(flavour);
    out.family(
        "wsdoctor_exporter_probes_total",
        "counter",
        "Probes run, by result (cancelled: the scraper hung up before the answer).",
    );
    out.sample(
        "wsdoctor_exporter_probes_total",
        &[("result", "success")],
        state.probes_success.load(Ordering::Relaxed) as f64,
    );
    out.sample(
        "wsdoctor_exporter_probes_total",
        &[("result", "failure")],
        state.probes_failure.load(Ordering::Relaxed) as f64,
    );
    out.sample(
        "wsdoctor_exporter_probes_total",
        &[("result", "cancelled")],
        state.probes_cancelled.load(Ordering::Relaxed) as f64,
    );
    out.family(
        "wsdoctor_exporter_requests_refused_total",
        "counter",
        "Probe requests refused: bad parameters, unlisted targets, too many in flight.",
    );
    out.sample(
        "wsdoctor_exporter_requests_refused_total",
        &[],
        state.requests_refused.load(Ordering::Relaxed) as f64,
    );
    out.family(
        "wsdoctor_exporter_probes_in_flight",
        "gauge",
        "Probes running now.",
    );
    out.sample(
        "wsdoctor_exporter_probes_in_flight",
        &[],
        state.in_flight() as f64,
    );
    out.family(
        "wsdoctor_exporter_build_info",
        "gauge",
        "The build (always 1).",
    );
    out.sample(
        "wsdoctor_exporter_build_info",
        &[
            ("version", env!("CARGO_PKG_VERSION")),
            ("commit", env!("WSDOCTOR_GIT_COMMIT")),
        ],
        1.0,
    );
    out.family(
        "wsdoctor_config_last_reload_successful",
        "gauge",
        "Whether the last reload of the config worked (1) or left the one before it serving (0).",
    );
    out.sample(
        "wsdoctor_config_last_reload_successful",
        &[],
        if state.reload_ok.load(Ordering::Relaxed) {
            1.0
        } else {
            0.0
        },
    );
    out.family(
        "wsdoctor_config_last_reload_success_timestamp_seconds",
        "gauge",
        "When the config serving now was loaded, in Unix seconds.",
    );
    out.sample(
        "wsdoctor_config_last_reload_success_timestamp_seconds",
        &[],
        state.loaded_at.load(Ordering::Relaxed) as f64,
    );
    if let Some(rss) = resident_bytes() {
        out.family(
            "process_resident_memory_bytes",
            "gauge",
            "Resident memory size in bytes.",
        );
        out.sample("process_resident_memory_bytes", &[], rss as f64);
    }
    let mut response = Response::new(Full::new(Bytes::from(out.finish())));
    if let Ok(value) = HeaderValue::from_str(flavour.content_type()) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

/// This process's resident memory, from /proc (Linux).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
