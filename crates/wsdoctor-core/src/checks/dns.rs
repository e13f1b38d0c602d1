//! The dns check: every address of the host (or of the proxy, which resolves the target itself).

use super::connect::connect_host;
use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::probe::dns::{self, DnsFailure};
use crate::probe::route;
use std::sync::Arc;
use wsdoctor_model::evidence::{Detail, DnsDetail};
use wsdoctor_model::{Cause, CheckId, Phase};

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Dns, inputs);
    let settings = &ctx.settings;
    let (host, port) = connect_host(ctx);
    if let Some(proxy) = &settings.route.proxy {
        check.common().proxy = Some(proxy.display());
    }
    match dns::resolve(
        &host,
        port,
        &settings.resolve,
        settings.limits.connect_timeout,
    )
    .await
    {
        Ok(mut resolution) => {
            check.phase(ctx, Phase::Dns, resolution.duration);
            if let Some(family) = settings.family {
                let all = std::mem::take(&mut resolution.addrs);
                let (kept, other): (Vec<_>, Vec<_>) =
                    all.into_iter().partition(|a| family.admits(a.ip()));
                if kept.is_empty() {
                    let others: Vec<String> = other.iter().map(|a| a.ip().to_string()).collect();
                    let finding = classify::finding(
                        Cause::DnsNotFound,
                        format!(
                            "{host} has no {} address ({} asked for one); it resolves to {}",
                            family.name(),
                            family.flag(),
                            others.join(", ")
                        ),
                    );
                    return check.fail_plain(Failed::with_evidence(finding, Default::default()));
                }
                resolution.addrs = kept;
            }
            let addresses: Vec<String> = resolution
                .addrs
                .iter()
                .map(|a| a.ip().to_string())
                .collect();
            let via = if settings.route.proxy.is_some() {
                " (the proxy)"
            } else {
                ""
            };
            let summary = format!(
                "{host}{via} → {} ({})",
                addresses.join(", "),
                resolution.source.as_str()
            );
            check.detail(Detail::Dns(DnsDetail {
                addresses,
                source: resolution.source,
            }));
            check.learned.resolution = Some(Arc::new(resolution));
            check.pass(summary)
        }
        Err(failure) => {
            // Only a resolver that cannot be reached could mean the machine is offline.
            let network_route = match failure {
                DnsFailure::Temporary(_) | DnsFailure::Timeout(_) => {
                    route::has_network_route().await
                }
                DnsFailure::NotFound(_) | DnsFailure::Other(_) => true,
            };
            let (finding, evidence) = classify::dns(&failure, &host, network_route);
            check.fail_plain(Failed::with_evidence(finding, evidence))
        }
    }
}
