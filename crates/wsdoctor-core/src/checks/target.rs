//! The target check: URL validation and browser parity, what a browser would refuse before any
//! packet is sent.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::target::{self as judge, Exemption};
use crate::facts::Inputs;
use wsdoctor_model::evidence::{Detail, TargetDetail};
use wsdoctor_model::CheckId;

pub(crate) fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Target, inputs);
    let settings = &ctx.settings;
    let shown = settings.target_for_display();
    let socket_scheme = settings.target.socket_scheme();
    check.common().url = Some(shown.clone());
    check.common().connection = Some(settings.route.note.clone());
    check.detail(Detail::Target(TargetDetail {
        kind: settings.target.kind(),
        socket_scheme,
        origin: settings.origin.clone(),
    }));
    if settings
        .session
        .as_ref()
        .is_some_and(|s| s.reveal().trim().is_empty())
    {
        return check.fail_plain(Failed::new(judge::empty_session()));
    }
    let exemption = match judge::mixed_content(
        settings.origin.as_deref(),
        socket_scheme,
        &settings.target.ws_base(),
        &settings.target.host(),
        crate::browser_rules::potentially_trustworthy,
    ) {
        Ok(exemption) => exemption,
        Err(finding) => return check.fail_plain(Failed::new(finding)),
    };
    if settings.insecure {
        let (summary, notice) = judge::insecure(&shown);
        return check.warn(summary, notice);
    }
    let summary = judge::summary(&shown, socket_scheme, &settings.route.note);
    match exemption {
        Exemption::Allowed(note) => check.pass(format!("{summary}{note}")),
        Exemption::LoopbackOnly(notice) => check.warn(summary, notice),
        Exemption::None => check.pass(summary),
    }
}
