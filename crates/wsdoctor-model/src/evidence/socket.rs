//! The facts of the socket checks: echo, terminal, origin.

use serde::Serialize;

/// Summary of N round trips, in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyStats {
    /// Round trips attempted.
    pub sent: u64,
    /// Round trips answered correctly.
    pub received: u64,
    /// Percentage lost (no answer in time, or a wrong answer).
    pub loss_percent: f64,
    /// Fastest.
    pub min_ms: f64,
    /// Median.
    pub median_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
    /// Mean.
    pub mean_ms: f64,
    /// Mean absolute difference between consecutive round trips (RFC 3550 style jitter).
    pub jitter_ms: f64,
}

impl LatencyStats {
    /// One line for people.
    pub fn summary(&self) -> String {
        format!(
            "{} round trips: min {:.2} / median {:.2} / p90 {:.2} / p99 {:.2} / max {:.2} ms, jitter {:.2} ms, loss {}%",
            self.sent,
            self.min_ms,
            self.median_ms,
            self.p90_ms,
            self.p99_ms,
            self.max_ms,
            self.jitter_ms,
            self.loss_percent
        )
    }
}

/// The echo check's facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EchoDetail {
    /// Statistics over `--count` round trips.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_trips: Option<LatencyStats>,
}

/// The terminal check's facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerminalDetail {
    /// The path template used.
    pub template: String,
    /// Data messages the server sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages_received: Option<u64>,
    /// Ping frames the server sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_pings: Option<u32>,
    /// Time from `--send` to the message that matched `--expect`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect_round_trip_ms: Option<f64>,
    /// The close code wsdoctor ended the session with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_by_client: Option<u16>,
}

/// The origin check's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OriginDetail {
    /// The foreign Origin sent.
    pub origin_sent: &'static str,
    /// Whether the server refused it; absent when that could not be told.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enforced: Option<bool>,
    /// What the socket opened with the foreign Origin did: `greeted` (the server spoke),
    /// `answered` (it answered our probe message), `closed`, or `silent` (none of these in time,
    /// which proves neither acceptance nor refusal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub foreign_socket: Option<&'static str>,
}
