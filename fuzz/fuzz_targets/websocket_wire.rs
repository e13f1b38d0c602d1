//! What a server sends back on an upgrade: the answer's head, the 101's headers, then frames.
//!
//! The input is the bytes on the wire, optionally followed by a NUL and the subprotocols offered
//! (comma-separated; the last NUL of the input splits them off). The head is parsed; a complete
//! head's headers are validated as a 101 (with a fixed key); what follows the head (or the whole
//! wire when there is no head) goes through the frame sniffer whole, in chunks whose sizes come
//! from the input, and byte by byte, and the close code it saw through the close classifiers.
//!
//! Properties: a chosen subprotocol was offered; the sniffer's verdict does not depend on how the
//! bytes were cut; a complete head is no longer than the input.
#![no_main]

use http::StatusCode;
use libfuzzer_sys::fuzz_target;
use wsdoctor_core::fuzzing::{
    allowed_close_code, close_cause, parse_upgrade_head, validate_upgrade, CloseSeen, FrameSniffer,
};

/// RFC 6455's example key; its answer is `s3pPLMBiTxaQ9kYGzzhZRbK+xOo=`.
const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

fuzz_target!(|data: &[u8]| {
    let (wire, offered) = match data.iter().rposition(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let offered: Vec<String> = String::from_utf8_lossy(offered)
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();

    let mut status = None;
    let frames = match parse_upgrade_head(wire) {
        Ok(Some(head)) => {
            assert!(head.len <= wire.len());
            status = Some(head.status);
            if let Ok(Some(chosen)) = validate_upgrade(&head.headers, KEY, &offered) {
                assert!(offered.contains(&chosen), "{chosen:?} was not offered");
            }
            &wire[head.len..]
        }
        Ok(None) | Err(_) => wire,
    };

    let mut whole = FrameSniffer::new();
    whole.feed(frames);
    let mut chunked = FrameSniffer::new();
    let mut rest = frames;
    let mut turn = 0;
    while !rest.is_empty() {
        let size = (usize::from(data[turn % data.len()]) % 97 + 1).min(rest.len());
        chunked.feed(&rest[..size]);
        rest = &rest[size..];
        turn += 1;
    }
    let mut bytewise = FrameSniffer::new();
    for b in frames {
        bytewise.feed(std::slice::from_ref(b));
    }
    let seen = whole.last_close();
    assert_eq!(
        seen,
        chunked.last_close(),
        "chunking changed the close seen"
    );
    assert_eq!(
        seen,
        bytewise.last_close(),
        "byte-by-byte changed the close seen"
    );

    let code = match seen {
        Some(CloseSeen::Code(code)) => code,
        Some(CloseSeen::Empty) => 1005,
        Some(CloseSeen::OneByte) | None => match frames {
            [hi, lo, ..] => u16::from_be_bytes([*hi, *lo]),
            _ => 1006,
        },
    };
    let allowed = allowed_close_code(code);
    assert!(!allowed || (1000..=4999).contains(&code));
    let reason = String::from_utf8_lossy(&frames[frames.len().min(2)..frames.len().min(125)]);
    let messages = usize::from(status == Some(StatusCode::SWITCHING_PROTOCOLS)) + frames.len() % 3;
    let _ = close_cause(code, &reason, messages);
});
