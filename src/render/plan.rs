//! `--dry-run`: what a run would do, from the settings and the plan alone. Nothing is sent, so a
//! command line can be checked (in a README, in a CI recipe) without a deployment to point it at.

use wsdoctor_core::model::timing::human;
use wsdoctor_core::settings::Roads;
use wsdoctor_core::{Plan, Redactor, Settings};

/// The dry-run text for `settings`; `target_note` replaces the target line when the target is
/// not known yet (the demo's backend has no address before it listens).
pub(crate) fn dry_run(
    settings: &Settings,
    redactor: &Redactor,
    target_note: Option<&str>,
) -> String {
    let plan = Plan::for_settings(settings);
    let limits = &settings.limits;
    let mut out = String::from("dry run: nothing was sent\n\n");
    let target = match target_note {
        Some(note) => note.to_string(),
        None => redactor.text(settings.target.url().as_str()),
    };
    out.push_str(&format!("  target      {target}\n"));
    out.push_str(&format!(
        "  route       {}\n",
        redactor.text(&settings.route.note)
    ));
    if let Some(origin) = &settings.origin {
        out.push_str(&format!("  origin      {origin}\n"));
    }
    if settings.session.is_some() {
        out.push_str(&format!(
            "  session     {}\n",
            if redactor.enabled() {
                wsdoctor_core::MASK.to_string()
            } else {
                settings
                    .session
                    .as_ref()
                    .map(|s| s.reveal().to_string())
                    .unwrap_or_default()
            }
        ));
    }
    if let Some(family) = settings.family {
        out.push_str(&format!("  addresses   {} only\n", family.name()));
    }
    if settings.client_identity.is_some() {
        out.push_str("  client      certificate from --cert\n");
    }
    if let Some(store) = &settings.store {
        let shown = if redactor.enabled() {
            store.url.display()
        } else {
            // --show-secrets: the URL as given, credentials included.
            format!(
                "{}://{}{}/{}",
                if store.url.tls() { "rediss" } else { "redis" },
                match (store.url.username(), store.url.password()) {
                    (None, None) => String::new(),
                    (user, password) => format!(
                        "{}:{}@",
                        user.unwrap_or_default(),
                        password.map(|p| p.reveal()).unwrap_or_default()
                    ),
                },
                store.url.address(),
                store.url.database()
            )
        };
        out.push_str(&format!(
            "  store       {shown} ({}), key {}\n",
            store.source,
            redactor.text(
                store
                    .key_template
                    .as_deref()
                    .unwrap_or("as the diagnostics endpoint advertises")
            )
        ));
    }
    match settings.roads {
        Roads::Browser => {}
        Roads::Http1Only => {
            out.push_str(
                "  roads       HTTP/1.1 only (--http1-only): ALPN offers http/1.1 alone\n",
            );
        }
        Roads::Http2 => out.push_str(
            "  roads       HTTP/2 required for the sockets (--http2): RFC 8441 extended CONNECT\n",
        ),
    }
    out.push_str(&format!(
        "  limits      socket timeout {}, connect timeout {}, {} attempt{}, observe {}{}{}\n",
        human(limits.ws_timeout),
        human(limits.connect_timeout),
        limits.attempts,
        if limits.attempts == 1 { "" } else { "s" },
        human(limits.observe),
        limits
            .deadline
            .map(|d| format!(", deadline {}", human(d)))
            .unwrap_or_default(),
        limits
            .hold
            .map(|d| format!(", hold {}", human(d)))
            .unwrap_or_default(),
    ));
    out.push_str("\n  checks\n");
    for step in plan.steps() {
        let line = match (&step.skipped_because, step.waits_for.is_empty()) {
            (Some(reason), _) => format!("skip: {reason}"),
            (None, true) => "runs first".to_string(),
            (None, false) => format!(
                "after {}",
                step.waits_for
                    .iter()
                    .map(|id| id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        out.push_str(&format!("    {:<12} {line}\n", step.id.as_str()));
    }
    out
}
