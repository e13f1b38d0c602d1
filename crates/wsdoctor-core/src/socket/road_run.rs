//! One road's run of a socket check: its attempts with the web client's retries, a silent attempt
//! overlapped by a second, and what the run gathered.

use super::origin_probe::origin_refused_by_close;
use super::retry::{is_silence, AttemptFailure, Retries, Step};
use crate::checks::{CheckRun, Failed};
use crate::context::Ctx;
use crate::facts::Inputs;
use std::time::{Duration, Instant};
use wsdoctor_model::evidence::Road;
use wsdoctor_model::{CheckId, Notice};

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
    check.attempts = Some(retries.recorded().to_vec());
    let recovered = retries.warning();
    let failed_at = retries.failed_at();
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

/// The name attempts are logged under: the URL, and the road when there is a choice of roads.
pub(crate) fn road_label(url: &str, road: Road, dual: bool) -> String {
    if dual || road == Road::Http2 {
        format!("{url} over {}", road.name())
    } else {
        url.to_string()
    }
}
