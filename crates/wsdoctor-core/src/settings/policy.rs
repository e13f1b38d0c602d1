//! Which addresses a connection to the target may go to. The exporter probes URLs that requests
//! name; a name under an allowed wildcard can resolve to anything, so the rule is applied to the
//! addresses actually connected to, at the moment of connecting: a DNS answer that changes between
//! a check and the connect (rebinding) meets the same rule.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Where connections to the target may go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ConnectPolicy {
    /// Wherever the name resolves (the command line: its user chose the target).
    #[default]
    Any,
    /// Public unicast addresses only: never loopback, private, link-local, shared (CGNAT),
    /// unique-local, unspecified, multicast or broadcast, nor an IPv6 form of one of them
    /// (`wsdoctor serve`'s `deny_private` for URL targets).
    PublicOnly,
}

impl ConnectPolicy {
    /// The range that keeps `ip` out under this policy (for the message), or `None` when a
    /// connection to it is allowed.
    pub fn refuses(self, ip: IpAddr) -> Option<&'static str> {
        match self {
            ConnectPolicy::Any => None,
            ConnectPolicy::PublicOnly => non_public(ip),
        }
    }
}

/// The name of the non-public range `ip` is in, if any.
fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    let range = if ip.is_unspecified() || a == 0 {
        "unspecified (0.0.0.0/8)"
    } else if ip.is_loopback() {
        "loopback (127.0.0.0/8)"
    } else if ip.is_private() {
        "private (RFC 1918)"
    } else if ip.is_link_local() {
        "link-local (169.254.0.0/16, cloud metadata)"
    } else if a == 100 && (64..128).contains(&b) {
        "shared address space (CGNAT, 100.64.0.0/10)"
    } else if ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        "broadcast, multicast or reserved"
    } else if a == 192 && b == 0 && ip.octets()[2] == 0 {
        "IETF protocol assignments (192.0.0.0/24)"
    } else if a == 198 && (18..20).contains(&b) {
        "benchmarking (198.18.0.0/15)"
    } else {
        return None;
    };
    Some(range)
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    // An IPv4 address in IPv6 clothes is judged as the IPv4 address it reaches: mapped
    // (::ffff:a.b.c.d), compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d).
    let segments = ip.segments();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return non_public_v4(v4);
    }
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., a, b, c, d] = ip.octets();
        return non_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    let range = if ip.is_unspecified() {
        "unspecified (::)"
    } else if ip.is_loopback() {
        "loopback (::1)"
    } else if segments[..6] == [0; 6] {
        // ::a.b.c.d, the deprecated IPv4-compatible form.
        let [.., a, b, c, d] = ip.octets();
        return non_public_v4(Ipv4Addr::new(a, b, c, d)).or(Some("IPv4-compatible (::/96)"));
    } else if (segments[0] & 0xfe00) == 0xfc00 {
        "unique-local (fc00::/7)"
    } else if (segments[0] & 0xffc0) == 0xfe80 {
        "link-local (fe80::/10)"
    } else if (segments[0] & 0xffc0) == 0xfec0 {
        "site-local (fec0::/10)"
    } else if ip.is_multicast() {
        "multicast (ff00::/8)"
    } else {
        return None;
    };
    Some(range)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> bool {
        ConnectPolicy::PublicOnly
            .refuses(text.parse().unwrap())
            .is_some()
    }

    #[test]
    fn private_ranges_and_their_ipv6_forms_are_refused() {
        for ip in [
            "127.0.0.1",
            "127.8.9.10",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "255.255.255.255",
            "224.0.0.1",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(refused(ip), "{ip} must be refused");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:93.184.216.34",
            "64:ff9b::808:808",
        ] {
            assert!(!refused(ip), "{ip} is public");
        }
        assert_eq!(
            ConnectPolicy::Any.refuses("127.0.0.1".parse().unwrap()),
            None
        );
    }
}
