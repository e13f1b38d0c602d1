//! Opening a socket on one road, before any judgement: the upgrade's headers, a connection of its
//! own, and the HTTP/1.1 upgrade or the HTTP/2 extended CONNECT.

use crate::checks::{CheckRun, Failed};
use crate::context::Ctx;
use crate::facts::Inputs;
use crate::probe::h2;
use crate::probe::headers::USER_AGENT;
use crate::probe::ws::{self, extended_connect, OpenFailure, Opened, Upgrade};
use crate::settings::{ALPN_BROWSER, ALPN_HTTP1};
use crate::transport::dial;
use std::time::Duration;
use wsdoctor_model::evidence::{Http2Frames, Road};
use wsdoctor_model::Phase;

/// The headers of an upgrade: Origin (when known and wanted), who we are, and the user's headers.
pub(crate) fn upgrade_headers(ctx: &Ctx, origin: Option<&str>) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    if let Some(origin) = origin {
        headers.push(("Origin".to_string(), origin.to_string()));
    }
    headers.push(("User-Agent".to_string(), USER_AGENT.to_string()));
    headers.extend(
        ctx.settings
            .headers
            .iter()
            .map(|h| (h.name.clone(), h.value.reveal().to_string())),
    );
    headers
}

/// Why a socket did not open, before any judgement: the connection, or the answer to the upgrade.
#[derive(Debug)]
pub(crate) enum NotOpened {
    /// TCP, the proxy or TLS failed, already diagnosed.
    Dial(Failed),
    /// The upgrade (or the extended CONNECT) did not produce a socket.
    Open(OpenFailure),
}

/// Opens a socket on `road` as `upgrade` asks, timing the phases into `check`: a connection of its
/// own offering ALPN `http/1.1` and an HTTP/1.1 upgrade, as a browser without an HTTP/2
/// connection does; or a connection offering `h2, http/1.1` and an extended CONNECT.
pub(crate) async fn connect(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    upgrade: &Upgrade<'_>,
    road: Road,
    timeout: Duration,
) -> Result<Opened, NotOpened> {
    let alpn = match road {
        Road::Http1 => ALPN_HTTP1,
        Road::Http2 => ALPN_BROWSER,
    };
    let conn = dial(ctx, check, inputs, None, alpn)
        .await
        .map_err(NotOpened::Dial)?;
    if road == Road::Http1 {
        // Offered http/1.1 alone, a server that speaks h2 when offered it and agrees on nothing
        // here is an HTTP/2-only listener (HAProxy with `alpn h2` does that, then hangs up).
        let agreed_nothing =
            ctx.settings.target.uses_tls() && conn.alpn().is_none() && inputs.facts.speaks_h2();
        let opened = match ws::open(conn, upgrade, timeout).await {
            Ok(opened) => opened,
            Err(
                failure @ (OpenFailure::NoAnswer
                | OpenFailure::Io(_)
                | OpenFailure::InvalidHandshake(_)
                | OpenFailure::Timeout { .. }),
            ) if agreed_nothing => {
                return Err(NotOpened::Open(OpenFailure::NoHttp1 {
                    then: Box::new(failure),
                }))
            }
            Err(failure) => return Err(NotOpened::Open(failure)),
        };
        check.phase(ctx, Phase::WsHandshake, opened.handshake);
        return Ok(opened);
    }
    if !conn.is_h2() {
        let alpn = conn.alpn().map(|a| String::from_utf8_lossy(a).into_owned());
        return Err(NotOpened::Open(OpenFailure::NotHttp2 { alpn }));
    }
    let (outcome, timings) = extended_connect::open(conn, upgrade, timeout).await;
    if let Some(settings) = timings.settings {
        check.phase(ctx, Phase::H2Settings, settings);
    }
    if let Some(connect) = timings.connect {
        check.phase(ctx, Phase::H2Connect, connect);
    }
    match outcome {
        Ok(opened) => Ok(opened),
        Err(failure) => {
            if let OpenFailure::NoExtendedConnect = &failure {
                check.common().http2 = Some(Http2Frames {
                    extended_connect: Some(false),
                    ..Http2Frames::default()
                });
            }
            if let OpenFailure::StreamReset { code } = &failure {
                check.common().http2 = Some(Http2Frames {
                    rst_stream: Some(h2::error_name(*code)),
                    ..Http2Frames::default()
                });
            }
            if let OpenFailure::GoAway(goaway) = &failure {
                check.common().http2 = Some(Http2Frames {
                    goaway: Some(goaway.describe()),
                    ..Http2Frames::default()
                });
            }
            Err(NotOpened::Open(failure))
        }
    }
}
