//! What checks learn and hand on to the checks that need them. The runner carries these along the
//! plan's edges; a check's inputs are exactly what its prerequisites learned.

use crate::probe::dns::Resolution;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use wsdoctor_model::evidence::Road;
use wsdoctor_model::platform::Sightings;
use wsdoctor_model::{CheckId, CheckReport};

/// What the health endpoint taught the other checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HealthFacts {
    /// It answered 200 with a healthy body.
    pub(crate) ok: bool,
    /// It answered through an Envoy edge.
    pub(crate) via_envoy: bool,
    /// The endpoints it lists.
    pub(crate) endpoints: Vec<String>,
}

impl HealthFacts {
    /// The first endpoint whose path mentions `word`, avoids `avoid`, and takes a parameter.
    pub(crate) fn template(&self, word: &str, avoid: Option<&str>) -> Option<String> {
        self.endpoints
            .iter()
            .map(|e| e.split_whitespace().last().unwrap_or(e).to_string())
            .find(|e| {
                let lower = e.to_ascii_lowercase();
                lower.contains(word)
                    && avoid.is_none_or(|a| !lower.contains(a))
                    && (e.contains("/:") || e.contains('{'))
            })
    }

    /// Whether the application advertises `path` (`/terminal/:sessionId` advertises
    /// `/terminal/abc`).
    pub(crate) fn advertises(&self, path: &str) -> bool {
        self.endpoints.iter().any(|e| {
            let e = e.split_whitespace().last().unwrap_or(e);
            if e == path {
                return true;
            }
            let (prefix, _) = e.split_once("/:").unwrap_or((e, ""));
            e.contains("/:") && path.starts_with(prefix)
        })
    }
}

/// What the server says about itself (the diagnostics endpoint), as it stated it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ServerFacts {
    /// How long the server lets a socket go unvalidated before it closes it with 1008.
    pub(crate) connection_timeout: Option<Duration>,
    /// How often it pings open sockets.
    pub(crate) ping_interval: Option<Duration>,
    /// The session store's key template it advertises (`sessionStore.keyTemplate`, or
    /// `keyPrefix` followed by `{session}`).
    pub(crate) key_template: Option<String>,
}

/// Facts that flow along the plan's edges.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// The addresses the dns check found.
    pub(crate) resolution: Option<Arc<Resolution>>,
    /// What `/health` said.
    pub(crate) health: Option<Arc<HealthFacts>>,
    /// What the diagnostics endpoint said.
    pub(crate) server: Option<Arc<ServerFacts>>,
    /// Platforms seen so far on this path of the plan.
    pub(crate) platforms: Sightings,
    /// Socket paths that opened and did their job with our Origin (echo, terminal): a foreign
    /// Origin closed at once on one of them is the server refusing that Origin.
    pub(crate) open_paths: Vec<String>,
    /// Whether the session endpoint accepted the session (`None`: not asked, or no clear answer).
    pub(crate) session_accepted: Option<bool>,
    /// The SHA-256 of each public key in the chain the tls check verified (base64), for a browser
    /// told to trust what the command line trusted through `--cacert`.
    pub(crate) verified_spki: Vec<String>,
    /// The dns check found a public page reaching a local address: Local Network Access asks
    /// the user first.
    pub(crate) local_network_prompt: bool,
    /// What the tls check's handshake agreed on in ALPN: `Some(None)` when nothing was.
    pub(crate) alpn: Option<Option<String>>,
    /// The road the echo socket took, so the sockets after it (origin, hold) take it too.
    pub(crate) road: Option<Road>,
    /// Every road on which the echo socket worked, the browser's first: a hold holds on each, so
    /// a cut of one road only is told from a cut of all.
    pub(crate) working_roads: Vec<Road>,
}

impl Facts {
    /// Adds what another check learned (its facts win where both have one).
    pub(crate) fn merge(&mut self, other: &Facts) {
        if other.resolution.is_some() {
            self.resolution.clone_from(&other.resolution);
        }
        if other.health.is_some() {
            self.health.clone_from(&other.health);
        }
        if other.server.is_some() {
            self.server.clone_from(&other.server);
        }
        if other.session_accepted.is_some() {
            self.session_accepted = other.session_accepted;
        }
        self.local_network_prompt |= other.local_network_prompt;
        if !other.verified_spki.is_empty() {
            self.verified_spki.clone_from(&other.verified_spki);
        }
        self.platforms
            .merge(other.platforms.platforms().iter().cloned());
        for path in &other.open_paths {
            if !self.open_paths.contains(path) {
                self.open_paths.push(path.clone());
            }
        }
        if other.alpn.is_some() {
            self.alpn.clone_from(&other.alpn);
        }
        if other.road.is_some() {
            self.road = other.road;
        }
        if !other.working_roads.is_empty() {
            self.working_roads.clone_from(&other.working_roads);
        }
    }

    /// Whether the origin agreed on HTTP/2 in the tls check's handshake.
    pub(crate) fn speaks_h2(&self) -> bool {
        matches!(&self.alpn, Some(Some(alpn)) if alpn == "h2")
    }
}

/// The facts of a check that may still be running, for a check that only consults it.
#[derive(Debug, Clone)]
pub(crate) struct Later {
    facts: watch::Receiver<Option<Facts>>,
    patience: Duration,
}

impl Later {
    pub(crate) fn new(facts: watch::Receiver<Option<Facts>>, patience: Duration) -> Later {
        Later { facts, patience }
    }

    /// The facts once the check has finished, waiting at most `patience`.
    pub(crate) async fn get(mut self) -> Facts {
        let waited =
            tokio::time::timeout(self.patience, self.facts.wait_for(Option::is_some)).await;
        match waited {
            Ok(Ok(facts)) => facts.clone().unwrap_or_default(),
            _ => Facts::default(),
        }
    }
}

/// A kind of facts a check may consult from another that may still be running (a
/// `Need::Consult` edge of the plan names it), and the runner hands on without knowing which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Topic {
    /// What `/health` said ([`Facts::health`]).
    Health,
    /// What the server says about itself ([`Facts::server`]).
    Server,
}

/// What one check receives from the runner.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    /// The facts its prerequisites learned.
    pub(crate) facts: Facts,
    /// The facts of the checks it may consult, by what it reads of them.
    pub(crate) consulted: BTreeMap<Topic, Later>,
    /// The reports of the checks this one compares with (`Need::Compare`), already redacted.
    #[cfg_attr(not(feature = "browser"), allow(dead_code))]
    pub(crate) compared: BTreeMap<CheckId, Arc<CheckReport>>,
}

impl Inputs {
    /// The consulted facts on `topic`, waited for; `None` when this check consults none.
    async fn consult(&self, topic: Topic) -> Option<Facts> {
        match self.consulted.get(&topic) {
            Some(later) => Some(later.clone().get().await),
            None => None,
        }
    }

    /// What the server says about itself: already known, or waited for when consulted.
    pub(crate) async fn server(&self) -> ServerFacts {
        if let Some(server) = &self.facts.server {
            return server.as_ref().clone();
        }
        self.consult(Topic::Server)
            .await
            .and_then(|facts| facts.server)
            .map(|s| s.as_ref().clone())
            .unwrap_or_default()
    }

    /// The health facts: already known, or waited for when the check may consult them.
    pub(crate) async fn health(&self) -> HealthFacts {
        if let Some(health) = &self.facts.health {
            return health.as_ref().clone();
        }
        self.consult(Topic::Health)
            .await
            .and_then(|facts| facts.health)
            .map(|h| h.as_ref().clone())
            .unwrap_or_default()
    }
}
