//! A socket check's roads: which it takes (the one a browser prefers first), and the roads side by
//! side: the second road opens while the first is only waiting
//! (the terminal's observation window), so a healthy HTTP/2 origin costs one window, not two; a
//! road that failed while the other road's socket was open is checked again alone, so what one
//! of our own sockets did to the other is never reported as the target's.

use super::road_run::RoadRun;
use crate::context::Ctx;
use crate::facts::Inputs;
use crate::settings::Roads;
use std::future::Future;
use std::ops::Range;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Notify;
use wsdoctor_model::evidence::Road;
use wsdoctor_model::CheckId;

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

/// The first road's word that its socket has what it came for and is only waiting now (for the
/// end of the observation window, or for an optional reply): the second road may open.
#[derive(Clone, Default)]
pub(crate) struct Gate(Arc<Notify>);

impl Gate {
    /// Lets the second road start; opening it again (a retried attempt) changes nothing.
    pub(crate) fn open(&self) {
        // A stored permit: the waiter may not be polling yet.
        self.0.notify_one();
    }

    async fn opened(&self) {
        self.0.notified().await;
    }
}

/// Runs a socket check on each of `roads` and returns the runs in the same order, for
/// `socket::compare`.
///
/// With two roads, the second starts when the first opens its [`Gate`] (or ends without
/// opening it), and both are then watched at once. The verdict of each road must still be what
/// it would have been alone, as when the roads ran one after the other: a server may end a
/// session's first socket when a second one arrives, or refuse the second, or limit a client's
/// sockets. So a road with a failed attempt that ended while both roads were running is run
/// again, alone, once the other is done, and that run stands: when it passed (an `Ok` after a
/// retry included) and when its final failure fell in that time. A road failing for itself fails
/// again alone; a road cut by our own second socket does not.
pub(crate) async fn side_by_side<T, Fut>(
    ctx: &Ctx,
    id: CheckId,
    roads: &[Road],
    mut run: impl FnMut(Road, Gate) -> Fut,
) -> Vec<RoadRun<T>>
where
    Fut: Future<Output = RoadRun<T>>,
{
    let &[first, second] = roads else {
        let mut runs = Vec::new();
        for road in roads {
            runs.push(Box::pin(run(*road, Gate::default())).await);
        }
        return runs;
    };
    let gate = Gate::default();
    // On the heap: a road's run is a large future, and three of them (two side by side, one
    // again alone) inlined in the check's would overflow a worker thread's stack.
    let mut first_run = Box::pin(ended(run(first, gate.clone())));
    let done_early = tokio::select! {
        done = &mut first_run => Some(done.0),
        () = gate.opened() => None,
    };
    if let Some(first_run) = done_early {
        // The first road ended before it had anything to wait for: nothing to overlap.
        let second_run = Box::pin(run(second, Gate::default())).await;
        return vec![first_run, second_run];
    }
    let second_started = Instant::now();
    let ((first_run, first_ended), (second_run, second_ended)) =
        tokio::join!(first_run, Box::pin(ended(run(second, Gate::default()))));
    let both_running = second_started..first_ended.min(second_ended);
    let mut runs = Vec::with_capacity(2);
    for (done, other) in [(first_run, second), (second_run, first)] {
        if !failed_while(&done, &both_running) {
            runs.push(done);
            continue;
        }
        ctx.log(
            id,
            format!(
                "The {} road failed while the {} road's socket was open: trying it again alone",
                done.road.name(),
                other.name()
            ),
        );
        runs.push(Box::pin(run(done.road, Gate::default())).await);
    }
    runs
}

/// A road's run, with when it ended.
async fn ended<T>(run: impl Future<Output = RoadRun<T>>) -> (RoadRun<T>, Instant) {
    let done = run.await;
    (done, Instant::now())
}

/// Whether a failure the run's result rests on may be the other road's doing: its final failed
/// attempt, or any failed attempt before one that worked, ended while both roads were running.
fn failed_while<T>(run: &RoadRun<T>, both_running: &Range<Instant>) -> bool {
    let during = |at: &Instant| both_running.contains(at);
    match &run.outcome {
        Ok(_) => run.failed_at.iter().any(during),
        Err(_) => run.failed_at.last().is_some_and(during),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{CheckRun, Failed};
    use crate::diagnose::classify;
    use crate::facts::Inputs;
    use std::time::Duration;
    use wsdoctor_model::Cause;

    fn run(ok: bool, failed_at: Vec<Instant>) -> RoadRun<()> {
        RoadRun {
            road: Road::Http2,
            check: CheckRun::start(CheckId::Terminal, &Inputs::default()),
            outcome: if ok {
                Ok(())
            } else {
                Err(Failed::new(classify::finding(
                    Cause::AbnormalClose,
                    "closed",
                )))
            },
            recovered: None,
            failed_at,
        }
    }

    #[test]
    fn only_failures_while_both_roads_ran_are_suspect() {
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        let both = at(100)..at(600);
        // Clean runs, and failures before the second road opened, stand.
        assert!(!failed_while(&run(true, vec![]), &both));
        assert!(!failed_while(&run(true, vec![at(50)]), &both));
        assert!(!failed_while(&run(false, vec![at(50)]), &both));
        // A retry that hid a failure while both ran: the warning may be ours.
        assert!(failed_while(&run(true, vec![at(200)]), &both));
        // A final failure while both ran may be ours; one after the other road ended is not.
        assert!(failed_while(&run(false, vec![at(200)]), &both));
        assert!(!failed_while(&run(false, vec![at(200), at(900)]), &both));
    }
}
