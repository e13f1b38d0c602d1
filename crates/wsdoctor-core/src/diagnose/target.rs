//! What a browser would make of the target before any packet is sent: an empty session, mixed
//! content, the loopback exemption, certificates left unverified.

use crate::diagnose::classify;
use wsdoctor_model::{Cause, Finding, Notice};

/// The failure of an empty session id.
pub(crate) fn empty_session() -> Finding {
    // Usually a CI secret that is not set or not passed to the job: fail the run (so the
    // JUnit file is still written) rather than stop at a usage error.
    let mut finding = classify::finding(
        Cause::InvalidRequest,
        "the session id is empty (--session \"\"): in CI this usually means the secret is not set, or not passed to this job; the session and terminal checks cannot run",
    );
    finding.hint = "Set the secret and pass it to this step (GitHub Actions: env: SMOKE_SESSION: ${{ secrets.SMOKE_SESSION }}; GitLab: a masked CI/CD variable), or drop --session to skip the session checks.".into();
    finding
}

/// How an https page may reach a `ws://` socket.
#[derive(Debug)]
pub(crate) enum Exemption {
    /// Not the question: no https origin, or a secure socket.
    None,
    /// Allowed, and why (a note for the summary).
    Allowed(String),
    /// Allowed only on this machine.
    LoopbackOnly(Notice),
}

/// Whether a page on `origin` may open the socket at `base` (`ws://` on `host`), or the failure
/// of a browser blocking it as mixed content. `trusted(host)`: a host browsers treat as
/// potentially trustworthy (Secure Contexts).
pub(crate) fn mixed_content(
    origin: Option<&str>,
    socket_scheme: &str,
    base: &str,
    host: &str,
    trusted: impl Fn(&str) -> bool,
) -> Result<Exemption, Finding> {
    let Some(origin) = origin.filter(|o| o.starts_with("https://") && socket_scheme == "ws") else {
        return Ok(Exemption::None);
    };
    if !trusted(host) {
        let secure = base.replacen("ws://", "wss://", 1);
        return Err(classify::finding(
            Cause::MixedContent,
            format!(
                "the frontend {origin} is served over https but the socket URL is {base}: browsers block it; the frontend should use {secure}"
            ),
        ));
    }
    // Secure Contexts: loopback is potentially trustworthy, so browsers allow ws:// to it from
    // an https page. Fine on a developer's machine; a production page on a public origin will
    // not reach loopback, and its real ws:// URL would be blocked.
    let origin_host = url::Url::parse(origin)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    Ok(if trusted(&origin_host) {
        Exemption::Allowed(format!(
            "; ws:// from the https origin is allowed because {host} is loopback (potentially trustworthy, Secure Contexts)"
        ))
    } else {
        Exemption::LoopbackOnly(Notice::of(
            Cause::MixedContentLoopbackOnly,
            format!(
                "{origin} is https and the socket is {base}: browsers allow it only because {host} is loopback (potentially trustworthy, Secure Contexts), so it works on this machine and nowhere else"
            ),
            "in production the socket URL is not loopback: serve it as wss://, or ws:// will be blocked as mixed content",
        ))
    })
}

/// The summary and caveat of a run with certificate verification off.
pub(crate) fn insecure(shown: &str) -> (String, Notice) {
    (
        format!("{shown} (certificate verification OFF)"),
        Notice::of(
            Cause::TlsUnverified,
            "--insecure: TLS certificates are not verified, so a TLS problem a browser would hit is hidden",
            "drop --insecure, or pass the private CA with --cacert",
        ),
    )
}

/// The summary: the target, the scheme of its sockets, the way there.
pub(crate) fn summary(shown: &str, socket_scheme: &str, route: &str) -> String {
    format!("{shown} → sockets over {socket_scheme}://, {route}")
}
