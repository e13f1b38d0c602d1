//! The dns check: every address of the host (or of the proxy, which resolves the target itself).

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::diagnose::dns as judge;
use crate::facts::Inputs;
use crate::probe::dns::{self, DnsFailure};
use crate::probe::route;
use crate::transport::connect_host;
use std::sync::Arc;
use wsdoctor_model::evidence::{Detail, DnsDetail};
use wsdoctor_model::{CheckId, Phase};

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
            let trace = ctx.trace(check.id);
            if trace.is_on() {
                let addrs: Vec<String> = resolution
                    .addrs
                    .iter()
                    .map(|a| a.ip().to_string())
                    .collect();
                trace.info(
                    wsdoctor_model::WireLayer::Dns,
                    format!(
                        "{host} → {} in {:.1} ms",
                        addrs.join(", "),
                        resolution.duration.as_secs_f64() * 1000.0
                    ),
                );
            }
            if let Some(family) = settings.family {
                let all = std::mem::take(&mut resolution.addrs);
                let (kept, other): (Vec<_>, Vec<_>) =
                    all.into_iter().partition(|a| family.admits(a.ip()));
                if kept.is_empty() {
                    let others: Vec<String> = other.iter().map(|a| a.ip().to_string()).collect();
                    let finding =
                        judge::no_address_of_family(&host, family.name(), family.flag(), &others);
                    return check.fail_plain(Failed::with_evidence(finding, Default::default()));
                }
                resolution.addrs = kept;
            }
            let addresses: Vec<String> = resolution
                .addrs
                .iter()
                .map(|a| a.ip().to_string())
                .collect();
            let summary = judge::summary(
                &host,
                settings.route.proxy.is_some(),
                &addresses,
                resolution.source.as_str(),
            );
            check.detail(Detail::Dns(DnsDetail {
                addresses,
                source: resolution.source,
            }));
            // Through a proxy the browser's own rules apply to the target's name, not the
            // proxy's address.
            let local_network = match settings.route.proxy {
                Some(_) => None,
                None => judge::local_network_access(
                    settings.origin.as_deref(),
                    &resolution.addrs,
                    &host,
                ),
            };
            check.learned.local_network_prompt = local_network.is_some();
            check.learned.resolution = Some(Arc::new(resolution));
            match local_network {
                Some(notice) => check.warn(summary, notice),
                None => check.pass(summary),
            }
        }
        Err(failure) => {
            ctx.trace(check.id).info(
                wsdoctor_model::WireLayer::Dns,
                format!("resolving {host} failed: {failure:?}"),
            );
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
