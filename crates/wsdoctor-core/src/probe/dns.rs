//! Name resolution: literal addresses, `--resolve` overrides, then the system resolver.

use super::OsError;
use crate::settings::ResolveOverride;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use wsdoctor_model::evidence::AddressSource;

/// A successful resolution.
#[derive(Debug, Clone)]
pub(crate) struct Resolution {
    /// Every address, in the resolver's order.
    pub(crate) addrs: Vec<SocketAddr>,
    /// Where they came from.
    pub(crate) source: AddressSource,
    /// Time spent.
    pub(crate) duration: Duration,
}

/// Why resolution failed.
#[derive(Debug, Clone)]
pub(crate) enum DnsFailure {
    /// The name does not exist (or has no address).
    NotFound(String),
    /// The resolver could not answer (it may be unreachable).
    Temporary(OsError),
    /// The resolver did not answer in time.
    Timeout(Duration),
    /// Another resolver error.
    Other(OsError),
}

/// Resolves `host:port`, bounded by `timeout`.
pub(crate) async fn resolve(
    host: &str,
    port: u16,
    overrides: &[ResolveOverride],
    timeout: Duration,
) -> Result<Resolution, DnsFailure> {
    let start = Instant::now();
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(Resolution {
            addrs: vec![SocketAddr::new(ip, port)],
            source: AddressSource::Literal,
            duration: start.elapsed(),
        });
    }
    if let Some(addrs) = ResolveOverride::lookup(overrides, host, port) {
        return Ok(Resolution {
            addrs,
            source: AddressSource::Override,
            duration: start.elapsed(),
        });
    }
    let lookup = tokio::net::lookup_host((host.to_string(), port));
    match tokio::time::timeout(timeout, lookup).await {
        Err(_) => Err(DnsFailure::Timeout(timeout)),
        Ok(Err(e)) => Err(classify_error(&e)),
        Ok(Ok(addrs)) => {
            let mut addrs: Vec<SocketAddr> = addrs.collect();
            addrs.dedup();
            if addrs.is_empty() {
                return Err(DnsFailure::NotFound("no addresses".to_string()));
            }
            Ok(Resolution {
                addrs,
                source: AddressSource::System,
                duration: start.elapsed(),
            })
        }
    }
}

/// getaddrinfo's errors reach std only as text (its EAI_* codes are not kept); these are glibc's
/// and musl's wordings.
fn classify_error(e: &std::io::Error) -> DnsFailure {
    let os = OsError::from_io(e);
    let lower = os.message.to_ascii_lowercase();
    if lower.contains("name or service not known")
        || lower.contains("no address associated")
        || lower.contains("nodename nor servname")
        || lower.contains("name does not resolve")
        || lower.contains("not found")
    {
        DnsFailure::NotFound(os.message)
    } else if lower.contains("temporary failure") || lower.contains("try again") {
        DnsFailure::Temporary(os)
    } else {
        DnsFailure::Other(os)
    }
}
