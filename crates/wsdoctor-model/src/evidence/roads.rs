//! The two roads to a browser socket (HTTP/1.1 Upgrade, RFC 8441 over HTTP/2) and how each fared.

use crate::codes::Cause;
use crate::timing::Timings;
use serde::Serialize;

/// The two ways a browser opens a `wss://` socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Road {
    /// A TLS connection of its own offering ALPN `http/1.1`, then a GET with `Upgrade: websocket`.
    #[serde(rename = "http/1.1")]
    Http1,
    /// A stream of an HTTP/2 connection: an extended CONNECT with `:protocol websocket` (RFC
    /// 8441), taken when the server announced `SETTINGS_ENABLE_CONNECT_PROTOCOL`.
    #[serde(rename = "h2")]
    Http2,
}

impl Road {
    /// The road as people name it (`HTTP/1.1`, `HTTP/2`).
    pub fn name(self) -> &'static str {
        match self {
            Road::Http1 => "HTTP/1.1",
            Road::Http2 => "HTTP/2",
        }
    }
}

/// How one road fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoadOutcome {
    /// The socket opened and did its job.
    Works,
    /// The socket failed on this road.
    Fails,
    /// The road is not offered: the server does not speak HTTP/2, or does not enable extended
    /// CONNECT (a browser then takes the other road).
    Unavailable,
}

/// One road tried by a socket check, for the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoadReport {
    /// Which road.
    pub road: Road,
    /// How it fared.
    pub outcome: RoadOutcome,
    /// What happened, in a line.
    pub summary: String,
    /// Why it failed or was unavailable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    /// Its phase timings, in ms.
    pub timings: Timings,
}

/// What the server's HTTP/2 frames said, read beside the HTTP/2 library.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Http2Frames {
    /// Whether its SETTINGS announced extended CONNECT (`SETTINGS_ENABLE_CONNECT_PROTOCOL` = 1);
    /// absent when no SETTINGS arrived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_connect: Option<bool>,
    /// The RST_STREAM it sent on the socket's stream: its error code by name (`CANCEL (0x8)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rst_stream: Option<String>,
    /// The GOAWAY it sent: its error code by name, the last stream it processed, its debug text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goaway: Option<String>,
}
