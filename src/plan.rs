//! Which checks run, in what dependency order: the checklist as data.

use crate::config::{Config, TargetKind};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A check's stable id (`--only`, `--skip`, the report's `checks[].id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    /// URL validation and browser-parity checks that need no network.
    Target,
    /// Name resolution.
    Dns,
    /// TCP connect.
    Tcp,
    /// TLS handshake and certificate.
    Tls,
    /// `GET /health`.
    Health,
    /// `GET /api/diagnostics/websocket`.
    Diagnostics,
    /// CORS preflight from the frontend origin.
    Cors,
    /// `/ws-test` echo (or, for a ws target, the socket itself).
    Echo,
    /// Session validation endpoint.
    Session,
    /// Terminal socket with the session.
    Terminal,
    /// Whether the server enforces Origin on upgrades (cross-site WebSocket hijacking).
    Origin,
    /// Sockets held open to find idle and lifetime cuts (`--hold`).
    Hold,
}

impl CheckId {
    /// Every check in checklist order.
    pub const ALL: [CheckId; 12] = [
        CheckId::Target,
        CheckId::Dns,
        CheckId::Tcp,
        CheckId::Tls,
        CheckId::Health,
        CheckId::Diagnostics,
        CheckId::Cors,
        CheckId::Echo,
        CheckId::Session,
        CheckId::Terminal,
        CheckId::Origin,
        CheckId::Hold,
    ];

    /// The id as text.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::Target => "target",
            CheckId::Dns => "dns",
            CheckId::Tcp => "tcp",
            CheckId::Tls => "tls",
            CheckId::Health => "health",
            CheckId::Diagnostics => "diagnostics",
            CheckId::Cors => "cors",
            CheckId::Echo => "echo",
            CheckId::Session => "session",
            CheckId::Terminal => "terminal",
            CheckId::Origin => "origin",
            CheckId::Hold => "hold",
        }
    }

    /// Parses an id.
    pub fn parse(text: &str) -> Option<CheckId> {
        CheckId::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a check depends on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Runs only if the other passed or warned; skipped otherwise.
    Pass(CheckId),
    /// Waits for the other to finish (it uses what it learned) but runs whatever its outcome.
    After(CheckId),
}

impl Need {
    /// The check depended on.
    pub fn on(self) -> CheckId {
        match self {
            Need::Pass(id) | Need::After(id) => id,
        }
    }
}

/// One check in the plan.
#[derive(Debug, Clone)]
pub struct PlannedCheck {
    /// Which check.
    pub id: CheckId,
    /// What it waits for.
    pub needs: Vec<Need>,
    /// Why it will not run, when it is known before the run (no session given, plain http…).
    pub not_applicable: Option<String>,
}

/// The checks of one run and their dependencies.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The checks in checklist order.
    pub checks: Vec<PlannedCheck>,
}

impl Plan {
    /// Builds the plan for a configuration.
    ///
    /// `--only` keeps the hard prerequisites of what it names, because a TCP check cannot run
    /// without the addresses DNS found; `--skip session` is honoured (the terminal then runs
    /// without asking the session endpoint first).
    pub fn for_config(config: &Config) -> Plan {
        let https = config.uses_tls();
        let transport = if https { CheckId::Tls } else { CheckId::Tcp };
        let http_target = config.kind == TargetKind::Http;
        let mut checks = Vec::new();
        for id in CheckId::ALL {
            let (needs, not_applicable): (Vec<Need>, Option<String>) = match id {
                CheckId::Target => (vec![], None),
                CheckId::Dns => (vec![], None),
                CheckId::Tcp => (vec![Need::Pass(CheckId::Dns)], None),
                CheckId::Tls => (
                    vec![Need::Pass(CheckId::Tcp)],
                    (!https).then(|| "plain http/ws target: no TLS".to_string()),
                ),
                CheckId::Health | CheckId::Diagnostics => (
                    vec![Need::Pass(transport)],
                    (!http_target).then(|| "ws(s) target: endpoint checks only".to_string()),
                ),
                CheckId::Cors => (
                    vec![Need::Pass(transport)],
                    if !http_target {
                        Some("ws(s) target: endpoint checks only".to_string())
                    } else if config.origin.is_none() {
                        Some("no origin known (--origin or FRONTEND_URL)".to_string())
                    } else {
                        None
                    },
                ),
                CheckId::Echo => (vec![Need::Pass(transport)], None),
                CheckId::Session => (
                    vec![Need::Pass(transport), Need::After(CheckId::Health)],
                    if !http_target {
                        Some("ws(s) target: endpoint checks only".to_string())
                    } else if config.session.is_none() {
                        Some("no --session given".to_string())
                    } else {
                        None
                    },
                ),
                CheckId::Terminal => (
                    vec![
                        Need::Pass(transport),
                        Need::After(CheckId::Health),
                        Need::Pass(CheckId::Session),
                    ],
                    if !http_target {
                        Some("ws(s) target: endpoint checks only".to_string())
                    } else if config.session.is_none() {
                        Some("no --session given".to_string())
                    } else {
                        None
                    },
                ),
                CheckId::Origin => (
                    vec![Need::Pass(CheckId::Echo), Need::After(CheckId::Terminal)],
                    None,
                ),
                CheckId::Hold => (
                    vec![Need::Pass(CheckId::Echo)],
                    config
                        .limits
                        .hold
                        .is_none()
                        .then(|| "no --hold given".to_string()),
                ),
            };
            checks.push(PlannedCheck {
                id,
                needs,
                not_applicable,
            });
        }
        let mut plan = Plan { checks };
        plan.select(&config.only, &config.skip);
        plan
    }

    fn select(&mut self, only: &[CheckId], skip: &[CheckId]) {
        let mut wanted: Vec<CheckId> = if only.is_empty() {
            CheckId::ALL.to_vec()
        } else {
            only.to_vec()
        };
        wanted.retain(|id| !skip.contains(id));
        // Pull in hard prerequisites until nothing changes; the graph is tiny.
        loop {
            let mut added = false;
            for check in &self.checks {
                if wanted.contains(&check.id) {
                    for need in &check.needs {
                        // The session and terminal checks learn their paths from /health.
                        let dep = match need {
                            Need::Pass(dep) => Some(dep),
                            Need::After(CheckId::Health) => Some(&CheckId::Health),
                            Need::After(_) => None,
                        };
                        if let Some(dep) = dep {
                            // Transport checks come back even when skipped (nothing runs
                            // without them); a skipped session check stays skipped.
                            let transport =
                                matches!(dep, CheckId::Dns | CheckId::Tcp | CheckId::Tls);
                            let allowed = transport || !skip.contains(dep);
                            if allowed
                                && !wanted.contains(dep)
                                && self.get(*dep).is_some_and(|d| d.not_applicable.is_none())
                            {
                                wanted.push(*dep);
                                added = true;
                            }
                        }
                    }
                }
            }
            if !added {
                break;
            }
        }
        self.checks.retain(|c| wanted.contains(&c.id));
        for check in &mut self.checks {
            check.needs.retain(|need| wanted.contains(&need.on()));
        }
        // A hard need on a check that cannot apply (tls on plain http) is no need at all.
        let inapplicable: Vec<CheckId> = self
            .checks
            .iter()
            .filter(|c| c.not_applicable.is_some())
            .map(|c| c.id)
            .collect();
        for check in &mut self.checks {
            check
                .needs
                .retain(|need| !inapplicable.contains(&need.on()));
        }
    }

    /// Looks up a planned check.
    pub fn get(&self, id: CheckId) -> Option<&PlannedCheck> {
        self.checks.iter().find(|c| c.id == id)
    }
}
