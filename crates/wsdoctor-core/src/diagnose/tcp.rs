//! What connecting to the target's addresses means: no address, a tunnel or a connection made,
//! and, with `--all-addresses`, some addresses failing while others work.

use crate::diagnose::classify;
use std::net::SocketAddr;
use wsdoctor_model::{Cause, Finding, Notice};

/// The failure of a run with no address to connect to.
pub(crate) fn no_address() -> Finding {
    classify::finding(Cause::DnsFailed, "no address to connect to")
}

/// Why `--all-addresses` was not followed through a proxy, for the evidence.
pub(crate) const ALL_ADDRESSES_THROUGH_PROXY: &str =
    "ignored: through a proxy, the proxy chooses the target's address";

/// The summary of a tunnel to `target` (`host:port`) through `proxy` (from `source`).
pub(crate) fn tunnel(target: &str, proxy: &str, source: impl std::fmt::Display) -> String {
    format!("tunnel to {target} through {proxy} ({source})")
}

/// The summary of a connection to `peer`.
pub(crate) fn connected(peer: &str) -> String {
    format!("connected to {peer}")
}

/// The summary of `--all-addresses` when every one of `total` addresses connects.
pub(crate) fn all_connect(total: usize) -> String {
    format!("all {total} addresses accept connections")
}

/// `--all-addresses` with failures: `bad` of `total` addresses failed as `inner` says, `working`
/// connect. The failure when none works; else the summary and the caveat naming the bad ones.
pub(crate) fn some_fail(
    total: usize,
    bad: &[String],
    working: &[SocketAddr],
    inner: Finding,
) -> Result<(String, Notice), Finding> {
    let message = format!(
        "{} of {total} addresses fail ({}): {}",
        bad.len(),
        bad.join(", "),
        inner.message
    );
    if working.is_empty() {
        return Err(Finding { message, ..inner });
    }
    // The rest of the checklist runs on the addresses that work; the bad one is a warning that
    // names it, since some users of the name will be sent to it.
    let notice = Notice::of(
        inner.cause,
        message,
        format!(
            "Some addresses work and some do not: a node behind the name is down or a DNS record is stale; remove or fix {}. {}",
            bad.join(", "),
            inner.hint
        ),
    );
    let summary = format!(
        "{} of {total} addresses accept connections; the checks go on with {}",
        working.len(),
        working
            .iter()
            .map(|a| a.ip().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok((summary, notice))
}
