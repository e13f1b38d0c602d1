//! Result merging: the page's own account of its requests beside DevTools', into what the browser did.

use super::journal::{cut, Journal};
use super::plan::{BrowserObservation, PagePlan};
use serde::Deserialize;
use std::time::Duration;
use wsdoctor_model::evidence::{BrowserFetch, BrowserSocket, PageSocket, Sandbox};

/// What the page's script resolved to.
#[derive(Debug, Deserialize)]
pub(crate) struct PageResult {
    pub(crate) origin: String,
    #[serde(default)]
    pub(crate) health: Option<PageFetch>,
    #[serde(default)]
    pub(crate) sockets: Vec<PageSocketResult>,
}

/// The page's fetch.
#[derive(Debug, Deserialize)]
pub(crate) struct PageFetch {
    #[serde(default)]
    pub(crate) status: Option<u16>,
    #[serde(default)]
    pub(crate) error: Option<String>,
    #[serde(default)]
    pub(crate) duration_ms: f64,
}

/// One socket as the page's script recorded it.
#[derive(Debug, Deserialize)]
pub(crate) struct PageSocketResult {
    pub(crate) url: String,
    #[serde(flatten)]
    pub(crate) page: PageSocket,
}

/// The page's account and DevTools', side by side.
pub(crate) fn merge(
    product: String,
    page_load: Duration,
    plan: &PagePlan,
    result: PageResult,
    mut journal: Journal,
) -> BrowserObservation {
    let health = plan.health.as_ref().map(|planned| {
        let page = result.health.as_ref();
        let wire = &journal.fetch;
        BrowserFetch {
            url: planned.url.clone(),
            credentials: planned.credentials.to_string(),
            status: page.and_then(|p| p.status),
            error: page.and_then(|p| p.error.clone()).map(|e| cut(&e)),
            blocked_reason: wire.blocked_reason.clone(),
            cors_error: wire.cors_error.clone(),
            network_error: wire.network_error.clone(),
            protocol: wire.protocol.clone(),
            duration_ms: page.map(|p| p.duration_ms).unwrap_or_default(),
        }
    });
    let mut sockets = Vec::new();
    for (planned, page) in plan.sockets.iter().zip(result.sockets) {
        // DevTools names the socket by its URL; a URL the browser serialised differently is
        // matched by order instead (the page opens them in the plan's order).
        let position = journal
            .sockets
            .iter()
            .position(|s| s.url == page.url)
            // A socket the page could not even construct is never matched by order: another
            // socket's events would be put to its name.
            .or_else(|| (page.page.threw.is_none() && !journal.sockets.is_empty()).then_some(0));
        let devtools = position
            .map(|i| journal.sockets.remove(i).seen)
            .unwrap_or_default();
        sockets.push(BrowserSocket {
            role: planned.role,
            url: planned.url.clone(),
            page: page.page,
            devtools,
        });
    }
    BrowserObservation {
        product,
        sandbox: Sandbox::On,
        switches: Vec::new(),
        launch: Duration::ZERO,
        page_load,
        page_origin: result.origin,
        health,
        sockets,
        console: journal.console,
    }
}
