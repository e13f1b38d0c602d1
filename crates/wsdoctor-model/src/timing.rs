//! Phase timings: the phases a check can time, and how durations are written.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// A timed phase of a check, declared in the order the phases happen on the wire (the waterfall's
/// order).
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
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Phase {
    /// Lookup start → addresses (0 for IP literals and `--resolve`).
    Dns,
    /// `connect()` → established (to the proxy, when there is one).
    TcpConnect,
    /// `CONNECT host:port` sent → `200` from the proxy.
    ProxyConnect,
    /// ClientHello → handshake complete (certificate verified).
    TlsHandshake,
    /// HTTP/2 connection preface sent → the server's SETTINGS received.
    H2Settings,
    /// Request written → response head received.
    HttpTtfb,
    /// Upgrade request written → `101` validated.
    WsHandshake,
    /// HTTP/2 extended CONNECT sent → its `:status` received.
    H2Connect,
    /// HTTP/2 stream open → the first DATA frame the server sent on it.
    H2FirstFrame,
    /// Socket open → the server's first message (terminal).
    FirstMessage,
    /// Echo message sent → echo received.
    EchoRoundTrip,
    /// Session store: AUTH and SELECT sent → both answered.
    StoreHandshake,
    /// Session store: the median PING round trip.
    StoreRoundTrip,
    /// Browser: Chromium started → its DevTools connection open.
    BrowserLaunch,
    /// Browser: the blank page on the frontend origin requested → loaded.
    PageLoad,
}

impl Phase {
    /// Every phase, in wire order (as `CheckId::ALL` lists the checks).
    pub const ALL: &'static [Phase] = <Phase as strum::VariantArray>::VARIANTS;

    /// The phase as it appears in JSON and NDJSON.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Phase timings of one check, in milliseconds.
pub type Timings = BTreeMap<Phase, f64>;

/// Milliseconds with microsecond resolution, so JSON shows `12.345` rather than float noise.
pub fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// A duration for people: "300 ms", "1.5 s", "60 s", "45 min", "6.0 h". Keeps the precision a
/// server stated (1500 ms is "1.5 s", not "1 s"), and never shows a duration that is not zero
/// as "0 ms" ("1 µs", "250 ns").
pub fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    if d.is_zero() {
        "0 ms".to_string()
    } else if d < Duration::from_micros(1) {
        format!("{} ns", d.as_nanos())
    } else if d < Duration::from_nanos(999_500) {
        format!("{:.0} µs", s * 1_000_000.0)
    } else if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else if s < 10.0 {
        format!("{s:.1} s")
    } else if s < 600.0 {
        format!("{s:.0} s")
    } else if s < 7_200.0 {
        format!("{:.0} min", s / 60.0)
    } else if s < 36_000.0 {
        format!("{:.1} h", s / 3_600.0)
    } else {
        format!("{:.0} h", s / 3_600.0)
    }
}

/// A measured time in milliseconds for people, precise enough to be set beside a limit:
/// "240.3 ms", and below a millisecond "280 µs" (one decimal of a millisecond would read "0.3 ms"
/// for 280 µs and "0.0 ms" for 20 µs).
pub fn human_ms(ms: f64) -> String {
    if !ms.is_finite() || ms <= 0.0 {
        return "0 ms".to_string();
    }
    if ms >= 0.9995 {
        format!("{ms:.1} ms")
    } else if ms >= 0.000_999_5 {
        format!("{:.0} µs", ms * 1000.0)
    } else {
        format!("{:.0} ns", ms * 1_000_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(human(Duration::from_millis(300)), "300 ms");
        assert_eq!(human(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(human(Duration::from_secs(60)), "60 s");
        assert_eq!(human(Duration::from_secs(300)), "300 s");
        assert_eq!(human(Duration::from_secs(2_700)), "45 min");
        assert_eq!(human(Duration::from_secs(21_600)), "6.0 h");
        assert_eq!(human(Duration::from_secs(43_200)), "12 h");
        // Below a millisecond, a duration keeps its figure.
        assert_eq!(human(Duration::from_micros(1)), "1 µs");
        assert_eq!(human(Duration::from_micros(250)), "250 µs");
        assert_eq!(human(Duration::from_nanos(250)), "250 ns");
        assert_eq!(human(Duration::ZERO), "0 ms");
        assert_eq!(human(Duration::from_millis(1)), "1 ms");
        assert_eq!(human_ms(240.04), "240.0 ms");
        assert_eq!(human_ms(0.28), "280 µs");
        assert_eq!(human_ms(0.0004), "400 ns");
        assert_eq!(ms(Duration::from_micros(12_345)), 12.345);
    }

    #[test]
    fn phases_serialise_as_the_documented_keys() {
        let mut timings = Timings::new();
        timings.insert(Phase::TcpConnect, 1.0);
        timings.insert(Phase::Dns, 0.5);
        let json = serde_json::to_string(&timings).unwrap();
        assert_eq!(json, r#"{"dns":0.5,"tcp_connect":1.0}"#);
    }
}
