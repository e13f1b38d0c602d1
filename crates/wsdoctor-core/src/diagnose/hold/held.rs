//! What one held socket saw, and how it is shown as evidence.

use crate::probe::ws::Ending;
use std::time::Duration;
use wsdoctor_model::evidence::{ClosedBy, HeldSocket, Variant};
use wsdoctor_model::ms;

/// How a held socket died before the hold was over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Death {
    /// The ending as the probes describe it (close frame, or abnormal with the OS error).
    pub(crate) ending: Ending,
    /// Who ended it.
    pub(crate) closed_by: ClosedBy,
}

/// What one held socket saw.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Held {
    /// Which keepalive it used.
    pub(crate) variant: Variant,
    /// How it died; `None` when it was still open when the hold ended.
    pub(crate) death: Option<Death>,
    /// How long it was open: until its death, or the whole hold.
    pub(crate) open_for: Duration,
    /// Time since the last byte from the server, at death or at the end of the hold.
    pub(crate) since_last_byte: Duration,
    /// Ping frames this client sent.
    pub(crate) pings_sent: u32,
    /// Application messages this client sent.
    pub(crate) messages_sent: u32,
    /// Data messages the server sent (the echo's answers).
    pub(crate) messages_received: u32,
    /// Ping frames the server sent.
    pub(crate) server_pings: u32,
    /// Mean gap between the server's pings (from the open to the first one when there is only one).
    pub(crate) server_ping_interval: Option<Duration>,
}

impl Held {
    /// Whether it died before the hold ended.
    pub(crate) fn died(&self) -> bool {
        self.death.is_some()
    }

    /// Whether this client sent any keepalive before the end.
    pub(super) fn kept_alive(&self) -> bool {
        self.pings_sent + self.messages_sent > 0
    }

    /// The evidence for this socket.
    pub(crate) fn evidence(&self) -> HeldSocket {
        let (closed_by, close_code, close_reason, os_error) = match &self.death {
            None => (
                ClosedBy::Client,
                Some(1000),
                Some("wsdoctor done".to_string()),
                None,
            ),
            Some(Death { ending, closed_by }) => match ending {
                Ending::Closed { code, reason } => {
                    (*closed_by, Some(*code), Some(reason.clone()), None)
                }
                Ending::Abnormal(e) | Ending::Violation(e) => {
                    (*closed_by, Some(1006), None, Some(e.clone()))
                }
                Ending::StreamReset(code) => (
                    *closed_by,
                    Some(1006),
                    None,
                    Some(format!(
                        "HTTP/2 stream reset: RST_STREAM {}",
                        crate::probe::h2::error_name(*code)
                    )),
                ),
                Ending::GoAway(goaway) => (
                    *closed_by,
                    Some(1006),
                    None,
                    Some(format!("HTTP/2 GOAWAY: {}", goaway.describe())),
                ),
                Ending::InvalidClose { .. } => (*closed_by, Some(1006), None, None),
                Ending::StillOpen => (*closed_by, None, None, None),
            },
        };
        HeldSocket {
            variant: self.variant,
            road: None,
            died: self.died(),
            died_after_ms: self.died().then(|| ms(self.open_for)),
            open_for_ms: ms(self.open_for),
            since_last_byte_ms: ms(self.since_last_byte),
            closed_by,
            close_code,
            close_reason,
            os_error,
            pings_sent: self.pings_sent,
            messages_sent: self.messages_sent,
            messages_received: self.messages_received,
            server_pings: self.server_pings,
            server_ping_interval_ms: self.server_ping_interval.map(ms),
        }
    }
}
