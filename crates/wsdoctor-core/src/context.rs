//! What every check of one run shares and nobody fills in: the settings, the redactor, the event
//! stream, and services built once on first use (the TLS trust store).

use crate::probe::tls::TlsClient;
use crate::redact::Redactor;
use crate::settings::Settings;
use crate::trace::{Sink, Trace};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Instant, SystemTime};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::OnceCell;
use wsdoctor_model::{Attempt, Cause, CheckId, Event, Finding, Stamped};

/// The run's shared, read-only environment.
pub(crate) struct Ctx {
    /// What to check and how.
    pub(crate) settings: Arc<Settings>,
    /// Masks the run's secrets in anything a server sends or a check writes.
    pub(crate) redactor: Redactor,
    events: UnboundedSender<Stamped>,
    tls: OnceCell<Result<TlsClient, String>>,
    /// Turns true when the run is asked to stop (Ctrl-C, the deadline): checks that observe
    /// over time end early and report what they saw.
    stop: tokio::sync::watch::Receiver<bool>,
    /// When the run started: the clock of its budget for an answer.
    pub(crate) started: Instant,
    /// The first check that heard nothing at all from the target within its whole timeout (an
    /// HTTP request or an upgrade read and never answered, a SYN or a TLS hello unanswered). Once
    /// a listener has shown that, waiting out every later socket attempt in full only delays the
    /// verdict: see [`Ctx::answer_by`].
    silence: OnceLock<String>,
    /// Where the wire trace goes, when `--trace` asked for one.
    trace: Option<Arc<Sink>>,
    /// The last failed attempt of each check still retrying, with the attempts so far: a run
    /// stopped between two attempts reports that failure, not a bare "interrupted".
    retrying: Mutex<BTreeMap<CheckId, (Finding, Vec<Attempt>)>>,
}

/// What the run allows itself beyond one client timeout to confirm a hang, counted from its start
/// (an eighth of the timeout when that is less: 3 s of the web client's 25).
const CONFIRM_HANG: std::time::Duration = std::time::Duration::from_secs(3);

impl Ctx {
    pub(crate) fn new(
        settings: Arc<Settings>,
        redactor: Redactor,
        events: UnboundedSender<Stamped>,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> Ctx {
        let started = Instant::now();
        let trace = settings
            .trace
            .then(|| Sink::new(events.clone(), redactor.clone(), started));
        Ctx {
            settings,
            redactor,
            events,
            tls: OnceCell::new(),
            stop,
            started,
            silence: OnceLock::new(),
            retrying: Mutex::new(BTreeMap::new()),
            trace,
        }
    }

    /// Check `id`'s handle on the wire trace (one that traces nothing without `--trace`).
    pub(crate) fn trace(&self, id: CheckId) -> Trace {
        match &self.trace {
            Some(sink) => Trace::new(id, sink.clone()),
            None => Trace::off(),
        }
    }

    /// Notes a check that got no answer at all within its timeout: the target's listener is
    /// silent (the first such check is kept, for the evidence).
    pub(crate) fn heard_silence(&self, id: CheckId, cause: Cause, message: &str) {
        if matches!(
            cause,
            Cause::TcpTimeout | Cause::TlsTimeout | Cause::HttpTimeout | Cause::HandshakeTimeout
        ) {
            let _ = self.silence.set(format!("{id}: {message}"));
        }
    }

    /// When a socket attempt must have its answer, if the run already knows the target's listener
    /// is silent (see [`Ctx::heard_silence`]): one client timeout from the start of the run and a
    /// little. With `--attempts` given, never: the web client's sequence runs in full.
    pub(crate) fn answer_by(&self) -> Option<(Instant, &str)> {
        if self.settings.limits.exact_attempts {
            return None;
        }
        let silence = self.silence.get()?;
        let timeout = self.settings.limits.ws_timeout;
        let by = self.started + timeout + CONFIRM_HANG.min(timeout / 8);
        Some((by, silence.as_str()))
    }

    /// Resolves once the run is asked to stop; never, if it is not.
    pub(crate) async fn stopped(&self) {
        let mut stop = self.stop.clone();
        if stop.wait_for(|stopping| *stopping).await.is_err() {
            // The runner is gone without asking: nothing will ever ask.
            std::future::pending::<()>().await;
        }
    }

    /// Whether the run has been asked to stop.
    pub(crate) fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Sends an event, stamped with the time and its text redacted; a closed receiver only means
    /// nobody listens.
    pub(crate) fn emit(&self, mut event: Event) {
        // Nobody listening (the exporter, a watch round): no scrubbing, no stamp, no queue.
        if self.events.is_closed() {
            return;
        }
        self.redactor.scrub(&mut event);
        let time = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
        let _ = self.events.send(Stamped { time, event });
    }

    /// A connection-log line (`--verbose`, NDJSON).
    /// Keeps a check's failed attempt while it waits to try again (see `retrying`).
    pub(crate) fn note_retrying(&self, id: CheckId, finding: Finding, attempts: Vec<Attempt>) {
        if let Ok(mut retrying) = self.retrying.lock() {
            retrying.insert(id, (finding, attempts));
        }
    }

    /// The last failed attempt of a check that was still retrying, if it was.
    pub(crate) fn retrying(&self, id: CheckId) -> Option<(Finding, Vec<Attempt>)> {
        self.retrying.lock().ok()?.get(&id).cloned()
    }

    pub(crate) fn log(&self, id: CheckId, message: impl Into<String>) {
        self.emit(Event::Log {
            id,
            message: message.into(),
        });
    }

    /// The TLS client, built once. Loading the system's root store reads files, so it happens on a
    /// blocking thread, never on a runtime worker.
    pub(crate) async fn tls(&self) -> Result<&TlsClient, String> {
        let client = self
            .tls
            .get_or_init(|| async {
                let pem = self.settings.cacert_pem.clone();
                let insecure = self.settings.insecure;
                let identity = self.settings.client_identity.clone();
                tokio::task::spawn_blocking(move || {
                    TlsClient::new(pem.as_deref(), insecure, identity.as_ref())
                })
                .await
                .unwrap_or_else(|e| Err(format!("loading the trust store failed: {e}")))
            })
            .await;
        client.as_ref().map_err(Clone::clone)
    }
}
