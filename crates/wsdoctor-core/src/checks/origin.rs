//! The origin check: the upgrade again with a foreign Origin. A socket that authenticates by
//! session or cookie and accepts any Origin is open to cross-site WebSocket hijacking.

use super::{CheckRun, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::diagnose::origin::{self as judge, Foreign, Heard, Stakes, Verdict};
use crate::facts::Inputs;
use crate::probe::ws::{self, Ending, OpenFailure, Upgrade};
use crate::socket::{self, is_error_message, upgrade_headers, NotOpened, CLOSE_WAIT};
use futures_util::SinkExt;
use std::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use wsdoctor_model::evidence::{Detail, OriginDetail};
use wsdoctor_model::timing::human;
use wsdoctor_model::CheckId;

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
            let foreign = listen(ctx, opened.socket).await;
            let stakes = Stakes {
                path: &path,
                opens_for_us: inputs.facts.open_paths.contains(&path),
                session: authenticated || cookie_auth,
            };
            judge::accepted(&foreign, &stakes, &mut detail)
        }
        Err(OpenFailure::Rejected { status, .. }) if matches!(status.as_u16(), 401 | 403) => {
            judge::refused(status.as_u16(), &mut detail)
        }
        Err(failure) => judge::incomplete(&classify::open_failure(&failure, &path).message),
    };
    check.detail(Detail::Origin(detail));
    match outcome {
        Verdict::Pass(summary) => check.pass(summary),
        Verdict::Warn(summary, notice) => check.warn(summary, notice),
    }
}

/// What the server does on a socket it accepted with a foreign Origin: a server may accept the
/// upgrade and then close on the Origin, so it is given a moment, and a silent one a message.
async fn listen(ctx: &Ctx, mut socket: ws::Socket) -> Foreign {
    let limits = ctx.settings.limits;
    let mut pings = 0;
    let opened_at = Instant::now();
    // Never less than a moment, even under --observe 0s: a close sent right after the
    // 101 may cross the wire a little after it.
    let settle = limits.observe.max(CLOSE_AT_ONCE).min(limits.ws_timeout);
    let mut heard = Heard::Greeted;
    let mut ending = past_errors(&mut socket, settle, opened_at, &mut pings).await;
    if matches!(ending, Err(Ending::StillOpen)) {
        // Silence proves nothing: a refusal whose close an edge lost sounds the same as
        // a socket served. Only an answer to a message of ours tells them apart.
        heard = Heard::Answered;
        let wait = ANSWER_WAIT.max(settle).min(limits.ws_timeout);
        ending = match socket.send(Message::text(PROBE)).await {
            Ok(()) => past_errors(&mut socket, wait, opened_at, &mut pings).await,
            Err(e) => Err(ws::error_ending(&socket, e)),
        };
    }
    let waited = human(opened_at.elapsed());
    ws::close_normally(socket, CLOSE_WAIT).await;
    match ending {
        Err(Ending::Closed { code: 1008, reason })
            if reason.to_ascii_lowercase().contains("origin") =>
        {
            Foreign::ClosedOnOrigin
        }
        Err(Ending::StillOpen) => Foreign::Silent { waited },
        Err(ending) => match ending.browser_code() {
            Some(code) => Foreign::ClosedAtOnce(code),
            None => Foreign::Served(heard),
        },
        Ok(_) => Foreign::Served(heard),
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
