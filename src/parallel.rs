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

#[cfg(test)]
mod tests {
    use super::spawn_bounded;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::sync::watch;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn never_more_than_parallel_at_once_and_every_index_once() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let (_stop, stopped) = watch::channel(false);
        let (now, peak) = (running.clone(), most.clone());
        let mut tasks = spawn_bounded(0..20usize, 3, &stopped, move |item| {
            let (now, peak) = (now.clone(), peak.clone());
            async move {
                peak.fetch_max(now.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(5)).await;
                now.fetch_sub(1, Ordering::SeqCst);
                item
            }
        });
        let mut seen = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (index, item) = joined.unwrap();
            assert_eq!(index, item);
            seen.push(item);
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..20).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stop_starts_the_waiting_items_at_once() {
        let (stop, stopped) = watch::channel(false);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let (switch, now, peak) = (stopped.clone(), running.clone(), most.clone());
        // One permit, held by a run that lasts until the stop: the others start only because
        // of it, together rather than one after another.
        let mut tasks = spawn_bounded(0..4usize, 1, &stopped, move |item| {
            let (mut switch, now, peak) = (switch.clone(), now.clone(), peak.clone());
            async move {
                let _ = switch.wait_for(|s| *s).await;
                peak.fetch_max(now.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(100)).await;
                now.fetch_sub(1, Ordering::SeqCst);
                item
            }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(running.load(Ordering::SeqCst), 0);
        stop.send(true).unwrap();
        let mut ended = 0;
        while let Some(joined) = tokio::time::timeout(Duration::from_secs(5), tasks.join_next())
            .await
            .unwrap()
        {
            joined.unwrap();
            ended += 1;
        }
        assert_eq!(ended, 4);
        assert!(
            most.load(Ordering::SeqCst) > 1,
            "the waiting items ran one by one"
        );
    }
}
