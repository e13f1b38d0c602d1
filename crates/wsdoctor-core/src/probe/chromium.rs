//! The browser check's driver: a headless Chromium, started for one run with a fresh profile and
//! driven over the DevTools protocol (chromiumoxide), that opens a blank page on the frontend
//! origin and runs the web client's requests from it. It observes and records; the comparison
//! with the command line is [`crate::diagnose::browser`]'s.
//!
//! The frontend site is never needed: the page's navigation is intercepted (the Fetch domain) and
//! answered with a blank document, so `location.origin` is the real frontend origin and the
//! browser applies mixed content, CORS, Origin and cookie rules exactly as for the real page.
//!
//! The process is ours from spawn to exit: dropping [`Chromium`] kills it and removes its profile,
//! so no browser outlives its check, whatever ended it (an error, the deadline, Ctrl-C).

use base64::Engine;
use chromiumoxide::cdp::browser_protocol::browser::{
    PermissionDescriptor, PermissionSetting, SetPermissionParams,
};
use chromiumoxide::cdp::browser_protocol::fetch::{
    self, ContinueRequestParams, EventRequestPaused, FulfillRequestParams, HeaderEntry,
    RequestPattern, RequestStage,
};
use chromiumoxide::cdp::browser_protocol::log::{self, EventEntryAdded, LogEntryLevel};
use chromiumoxide::cdp::browser_protocol::network::{
    EventLoadingFailed, EventRequestWillBeSent, EventResponseReceived, EventWebSocketClosed,
    EventWebSocketCreated, EventWebSocketFrameError, EventWebSocketFrameReceived,
    EventWebSocketFrameSent, EventWebSocketHandshakeResponseReceived,
    EventWebSocketWillSendHandshakeRequest, ResourceType, SetCookieParams,
};
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use chromiumoxide::handler::HandlerConfig;
use chromiumoxide::{Browser, Page};
use futures_util::stream::{BoxStream, StreamExt};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, watch};
use wsdoctor_model::evidence::{
    BrowserFetch, BrowserSocket, ConsoleEntry, DevtoolsSocket, PageSocket, Sandbox, SocketRole,
};

/// The document served for the frontend origin: nothing but a page, and an icon that needs no
/// request, so the only traffic is the check's own.
const BLANK_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>wsdoctor</title><link rel=\"icon\" href=\"data:,\"></head><body></body></html>";

/// Browsers running at once in this process, whatever the number of targets.
static BROWSERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The page's script (the web client's requests, recorded as the page sees them).
const PAGE_SCRIPT: &str = include_str!("page.js");

/// How long the browser gets to report the last events of a socket the page has seen close, and
/// to exit when asked to.
const SETTLE: Duration = Duration::from_secs(1);

/// Lines of the browser's own stderr kept for a failure's evidence.
const STDERR_LINES: usize = 12;

/// Console messages kept; a page that logs more is reported by its first ones.
const CONSOLE_ENTRIES: usize = 32;

/// Headers of a handshake kept in evidence.
const HEADERS_KEPT: usize = 32;

/// The longest text kept from the browser (a console message, a header value).
const TEXT_BYTES: usize = 512;

/// What the page is asked to do (serialised for its script).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PagePlan {
    /// `GET /health`, for a base URL.
    pub(crate) health: Option<HealthPlan>,
    /// The sockets, opened together.
    pub(crate) sockets: Vec<SocketPlan>,
}

/// The page's `fetch` of `/health`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HealthPlan {
    /// The URL.
    pub(crate) url: String,
    /// The credentials mode (`include`: the web client's API calls carry its cookies).
    pub(crate) credentials: &'static str,
    /// The fetch's bound.
    pub(crate) timeout_ms: u64,
}

/// One socket the page opens.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SocketPlan {
    /// Which of the web client's sockets.
    pub(crate) role: SocketRole,
    /// Its URL.
    pub(crate) url: String,
    /// Subprotocols offered (`new WebSocket(url, protocols)`).
    pub(crate) protocols: Vec<String>,
    /// A message sent once it opens (the echo's probe).
    pub(crate) send: Option<String>,
    /// Whether the socket must answer (the platform's echo, the terminal), or merely stay open.
    pub(crate) strict: bool,
    /// The web client's timeout for the server's first message.
    pub(crate) timeout_ms: u64,
    /// How long the socket is watched once it did its job.
    pub(crate) observe_ms: u64,
    /// How long `onclose` may take after the page closes the socket.
    pub(crate) close_wait_ms: u64,
    /// `--accept-silence`: a quiet open socket is fine after the timeout.
    pub(crate) accept_silence: bool,
}

impl SocketPlan {
    /// The longest the page may spend on this socket.
    fn bound(&self) -> Duration {
        Duration::from_millis(
            self.timeout_ms
                .saturating_add(self.observe_ms)
                .saturating_add(self.close_wait_ms.saturating_mul(2)),
        )
    }
}

/// How the browser is started and what it is told, for this run only.
#[derive(Debug, Clone)]
pub(crate) struct Launch {
    /// The executable.
    pub(crate) executable: PathBuf,
    /// The frontend origin the page is served on.
    pub(crate) origin: String,
    /// Whether the page may reach local addresses without a prompt (Local Network Access), as a
    /// real page on a local origin may.
    pub(crate) grant_local_network: bool,
    /// `--host-resolver-rules` (from `--resolve`).
    pub(crate) resolver_rules: Option<String>,
    /// SPKI SHA-256 hashes whose certificates the browser accepts (what the command line verified
    /// against `--cacert`).
    pub(crate) spki: Vec<String>,
    /// The proxy the browser goes through, as `--proxy-server` takes it.
    pub(crate) proxy: Option<String>,
    /// Cookies (`-H 'Cookie: …'`) set for `cookie_url` before the page loads.
    pub(crate) cookies: Vec<(String, String)>,
    /// The URL the cookies belong to.
    pub(crate) cookie_url: String,
    /// Bound on each step before the page's script (start, connect, navigate) and on `/health`.
    pub(crate) step_timeout: Duration,
}

/// What the browser did.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    /// `HeadlessChrome/156.0…`.
    pub(crate) product: String,
    /// How the sandbox ran.
    pub(crate) sandbox: Sandbox,
    /// The switches that matter, as given.
    pub(crate) switches: Vec<String>,
    /// Spawn → DevTools connected.
    pub(crate) launch: Duration,
    /// Navigation → loaded.
    pub(crate) page_load: Duration,
    /// `location.origin`.
    pub(crate) page_origin: String,
    /// `/health`.
    pub(crate) health: Option<BrowserFetch>,
    /// The sockets, in the plan's order.
    pub(crate) sockets: Vec<BrowserSocket>,
    /// Errors and warnings the browser logged.
    pub(crate) console: Vec<ConsoleEntry>,
}

/// Why the browser could not say anything.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    /// What went wrong, in words.
    pub(crate) message: String,
    /// The browser's last words on stderr, when it said any.
    pub(crate) browser_said: Option<String>,
}

impl Failure {
    fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            browser_said: None,
        }
    }
}

/// Runs the page in a fresh browser and returns what it saw. `progress` hears each step (for
/// the `--verbose` log).
pub(crate) async fn run(
    launch: &Launch,
    plan: &PagePlan,
    progress: &(dyn Fn(String) + Sync),
) -> Result<Seen, Failure> {
    // A fleet run checks many targets at once; each browser takes hundreds of MiB and a core
    // while it starts, so a few run at a time and the rest wait their turn (within --deadline).
    let _turn = BROWSERS
        .acquire()
        .await
        .map_err(|e| Failure::new(format!("waiting for a browser: {e}")))?;
    let started = Instant::now();
    let step = launch.step_timeout;
    let (chromium, devtools_url, sandbox) = Chromium::start(launch).await?;
    progress(format!(
        "Chromium started ({}), DevTools at {devtools_url}",
        sandbox.describe()
    ));
    let script_bound = plan
        .sockets
        .iter()
        .map(SocketPlan::bound)
        .max()
        .unwrap_or_default()
        .saturating_add(if plan.health.is_some() {
            step
        } else {
            Duration::ZERO
        })
        .saturating_add(SETTLE);
    let config = HandlerConfig {
        // Never Security.setIgnoreCertificateErrors: the browser's own verdict on certificates
        // is the point. Trust given for this run is the SPKI list, and only that.
        ignore_https_errors: false,
        request_timeout: script_bound.saturating_add(step),
        ..HandlerConfig::default()
    };
    let (mut browser, mut handler) = bounded(
        step,
        "connecting to Chromium's DevTools",
        Browser::connect_with_config(devtools_url.clone(), config),
    )
    .await
    .map_err(|f| chromium.explain(f))?;
    let pump = AbortOnDrop(tokio::spawn(async move {
        while handler.next().await.is_some() {}
    }));
    let launched = started.elapsed();
    let outcome = drive(&browser, launch, plan, script_bound, progress).await;
    // Ask Chromium to close (it ends its children and exits), wait for the connection to drop;
    // whatever happens, dropping `chromium` kills it and removes the profile.
    let closing = Instant::now();
    let _ = tokio::time::timeout(SETTLE, browser.close()).await;
    let _ = tokio::time::timeout(SETTLE, pump.join()).await;
    let said = chromium.said();
    drop(chromium);
    progress(format!(
        "Chromium closed and its profile removed in {} ms",
        closing.elapsed().as_millis()
    ));
    let mut seen = outcome.map_err(|mut failure| {
        failure.browser_said = failure.browser_said.or(said);
        failure
    })?;
    seen.sandbox = sandbox;
    seen.launch = launched;
    seen.switches = switches(launch, sandbox);
    Ok(seen)
}

/// Everything between a connected browser and what it saw.
async fn drive(
    browser: &Browser,
    launch: &Launch,
    plan: &PagePlan,
    script_bound: Duration,
    progress: &(dyn Fn(String) + Sync),
) -> Result<Seen, Failure> {
    let step = launch.step_timeout;
    let product = bounded(step, "asking Chromium its version", browser.version())
        .await?
        .product
        .clone();
    if launch.grant_local_network {
        // The permission's name changed as Local Network Access shipped (one permission, then
        // one per address space); a browser refuses the names it does not know, which is fine.
        for name in ["local-network-access", "local-network", "loopback-network"] {
            let grant = SetPermissionParams::builder()
                .permission(PermissionDescriptor::new(name))
                .setting(PermissionSetting::Granted)
                .origin(launch.origin.clone())
                .build();
            if let Ok(grant) = grant {
                let _ = tokio::time::timeout(step, browser.execute(grant)).await;
            }
        }
    }
    let opening = Instant::now();
    let page = bounded(
        step,
        "opening a page in Chromium",
        browser.new_page("about:blank"),
    )
    .await?;
    progress(format!(
        "a tab opened in {} ms",
        opening.elapsed().as_millis()
    ));
    bounded(
        step,
        "enabling the console log",
        page.execute(log::EnableParams::default()),
    )
    .await?;
    for (name, value) in &launch.cookies {
        if let Ok(cookie) = SetCookieParams::builder()
            .name(name.clone())
            .value(value.clone())
            .url(launch.cookie_url.clone())
            .build()
        {
            bounded(step, "setting a cookie", page.execute(cookie)).await?;
        }
    }
    let (journal, changed) = watch::channel(Journal::default());
    let journal = Arc::new(journal);
    let _listening = AbortOnDrop(tokio::spawn(record(events(&page).await?, journal.clone())));
    let _serving = AbortOnDrop(tokio::spawn(serve_blank_page(
        page.event_listener::<EventRequestPaused>()
            .await
            .map_err(|e| Failure::new(format!("listening to Chromium: {e}")))?,
        page.clone(),
        launch.origin.clone(),
    )));
    let document = RequestPattern::builder()
        .url_pattern(format!("{}/*", launch.origin))
        .resource_type(ResourceType::Document)
        .request_stage(RequestStage::Request)
        .build();
    bounded(
        step,
        "intercepting the frontend's page",
        page.execute(fetch::EnableParams::builder().pattern(document).build()),
    )
    .await?;
    let navigated = Instant::now();
    let page_url = format!("{}/", launch.origin);
    bounded(step, "loading the page", page.goto(page_url.clone())).await?;
    let page_load = navigated.elapsed();
    progress(format!(
        "page {page_url} loaded in {} ms",
        page_load.as_millis()
    ));
    let plan_json =
        serde_json::to_string(plan).map_err(|e| Failure::new(format!("the page's plan: {e}")))?;
    let evaluate = EvaluateParams::builder()
        .expression(format!("({})({plan_json})", PAGE_SCRIPT.trim()))
        .await_promise(true)
        .return_by_value(true)
        .build()
        .map_err(|e| Failure::new(format!("the page's script: {e}")))?;
    let scripted = Instant::now();
    let evaluated = bounded(
        script_bound,
        "running the page's script",
        page.evaluate_expression(evaluate),
    )
    .await?;
    progress(format!(
        "the page's requests done in {} ms",
        scripted.elapsed().as_millis()
    ));
    let result: PageResult = evaluated
        .into_value()
        .map_err(|e| Failure::new(format!("reading what the page saw: {e}")))?;
    // The page's script has seen its sockets close and its fetch settle; DevTools reports the
    // last of their events a moment later (a fetch refused at once can finish the script before
    // its loadingFailed arrives). Wait for them, event-driven and bounded: a fetch the page saw
    // fail waits for DevTools' failure, one that got a status for its response.
    let fetch_failed = result.health.as_ref().map(|h| h.status.is_none());
    // Every socket the page constructed is one DevTools names (one it could not construct may
    // or may not be): wait for that many, all closed, not merely for those already reported.
    let constructed = result
        .sockets
        .iter()
        .filter(|s| s.page.threw.is_none())
        .count();
    // A request the browser refused is explained on its console (mixed content, CORS, the
    // network error): when one was refused, wait for the console to have said something.
    let refused = fetch_failed == Some(true)
        || result
            .sockets
            .iter()
            .any(|s| s.page.threw.is_some() || s.page.error_event);
    let mut changed = changed;
    let _ = tokio::time::timeout(
        SETTLE,
        changed.wait_for(|j| {
            let fetch_reported = match fetch_failed {
                None => true,
                Some(true) => j.fetch.failed,
                Some(false) => j.fetch.status.is_some(),
            };
            fetch_reported
                && (!refused || !j.console.is_empty())
                && j.sockets.len() >= constructed
                && j.sockets.iter().all(|s| s.seen.closed)
        }),
    )
    .await;
    let journal = journal.borrow().clone();
    Ok(merge(product, page_load, plan, result, journal))
}

/// Runs `work` within `limit`, naming the step when it fails or takes too long.
async fn bounded<T, E: std::fmt::Display>(
    limit: Duration,
    step: &str,
    work: impl Future<Output = Result<T, E>>,
) -> Result<T, Failure> {
    match tokio::time::timeout(limit, work).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(Failure::new(format!("{step}: {e}"))),
        Err(_) => Err(Failure::new(format!(
            "{step}: no answer within {}",
            humantime::format_duration(limit)
        ))),
    }
}

/// Answers the frontend's navigation with the blank page; any other paused request goes on
/// unchanged (only documents of the origin are paused, so there should be none).
async fn serve_blank_page(
    mut paused: impl futures_util::Stream<Item = Arc<EventRequestPaused>> + Unpin,
    page: Page,
    origin: String,
) {
    let body = base64::engine::general_purpose::STANDARD.encode(BLANK_PAGE);
    while let Some(request) = paused.next().await {
        let ours = request.resource_type == ResourceType::Document
            && request.request.url.starts_with(&format!("{origin}/"));
        let answer = if ours {
            FulfillRequestParams::builder()
                .request_id(request.request_id.clone())
                .response_code(200)
                .response_header(HeaderEntry::new("content-type", "text/html; charset=utf-8"))
                .response_header(HeaderEntry::new("cache-control", "no-store"))
                .body(body.clone())
                .build()
                .ok()
        } else {
            None
        };
        let _ = match answer {
            Some(fulfil) => page.execute(fulfil).await.map(|_| ()),
            None => page
                .execute(ContinueRequestParams::new(request.request_id.clone()))
                .await
                .map(|_| ()),
        };
    }
}

/// One DevTools event the check records.
enum Cdp {
    Log(Arc<EventEntryAdded>),
    Created(Arc<EventWebSocketCreated>),
    Request(Arc<EventWebSocketWillSendHandshakeRequest>),
    Response(Arc<EventWebSocketHandshakeResponseReceived>),
    Sent(Arc<EventWebSocketFrameSent>),
    Received(Arc<EventWebSocketFrameReceived>),
    FrameError(Arc<EventWebSocketFrameError>),
    Closed(Arc<EventWebSocketClosed>),
    FetchSent(Arc<EventRequestWillBeSent>),
    FetchAnswered(Arc<EventResponseReceived>),
    FetchFailed(Arc<EventLoadingFailed>),
}

/// Every event the check records, as one stream; subscribed before the page loads.
async fn events(page: &Page) -> Result<BoxStream<'static, Cdp>, Failure> {
    let fail =
        |e: chromiumoxide::error::CdpError| Failure::new(format!("listening to Chromium: {e}"));
    let streams: Vec<BoxStream<'static, Cdp>> = vec![
        page.event_listener::<EventEntryAdded>()
            .await
            .map_err(fail)?
            .map(Cdp::Log)
            .boxed(),
        page.event_listener::<EventWebSocketCreated>()
            .await
            .map_err(fail)?
            .map(Cdp::Created)
            .boxed(),
        page.event_listener::<EventWebSocketWillSendHandshakeRequest>()
            .await
            .map_err(fail)?
            .map(Cdp::Request)
            .boxed(),
        page.event_listener::<EventWebSocketHandshakeResponseReceived>()
            .await
            .map_err(fail)?
            .map(Cdp::Response)
            .boxed(),
        page.event_listener::<EventWebSocketFrameSent>()
            .await
            .map_err(fail)?
            .map(Cdp::Sent)
            .boxed(),
        page.event_listener::<EventWebSocketFrameReceived>()
            .await
            .map_err(fail)?
            .map(Cdp::Received)
            .boxed(),
        page.event_listener::<EventWebSocketFrameError>()
            .await
            .map_err(fail)?
            .map(Cdp::FrameError)
            .boxed(),
        page.event_listener::<EventWebSocketClosed>()
            .await
            .map_err(fail)?
            .map(Cdp::Closed)
            .boxed(),
        page.event_listener::<EventRequestWillBeSent>()
            .await
            .map_err(fail)?
            .map(Cdp::FetchSent)
            .boxed(),
        page.event_listener::<EventResponseReceived>()
            .await
            .map_err(fail)?
            .map(Cdp::FetchAnswered)
            .boxed(),
        page.event_listener::<EventLoadingFailed>()
            .await
            .map_err(fail)?
            .map(Cdp::FetchFailed)
            .boxed(),
    ];
    Ok(futures_util::stream::select_all(streams).boxed())
}

/// A socket as DevTools reported it, by its request id.
#[derive(Debug, Clone, Default)]
struct SocketSeen {
    id: String,
    url: String,
    seen: DevtoolsSocket,
}

/// The page's `fetch` as DevTools reported it.
#[derive(Debug, Clone, Default)]
struct FetchSeen {
    status: Option<u16>,
    protocol: Option<String>,
    blocked_reason: Option<String>,
    cors_error: Option<String>,
    network_error: Option<String>,
    /// Whether its failure has been reported (DevTools' loadingFailed, or the console's words
    /// for one DevTools could not deliver).
    failed: bool,
}

/// What DevTools reported, as it came in.
#[derive(Debug, Clone, Default)]
struct Journal {
    sockets: Vec<SocketSeen>,
    fetch: FetchSeen,
    fetch_ids: Vec<String>,
    console: Vec<ConsoleEntry>,
}

impl Journal {
    /// The socket DevTools names `id`, recorded on its first event. Each event kind arrives on a
    /// stream of its own and the streams are merged, so a socket's handshake or close may be
    /// noted before its creation: whichever comes first makes the entry.
    fn socket(&mut self, id: &str) -> Option<&mut DevtoolsSocket> {
        let index = match self.sockets.iter().position(|s| s.id == id) {
            Some(index) => index,
            None => {
                self.sockets.push(SocketSeen {
                    id: id.to_string(),
                    url: String::new(),
                    seen: DevtoolsSocket {
                        created: true,
                        ..DevtoolsSocket::default()
                    },
                });
                self.sockets.len() - 1
            }
        };
        self.sockets.get_mut(index).map(|s| &mut s.seen)
    }

    fn note(&mut self, event: Cdp) {
        match event {
            Cdp::Log(entry) => {
                let entry = &entry.entry;
                let kept = matches!(entry.level, LogEntryLevel::Error | LogEntryLevel::Warning);
                // A fetch refused for reaching a more private address space is reported on the
                // console; DevTools' own loadingFailed for it may carry a CORS error this
                // protocol version cannot name, and is then lost. The console's words stand in.
                let lowered = entry.text.to_ascii_lowercase();
                if lowered.contains("access to fetch")
                    && (lowered.contains("address space") || lowered.contains("local network"))
                    && self.fetch.cors_error.is_none()
                {
                    self.fetch.cors_error = Some("LocalNetworkAccess (from the console)".into());
                    self.fetch.failed = true;
                }
                // Likewise a fetch blocked as mixed content ("requested an insecure resource";
                // a socket's message says "insecure WebSocket endpoint" instead).
                if lowered.contains("mixed content")
                    && lowered.contains("requested an insecure resource")
                    && self.fetch.blocked_reason.is_none()
                {
                    self.fetch.blocked_reason = Some("mixed-content".into());
                    self.fetch.failed = true;
                }
                if kept && self.console.len() < CONSOLE_ENTRIES {
                    self.console.push(ConsoleEntry {
                        source: entry.source.as_ref().to_string(),
                        level: entry.level.as_ref().to_string(),
                        text: cut(&entry.text),
                    });
                }
            }
            Cdp::Created(created) => {
                let id = created.request_id.inner();
                self.socket(id);
                if let Some(socket) = self.sockets.iter_mut().find(|s| &s.id == id) {
                    socket.url.clone_from(&created.url);
                }
            }
            Cdp::Request(request) => {
                if let Some(socket) = self.socket(request.request_id.inner()) {
                    socket.request_headers = headers(request.request.headers.inner(), true);
                }
            }
            Cdp::Response(response) => {
                if let Some(socket) = self.socket(response.request_id.inner()) {
                    let r = &response.response;
                    socket.status = u16::try_from(r.status).ok();
                    socket.status_text = Some(cut(&r.status_text));
                    socket.response_headers = headers(r.headers.inner(), false);
                }
            }
            Cdp::Sent(sent) => {
                if let Some(socket) = self.socket(sent.request_id.inner()) {
                    socket.frames_sent += 1;
                }
            }
            Cdp::Received(received) => {
                if let Some(socket) = self.socket(received.request_id.inner()) {
                    socket.frames_received += 1;
                }
            }
            Cdp::FrameError(error) => {
                if let Some(socket) = self.socket(error.request_id.inner()) {
                    // A refused handshake is reported only here: "Unexpected response code: 403".
                    if socket.status.is_none() {
                        socket.status = refused_status(&error.error_message);
                    }
                    socket.errors.push(cut(&error.error_message));
                }
            }
            Cdp::Closed(closed) => {
                if let Some(socket) = self.socket(closed.request_id.inner()) {
                    socket.closed = true;
                }
            }
            Cdp::FetchSent(sent) => {
                if sent.r#type == Some(ResourceType::Fetch) {
                    self.fetch_ids.push(sent.request_id.inner().clone());
                }
            }
            Cdp::FetchAnswered(answered) => {
                if answered.r#type == ResourceType::Fetch {
                    self.fetch.status = u16::try_from(answered.response.status).ok();
                    self.fetch.protocol = answered.response.protocol.clone();
                }
            }
            Cdp::FetchFailed(failed) => {
                // A request blocked before it left (mixed content) fails without being sent.
                if failed.r#type == ResourceType::Fetch {
                    self.fetch.blocked_reason = failed
                        .blocked_reason
                        .as_ref()
                        .map(|r| r.as_ref().to_string());
                    self.fetch.cors_error = failed
                        .cors_error_status
                        .as_ref()
                        .map(|c| c.cors_error.as_ref().to_string());
                    self.fetch.network_error =
                        (!failed.error_text.is_empty()).then(|| cut(&failed.error_text));
                    self.fetch.failed = true;
                }
            }
        }
    }
}

/// Writes every event into the journal and says so.
async fn record(mut events: BoxStream<'static, Cdp>, journal: Arc<watch::Sender<Journal>>) {
    while let Some(event) = events.next().await {
        journal.send_modify(|j| j.note(event));
    }
}

/// The status a refused handshake names (`Unexpected response code: 403`).
fn refused_status(message: &str) -> Option<u16> {
    let (_, code) = message.split_once("Unexpected response code: ")?;
    code.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Headers from DevTools, bounded; a request's cookies by name only, and no value of a secret
/// header (Set-Cookie, Authorization): they are secrets the run may not even know about.
fn headers(value: &serde_json::Value, request: bool) -> BTreeMap<String, String> {
    let Some(map) = value.as_object() else {
        return BTreeMap::new();
    };
    map.iter()
        .take(HEADERS_KEPT)
        .map(|(name, value)| {
            let text = value.as_str().unwrap_or_default();
            let shown = if crate::settings::is_secret_header(name)
                && !(request && name.eq_ignore_ascii_case("cookie"))
            {
                // Set-Cookie, Authorization and the like: values the run may not know to mask.
                "(value not shown)".to_string()
            } else if request && name.eq_ignore_ascii_case("cookie") {
                let names: Vec<&str> = text
                    .split(';')
                    .filter_map(|c| c.split_once('=').map(|(n, _)| n.trim()))
                    .collect();
                format!("{} (values not shown)", names.join(", "))
            } else {
                cut(text)
            };
            (name.to_ascii_lowercase(), shown)
        })
        .collect()
}

/// Text from the browser, at most [`TEXT_BYTES`] bytes on a character boundary.
fn cut(text: &str) -> String {
    if text.len() <= TEXT_BYTES {
        return text.to_string();
    }
    let mut end = TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// What the page's script resolved to.
#[derive(Debug, Deserialize)]
struct PageResult {
    origin: String,
    #[serde(default)]
    health: Option<PageFetch>,
    #[serde(default)]
    sockets: Vec<PageSocketResult>,
}

/// The page's fetch.
#[derive(Debug, Deserialize)]
struct PageFetch {
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    duration_ms: f64,
}

/// One socket as the page's script recorded it.
#[derive(Debug, Deserialize)]
struct PageSocketResult {
    url: String,
    #[serde(flatten)]
    page: PageSocket,
}

/// The page's account and DevTools', side by side.
fn merge(
    product: String,
    page_load: Duration,
    plan: &PagePlan,
    result: PageResult,
    mut journal: Journal,
) -> Seen {
    let health = plan.health.as_ref().map(|planned| {
        let page = result.health.as_ref();
        let wire = &journal.fetch;
        BrowserFetch {
            url: planned.url.clone(),
            credentials: planned.credentials.to_string(),
            status: page.and_then(|p| p.status),
            error: page.and_then(|p| p.error.clone()).map(|e| cut(&e)),
            blocked_reason: wire.blocked_reason.clone(),
            cors_error: wire.cors_error.clone(),
            network_error: wire.network_error.clone(),
            protocol: wire.protocol.clone(),
            duration_ms: page.map(|p| p.duration_ms).unwrap_or_default(),
        }
    });
    let mut sockets = Vec::new();
    for (planned, page) in plan.sockets.iter().zip(result.sockets) {
        // DevTools names the socket by its URL; a URL the browser serialised differently is
        // matched by order instead (the page opens them in the plan's order).
        let position = journal
            .sockets
            .iter()
            .position(|s| s.url == page.url)
            // A socket the page could not even construct is never matched by order: another
            // socket's events would be put to its name.
            .or_else(|| (page.page.threw.is_none() && !journal.sockets.is_empty()).then_some(0));
        let devtools = position
            .map(|i| journal.sockets.remove(i).seen)
            .unwrap_or_default();
        sockets.push(BrowserSocket {
            role: planned.role,
            url: planned.url.clone(),
            page: page.page,
            devtools,
        });
    }
    Seen {
        product,
        sandbox: Sandbox::On,
        switches: Vec::new(),
        launch: Duration::ZERO,
        page_load,
        page_origin: result.origin,
        health,
        sockets,
        console: journal.console,
    }
}

/// The switches of this run that change what the browser resolves, trusts or may do, as shown
/// in evidence (the rest only keep a headless browser quiet).
fn switches(launch: &Launch, sandbox: Sandbox) -> Vec<String> {
    let mut shown = Vec::new();
    if sandbox != Sandbox::On {
        shown.push("--no-sandbox".to_string());
    }
    shown.extend(resolution_switches(launch));
    shown
}

/// The switches that come from the run's settings.
fn resolution_switches(launch: &Launch) -> Vec<String> {
    let mut switches = Vec::new();
    if let Some(rules) = &launch.resolver_rules {
        switches.push(format!("--host-resolver-rules={rules}"));
    }
    if !launch.spki.is_empty() {
        switches.push(format!(
            "--ignore-certificate-errors-spki-list={}",
            launch.spki.join(",")
        ));
    }
    switches.push(match &launch.proxy {
        Some(proxy) => format!("--proxy-server={proxy}"),
        None => "--no-proxy-server".to_string(),
    });
    switches
}

/// Whether this process runs as root, where Chromium refuses to start its sandbox. The owner of
/// `/proc/self` is the effective user (no unsafe call needed).
fn running_as_root() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// A running Chromium and its profile. Dropping it kills the process and removes the profile.
struct Chromium {
    child: Child,
    profile: Option<tempfile::TempDir>,
    stderr: Arc<Mutex<VecDeque<String>>>,
}

impl Chromium {
    /// Starts Chromium with a fresh profile and waits for its DevTools address. Without root the
    /// sandbox is tried first; a machine that cannot give one gets `--no-sandbox`, and the
    /// evidence says so.
    async fn start(launch: &Launch) -> Result<(Chromium, String, Sandbox), Failure> {
        let mut sandbox = if running_as_root() {
            Sandbox::OffAsRoot
        } else {
            Sandbox::On
        };
        loop {
            let (chromium, address) = Chromium::spawn(launch, sandbox)?;
            match tokio::time::timeout(launch.step_timeout, address).await {
                Ok(Ok(url)) => return Ok((chromium, url, sandbox)),
                Ok(Err(_)) => {
                    let said = chromium.said();
                    drop(chromium);
                    let no_sandbox = said
                        .as_deref()
                        .is_some_and(|s| s.to_ascii_lowercase().contains("sandbox"));
                    if sandbox == Sandbox::On && no_sandbox {
                        sandbox = Sandbox::OffUnavailable;
                        continue;
                    }
                    return Err(Failure {
                        message: format!(
                            "{} exited before it opened DevTools",
                            launch.executable.display()
                        ),
                        browser_said: said,
                    });
                }
                Err(_) => {
                    return Err(chromium.explain(Failure::new(format!(
                        "{} did not open DevTools within {}",
                        launch.executable.display(),
                        humantime::format_duration(launch.step_timeout)
                    ))))
                }
            }
        }
    }

    /// Spawns the process; the receiver yields its DevTools address once it prints it.
    fn spawn(
        launch: &Launch,
        sandbox: Sandbox,
    ) -> Result<(Chromium, oneshot::Receiver<String>), Failure> {
        let profile = tempfile::Builder::new()
            .prefix("wsdoctor-chromium-")
            .tempdir()
            .map_err(|e| Failure::new(format!("creating a temporary browser profile: {e}")))?;
        // Chromium keeps scratch files of its own (`org.chromium.Chromium.*`) in TMPDIR and
        // leaves them behind when killed: its TMPDIR is inside the run's directory, so removing
        // that one directory removes everything the browser wrote.
        let user_data = profile.path().join("profile");
        let scratch = profile.path().join("tmp");
        for dir in [&user_data, &scratch] {
            std::fs::create_dir(dir)
                .map_err(|e| Failure::new(format!("creating a temporary browser profile: {e}")))?;
        }
        let mut command = Command::new(&launch.executable);
        command
            .env("TMPDIR", &scratch)
            .arg("--headless=new")
            .arg("--remote-debugging-port=0")
            .arg(format!("--user-data-dir={}", user_data.display()))
            // Quiet and self-contained: no first-run UI, no calls home, no extensions, nothing
            // but the check's own traffic.
            .args([
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--disable-breakpad",
                "--metrics-recording-only",
                "--mute-audio",
                "--password-store=basic",
                "--use-mock-keychain",
                // A container's /dev/shm is often too small for a renderer.
                "--disable-dev-shm-usage",
                // HTTPS-Upgrades would turn the navigation to an http:// frontend into https://,
                // a page the real site never served.
                "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",
            ])
            .args(resolution_switches(launch));
        if sandbox != Sandbox::On {
            command.arg("--no-sandbox");
        }
        // A process group of its own, so the kill takes every process Chromium started (zygote,
        // renderers, GPU) at once rather than leaving them to notice their parent is gone.
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        command
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .map_err(|e| Failure::new(format!("starting {}: {e}", launch.executable.display())))?;
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        let (address, receiver) = oneshot::channel();
        if let Some(pipe) = child.stderr.take() {
            let tail = stderr.clone();
            // A thread, not a task: the pipe is a blocking read that ends when Chromium (and any
            // child still holding it) exits.
            let _ = std::thread::Builder::new()
                .name("chromium-stderr".into())
                .spawn(move || read_stderr(pipe, address, &tail));
        }
        Ok((
            Chromium {
                child,
                profile: Some(profile),
                stderr,
            },
            receiver,
        ))
    }

    /// Chromium's last lines on stderr.
    fn said(&self) -> Option<String> {
        let lines = self.stderr.lock().ok()?;
        let text: Vec<&str> = lines
            .iter()
            .map(String::as_str)
            .filter(|l| !l.trim().is_empty())
            .collect();
        (!text.is_empty()).then(|| cut(&text.join("\n")))
    }

    /// A failure with Chromium's own words added.
    fn explain(&self, mut failure: Failure) -> Failure {
        failure.browser_said = failure.browser_said.or_else(|| self.said());
        failure
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        // SIGKILL to the group Chromium leads (see `spawn`), then to Chromium itself in case
        // the group is gone, then reap: after a kill the wait returns as soon as it is gone.
        #[cfg(unix)]
        {
            let pid = rustix::process::Pid::from_child(&self.child);
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(profile) = self.profile.take() {
            let path = profile.path().to_path_buf();
            // A child process that outlived the browser by a moment may still have been writing;
            // a second pass takes what it left.
            if profile.close().is_err() {
                let _ = std::fs::remove_dir_all(path);
            }
        }
    }
}

/// Reads Chromium's stderr: the DevTools address goes to `address`, the rest is kept (the last
/// [`STDERR_LINES`]) for a failure's evidence.
fn read_stderr(
    pipe: std::process::ChildStderr,
    address: oneshot::Sender<String>,
    tail: &Mutex<VecDeque<String>>,
) {
    let mut reader = std::io::BufReader::new(pipe);
    let mut address = Some(address);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_string();
        if let Some(url) = text.strip_prefix("DevTools listening on ") {
            if let Some(sender) = address.take() {
                let _ = sender.send(url.trim().to_string());
            }
            continue;
        }
        if let Ok(mut tail) = tail.lock() {
            if tail.len() == STDERR_LINES {
                tail.pop_front();
            }
            tail.push_back(text);
        }
    }
}

/// Aborts the task it holds when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl AbortOnDrop {
    /// Waits for the task to end by itself.
    async fn join(mut self) {
        let _ = (&mut self.0).await;
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_handshake_names_its_status() {
        assert_eq!(
            refused_status("Error during WebSocket handshake: Unexpected response code: 403"),
            Some(403)
        );
        assert_eq!(
            refused_status("Error in connection establishment: net::ERR_CONNECTION_REFUSED"),
            None
        );
    }

    #[test]
    fn request_cookies_are_shown_by_name_only() {
        let shown = headers(
            &serde_json::json!({"Cookie": "sid=s3cret; theme=dark", "Origin": "https://a.test"}),
            true,
        );
        assert_eq!(shown["cookie"], "sid, theme (values not shown)");
        assert_eq!(shown["origin"], "https://a.test");
        assert!(!format!("{shown:?}").contains("s3cret"));
    }

    #[test]
    fn secret_headers_show_no_value_either_way() {
        let response = headers(
            &serde_json::json!({"Set-Cookie": "sid=s3cret; HttpOnly", "Server": "envoy"}),
            false,
        );
        assert_eq!(response["set-cookie"], "(value not shown)");
        assert_eq!(response["server"], "envoy");
        let request = headers(&serde_json::json!({"Authorization": "Bearer t0ken"}), true);
        assert_eq!(request["authorization"], "(value not shown)");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let long = "é".repeat(400);
        let cut = cut(&long);
        assert!(cut.len() <= TEXT_BYTES + '…'.len_utf8());
        assert!(cut.ends_with('…'));
    }
}
