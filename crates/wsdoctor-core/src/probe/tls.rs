//! TLS with rustls: verification on by default, a report of what was negotiated and presented,
//! and the presented chain kept even when verification fails so the evidence can show its dates
//! and names. Each handshake records its own chain, so concurrent handshakes cannot mix them up.

use super::stream::Conn;
use super::OsError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;
use wsdoctor_model::evidence::{CertInfo, CertificateProblem, CertificateProblemKind, TlsInfo};

/// The crypto provider for every TLS connection (one provider for rustls and rcgen alike).
pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A verifier that records the chain it was shown, then delegates (or, with `--insecure`,
/// accepts after recording). One per handshake.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    insecure: bool,
    chain: Arc<Mutex<Vec<CertificateDer<'static>>>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut chain) = self.chain.lock() {
            *chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
        }
        if self.insecure {
            return Ok(ServerCertVerified::assertion());
        }
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The client side of TLS for one run: the trust store, loaded once, shared by every handshake.
#[derive(Clone)]
pub(crate) struct TlsClient {
    verifier: Arc<WebPkiServerVerifier>,
    provider: Arc<CryptoProvider>,
    insecure: bool,
    identity: Option<Arc<rustls::sign::CertifiedKey>>,
}

/// Answers a server's certificate request with the `--cert` identity (or nothing), and remembers
/// that the server asked: in TLS 1.3 a server refuses a missing certificate only after the client
/// thinks the handshake is over, so the question is the only early sign of mutual TLS.
#[derive(Debug)]
struct RecordingResolver {
    identity: Option<Arc<rustls::sign::CertifiedKey>>,
    asked: std::sync::atomic::AtomicBool,
}

impl rustls::client::ResolvesClientCert for RecordingResolver {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        self.asked.store(true, std::sync::atomic::Ordering::Relaxed);
        self.identity.clone()
    }

    fn has_certs(&self) -> bool {
        // Always: rustls only follows a certificate request (and so tells us of it) when it does.
        true
    }
}

/// The webpki roots and the system's store, read once per process: a fleet, the exporter and
/// `watch` build a client per run, and reading the system store takes tens of milliseconds.
fn system_roots() -> &'static RootCertStore {
    static ROOTS: std::sync::OnceLock<RootCertStore> = std::sync::OnceLock::new();
    ROOTS.get_or_init(|| {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for cert in rustls_native_certs::load_native_certs().certs {
            // A broken system certificate should not stop the check; it is simply not trusted.
            let _ = roots.add(cert);
        }
        roots
    })
}

impl TlsClient {
    /// Builds the client from the system store, webpki roots and `--cacert` PEM. Loading the system
    /// store reads files: call it on a blocking thread.
    pub(crate) fn new(
        cacert_pem: Option<&[u8]>,
        insecure: bool,
        identity: Option<&crate::settings::ClientIdentity>,
    ) -> Result<TlsClient, String> {
        let mut roots = system_roots().clone();
        if let Some(pem) = cacert_pem {
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| format!("--cacert: not a PEM certificate: {e}"))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("--cacert: unusable certificate: {e}"))?;
            }
        }
        let provider = provider();
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| format!("cannot build the certificate verifier: {e}"))?;
        let identity = match identity {
            None => None,
            Some(identity) => {
                let (chain, key) = identity.parse().map_err(|e| e.to_string())?;
                let certified = rustls::sign::CertifiedKey::from_der(chain, key, &provider)
                    .map_err(|e| {
                        format!("--cert/--key: the key does not belong to the certificate: {e}")
                    })?;
                Some(Arc::new(certified))
            }
        };
        Ok(TlsClient {
            verifier,
            provider,
            insecure,
            identity,
        })
    }

    /// Runs the handshake on `transport` for `host`, offering the application protocols `alpn`
    /// (most preferred first; none for a protocol without an ALPN name, such as Redis), bounded
    /// by `timeout`.
    pub(crate) async fn handshake(
        &self,
        transport: Conn,
        host: &str,
        timeout: Duration,
        alpn: &[&[u8]],
    ) -> Result<(TlsStream<Conn>, Handshake), TlsFailure> {
        let start = Instant::now();
        let name = ServerName::try_from(host.to_string()).map_err(|e| {
            TlsFailure::Other(format!("{host:?} is not a valid TLS server name: {e}"))
        })?;
        let chain = Arc::new(Mutex::new(Vec::new()));
        let verifier = RecordingVerifier {
            inner: self.verifier.clone(),
            insecure: self.insecure,
            chain: chain.clone(),
        };
        let config = ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsFailure::Other(format!("TLS configuration: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier));
        let resolver = Arc::new(RecordingResolver {
            identity: self.identity.clone(),
            asked: std::sync::atomic::AtomicBool::new(false),
        });
        let mut config = config.with_client_cert_resolver(resolver.clone());
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        let connector = TlsConnector::from(Arc::new(config));
        let outcome = tokio::time::timeout(timeout, connector.connect(name, transport)).await;
        let presented = || -> Vec<CertInfo> {
            chain
                .lock()
                .map(|chain| chain.iter().filter_map(cert_info).collect())
                .unwrap_or_default()
        };
        match outcome {
            Err(_) => Err(TlsFailure::Timeout(timeout)),
            Ok(Err(e)) => {
                let asked = resolver.asked.load(std::sync::atomic::Ordering::Relaxed);
                match refused_client_cert(&e) {
                    Some(alert) if asked => Err(TlsFailure::ClientCert {
                        had_cert: self.identity.is_some(),
                        alert,
                    }),
                    _ => Err(match TlsFailure::from_io(e, presented()) {
                        TlsFailure::NoApplicationProtocol { .. } => {
                            TlsFailure::NoApplicationProtocol {
                                offered: alpn
                                    .iter()
                                    .map(|p| String::from_utf8_lossy(p).into_owned())
                                    .collect(),
                            }
                        }
                        other => other,
                    }),
                }
            }
            Ok(Ok(stream)) => {
                let (_, conn) = stream.get_ref();
                let info = TlsInfo {
                    version: conn
                        .protocol_version()
                        .map(|v| format!("{v:?}").replace('_', "."))
                        .unwrap_or_default(),
                    cipher_suite: conn
                        .negotiated_cipher_suite()
                        .map(|c| format!("{:?}", c.suite()))
                        .unwrap_or_default(),
                    alpn: conn
                        .alpn_protocol()
                        .map(|p| String::from_utf8_lossy(p).into_owned()),
                    sni: host.to_string(),
                    chain: conn
                        .peer_certificates()
                        .map(|certs| certs.iter().filter_map(cert_info).collect())
                        .unwrap_or_default(),
                };
                let spki_sha256 = conn
                    .peer_certificates()
                    .map(|certs| certs.iter().filter_map(spki_sha256).collect())
                    .unwrap_or_default();
                Ok((
                    stream,
                    Handshake {
                        info,
                        spki_sha256,
                        duration: start.elapsed(),
                        client_cert_requested: resolver
                            .asked
                            .load(std::sync::atomic::Ordering::Relaxed),
                        client_cert_sent: self.identity.is_some(),
                    },
                ))
            }
        }
    }
}

/// A finished handshake.
#[derive(Debug, Clone)]
pub(crate) struct Handshake {
    /// What was negotiated and presented.
    pub(crate) info: TlsInfo,
    /// The SHA-256 of each presented certificate's public key (base64), as Chromium's
    /// `--ignore-certificate-errors-spki-list` takes them; empty without the browser feature.
    pub(crate) spki_sha256: Vec<String>,
    /// ClientHello → handshake complete.
    pub(crate) duration: Duration,
    /// Whether the server asked for a client certificate (mutual TLS, required or optional).
    pub(crate) client_cert_requested: bool,
    /// Whether one was sent (`--cert`).
    pub(crate) client_cert_sent: bool,
}

/// What the server did in the moments after a handshake in which it asked for a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AfterRequest {
    /// It refused the certificate (or its absence) with this alert.
    Refused(String),
    /// It closed the connection without a word: the same refusal from a terser server.
    Closed,
    /// It waited for a request, as a server with optional client certificates does.
    Quiet,
    /// It sent application data first; the connection can no longer be handed over.
    Spoke,
}

/// Reads briefly after a handshake in which the server asked for a client certificate: under TLS
/// 1.3 a refusal arrives only now, after the client has finished its side.
pub(crate) async fn after_certificate_request(
    stream: &mut TlsStream<Conn>,
    wait: Duration,
) -> AfterRequest {
    use tokio::io::AsyncReadExt;
    let mut byte = [0u8; 1];
    match tokio::time::timeout(wait, stream.read(&mut byte)).await {
        Err(_) => AfterRequest::Quiet,
        Ok(Ok(0)) => AfterRequest::Closed,
        Ok(Ok(_)) => AfterRequest::Spoke,
        Ok(Err(e)) => match refused_client_cert(&e) {
            Some(alert) => AfterRequest::Refused(alert),
            None => AfterRequest::Closed,
        },
    }
}

/// The alert a server sends when it refuses a client's certificate (or its absence), named as
/// RFC 8446 names it; `None` for any other error.
pub(crate) fn refused_client_cert(e: &std::io::Error) -> Option<String> {
    use rustls::AlertDescription as A;
    let rustls::Error::AlertReceived(alert) = e.get_ref()?.downcast_ref::<rustls::Error>()? else {
        return None;
    };
    let name = match alert {
        A::CertificateRequired => "certificate_required",
        A::BadCertificate => "bad_certificate",
        A::UnsupportedCertificate => "unsupported_certificate",
        A::CertificateRevoked => "certificate_revoked",
        A::CertificateExpired => "certificate_expired",
        A::CertificateUnknown => "certificate_unknown",
        A::UnknownCA => "unknown_ca",
        A::AccessDenied => "access_denied",
        A::HandshakeFailure => "handshake_failure",
        A::DecryptError => "decrypt_error",
        _ => return None,
    };
    Some(name.to_string())
}

/// The SHA-256 of a certificate's SubjectPublicKeyInfo, base64: the pin Chromium's
/// `--ignore-certificate-errors-spki-list` matches against the chain a server presents.
#[cfg(feature = "browser")]
fn spki_sha256(der: &CertificateDer<'_>) -> Option<String> {
    use base64::Engine;
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    let digest = ring::digest::digest(&ring::digest::SHA256, cert.tbs_certificate.subject_pki.raw);
    Some(base64::engine::general_purpose::STANDARD.encode(digest.as_ref()))
}

/// Without the browser, nobody asks for the pins.
#[cfg(not(feature = "browser"))]
fn spki_sha256(_der: &CertificateDer<'_>) -> Option<String> {
    None
}

/// Summarises a certificate; `None` when it does not parse.
pub(crate) fn cert_info(der: &CertificateDer<'_>) -> Option<CertInfo> {
    use x509_parser::extensions::GeneralName;
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for name in &ext.value.general_names {
            match name {
                GeneralName::DNSName(dns) => sans.push((*dns).to_string()),
                GeneralName::IPAddress(bytes) => {
                    if let Ok(octets) = <[u8; 4]>::try_from(*bytes) {
                        sans.push(std::net::Ipv4Addr::from(octets).to_string());
                    } else if let Ok(octets) = <[u8; 16]>::try_from(*bytes) {
                        sans.push(std::net::Ipv6Addr::from(octets).to_string());
                    }
                }
                _ => {}
            }
        }
    }
    let not_before = cert.validity().not_before.timestamp();
    let not_after = cert.validity().not_after.timestamp();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    Some(CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        sans,
        not_before: rfc3339(not_before),
        not_after: rfc3339(not_after),
        days_left: not_after.saturating_sub(now).div_euclid(86_400),
        lifetime_days: not_after.saturating_sub(not_before).div_euclid(86_400),
        seconds_left: not_after.saturating_sub(now),
        lifetime_seconds: not_after.saturating_sub(not_before),
    })
}

/// An RFC 3339 date for a Unix time (the epoch for anything before it).
pub(crate) fn rfc3339(epoch_seconds: i64) -> String {
    let time = u64::try_from(epoch_seconds)
        .ok()
        .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
        .unwrap_or(UNIX_EPOCH);
    humantime::format_rfc3339_seconds(time).to_string()
}

/// The verifier's verdict as dates, names and words: never the library's debug text.
pub(crate) fn certificate_problem(error: &rustls::CertificateError) -> CertificateProblem {
    use rustls::CertificateError as E;
    use CertificateProblemKind as K;
    let date = |t: &UnixTime| Some(rfc3339(i64::try_from(t.as_secs()).unwrap_or(i64::MAX)));
    let kind = |kind| CertificateProblem {
        kind,
        ..CertificateProblem::default()
    };
    #[allow(deprecated)] // the context-free variants still arrive from older verifiers
    match error {
        E::Expired => kind(K::Expired),
        E::ExpiredContext { time, not_after } => CertificateProblem {
            checked_at: date(time),
            not_after: date(not_after),
            ..kind(K::Expired)
        },
        E::NotValidYet => kind(K::NotYetValid),
        E::NotValidYetContext { time, not_before } => CertificateProblem {
            checked_at: date(time),
            not_before: date(not_before),
            ..kind(K::NotYetValid)
        },
        E::NotValidForName => kind(K::WrongName),
        E::NotValidForNameContext {
            expected,
            presented,
        } => CertificateProblem {
            expected_name: Some(expected.to_str().into_owned()),
            presented_names: presented.iter().map(|name| plain_name(name)).collect(),
            ..kind(K::WrongName)
        },
        E::UnknownIssuer => kind(K::UnknownIssuer),
        E::BadSignature => kind(K::BadSignature),
        E::Revoked => kind(K::Revoked),
        E::UnknownRevocationStatus
        | E::ExpiredRevocationList
        | E::ExpiredRevocationListContext { .. }
        | E::InvalidOcspResponse => kind(K::RevocationUnknown),
        E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmContext { .. }
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            kind(K::UnsupportedAlgorithm)
        }
        E::InvalidPurpose => kind(K::WrongPurpose),
        E::InvalidPurposeContext { required, .. } => CertificateProblem {
            required_purpose: Some(
                match required {
                    rustls::ExtendedKeyPurpose::ServerAuth => "server authentication",
                    rustls::ExtendedKeyPurpose::ClientAuth => "client authentication",
                    _ => "the required key usage",
                }
                .to_string(),
            ),
            ..kind(K::WrongPurpose)
        },
        E::BadEncoding => kind(K::BadEncoding),
        E::UnhandledCriticalExtension => kind(K::UnhandledCriticalExtension),
        _ => kind(K::Other),
    }
}

/// A name as rustls presents it (`DnsName("a.example")`, `IpAddress(10.0.0.1)`), without the
/// wrapper.
fn plain_name(presented: &str) -> String {
    let inner = match (presented.find('('), presented.strip_suffix(')')) {
        (Some(open), Some(body)) if presented[..open].chars().all(char::is_alphanumeric) => {
            &body[open + 1..]
        }
        _ => presented,
    };
    inner.trim_matches('"').to_string()
}

/// Why a TLS handshake failed.
#[derive(Debug, Clone)]
pub(crate) enum TlsFailure {
    /// The handshake did not finish in time.
    Timeout(Duration),
    /// Certificate verification failed.
    Certificate {
        /// rustls's verdict.
        error: rustls::CertificateError,
        /// The chain the server presented.
        chain: Vec<CertInfo>,
    },
    /// The server refused the client certificate, or its absence, with this alert.
    ClientCert {
        /// Whether a certificate was sent (`--cert`).
        had_cert: bool,
        /// The alert's RFC 8446 name.
        alert: String,
    },
    /// The server shares none of the application protocols offered (the alert
    /// no_application_protocol): an HTTP/2-only listener refusing `http/1.1`.
    NoApplicationProtocol {
        /// What was offered, most preferred first.
        offered: Vec<String>,
    },
    /// A TLS alert or protocol error.
    Protocol(String),
    /// The connection broke during the handshake.
    Io(OsError),
    /// Anything else (a bad server name, a configuration error).
    Other(String),
}

impl TlsFailure {
    fn from_io(e: std::io::Error, chain: Vec<CertInfo>) -> TlsFailure {
        let os = OsError::from_io(&e);
        match e
            .into_inner()
            .and_then(|inner| inner.downcast::<rustls::Error>().ok())
        {
            Some(boxed) => match *boxed {
                rustls::Error::InvalidCertificate(error) => {
                    TlsFailure::Certificate { error, chain }
                }
                rustls::Error::AlertReceived(rustls::AlertDescription::NoApplicationProtocol) => {
                    TlsFailure::NoApplicationProtocol {
                        offered: Vec::new(),
                    }
                }
                other => TlsFailure::Protocol(other.to_string()),
            },
            None => TlsFailure::Io(os),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presented_names_lose_their_wrapper() {
        assert_eq!(plain_name("DnsName(\"a.example\")"), "a.example");
        assert_eq!(plain_name("IpAddress(10.0.0.1)"), "10.0.0.1");
        assert_eq!(plain_name("a.example"), "a.example");
    }

    #[test]
    fn expired_certificates_read_as_dates() {
        let problem = certificate_problem(&rustls::CertificateError::ExpiredContext {
            time: UnixTime::since_unix_epoch(Duration::from_secs(1_700_000_000)),
            not_after: UnixTime::since_unix_epoch(Duration::from_secs(1_600_000_000)),
        });
        assert_eq!(problem.kind, CertificateProblemKind::Expired);
        assert_eq!(problem.not_after.as_deref(), Some("2020-09-13T12:26:40Z"));
        assert_eq!(
            problem.describe(),
            "the certificate expired at 2020-09-13T12:26:40Z (checked at 2023-11-14T22:13:20Z)"
        );
    }
}
