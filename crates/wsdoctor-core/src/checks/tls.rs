//! The tls check: the handshake a browser would make, and a report of the certificate.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::probe::stream::Conn;
use crate::probe::tls::{self, AfterRequest, TlsFailure};
use crate::transport::transport;
use std::time::Duration;
use wsdoctor_model::evidence::{CertInfo, Detail, TlsDetail};
use wsdoctor_model::timing::human;
use wsdoctor_model::{Cause, CheckId, Notice, Phase};

/// Whether a certificate is close enough to its end to warn: under `warn_days` left, and under a
/// third of its whole lifetime left, so a short-lived certificate that is renewed automatically
/// (a 12-hour leaf, say) does not warn on every run, only when its renewal is overdue.
pub(crate) fn expiring(cert: &CertInfo, warn_days: u32) -> bool {
    let threshold = (i64::from(warn_days) * 86_400).min(cert.lifetime_seconds / 3);
    cert.seconds_left < threshold
}

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
        Ok((mut stream, handshake)) => {
            check.phase(ctx, Phase::TlsHandshake, handshake.duration);
            crate::transport::trace_tls(&ctx.trace(check.id), settings.roads.alpn(), &handshake);
            let mut hand_over = true;
            let mut mutual = String::new();
            if handshake.client_cert_requested {
                let wait = (handshake.duration * 2)
                    .clamp(Duration::from_millis(100), Duration::from_secs(1))
                    .min(settings.limits.connect_timeout);
                match tls::after_certificate_request(&mut stream, wait).await {
                    AfterRequest::Refused(alert) => {
                        let failure = TlsFailure::ClientCert {
                            had_cert: handshake.client_cert_sent,
                            alert,
                        };
                        let (finding, evidence) = classify::tls(&failure, &host);
                        return check.fail_plain(Failed::with_evidence(finding, evidence));
                    }
                    AfterRequest::Closed => {
                        let failure = TlsFailure::ClientCert {
                            had_cert: handshake.client_cert_sent,
                            alert: "none (the connection was closed)".into(),
                        };
                        let (finding, evidence) = classify::tls(&failure, &host);
                        return check.fail_plain(Failed::with_evidence(finding, evidence));
                    }
                    AfterRequest::Spoke => hand_over = false,
                    AfterRequest::Quiet => {}
                }
                mutual = if handshake.client_cert_sent {
                    ", client certificate accepted".into()
                } else {
                    ", client certificate requested but optional".into()
                };
            }
            let info = handshake.info;
            // A chain the command line verified with --cacert, the browser is told to trust too
            // (for that run only): it cannot have the private CA. Without --cacert the browser
            // judges with its own store, which is the point; with --insecure nothing was
            // verified, so it is told nothing.
            if settings.browser.is_some() && settings.cacert_pem.is_some() && !settings.insecure {
                check.learned.verified_spki = handshake.spki_sha256;
            }
            let leaf = info.chain.first().cloned();
            let expiry = leaf
                .as_ref()
                .map(|l| {
                    if l.days_left >= 1 {
                        format!(", certificate valid {} more days", l.days_left)
                    } else {
                        format!(
                            ", certificate valid {} more (a {} certificate)",
                            human(Duration::from_secs(
                                u64::try_from(l.seconds_left.max(0)).unwrap_or(0)
                            )),
                            human(Duration::from_secs(
                                u64::try_from(l.lifetime_seconds.max(0)).unwrap_or(0)
                            ))
                        )
                    }
                })
                .unwrap_or_default();
            let summary = format!(
                "{} {}, {}{expiry}{mutual}",
                info.version,
                info.cipher_suite,
                info.alpn
                    .as_deref()
                    .map(|a| format!("ALPN {a}"))
                    .unwrap_or_else(|| "no ALPN protocol agreed".to_string())
            );
            // The socket checks choose their roads by what the origin agreed on here.
            check.learned.alpn = Some(info.alpn.clone());
            check.detail(Detail::Tls(TlsDetail { tls: info }));
            if hand_over {
                check.connection = Some(Conn::Tls(Box::new(stream)));
            }
            if settings.insecure {
                return check.warn(
                    summary,
                    Notice::of(
                        Cause::TlsUnverified,
                        "the certificate was not verified (--insecure)",
                        "drop --insecure to see what a browser would see",
                    ),
                );
            }
            match leaf {
                Some(l) if expiring(&l, settings.limits.cert_warn_days) => {
                    let left = if l.days_left >= 1 {
                        format!("{} days left", l.days_left)
                    } else {
                        format!(
                            "{} left",
                            human(Duration::from_secs(
                                u64::try_from(l.seconds_left.max(0)).unwrap_or(0)
                            ))
                        )
                    };
                    let notice = Notice::of(
                        Cause::TlsExpiring,
                        format!(
                            "the certificate for {host} expires on {} ({left}, of a {}-day lifetime)",
                            l.not_after, l.lifetime_days
                        ),
                        "renew the certificate before it expires (or check that automatic renewal runs)",
                    );
                    check.warn(summary, notice)
                }
                _ => check.pass(summary),
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(left_secs: i64, lifetime_secs: i64) -> CertInfo {
        CertInfo {
            subject: String::new(),
            issuer: String::new(),
            sans: Vec::new(),
            not_before: String::new(),
            not_after: String::new(),
            days_left: left_secs / 86_400,
            lifetime_days: lifetime_secs / 86_400,
            seconds_left: left_secs,
            lifetime_seconds: lifetime_secs,
        }
    }

    #[test]
    fn remaining_validity_is_judged_against_the_lifetime() {
        let hour = 3_600;
        let day = 86_400;
        // A 90-day certificate with 3 days left warns; with 30 days it does not.
        assert!(expiring(&cert(3 * day, 90 * day), 14));
        assert!(!expiring(&cert(30 * day, 90 * day), 14));
        // A 12-hour leaf with 6 hours left is on schedule; with 2 hours its renewal is overdue.
        assert!(!expiring(&cert(6 * hour, 12 * hour), 14));
        assert!(expiring(&cert(2 * hour, 12 * hour), 14));
        // The threshold is the user's.
        assert!(expiring(&cert(20 * day, 90 * day), 30));
    }
}
