//! The tls check: the handshake a browser would make, and a report of the certificate.

use super::connect::transport;
use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::probe::stream::Conn;
use wsdoctor_model::evidence::{Detail, TlsDetail};
use wsdoctor_model::{Cause, CheckId, Notice, Phase};

/// Days of certificate validity under which the tls check warns.
pub(crate) const CERT_WARN_DAYS: i64 = 14;

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
        .handshake(stream, &host, settings.limits.connect_timeout)
        .await
    {
        Ok((stream, handshake)) => {
            check.phase(ctx, Phase::TlsHandshake, handshake.duration);
            let info = handshake.info;
            let leaf = info.chain.first().cloned();
            let expiry = leaf
                .as_ref()
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
            check.detail(Detail::Tls(TlsDetail { tls: info }));
            check.connection = Some(Conn::Tls(Box::new(stream)));
            if settings.insecure {
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
            check.fail_plain(Failed::with_evidence(finding, evidence))
        }
    }
}
