//! The target check: URL validation and browser parity, what a browser would refuse before any
//! packet is sent.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use wsdoctor_model::evidence::{Detail, TargetDetail};
use wsdoctor_model::{Cause, CheckId, Notice};

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
        // Usually a CI secret that is not set or not passed to the job: fail the run (so the
        // JUnit file is still written) rather than stop at a usage error.
        let mut finding = classify::finding(
            Cause::InvalidRequest,
            "the session id is empty (--session \"\"): in CI this usually means the secret is not set, or not passed to this job; the session and terminal checks cannot run",
        );
        finding.hint = "Set the secret and pass it to this step (GitHub Actions: env: SMOKE_SESSION: ${{ secrets.SMOKE_SESSION }}; GitLab: a masked CI/CD variable), or drop --session to skip the session checks.".into();
        return check.fail_plain(Failed::new(finding));
    }
    let mut exemption = None;
    if let Some(origin) = &settings.origin {
        if origin.starts_with("https://") && socket_scheme == "ws" {
            let base = settings.target.ws_base();
            let host = settings.target.host();
            if !crate::browser_rules::potentially_trustworthy(&host) {
                let secure = base.replacen("ws://", "wss://", 1);
                return check.fail_plain(Failed::new(classify::finding(
                    Cause::MixedContent,
                    format!(
                        "the frontend {origin} is served over https but the socket URL is {base}: browsers block it; the frontend should use {secure}"
                    ),
                )));
            }
            // Secure Contexts: loopback is potentially trustworthy, so browsers allow ws:// to
            // it from an https page. Fine on a developer's machine; a production page on a
            // public origin will not reach loopback, and its real ws:// URL would be blocked.
            let origin_host = url::Url::parse(origin)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            exemption = Some(
                if crate::browser_rules::potentially_trustworthy(&origin_host) {
                    Ok(format!(
                    "; ws:// from the https origin is allowed because {host} is loopback (potentially trustworthy, Secure Contexts)"
                ))
                } else {
                    Err(Notice::of(
                    Cause::MixedContentLoopbackOnly,
                    format!(
                        "{origin} is https and the socket is {base}: browsers allow it only because {host} is loopback (potentially trustworthy, Secure Contexts), so it works on this machine and nowhere else"
                    ),
                    "in production the socket URL is not loopback: serve it as wss://, or ws:// will be blocked as mixed content",
                ))
                },
            );
        }
    }
    if settings.insecure {
        return check.warn(
            format!("{shown} (certificate verification OFF)"),
            Notice::of(
                Cause::TlsUnverified,
                "--insecure: TLS certificates are not verified, so a TLS problem a browser would hit is hidden",
                "drop --insecure, or pass the private CA with --cacert",
            ),
        );
    }
    let summary = format!(
        "{shown} → sockets over {socket_scheme}://, {}",
        settings.route.note
    );
    match exemption {
        Some(Ok(note)) => check.pass(format!("{summary}{note}")),
        Some(Err(notice)) => check.warn(summary, notice),
        None => check.pass(summary),
    }
}
