//! Which checks run, and what each needs from the others: the checklist as data. Every way one
//! check depends on another is an edge here, so the runner can hand each check exactly the facts
//! its prerequisites produced and nothing waits outside the plan.

use crate::facts::Topic;
use crate::settings::{Settings, SettingsError};
use wsdoctor_model::evidence::TargetKind;
use wsdoctor_model::{CheckId, NotChecked};

/// How a check depends on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Runs only if the other passed or warned; skipped otherwise.
    Pass(CheckId),
    /// Waits for the other to finish (it uses what it learned) but runs whatever its outcome.
    After(CheckId),
    /// As `After`, and `--only` brings the other along: what it learns there is where to go
    /// (the session and terminal paths `/health` lists).
    Learn(CheckId),
    /// Starts at once, and may wait for the other's facts of the named kind if it turns out to
    /// need them (a refused upgrade is read differently when plain HTTP works).
    Consult(CheckId, Topic),
    /// Waits for the other to finish, whatever its outcome, and reads its report to compare with
    /// (the browser check); `--only` brings the other along, since there is nothing to compare
    /// with otherwise.
    Compare(CheckId),
}

impl Need {
    /// The check depended on.
    pub(crate) fn on(self) -> CheckId {
        match self {
            Need::Pass(id)
            | Need::After(id)
            | Need::Learn(id)
            | Need::Consult(id, _)
            | Need::Compare(id) => id,
        }
    }

    /// Whether the check cannot do without the other: it needs it to pass, learns where to go
    /// from it, or has nothing to compare with otherwise. These edges bring the other along
    /// under `--only`, and make skipping a transport check the others ride on an error.
    fn brings_along(self) -> bool {
        matches!(self, Need::Pass(_) | Need::Learn(_) | Need::Compare(_))
    }

    /// Whether the check runs whatever the other's outcome, once it has finished.
    fn is_soft(self) -> bool {
        matches!(self, Need::After(_) | Need::Learn(_))
    }
}

/// How the runner treats a check when the run is stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Aborted: what it had not finished is reported as not finished.
    Ordinary,
    /// Watches over time (the hold): asked to stop, and given a moment to report what it saw.
    Observer,
}

/// One check in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedCheck {
    /// Which check.
    pub(crate) id: CheckId,
    /// What it waits for.
    pub(crate) needs: Vec<Need>,
    /// Why it will not run, when that is known before the run (no session given, plain http…).
    pub(crate) not_applicable: Option<String>,
    /// The check whose open connection this one takes over instead of opening its own.
    pub(crate) takes_connection_from: Option<CheckId>,
    /// `not_applicable` is an input this run lacks (no session, no origin), not the target's
    /// nature (no TLS on http) nor a deep check nobody asked for (hold, store): a gap to report.
    pub(crate) wants_input: bool,
    /// How a stop treats it.
    pub(crate) role: Role,
}

/// The checks of one run and their dependencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The checks in checklist order.
    pub(crate) checks: Vec<PlannedCheck>,
}

/// One check as planned, for `--dry-run` and other readers outside the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedStep {
    /// Which check.
    pub id: CheckId,
    /// The checks it waits for.
    pub waits_for: Vec<CheckId>,
    /// Why it will be skipped, when that is known before the run.
    pub skipped_because: Option<String>,
}

/// What decides a check's edges and whether it applies: the target and the inputs this run has.
struct Circumstances<'a> {
    settings: &'a Settings,
    https: bool,
    /// The last transport check every request rides on: tls on https, tcp otherwise.
    transport: CheckId,
    /// Why a ws(s) target leaves out the HTTP checks.
    endpoint_only: Option<String>,
}

impl Circumstances<'_> {
    fn of(settings: &Settings) -> Circumstances<'_> {
        let https = settings.target.uses_tls();
        let http_target = settings.target.kind() == TargetKind::Http;
        Circumstances {
            settings,
            https,
            transport: if https { CheckId::Tls } else { CheckId::Tcp },
            endpoint_only: (!http_target).then(|| "ws(s) target: endpoint checks only".to_string()),
        }
    }

    /// Check `id` as the full checklist has it; `None` when it is not in this run's checklist.
    fn planned(&self, id: CheckId) -> Option<PlannedCheck> {
        // In the checklist only when asked for: a browser costs a second or two.
        if id == CheckId::Browser && self.settings.browser.is_none() {
            return None;
        }
        let not_applicable = self.not_applicable(id);
        let wants_input = not_applicable.is_some()
            && self.endpoint_only.is_none()
            && matches!(id, CheckId::Session | CheckId::Terminal | CheckId::Cors);
        let role = match id {
            CheckId::Hold => Role::Observer,
            _ => Role::Ordinary,
        };
        Some(PlannedCheck {
            id,
            needs: self.needs(id),
            not_applicable,
            takes_connection_from: None,
            wants_input,
            role,
        })
    }

    fn needs(&self, id: CheckId) -> Vec<Need> {
        let transport = self.transport;
        match id {
            CheckId::Target | CheckId::Dns => vec![],
            CheckId::Tcp => vec![Need::Pass(CheckId::Dns)],
            CheckId::Tls => vec![Need::Pass(CheckId::Tcp)],
            CheckId::Health | CheckId::Diagnostics | CheckId::Cors => vec![Need::Pass(transport)],
            CheckId::Echo => vec![
                Need::Pass(transport),
                Need::Consult(CheckId::Health, Topic::Health),
            ],
            CheckId::Session => vec![Need::Pass(transport), Need::Learn(CheckId::Health)],
            CheckId::Store => self.store_needs(),
            CheckId::Terminal => vec![
                Need::Pass(transport),
                Need::Learn(CheckId::Health),
                Need::Pass(CheckId::Session),
                Need::Consult(CheckId::Diagnostics, Topic::Server),
            ],
            CheckId::Origin => vec![
                Need::Pass(CheckId::Echo),
                Need::Learn(CheckId::Health),
                Need::After(CheckId::Terminal),
            ],
            // After every command-line check whose verdict it puts beside the browser's: mixed
            // content (target), Local Network Access (dns), the certificate the browser is told
            // to trust (tls), /health and CORS, the sockets.
            CheckId::Browser => [
                CheckId::Target,
                CheckId::Dns,
                CheckId::Tls,
                CheckId::Health,
                CheckId::Cors,
                CheckId::Echo,
                CheckId::Terminal,
            ]
            .into_iter()
            .map(Need::Compare)
            .collect(),
            CheckId::Hold => vec![
                Need::Pass(CheckId::Echo),
                Need::Consult(CheckId::Health, Topic::Health),
            ],
        }
    }

    /// Beside the HTTP checks, on its own connection: the store check needs none of them. It
    /// reads what the session endpoint concluded (a key missing while the application accepts
    /// the session is our template's fault, not the session's), and the key template the
    /// diagnostics endpoint advertises.
    fn store_needs(&self) -> Vec<Need> {
        let mut needs = Vec::new();
        if self.endpoint_only.is_none() && self.no_session().is_none() {
            needs.push(Need::After(CheckId::Session));
            let advertised = self
                .settings
                .store
                .as_ref()
                .is_some_and(|s| s.key_template.is_none());
            if advertised {
                needs.push(Need::After(CheckId::Diagnostics));
            }
        }
        needs
    }

    fn not_applicable(&self, id: CheckId) -> Option<String> {
        let settings = self.settings;
        match id {
            CheckId::Target | CheckId::Dns | CheckId::Tcp => None,
            CheckId::Echo | CheckId::Origin | CheckId::Browser => None,
            CheckId::Tls => (!self.https).then(|| "plain http/ws target: no TLS".to_string()),
            CheckId::Health | CheckId::Diagnostics => self.endpoint_only.clone(),
            CheckId::Cors => self.endpoint_only.clone().or_else(|| {
                settings
                    .origin
                    .is_none()
                    .then(|| "no origin known (--origin or FRONTEND_URL)".to_string())
            }),
            CheckId::Session | CheckId::Terminal => {
                self.endpoint_only.clone().or_else(|| self.no_session())
            }
            CheckId::Store => settings
                .store
                .is_none()
                .then(|| "no --redis-url given (nor REDIS_URL)".to_string()),
            CheckId::Hold => settings
                .limits
                .hold
                .is_none()
                .then(|| "no --hold given".to_string()),
        }
    }

    fn no_session(&self) -> Option<String> {
        match &self.settings.session {
            None => Some("no --session given".to_string()),
            Some(s) if s.reveal().trim().is_empty() => Some("the session id is empty".to_string()),
            Some(_) => None,
        }
    }
}

impl Plan {
    /// The checks in order, with what each waits for and whether it is known to be skipped.
    pub fn steps(&self) -> Vec<PlannedStep> {
        self.checks
            .iter()
            .map(|c| PlannedStep {
                id: c.id,
                waits_for: c.needs.iter().map(|n| n.on()).collect(),
                skipped_because: c.not_applicable.clone(),
            })
            .collect()
    }

    /// The checks of the checklist this run leaves out for want of an input, and why.
    pub fn not_checked(&self) -> Vec<NotChecked> {
        self.checks
            .iter()
            .filter(|c| c.wants_input)
            .filter_map(|c| {
                c.not_applicable.as_ref().map(|why| NotChecked {
                    id: c.id,
                    why: why.clone(),
                })
            })
            .collect()
    }

    /// Why `id` will not run, when that is known before the run.
    pub fn skipped_because(&self, id: CheckId) -> Option<&str> {
        self.get(id).and_then(|c| c.not_applicable.as_deref())
    }

    /// Builds the plan for a run.
    ///
    /// `--only` keeps the hard prerequisites of what it names, because a TCP check cannot run
    /// without the addresses DNS found; `--skip session` is honoured (the terminal then runs
    /// without asking the session endpoint first).
    pub fn for_settings(settings: &Settings) -> Plan {
        let mut plan = Plan::checklist(settings);
        plan.select(&settings.only, &settings.skip);
        plan.hand_over_connections(settings.target.uses_tls());
        plan
    }

    /// Every check of this run's checklist with all its edges, before `--only` and `--skip`.
    fn checklist(settings: &Settings) -> Plan {
        let circumstances = Circumstances::of(settings);
        Plan {
            checks: CheckId::ALL
                .iter()
                .filter_map(|&id| circumstances.planned(id))
                .collect(),
        }
    }

    /// Whether the selection leaves anything to run: `--only echo --skip echo` selects nothing,
    /// which must be an error rather than a pass of zero checks.
    pub fn check_selection(settings: &Settings) -> Result<(), SettingsError> {
        let asked: Vec<CheckId> = if settings.only.is_empty() {
            CheckId::ALL.to_vec()
        } else {
            settings.only.clone()
        };
        let checklist = Plan::checklist(settings);
        // The browser check runs only when a browser is given (`--browser`).
        let left: Vec<CheckId> = asked
            .into_iter()
            .filter(|id| !settings.skip.contains(id))
            .filter(|&id| id != CheckId::Browser || checklist.get(id).is_some())
            .collect();
        if left.is_empty() {
            return Err(SettingsError::new(
                "only",
                "--only and --skip together select no check",
            ));
        }
        // Every request rides on DNS, TCP and (for https) TLS: skipping one of them while keeping
        // a check that needs it cannot be honoured, and silently running it anyway would lie.
        // A transport check the target has no use for (tls on plain http) is nothing to skip.
        let https = settings.target.uses_tls();
        let applies = |id: CheckId| {
            checklist
                .get(id)
                .is_some_and(|c| !c.id.is_transport() || c.not_applicable.is_none())
        };
        for &skipped in &settings.skip {
            if !skipped.is_transport() || !applies(skipped) {
                continue;
            }
            let dependants: Vec<&str> = left
                .iter()
                .filter(|&&id| applies(id) && checklist.rides_on(id, skipped))
                .map(|id| id.as_str())
                .collect();
            if !dependants.is_empty() {
                return Err(SettingsError::new(
                    "skip",
                    format!(
                        "--skip {skipped} cannot be honoured: {} need{} it (every request goes through dns, tcp{}); skip those too, or name what should run with --only",
                        dependants.join(", "),
                        if dependants.len() == 1 { "s" } else { "" },
                        if https { " and tls" } else { "" },
                        skipped = skipped.as_str(),
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Whether `id` reaches `on` along the edges it cannot do without (the store check, on a
    /// connection of its own, reaches no transport check of the target's).
    fn rides_on(&self, id: CheckId, on: CheckId) -> bool {
        let mut seen = vec![id];
        let mut pending = vec![id];
        while let Some(next) = pending.pop() {
            let Some(check) = self.get(next) else {
                continue;
            };
            for need in check.needs.iter().filter(|n| n.brings_along()) {
                let dep = need.on();
                if dep == on {
                    return true;
                }
                if !seen.contains(&dep) {
                    seen.push(dep);
                    pending.push(dep);
                }
            }
        }
        false
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
                if !wanted.contains(&check.id) {
                    continue;
                }
                for need in check.needs.iter().filter(|n| n.brings_along()) {
                    let dep = need.on();
                    // Transport checks come back even when skipped (nothing runs without them);
                    // a skipped session check stays skipped.
                    let allowed = dep.is_transport() || !skip.contains(&dep);
                    if allowed
                        && !wanted.contains(&dep)
                        && self.get(dep).is_some_and(|d| d.not_applicable.is_none())
                    {
                        wanted.push(dep);
                        added = true;
                    }
                }
            }
            if !added {
                break;
            }
        }
        // A check that will not run (left out, or not applicable: tls on plain http) still stood
        // between its dependants and what it needs: the origin check needs the echo check, and
        // through it the addresses dns found. Its dependants inherit its edges, so skipping one
        // check never starves another of what it needs.
        let runs = |id: CheckId| {
            wanted.contains(&id) && self.get(id).is_some_and(|c| c.not_applicable.is_none())
        };
        let contracted: Vec<Vec<Need>> = self
            .checks
            .iter()
            .map(|check| self.contract(&check.needs, &runs))
            .collect();
        for (check, needs) in self.checks.iter_mut().zip(contracted) {
            check.needs = needs;
        }
        self.checks.retain(|c| wanted.contains(&c.id));
    }

    /// `needs` with every edge to a check that will not run replaced by that check's own edges
    /// (a hard need through a hard need stays hard; anything through a soft one is soft). Only
    /// what flows along the chain does: consulting or comparing with a check that will not run is
    /// nothing, as is what that check itself merely consulted.
    fn contract(&self, needs: &[Need], runs: &impl Fn(CheckId) -> bool) -> Vec<Need> {
        let mut out: Vec<Need> = Vec::new();
        let add = |need: Need, out: &mut Vec<Need>| {
            let on = need.on();
            match out.iter().position(|n| n.on() == on) {
                // A hard need wins over a soft one on the same check.
                Some(i) if matches!(need, Need::Pass(_)) && out[i].is_soft() => out[i] = need,
                Some(_) => {}
                None => out.push(need),
            }
        };
        let mut pending: Vec<Need> = needs.to_vec();
        // The graph is acyclic and tiny; the bound only guards a future edit that makes a cycle.
        let mut steps = 0;
        while let Some(need) = pending.first().copied() {
            pending.remove(0);
            steps += 1;
            if runs(need.on()) {
                add(need, &mut out);
                continue;
            }
            let hard = match need {
                Need::Pass(_) => true,
                Need::After(_) | Need::Learn(_) => false,
                Need::Consult(..) | Need::Compare(_) => continue,
            };
            if steps > 64 {
                continue;
            }
            let Some(gone) = self.get(need.on()) else {
                continue;
            };
            for inherited in &gone.needs {
                let inherited = match *inherited {
                    Need::Pass(id) if hard => Need::Pass(id),
                    Need::Pass(id) | Need::After(id) | Need::Learn(id) => Need::After(id),
                    Need::Consult(..) | Need::Compare(_) => continue,
                };
                pending.push(inherited);
            }
        }
        out
    }

    /// The TCP check's connection goes to TLS, and the last transport check's to the health
    /// check, so the first HTTP request costs no extra handshake.
    fn hand_over_connections(&mut self, https: bool) {
        let runs = |plan: &Plan, id| plan.get(id).is_some_and(|c| c.not_applicable.is_none());
        if https && runs(self, CheckId::Tls) {
            if let Some(tls) = self.get_mut(CheckId::Tls) {
                tls.takes_connection_from = Some(CheckId::Tcp);
            }
        }
        let last_transport = if https { CheckId::Tls } else { CheckId::Tcp };
        if runs(self, last_transport) && runs(self, CheckId::Health) {
            if let Some(health) = self.get_mut(CheckId::Health) {
                health.takes_connection_from = Some(last_transport);
            }
        }
    }

    /// Looks up a planned check.
    pub(crate) fn get(&self, id: CheckId) -> Option<&PlannedCheck> {
        self.checks.iter().find(|c| c.id == id)
    }

    fn get_mut(&mut self, id: CheckId) -> Option<&mut PlannedCheck> {
        self.checks.iter_mut().find(|c| c.id == id)
    }

    /// The ids of the checks that will be reported.
    pub fn ids(&self) -> Vec<CheckId> {
        self.checks.iter().map(|c| c.id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use crate::settings::Target;
    use std::time::Duration;

    fn settings(url: &str) -> Settings {
        Settings::new(Target::parse(url).expect("a target"))
    }

    fn applicable(plan: &Plan) -> Vec<CheckId> {
        plan.checks
            .iter()
            .filter(|c| c.not_applicable.is_none())
            .map(|c| c.id)
            .collect()
    }

    #[test]
    fn a_plain_http_run_has_every_check_and_no_tls() {
        let plan = Plan::for_settings(&settings("http://127.0.0.1:1/"));
        let without_browser: Vec<CheckId> = CheckId::ALL
            .iter()
            .copied()
            .filter(|id| *id != CheckId::Browser)
            .collect();
        assert_eq!(
            plan.ids(),
            without_browser,
            "the browser only when asked for"
        );
        let tls = plan.get(CheckId::Tls).unwrap();
        assert!(tls.not_applicable.is_some());
        // Nothing waits on a check that cannot run.
        for check in &plan.checks {
            assert!(!check.needs.iter().any(|n| n.on() == CheckId::Tls));
        }
        assert_eq!(
            plan.get(CheckId::Health).unwrap().takes_connection_from,
            Some(CheckId::Tcp)
        );
        // No session, no origin, no hold, no store: those say why.
        for id in [
            CheckId::Session,
            CheckId::Terminal,
            CheckId::Cors,
            CheckId::Hold,
            CheckId::Store,
        ] {
            assert!(plan.get(id).unwrap().not_applicable.is_some(), "{id}");
        }
    }

    #[test]
    fn https_hands_the_tcp_connection_to_tls_and_tls_to_health() {
        let plan = Plan::for_settings(&settings("https://example.com/"));
        assert_eq!(
            plan.get(CheckId::Tls).unwrap().takes_connection_from,
            Some(CheckId::Tcp)
        );
        assert_eq!(
            plan.get(CheckId::Health).unwrap().takes_connection_from,
            Some(CheckId::Tls)
        );
        assert!(plan
            .get(CheckId::Echo)
            .unwrap()
            .needs
            .contains(&Need::Pass(CheckId::Tls)));
    }

    #[test]
    fn only_keeps_the_prerequisites_and_health_for_paths() {
        let mut s = settings("http://127.0.0.1:1/");
        s.session = Some(Secret::new("abc"));
        s.only = vec![CheckId::Terminal];
        let plan = Plan::for_settings(&s);
        assert_eq!(
            applicable(&plan),
            vec![
                CheckId::Dns,
                CheckId::Tcp,
                CheckId::Health,
                CheckId::Session,
                CheckId::Terminal
            ]
        );
    }

    #[test]
    fn skipping_the_session_lets_the_terminal_run_without_it() {
        let mut s = settings("http://127.0.0.1:1/");
        s.session = Some(Secret::new("abc"));
        s.skip = vec![CheckId::Session, CheckId::Tcp];
        let plan = Plan::for_settings(&s);
        assert!(plan.get(CheckId::Session).is_none());
        // Transport checks come back: nothing runs without them.
        assert!(plan.get(CheckId::Tcp).is_some());
        let terminal = plan.get(CheckId::Terminal).unwrap();
        assert!(!terminal.needs.iter().any(|n| n.on() == CheckId::Session));
    }

    #[test]
    fn a_skipped_check_hands_its_dependants_what_it_needed() {
        let mut s = settings("ws://127.0.0.1:1/ws-test");
        s.skip = vec![CheckId::Echo];
        let plan = Plan::for_settings(&s);
        assert!(plan.get(CheckId::Echo).is_none());
        // The origin check needed the echo, and through it tcp (and so dns's addresses).
        assert!(plan
            .get(CheckId::Origin)
            .unwrap()
            .needs
            .contains(&Need::Pass(CheckId::Tcp)));
    }

    #[test]
    fn a_socket_target_runs_the_endpoint_checks_only() {
        let mut s = settings("ws://127.0.0.1:1/ws");
        s.limits.hold = Some(Duration::from_secs(1));
        let plan = Plan::for_settings(&s);
        assert_eq!(
            applicable(&plan),
            vec![
                CheckId::Target,
                CheckId::Dns,
                CheckId::Tcp,
                CheckId::Echo,
                CheckId::Origin,
                CheckId::Hold
            ]
        );
        // No health check, so the echo consults nothing.
        assert_eq!(
            plan.get(CheckId::Echo).unwrap().needs,
            vec![Need::Pass(CheckId::Tcp)]
        );
    }

    #[test]
    fn the_store_runs_beside_the_http_checks_and_reads_the_session_and_diagnostics() {
        let mut s = settings("http://127.0.0.1:1/");
        s.store = Some(crate::settings::StoreSettings {
            url: crate::settings::StoreUrl::parse("redis://127.0.0.1:6379").unwrap(),
            source: "--redis-url".into(),
            key_template: None,
        });
        let plan = Plan::for_settings(&s);
        let store = plan.get(CheckId::Store).unwrap();
        assert!(store.not_applicable.is_none());
        assert!(store.needs.is_empty(), "no session, nothing to wait for");
        s.session = Some(Secret::new("abc"));
        let plan = Plan::for_settings(&s);
        assert_eq!(
            plan.get(CheckId::Store).unwrap().needs,
            vec![
                Need::After(CheckId::Session),
                Need::After(CheckId::Diagnostics)
            ]
        );
        // Alone, it pulls in nothing: it does not ride on the target's connection.
        s.only = vec![CheckId::Store];
        let plan = Plan::for_settings(&s);
        assert_eq!(applicable(&plan), vec![CheckId::Store]);
        s.only.clear();
        s.skip = vec![CheckId::Dns, CheckId::Tcp];
        s.only = vec![CheckId::Store];
        assert!(Plan::check_selection(&s).is_ok());
    }

    #[test]
    fn the_browser_runs_after_what_it_compares_and_brings_it_along() {
        let mut s = settings("http://127.0.0.1:1/");
        s.session = Some(Secret::new("abc"));
        // With an origin, so the cors check applies and is compared with.
        s.origin = Some("http://localhost:3000".into());
        s.browser = Some(crate::settings::BrowserSettings {
            executable: "chromium".into(),
        });
        let plan = Plan::for_settings(&s);
        let browser = plan.get(CheckId::Browser).expect("asked for");
        let compared: Vec<CheckId> = browser.needs.iter().map(|n| n.on()).collect();
        // No tls on plain http; everything else it compares with.
        assert_eq!(
            compared,
            vec![
                CheckId::Target,
                CheckId::Dns,
                CheckId::Health,
                CheckId::Cors,
                CheckId::Echo,
                CheckId::Terminal
            ]
        );
        assert!(browser.needs.iter().all(|n| matches!(n, Need::Compare(_))));
        // It waits for the command line, never the other way round.
        for check in &plan.checks {
            assert!(!check.needs.iter().any(|n| n.on() == CheckId::Browser));
        }
        // --only browser brings along what it compares with.
        s.only = vec![CheckId::Browser];
        let plan = Plan::for_settings(&s);
        for id in [
            CheckId::Echo,
            CheckId::Terminal,
            CheckId::Session,
            CheckId::Health,
        ] {
            assert!(applicable(&plan).contains(&id), "{id}");
        }
        // Without a browser, --only browser selects nothing.
        s.browser = None;
        assert!(Plan::check_selection(&s).is_err());
    }

    #[test]
    fn the_plan_names_its_observer_and_what_each_consult_reads() {
        let mut s = settings("http://127.0.0.1:1/");
        s.session = Some(Secret::new("abc"));
        s.limits.hold = Some(Duration::from_secs(1));
        let plan = Plan::for_settings(&s);
        for check in &plan.checks {
            let expected = if check.id == CheckId::Hold {
                Role::Observer
            } else {
                Role::Ordinary
            };
            assert_eq!(check.role, expected, "{}", check.id);
        }
        let consults = |id| -> Vec<Need> {
            plan.get(id)
                .unwrap()
                .needs
                .iter()
                .copied()
                .filter(|n| matches!(n, Need::Consult(..)))
                .collect()
        };
        assert_eq!(
            consults(CheckId::Echo),
            vec![Need::Consult(CheckId::Health, Topic::Health)]
        );
        assert_eq!(
            consults(CheckId::Hold),
            vec![Need::Consult(CheckId::Health, Topic::Health)]
        );
        assert_eq!(
            consults(CheckId::Terminal),
            vec![Need::Consult(CheckId::Diagnostics, Topic::Server)]
        );
    }

    #[test]
    fn a_skipped_transport_names_exactly_the_checks_that_ride_on_it() {
        let mut s = settings("https://127.0.0.1:1/");
        s.session = Some(Secret::new("abc"));
        s.store = Some(crate::settings::StoreSettings {
            url: crate::settings::StoreUrl::parse("redis://127.0.0.1:6379").unwrap(),
            source: "--redis-url".into(),
            key_template: None,
        });
        s.browser = Some(crate::settings::BrowserSettings {
            executable: "chromium".into(),
        });
        s.skip = vec![CheckId::Dns];
        // Not the target check (no network) nor the store (a connection of its own); every
        // other, applicable or not, rides on dns.
        let error = Plan::check_selection(&s).unwrap_err().to_string();
        assert!(
            error.contains(
                "--skip dns cannot be honoured: tcp, tls, health, diagnostics, cors, echo, session, terminal, origin, browser, hold need it (every request goes through dns, tcp and tls)"
            ),
            "{error}"
        );
        // Through the echo check: the hold needs it to pass, and the echo needs tls.
        s.skip = vec![CheckId::Tls];
        s.only = vec![CheckId::Hold, CheckId::Store, CheckId::Target];
        let error = Plan::check_selection(&s).unwrap_err().to_string();
        assert!(
            error.contains("--skip tls cannot be honoured: hold needs it"),
            "{error}"
        );
        // On plain http there is no tls to ride on, nor to skip.
        let mut s = settings("http://127.0.0.1:1/");
        s.skip = vec![CheckId::Tcp];
        let error = Plan::check_selection(&s).unwrap_err().to_string();
        assert!(
            error.contains(
                "--skip tcp cannot be honoured: health, diagnostics, cors, echo, session, terminal, origin, hold need it (every request goes through dns, tcp);"
            ),
            "{error}"
        );
    }

    #[test]
    fn a_selection_of_nothing_is_an_error() {
        let mut s = settings("http://127.0.0.1:1/");
        s.only = vec![CheckId::Echo];
        s.skip = vec![CheckId::Echo];
        assert!(Plan::check_selection(&s).is_err());
        s.skip.clear();
        assert!(Plan::check_selection(&s).is_ok());
    }

    #[test]
    fn skipping_the_transport_others_need_is_an_error_not_ignored() {
        let mut s = settings("http://127.0.0.1:1/");
        s.skip = vec![CheckId::Tcp];
        let error = Plan::check_selection(&s).unwrap_err().to_string();
        assert!(
            error.contains("--skip tcp") && error.contains("echo"),
            "{error}"
        );
        // Plain http has no TLS to skip; skipping it changes nothing.
        s.skip = vec![CheckId::Tls];
        assert!(Plan::check_selection(&s).is_ok());
        // Nothing left that needs the network: fine.
        s.only = vec![CheckId::Target];
        s.skip = vec![CheckId::Dns];
        assert!(Plan::check_selection(&s).is_ok());
        let mut s = settings("https://127.0.0.1:1/");
        s.skip = vec![CheckId::Tls];
        assert!(Plan::check_selection(&s).is_err());
    }
}
