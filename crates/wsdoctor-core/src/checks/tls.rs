//! The tls check: the handshake a browser would make, and a report of the certificate.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::diagnose::tls as judge;
use crate::facts::Inputs;
use crate::probe::stream::Conn;
use crate::probe::tls::{self, AfterRequest, Handshake, TlsFailure};
use crate::transport::transport;
use std::time::Duration;
use tokio_rustls::client::TlsStream;
use wsdoctor_model::evidence::{Detail, TlsDetail};
use wsdoctor_model::{Cause, CheckId, Phase};

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs, warm: Option<Conn>) -> Output {
    let mut check = CheckRun::start(CheckId::Tls, inputs);
    let settings = &ctx.settings;
    let host = settings.target.host();
    let client = match ctx.tls().await {
        Ok(c) => c,
        Err(e) => return check.fail_plain(Failed::new(classify::finding(Cause::TlsHandshake, e))),
    };
    let stream = match warm {
        Some(stream) => stream,
        None => match transport(ctx, &mut check, inputs).await {
            Ok(transport) => transport,
            Err(failed) => return check.fail_plain(failed),
        },
    };
    match client
        .handshake(
            stream,
            &host,
            settings.limits.connect_timeout,
            settings.roads.alpn(),
        )
        .await
    {
        Ok((stream, handshake)) => handshaken(ctx, check, stream, handshake, &host).await,
        Err(failure) => {
            let (finding, evidence) = classify::tls(&failure, &host);
            crate::transport::trace_tls_failure(
                &ctx.trace(check.id),
                &host,
                &failure,
                &finding.message,
            );
            check.fail_plain(Failed::with_evidence(finding, evidence))
        }
    }
}

/// A completed handshake: the client certificate settled, what was agreed recorded and learned,
/// the connection handed on, and the certificate judged.
async fn handshaken(
    ctx: &Ctx,
    mut check: CheckRun,
    mut stream: TlsStream<Conn>,
    handshake: Handshake,
    host: &str,
) -> Output {
    let settings = &ctx.settings;
    check.phase(ctx, Phase::TlsHandshake, handshake.duration);
    crate::transport::trace_tls(&ctx.trace(check.id), settings.roads.alpn(), &handshake);
    let (hand_over, mutual) = if handshake.client_cert_requested {
        match client_certificate(ctx, &mut stream, &handshake, host).await {
            Ok(hand_over) => (hand_over, judge::mutual(handshake.client_cert_sent)),
            Err(failed) => return check.fail_plain(failed),
        }
    } else {
        (true, String::new())
    };
    let info = handshake.info;
    // A chain the command line verified with --cacert, the browser is told to trust too
    // (for that run only): it cannot have the private CA. Without --cacert the browser
    // judges with its own store, which is the point; with --insecure nothing was
    // verified, so it is told nothing.
    if settings.browser.is_some() && settings.cacert_pem.is_some() && !settings.insecure {
        check.learned.verified_spki = handshake.spki_sha256;
    }
    let leaf = info.chain.first().cloned();
    let summary = judge::summary(&info, &mutual);
    // The socket checks choose their roads by what the origin agreed on here.
    check.learned.alpn = Some(info.alpn.clone());
    check.detail(Detail::Tls(TlsDetail { tls: info }));
    if hand_over {
        check.connection = Some(Conn::Tls(Box::new(stream)));
    }
    if settings.insecure {
        return check.warn(summary, judge::unverified());
    }
    match judge::expiry(leaf.as_ref(), host, settings.limits.cert_warn_days) {
        Some(notice) => check.warn(summary, notice),
        None => check.pass(summary),
    }
}

/// What the server did after asking for a client certificate: whether the connection can still
/// be handed on, or the refusal.
async fn client_certificate(
    ctx: &Ctx,
    stream: &mut TlsStream<Conn>,
    handshake: &Handshake,
    host: &str,
) -> Result<bool, Failed> {
    let wait = (handshake.duration * 2)
        .clamp(Duration::from_millis(100), Duration::from_secs(1))
        .min(ctx.settings.limits.connect_timeout);
    let alert = match tls::after_certificate_request(stream, wait).await {
        AfterRequest::Refused(alert) => alert,
        AfterRequest::Closed => "none (the connection was closed)".into(),
        AfterRequest::Spoke => return Ok(false),
        AfterRequest::Quiet => return Ok(true),
    };
    let failure = TlsFailure::ClientCert {
        had_cert: handshake.client_cert_sent,
        alert,
    };
    let (finding, evidence) = classify::tls(&failure, host);
    Err(Failed::with_evidence(finding, evidence))
}
