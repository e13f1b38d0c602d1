//! What a sample puts on the wire and how an answer is matched to it: the sequence number travels
//! in the payload, so a late answer is matched to its own sample, never taken for the next one's.

use serde_json::{json, Value};

/// Every ping payload starts with this, then the run's nonce and the sequence number (24 bytes:
/// well within a control frame's 125).
const TAG: &[u8; 8] = b"wsdoctor";

/// A run's payloads: its nonce tells its answers from anyone else's.
pub(crate) struct Payloads {
    nonce: u64,
    nonce_text: String,
}

/// What an answer turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// The answer to sample `seq`; `envelope` when wrapped in the platform's
    /// `{"type":"echo","received":…}`.
    Of { seq: u64, envelope: bool },
    /// Not an answer to any of ours.
    Other,
}

impl Payloads {
    pub(crate) fn new() -> Payloads {
        let nonce = fastrand::u64(..);
        Payloads {
            nonce,
            nonce_text: format!("{nonce:016x}"),
        }
    }

    /// A ping frame's payload for sample `seq`.
    pub(crate) fn ping(&self, seq: u64) -> Vec<u8> {
        let mut payload = Vec::with_capacity(24);
        payload.extend_from_slice(TAG);
        payload.extend_from_slice(&self.nonce.to_be_bytes());
        payload.extend_from_slice(&seq.to_be_bytes());
        payload
    }

    /// The sample a pong answers.
    pub(crate) fn pong(&self, payload: &[u8]) -> Answer {
        if payload.len() != 24 || &payload[..8] != TAG || payload[8..16] != self.nonce.to_be_bytes()
        {
            return Answer::Other;
        }
        let mut seq = [0u8; 8];
        seq.copy_from_slice(&payload[16..]);
        Answer::Of {
            seq: u64::from_be_bytes(seq),
            envelope: false,
        }
    }

    /// An echo message for sample `seq`, the shape the echo check sends.
    pub(crate) fn echo(&self, seq: u64) -> String {
        json!({"type": "wsdoctor", "nonce": self.nonce_text, "seq": seq}).to_string()
    }

    /// The sample an echoed message answers: our message back as it was (a plain echo server),
    /// or inside the platform's envelope, as the echo check recognises them.
    pub(crate) fn echoed(&self, text: &str) -> Answer {
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            return Answer::Other;
        };
        let envelope = value.get("type").and_then(Value::as_str) == Some("echo");
        let ours = if envelope {
            value.get("received")
        } else {
            Some(&value)
        };
        match ours.and_then(|v| self.seq_of(v)) {
            Some(seq) => Answer::Of { seq, envelope },
            None => Answer::Other,
        }
    }

    fn seq_of(&self, value: &Value) -> Option<u64> {
        let object = value.as_object()?;
        if object.len() != 3
            || object.get("type").and_then(Value::as_str) != Some("wsdoctor")
            || object.get("nonce").and_then(Value::as_str) != Some(self.nonce_text.as_str())
        {
            return None;
        }
        object.get("seq").and_then(Value::as_u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_matched_by_their_own_sequence_number() {
        let payloads = Payloads::new();
        assert_eq!(
            payloads.pong(&payloads.ping(7)),
            Answer::Of {
                seq: 7,
                envelope: false
            }
        );
        assert_eq!(payloads.pong(&Payloads::new().ping(7)), Answer::Other);
        assert_eq!(payloads.pong(b""), Answer::Other);
        let sent = payloads.echo(3);
        assert_eq!(
            payloads.echoed(&sent),
            Answer::Of {
                seq: 3,
                envelope: false
            }
        );
        let wrapped = format!(r#"{{"type":"echo","received":{sent},"timestamp":1}}"#);
        assert_eq!(
            payloads.echoed(&wrapped),
            Answer::Of {
                seq: 3,
                envelope: true
            }
        );
        assert_eq!(payloads.echoed(r#"{"type":"hello"}"#), Answer::Other);
        assert_eq!(payloads.echoed("not json"), Answer::Other);
    }
}
