//! Many runs at once, at most `--parallel` at a time: a fleet's targets, a watch round's.

use std::future::Future;
use std::sync::Arc;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

/// Starts `run` on every item, at most `parallel` at a time; each task ends with its item's index
/// (results come in the order they finish). Once `stopped` turns true the items still waiting
/// start at once, without a permit: their runs see the stop and report their checks as
/// interrupted before they started.
pub(crate) fn spawn_bounded<I, T, F, Fut>(
    items: impl IntoIterator<Item = I>,
    parallel: usize,
    stopped: &watch::Receiver<bool>,
    run: F,
) -> JoinSet<(usize, T)>
where
    I: Send + 'static,
    T: Send + 'static,
    F: Fn(I) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    let run = Arc::new(run);
    let permits = Arc::new(Semaphore::new(parallel));
    let mut tasks = JoinSet::new();
    for (index, item) in items.into_iter().enumerate() {
        let (permits, run, mut stopped) = (permits.clone(), run.clone(), stopped.clone());
        tasks.spawn(async move {
            let stop = async {
                // A switch nobody can turn any more never stops anything.
                if stopped.wait_for(|s| *s).await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            let _permit = tokio::select! {
                permit = permits.acquire_owned() => permit.ok(),
                () = stop => None,
            };
            // Made and boxed only now, so the thousand tasks waiting for a permit do not each
            // carry a run's whole future from the start.
            let result = Box::pin(run(item)).await;
            (index, result)
        });
    }
    tasks
}
