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
    let summary = format!("{} → sockets over {socket_scheme}://", config.target);
    check.pass(summary)
}

/// Resolves the host: every address, timed.
pub async fn dns(ctx: &RunContext) -> CheckReport {
    let mut check = CheckRun::start(CheckId::Dns);
    let host = ctx.config.host();
    let port = ctx.config.port();
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
            let summary = format!(
                "{host} → {} ({})",
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
    match tcp_probe::connect(&resolution.addrs, ctx.config.limits.connect_timeout).await {
        Ok(connected) => {
            check.phase(ctx, "tcp_connect", connected.duration);
            check.note("peer", connected.peer.to_string());
            if !connected.earlier_failures.is_empty() {
                check.note(
                    "earlier_failures",
                    json!(connected
                        .earlier_failures
                        .iter()
                        .map(|(a, f)| json!({"address": a.to_string(), "error": f.describe()}))
                        .collect::<Vec<_>>()),
                );
            }
            let summary = format!("connected to {}", connected.peer);
            if ctx.config.uses_tls() {
                ctx.keep_tcp(connected.stream);
            } else {
                ctx.keep_conn(Conn::Plain(connected.stream));
            }
            check.pass(summary)
        }
        Err(failures) => {
            let (finding, evidence) = classify::tcp(&failures);
            check.fail(Failed::with_evidence(finding, evidence), None)
        }
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
    let stream = match ctx.take_tcp() {
        Some(stream) => stream,
        None => {
            let Some(resolution) = ctx.resolution.get() else {
                return check.fail(
                    Failed::new(classify::finding(
                        Cause::DnsFailed,
                        "no address to connect to",
                    )),
                    None,
                );
            };
            match tcp_probe::connect(&resolution.addrs, ctx.config.limits.connect_timeout).await {
                Ok(c) => {
                    check.phase(ctx, "tcp_connect", c.duration);
                    c.stream
                }
                Err(failures) => {
                    let (finding, evidence) = classify::tcp(&failures);
                    return check.fail(Failed::with_evidence(finding, evidence), None);
                }
            }
        }
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
