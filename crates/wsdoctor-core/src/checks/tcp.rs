//! The tcp check: connect, and hand the connection on instead of throwing it away.

use super::{CheckRun, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::probe::dns::Resolution;
use crate::probe::stream::Conn;
use crate::probe::tcp as tcp_probe;
use crate::transport::{tcp_failure, transport};
use std::net::SocketAddr;
use wsdoctor_model::evidence::{AddressProbe, Detail, TcpDetail};
use wsdoctor_model::{ms, Cause, CheckId, Notice, Phase};

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Tcp, inputs);
    let settings = &ctx.settings;
    let Some(resolution) = inputs.facts.resolution.clone() else {
        return check.fail_plain(super::Failed::new(classify::finding(
            Cause::DnsFailed,
            "no address to connect to",
        )));
    };
    if settings.all_addresses && settings.route.proxy.is_some() {
        check.detail(Detail::Tcp(TcpDetail {
            addresses: Vec::new(),
            all_addresses: Some(
                "ignored: through a proxy, the proxy chooses the target's address".to_string(),
            ),
        }));
    } else if settings.all_addresses && resolution.addrs.len() > 1 {
        return every_address(ctx, check, &resolution).await;
    }
    match transport(ctx, &mut check, inputs).await {
        Ok(conn) => {
            let summary = match &settings.route.proxy {
                Some(proxy) => format!(
                    "tunnel to {}:{} through {} ({})",
                    settings.target.host(),
                    settings.target.port(),
                    proxy.display(),
                    proxy.source
                ),
                None => format!(
                    "connected to {}",
                    check.common().peer.clone().unwrap_or_default()
                ),
            };
            check.connection = Some(conn);
            check.pass(summary)
        }
        Err(failed) => check.fail_plain(failed),
    }
}

/// `--all-addresses`: connects to every resolved address at once, so one bad node behind a
/// balancer (or a stale DNS record) shows instead of hiding behind the first that answers.
async fn every_address(
    ctx: &Ctx,
    mut check: CheckRun,
    resolution: &std::sync::Arc<Resolution>,
) -> Output {
    let addrs = &resolution.addrs;
    let timeout = ctx.settings.limits.connect_timeout;
    let policy = ctx.settings.connect_policy;
    let attempts = addrs.iter().map(|addr| async move {
        (
            *addr,
            tcp_probe::connect(std::slice::from_ref(addr), timeout, policy).await,
        )
    });
    let outcomes = futures_util::future::join_all(attempts).await;
    let mut probes = Vec::new();
    let mut failures = Vec::new();
    for (addr, outcome) in outcomes {
        match outcome {
            Ok(connected) => {
                probes.push(AddressProbe {
                    address: addr.to_string(),
                    ok: true,
                    connect_ms: Some(ms(connected.duration)),
                    error: None,
                });
                if check.connection.is_none() {
                    check.phase(ctx, Phase::TcpConnect, connected.duration);
                    check.common().peer = Some(addr.to_string());
                    check.connection = Some(Conn::Plain(connected.stream));
                }
            }
            Err(mut failed) => {
                let (_, failure) = failed.remove(0);
                probes.push(AddressProbe {
                    address: addr.to_string(),
                    ok: false,
                    connect_ms: None,
                    error: Some(failure.describe()),
                });
                failures.push((addr, failure));
            }
        }
    }
    check.detail(Detail::Tcp(TcpDetail {
        addresses: probes,
        all_addresses: None,
    }));
    let total = addrs.len();
    if failures.is_empty() {
        return check.pass(format!("all {total} addresses accept connections"));
    }
    let failed = tcp_failure(&failures).await;
    let bad: Vec<String> = failures.iter().map(|(a, _)| a.ip().to_string()).collect();
    let message = format!(
        "{} of {total} addresses fail ({}): {}",
        failures.len(),
        bad.join(", "),
        failed.finding.message
    );
    let working: Vec<SocketAddr> = addrs
        .iter()
        .filter(|a| !failures.iter().any(|(bad, _)| bad == *a))
        .copied()
        .collect();
    if working.is_empty() {
        check.connection = None;
        return check.fail_plain(super::Failed {
            finding: wsdoctor_model::Finding {
                message,
                ..failed.finding
            },
            evidence: failed.evidence,
        });
    }
    // The rest of the checklist runs on the addresses that work; the bad one is a warning that
    // names it, since some users of the name will be sent to it.
    check.learned.resolution = Some(std::sync::Arc::new(Resolution {
        addrs: working.clone(),
        ..resolution.as_ref().clone()
    }));
    let notice = Notice::of(
        failed.finding.cause,
        message,
        format!(
            "Some addresses work and some do not: a node behind the name is down or a DNS record is stale; remove or fix {}. {}",
            bad.join(", "),
            failed.finding.hint
        ),
    );
    check.warn(
        format!(
            "{} of {total} addresses accept connections; the checks go on with {}",
            working.len(),
            working
                .iter()
                .map(|a| a.ip().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        notice,
    )
}
