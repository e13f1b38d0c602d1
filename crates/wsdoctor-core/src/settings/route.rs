//! How the run reaches the target: directly or through an HTTP CONNECT proxy, by the proxy variables and `NO_PROXY`.

use super::error::SettingsError;
use super::target::{bracketed, Target};
use crate::secret::Secret;
use url::Url;

/// The HTTP CONNECT proxy a run goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRoute {
    /// The proxy's host (IPv6 without brackets).
    pub host: String,
    /// The proxy's port.
    pub port: u16,
    /// User and password from the proxy URL.
    pub credentials: Option<(Secret, Secret)>,
    /// Where the setting came from (`--proxy`, `HTTPS_PROXY`…).
    pub source: String,
}

impl ProxyRoute {
    /// Parses a proxy URL (`http://[user:pass@]host:port`, the scheme optional); `source` names
    /// where it came from, for errors and the report.
    pub fn parse(text: &str, source: &str) -> Result<ProxyRoute, SettingsError> {
        let with_scheme = if text.contains("://") {
            text.to_string()
        } else {
            format!("http://{text}")
        };
        let url = Url::parse(&with_scheme)
            .map_err(|e| SettingsError::new("proxy", format!("{source}: not a proxy URL: {e}")))?;
        if url.scheme() != "http" {
            return Err(SettingsError::new(
                "proxy",
                format!(
                    "{source}: {} proxies are not supported; use an http:// CONNECT proxy",
                    url.scheme()
                ),
            ));
        }
        let host = match url.host() {
            Some(url::Host::Ipv6(addr)) => addr.to_string(),
            Some(host) => host.to_string(),
            None => {
                return Err(SettingsError::new(
                    "proxy",
                    format!("{source}: the proxy URL has no host"),
                ))
            }
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = (!url.username().is_empty()).then(|| {
            (
                Secret::new(decode(url.username())),
                Secret::new(decode(url.password().unwrap_or(""))),
            )
        });
        Ok(ProxyRoute {
            host,
            port: url.port_or_known_default().unwrap_or(80),
            credentials,
            source: source.to_string(),
        })
    }

    /// `http://host:port`, without credentials, for the report.
    pub fn display(&self) -> String {
        format!("http://{}:{}", bracketed(&self.host), self.port)
    }
}

/// How the run reaches the target: directly or through a proxy, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The proxy, if any.
    pub proxy: Option<ProxyRoute>,
    /// Why the connection is direct or proxied, for the report.
    pub note: String,
}

impl Default for Route {
    fn default() -> Self {
        Route {
            proxy: None,
            note: "direct (no proxy configured)".to_string(),
        }
    }
}

impl Route {
    /// Chooses the route: an explicit proxy, else the scheme's proxy variable among `vars`
    /// (`HTTPS_PROXY`, `http_proxy`, `ALL_PROXY`…), unless `NO_PROXY` matches the target.
    pub fn choose(
        target: &Target,
        explicit: Option<&str>,
        direct: bool,
        vars: &[(String, String)],
    ) -> Result<Route, SettingsError> {
        if direct {
            return Ok(Route {
                proxy: None,
                note: "direct (--no-proxy)".to_string(),
            });
        }
        let var = |name: &str| {
            vars.iter()
                .find(|(k, v)| k == name && !v.trim().is_empty())
                .map(|(_, v)| v.as_str())
        };
        let (text, source) = match explicit {
            Some(text) => (text.to_string(), "--proxy".to_string()),
            None => {
                let names: [&str; 4] = if target.uses_tls() {
                    ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
                } else {
                    ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
                };
                let Some((name, value)) = names
                    .iter()
                    .find_map(|n| var(n).map(|v| (n.to_string(), v.to_string())))
                else {
                    return Ok(Route::default());
                };
                if let Some(rule) = var("no_proxy")
                    .or_else(|| var("NO_PROXY"))
                    .and_then(|list| no_proxy_match(list, target.url()))
                {
                    return Ok(Route {
                        proxy: None,
                        note: format!(
                            "direct: NO_PROXY entry {rule:?} matches the host ({name} ignored)"
                        ),
                    });
                }
                (value, name)
            }
        };
        let proxy = ProxyRoute::parse(&text, &source)?;
        Ok(Route {
            note: format!("via {} ({source})", proxy.display()),
            proxy: Some(proxy),
        })
    }
}

/// The `NO_PROXY` entry that matches the target, if any, by current curl's rules: entries
/// separated by commas or spaces; `*` matches everything; a name matches itself and its
/// subdomains (a leading dot changes nothing); an IP address or CIDR range (`10.0.0.0/8`,
/// `::1`, `[fe80::]/10`) matches a target given as an address in it — names are not resolved for
/// this, as curl does not. A `:port` suffix narrows an entry to that port (Go's extension).
fn no_proxy_match(list: &str, target: &Url) -> Option<String> {
    let host = target
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let target_ip: Option<std::net::IpAddr> = host.parse().ok();
    let port = target.port_or_known_default();
    list.split(|c: char| c == ',' || c.is_whitespace())
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .find(|entry| {
            if entry == "*" {
                return true;
            }
            let (name, entry_port) = split_entry_port(entry);
            if entry_port.is_some_and(|p| Some(p) != port) {
                return false;
            }
            if let Some(ip) = target_ip {
                return match (
                    name.parse::<ipnet::IpNet>(),
                    name.parse::<std::net::IpAddr>(),
                ) {
                    (Ok(range), _) => range.contains(&ip),
                    (_, Ok(entry_ip)) => entry_ip == ip,
                    _ => host == name,
                };
            }
            let name = name.trim_start_matches('.');
            host == name || host.ends_with(&format!(".{name}"))
        })
}

/// An entry's host part (brackets removed) and its port, if it has one; a bare IPv6 address is
/// all host.
fn split_entry_port(entry: &str) -> (String, Option<u16>) {
    if let Some(rest) = entry.strip_prefix('[') {
        // [v6] or [v6]:port or [v6]/len
        if let Some((inside, after)) = rest.split_once(']') {
            return match after.strip_prefix(':') {
                Some(p) => (inside.to_string(), p.parse().ok()),
                None => (format!("{inside}{after}"), None),
            };
        }
    }
    match entry.rsplit_once(':') {
        Some((name, p)) if !name.contains(':') => match p.parse() {
            Ok(p) => (name.to_string(), Some(p)),
            Err(_) => (entry.to_string(), None),
        },
        _ => (entry.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_follows_curls_rules() {
        let url = Url::parse("https://api.example.com:8443/x").unwrap();
        assert!(no_proxy_match("example.com", &url).is_some());
        assert!(no_proxy_match(".example.com", &url).is_some());
        assert!(no_proxy_match("*", &url).is_some());
        assert!(no_proxy_match("api.example.com:8443", &url).is_some());
        assert!(no_proxy_match("api.example.com:443", &url).is_none());
        assert!(no_proxy_match("ample.com,other.org", &url).is_none());
        // Spaces separate entries too.
        assert!(no_proxy_match("other.org example.com", &url).is_some());
        // Addresses and ranges match addresses, never names (curl does not resolve).
        assert!(no_proxy_match("10.0.0.0/8", &url).is_none());
        let v4 = Url::parse("http://10.1.2.3:8080/").unwrap();
        assert!(no_proxy_match("10.0.0.0/8", &v4).is_some());
        assert!(no_proxy_match("10.1.2.3", &v4).is_some());
        assert!(no_proxy_match("10.1.2.3:8080", &v4).is_some());
        assert!(no_proxy_match("10.1.2.3:80", &v4).is_none());
        assert!(no_proxy_match("192.168.0.0/16,11.0.0.0/8", &v4).is_none());
        let v6 = Url::parse("http://[fe80::1]/").unwrap();
        assert!(no_proxy_match("fe80::/10", &v6).is_some());
        assert!(no_proxy_match("[fe80::]/10", &v6).is_some());
        assert!(no_proxy_match("fe80::1", &v6).is_some());
        assert!(no_proxy_match("[fe80::1]:80", &v6).is_some());
        assert!(no_proxy_match("[fe80::1]:81", &v6).is_none());
        assert!(no_proxy_match("::1", &v6).is_none());
        let loopback6 = Url::parse("http://[::1]:9/").unwrap();
        assert!(no_proxy_match("::1", &loopback6).is_some());
        assert!(no_proxy_match("::1/128", &loopback6).is_some());
    }
}
