//! TLS with rustls: verification on by default, a report of what was negotiated and presented,
//! and the presented chain kept even when verification fails so the evidence can show its dates
//! and names.

use super::stream::Conn;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde::Serialize;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// The crypto provider for every TLS connection (one provider for rustls and rcgen alike).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A verifier that records the chain it was shown, then delegates (or, with `--insecure`,
/// accepts after recording).
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    insecure: bool,
    last_chain: Arc<Mutex<Vec<CertificateDer<'static>>>>,
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
        if let Ok(mut chain) = self.last_chain.lock() {
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

/// The client side of TLS for one run: one config, built once, shared by every connection.
#[derive(Clone)]
pub struct TlsClient {
    config: Arc<ClientConfig>,
    last_chain: Arc<Mutex<Vec<CertificateDer<'static>>>>,
}

impl TlsClient {
    /// Builds the client from the system store, webpki roots and `--cacert` PEM.
    pub fn new(cacert_pem: Option<&[u8]>, insecure: bool) -> Result<TlsClient, String> {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let native = rustls_native_certs::load_native_certs();
        for cert in native.certs {
            // A broken system certificate should not stop the check; it is simply not trusted.
            let _ = roots.add(cert);
        }
        if let Some(pem) = cacert_pem {
            let mut added = 0;
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| format!("--cacert: not a PEM certificate: {e}"))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("--cacert: unusable certificate: {e}"))?;
                added += 1;
            }
            if added == 0 {
                return Err("--cacert: no certificate found in the file".to_string());
            }
        }
        let provider = provider();
        let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| format!("cannot build the certificate verifier: {e}"))?;
        let last_chain = Arc::new(Mutex::new(Vec::new()));
        let verifier = RecordingVerifier {
            inner,
            insecure,
            last_chain: last_chain.clone(),
        };
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS configuration: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsClient {
            config: Arc::new(config),
            last_chain,
        })
    }

    /// Runs the handshake on `transport` for `host`, bounded by `timeout`.
    pub async fn handshake(
        &self,
        transport: Conn,
        host: &str,
        timeout: Duration,
    ) -> Result<(TlsStream<Conn>, TlsInfo), TlsFailure> {
        let start = Instant::now();
        let name = ServerName::try_from(host.to_string()).map_err(|e| {
            TlsFailure::Other(format!("{host:?} is not a valid TLS server name: {e}"))
        })?;
        let connector = TlsConnector::from(self.config.clone());
        let outcome = tokio::time::timeout(timeout, connector.connect(name, transport)).await;
        let chain = self.presented_chain();
        match outcome {
            Err(_) => Err(TlsFailure::Timeout(timeout)),
            Ok(Err(e)) => Err(TlsFailure::from_io(e, chain)),
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
                        .map(|certs| certs.iter().filter_map(|c| CertInfo::parse(c)).collect())
                        .unwrap_or_default(),
                    handshake: start.elapsed(),
                };
                Ok((stream, info))
            }
        }
    }

    fn presented_chain(&self) -> Vec<CertInfo> {
        self.last_chain
            .lock()
            .map(|chain| chain.iter().filter_map(|c| CertInfo::parse(c)).collect())
            .unwrap_or_default()
    }
}

/// What the handshake negotiated and what the server presented.
#[derive(Debug, Clone, Serialize)]
pub struct TlsInfo {
    /// Protocol version (`TLSv1.3`).
    pub version: String,
    /// Cipher suite.
    pub cipher_suite: String,
    /// ALPN protocol, if negotiated.
    pub alpn: Option<String>,
    /// The server name sent.
    pub sni: String,
    /// The presented chain, leaf first.
    pub chain: Vec<CertInfo>,
    /// Handshake time.
    #[serde(skip)]
    pub handshake: Duration,
}

/// One certificate, summarised.
#[derive(Debug, Clone, Serialize)]
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
}

impl CertInfo {
    fn parse(der: &CertificateDer<'_>) -> Option<CertInfo> {
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
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Some(CertInfo {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            sans,
            not_before: rfc3339(not_before),
            not_after: rfc3339(not_after),
            days_left: (not_after - now).div_euclid(86_400),
        })
    }
}

fn rfc3339(epoch_seconds: i64) -> String {
    let time = if epoch_seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(epoch_seconds as u64)
    } else {
        UNIX_EPOCH
    };
    humantime::format_rfc3339_seconds(time).to_string()
}

/// Why a TLS handshake failed.
#[derive(Debug, Clone)]
pub enum TlsFailure {
    /// The handshake did not finish in time.
    Timeout(Duration),
    /// Certificate verification failed.
    Certificate {
        /// rustls's verdict.
        error: rustls::CertificateError,
        /// The chain the server presented.
        chain: Vec<CertInfo>,
    },
    /// A TLS alert or protocol error.
    Protocol(String),
    /// Anything else (I/O, a bad server name).
    Other(String),
}

impl TlsFailure {
    fn from_io(e: io::Error, chain: Vec<CertInfo>) -> TlsFailure {
        let text = e.to_string();
        match e
            .into_inner()
            .and_then(|inner| inner.downcast::<rustls::Error>().ok())
        {
            Some(boxed) => match *boxed {
                rustls::Error::InvalidCertificate(error) => {
                    TlsFailure::Certificate { error, chain }
                }
                other => TlsFailure::Protocol(other.to_string()),
            },
            None => TlsFailure::Other(text),
        }
    }
}
