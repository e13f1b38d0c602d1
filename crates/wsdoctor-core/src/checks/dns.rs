//! The dns check: every address of the host (or of the proxy, which resolves the target itself).

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::probe::dns::{self, DnsFailure};
use crate::probe::route;
use crate::transport::connect_host;
use std::sync::Arc;
use wsdoctor_model::evidence::{Detail, DnsDetail};
use wsdoctor_model::{Cause, CheckId, Notice, Phase};

/// Local Network Access (Chromium 142+): a page on a public origin that fetches from or opens a
/// socket to a private or loopback address needs the user's permission; unprompted (headless, a
/// kiosk, a denied prompt) it fails, and the page sees only 1006.
fn local_network_access(
    settings: &crate::settings::Settings,
    resolution: &crate::probe::dns::Resolution,
    host: &str,
) -> Option<Notice> {
    use crate::browser_rules::{public_host, AddressSpace};
    // Through a proxy the browser's own rules apply to the target's name, not the proxy's address.
    if settings.route.proxy.is_some() {
        return None;
    }
    let origin = settings.origin.as_deref()?;
    let origin_host = url::Url::parse(origin).ok()?.host_str()?.to_string();
    if !public_host(&origin_host) {
        return None;
    }
    let spaces: Vec<AddressSpace> = resolution
        .addrs
        .iter()
        .map(|a| AddressSpace::of(a.ip()))
        .collect();
    let space = if spaces.iter().all(|s| *s == AddressSpace::Loopback) {
        AddressSpace::Loopback
    } else if spaces.iter().all(|s| *s != AddressSpace::Public) {
        AddressSpace::Private
    } else {
        return None;
    };
    Some(Notice::of(
        Cause::LocalNetworkAccess,
        format!(
            "the page's origin {origin} is public and {host} is a {} address: Chrome and Edge 142+ (Local Network Access) ask the user for permission to reach it, and without it (headless, a denied prompt, an enterprise policy) the socket fails and the page sees only 1006",
            space.as_str()
        ),
        "serve the socket from a public address for public pages, or have users allow local network access for the origin (a browser permission or policy); a browser run shows what the page sees",
    ))
}

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
            let local_network = local_network_access(settings, &resolution, &host);
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
