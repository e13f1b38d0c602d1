//! The async runtime a command runs on, and the signals that stop it.

use crate::exit::{self, AppError};
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::watch;

/// How long lingering connection tasks (a blackholed socket) may delay the exit.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(100);

/// Runs `work` on a multi-threaded runtime and shuts it down without waiting on stragglers.
pub(crate) fn block_on<F>(work: F) -> Result<u8, AppError>
where
    F: Future<Output = Result<u8, AppError>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| AppError::Runtime(format!("cannot start the async runtime: {e}")))?;
    let outcome = runtime.block_on(work);
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    outcome
}

/// A future that resolves when a signal asks the run to stop (SIGINT, SIGTERM, SIGHUP), and
/// remembers which one as the exit status. The handlers are installed here, before the run starts,
/// so a signal that comes early is never the default (fatal, reportless) one.
pub(crate) fn stop_signal(caught: Arc<OnceLock<u8>>) -> impl Future<Output = ()> {
    stop_signal_on(caught, true)
}

/// [`stop_signal`], with SIGHUP among the stop signals or left to the caller (the exporter
/// reloads its config on it, as daemons do).
pub(crate) fn stop_signal_on(caught: Arc<OnceLock<u8>>, hangup: bool) -> impl Future<Output = ()> {
    let signals = Signals::install(hangup);
    async move {
        let status = signals.wait().await;
        let _ = caught.set(status);
    }
}

/// The stop signals, registered.
struct Signals {
    #[cfg(unix)]
    streams: Option<(
        tokio::signal::unix::Signal,
        tokio::signal::unix::Signal,
        Option<tokio::signal::unix::Signal>,
    )>,
}

impl Signals {
    #[cfg(unix)]
    fn install(hangup: bool) -> Signals {
        use tokio::signal::unix::{signal, SignalKind};
        let hup = if hangup {
            signal(SignalKind::hangup()).map(Some)
        } else {
            Ok(None)
        };
        let streams = match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
            hup,
        ) {
            (Ok(int), Ok(term), Ok(hup)) => Some((int, term, hup)),
            _ => None,
        };
        Signals { streams }
    }

    #[cfg(not(unix))]
    fn install(_hangup: bool) -> Signals {
        Signals {}
    }

    #[cfg(unix)]
    async fn wait(self) -> u8 {
        let Some((mut int, mut term, mut hup)) = self.streams else {
            let _ = tokio::signal::ctrl_c().await;
            return exit::INTERRUPTED;
        };
        let hung_up = async {
            match hup.as_mut() {
                Some(hup) => hup.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = int.recv() => exit::INTERRUPTED,
            _ = term.recv() => exit::TERMINATED,
            _ = hung_up => exit::HUNG_UP,
        }
    }

    #[cfg(not(unix))]
    async fn wait(self) -> u8 {
        let _ = tokio::signal::ctrl_c().await;
        exit::INTERRUPTED
    }
}

/// The stop signals as a switch many runs can watch: it turns true on SIGINT, SIGTERM or SIGHUP,
/// and `caught` remembers which (as the exit status).
pub(crate) fn stop_switch(caught: Arc<OnceLock<u8>>) -> watch::Receiver<bool> {
    let (stop, stopped) = watch::channel(false);
    let signal = stop_signal(caught);
    tokio::spawn(async move {
        signal.await;
        let _ = stop.send(true);
    });
    stopped
}

/// Resolves when `switch` turns true (see [`stop_switch`]).
pub(crate) async fn stopped(mut switch: watch::Receiver<bool>) {
    let _ = switch.wait_for(|stop| *stop).await;
}

/// SIGHUP, as a stream of reload requests (nothing elsewhere than Unix).
#[cfg(feature = "serve")]
pub(crate) fn hangups() -> tokio::sync::mpsc::Receiver<()> {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    #[cfg(unix)]
    if let Ok(mut hangup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
        tokio::spawn(async move {
            while hangup.recv().await.is_some() {
                // A reload already waiting covers this one too.
                let _ = tx.try_send(());
            }
        });
    }
    #[cfg(not(unix))]
    drop(tx);
    rx
}
