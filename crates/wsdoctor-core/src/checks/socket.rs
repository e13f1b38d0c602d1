//! What the socket checks (echo, terminal, origin, hold) share: opening a socket as a browser
//! would and diagnosing a refusal with everything the run knows, the web client's bounded retries,
//! and reading how a socket ended.

use super::connect::dial;
use super::{CheckRun, Failed};
use crate::context::Ctx;
use crate::diagnose::classify::{self, UpgradeContext};
use crate::diagnose::platform;
use crate::facts::Inputs;
use crate::probe::h2;
use crate::probe::request::USER_AGENT;
use crate::probe::ws::{self, Ending, OpenFailure, Opened, Upgrade};
use crate::settings::{
    render_template, Roads, ALPN_BROWSER, ALPN_HTTP1, DEFAULT_TERMINAL_TEMPLATE,
};
use serde_json::Value;
use std::time::{Duration, Instant};
pub(crate) use wsdoctor_model::evidence::Road;
use wsdoctor_model::evidence::{Common, Http2Frames, RoadOutcome, RoadReport, TargetKind};
use wsdoctor_model::{
    ms, Attempt, AttemptOutcome, Cause, CheckId, Code, Event, Notice, Phase, Platform, PlatformId,
};

/// The longest pause between attempts, whatever `--retry-delay` doubles to.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// How long a socket gets to finish the closing handshake once a check is done with it: short,
/// because a check promises to end soon after it has its answer.
pub(crate) const CLOSE_WAIT: Duration = Duration::from_millis(200);

/// What a failed attempt leaves behind.
#[derive(Debug)]
pub(crate) struct AttemptFailure {
    /// The diagnosis, with the attempt's evidence.
    pub(crate) failed: Failed,
    /// The close code, when the server sent one.
    pub(crate) close_code: Option<u16>,
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
pub(crate) fn backoff(base: Duration, next: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << next.saturating_sub(2).min(16));
    let capped = exp.min(MAX_BACKOFF);
    capped.mul_f64(0.5 + fastrand::f64())
}

/// The web client's bounded retries, driven by the check:
///
/// ```text
/// let mut retries = Retries::new(ctx, url);
/// let outcome = loop {
///     let clock = retries.begin(&check);
///     let result = attempt(&mut check).await;
///     match retries.end(clock, &mut check, result, true) {
///         Step::Retry(delay) => tokio::time::sleep(delay).await,
///         Step::Done(outcome) => break outcome,
///     }
/// };
/// ```
///
/// Every attempt is logged as the web client's console does and recorded in the report; only a
/// retryable cause is retried, at most `--attempts` times, with [`backoff`] between attempts.
pub(crate) struct Retries<'a> {
    ctx: &'a Ctx,
    url: &'a str,
    number: u32,
    attempts: Vec<Attempt>,
    /// When each recorded attempt ended, on the wall clock.
    ended: Vec<Instant>,
}

/// When one attempt began, on the check's clock and the wall's, and when it ended if it ended
/// before its turn to be recorded.
pub(crate) struct Clock {
    number: u32,
    started: Duration,
    start: Instant,
    ended: Option<Instant>,
}

/// What to do after an attempt.
pub(crate) enum Step<T> {
    /// Wait this long, then try again.
    Retry(Duration),
    /// The outcome of the check's attempts.
    Done(Result<T, Failed>),
}

impl<'a> Retries<'a> {
    pub(crate) fn new(ctx: &'a Ctx, url: &'a str) -> Retries<'a> {
        Retries {
            ctx,
            url,
            number: 0,
            attempts: Vec::new(),
            ended: Vec::new(),
        }
    }

    /// Starts the next attempt.
    pub(crate) fn begin(&mut self, check: &CheckRun) -> Clock {
        self.number += 1;
        self.ctx.log(
            check.id,
            format!(
                "Connecting to {} (attempt {}/{})",
                self.url, self.number, self.ctx.settings.limits.attempts
            ),
        );
        Clock {
            number: self.number,
            started: check.elapsed(),
            start: Instant::now(),
            ended: None,
        }
    }

    /// Attempts left after the ones begun.
    fn left(&self) -> u32 {
        self.ctx
            .settings
            .limits
            .attempts
            .saturating_sub(self.number)
    }

    /// When attempts failed before one worked: how many failed, and the cause of the last of them.
    /// That intermittent failure is the browser's 1006: worth a warning even when a retry hid it.
    pub(crate) fn recovered(&self) -> Option<(usize, Cause)> {
        let failed: Vec<Cause> = self
            .attempts
            .iter()
            .filter(|a| a.outcome == AttemptOutcome::Fail)
            .filter_map(|a| a.cause)
            .collect();
        let worked = self
            .attempts
            .last()
            .is_some_and(|a| a.outcome == AttemptOutcome::Ok);
        match failed.last() {
            Some(cause) if worked => Some((failed.len(), *cause)),
            _ => None,
        }
    }

    /// The warning for a check that only worked on a retry, if it did.
    pub(crate) fn warning(&self) -> Option<Notice> {
        let (failed, cause) = self.recovered()?;
        let tried = self.attempts.len();
        let browser = if cause.code() == Code::AbnormalClosure {
            " (what a browser reports as 1006)"
        } else {
            ""
        };
        Some(Notice::of(
            cause,
            format!(
                "{failed} of {tried} attempts failed with {}{browser} before one worked: the socket is intermittent",
                cause.as_str()
            ),
            format!(
                "Users see this as sockets that drop and reconnect. {}",
                cause.hint()
            ),
        ))
    }

    /// Records how the attempt ended and decides what comes next; without `may_retry` a failure
    /// is final.
    pub(crate) fn end<T>(
        &mut self,
        clock: Clock,
        check: &mut CheckRun,
        outcome: Result<(T, String), AttemptFailure>,
        may_retry: bool,
    ) -> Step<T> {
        let of = self.ctx.settings.limits.attempts;
        let number = clock.number;
        let ended = clock.ended.unwrap_or_else(Instant::now);
        let duration = ended.saturating_duration_since(clock.start);
        let (record, step) = match outcome {
            Ok((value, summary)) => (
                Attempt {
                    number,
                    started_ms: ms(clock.started),
                    duration_ms: ms(duration),
                    outcome: AttemptOutcome::Ok,
                    cause: None,
                    summary,
                    close_code: None,
                    retry_in_ms: None,
                },
                Step::Done(Ok(value)),
            ),
            Err(failure) => {
                let cause = failure.failed.finding.cause;
                let delay = (may_retry && cause.retryable() && self.left() > 0)
                    .then(|| backoff(self.ctx.settings.limits.retry_delay, number + 1));
                let record = Attempt {
                    number,
                    started_ms: ms(clock.started),
                    duration_ms: ms(duration),
                    outcome: AttemptOutcome::Fail,
                    cause: Some(cause),
                    summary: failure.failed.finding.message.clone(),
                    close_code: failure.close_code,
                    retry_in_ms: delay.map(ms),
                };
                self.ctx.log(
                    check.id,
                    format!("Attempt {number} failed: {}", record.summary),
                );
                let step = match delay {
                    Some(delay) => {
                        self.ctx.log(
                            check.id,
                            format!("Reconnecting in {} ms", delay.as_millis()),
                        );
                        Step::Retry(delay)
                    }
                    None => Step::Done(Err(self.give_up(failure))),
                };
                (record, step)
            }
        };
        self.ctx.emit(Event::Attempt {
            id: check.id,
            of,
            attempt: record.clone(),
        });
        self.attempts.push(record);
        self.ended.push(ended);
        check.attempts = Some(self.attempts.clone());
        step
    }

    /// The failure the check reports when it stops trying: the root cause, with the web client's
    /// MAX_RETRIES_EXCEEDED beside it when every one of several attempts failed.
    fn give_up(&self, last: AttemptFailure) -> Failed {
        let made = self.attempts.len() + 1;
        let left = self.left();
        let mut failed = last.failed;
        if made > 1 && left > 0 && is_silence(failed.finding.cause) {
            // Not the web client's MAX_RETRIES_EXCEEDED: its retries were not all made.
            let of = self.ctx.settings.limits.attempts;
            failed.finding.message = format!(
                "{}; {made} attempts were silent, the other {left} not made (each would wait as long again; --attempts {of} makes them all)",
                failed.finding.message
            );
        } else if made > 1 && failed.finding.cause.retryable() {
            let earlier: Vec<&str> = self
                .attempts
                .iter()
                .filter_map(|a| a.cause)
                .filter(|c| *c != failed.finding.cause)
                .map(|c| c.as_str())
                .collect();
            let earlier = if earlier.is_empty() {
                String::new()
            } else {
                format!(" (earlier attempts: {})", earlier.join(", "))
            };
            failed.finding.message = format!(
                "every one of {made} attempts failed{earlier}; the last: {}",
                failed.finding.message
            );
            failed.finding.also = vec![Code::MaxRetriesExceeded];
        }
        failed
    }
}

/// The headers of an upgrade: Origin (when known and wanted), who we are, and the user's headers.
pub(crate) fn upgrade_headers(ctx: &Ctx, origin: Option<&str>) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    if let Some(origin) = origin {
        headers.push(("Origin".to_string(), origin.to_string()));
    }
    headers.push(("User-Agent".to_string(), USER_AGENT.to_string()));
    headers.extend(
        ctx.settings
            .headers
            .iter()
            .map(|h| (h.name.clone(), h.value.reveal().to_string())),
    );
    headers
}

/// The roads a socket check takes, the one a browser prefers first: over HTTP/2 when the origin
/// agreed on `h2` (and `--http1-only` does not forbid it), then over HTTP/1.1 to compare; only
/// HTTP/2 under `--http2`; only HTTP/1.1 on a plain target, where browsers never speak HTTP/2.
pub(crate) fn roads(ctx: &Ctx, inputs: &Inputs) -> Vec<Road> {
    if !ctx.settings.target.uses_tls() {
        return vec![Road::Http1];
    }
    match ctx.settings.roads {
        Roads::Http1Only => vec![Road::Http1],
        Roads::Http2 => vec![Road::Http2],
        Roads::Browser if inputs.facts.speaks_h2() => vec![Road::Http2, Road::Http1],
        Roads::Browser => vec![Road::Http1],
    }
}

/// The road the sockets after the echo take: the one the echo's socket took.
pub(crate) fn echo_road(inputs: &Inputs) -> Road {
    inputs.facts.road.unwrap_or(Road::Http1)
}

/// Why a socket did not open, before any judgement: the connection, or the answer to the upgrade.
#[derive(Debug)]
pub(crate) enum NotOpened {
    /// TCP, the proxy or TLS failed, already diagnosed.
    Dial(Failed),
    /// The upgrade (or the extended CONNECT) did not produce a socket.
    Open(OpenFailure),
}

/// Opens a socket on `road` as `upgrade` asks, timing the phases into `check`: a connection of its
/// own offering ALPN `http/1.1` and an HTTP/1.1 upgrade, as a browser without an HTTP/2
/// connection does; or a connection offering `h2, http/1.1` and an extended CONNECT.
pub(crate) async fn connect(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    upgrade: &Upgrade<'_>,
    road: Road,
    timeout: Duration,
) -> Result<Opened, NotOpened> {
    let alpn = match road {
        Road::Http1 => ALPN_HTTP1,
        Road::Http2 => ALPN_BROWSER,
    };
    let conn = dial(ctx, check, inputs, None, alpn)
        .await
        .map_err(NotOpened::Dial)?;
    if road == Road::Http1 {
        // Offered http/1.1 alone, a server that speaks h2 when offered it and agrees on nothing
        // here is an HTTP/2-only listener (HAProxy with `alpn h2` does that, then hangs up).
        let agreed_nothing =
            ctx.settings.target.uses_tls() && conn.alpn().is_none() && inputs.facts.speaks_h2();
        let opened = match ws::open(conn, upgrade, timeout).await {
            Ok(opened) => opened,
            Err(
                failure @ (OpenFailure::NoAnswer
                | OpenFailure::Io(_)
                | OpenFailure::InvalidHandshake(_)
                | OpenFailure::Timeout { .. }),
            ) if agreed_nothing => {
                return Err(NotOpened::Open(OpenFailure::NoHttp1 {
                    then: Box::new(failure),
                }))
            }
            Err(failure) => return Err(NotOpened::Open(failure)),
        };
        check.phase(ctx, Phase::WsHandshake, opened.handshake);
        return Ok(opened);
    }
    if !conn.is_h2() {
        let alpn = conn.alpn().map(|a| String::from_utf8_lossy(a).into_owned());
        return Err(NotOpened::Open(OpenFailure::NotHttp2 { alpn }));
    }
    let (outcome, timings) = h2::open(conn, upgrade, timeout).await;
    if let Some(settings) = timings.settings {
        check.phase(ctx, Phase::H2Settings, settings);
    }
    if let Some(connect) = timings.connect {
        check.phase(ctx, Phase::H2Connect, connect);
    }
    match outcome {
        Ok(opened) => Ok(opened),
        Err(failure) => {
            if let OpenFailure::NoExtendedConnect = &failure {
                check.common().http2 = Some(Http2Frames {
                    extended_connect: Some(false),
                    ..Http2Frames::default()
                });
            }
            if let OpenFailure::StreamReset { code } = &failure {
                check.common().http2 = Some(Http2Frames {
                    rst_stream: Some(h2::error_name(*code)),
                    ..Http2Frames::default()
                });
            }
            if let OpenFailure::GoAway(goaway) = &failure {
                check.common().http2 = Some(Http2Frames {
                    goaway: Some(goaway.describe()),
                    ..Http2Frames::default()
                });
            }
            Err(NotOpened::Open(failure))
        }
    }
}

/// Records what the HTTP/2 connection under a socket said, and when its first DATA frame came:
/// called once the socket did its job, so the first frame is in.
pub(crate) fn record_http2(ctx: &Ctx, check: &mut CheckRun, socket: &ws::Socket) {
    let Some((seen, opened)) = socket.get_ref().http2() else {
        return;
    };
    if let Some(first) = seen.first_data_at {
        check.phase(
            ctx,
            Phase::H2FirstFrame,
            first.saturating_duration_since(opened),
        );
    }
    check.common().http2 = Some(seen.evidence());
}

/// Opens a socket to `url` on `road` as a browser on the frontend would, diagnosing a refusal
/// with everything the run knows: what `/health` said, whether the same upgrade works without our
/// Origin, whether an Envoy edge stands in front.
pub(crate) async fn open(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    (url, path): (&str, &str),
    road: Road,
) -> Result<Opened, AttemptFailure> {
    let settings = &ctx.settings;
    let timeout = check.wait_at_most(settings.limits.ws_timeout);
    let origin = settings.origin.as_deref();
    let headers = upgrade_headers(ctx, origin);
    let upgrade = Upgrade {
        url,
        headers: &headers,
        protocols: &settings.subprotocols,
        trace: ctx.trace(check.id),
    };
    check.common().http_version = Some(road.name().to_string());
    let opened = connect(ctx, check, inputs, &upgrade, road, timeout).await;
    match opened {
        Ok(opened) => {
            check.saw(platform::from_headers(&opened.headers));
            check.common().subprotocol.clone_from(&opened.protocol);
            ctx.log(
                check.id,
                format!("Connected in {} ms", opened.handshake.as_millis()),
            );
            Ok(opened)
        }
        Err(NotOpened::Dial(failed)) => Err(failed.into()),
        Err(NotOpened::Open(OpenFailure::Rejected {
            status,
            version,
            headers,
            body,
        })) => {
            check.saw(platform::from_headers(&headers));
            let mut evidence = Common::default();
            classify::response_evidence(
                &mut evidence,
                &ctx.redactor,
                crate::probe::http::status_line(version, status),
                &headers,
                &body,
            );
            let health = inputs.health().await;
            let mut upgrade = UpgradeContext {
                host: settings.target.host(),
                path: path.to_string(),
                health_ok: health.ok,
                health_via_envoy: health.via_envoy,
                path_advertised: health.advertises(path),
                accepted_without_origin: false,
            };
            if matches!(status.as_u16(), 401 | 403) && origin.is_some() {
                upgrade.accepted_without_origin =
                    accepted_without_origin(ctx, check.id, inputs, url, road).await;
                evidence.accepted_without_origin = Some(upgrade.accepted_without_origin);
            }
            let finding = match road {
                Road::Http2 if !upgrade.accepted_without_origin => classify::finding(
                    Cause::H2ConnectRefused,
                    format!(
                        "the HTTP/2 extended CONNECT for {path} (RFC 8441) was answered {} instead of 200",
                        crate::probe::http::status_line(version, status)
                    ),
                ),
                _ => classify::upgrade_refused(status, &headers, &body, &upgrade),
            };
            if finding.cause == Cause::AppRunnerUpgradeBlocked {
                check.saw([Platform::seen(
                    PlatformId::AwsAppRunner,
                    "Envoy edge refuses the upgrade while plain HTTP works",
                )]);
            }
            Err(Failed::with_evidence(finding, evidence).into())
        }
        Err(NotOpened::Open(failure)) => {
            Err(Failed::new(classify::open_failure(&failure, path)).into())
        }
    }
}

/// What a socket check's successful attempt reports: a summary the road comparison adds to.
pub(crate) trait Summarised {
    /// The line the check reports.
    fn summary(&self) -> &str;
    /// The same, to extend.
    fn summary_mut(&mut self) -> &mut String;
}

/// One road's run of a socket check: its own timings, evidence and attempts, and how it ended.
pub(crate) struct RoadRun<T> {
    /// The road.
    pub(crate) road: Road,
    /// What the run gathered.
    pub(crate) check: CheckRun,
    /// How its attempts ended.
    pub(crate) outcome: Result<T, Failed>,
    /// The warning for a socket that only worked on a retry.
    pub(crate) recovered: Option<Notice>,
    /// When each failed attempt ended, on the wall clock: whether another road's socket was open
    /// then (see `roads::side_by_side`).
    pub(crate) failed_at: Vec<Instant>,
}

/// A cause that means nothing came back for a whole timeout: a retry waits for it all again.
fn is_silence(cause: Cause) -> bool {
    matches!(
        cause,
        Cause::TcpTimeout
            | Cause::TlsTimeout
            | Cause::HttpTimeout
            | Cause::HandshakeTimeout
            | Cause::ClientTimeout
    )
}

/// How long an attempt stays silent before a second one overlaps it (unless `--attempts` was
/// given): long enough that a server which answers at all has answered, short enough that an
/// intermittent hang is told from a hang within the first attempt's timeout.
const OVERLAP_AFTER: Duration = Duration::from_secs(2);

/// A socket check's attempts on one road, with the web client's bounded retries; a final failure
/// is looked at again in case it is the server refusing our Origin by a close.
///
/// Unless `--attempts` asks for the web client's exact sequence, an attempt still silent after
/// [`OVERLAP_AFTER`] gets a second attempt beside it instead of a retry after it: a hang then
/// costs one client timeout, not five, and an intermittent hang (the second answers) is still
/// told from a permanent one. Once both have been silent, no attempt is made again.
pub(crate) async fn run_road<T, Fut>(
    ctx: &Ctx,
    inputs: &Inputs,
    id: CheckId,
    (url, path): (&str, &str),
    road: Road,
    dual: bool,
    // The run goes into each attempt and comes back with it: a closure whose future borrowed it
    // would need a higher-ranked bound, and such futures are not provably Send.
    mut attempt: impl FnMut(CheckRun) -> Fut,
) -> RoadRun<T>
where
    Fut: std::future::Future<Output = (CheckRun, Result<(T, String), AttemptFailure>)>,
{
    let mut check = CheckRun::start(id, inputs);
    let label = road_label(url, road, dual);
    let mut retries = Retries::new(ctx, &label);
    let overlap_after = OVERLAP_AFTER.min(ctx.settings.limits.ws_timeout / 4);
    let outcome = loop {
        let clock = retries.begin(&check);
        check.answer_by = ctx.answer_by().map(|(by, _)| by);
        let overlap = !ctx.settings.limits.exact_attempts && retries.left() > 0;
        let first = attempt(check);
        tokio::pin!(first);
        let (returned, result) = tokio::select! {
            done = &mut first => done,
            () = tokio::time::sleep(overlap_after), if overlap => {
                ctx.log(id, format!(
                    "Attempt {} silent for {} ms: attempt {} overlaps it",
                    clock.number, overlap_after.as_millis(), clock.number + 1
                ));
                let mut spare = CheckRun::start(id, inputs);
                spare.answer_by = ctx.answer_by().map(|(by, _)| by);
                let second_clock = retries.begin(&spare);
                let second = attempt(spare);
                tokio::pin!(second);
                let mut second_done = None;
                let mut clock = clock;
                let mut second_clock = second_clock;
                // On the check's clock, which the first attempt holds.
                second_clock.started = clock.started + clock.start.elapsed();
                let (returned, result) = tokio::select! {
                    done = &mut first => done,
                    done = &mut second => {
                        second_clock.ended = Some(Instant::now());
                        second_done = Some(done);
                        first.await
                    }
                };
                clock.ended = Some(Instant::now());
                let mut first_check = returned;
                let result = explain_cut(ctx, &first_check, result);
                if result.is_ok() {
                    // The first attempt answered: the second was only a question about it.
                    let step = retries.end(clock, &mut first_check, result, false);
                    check = first_check;
                    match step {
                        Step::Done(outcome) => break outcome,
                        Step::Retry(_) => unreachable!("a success is final"),
                    }
                }
                let (second_check, second_result) = match second_done {
                    Some(done) => done,
                    None => second.await,
                };
                let second_result = explain_cut(ctx, &second_check, second_result);
                let silent = [&result, &second_result].iter().any(|r| {
                    r.as_ref().err().is_some_and(|f| is_silence(f.failed.finding.cause))
                });
                let _ = retries.end(clock, &mut first_check, result, false);
                let mut later = second_check;
                later.started = first_check.started;
                later.absorb(first_check);
                let step = retries.end(second_clock, &mut later, second_result, !silent);
                check = later;
                match step {
                    Step::Retry(delay) => {
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    Step::Done(outcome) => break outcome,
                }
            }
        };
        check = returned;
        let result = explain_cut(ctx, &check, result);
        let may_retry = ctx.settings.limits.exact_attempts
            || result
                .as_ref()
                .err()
                .is_none_or(|f| !is_silence(f.failed.finding.cause))
            || ctx.answer_by().is_none();
        match retries.end(clock, &mut check, result, may_retry) {
            Step::Retry(delay) => tokio::time::sleep(delay).await,
            Step::Done(outcome) => break outcome,
        }
    };
    check.attempts = Some(retries.attempts.clone());
    let recovered = retries.warning();
    let failed_at = retries
        .attempts
        .iter()
        .zip(&retries.ended)
        .filter(|(a, _)| a.outcome == AttemptOutcome::Fail)
        .map(|(_, ended)| *ended)
        .collect();
    let outcome = match outcome {
        Err(failed) => {
            Err(origin_refused_by_close(ctx, check.id, inputs, (url, path), road, failed).await)
        }
        ok => ok,
    };
    RoadRun {
        road,
        check,
        outcome,
        recovered,
        failed_at,
    }
}

/// A silent attempt whose wait the run's budget cut short says so (see [`Ctx::answer_by`]): the
/// timeout it names is ours, not the web client's.
fn explain_cut<T>(
    ctx: &Ctx,
    check: &CheckRun,
    result: Result<(T, String), AttemptFailure>,
) -> Result<(T, String), AttemptFailure> {
    let Err(mut failure) = result else {
        return result;
    };
    if let (true, Some((_, silence))) = (check.cut_short, ctx.answer_by()) {
        if is_silence(failure.failed.finding.cause) {
            failure.failed.finding.message = format!(
                "{} (waited less than the client's {}, to answer within one client timeout: the target was already silent to {silence})",
                failure.failed.finding.message,
                humantime::format_duration(ctx.settings.limits.ws_timeout)
            );
        }
    }
    Err(failure)
}

impl<T: Summarised> RoadRun<T> {
    /// How the road fared: a road the server does not offer (no HTTP/2, or no extended CONNECT)
    /// is one a browser never takes, not one that fails.
    fn standing(&self) -> RoadOutcome {
        match &self.outcome {
            Ok(_) => RoadOutcome::Works,
            Err(failed)
                if self.road == Road::Http2
                    && matches!(
                        failed.finding.cause,
                        Cause::ExtendedConnectDisabled | Cause::AlpnMismatch
                    ) =>
            {
                RoadOutcome::Unavailable
            }
            Err(_) => RoadOutcome::Fails,
        }
    }

    fn report(&self) -> RoadReport {
        let (summary, cause) = match &self.outcome {
            Ok(result) => (result.summary().to_string(), None),
            Err(failed) => (failed.finding.message.clone(), Some(failed.finding.cause)),
        };
        RoadReport {
            road: self.road,
            outcome: self.standing(),
            summary,
            cause,
            timings: self.check.timings.clone(),
        }
    }

    fn cause(&self) -> Option<Cause> {
        self.outcome.as_ref().err().map(|f| f.finding.cause)
    }

    fn message(&self) -> String {
        match &self.outcome {
            Ok(result) => result.summary().to_string(),
            Err(failed) => failed.finding.message.clone(),
        }
    }
}

/// What the roads add up to for a socket check.
pub(crate) struct Compared<T> {
    /// The check's outcome, on the road it reports.
    pub(crate) outcome: Result<T, Failed>,
    /// A warning about the roads, or about a socket that only worked on a retry.
    pub(crate) warning: Option<Notice>,
}

/// Compares the roads a socket check took (HTTP/2 first when there are two) as browsers would
/// meet them, and folds the road the verdict rests on into `check`:
///
/// - both work: pass, over HTTP/2;
/// - HTTP/2 not offered (no `h2`, or no extended CONNECT): browsers use HTTP/1.1; its result
///   stands, with a note;
/// - only HTTP/2 works: a warning, since a browser without an HTTP/2 connection to the origin
///   opens the socket over HTTP/1.1 and fails;
/// - HTTP/2 announced but failing: a failure, since browsers holding an HTTP/2 connection take
///   it, even when HTTP/1.1 works;
/// - HTTP/1.1 refused by an HTTP/2-only listener that does not enable extended CONNECT: no
///   browser can open the socket, a failure of its own.
pub(crate) fn compare<T: Summarised>(
    check: &mut CheckRun,
    mut runs: Vec<RoadRun<T>>,
    path: &str,
) -> Compared<T> {
    let reports: Vec<RoadReport> = runs.iter().map(RoadRun::report).collect();
    let show_roads = runs.len() > 1 || runs.iter().any(|r| r.road == Road::Http2);
    let (chosen, other) = match (runs.pop(), runs.pop()) {
        (Some(last), Some(first)) => (first, Some(last)),
        (Some(only), None) => (only, None),
        (None, _) => {
            return Compared {
                outcome: Err(Failed::new(classify::finding(
                    Cause::InternalError,
                    format!("no road was tried for {path}"),
                ))),
                warning: None,
            }
        }
    };
    let (chosen, other) = match other {
        None => (chosen, None),
        Some(http1) => {
            let http2 = chosen;
            let nowhere = http2.cause() == Some(Cause::ExtendedConnectDisabled)
                && http1.cause() == Some(Cause::AlpnMismatch);
            match (http2.standing(), http1.standing()) {
                // No road at all: the HTTP/2 side, where the setting is missing, tells why.
                _ if nowhere => (http2, Some(http1)),
                (RoadOutcome::Unavailable, _) => (http1, Some(http2)),
                _ => (http2, Some(http1)),
            }
        }
    };
    let RoadRun {
        road,
        check: run,
        mut outcome,
        recovered,
        ..
    } = chosen;
    let mut warning = recovered;
    let note = match (road, &other) {
        (Road::Http2, None) => "over HTTP/2".to_string(),
        (Road::Http1, None) => String::new(),
        (Road::Http2, Some(http1)) => match (&mut outcome, http1.standing()) {
            (Ok(_), RoadOutcome::Works) => {
                warning = warning.or_else(|| http1.recovered.clone());
                "over HTTP/2 (HTTP/1.1 works too)".to_string()
            }
            (Ok(_), _) => {
                let cause = http1.cause().unwrap_or(Cause::AlpnMismatch);
                warning = Some(Notice::of(
                    cause,
                    format!(
                        "only HTTP/2 carries the socket (over HTTP/1.1: {}); a browser without an HTTP/2 connection to this origin opens the socket over HTTP/1.1 and fails",
                        http1.message()
                    ),
                    cause.hint(),
                ));
                "over HTTP/2 only".to_string()
            }
            (Err(failed), _)
                if failed.finding.cause == Cause::ExtendedConnectDisabled
                    && http1.cause() == Some(Cause::AlpnMismatch) =>
            {
                failed.finding.message = format!(
                    "{path}: the listener speaks only HTTP/2 and does not enable extended CONNECT (RFC 8441), so no browser can open a WebSocket here; over HTTP/1.1: {}",
                    http1.message()
                );
                String::new()
            }
            (Err(failed), RoadOutcome::Works) => {
                failed.finding.message = format!(
                    "{}; over HTTP/1.1 the socket works, but browsers holding an HTTP/2 connection to this origin take the road that fails",
                    failed.finding.message
                );
                String::new()
            }
            (Err(failed), _) if http1.cause() == Some(failed.finding.cause) => {
                failed.finding.message =
                    format!("{} (over HTTP/1.1 too)", failed.finding.message);
                String::new()
            }
            (Err(failed), _) => {
                failed.finding.message = format!(
                    "{}; over HTTP/1.1: {}",
                    failed.finding.message,
                    http1.message()
                );
                String::new()
            }
        },
        (Road::Http1, Some(http2)) => match &outcome {
            Ok(_) if http2.cause() == Some(Cause::ExtendedConnectDisabled) => {
                "over HTTP/1.1 (the server speaks HTTP/2 without extended CONNECT, so browsers use HTTP/1.1)".to_string()
            }
            Ok(_) => "over HTTP/1.1 (the server did not agree on HTTP/2 for the socket's connection)".to_string(),
            Err(_) => String::new(),
        },
    };
    if let Ok(result) = &mut outcome {
        if !note.is_empty() {
            let summary = result.summary_mut();
            *summary = format!("{summary}; {note}");
        }
    }
    check.absorb(run);
    if let Some(other) = other {
        check.learned.merge(&other.check.learned);
    }
    check.learned.road = Some(road);
    check.learned.working_roads = reports
        .iter()
        .filter(|r| r.outcome == RoadOutcome::Works)
        .map(|r| r.road)
        .collect();
    check.common().http_version = Some(road.name().to_string());
    if show_roads {
        check.common().roads = reports;
    }
    Compared { outcome, warning }
}

/// The Origin probe: repeats the upgrade without our Origin and says whether it is accepted.
async fn accepted_without_origin(
    ctx: &Ctx,
    id: CheckId,
    inputs: &Inputs,
    url: &str,
    road: Road,
) -> bool {
    let mut scratch = CheckRun::start(id, inputs);
    let headers = upgrade_headers(ctx, None);
    let upgrade = Upgrade {
        url,
        headers: &headers,
        protocols: &ctx.settings.subprotocols,
        trace: ctx.trace(id),
    };
    let timeout = ctx.settings.limits.connect_timeout;
    match connect(ctx, &mut scratch, inputs, &upgrade, road, timeout).await {
        Ok(opened) => {
            ws::close_normally(opened.socket, CLOSE_WAIT).await;
            true
        }
        Err(_) => false,
    }
}

/// A socket closed at once after a 101 reads as "no handler on this path", unless the server is
/// refusing our Origin by closing (express-ws behind the `cors` middleware does): when the same
/// upgrade without Origin stays open, that is what it is, and the finding says so.
pub(crate) async fn origin_refused_by_close(
    ctx: &Ctx,
    id: CheckId,
    inputs: &Inputs,
    (url, path): (&str, &str),
    road: Road,
    failed: Failed,
) -> Failed {
    let Some(origin) = ctx.settings.origin.as_deref() else {
        return failed;
    };
    let closed_at_once = match failed.finding.cause {
        Cause::NoRouteAfterOpen => true,
        // A 1008 that is not the validation timeout, straight after the handshake.
        // A 1008 before any message that is not the validation timeout.
        Cause::ServerTimeout => {
            failed.evidence.close_code == Some(1008)
                && failed.evidence.last_server_message.is_none()
                && !failed
                    .evidence
                    .close_reason
                    .as_deref()
                    .is_some_and(|r| r.to_ascii_lowercase().contains("timeout"))
        }
        _ => false,
    };
    if !closed_at_once || !stays_open_without_origin(ctx, id, inputs, url, road).await {
        return failed;
    }
    let code = failed
        .evidence
        .close_code
        .map(|c| c.to_string())
        .unwrap_or_else(|| "1006".into());
    let mut evidence = failed.evidence;
    evidence.accepted_without_origin = Some(true);
    Failed::with_evidence(
        classify::finding(
            Cause::OriginRejected,
            format!(
                "{path} accepts the upgrade with Origin {origin} and closes it at once ({code}), while the same upgrade without Origin stays open: the server refuses this Origin by closing, not with a 403"
            ),
        ),
        *evidence,
    )
}

/// Whether the upgrade without Origin opens and is still open a moment later.
async fn stays_open_without_origin(
    ctx: &Ctx,
    id: CheckId,
    inputs: &Inputs,
    url: &str,
    road: Road,
) -> bool {
    let mut scratch = CheckRun::start(id, inputs);
    let headers = upgrade_headers(ctx, None);
    let upgrade = Upgrade {
        url,
        headers: &headers,
        protocols: &ctx.settings.subprotocols,
        trace: ctx.trace(id),
    };
    let timeout = ctx.settings.limits.connect_timeout;
    let Ok(opened) = connect(ctx, &mut scratch, inputs, &upgrade, road, timeout).await else {
        return false;
    };
    let mut socket = opened.socket;
    let mut pings = 0;
    let settle = ORIGIN_SETTLE.min(ctx.settings.limits.ws_timeout);
    let ending = ws::next_message(&mut socket, settle, std::time::Instant::now(), &mut pings).await;
    ws::close_normally(socket, CLOSE_WAIT).await;
    // A message or silence means it stayed open; a close or a drop means it did not.
    matches!(ending, Ok(_) | Err(Ending::StillOpen))
}

/// How long the upgrade without Origin must stay open to count as accepted.
const ORIGIN_SETTLE: Duration = Duration::from_millis(300);

/// Checks a socket URL for what a browser's `new WebSocket()` would reject.
pub(crate) fn validate_url(url: &str) -> Result<(), Failed> {
    let invalid = |message: String| Failed::new(classify::finding(Cause::InvalidUrl, message));
    let parsed =
        url::Url::parse(url).map_err(|e| invalid(format!("{url} is not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "ws" | "wss") {
        return Err(invalid(format!("{url}: the scheme must be ws or wss")));
    }
    if parsed.fragment().is_some() {
        return Err(invalid(format!(
            "{url} has a fragment, which browsers refuse in a WebSocket URL"
        )));
    }
    Ok(())
}

/// How a socket ended, as evidence: the close code a browser shows (1006 when there was no valid
/// close frame), the reason, what the server really sent, the OS error.
pub(crate) fn ending_evidence(evidence: &mut Common, ending: &Ending) {
    evidence.close_code = ending.browser_code();
    match ending {
        Ending::Closed { reason, .. } => evidence.close_reason = Some(reason.clone()),
        Ending::InvalidClose { sent } => evidence.close_code_sent = *sent,
        Ending::Abnormal(e) | Ending::Violation(e) => evidence.os_error = Some(e.clone()),
        Ending::StreamReset(code) => {
            evidence.http2 = Some(Http2Frames {
                rst_stream: Some(h2::error_name(*code)),
                ..Http2Frames::default()
            });
        }
        Ending::GoAway(goaway) => {
            evidence.http2 = Some(Http2Frames {
                goaway: Some(goaway.describe()),
                ..Http2Frames::default()
            });
        }
        Ending::StillOpen => {}
    }
}

/// The name attempts are logged under: the URL, and the road when there is a choice of roads.
pub(crate) fn road_label(url: &str, road: Road, dual: bool) -> String {
    if dual || road == Road::Http2 {
        format!("{url} over {}", road.name())
    } else {
        url.to_string()
    }
}

/// The close code of an ending, when the server sent a valid one.
pub(crate) fn close_code(ending: &Ending) -> Option<u16> {
    match ending {
        Ending::Closed { code, .. } => Some(*code),
        _ => None,
    }
}

/// Whether a message is the platform's error message (`{"type":"error",…}`), which precedes a
/// close.
pub(crate) fn is_error_message(text: &str) -> bool {
    serde_json::from_str::<Value>(text).ok().is_some_and(|v| {
        v.get("type").and_then(Value::as_str) == Some("error") || v.get("error").is_some()
    })
}

/// The echo socket's URL and path: the target itself for a ws(s) target, else the echo path
/// under the base URL. The echo, hold and origin checks all open this one.
pub(crate) fn echo_socket(ctx: &Ctx) -> (String, String) {
    let target = &ctx.settings.target;
    match target.kind() {
        TargetKind::WebSocket => (target.url().to_string(), target.url().path().to_string()),
        TargetKind::Http => {
            let path = format!("{}{}", target.base_path(), ctx.settings.paths.echo);
            (format!("{}{}", target.ws_base(), path), path)
        }
    }
}

/// The terminal template: explicit, advertised by `/health`, or the platform's default.
pub(crate) fn terminal_template(ctx: &Ctx, inputs: &Inputs) -> String {
    ctx.settings
        .paths
        .terminal
        .clone()
        .or_else(|| {
            inputs
                .facts
                .health
                .as_ref()
                .and_then(|h| h.template("terminal", None))
        })
        .unwrap_or_else(|| DEFAULT_TERMINAL_TEMPLATE.to_string())
}

/// The terminal socket's URL and path for the run's session, or why there is none.
pub(crate) fn terminal_socket(
    ctx: &Ctx,
    inputs: &Inputs,
) -> Option<Result<(String, String, String), Failed>> {
    let session = ctx
        .settings
        .session
        .as_ref()
        .filter(|s| !s.reveal().trim().is_empty())?;
    let template = terminal_template(ctx, inputs);
    let Some(rendered) = render_template(&template, session.reveal()) else {
        return Some(Err(Failed::new(classify::finding(
            Cause::InvalidUrl,
            format!("the terminal path template {template:?} has no {{session}} or :param"),
        ))));
    };
    let target = &ctx.settings.target;
    let path = format!("{}{}", target.base_path(), rendered);
    Some(Ok((
        format!("{}{}", target.ws_base(), path),
        path,
        template,
    )))
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

    struct Done(String);

    impl Summarised for Done {
        fn summary(&self) -> &str {
            &self.0
        }

        fn summary_mut(&mut self) -> &mut String {
            &mut self.0
        }
    }

    fn road(road: Road, cause: Option<Cause>) -> RoadRun<Done> {
        RoadRun {
            road,
            check: CheckRun::start(CheckId::Echo, &Inputs::default()),
            outcome: match cause {
                None => Ok(Done("echo round trip 1.0 ms".into())),
                Some(cause) => Err(Failed::new(classify::finding(cause, cause.as_str()))),
            },
            recovered: None,
            failed_at: Vec::new(),
        }
    }

    fn compared(http2: Option<Cause>, http1: Option<Cause>) -> (Compared<Done>, CheckRun) {
        let mut check = CheckRun::start(CheckId::Echo, &Inputs::default());
        let runs = vec![road(Road::Http2, http2), road(Road::Http1, http1)];
        (compare(&mut check, runs, "/ws-test"), check)
    }

    #[test]
    fn the_roads_compare_as_browsers_meet_them() {
        // Both work: pass, over HTTP/2.
        let (both, check) = compared(None, None);
        assert!(both.warning.is_none());
        assert_eq!(
            both.outcome.unwrap().0,
            "echo round trip 1.0 ms; over HTTP/2 (HTTP/1.1 works too)"
        );
        assert_eq!(check.learned.road, Some(Road::Http2));
        assert_eq!(check.evidence.common.roads.len(), 2);
        // No extended CONNECT: browsers use HTTP/1.1, which works: a note, not a failure.
        let (note, check) = compared(Some(Cause::ExtendedConnectDisabled), None);
        assert!(note.outcome.unwrap().0.contains("without extended CONNECT"));
        assert_eq!(check.learned.road, Some(Road::Http1));
        assert_eq!(
            check.evidence.common.roads[0].outcome,
            RoadOutcome::Unavailable
        );
        // Only HTTP/2 works: a warning with the HTTP/1.1 road's cause.
        let (only, _) = compared(None, Some(Cause::AlpnMismatch));
        assert_eq!(only.warning.map(|w| w.cause), Some(Cause::AlpnMismatch));
        assert!(only.outcome.unwrap().0.ends_with("over HTTP/2 only"));
        // Announced and failing: a failure, even though HTTP/1.1 works.
        let (refused, _) = compared(Some(Cause::H2ConnectRefused), None);
        let failed = refused.outcome.err().unwrap();
        assert_eq!(failed.finding.cause, Cause::H2ConnectRefused);
        assert!(failed
            .finding
            .message
            .contains("over HTTP/1.1 the socket works"));
        // An HTTP/2-only listener without extended CONNECT: no road at all.
        let (nowhere, check) = compared(
            Some(Cause::ExtendedConnectDisabled),
            Some(Cause::AlpnMismatch),
        );
        let failed = nowhere.outcome.err().unwrap();
        assert_eq!(failed.finding.cause, Cause::ExtendedConnectDisabled);
        assert!(failed.finding.message.contains("speaks only HTTP/2"));
        assert_eq!(check.learned.road, Some(Road::Http2));
        // HTTP/2 not offered and HTTP/1.1 broken for its own reason: HTTP/1.1's failure stands.
        let (broken, _) = compared(
            Some(Cause::ExtendedConnectDisabled),
            Some(Cause::UpgradeNotForwarded),
        );
        assert_eq!(
            broken.outcome.err().unwrap().finding.cause,
            Cause::UpgradeNotForwarded
        );
        // Both fail the same way: said once.
        let (same, _) = compared(Some(Cause::SessionInvalid), Some(Cause::SessionInvalid));
        assert!(same
            .outcome
            .err()
            .unwrap()
            .finding
            .message
            .ends_with("(over HTTP/1.1 too)"));
    }

    #[test]
    fn one_road_is_reported_as_it_is() {
        let mut check = CheckRun::start(CheckId::Echo, &Inputs::default());
        let only = compare(&mut check, vec![road(Road::Http1, None)], "/ws-test");
        assert_eq!(only.outcome.unwrap().0, "echo round trip 1.0 ms");
        assert!(check.evidence.common.roads.is_empty());
        let mut check = CheckRun::start(CheckId::Echo, &Inputs::default());
        let strict = compare(&mut check, vec![road(Road::Http2, None)], "/ws-test");
        assert_eq!(
            strict.outcome.unwrap().0,
            "echo round trip 1.0 ms; over HTTP/2"
        );
        assert_eq!(check.evidence.common.roads.len(), 1);
    }

    #[test]
    fn fragments_are_refused_like_browsers_do() {
        assert!(validate_url("ws://a/b#c").is_err());
        assert!(validate_url("http://a/b").is_err());
        assert!(validate_url("wss://a/b?x=1").is_ok());
    }
}
