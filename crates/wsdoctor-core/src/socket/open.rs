//! Opening a socket as a browser on the frontend would, and diagnosing a refusal with everything
//! the run knows.

use super::connect::{connect, upgrade_headers, NotOpened};
use super::origin_probe::accepted_without_origin;
use super::retry::AttemptFailure;
use crate::checks::{CheckRun, Failed};
use crate::context::Ctx;
use crate::diagnose::classify::{self, UpgradeContext};
use crate::diagnose::platform;
use crate::facts::Inputs;
use crate::probe::ws::{self, OpenFailure, Opened, Upgrade};
use wsdoctor_model::evidence::{Common, Road};
use wsdoctor_model::{Cause, Phase, Platform, PlatformId};

/// Records what the HTTP/2 connection under a socket said, and when its first DATA frame came:
/// called once the socket did its job, so the first frame is in.
pub(crate) fn record_http2(ctx: &Ctx, check: &mut CheckRun, socket: &ws::Socket) {
    let Some((seen, opened)) = socket.get_ref().http2() else {
        return;
    };
    if let Some(first) = seen.first_data_at {
        check.phase(
            ctx,
            Phase::H2FirstFrame,
            first.saturating_duration_since(opened),
        );
    }
    check.common().http2 = Some(seen.evidence());
}

/// Opens a socket to `url` on `road` as a browser on the frontend would, diagnosing a refusal
/// with everything the run knows: what `/health` said, whether the same upgrade works without our
/// Origin, whether an Envoy edge stands in front.
pub(crate) async fn open(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    (url, path): (&str, &str),
    road: Road,
) -> Result<Opened, AttemptFailure> {
    let settings = &ctx.settings;
    let timeout = check.wait_at_most(settings.limits.ws_timeout);
    let origin = settings.origin.as_deref();
    let headers = upgrade_headers(ctx, origin);
    let upgrade = Upgrade {
        url,
        headers: &headers,
        protocols: &settings.subprotocols,
        trace: ctx.trace(check.id),
    };
    check.common().http_version = Some(road.name().to_string());
    let opened = connect(ctx, check, inputs, &upgrade, road, timeout).await;
    match opened {
        Ok(opened) => {
            check.saw(platform::from_headers(&opened.headers));
            check.common().subprotocol.clone_from(&opened.protocol);
            ctx.log(
                check.id,
                format!("Connected in {} ms", opened.handshake.as_millis()),
            );
            Ok(opened)
        }
        Err(NotOpened::Dial(failed)) => Err(failed.into()),
        Err(NotOpened::Open(OpenFailure::Rejected {
            status,
            version,
            headers,
            body,
        })) => {
            check.saw(platform::from_headers(&headers));
            let mut evidence = Common::default();
            classify::response_evidence(
                &mut evidence,
                &ctx.redactor,
                crate::probe::http::status_line(version, status),
                &headers,
                &body,
            );
            let health = inputs.health().await;
            let mut upgrade = UpgradeContext {
                host: settings.target.host(),
                path: path.to_string(),
                health_ok: health.ok,
                health_via_envoy: health.via_envoy,
                path_advertised: health.advertises(path),
                accepted_without_origin: false,
            };
            if matches!(status.as_u16(), 401 | 403) && origin.is_some() {
                upgrade.accepted_without_origin =
                    accepted_without_origin(ctx, check.id, inputs, url, road).await;
                evidence.accepted_without_origin = Some(upgrade.accepted_without_origin);
            }
            let finding = match road {
                Road::Http2 if !upgrade.accepted_without_origin => classify::finding(
                    Cause::H2ConnectRefused,
                    format!(
                        "the HTTP/2 extended CONNECT for {path} (RFC 8441) was answered {} instead of 200",
                        crate::probe::http::status_line(version, status)
                    ),
                ),
                _ => classify::upgrade_refused(status, &headers, &body, &upgrade),
            };
            if finding.cause == Cause::AppRunnerUpgradeBlocked {
                check.saw([Platform::seen(
                    PlatformId::AwsAppRunner,
                    "Envoy edge refuses the upgrade while plain HTTP works",
                )]);
            }
            Err(Failed::with_evidence(finding, evidence).into())
        }
        Err(NotOpened::Open(failure)) => {
            Err(Failed::new(classify::open_failure(&failure, path)).into())
        }
    }
}
