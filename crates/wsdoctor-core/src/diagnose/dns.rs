//! What a name's addresses mean for the run and for a browser: none of the family asked for,
//! and a public page reaching a local address (Local Network Access).

use crate::browser_rules::{public_host, AddressSpace};
use crate::diagnose::classify;
use std::net::SocketAddr;
use wsdoctor_model::{Cause, Finding, Notice};

/// The failure of a name with no address of the family asked for; `others` are the ones it has.
pub(crate) fn no_address_of_family(
    host: &str,
    family: &str,
    flag: &str,
    others: &[String],
) -> Finding {
    classify::finding(
        Cause::DnsNotFound,
        format!(
            "{host} has no {family} address ({flag} asked for one); it resolves to {}",
            others.join(", ")
        ),
    )
}

/// The summary: the name, the addresses it resolves to, and where the answer came from.
pub(crate) fn summary(host: &str, via_proxy: bool, addresses: &[String], source: &str) -> String {
    let via = if via_proxy { " (the proxy)" } else { "" };
    format!("{host}{via} → {} ({source})", addresses.join(", "))
}

/// Local Network Access (Chromium 142+): a page on a public origin that fetches from or opens a
/// socket to a private or loopback address needs the user's permission; unprompted (headless, a
/// kiosk, a denied prompt) it fails, and the page sees only 1006. `origin` is the page's, if
/// known; `addrs` are `host`'s.
pub(crate) fn local_network_access(
    origin: Option<&str>,
    addrs: &[SocketAddr],
    host: &str,
) -> Option<Notice> {
    let origin = origin?;
    let origin_host = url::Url::parse(origin).ok()?.host_str()?.to_string();
    if !public_host(&origin_host) {
        return None;
    }
    let spaces: Vec<AddressSpace> = addrs.iter().map(|a| AddressSpace::of(a.ip())).collect();
    let space = if spaces.iter().all(|s| *s == AddressSpace::Loopback) {
        AddressSpace::Loopback
    } else if spaces.iter().all(|s| *s != AddressSpace::Public) {
        AddressSpace::Private
    } else {
        return None;
    };
    Some(Notice::of(
        Cause::LocalNetworkAccess,
        format!(
            "the page's origin {origin} is public and {host} is a {} address: Chrome and Edge 142+ (Local Network Access) ask the user for permission to reach it, and without it (headless, a denied prompt, an enterprise policy) the socket fails and the page sees only 1006",
            space.as_str()
        ),
        "serve the socket from a public address for public pages, or have users allow local network access for the origin (a browser permission or policy); a browser run shows what the page sees",
    ))
}
