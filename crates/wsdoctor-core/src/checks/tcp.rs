//! The tcp check: connect, and hand the connection on instead of throwing it away.

use super::{CheckRun, Output};
use crate::context::Ctx;
use crate::diagnose::tcp as judge;
use crate::facts::Inputs;
use crate::probe::dns::Resolution;
use crate::probe::stream::Conn;
use crate::probe::tcp as tcp_probe;
use crate::transport::{tcp_failure, transport};
use std::net::SocketAddr;
use wsdoctor_model::evidence::{AddressProbe, Detail, TcpDetail};
use wsdoctor_model::{ms, CheckId, Phase};

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Tcp, inputs);
    let settings = &ctx.settings;
    let Some(resolution) = inputs.facts.resolution.clone() else {
        return check.fail_plain(super::Failed::new(judge::no_address()));
    };
    if settings.all_addresses && settings.route.proxy.is_some() {
        check.detail(Detail::Tcp(TcpDetail {
            addresses: Vec::new(),
            all_addresses: Some(judge::ALL_ADDRESSES_THROUGH_PROXY.to_string()),
        }));
    } else if settings.all_addresses && resolution.addrs.len() > 1 {
        return every_address(ctx, check, &resolution).await;
    }
    match transport(ctx, &mut check, inputs).await {
        Ok(conn) => {
            let summary = match &settings.route.proxy {
                Some(proxy) => judge::tunnel(
                    &format!("{}:{}", settings.target.host(), settings.target.port()),
                    &proxy.display(),
                    &proxy.source,
                ),
                None => judge::connected(&check.common().peer.clone().unwrap_or_default()),
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
        return check.pass(judge::all_connect(total));
    }
    let failed = tcp_failure(&failures).await;
    let bad: Vec<String> = failures.iter().map(|(a, _)| a.ip().to_string()).collect();
    let working: Vec<SocketAddr> = addrs
        .iter()
        .filter(|a| !failures.iter().any(|(bad, _)| bad == *a))
        .copied()
        .collect();
    match judge::some_fail(total, &bad, &working, failed.finding) {
        Err(finding) => {
            check.connection = None;
            check.fail_plain(super::Failed {
                finding,
                evidence: failed.evidence,
            })
        }
        Ok((summary, notice)) => {
            check.learned.resolution = Some(std::sync::Arc::new(Resolution {
                addrs: working,
                ..resolution.as_ref().clone()
            }));
            check.warn(summary, notice)
        }
    }
}
