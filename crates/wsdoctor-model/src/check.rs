//! The checks of the checklist, by their stable ids.

use serde::{Deserialize, Serialize};
use strum::VariantArray;

/// A check's stable id (`--only`, `--skip`, the report's `checks[].id`), declared in checklist order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
pub enum CheckId {
    /// URL validation and browser-parity checks that need no network.
    Target,
    /// Name resolution.
    Dns,
    /// TCP connect.
    Tcp,
    /// TLS handshake and certificate.
    Tls,
    /// `GET /health`.
    Health,
    /// `GET /api/diagnostics/websocket`.
    Diagnostics,
    /// CORS preflight from the frontend origin.
    Cors,
    /// `/ws-test` echo (or, for a ws target, the socket itself).
    Echo,
    /// Session validation endpoint.
    Session,
    /// The session store (Redis) itself: reachability, credentials, latency, the session's key.
    Store,
    /// Terminal socket with the session.
    Terminal,
    /// Whether the server enforces Origin on upgrades (cross-site WebSocket hijacking).
    Origin,
    /// The same sockets opened by a headless Chromium, compared with the command line's verdict
    /// (`--browser`).
    Browser,
    /// Sockets held open to find idle and lifetime cuts (`--hold`).
    Hold,
}

impl CheckId {
    /// Every check in checklist order.
    pub const ALL: &'static [CheckId] = CheckId::VARIANTS;

    /// The id as text.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether this check only opens the connection the others use (dns, tcp, tls).
    pub fn is_transport(self) -> bool {
        matches!(self, CheckId::Dns | CheckId::Tcp | CheckId::Tls)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_as_text_and_json() {
        for &id in CheckId::ALL {
            assert_eq!(id.as_str().parse::<CheckId>().ok(), Some(id));
            assert_eq!(
                serde_json::to_string(&id).ok(),
                Some(format!("\"{}\"", id.as_str()))
            );
        }
        assert_eq!("ECHO".parse::<CheckId>().ok(), Some(CheckId::Echo));
    }
}
