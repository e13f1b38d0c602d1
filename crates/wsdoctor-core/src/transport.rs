//! Opening a connection to the target for a check: TCP (or a tunnel through the proxy), then TLS
//! when the scheme needs it, each phase timed into the check.

use crate::checks::{CheckRun, Failed};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::probe::stream::Conn;
use crate::probe::{proxy, route, tcp};
use crate::settings::ConnectPolicy;
use crate::trace::Trace;
use wsdoctor_model::evidence::AddressError;
use wsdoctor_model::{Cause, Phase, WireLayer};

/// Where the TCP connection goes: the proxy when there is one, else the target.
pub(crate) fn connect_host(ctx: &Ctx) -> (String, u16) {
    let settings = &ctx.settings;
    match &settings.route.proxy {
        Some(proxy) => (proxy.host.clone(), proxy.port),
        None => (settings.target.host(), settings.target.port()),
    }
}

/// Diagnoses a failed TCP connect, asking the route probe only when the failure could mean this
/// machine is offline.
pub(crate) async fn tcp_failure(failures: &[(std::net::SocketAddr, tcp::TcpFailure)]) -> Failed {
    let route = if classify::tcp_could_be_offline(failures) {
        route::has_network_route().await
    } else {
        true
    };
    let (finding, evidence) = classify::tcp(failures, route);
    Failed::with_evidence(finding, evidence)
}

/// TCP to the target (or to the proxy, then a CONNECT tunnel): the stream TLS and HTTP run on.
pub(crate) async fn transport(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
) -> Result<Conn, Failed> {
    let Some(resolution) = &inputs.facts.resolution else {
        return Err(Failed::new(classify::finding(
            Cause::DnsFailed,
            "no resolved address (the dns check did not run)",
        )));
    };
    let settings = &ctx.settings;
    if let (Some(proxy), ConnectPolicy::PublicOnly) =
        (&settings.route.proxy, settings.connect_policy)
    {
        // The proxy resolves the target's name and picks its address: the rule cannot be
        // applied to it, so it is not trusted to.
        return Err(Failed::new(classify::finding(
            Cause::AddressDenied,
            format!(
                "not connected through the proxy {}: it would choose the target's address itself, and only public addresses are allowed",
                proxy.display()
            ),
        )));
    }
    let timeout = settings.limits.connect_timeout;
    let trace = ctx.trace(check.id);
    let connected = match tcp::connect(&resolution.addrs, timeout, settings.connect_policy).await {
        Ok(c) => c,
        Err(failures) => {
            for (addr, failure) in &failures {
                trace.info(
                    WireLayer::Tcp,
                    format!("connect to {addr} failed: {}", failure.describe()),
                );
            }
            let mut failed = tcp_failure(&failures).await;
            if let Some(proxy) = &settings.route.proxy {
                failed.finding.message =
                    format!("the proxy {}: {}", proxy.display(), failed.finding.message);
            }
            return Err(failed);
        }
    };
    check.phase(ctx, Phase::TcpConnect, connected.duration);
    if trace.is_on() {
        for (addr, failure) in &connected.earlier_failures {
            trace.info(
                WireLayer::Tcp,
                format!("connect to {addr} failed: {}", failure.describe()),
            );
        }
        let local = connected
            .stream
            .local_addr()
            .map_or_else(|_| "?".to_string(), |a| a.to_string());
        trace.info(
            WireLayer::Tcp,
            format!(
                "connected {local} → {} in {}",
                connected.peer,
                human_ms(connected.duration)
            ),
        );
    }
    check.common().peer = Some(connected.peer.to_string());
    // The name has an address that does not work: worth seeing even when another did.
    check.common().earlier_failures = connected
        .earlier_failures
        .iter()
        .map(|(a, f)| AddressError {
            address: a.to_string(),
            error: f.describe(),
        })
        .collect();
    let Some(proxy) = &settings.route.proxy else {
        return Ok(Conn::Plain(connected.stream));
    };
    let authority = format!("{}:{}", settings.target.url_host(), settings.target.port());
    let credentials = proxy
        .credentials
        .as_ref()
        .map(|(u, p)| (u.reveal(), p.reveal()));
    match proxy::connect(connected.stream, &authority, credentials, timeout).await {
        Ok((conn, duration)) => {
            trace.info(
                WireLayer::Tcp,
                format!(
                    "tunnel to {authority} through the proxy {} in {}",
                    proxy.display(),
                    human_ms(duration)
                ),
            );
            check.phase(ctx, Phase::ProxyConnect, duration);
            check.common().proxy = Some(proxy.display());
            Ok(conn)
        }
        Err(failure) => {
            let (finding, evidence) =
                classify::tunnel(&failure, &ctx.redactor, &proxy.display(), &authority);
            Err(Failed::with_evidence(finding, evidence))
        }
    }
}

/// Opens a connection to the target (TCP, then TLS offering the protocols `alpn` when the scheme
/// needs it), timing each phase into `check`. `warm` is a connection a transport check handed
/// on, used instead when given.
pub(crate) async fn dial(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    warm: Option<Conn>,
    alpn: &[&[u8]],
) -> Result<Conn, Failed> {
    if let Some(conn) = warm {
        check.common().connection = Some("reused from the tcp/tls check".to_string());
        return Ok(conn);
    }
    let transport = transport(ctx, check, inputs).await?;
    if !ctx.settings.target.uses_tls() {
        return Ok(transport);
    }
    secure(ctx, check, transport, alpn).await
}

/// The TLS handshake on an open transport, offering the protocols `alpn`.
pub(crate) async fn secure(
    ctx: &Ctx,
    check: &mut CheckRun,
    transport: Conn,
    alpn: &[&[u8]],
) -> Result<Conn, Failed> {
    let client = ctx
        .tls()
        .await
        .map_err(|e| Failed::new(classify::finding(Cause::TlsHandshake, e)))?;
    let host = ctx.settings.target.host();
    match client
        .handshake(transport, &host, ctx.settings.limits.connect_timeout, alpn)
        .await
    {
        Ok((stream, handshake)) => {
            check.phase(ctx, Phase::TlsHandshake, handshake.duration);
            trace_tls(&ctx.trace(check.id), alpn, &handshake);
            Ok(Conn::Tls(Box::new(stream)))
        }
        Err(failure) => {
            let (finding, evidence) = classify::tls(&failure, &host);
            trace_tls_failure(&ctx.trace(check.id), &host, &failure, &finding.message);
            Err(Failed::with_evidence(finding, evidence))
        }
    }
}

/// A finished handshake, for the trace: version, cipher suite, SNI, ALPN offered and agreed, and
/// the chain.
pub(crate) fn trace_tls(trace: &Trace, alpn: &[&[u8]], handshake: &crate::probe::tls::Handshake) {
    if !trace.is_on() {
        return;
    }
    let info = &handshake.info;
    let offered: Vec<String> = alpn
        .iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    trace.info(
        WireLayer::Tls,
        format!(
            "{} {} in {}, SNI {}, ALPN offered [{}] agreed {}",
            info.version,
            info.cipher_suite,
            human_ms(handshake.duration),
            info.sni,
            offered.join(", "),
            info.alpn.as_deref().unwrap_or("none")
        ),
    );
    trace_chain(trace, &info.chain);
}

/// A failed handshake, for the trace: why (the diagnosis's words), and the chain the server
/// presented when the certificate was the trouble.
pub(crate) fn trace_tls_failure(
    trace: &Trace,
    host: &str,
    failure: &crate::probe::tls::TlsFailure,
    message: &str,
) {
    if !trace.is_on() {
        return;
    }
    trace.info(
        WireLayer::Tls,
        format!("handshake with SNI {host} failed: {message}"),
    );
    if let crate::probe::tls::TlsFailure::Certificate { chain, .. } = failure {
        trace_chain(trace, chain);
    }
}

/// The certificates a server presented, for the trace: each one's subject, issuer and dates.
fn trace_chain(trace: &Trace, chain: &[wsdoctor_model::evidence::CertInfo]) {
    for (depth, cert) in chain.iter().enumerate() {
        let left = if cert.seconds_left < 0 {
            format!("expired {} days ago", cert.days_left.saturating_neg())
        } else {
            format!("{} days left", cert.days_left)
        };
        trace.info(
            WireLayer::Tls,
            format!(
                "certificate {depth}: subject {:?}, issuer {:?}, valid {} to {} ({left}), names [{}]",
                cert.subject,
                cert.issuer,
                cert.not_before,
                cert.not_after,
                cert.sans.join(", ")
            ),
        );
    }
}

/// A duration in milliseconds for a trace line (`0.4 ms`).
fn human_ms(duration: std::time::Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}
