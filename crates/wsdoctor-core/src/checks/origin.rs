//! The origin check: the upgrade again with a foreign Origin. A socket that authenticates by
//! session or cookie and accepts any Origin is open to cross-site WebSocket hijacking.

use super::socket::{self, is_error_message, upgrade_headers, NotOpened, CLOSE_WAIT};
use super::{CheckRun, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::probe::ws::{self, Ending, OpenFailure, Upgrade};
use std::time::Instant;
use wsdoctor_model::evidence::{Detail, OriginDetail};
use wsdoctor_model::{Cause, CheckId, Notice};

/// An Origin a browser on another site would send; `.invalid` can never be a real site.
pub(crate) const FOREIGN_ORIGIN: &str = "https://wsdoctor-foreign-site.invalid";

/// How long a foreign-origin socket is given to be closed "at once", whatever `--observe` says.
const CLOSE_AT_ONCE: std::time::Duration = std::time::Duration::from_millis(100);

/// How many error messages are read past, looking for the close that follows them.
const ERRORS_BEFORE_CLOSE: usize = 8;

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Origin, inputs);
    let settings = &ctx.settings;
    let (url, path, authenticated) = match socket::terminal_socket(ctx, inputs) {
        Some(Ok((url, path, _)))
            if settings.target.kind() == wsdoctor_model::evidence::TargetKind::Http =>
        {
            (url, path, true)
        }
        _ => {
            let (url, path) = socket::echo_socket(ctx);
            (url, path, false)
        }
    };
    let cookie_auth = settings
        .headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("cookie"));
    if socket::validate_url(&url).is_err() {
        return check.skip("the socket URL is unusable (see above)");
    }
    check.common().url = Some(url.clone());
    let mut detail = OriginDetail {
        origin_sent: FOREIGN_ORIGIN,
        enforced: None,
    };
    let headers = upgrade_headers(ctx, Some(FOREIGN_ORIGIN));
    let upgrade = Upgrade {
        url: &url,
        headers: &headers,
        protocols: &settings.subprotocols,
    };
    // The road the echo took: a browser's socket from another site takes the same one.
    let road = socket::echo_road(inputs);
    if road == socket::Road::Http2 {
        check.common().http_version = Some(road.name().to_string());
    }
    let timeout = settings.limits.ws_timeout;
    let opened = match socket::connect(ctx, &mut check, inputs, &upgrade, road, timeout).await {
        Ok(opened) => Ok(opened),
        Err(NotOpened::Open(failure)) => Err(failure),
        Err(NotOpened::Dial(failed)) => {
            check.detail(Detail::Origin(detail));
            return check.fail(failed);
        }
    };
    let outcome = match opened {
        Ok(opened) => {
            // A server may accept the upgrade and then close on the Origin; give it a moment.
            let mut socket = opened.socket;
            let mut pings = 0;
            let opened_at = Instant::now();
            // Never less than a moment, even under --observe 0s: a close sent right after the
            // 101 may cross the wire a little after it, and missing it reads as "accepted".
            let settle = settings
                .limits
                .observe
                .max(CLOSE_AT_ONCE)
                .min(settings.limits.ws_timeout);
            let mut ending = ws::next_message(&mut socket, settle, opened_at, &mut pings).await;
            // An error message is the server's last word before a close: read on to the close.
            for _ in 0..ERRORS_BEFORE_CLOSE {
                if !matches!(&ending, Ok(message) if is_error_message(&message.text)) {
                    break;
                }
                ending = ws::next_message(&mut socket, settle, opened_at, &mut pings).await;
            }
            let closed_on_origin = matches!(&ending, Err(Ending::Closed { code: 1008, reason }) if reason.to_ascii_lowercase().contains("origin"));
            ws::close_normally(socket, CLOSE_WAIT).await;
            if closed_on_origin {
                detail.enforced = Some(true);
                Verdict::Pass("Origin enforced: a foreign origin is closed with 1008".to_string())
            } else {
                detail.enforced = Some(false);
                // A socket the server closes at once (an invalid session, say) gives a foreign
                // page nothing to hijack; only one that stays open or talks does.
                let closed_at_once = match &ending {
                    Err(ending) => ending.browser_code(),
                    Ok(_) => None,
                };
                let opens_for_us = inputs.facts.open_paths.contains(&path);
                if let (Some(code), true) = (closed_at_once, opens_for_us) {
                    // The same path opened and did its job with our Origin: closing a foreign one
                    // at once is the server enforcing Origin by closing rather than with a 403.
                    detail.enforced = Some(true);
                    Verdict::Pass(format!(
                        "Origin enforced: a foreign origin is accepted and closed at once ({code}), while ours stays open"
                    ))
                } else if let Some(code) = closed_at_once {
                    Verdict::Pass(format!(
                        "the upgrade with a foreign Origin was accepted but the socket closed at once ({code}): nothing to hijack on {path}"
                    ))
                } else if authenticated || cookie_auth {
                    Verdict::Warn(
                        format!("a foreign Origin is accepted on {path}"),
                        Notice::of(
                            Cause::OriginNotEnforced,
                            format!(
                                "the session-authenticated socket {path} accepts Origin {FOREIGN_ORIGIN}: any web page can open it with the user's session (cross-site WebSocket hijacking)"
                            ),
                            "check the Origin header on upgrade against an allow list (the same list as CORS: FRONTEND_URL)",
                        ),
                    )
                } else {
                    Verdict::Pass(format!(
                        "Origin not enforced on {path} (no session on it, so no hijacking risk)"
                    ))
                }
            }
        }
        Err(OpenFailure::Rejected { status, .. }) if matches!(status.as_u16(), 401 | 403) => {
            detail.enforced = Some(true);
            Verdict::Pass(format!(
                "Origin enforced: a foreign origin gets {}",
                status.as_u16()
            ))
        }
        Err(failure) => {
            let finding = classify::open_failure(&failure, &path);
            Verdict::Warn(
                format!(
                    "the foreign-origin probe did not complete: {}",
                    finding.message
                ),
                Notice::of(
                    Cause::OriginUnknown,
                    "could not tell whether Origin is enforced",
                    "rerun; if it persists, the failure above explains it",
                ),
            )
        }
    };
    check.detail(Detail::Origin(detail));
    match outcome {
        Verdict::Pass(summary) => check.pass(summary),
        Verdict::Warn(summary, notice) => check.warn(summary, notice),
    }
}

/// What the probe concluded, before the evidence is attached.
enum Verdict {
    Pass(String),
    Warn(String, Notice),
}
