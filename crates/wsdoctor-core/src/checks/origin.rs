//! The origin check: the upgrade again with a foreign Origin. A socket that authenticates by
//! session or cookie and accepts any Origin is open to cross-site WebSocket hijacking.

use super::{CheckRun, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::probe::ws::{self, Ending, OpenFailure, Upgrade};
use crate::socket::{self, is_error_message, upgrade_headers, NotOpened, CLOSE_WAIT};
use futures_util::SinkExt;
use std::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use wsdoctor_model::evidence::{Detail, OriginDetail};
use wsdoctor_model::timing::human;
use wsdoctor_model::{Cause, CheckId, Notice};

/// An Origin a browser on another site would send; `.invalid` can never be a real site.
pub(crate) const FOREIGN_ORIGIN: &str = "https://wsdoctor-foreign-site.invalid";

/// How long a foreign-origin socket is given to be closed "at once", whatever `--observe` says.
const CLOSE_AT_ONCE: std::time::Duration = std::time::Duration::from_millis(100);

/// How many error messages are read past, looking for the close that follows them.
const ERRORS_BEFORE_CLOSE: usize = 8;

/// How long a silent foreign-origin socket is given to answer our message: a served socket
/// answers in a round trip.
const ANSWER_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// The message sent on a silent foreign-origin socket: the platform's application heartbeat,
/// which an echo endpoint echoes and a terminal answers without reaching the shell.
const PROBE: &str = r#"{"type":"ping","source":"wsdoctor-origin-probe"}"#;

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
        foreign_socket: None,
    };
    let headers = upgrade_headers(ctx, Some(FOREIGN_ORIGIN));
    let upgrade = Upgrade {
        url: &url,
        headers: &headers,
        protocols: &settings.subprotocols,
        trace: ctx.trace(check.id),
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
            // 101 may cross the wire a little after it.
            let settle = settings
                .limits
                .observe
                .max(CLOSE_AT_ONCE)
                .min(settings.limits.ws_timeout);
            let mut heard = Heard::Greeted;
            let mut ending = past_errors(&mut socket, settle, opened_at, &mut pings).await;
            if matches!(ending, Err(Ending::StillOpen)) {
                // Silence proves nothing: a refusal whose close an edge lost sounds the same as
                // a socket served. Only an answer to a message of ours tells them apart.
                heard = Heard::Answered;
                let wait = ANSWER_WAIT.max(settle).min(settings.limits.ws_timeout);
                ending = match socket.send(Message::text(PROBE)).await {
                    Ok(()) => past_errors(&mut socket, wait, opened_at, &mut pings).await,
                    Err(e) => Err(ws::error_ending(&socket, e)),
                };
            }
            let closed_on_origin = matches!(&ending, Err(Ending::Closed { code: 1008, reason }) if reason.to_ascii_lowercase().contains("origin"));
            let waited = human(opened_at.elapsed());
            ws::close_normally(socket, CLOSE_WAIT).await;
            if closed_on_origin {
                detail.enforced = Some(true);
                detail.foreign_socket = Some("closed");
                Verdict::Pass("Origin enforced: a foreign origin is closed with 1008".to_string())
            } else if matches!(ending, Err(Ending::StillOpen)) {
                // No positive evidence either way: not a hijacking, and not proof of enforcement.
                detail.foreign_socket = Some("silent");
                Verdict::Pass(format!(
                    "Origin enforcement not determined on {path}: the upgrade with a foreign Origin was accepted, then nothing came in {waited} (no greeting, no answer to a message, no close), so nothing shows the server serves it; a refusal whose close was lost on the way (an HTTP/2 edge may lose it) looks the same"
                ))
            } else {
                detail.enforced = Some(false);
                // A socket the server closes at once (an invalid session, say) gives a foreign
                // page nothing to hijack; only one that talks does.
                let closed_at_once = match &ending {
                    Err(ending) => ending.browser_code(),
                    Ok(_) => None,
                };
                detail.foreign_socket = Some(match closed_at_once {
                    Some(_) => "closed",
                    None => heard.as_str(),
                });
                let how = match heard {
                    Heard::Greeted => "the server spoke on it",
                    Heard::Answered => "the server answered a message on it",
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
                        format!("a foreign Origin is accepted on {path} ({how})"),
                        Notice::of(
                            Cause::OriginNotEnforced,
                            format!(
                                "the session-authenticated socket {path} accepts Origin {FOREIGN_ORIGIN} and {how}: any web page can open it with the user's session (cross-site WebSocket hijacking)"
                            ),
                            "check the Origin header on upgrade against an allow list (the same list as CORS: FRONTEND_URL)",
                        ),
                    )
                } else {
                    Verdict::Pass(format!(
                        "Origin not enforced on {path} ({how}; no session on it, so no hijacking risk)"
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

/// The positive evidence a foreign-origin socket can give that the server serves it.
#[derive(Clone, Copy)]
enum Heard {
    /// It sent a message of its own (a greeting) before we said anything.
    Greeted,
    /// It answered the message we sent.
    Answered,
}

impl Heard {
    fn as_str(self) -> &'static str {
        match self {
            Heard::Greeted => "greeted",
            Heard::Answered => "answered",
        }
    }
}

/// The next message that is not an error, or how the socket ended: an error message is the
/// server's last word before a close, so it is read past, up to [`ERRORS_BEFORE_CLOSE`], to the
/// close (or the silence) after it; it is never a sign the socket is served.
async fn past_errors(
    socket: &mut ws::Socket,
    wait: std::time::Duration,
    opened_at: Instant,
    pings: &mut u32,
) -> Result<ws::Received, Ending> {
    for _ in 0..ERRORS_BEFORE_CLOSE {
        match ws::next_message(socket, wait, opened_at, pings).await {
            Ok(message) if is_error_message(&message.text) => continue,
            other => return other,
        }
    }
    Err(Ending::StillOpen)
}

/// What the probe concluded, before the evidence is attached.
enum Verdict {
    Pass(String),
    Warn(String, Notice),
}
