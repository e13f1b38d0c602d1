//! The WebSocket frame header as RFC 6455 lays it out, read from bytes seen on the wire: shared by
//! the socket's byte watcher and the wire trace, which both follow frames they do not decode.

/// A complete frame header: its first byte, mask and payload length; `None` until all of it is
/// there.
pub(crate) fn frame_header(h: &[u8]) -> Option<(u8, Option<[u8; 4]>, u64)> {
    let (&b0, &b1) = (h.first()?, h.get(1)?);
    let masked = b1 & 0x80 != 0;
    let (len, at) = match b1 & 0x7f {
        126 => (u64::from(u16::from_be_bytes([*h.get(2)?, *h.get(3)?])), 4),
        127 => {
            let bytes: [u8; 8] = h.get(2..10)?.try_into().ok()?;
            (u64::from_be_bytes(bytes), 10)
        }
        n => (u64::from(n), 2),
    };
    let mask = if masked {
        let key: [u8; 4] = h.get(at..at + 4)?.try_into().ok()?;
        Some(key)
    } else {
        None
    };
    let full = at + if masked { 4 } else { 0 };
    (h.len() == full).then_some((b0, mask, len))
}
