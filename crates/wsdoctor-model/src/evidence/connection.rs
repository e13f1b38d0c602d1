//! The facts of the checks before any request: target, dns, tcp.

use serde::Serialize;

/// What kind of URL the target is, which decides the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TargetKind {
    /// An http(s) base URL: the full checklist.
    #[serde(rename = "http base URL")]
    Http,
    /// A ws(s) socket URL: the endpoint checks only.
    #[serde(rename = "WebSocket URL")]
    WebSocket,
}

/// The target check's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetDetail {
    /// Base URL or socket URL.
    pub kind: TargetKind,
    /// `ws` or `wss`: what a browser's sockets would use.
    pub socket_scheme: &'static str,
    /// The frontend origin sent as `Origin`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// Where resolved addresses came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
pub enum AddressSource {
    /// The host is an IP literal.
    #[serde(rename = "literal")]
    #[strum(serialize = "literal")]
    Literal,
    /// A `--resolve` override.
    #[serde(rename = "--resolve")]
    #[strum(serialize = "--resolve")]
    Override,
    /// The system resolver.
    #[serde(rename = "system resolver")]
    #[strum(serialize = "system resolver")]
    System,
}

impl AddressSource {
    /// As text for summaries.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The dns check's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DnsDetail {
    /// Every address, in the resolver's order.
    pub addresses: Vec<String>,
    /// Where they came from.
    pub source: AddressSource,
}

/// One address probed by `--all-addresses`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddressProbe {
    /// `ip:port`.
    pub address: String,
    /// Whether it accepted the connection.
    pub ok: bool,
    /// How long the connect took, when it worked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_ms: Option<f64>,
    /// Why it failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The tcp check's facts beyond the connection itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TcpDetail {
    /// Every address with its outcome (`--all-addresses`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<AddressProbe>,
    /// Why `--all-addresses` was not honoured, when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_addresses: Option<String>,
}
