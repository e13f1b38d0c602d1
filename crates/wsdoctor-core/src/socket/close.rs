//! How a socket ends: the wait its closing handshake gets, and what its ending tells (the close code a
//! browser shows, the server's error message before it).

use crate::probe::h2;
use crate::probe::ws::Ending;
use serde_json::Value;
use std::time::Duration;
use wsdoctor_model::evidence::{Common, Http2Frames};

/// How long a socket gets to finish the closing handshake once a check is done with it: short,
/// because a check promises to end soon after it has its answer.
pub(crate) const CLOSE_WAIT: Duration = Duration::from_millis(200);

/// How a socket ended, as evidence: the close code a browser shows (1006 when there was no valid
/// close frame), the reason, what the server really sent, the OS error.
pub(crate) fn ending_evidence(evidence: &mut Common, ending: &Ending) {
    evidence.close_code = ending.browser_code();
    match ending {
        Ending::Closed { reason, .. } => evidence.close_reason = Some(reason.clone()),
        Ending::InvalidClose { sent } => evidence.close_code_sent = *sent,
        Ending::Abnormal(e) | Ending::Violation(e) => evidence.os_error = Some(e.clone()),
        Ending::StreamReset(code) => {
            evidence.http2 = Some(Http2Frames {
                rst_stream: Some(h2::error_name(*code)),
                ..Http2Frames::default()
            });
        }
        Ending::GoAway(goaway) => {
            evidence.http2 = Some(Http2Frames {
                goaway: Some(goaway.describe()),
                ..Http2Frames::default()
            });
        }
        Ending::StillOpen => {}
    }
}

/// The close code of an ending, when the server sent a valid one.
pub(crate) fn close_code(ending: &Ending) -> Option<u16> {
    match ending {
        Ending::Closed { code, .. } => Some(*code),
        _ => None,
    }
}

/// Whether a message is the platform's error message (`{"type":"error",…}`), which precedes a
/// close.
pub(crate) fn is_error_message(text: &str) -> bool {
    serde_json::from_str::<Value>(text).ok().is_some_and(|v| {
        v.get("type").and_then(Value::as_str) == Some("error") || v.get("error").is_some()
    })
}
