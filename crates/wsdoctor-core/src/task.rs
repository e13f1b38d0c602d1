//! Tasks that end with their owner: a spawned task held by an [`AbortOnDrop`] is aborted when the
//! holder goes, so an ended check or run leaves nothing running behind it.

#[cfg(feature = "browser")]
use tokio::task::JoinError;
use tokio::task::JoinHandle;

/// Aborts the task it holds when dropped.
pub(crate) struct AbortOnDrop<T>(pub(crate) JoinHandle<T>);

impl<T> AbortOnDrop<T> {
    /// Waits for the task to end by itself (only the browser's event pump is waited for).
    #[cfg(feature = "browser")]
    pub(crate) async fn join(mut self) -> Result<T, JoinError> {
        (&mut self.0).await
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
