//! Name resolution: literal addresses, `--resolve` overrides, then the system resolver.

use crate::config::{resolve_override, ResolveOverride};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Where the addresses came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The host is an IP literal.
    Literal,
    /// A `--resolve` override.
    Override,
    /// The system resolver.
    System,
}

impl Source {
    /// As text for the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Literal => "literal",
            Source::Override => "--resolve",
            Source::System => "system resolver",
        }
    }
}

/// A successful resolution.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// Every address, in the resolver's order.
    pub addrs: Vec<SocketAddr>,
    /// Where they came from.
    pub source: Source,
    /// Time spent.
    pub duration: Duration,
}

/// Why resolution failed.
#[derive(Debug, Clone)]
pub enum DnsFailure {
    /// The name does not exist (or has no address).
    NotFound(String),
    /// The resolver could not answer (it may be unreachable).
    Temporary(String),
    /// The resolver did not answer in time.
    Timeout(Duration),
    /// Another resolver error.
    Other(String),
}

/// Resolves `host:port`, bounded by `timeout`.
pub async fn resolve(
    host: &str,
    port: u16,
    overrides: &[ResolveOverride],
    timeout: Duration,
) -> Result<Resolution, DnsFailure> {
    let start = Instant::now();
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(Resolution {
            addrs: vec![SocketAddr::new(ip, port)],
            source: Source::Literal,
            duration: start.elapsed(),
        });
    }
    if let Some(addrs) = resolve_override(overrides, host, port) {
        return Ok(Resolution {
            addrs,
            source: Source::Override,
            duration: start.elapsed(),
        });
    }
    let lookup = tokio::net::lookup_host((host.to_string(), port));
    match tokio::time::timeout(timeout, lookup).await {
        Err(_) => Err(DnsFailure::Timeout(timeout)),
        Ok(Err(e)) => Err(classify_error(&e.to_string())),
        Ok(Ok(addrs)) => {
            let mut addrs: Vec<SocketAddr> = addrs.collect();
            addrs.dedup();
            if addrs.is_empty() {
                return Err(DnsFailure::NotFound("no addresses".to_string()));
            }
            Ok(Resolution {
                addrs,
                source: Source::System,
                duration: start.elapsed(),
            })
        }
    }
}

/// getaddrinfo's errors reach us only as text; these are glibc's and musl's wordings.
fn classify_error(text: &str) -> DnsFailure {
    let lower = text.to_ascii_lowercase();
    if lower.contains("name or service not known")
        || lower.contains("no address associated")
        || lower.contains("nodename nor servname")
        || lower.contains("name does not resolve")
        || lower.contains("not found")
    {
        DnsFailure::NotFound(text.to_string())
    } else if lower.contains("temporary failure") || lower.contains("try again") {
        DnsFailure::Temporary(text.to_string())
    } else {
        DnsFailure::Other(text.to_string())
    }
}
