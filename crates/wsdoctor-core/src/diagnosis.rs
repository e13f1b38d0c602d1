//! The one road from settings to a report: the redactor the settings' secrets call for, the plan
//! they imply, and the run. Every command of the binary (check, fleet, watch, serve) takes it, so
//! none of them can forget a step or take them in another order.

use crate::plan::Plan;
use crate::redact::Redactor;
use crate::runner::{self, Interruption};
use crate::settings::Settings;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::mpsc;
use wsdoctor_model::{Report, Stamped};

/// One target's settings, ready to run as often as asked (watch runs them every interval).
#[derive(Clone)]
pub struct Diagnosis {
    settings: Arc<Settings>,
    redactor: Redactor,
}

impl std::fmt::Debug for Diagnosis {
    // The redactor and the settings hold the run's secrets: never in a debug print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Diagnosis { .. }")
    }
}

impl Diagnosis {
    /// A diagnosis of `settings`, masking their secrets unless `reveal_secrets`
    /// (`--show-secrets`).
    pub fn new(settings: Settings, reveal_secrets: bool) -> Diagnosis {
        let redactor = Diagnosis::redactor_for(&settings, reveal_secrets);
        Diagnosis {
            settings: Arc::new(settings),
            redactor,
        }
    }

    /// The redactor a run of `settings` uses, for what is shown without a run (a dry run's plan).
    pub fn redactor_for(settings: &Settings, reveal_secrets: bool) -> Redactor {
        let secrets = settings.secrets();
        Redactor::new(secrets.iter().map(String::as_str), !reveal_secrets)
    }

    /// The settings it runs.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The redactor every piece of its output passes through.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Runs the checklist once. `events` gets every event as it happens; without it (a caller
    /// that judges from the report alone) the run neither builds nor queues them. `interrupt`
    /// resolves when the caller wants to stop: the partial report is still returned.
    pub async fn run(
        &self,
        events: Option<mpsc::UnboundedSender<Stamped>>,
        interrupt: impl Future<Output = ()>,
    ) -> (Report, Option<Interruption>) {
        let events = events.unwrap_or_else(|| mpsc::unbounded_channel().0);
        let plan = Plan::for_settings(&self.settings);
        runner::run(
            self.settings.clone(),
            plan,
            self.redactor.clone(),
            events,
            interrupt,
        )
        .await
    }
}
