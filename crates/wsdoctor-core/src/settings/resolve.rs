//! Name resolution settings: `--resolve` overrides and the IP address family.

use super::error::SettingsError;
use std::net::{IpAddr, SocketAddr};

/// A `--resolve HOST:PORT:ADDR[,ADDR…]` override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveOverride {
    /// The host name as it appears in the URL (lower case).
    pub host: String,
    /// The port it applies to.
    pub port: u16,
    /// The addresses to use instead of DNS, in order.
    pub addrs: Vec<IpAddr>,
}

impl ResolveOverride {
    /// Parses `HOST:PORT:ADDR[,ADDR…]` (IPv6 addresses may be bracketed).
    pub fn parse(text: &str) -> Result<ResolveOverride, SettingsError> {
        let bad = || {
            SettingsError::new(
                "resolve",
                format!("{text:?} must look like HOST:PORT:ADDR[,ADDR…], e.g. app.example.com:443:127.0.0.1"),
            )
        };
        let (host, rest) = text.split_once(':').ok_or_else(bad)?;
        let (port, addrs) = rest.split_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let addrs = addrs
            .split(',')
            .map(|a| {
                a.trim()
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<IpAddr>()
                    .map_err(|_| bad())
            })
            .collect::<Result<Vec<_>, _>>()?;
        if host.is_empty() || addrs.is_empty() {
            return Err(bad());
        }
        Ok(ResolveOverride {
            host: host.to_ascii_lowercase(),
            port,
            addrs,
        })
    }

    /// The addresses for `host:port`, if an override among `overrides` matches.
    pub fn lookup(overrides: &[ResolveOverride], host: &str, port: u16) -> Option<Vec<SocketAddr>> {
        overrides
            .iter()
            .find(|o| o.host.eq_ignore_ascii_case(host) && o.port == port)
            .map(|o| o.addrs.iter().map(|a| SocketAddr::new(*a, port)).collect())
    }
}

/// An IP address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpFamily {
    /// IPv4 only (`-4`).
    V4,
    /// IPv6 only (`-6`).
    V6,
}

impl IpFamily {
    /// Whether `ip` belongs to this family.
    pub fn admits(self, ip: std::net::IpAddr) -> bool {
        match self {
            IpFamily::V4 => ip.is_ipv4(),
            IpFamily::V6 => ip.is_ipv6(),
        }
    }

    /// "IPv4" or "IPv6".
    pub fn name(self) -> &'static str {
        match self {
            IpFamily::V4 => "IPv4",
            IpFamily::V6 => "IPv6",
        }
    }

    /// The flag that asks for it.
    pub fn flag(self) -> &'static str {
        match self {
            IpFamily::V4 => "-4",
            IpFamily::V6 => "-6",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_accepts_ipv6_in_brackets() {
        let r = ResolveOverride::parse("app.example.com:443:[::1]").unwrap();
        assert_eq!(r.addrs, vec!["::1".parse::<IpAddr>().unwrap()]);
        let two = ResolveOverride::parse("a:80:127.0.0.1,127.0.0.2").unwrap();
        assert_eq!(two.addrs.len(), 2);
        assert!(ResolveOverride::parse("app:notaport:1.2.3.4").is_err());
    }
}
