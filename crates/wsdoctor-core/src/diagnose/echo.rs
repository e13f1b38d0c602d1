//! What the echo socket's answer means: the echo contract kept, a plain echo, an error, a wrong
//! answer or a socket that is not an echo server; and what lost round trips mean.

use crate::diagnose::classify;
use serde_json::Value;
use std::time::Duration;
use wsdoctor_model::{Cause, Finding, Notice};

/// What an answer to the echo probe is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reply {
    /// `{"type":"echo","received":<the probe>}`: the echo contract.
    Echo,
    /// The probe itself back.
    PlainEcho,
    /// An error message: the server saying something is wrong.
    Error,
    /// Something else where an echo was due.
    Mismatch,
    /// Something else from a socket that need not echo.
    NotEcho,
}

/// Reads an answer to `probe`. `strict`: the socket must keep the echo contract; `error`: the
/// answer reads as an error message.
pub(crate) fn read_reply(text: &str, probe: &Value, strict: bool, error: bool) -> Reply {
    let parsed: Option<Value> = serde_json::from_str(text).ok();
    let envelope = parsed
        .as_ref()
        .is_some_and(|v| v.get("type").and_then(Value::as_str) == Some("echo"));
    // A plain echo server sends the message back as it came: that is an echo however the
    // server was addressed (base URL or socket URL), or the same server would get opposite
    // verdicts. A reply in the envelope is still held to the envelope.
    if envelope
        && parsed
            .as_ref()
            .is_some_and(|v| v.get("received") == Some(probe))
    {
        Reply::Echo
    } else if !envelope && parsed.as_ref() == Some(probe) {
        Reply::PlainEcho
    } else if error {
        // An error in answer is the server saying something is wrong, at any socket: not
        // "answered, not an echo server", and not a mismatch hiding the error.
        Reply::Error
    } else if strict || envelope {
        Reply::Mismatch
    } else {
        Reply::NotEcho
    }
}

/// The failure an error or a wrong answer is; `None` for the answers that pass.
pub(crate) fn failure(reply: Reply, path: &str, excerpt: &str) -> Option<Finding> {
    match reply {
        Reply::Error => Some(classify::finding(
            Cause::ServerError,
            format!("{path} answered with an error: {excerpt}"),
        )),
        Reply::Mismatch => Some(classify::finding(
            Cause::EchoMismatch,
            format!("{path} answered {excerpt} instead of the echo of what was sent"),
        )),
        Reply::Echo | Reply::PlainEcho | Reply::NotEcho => None,
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The summary of an answer that passes, after `round_trip`.
pub(crate) fn summary(reply: Reply, round_trip: Duration) -> String {
    match reply {
        Reply::PlainEcho => format!(
            "echoed in {:.1} ms (a plain echo server)",
            millis(round_trip)
        ),
        Reply::NotEcho => format!(
            "socket answered in {:.1} ms (not an echo server)",
            millis(round_trip)
        ),
        Reply::Echo | Reply::Error | Reply::Mismatch => {
            format!("echo round trip {:.1} ms", millis(round_trip))
        }
    }
}

/// The summary of a socket that need not echo and said nothing in `wait`.
pub(crate) fn silent(wait: Duration) -> String {
    format!(
        "socket open; no reply to a JSON message within {} (not an echo server)",
        humantime::format_duration(wait)
    )
}

/// The caveat of a series that lost `lost` percent of its round trips, if it lost any.
pub(crate) fn loss(lost: f64) -> Option<Notice> {
    (lost > 0.0).then(|| {
        Notice::of(
            Cause::EchoLoss,
            format!("{lost}% of the echo round trips got no (or a wrong) answer in time"),
            "look for a proxy or server dropping or reordering frames under load",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_are_read_by_contract_and_by_what_the_socket_must_do() {
        let probe = json!({"type": "wsdoctor", "nonce": "1", "test": "message"});
        let echo = json!({"type": "echo", "received": probe}).to_string();
        assert_eq!(read_reply(&echo, &probe, true, false), Reply::Echo);
        assert_eq!(
            read_reply(&probe.to_string(), &probe, true, false),
            Reply::PlainEcho
        );
        let wrong = json!({"type": "echo", "received": "else"}).to_string();
        // A wrong envelope is a mismatch even where no echo was due.
        assert_eq!(read_reply(&wrong, &probe, false, false), Reply::Mismatch);
        assert_eq!(read_reply("hello", &probe, true, false), Reply::Mismatch);
        assert_eq!(read_reply("hello", &probe, false, false), Reply::NotEcho);
        assert_eq!(read_reply("hello", &probe, false, true), Reply::Error);
        assert!(failure(Reply::NotEcho, "/ws", "hello").is_none());
        assert!(loss(0.0).is_none());
    }
}
