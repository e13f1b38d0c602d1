//! The web client's bounded retries of a socket attempt: backoff with jitter, every attempt recorded,
//! and the failure the check reports when it stops trying.

use crate::checks::{CheckRun, Failed};
use crate::context::Ctx;
use std::time::{Duration, Instant};
use wsdoctor_model::{ms, Attempt, AttemptOutcome, Cause, Code, Event, Notice};

/// The longest pause between attempts, whatever `--retry-delay` doubles to.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(8);

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
    /// The attempt's number, from 1.
    pub(crate) number: u32,
    /// When it began, on the check's clock.
    pub(crate) started: Duration,
    /// When it began, on the wall clock.
    pub(crate) start: Instant,
    /// When it ended, if before its turn to be recorded.
    pub(crate) ended: Option<Instant>,
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
    pub(crate) fn left(&self) -> u32 {
        self.ctx
            .settings
            .limits
            .attempts
            .saturating_sub(self.number)
    }

    /// The attempts recorded so far.
    pub(crate) fn recorded(&self) -> &[Attempt] {
        &self.attempts
    }

    /// When each failed attempt ended, on the wall clock.
    pub(crate) fn failed_at(&self) -> Vec<Instant> {
        self.attempts
            .iter()
            .zip(&self.ended)
            .filter(|(a, _)| a.outcome == AttemptOutcome::Fail)
            .map(|(_, ended)| *ended)
            .collect()
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
                        let mut so_far = self.attempts.clone();
                        so_far.push(record.clone());
                        self.ctx
                            .note_retrying(check.id, failure.failed.finding.clone(), so_far);
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

/// A cause that means nothing came back for a whole timeout: a retry waits for it all again.
pub(crate) fn is_silence(cause: Cause) -> bool {
    matches!(
        cause,
        Cause::TcpTimeout
            | Cause::TlsTimeout
            | Cause::HttpTimeout
            | Cause::HandshakeTimeout
            | Cause::ClientTimeout
    )
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
}
