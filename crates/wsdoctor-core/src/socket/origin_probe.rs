//! The Origin probes: the same upgrade again without our Origin, to tell a server refusing our
//! Origin (by a 403 or by closing at once) from one refusing the socket.

use super::close::CLOSE_WAIT;
use super::connect::{connect, upgrade_headers};
use crate::checks::{CheckRun, Failed};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::probe::ws::{self, Ending, Upgrade};
use std::time::Duration;
use wsdoctor_model::evidence::Road;
use wsdoctor_model::{Cause, CheckId};

/// The Origin probe: repeats the upgrade without our Origin and says whether it is accepted.
pub(crate) async fn accepted_without_origin(
    ctx: &Ctx,
    id: CheckId,
    inputs: &Inputs,
    url: &str,
    road: Road,
) -> bool {
    match open_without_origin(ctx, id, inputs, url, road).await {
        Some(opened) => {
            ws::close_normally(opened.socket, CLOSE_WAIT).await;
            true
        }
        None => false,
    }
}

/// The upgrade repeated without our Origin header, on a check run of its own: the socket, when
/// the server accepts it.
async fn open_without_origin(
    ctx: &Ctx,
    id: CheckId,
    inputs: &Inputs,
    url: &str,
    road: Road,
) -> Option<ws::Opened> {
    let mut scratch = CheckRun::start(id, inputs);
    let headers = upgrade_headers(ctx, None);
    let upgrade = Upgrade {
        url,
        headers: &headers,
        protocols: &ctx.settings.subprotocols,
        trace: ctx.trace(id),
    };
    let timeout = ctx.settings.limits.connect_timeout;
    connect(ctx, &mut scratch, inputs, &upgrade, road, timeout)
        .await
        .ok()
}

/// A socket closed at once after a 101 reads as "no handler on this path", unless the server is
/// refusing our Origin by closing (express-ws behind the `cors` middleware does): when the same
/// upgrade without Origin stays open, that is what it is, and the finding says so.
pub(crate) async fn origin_refused_by_close(
    ctx: &Ctx,
    id: CheckId,
    inputs: &Inputs,
    (url, path): (&str, &str),
    road: Road,
    failed: Failed,
) -> Failed {
    let Some(origin) = ctx.settings.origin.as_deref() else {
        return failed;
    };
    let closed_at_once = match failed.finding.cause {
        Cause::NoRouteAfterOpen => true,
        // A 1008 that is not the validation timeout, straight after the handshake.
        // A 1008 before any message that is not the validation timeout.
        Cause::ServerTimeout => {
            failed.evidence.close_code == Some(1008)
                && failed.evidence.last_server_message.is_none()
                && !failed
                    .evidence
                    .close_reason
                    .as_deref()
                    .is_some_and(|r| r.to_ascii_lowercase().contains("timeout"))
        }
        _ => false,
    };
    if !closed_at_once || !stays_open_without_origin(ctx, id, inputs, url, road).await {
        return failed;
    }
    let code = failed
        .evidence
        .close_code
        .map(|c| c.to_string())
        .unwrap_or_else(|| "1006".into());
    let mut evidence = failed.evidence;
    evidence.accepted_without_origin = Some(true);
    Failed::with_evidence(
        classify::finding(
            Cause::OriginRejected,
            format!(
                "{path} accepts the upgrade with Origin {origin} and closes it at once ({code}), while the same upgrade without Origin stays open: the server refuses this Origin by closing, not with a 403"
            ),
        ),
        *evidence,
    )
}

/// Whether the upgrade without Origin opens and is still open a moment later.
async fn stays_open_without_origin(
    ctx: &Ctx,
    id: CheckId,
    inputs: &Inputs,
    url: &str,
    road: Road,
) -> bool {
    let Some(opened) = open_without_origin(ctx, id, inputs, url, road).await else {
        return false;
    };
    let mut socket = opened.socket;
    let mut pings = 0;
    let settle = ORIGIN_SETTLE.min(ctx.settings.limits.ws_timeout);
    let ending = ws::next_message(&mut socket, settle, std::time::Instant::now(), &mut pings).await;
    ws::close_normally(socket, CLOSE_WAIT).await;
    // A message or silence means it stayed open; a close or a drop means it did not.
    matches!(ending, Ok(_) | Err(Ending::StillOpen))
}

/// How long the upgrade without Origin must stay open to count as accepted.
const ORIGIN_SETTLE: Duration = Duration::from_millis(300);
