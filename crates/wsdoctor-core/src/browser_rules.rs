//! The browser rules the emulation follows, each from its specification or the browser version
//! that ships it, as pure functions of names and addresses.

use std::net::IpAddr;

/// Whether a host is *potentially trustworthy* (W3C Secure Contexts §3.2): loopback addresses
/// (127.0.0.0/8, ::1), `localhost` and names under `.localhost`. Browsers let an https page open
/// `ws://` to such a host without calling it mixed content (Chromium and Firefox do).
pub(crate) fn potentially_trustworthy(host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if let Ok(ip) = host.parse::<IpAddr>() {
        return ip.is_loopback();
    }
    host == "localhost" || host.ends_with(".localhost")
}

/// Where an address sits for Local Network Access (Chromium 142+): loopback, private (RFC 1918,
/// link-local, unique-local IPv6), or public.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddressSpace {
    /// 127.0.0.0/8, ::1.
    Loopback,
    /// 10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10, fc00::/7, fe80::/10.
    Private,
    /// Anything else.
    Public,
}

impl AddressSpace {
    /// The space of `ip`.
    pub(crate) fn of(ip: IpAddr) -> AddressSpace {
        match ip {
            IpAddr::V4(v4) if v4.is_loopback() => AddressSpace::Loopback,
            IpAddr::V4(v4) => {
                let [a, b, ..] = v4.octets();
                let shared = a == 100 && (64..128).contains(&b);
                if v4.is_private() || v4.is_link_local() || shared || v4.is_unspecified() {
                    AddressSpace::Private
                } else {
                    AddressSpace::Public
                }
            }
            IpAddr::V6(v6) if v6.is_loopback() => AddressSpace::Loopback,
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => AddressSpace::of(IpAddr::V4(v4)),
                None => {
                    let first = v6.segments()[0];
                    if (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80 {
                        AddressSpace::Private
                    } else {
                        AddressSpace::Public
                    }
                }
            },
        }
    }

    /// Its name in the specification's words.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AddressSpace::Loopback => "loopback",
            AddressSpace::Private => "private",
            AddressSpace::Public => "public",
        }
    }
}

/// Whether a page's host is on the public internet, as far as can be told without resolving it:
/// an address by its range, a name unless it is loopback or under a name reserved for local or
/// test use.
pub(crate) fn public_host(host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if let Ok(ip) = host.parse::<IpAddr>() {
        return AddressSpace::of(ip) == AddressSpace::Public;
    }
    const LOCAL: &[&str] = &[
        "localhost",
        "local",
        "internal",
        "lan",
        "home.arpa",
        "test",
        "invalid",
        "intranet",
    ];
    !LOCAL
        .iter()
        .any(|suffix| host == *suffix || host.ends_with(&format!(".{suffix}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trustworthy_hosts_follow_secure_contexts() {
        for host in [
            "127.0.0.1",
            "127.8.9.10",
            "[::1]",
            "localhost",
            "app.localhost",
            "LOCALHOST.",
        ] {
            assert!(potentially_trustworthy(host), "{host}");
        }
        for host in [
            "10.0.0.1",
            "app.example.com",
            "localhost.example.com",
            "0.0.0.0",
        ] {
            assert!(!potentially_trustworthy(host), "{host}");
        }
    }

    #[test]
    fn address_spaces_for_local_network_access() {
        let space = |text: &str| AddressSpace::of(text.parse().unwrap());
        assert_eq!(space("127.0.0.1"), AddressSpace::Loopback);
        assert_eq!(space("10.1.2.3"), AddressSpace::Private);
        assert_eq!(space("172.20.0.1"), AddressSpace::Private);
        assert_eq!(space("192.168.1.1"), AddressSpace::Private);
        assert_eq!(space("100.100.0.1"), AddressSpace::Private);
        assert_eq!(space("fd00::1"), AddressSpace::Private);
        assert_eq!(space("fe80::1"), AddressSpace::Private);
        assert_eq!(space("::ffff:10.0.0.1"), AddressSpace::Private);
        assert_eq!(space("93.184.216.34"), AddressSpace::Public);
        assert!(public_host("app.example.com"));
        assert!(
            !public_host("app.internal")
                && !public_host("dev.localhost")
                && !public_host("10.0.0.1")
        );
    }
}
