//! Driving one browser through one page: start it, open a tab on the frontend origin (served a blank page), run the page's script, and wait for DevTools' last events.

use super::journal::{events, record, Journal};
use super::merge::{merge, PageResult};
use super::plan::{BrowserObservation, Failure, Launch, PagePlan, SocketPlan};
use super::process::{switches, Chromium};
use crate::task::AbortOnDrop;
use base64::Engine;
use chromiumoxide::cdp::browser_protocol::browser::{
    PermissionDescriptor, PermissionSetting, SetPermissionParams,
};
use chromiumoxide::cdp::browser_protocol::fetch::{
    self, ContinueRequestParams, EventRequestPaused, FulfillRequestParams, HeaderEntry,
    RequestPattern, RequestStage,
};
use chromiumoxide::cdp::browser_protocol::log::{self};
use chromiumoxide::cdp::browser_protocol::network::{ResourceType, SetCookieParams};
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use chromiumoxide::handler::HandlerConfig;
use chromiumoxide::{Browser, Page};
use futures_util::stream::StreamExt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

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

/// Runs the page in a fresh browser and returns what it saw. `progress` hears each step (for
/// the `--verbose` log).
pub(crate) async fn run(
    launch: &Launch,
    plan: &PagePlan,
    progress: &(dyn Fn(String) + Sync),
) -> Result<BrowserObservation, Failure> {
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
) -> Result<BrowserObservation, Failure> {
    let step = launch.step_timeout;
    let (product, page) = open_tab(browser, launch, progress).await?;
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
    settle(changed, &result).await;
    let journal = journal.borrow().clone();
    Ok(merge(product, page_load, plan, result, journal))
}

/// The browser's version, and a tab on `about:blank` with the permissions, the console log and
/// the cookies the run needs.
async fn open_tab(
    browser: &Browser,
    launch: &Launch,
    progress: &(dyn Fn(String) + Sync),
) -> Result<(String, Page), Failure> {
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
    Ok((product, page))
}

/// Waits (bounded by [`SETTLE`]) until DevTools has reported what the page's script saw.
async fn settle(mut changed: watch::Receiver<Journal>, result: &PageResult) {
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
