//! What a TLS handshake means for the report: the summary a user reads, a client certificate
//! asked for, a certificate left unverified, and one close to its end.

use std::time::Duration;
use wsdoctor_model::evidence::{CertInfo, TlsInfo};
use wsdoctor_model::timing::human;
use wsdoctor_model::{Cause, Notice};

/// Whether a certificate is close enough to its end to warn: under `warn_days` left, and under a
/// third of its whole lifetime left, so a short-lived certificate that is renewed automatically
/// (a 12-hour leaf, say) does not warn on every run, only when its renewal is overdue.
pub(crate) fn expiring(cert: &CertInfo, warn_days: u32) -> bool {
    let threshold = (i64::from(warn_days) * 86_400).min(cert.lifetime_seconds / 3);
    cert.seconds_left < threshold
}

/// Seconds that may be negative (a certificate past its end) as a duration from zero.
fn seconds(value: i64) -> Duration {
    Duration::from_secs(u64::try_from(value.max(0)).unwrap_or(0))
}

/// The summary's note on a client certificate the server asked for and took.
pub(crate) fn mutual(cert_sent: bool) -> String {
    if cert_sent {
        ", client certificate accepted".into()
    } else {
        ", client certificate requested but optional".into()
    }
}

/// The check's summary: the protocol, the cipher, ALPN, how long the leaf has left, and the
/// client certificate note.
pub(crate) fn summary(info: &TlsInfo, mutual: &str) -> String {
    let expiry = info
        .chain
        .first()
        .map(|l| {
            if l.days_left >= 1 {
                format!(", certificate valid {} more days", l.days_left)
            } else {
                format!(
                    ", certificate valid {} more (a {} certificate)",
                    human(seconds(l.seconds_left)),
                    human(seconds(l.lifetime_seconds))
                )
            }
        })
        .unwrap_or_default();
    format!(
        "{} {}, {}{expiry}{mutual}",
        info.version,
        info.cipher_suite,
        info.alpn
            .as_deref()
            .map(|a| format!("ALPN {a}"))
            .unwrap_or_else(|| "no ALPN protocol agreed".to_string())
    )
}

/// The caveat of a run that did not verify the certificate.
pub(crate) fn unverified() -> Notice {
    Notice::of(
        Cause::TlsUnverified,
        "the certificate was not verified (--insecure)",
        "drop --insecure to see what a browser would see",
    )
}

/// The caveat of a leaf close to its end, if it is.
pub(crate) fn expiry(leaf: Option<&CertInfo>, host: &str, warn_days: u32) -> Option<Notice> {
    let l = leaf.filter(|l| expiring(l, warn_days))?;
    let left = if l.days_left >= 1 {
        format!("{} days left", l.days_left)
    } else {
        format!("{} left", human(seconds(l.seconds_left)))
    };
    Some(Notice::of(
        Cause::TlsExpiring,
        format!(
            "the certificate for {host} expires on {} ({left}, of a {}-day lifetime)",
            l.not_after, l.lifetime_days
        ),
        "renew the certificate before it expires (or check that automatic renewal runs)",
    ))
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
