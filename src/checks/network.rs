//! The checks that need no HTTP: target, dns, tcp, tls.

use super::{CheckRun, Failed, RunContext};
use crate::config::TargetKind;
use crate::diagnose::classify;
use crate::diagnose::codes::Cause;
use crate::plan::CheckId;
use crate::probe::stream::Conn;
use crate::probe::{dns as dns_probe, tcp as tcp_probe};
use crate::report::{CheckReport, Notice};
use serde_json::json;

/// Days of certificate validity under which the tls check warns.
pub const CERT_WARN_DAYS: i64 = 14;

/// URL validation and browser parity: what a browser would refuse before any packet.
pub fn target(ctx: &RunContext) -> CheckReport {
    let mut check = CheckRun::start(CheckId::Target);
    let config = &ctx.config;
    check.note("url", config.target.as_str());
    check.note(
        "kind",
        match config.kind {
            TargetKind::Http => "http base URL",
            TargetKind::WebSocket => "WebSocket URL",
        },
    );
    let socket_scheme = if config.uses_tls() { "wss" } else { "ws" };
    check.note("socket_scheme", socket_scheme);
    check.note("connection", config.proxy_note.as_str());
    if let Some(origin) = &config.origin {
        check.note("origin", origin.as_str());
        if origin.starts_with("https://") && socket_scheme == "ws" {
            let secure = ctx.ws_base().replacen("ws://", "wss://", 1);
            return check.fail(
                Failed::new(classify::finding(
                    Cause::MixedContent,
                    format!(
                        "the frontend {origin} is served over https but the socket URL is {}: browsers block it; the frontend should use {secure}",
                        ctx.ws_base()
                    ),
                )),
                None,
            );
        }
    }
    if config.insecure {
        return check.warn(
            format!("{} (certificate verification OFF)", config.target),
            Notice::new(
                "--insecure: TLS certificates are not verified, so a TLS problem a browser would hit is hidden",
                "drop --insecure, or pass the private CA with --cacert",
            ),
        );
    }
    let summary = format!(
        "{} → sockets over {socket_scheme}://, {}",
        config.target, config.proxy_note
    );
    check.pass(summary)
}

/// Resolves the host: every address, timed.
pub async fn dns(ctx: &RunContext) -> CheckReport {
    let mut check = CheckRun::start(CheckId::Dns);
    // Through a proxy, this machine resolves only the proxy; the proxy resolves the target.
    let host = ctx.connect_host();
    let port = ctx.connect_port();
    if let Some(proxy) = &ctx.config.proxy {
        check.note("proxy", proxy.display());
    }
    match dns_probe::resolve(
        &host,
        port,
        &ctx.config.resolve,
        ctx.config.limits.connect_timeout,
    )
    .await
    {
        Ok(resolution) => {
            check.phase(ctx, "dns", resolution.duration);
            let addrs: Vec<String> = resolution
                .addrs
                .iter()
                .map(|a| a.ip().to_string())
                .collect();
            check.note("addresses", json!(addrs));
            check.note("source", resolution.source.as_str());
            let via = if ctx.config.proxy.is_some() {
                " (the proxy)"
            } else {
                ""
            };
            let summary = format!(
                "{host}{via} → {} ({})",
                addrs.join(", "),
                resolution.source.as_str()
            );
            let _ = ctx.resolution.set(resolution);
            check.pass(summary)
        }
        Err(failure) => {
            let (finding, evidence) = classify::dns(&failure, &host);
            check.fail(Failed::with_evidence(finding, evidence), None)
        }
    }
}

/// Connects over TCP and keeps the connection for the next step.
pub async fn tcp(ctx: &RunContext) -> CheckReport {
    let mut check = CheckRun::start(CheckId::Tcp);
    let Some(resolution) = ctx.resolution.get() else {
        return check.fail(
            Failed::new(classify::finding(
                Cause::DnsFailed,
                "no address to connect to",
            )),
            None,
        );
    };
    if ctx.config.all_addresses && ctx.config.proxy.is_some() {
        check.note(
            "all_addresses",
            "ignored: through a proxy, the proxy chooses the target's address",
        );
    } else if ctx.config.all_addresses && resolution.addrs.len() > 1 {
        return every_address(ctx, check, &resolution.addrs).await;
    }
    match ctx.transport(&mut check).await {
        Ok(transport) => {
            let summary = match &ctx.config.proxy {
                Some(proxy) => format!(
                    "tunnel to {}:{} through {} ({})",
                    ctx.config.host(),
                    ctx.config.port(),
                    proxy.display(),
                    proxy.source
                ),
                None => format!(
                    "connected to {}",
                    check
                        .evidence
                        .get("peer")
                        .and_then(|p| p.as_str())
                        .unwrap_or("?")
                ),
            };
            if ctx.config.uses_tls() {
                ctx.keep_transport(transport);
            } else {
                ctx.keep_conn(transport);
            }
            check.pass(summary)
        }
        Err(failed) => check.fail(failed, None),
    }
}

/// The TLS handshake and a report of the certificate.
pub async fn tls(ctx: &RunContext) -> CheckReport {
    let mut check = CheckRun::start(CheckId::Tls);
    let host = ctx.config.host();
    let client = match ctx.tls_client() {
        Ok(c) => c,
        Err(e) => return check.fail(Failed::new(classify::finding(Cause::TlsHandshake, e)), None),
    };
    let stream = match ctx.take_transport() {
        Some(stream) => stream,
        None => match ctx.transport(&mut check).await {
            Ok(transport) => transport,
            Err(failed) => return check.fail(failed, None),
        },
    };
    match client
        .handshake(stream, &host, ctx.config.limits.connect_timeout)
        .await
    {
        Ok((stream, info)) => {
            check.phase(ctx, "tls_handshake", info.handshake);
            check.note("tls", json!(info));
            ctx.keep_conn(Conn::Tls(Box::new(stream)));
            let leaf = info.chain.first();
            let expiry = leaf
                .map(|l| format!(", certificate valid {} more days", l.days_left))
                .unwrap_or_default();
            let summary = format!(
                "{} {}{}{expiry}",
                info.version,
                info.cipher_suite,
                info.alpn
                    .as_deref()
                    .map(|a| format!(", ALPN {a}"))
                    .unwrap_or_default()
            );
            if ctx.config.insecure {
                return check.warn(
                    summary,
                    Notice::new(
                        "the certificate was not verified (--insecure)",
                        "drop --insecure to see what a browser would see",
                    ),
                );
            }
            match leaf {
                Some(l) if l.days_left < CERT_WARN_DAYS => {
                    let notice = Notice::new(
                        format!(
                            "the certificate for {host} expires on {} ({} days left)",
                            l.not_after, l.days_left
                        ),
                        "renew the certificate before it expires",
                    );
                    check.warn(summary, notice)
                }
                _ => check.pass(summary),
            }
        }
        Err(failure) => {
            let (finding, evidence) = classify::tls(&failure, &host);
            check.fail(Failed::with_evidence(finding, evidence), None)
        }
    }
}

/// `--all-addresses`: connects to every resolved address at once, so one bad node behind a
/// balancer (or a stale DNS record) shows instead of hiding behind the first that answers.
async fn every_address(
    ctx: &RunContext,
    mut check: CheckRun,
    addrs: &[std::net::SocketAddr],
) -> CheckReport {
    let timeout = ctx.config.limits.connect_timeout;
    let attempts = addrs.iter().map(|addr| async move {
        (
            *addr,
            tcp_probe::connect(std::slice::from_ref(addr), timeout).await,
        )
    });
    let outcomes = futures_util::future::join_all(attempts).await;
    let mut report = Vec::new();
    let mut failures = Vec::new();
    let mut kept = false;
    for (addr, outcome) in outcomes {
        match outcome {
            Ok(connected) => {
                report.push(json!({"address": addr.to_string(), "ok": true,
                                   "connect_ms": crate::report::ms(connected.duration)}));
                if !kept {
                    check.phase(ctx, "tcp_connect", connected.duration);
                    check.note("peer", addr.to_string());
                    if ctx.config.uses_tls() {
                        ctx.keep_transport(Conn::Plain(connected.stream));
                    } else {
                        ctx.keep_conn(Conn::Plain(connected.stream));
                    }
                    kept = true;
                }
            }
            Err(mut failed) => {
                let (_, failure) = failed.remove(0);
                report.push(
                    json!({"address": addr.to_string(), "ok": false, "error": failure.describe()}),
                );
                failures.push((addr, failure));
            }
        }
    }
    check.note("addresses", json!(report));
    let total = addrs.len();
    if failures.is_empty() {
        return check.pass(format!("all {total} addresses accept connections"));
    }
    let (mut finding, evidence) = classify::tcp(&failures);
    let bad: Vec<String> = failures.iter().map(|(a, _)| a.ip().to_string()).collect();
    finding.message = format!(
        "{} of {total} addresses fail ({}): {}",
        failures.len(),
        bad.join(", "),
        finding.message
    );
    if failures.len() < total {
        finding.hint = format!(
            "Some addresses work and some do not: a node behind the name is down or a DNS record is stale; remove or fix {}. {}",
            bad.join(", "),
            finding.hint
        );
    }
    check.fail(Failed::with_evidence(finding, evidence), None)
}
