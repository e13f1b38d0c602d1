//! The lab's own certificate authority and server certificates, good or deliberately broken.
//!
//! A fresh CA per lab keeps tests hermetic: a client trusts exactly this lab's CA (`Lab::ca_pem`) and
//! nothing on the machine, so a TLS fault fails for the reason the fault names and no other.

use std::io;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use super::fault::Fault;

const DAY: Duration = Duration::from_secs(86_400);

/// Added to the `tls-expiring` deadline so a client computing whole days left still sees DAYS.
const EXPIRY_MARGIN: Duration = Duration::from_secs(3_600);

/// What TLS setup produced: the server configuration and the CA a client should trust.
pub(crate) struct TlsSetup {
    pub(crate) config: Arc<ServerConfig>,
    pub(crate) ca_pem: String,
    /// For `tls-client-cert`: a client certificate the server accepts, then its key (PEM).
    pub(crate) client_identity_pem: Option<String>,
}

fn other(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    io::Error::other(e)
}

/// Builds the CA and the server certificate the fault calls for, and a ring-backed server config
/// that offers HTTP/2 in ALPN when `http2` is set (alone under the HTTP/2-only faults).
pub(crate) fn setup(fault: Option<&Fault>, http2: bool) -> io::Result<TlsSetup> {
    // rcgen takes the `time` crate's date type; anchoring at the epoch with std durations builds
    // "now" without depending on that crate directly.
    let now_secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(other)?
        .as_secs();
    let now = rcgen::date_time_ymd(1970, 1, 1) + Duration::from_secs(now_secs);

    let mut ca_params = CertificateParams::default();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "wsdoctor lab CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca_params.not_before = now - DAY;
    // The CA outlives any leaf it signs, so only the leaf's dates can be what a client objects to.
    let ca_days = match fault {
        Some(Fault::TlsExpiring(days)) => (*days).max(364) + 1,
        _ => 365,
    };
    ca_params.not_after = now + DAY * ca_days;
    let ca_key = KeyPair::generate().map_err(other)?;
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(other)?;

    let names: Vec<String> = match fault {
        Some(Fault::TlsWrongName) => vec!["wrong-name.invalid".into()],
        _ => vec!["127.0.0.1".into(), "::1".into(), "localhost".into()],
    };
    let mut leaf_params = CertificateParams::new(names).map_err(other)?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "wsdoctor lab");
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    match fault {
        Some(Fault::TlsExpired) => {
            leaf_params.not_before = now - 60 * DAY;
            leaf_params.not_after = now - 30 * DAY;
        }
        Some(Fault::TlsNotYetValid) => {
            leaf_params.not_before = now + 30 * DAY;
            leaf_params.not_after = now + 120 * DAY;
        }
        Some(Fault::TlsShortLived(hours)) => {
            // Half-way through its life, as an automatically renewed certificate usually is.
            let half = Duration::from_secs(u64::from(*hours) * 1_800);
            leaf_params.not_before = now - half;
            leaf_params.not_after = now + half;
        }
        Some(Fault::TlsExpiring(days)) => {
            leaf_params.not_before = now - 30 * DAY;
            // The extra hour keeps "DAYS days" whole by the time a client counts what is left.
            leaf_params.not_after = now + DAY * *days + EXPIRY_MARGIN;
        }
        _ => {
            leaf_params.not_before = now - DAY;
            leaf_params.not_after = now + 90 * DAY;
        }
    }
    let leaf_key = KeyPair::generate().map_err(other)?;
    let leaf = if matches!(fault, Some(Fault::TlsSelfSigned)) {
        leaf_params.self_signed(&leaf_key).map_err(other)?
    } else {
        leaf_params.use_authority_key_identifier_extension = true;
        leaf_params.signed_by(&leaf_key, &ca).map_err(other)?
    };

    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(other)?;
    let (builder, client_identity_pem) = if matches!(fault, Some(Fault::TlsClientCert)) {
        let mut client_params = CertificateParams::new(Vec::<String>::new()).map_err(other)?;
        client_params
            .distinguished_name
            .push(DnType::CommonName, "wsdoctor lab client");
        client_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        client_params.not_before = now - DAY;
        client_params.not_after = now + 90 * DAY;
        client_params.use_authority_key_identifier_extension = true;
        let client_key = KeyPair::generate().map_err(other)?;
        let client = client_params.signed_by(&client_key, &ca).map_err(other)?;
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca.der().clone()).map_err(other)?;
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(other)?;
        (
            builder.with_client_cert_verifier(verifier),
            Some(format!("{}{}", client.pem(), client_key.serialize_pem())),
        )
    } else {
        (builder.with_no_client_auth(), None)
    };
    let mut config = builder
        .with_single_cert(vec![leaf.der().clone()], key)
        .map_err(other)?;
    config.alpn_protocols = match (http2, fault.is_some_and(Fault::http2_only)) {
        (_, true) => vec![b"h2".to_vec()],
        (true, false) => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
        (false, false) => vec![b"http/1.1".to_vec()],
    };

    Ok(TlsSetup {
        config: Arc::new(config),
        ca_pem: ca.pem(),
        client_identity_pem,
    })
}
