//! The hold check's facts: the held sockets, the server's heartbeats, the platforms suspected.

use super::roads::Road;
use crate::platform::{CutKind, PlatformId};
use serde::Serialize;

/// Which keepalive a held socket uses.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Variant {
    /// Sends nothing; still reads, so it answers the server's pings as a browser does.
    Silent,
    /// Sends WebSocket Ping frames every `--ping-interval`, which browsers cannot do.
    Ping,
    /// Sends an application text message every `--ping-interval`, as a browser heartbeat does.
    Message,
}

impl Variant {
    /// The variant's name in evidence and messages.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Who ended a held socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum ClosedBy {
    /// The server (or a proxy) sent a close frame.
    ServerCloseFrame,
    /// A TCP reset: what proxies do when a timer fires.
    ConnectionReset,
    /// wsdoctor closed it with 1000 at the end of the hold.
    Client,
    /// The connection ended (FIN, or a protocol failure) without a close frame.
    Eof,
}

impl ClosedBy {
    /// The value in evidence.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One socket of the hold check, as the evidence shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeldSocket {
    /// Which keepalive it used.
    pub variant: Variant,
    /// The road it was held on, when the hold held on more than one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub road: Option<Road>,
    /// Whether it died before the hold ended.
    pub died: bool,
    /// Its age at death.
    pub died_after_ms: Option<f64>,
    /// How long it was open.
    pub open_for_ms: f64,
    /// Time since the server's last byte, at death or at the end.
    pub since_last_byte_ms: f64,
    /// Who ended it.
    pub closed_by: ClosedBy,
    /// The close code (1006 without a close frame).
    pub close_code: Option<u16>,
    /// The close reason.
    pub close_reason: Option<String>,
    /// The OS error of a socket that ended without a close frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_error: Option<String>,
    /// Ping frames this client sent.
    pub pings_sent: u32,
    /// Application messages this client sent.
    pub messages_sent: u32,
    /// Data messages the server sent.
    pub messages_received: u32,
    /// Ping frames the server sent.
    pub server_pings: u32,
    /// Mean gap between the server's pings.
    pub server_ping_interval_ms: Option<f64>,
}

/// The server's own heartbeats as the silent socket saw them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heartbeat {
    /// Pings the server sent.
    pub pings: u32,
    /// Their mean interval.
    pub interval_ms: Option<f64>,
    /// Whether they come often enough to keep a quiet browser socket alive; `None` when the hold
    /// was too short to tell.
    pub often_enough: Option<bool>,
    /// What that means, in a sentence.
    pub note: String,
}

/// A platform whose known limit matches a measured cut.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suspect {
    /// The platform.
    pub id: PlatformId,
    /// Display name.
    pub name: &'static str,
    /// Its documented limit.
    pub limit_ms: f64,
    /// Idle timeout or lifetime cap.
    pub kind: CutKind,
    /// The setting to change (or why there is none).
    pub setting: &'static str,
    /// What to do about it.
    pub advice: &'static str,
    /// Whether the run fingerprinted this platform (rather than only matching the number).
    pub fingerprinted: bool,
}

/// The hold check's facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoldDetail {
    /// `--hold`.
    pub hold_ms: f64,
    /// `--ping-interval`.
    pub ping_interval_ms: f64,
    /// The three sockets, on each road held.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<HeldSocket>,
    /// The server's heartbeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_heartbeat: Option<Heartbeat>,
    /// The measured cut.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_ms: Option<f64>,
    /// The platform that best explains it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspect: Option<Suspect>,
}
