//! The WebSocket checks: the `/ws-test` echo and the terminal session, both with the web
//! client's bounded retries.

use super::{advertised_template, render_template, CheckRun, Failed, RunContext};
use crate::config::TargetKind;
use crate::diagnose::classify::{self, UpgradeContext};
use crate::diagnose::codes::Cause;
use crate::diagnose::platform;
use crate::plan::CheckId;
use crate::probe::ws::{self, Ending, OpenFailure, Opened};
use crate::report::{ms, Attempt, CheckReport, Event, Finding};
use serde_json::{json, Value};
use std::future::Future;
use std::time::{Duration, Instant};

/// The longest pause between attempts, whatever `--retry-delay` doubles to.
pub const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// What a failed attempt leaves behind.
struct AttemptFailure {
    failed: Failed,
    close_code: Option<u16>,
}

impl From<Failed> for AttemptFailure {
    fn from(failed: Failed) -> Self {
        AttemptFailure {
            failed,
            close_code: None,
        }
    }
}

/// The delay before attempt `next` (2-based): exponential, capped, with ±50 % jitter so a fleet of
/// clients does not reconnect in lockstep.
pub fn backoff(base: Duration, next: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << (next.saturating_sub(2)).min(16));
    let capped = exp.min(MAX_BACKOFF);
    capped.mul_f64(0.5 + fastrand::f64())
}

/// Runs `attempt` up to `--attempts` times while it fails with a retryable cause.
async fn with_retries<T, F, Fut>(
    ctx: &RunContext,
    check: &mut CheckRun,
    url: &str,
    mut attempt: F,
) -> Result<T, Failed>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<(T, String), AttemptFailure>>,
{
    let limits = ctx.config.limits;
    let mut attempts = Vec::new();
    let mut last: Option<AttemptFailure> = None;
    for number in 1..=limits.attempts {
        ctx.log(
            check.id,
            format!("Connecting to {url} (attempt {number}/{})", limits.attempts),
        );
        let started = check.elapsed();
        let start = Instant::now();
        let outcome = attempt(number).await;
        let duration = start.elapsed();
        match outcome {
            Ok((value, summary)) => {
                let record = Attempt {
                    number,
                    started_ms: ms(started),
                    duration_ms: ms(duration),
                    outcome: "ok".into(),
                    cause: None,
                    summary,
                    close_code: None,
                    retry_in_ms: None,
                };
                ctx.emit(Event::Attempt {
                    id: check.id,
                    of: limits.attempts,
                    attempt: record.clone(),
                });
                attempts.push(record);
                check.attempts = Some(attempts);
                return Ok(value);
            }
            Err(failure) => {
                let cause = failure.failed.finding.cause;
                let retry = cause.retryable() && number < limits.attempts;
                let delay = retry.then(|| backoff(limits.retry_delay, number + 1));
                let record = Attempt {
                    number,
                    started_ms: ms(started),
                    duration_ms: ms(duration),
                    outcome: "fail".into(),
                    cause: Some(cause),
                    summary: failure.failed.finding.message.clone(),
                    close_code: failure.close_code,
                    retry_in_ms: delay.map(ms),
                };
                ctx.log(
                    check.id,
                    format!("Attempt {number} failed: {}", record.summary),
                );
                ctx.emit(Event::Attempt {
                    id: check.id,
                    of: limits.attempts,
                    attempt: record.clone(),
                });
                attempts.push(record);
                last = Some(failure);
                match delay {
                    Some(delay) => {
                        ctx.log(
                            check.id,
                            format!("Reconnecting in {} ms", delay.as_millis()),
                        );
                        tokio::time::sleep(delay).await;
                    }
                    None => break,
                }
            }
        }
    }
    let made = attempts.len() as u32;
    check.attempts = Some(attempts);
    let Some(last) = last else {
        return Err(Failed::new(classify::finding(
            Cause::ClientTimeout,
            "no attempt was made",
        )));
    };
    if made > 1 && last.failed.finding.cause.retryable() {
        let underlying = last.failed.finding;
        let mut evidence = last.failed.evidence;
        evidence.insert(
            "underlying".into(),
            json!({"code": underlying.code, "cause": underlying.cause, "message": underlying.message}),
        );
        let finding = Finding {
            code: Cause::RetriesExhausted.code(),
            cause: Cause::RetriesExhausted,
            message: format!(
                "all {made} attempts failed; the last: {}",
                underlying.message
            ),
            hint: format!("{} {}", Cause::RetriesExhausted.hint(), underlying.hint),
        };
        return Err(Failed::with_evidence(finding, evidence));
    }
    Err(last.failed)
}

/// Builds the request headers for an upgrade: Origin (when known) and the user's headers.
pub(crate) fn upgrade_headers(ctx: &RunContext, with_origin: bool) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    if with_origin {
        if let Some(origin) = &ctx.config.origin {
            headers.push(("Origin".to_string(), origin.clone()));
        }
    }
    headers.push((
        "User-Agent".to_string(),
        concat!("wsdoctor/", env!("CARGO_PKG_VERSION")).to_string(),
    ));
    headers.extend(ctx.config.headers.iter().cloned());
    headers
}

/// Opens a socket to `url`, diagnosing a refusal with everything the run knows.
async fn open_socket(
    ctx: &RunContext,
    check: &mut CheckRun,
    url: &str,
    path: &str,
) -> Result<Opened, AttemptFailure> {
    let conn = ctx.dial(check, false).await?;
    let timeout = ctx.config.limits.ws_timeout;
    match ws::open(conn, url, &upgrade_headers(ctx, true), timeout).await {
        Ok(opened) => {
            check.phase(ctx, "ws_handshake", opened.handshake);
            ctx.saw_headers(&opened.headers);
            ctx.log(
                check.id,
                format!("Connected in {} ms", opened.handshake.as_millis()),
            );
            Ok(opened)
        }
        Err(OpenFailure::Rejected {
            status,
            headers,
            body,
        }) => {
            ctx.saw_headers(&headers);
            let mut evidence = serde_json::Map::new();
            classify::response_evidence(
                &mut evidence,
                classify::status_line(status),
                &headers,
                &body,
            );
            let health = ctx.health_facts().await;
            let mut upgrade = UpgradeContext {
                host: ctx.config.host(),
                path: path.to_string(),
                health_ok: health.ok,
                health_via_envoy: health.via_envoy,
                path_advertised: advertised(ctx, path),
                accepted_without_origin: false,
            };
            if matches!(status.as_u16(), 401 | 403) && ctx.config.origin.is_some() {
                upgrade.accepted_without_origin = accepted_without_origin(ctx, url).await;
                evidence.insert(
                    "accepted_without_origin".into(),
                    upgrade.accepted_without_origin.into(),
                );
            }
            let finding = classify::upgrade_refused(status, &headers, &body, &upgrade);
            if finding.cause == Cause::AppRunnerUpgradeBlocked {
                ctx.saw_platform(platform::app_runner(
                    "Envoy edge refuses the upgrade while plain HTTP works",
                ));
            }
            Err(Failed::with_evidence(finding, evidence).into())
        }
        Err(failure) => Err(Failed::new(classify::open_failure(&failure, path)).into()),
    }
}

/// Opens a socket like [`open_socket`] for checks that do not retry: the refusal is diagnosed
/// with everything the run knows (health, Origin probe, App Runner).
pub(crate) async fn open_diagnosed(
    ctx: &RunContext,
    check: &mut CheckRun,
    url: &str,
    path: &str,
) -> Result<Opened, Failed> {
    open_socket(ctx, check, url, path)
        .await
        .map_err(|failure| failure.failed)
}

/// Whether the application advertises `path` (in `/health`'s endpoints).
fn advertised(ctx: &RunContext, path: &str) -> bool {
    let Some(health) = ctx.health.get() else {
        return false;
    };
    health.endpoints.iter().any(|e| {
        let e = e.split_whitespace().last().unwrap_or(e);
        if e == path {
            return true;
        }
        // "/terminal/:sessionId" advertises "/terminal/abc".
        let (prefix, _) = e.split_once("/:").unwrap_or((e, ""));
        e.contains("/:") && path.starts_with(prefix)
    })
}

/// The Origin probe: repeat the upgrade without our Origin and see whether it is accepted.
async fn accepted_without_origin(ctx: &RunContext, url: &str) -> bool {
    let mut scratch = CheckRun::start(CheckId::Echo);
    let Ok(conn) = ctx.dial(&mut scratch, false).await else {
        return false;
    };
    match ws::open(
        conn,
        url,
        &upgrade_headers(ctx, false),
        ctx.config.limits.connect_timeout,
    )
    .await
    {
        Ok(opened) => {
            ws::close_normally(opened.socket, Duration::from_millis(200)).await;
            true
        }
        Err(_) => false,
    }
}

/// Checks a socket URL for what a browser's `new WebSocket()` would reject.
fn validate_socket_url(url: &str) -> Result<(), Failed> {
    let parsed = url::Url::parse(url).map_err(|e| {
        Failed::new(classify::finding(
            Cause::InvalidUrl,
            format!("{url} is not a valid URL: {e}"),
        ))
    })?;
    if !matches!(parsed.scheme(), "ws" | "wss") {
        return Err(Failed::new(classify::finding(
            Cause::InvalidUrl,
            format!("{url}: the scheme must be ws or wss"),
        )));
    }
    if parsed.fragment().is_some() {
        return Err(Failed::new(classify::finding(
            Cause::InvalidUrl,
            format!("{url} has a fragment, which browsers refuse in a WebSocket URL"),
        )));
    }
    Ok(())
}

/// The echo check: send JSON, expect it back as `{"type":"echo","received":…}`.
pub async fn echo(ctx: &RunContext) -> CheckReport {
    let mut check = CheckRun::start(CheckId::Echo);
    let (url, path) = ctx.echo_socket();
    check.note("url", url.clone());
    if let Err(failed) = validate_socket_url(&url) {
        return check.fail(failed, None);
    }
    let strict = ctx.config.kind == TargetKind::Http;
    let outcome = with_retries(ctx, &mut check, &url, |_| {
        echo_attempt(ctx, url.clone(), path.clone(), strict)
    })
    .await;
    match outcome {
        Ok(result) => {
            let summary = result.summary.clone();
            check.timings.extend(result.timings);
            for (k, v) in result.evidence {
                check.note(&k, v);
            }
            if let Some(rtt) = result.round_trip {
                check.timings.insert("echo_round_trip".into(), ms(rtt));
            }
            let lost = check
                .evidence
                .get("round_trips")
                .and_then(|s| s.get("loss_percent"))
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            if lost > 0.0 {
                return check.warn(
                    summary,
                    crate::report::Notice::new(
                        format!(
                            "{lost}% of the echo round trips got no (or a wrong) answer in time"
                        ),
                        "look for a proxy or server dropping or reordering frames under load",
                    ),
                );
            }
            check.pass(summary)
        }
        Err(failed) => check.fail(failed, ctx.platform().as_ref()),
    }
}

struct EchoResult {
    summary: String,
    timings: std::collections::BTreeMap<String, f64>,
    round_trip: Option<Duration>,
    evidence: serde_json::Map<String, Value>,
}

async fn echo_attempt(
    ctx: &RunContext,
    url: String,
    path: String,
    strict: bool,
) -> Result<(EchoResult, String), AttemptFailure> {
    let mut check = CheckRun::start(CheckId::Echo);
    let opened = open_socket(ctx, &mut check, &url, &path).await?;
    let mut socket = opened.socket;
    let opened_at = Instant::now();
    let nonce = format!("{:016x}", fastrand::u64(..));
    let probe = json!({"type": "wsdoctor", "nonce": nonce, "test": "message"});
    let sent_at = Instant::now();
    let timeout = ctx.config.limits.ws_timeout;
    let mut pings = 0;
    let fail_with = |ending: Ending, seen: usize| -> AttemptFailure {
        let close_code = match &ending {
            Ending::Closed { code, .. } => Some(*code),
            _ => None,
        };
        let mut evidence = serde_json::Map::new();
        ending_evidence(&mut evidence, &ending);
        AttemptFailure {
            failed: Failed::with_evidence(
                classify::ending(&ending, &path, seen, opened_at.elapsed()),
                evidence,
            ),
            close_code,
        }
    };
    if let Err(ending) = ws::send_text(&mut socket, &probe.to_string(), timeout).await {
        return Err(fail_with(ending, 0));
    }
    let wait = if strict {
        timeout
    } else {
        ctx.config.limits.settle.min(timeout)
    };
    let reply = ws::next_message(&mut socket, wait, opened_at, &mut pings).await;
    let round_trip = sent_at.elapsed();
    let mut evidence = serde_json::Map::new();
    let result = match reply {
        Err(Ending::StillOpen) if !strict => EchoResult {
            summary: "socket open; no reply to a JSON message within the settle window".into(),
            timings: check.timings.clone(),
            round_trip: None,
            evidence,
        },
        Err(ending) => return Err(fail_with(ending, 0)),
        Ok(message) => {
            let parsed: Option<Value> = serde_json::from_str(&message.text).ok();
            let is_echo = parsed.as_ref().is_some_and(|v| {
                v.get("type").and_then(Value::as_str) == Some("echo")
                    && v.get("received") == Some(&probe)
            });
            evidence.insert(
                "reply".into(),
                json!(classify::body_excerpt(message.text.as_bytes())),
            );
            if is_echo {
                let count = ctx.config.limits.echo_count;
                let mut summary = format!(
                    "echo round trip {:.1} ms",
                    round_trip.as_secs_f64() * 1000.0
                );
                if count > 1 {
                    let mut series = vec![Some(round_trip)];
                    let ended = echo_series(
                        &mut socket,
                        &nonce,
                        count - 1,
                        timeout,
                        opened_at,
                        &mut pings,
                        &mut series,
                    )
                    .await;
                    let stats = super::stats::LatencyStats::from_series(&series);
                    summary = stats.summary();
                    evidence.insert("round_trips".into(), json!(stats));
                    if let Some(ending) = ended {
                        return Err(fail_with(ending, series.len()));
                    }
                }
                EchoResult {
                    summary,
                    timings: check.timings.clone(),
                    round_trip: Some(round_trip),
                    evidence,
                }
            } else if strict {
                let finding = classify::finding(
                    Cause::EchoMismatch,
                    format!(
                        "{path} answered {} instead of the echo of what was sent",
                        classify::body_excerpt(message.text.as_bytes())
                    ),
                );
                ws::close_normally(socket, Duration::from_millis(200)).await;
                return Err(Failed::with_evidence(finding, evidence).into());
            } else {
                EchoResult {
                    summary: format!(
                        "socket answered in {:.1} ms (not an echo server)",
                        round_trip.as_secs_f64() * 1000.0
                    ),
                    timings: check.timings.clone(),
                    round_trip: Some(round_trip),
                    evidence,
                }
            }
        }
    };
    ws::close_normally(socket, Duration::from_millis(200)).await;
    let summary = result.summary.clone();
    Ok((result, summary))
}

/// `more` further echo round trips on an open socket, one at a time; a missing or wrong answer
/// counts as lost. Returns how the socket ended, if it did.
async fn echo_series(
    socket: &mut ws::Socket,
    nonce: &str,
    more: u32,
    timeout: Duration,
    opened_at: Instant,
    pings: &mut u32,
    series: &mut Vec<Option<Duration>>,
) -> Option<Ending> {
    for seq in 1..=more {
        let probe = json!({"type": "wsdoctor", "nonce": nonce, "seq": seq});
        let sent_at = Instant::now();
        if let Err(ending) = ws::send_text(socket, &probe.to_string(), timeout).await {
            return Some(ending);
        }
        // Replies to earlier, late messages are skipped until ours arrives or time runs out.
        let deadline = sent_at + timeout;
        let mut answered = None;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            match ws::next_message(socket, wait, opened_at, pings).await {
                Ok(message) => {
                    let matches = serde_json::from_str::<Value>(&message.text)
                        .ok()
                        .is_some_and(|v| v.get("received") == Some(&probe));
                    if matches {
                        answered = Some(sent_at.elapsed());
                        break;
                    }
                }
                Err(Ending::StillOpen) => break,
                Err(ending) => return Some(ending),
            }
        }
        series.push(answered);
    }
    None
}

pub(crate) fn ending_evidence(evidence: &mut serde_json::Map<String, Value>, ending: &Ending) {
    match ending {
        Ending::Closed { code, reason } => {
            evidence.insert("close_code".into(), json!(code));
            evidence.insert("close_reason".into(), json!(reason));
        }
        Ending::Abnormal(e) => {
            evidence.insert("close_code".into(), json!(1006));
            evidence.insert("os_error".into(), json!(e));
        }
        Ending::StillOpen => {}
    }
}

/// The terminal template: explicit, advertised by `/health`, or the platform's default.
pub fn terminal_template(ctx: &RunContext) -> String {
    ctx.config
        .paths
        .terminal
        .clone()
        .or_else(|| {
            ctx.health
                .get()
                .and_then(|h| advertised_template(&h.endpoints, "terminal", "\u{0}"))
        })
        .unwrap_or_else(|| "/terminal/{session}".to_string())
}

/// The terminal check: open the session's socket as the web client does.
pub async fn terminal(ctx: &RunContext) -> CheckReport {
    let mut check = CheckRun::start(CheckId::Terminal);
    let Some(session) = ctx.config.session.clone() else {
        return CheckReport::skipped(CheckId::Terminal, "no --session given");
    };
    let template = terminal_template(ctx);
    check.note("template", template.clone());
    let Some(rendered) = render_template(&template, &session) else {
        return check.fail(
            Failed::new(classify::finding(
                Cause::InvalidUrl,
                format!("the terminal path template {template:?} has no {{session}} or :param"),
            )),
            None,
        );
    };
    let path = format!("{}{}", ctx.base_path(), rendered);
    let url = format!("{}{}", ctx.ws_base(), path);
    check.note("url", url.clone());
    if let Err(failed) = validate_socket_url(&url) {
        return check.fail(failed, None);
    }
    let outcome = with_retries(ctx, &mut check, &url, |_| {
        terminal_attempt(ctx, url.clone(), path.clone())
    })
    .await;
    match outcome {
        Ok(result) => {
            check.timings.extend(result.timings);
            for (k, v) in result.evidence {
                check.note(&k, v);
            }
            if let Some(first) = result.first_message {
                check.timings.insert("first_message".into(), ms(first));
            }
            check.pass(result.summary)
        }
        Err(failed) => check.fail(failed, ctx.platform().as_ref()),
    }
}

struct TerminalResult {
    summary: String,
    timings: std::collections::BTreeMap<String, f64>,
    first_message: Option<Duration>,
    evidence: serde_json::Map<String, Value>,
}

fn is_error_message(text: &str) -> bool {
    serde_json::from_str::<Value>(text).ok().is_some_and(|v| {
        v.get("type").and_then(Value::as_str) == Some("error") || v.get("error").is_some()
    })
}

async fn terminal_attempt(
    ctx: &RunContext,
    url: String,
    path: String,
) -> Result<(TerminalResult, String), AttemptFailure> {
    let mut check = CheckRun::start(CheckId::Terminal);
    let opened = open_socket(ctx, &mut check, &url, &path).await?;
    let mut socket = opened.socket;
    let opened_at = Instant::now();
    let limits = ctx.config.limits;
    let mut pings = 0u32;
    let mut seen = 0usize;
    let mut last_message: Option<String> = None;
    let mut first_message = None;
    let mut evidence = serde_json::Map::new();

    let fail_with = |ending: Ending, seen: usize, last: &Option<String>| -> AttemptFailure {
        let close_code = match &ending {
            Ending::Closed { code, .. } => Some(*code),
            _ => None,
        };
        let mut evidence = serde_json::Map::new();
        ending_evidence(&mut evidence, &ending);
        if let Some(last) = last {
            evidence.insert("last_server_message".into(), json!(last));
        }
        let mut finding = classify::ending(&ending, &path, seen, opened_at.elapsed());
        if let Some(last) = last {
            finding.message = format!("{}; the server's last words: {last}", finding.message);
        }
        AttemptFailure {
            failed: Failed::with_evidence(finding, evidence),
            close_code,
        }
    };

    // Phase 1: the server's greeting, or a quiet socket that stays open through the settle window.
    let greeting_deadline = opened_at + limits.ws_timeout;
    loop {
        let wait = if seen == 0 {
            limits.settle.min(limits.ws_timeout)
        } else {
            greeting_deadline.saturating_duration_since(Instant::now())
        };
        match ws::next_message(&mut socket, wait, opened_at, &mut pings).await {
            Ok(message) => {
                seen += 1;
                first_message.get_or_insert(message.at);
                let excerpt = classify::body_excerpt(message.text.as_bytes());
                let error = is_error_message(&message.text);
                last_message = Some(excerpt);
                if !error {
                    break;
                }
                // An error message precedes a close: wait for it, to report the close code.
            }
            Err(Ending::StillOpen) if seen == 0 => break,
            Err(Ending::StillOpen) => {
                let finding = classify::finding(
                    Cause::ServerError,
                    format!(
                        "{path} sent an error and stayed open: {}",
                        last_message.clone().unwrap_or_default()
                    ),
                );
                return Err(Failed::new(finding).into());
            }
            Err(ending) => return Err(fail_with(ending, seen, &last_message)),
        }
    }
    if let Some(first) = first_message {
        ctx.log(
            CheckId::Terminal,
            format!("First message after {} ms", first.as_millis()),
        );
    }
    // Phase 2: --send / --expect, the end-to-end round trip.
    let mut matched = None;
    if let Some(text) = &ctx.config.send {
        if let Err(ending) = ws::send_text(&mut socket, text, limits.ws_timeout).await {
            return Err(fail_with(ending, seen, &last_message));
        }
    }
    if let Some(pattern) = &ctx.config.expect {
        let sent_at = Instant::now();
        let deadline = sent_at + limits.ws_timeout;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            match ws::next_message(&mut socket, wait, opened_at, &mut pings).await {
                Ok(message) => {
                    seen += 1;
                    last_message = Some(classify::body_excerpt(message.text.as_bytes()));
                    if pattern.is_match(&message.text) {
                        matched = Some(sent_at.elapsed());
                        break;
                    }
                }
                Err(Ending::StillOpen) => {
                    let mut evidence = serde_json::Map::new();
                    if let Some(last) = &last_message {
                        evidence.insert("last_server_message".into(), json!(last));
                    }
                    let finding = classify::finding(
                        Cause::ExpectNotMet,
                        format!(
                            "no message matched {:?} within {}",
                            pattern.as_str(),
                            humantime::format_duration(limits.ws_timeout)
                        ),
                    );
                    return Err(Failed::with_evidence(finding, evidence).into());
                }
                Err(ending) => return Err(fail_with(ending, seen, &last_message)),
            }
        }
    }
    evidence.insert("messages_received".into(), json!(seen));
    evidence.insert("server_pings".into(), json!(pings));
    if let Some(last) = &last_message {
        evidence.insert("last_server_message".into(), json!(last));
    }
    if let Some(rtt) = matched {
        evidence.insert("expect_round_trip_ms".into(), json!(ms(rtt)));
    }
    ws::close_normally(socket, Duration::from_millis(200)).await;
    evidence.insert("closed_by_client".into(), json!(1000));
    let summary = match (matched, first_message) {
        (Some(rtt), _) => format!(
            "session open; --expect matched in {:.1} ms",
            rtt.as_secs_f64() * 1000.0
        ),
        (None, Some(first)) => format!(
            "session open; first message after {:.1} ms",
            first.as_secs_f64() * 1000.0
        ),
        (None, None) => format!(
            "session open and quiet for {}",
            humantime::format_duration(limits.settle)
        ),
    };
    Ok((
        TerminalResult {
            summary: summary.clone(),
            timings: check.timings.clone(),
            first_message,
            evidence,
        },
        summary,
    ))
}

/// An Origin a browser on another site would send; `.invalid` can never be a real site.
pub const FOREIGN_ORIGIN: &str = "https://wsdoctor-foreign-site.invalid";

/// Repeats the upgrade with a foreign Origin: does the server enforce Origin? A socket that
/// authenticates by session or cookie and accepts any Origin is open to cross-site WebSocket
/// hijacking.
pub async fn origin(ctx: &RunContext) -> CheckReport {
    let mut check = CheckRun::start(CheckId::Origin);
    let authenticated_path = ctx.config.session.as_ref().and_then(|session| {
        render_template(&terminal_template(ctx), session)
            .map(|p| format!("{}{}", ctx.base_path(), p))
    });
    let (url, path, authenticated) = match (authenticated_path, ctx.config.kind) {
        (Some(path), TargetKind::Http) => (format!("{}{}", ctx.ws_base(), path), path, true),
        _ => {
            let (url, path) = ctx.echo_socket();
            (url, path, false)
        }
    };
    let cookie_auth = ctx
        .config
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("cookie"));
    if validate_socket_url(&url).is_err() {
        return CheckReport::skipped(CheckId::Origin, "the socket URL is unusable (see above)");
    }
    check.note("url", url.clone());
    check.note("origin_sent", FOREIGN_ORIGIN);
    let conn = match ctx.dial(&mut check, false).await {
        Ok(conn) => conn,
        Err(failed) => return check.fail(failed, ctx.platform().as_ref()),
    };
    let mut headers = vec![("Origin".to_string(), FOREIGN_ORIGIN.to_string())];
    headers.extend(upgrade_headers(ctx, false));
    match ws::open(conn, &url, &headers, ctx.config.limits.ws_timeout).await {
        Ok(opened) => {
            check.phase(ctx, "ws_handshake", opened.handshake);
            // A server may accept the upgrade and then close on the Origin; give it a moment.
            let mut socket = opened.socket;
            let mut pings = 0;
            let opened_at = Instant::now();
            let settle = ctx.config.limits.settle.min(ctx.config.limits.ws_timeout);
            let mut ending = ws::next_message(&mut socket, settle, opened_at, &mut pings).await;
            // An error message is the server's last word before a close: read on to the close.
            for _ in 0..8 {
                if !matches!(&ending, Ok(message) if is_error_message(&message.text)) {
                    break;
                }
                ending = ws::next_message(&mut socket, settle, opened_at, &mut pings).await;
            }
            let closed_on_origin = matches!(&ending, Err(Ending::Closed { code: 1008, reason }) if reason.to_ascii_lowercase().contains("origin"));
            ws::close_normally(socket, Duration::from_millis(200)).await;
            if closed_on_origin {
                check.note("enforced", true);
                return check.pass("Origin enforced: a foreign origin is closed with 1008");
            }
            check.note("enforced", false);
            // A socket the server closes at once (an invalid session, say) gives a foreign page
            // nothing to hijack; only one that stays open or talks does.
            let closed_at_once = match &ending {
                Err(Ending::Closed { code, .. }) => Some(*code),
                Err(Ending::Abnormal(_)) => Some(1006),
                _ => None,
            };
            if let Some(code) = closed_at_once {
                return check.pass(format!(
                    "the upgrade with a foreign Origin was accepted but the socket closed at once ({code}): nothing to hijack on {path}"
                ));
            }
            if authenticated || cookie_auth {
                check.warn(
                    format!("a foreign Origin is accepted on {path}"),
                    crate::report::Notice::new(
                        format!(
                            "the session-authenticated socket {path} accepts Origin {FOREIGN_ORIGIN}: any web page can open it with the user's session (cross-site WebSocket hijacking)"
                        ),
                        "check the Origin header on upgrade against an allow list (the same list as CORS: FRONTEND_URL)",
                    ),
                )
            } else {
                check.pass(format!(
                    "Origin not enforced on {path} (no session on it, so no hijacking risk)"
                ))
            }
        }
        Err(OpenFailure::Rejected { status, .. }) if matches!(status.as_u16(), 401 | 403) => {
            check.note("enforced", true);
            check.pass(format!(
                "Origin enforced: a foreign origin gets {}",
                status.as_u16()
            ))
        }
        Err(failure) => {
            let finding = classify::open_failure(&failure, &path);
            check.warn(
                format!(
                    "the foreign-origin probe did not complete: {}",
                    finding.message
                ),
                crate::report::Notice::new(
                    "could not tell whether Origin is enforced",
                    "rerun; if it persists, the failure above explains it",
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        for _ in 0..50 {
            let d2 = backoff(base, 2);
            assert!(d2 >= Duration::from_millis(50) && d2 <= Duration::from_millis(150));
            let d20 = backoff(base, 20);
            assert!(d20 <= MAX_BACKOFF.mul_f64(1.5));
        }
    }

    #[test]
    fn fragments_are_refused_like_browsers_do() {
        assert!(validate_socket_url("ws://a/b#c").is_err());
        assert!(validate_socket_url("http://a/b").is_err());
        assert!(validate_socket_url("wss://a/b?x=1").is_ok());
    }
}
