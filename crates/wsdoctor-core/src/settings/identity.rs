//! The TLS client identity: a certificate chain and its private key, a secret.

use super::error::SettingsError;
use crate::secret::MASK;
use rustls_pki_types::pem::PemObject;

/// A client certificate chain and its private key, PEM, already read. The key is a secret: it
/// is never printed, and its Debug says so.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientIdentity {
    /// The certificate chain, leaf first (PEM).
    pub cert_pem: Vec<u8>,
    /// The private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key_pem: Vec<u8>,
}

impl ClientIdentity {
    /// The chain and key, parsed; the errors name the option at fault and never quote the key.
    pub(crate) fn parse(
        &self,
    ) -> Result<
        (
            Vec<rustls_pki_types::CertificateDer<'static>>,
            rustls_pki_types::PrivateKeyDer<'static>,
        ),
        SettingsError,
    > {
        let chain = rustls_pki_types::CertificateDer::pem_slice_iter(&self.cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| SettingsError::new("cert", format!("not a PEM certificate file: {e}")))?;
        if chain.is_empty() {
            return Err(SettingsError::new("cert", "contains no PEM certificate"));
        }
        let key = rustls_pki_types::PrivateKeyDer::from_pem_slice(&self.key_pem).map_err(|_| {
            SettingsError::new(
                "key",
                "contains no PEM private key (PKCS#8, PKCS#1 or SEC1; encrypted keys are not supported)",
            )
        })?;
        Ok((chain, key))
    }

    /// Whether the chain and key parse.
    pub fn check(&self) -> Result<(), SettingsError> {
        self.parse().map(|_| ())
    }
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("cert_pem", &format_args!("{} bytes", self.cert_pem.len()))
            .field("key_pem", &format_args!("{}", MASK))
            .finish()
    }
}
