//! The tls check's facts: what the handshake negotiated, the chain, what was wrong with it.

use serde::Serialize;

/// What was wrong with a certificate, read from the verifier's verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CertificateProblem {
    /// Which rule the certificate broke.
    pub kind: CertificateProblemKind,
    /// When it was checked (RFC 3339), for the date rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<String>,
    /// The end of its validity (RFC 3339), when it expired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    /// The start of its validity (RFC 3339), when it is not valid yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    /// The name the client asked for, when the certificate does not cover it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_name: Option<String>,
    /// The names the certificate covers, when it does not cover the one asked for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub presented_names: Vec<String>,
    /// The key usage required, when the certificate is not for server authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_purpose: Option<String>,
}

/// The rule a certificate broke.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateProblemKind {
    /// Past its not-after date.
    Expired,
    /// Before its not-before date.
    NotYetValid,
    /// Does not cover the host name.
    WrongName,
    /// Issued by an authority this machine does not trust (self-signed, a private CA, a missing
    /// intermediate).
    UnknownIssuer,
    /// A signature in the chain does not verify.
    BadSignature,
    /// Revoked by its issuer.
    Revoked,
    /// Its revocation status could not be learned.
    RevocationUnknown,
    /// Signed with an algorithm this client does not accept.
    UnsupportedAlgorithm,
    /// Not issued for server authentication.
    WrongPurpose,
    /// Not a well-formed certificate.
    BadEncoding,
    /// Carries a critical extension the verifier does not understand.
    UnhandledCriticalExtension,
    /// Anything else the verifier rejected.
    #[default]
    Other,
}

impl CertificateProblem {
    /// The problem in one sentence, dates and names included.
    pub fn describe(&self) -> String {
        let at = |date: &Option<String>| {
            date.as_deref()
                .map(|d| format!(" (checked at {d})"))
                .unwrap_or_default()
        };
        match self.kind {
            CertificateProblemKind::Expired => match &self.not_after {
                Some(end) => format!("the certificate expired at {end}{}", at(&self.checked_at)),
                None => "the certificate has expired".into(),
            },
            CertificateProblemKind::NotYetValid => match &self.not_before {
                Some(start) => format!(
                    "the certificate is not valid before {start}{}",
                    at(&self.checked_at)
                ),
                None => "the certificate is not valid yet".into(),
            },
            CertificateProblemKind::WrongName => {
                let asked = self.expected_name.as_deref().unwrap_or("the host");
                if self.presented_names.is_empty() {
                    format!("the certificate does not cover {asked}")
                } else {
                    format!(
                        "the certificate covers {} but not {asked}",
                        self.presented_names.join(", ")
                    )
                }
            }
            CertificateProblemKind::UnknownIssuer => "the certificate is issued by an authority this machine does not trust (self-signed, a private CA, or an intermediate the server does not send)".into(),
            CertificateProblemKind::BadSignature => "a signature in the certificate chain does not verify".into(),
            CertificateProblemKind::Revoked => "the certificate has been revoked by its issuer".into(),
            CertificateProblemKind::RevocationUnknown => "the certificate's revocation status could not be determined".into(),
            CertificateProblemKind::UnsupportedAlgorithm => "the certificate is signed with an algorithm this client does not accept".into(),
            CertificateProblemKind::WrongPurpose => format!(
                "the certificate is not issued for {}",
                self.required_purpose.as_deref().unwrap_or("server authentication")
            ),
            CertificateProblemKind::BadEncoding => "the certificate is not well-formed DER".into(),
            CertificateProblemKind::UnhandledCriticalExtension => "the certificate carries a critical extension the verifier does not understand".into(),
            CertificateProblemKind::Other => "the certificate was rejected by the verifier".into(),
        }
    }
}

/// One certificate, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertInfo {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// DNS names and IP addresses it covers.
    pub sans: Vec<String>,
    /// Start of validity (RFC 3339).
    pub not_before: String,
    /// End of validity (RFC 3339).
    pub not_after: String,
    /// Whole days until `not_after` (negative once expired).
    pub days_left: i64,
    /// Whole days from `not_before` to `not_after`: the certificate's lifetime.
    pub lifetime_days: i64,
    /// Seconds until `not_after`, for certificates that live hours, not days.
    #[serde(skip)]
    pub seconds_left: i64,
    /// Seconds from `not_before` to `not_after`.
    #[serde(skip)]
    pub lifetime_seconds: i64,
}

/// What a TLS handshake negotiated and what the server presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsInfo {
    /// Protocol version (`TLSv1.3`).
    pub version: String,
    /// Cipher suite.
    pub cipher_suite: String,
    /// ALPN protocol, if one was agreed.
    pub alpn: Option<String>,
    /// The server name sent.
    pub sni: String,
    /// The presented chain, leaf first.
    pub chain: Vec<CertInfo>,
}

/// The tls check's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsDetail {
    /// The handshake.
    pub tls: TlsInfo,
}
