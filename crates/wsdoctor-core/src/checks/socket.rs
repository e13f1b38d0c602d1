//! What the socket checks (echo, terminal, origin, hold) share: opening a socket as a browser
//! would and diagnosing a refusal with everything the run knows, the web client's bounded retries,
//! and reading how a socket ended.

use super::connect::dial;
use super::{CheckRun, Failed};
use crate::context::Ctx;
use crate::diagnose::classify::{self, UpgradeContext};
use crate::diagnose::platform;
use crate::facts::Inputs;
use crate::probe::request::USER_AGENT;
use crate::probe::ws::{self, Ending, OpenFailure, Opened, Upgrade};
use crate::settings::{render_template, DEFAULT_TERMINAL_TEMPLATE};
use serde_json::Value;
use std::time::{Duration, Instant};
use wsdoctor_model::evidence::{Common, TargetKind};
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
///     retries.begin(&check);
///     let result = attempt(&mut check).await;
///     match retries.end(&mut check, result) {
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
    started: Duration,
    start: Instant,
    attempts: Vec<Attempt>,
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
            started: Duration::ZERO,
            start: Instant::now(),
            attempts: Vec::new(),
        }
    }

    /// Starts the next attempt.
    pub(crate) fn begin(&mut self, check: &CheckRun) {
        self.number += 1;
        self.ctx.log(
            check.id,
            format!(
                "Connecting to {} (attempt {}/{})",
                self.url, self.number, self.ctx.settings.limits.attempts
            ),
        );
        self.started = check.elapsed();
        self.start = Instant::now();
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

    /// Records how the attempt ended and decides what comes next.
    pub(crate) fn end<T>(
        &mut self,
        check: &mut CheckRun,
        outcome: Result<(T, String), AttemptFailure>,
    ) -> Step<T> {
        let of = self.ctx.settings.limits.attempts;
        let number = self.number;
        let duration = self.start.elapsed();
        let (record, step) = match outcome {
            Ok((value, summary)) => (
                Attempt {
                    number,
                    started_ms: ms(self.started),
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
                let delay = (cause.retryable() && number < of)
                    .then(|| backoff(self.ctx.settings.limits.retry_delay, number + 1));
                let record = Attempt {
                    number,
                    started_ms: ms(self.started),
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
        check.attempts = Some(self.attempts.clone());
        step
    }

    /// The failure the check reports when it stops trying: the root cause, with the web client's
    /// MAX_RETRIES_EXCEEDED beside it when every one of several attempts failed.
    fn give_up(&self, last: AttemptFailure) -> Failed {
        let made = self.attempts.len() + 1;
        let mut failed = last.failed;
        if made > 1 && failed.finding.cause.retryable() {
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

/// Opens a socket to `url` as a browser on the frontend would, diagnosing a refusal with
/// everything the run knows: what `/health` said, whether the same upgrade works without our
/// Origin, whether an Envoy edge stands in front.
pub(crate) async fn open(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    url: &str,
    path: &str,
) -> Result<Opened, AttemptFailure> {
    let conn = dial(ctx, check, inputs, None).await?;
    let settings = &ctx.settings;
    let timeout = settings.limits.ws_timeout;
    let origin = settings.origin.as_deref();
    let headers = upgrade_headers(ctx, origin);
    let upgrade = Upgrade {
        url,
        headers: &headers,
        protocols: &settings.subprotocols,
    };
    match ws::open(conn, &upgrade, timeout).await {
        Ok(opened) => {
            check.phase(ctx, Phase::WsHandshake, opened.handshake);
            check.saw(platform::from_headers(&opened.headers));
            check.common().subprotocol.clone_from(&opened.protocol);
            ctx.log(
                check.id,
                format!("Connected in {} ms", opened.handshake.as_millis()),
            );
            Ok(opened)
        }
        Err(OpenFailure::Rejected {
            status,
            version,
            headers,
            body,
        }) => {
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
                    accepted_without_origin(ctx, check.id, inputs, url).await;
                evidence.accepted_without_origin = Some(upgrade.accepted_without_origin);
            }
            let finding = classify::upgrade_refused(status, &headers, &body, &upgrade);
            if finding.cause == Cause::AppRunnerUpgradeBlocked {
                check.saw([Platform::seen(
                    PlatformId::AwsAppRunner,
                    "Envoy edge refuses the upgrade while plain HTTP works",
                )]);
            }
            Err(Failed::with_evidence(finding, evidence).into())
        }
        Err(failure) => Err(Failed::new(classify::open_failure(&failure, path)).into()),
    }
}

/// The Origin probe: repeats the upgrade without our Origin and says whether it is accepted.
async fn accepted_without_origin(ctx: &Ctx, id: CheckId, inputs: &Inputs, url: &str) -> bool {
    let mut scratch = CheckRun::start(id, inputs);
    let Ok(conn) = dial(ctx, &mut scratch, inputs, None).await else {
        return false;
    };
    let headers = upgrade_headers(ctx, None);
    let upgrade = Upgrade {
        url,
        headers: &headers,
        protocols: &ctx.settings.subprotocols,
    };
    match ws::open(conn, &upgrade, ctx.settings.limits.connect_timeout).await {
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
    url: &str,
    path: &str,
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
    if !closed_at_once || !stays_open_without_origin(ctx, id, inputs, url).await {
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
async fn stays_open_without_origin(ctx: &Ctx, id: CheckId, inputs: &Inputs, url: &str) -> bool {
    let mut scratch = CheckRun::start(id, inputs);
    let Ok(conn) = dial(ctx, &mut scratch, inputs, None).await else {
        return false;
    };
    let headers = upgrade_headers(ctx, None);
    let upgrade = Upgrade {
        url,
        headers: &headers,
        protocols: &ctx.settings.subprotocols,
    };
    let Ok(opened) = ws::open(conn, &upgrade, ctx.settings.limits.connect_timeout).await else {
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
        Ending::StillOpen => {}
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

    #[test]
    fn fragments_are_refused_like_browsers_do() {
        assert!(validate_url("ws://a/b#c").is_err());
        assert!(validate_url("http://a/b").is_err());
        assert!(validate_url("wss://a/b?x=1").is_ok());
    }
}
