//! `wsdoctor ping`'s output: one event a sample, cut and reconnect, and the summary at the end
//! (schema `wsdoctor.ping.v1`, `schema/ping.v1.json`). Nothing here grows with the number of
//! samples: the summary holds quantiles, counters and a fixed number of time buckets.

use crate::{Cause, Code, Finding};
use serde::Serialize;
use std::collections::BTreeMap;

/// The schema name of the summary document.
pub const PING_SCHEMA: &str = "wsdoctor.ping.v1";

/// How many cuts the summary lists one by one; later ones are only counted (by cause).
pub const CUTS_LISTED: usize = 20;

/// How the round trips are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PingMode {
    /// WebSocket ping frames, answered by pong frames (RFC 6455 §5.5.2).
    Ping,
    /// Text messages the server echoes.
    Echo,
}

/// What a sample came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleStatus {
    /// Answered within the sample timeout.
    Answered,
    /// Not answered within the sample timeout, or in flight when the socket was cut.
    Lost,
}

/// One sample, as it ended.
#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    /// 1-based sequence number, carried in the payload.
    pub seq: u64,
    /// Answered or lost.
    pub status: SampleStatus,
    /// The round trip, when answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rtt_ms: Option<f64>,
    /// Samples ended so far.
    pub done: u64,
    /// Of those, lost so far.
    pub lost: u64,
}

/// A socket that ended under the pinging, classified as `check` classifies an ending.
#[derive(Debug, Clone, Serialize)]
pub struct Cut {
    /// The stable code.
    pub code: Code,
    /// The fine-grained cause.
    pub cause: Cause,
    /// What happened.
    pub message: String,
    /// The close code the server sent, if any (a browser reports 1006 without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_code: Option<u16>,
    /// How long the socket had been open.
    pub open_for_ms: f64,
    /// How long no frame had come from the server before the cut.
    pub quiet_for_ms: f64,
    /// Samples in flight that the cut lost.
    pub lost_in_flight: u64,
}

/// A new socket after a cut, or a failed attempt at one.
#[derive(Debug, Clone, Serialize)]
pub struct Reconnect {
    /// 1-based, counted since the last socket that answered a sample (`--max-reconnects` bounds it).
    pub attempt: u32,
    /// Whether the socket opened.
    pub opened: bool,
    /// The delay waited before the attempt.
    pub after_ms: f64,
    /// Why it did not open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Finding>,
}

/// The round-trip statistics of the answered samples.
#[derive(Debug, Clone, Serialize)]
pub struct Rtt {
    /// Fastest.
    pub min_ms: f64,
    /// Mean.
    pub avg_ms: f64,
    /// Median.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

/// One stretch of the run in the latency-over-time picture.
#[derive(Debug, Clone, Serialize)]
pub struct Bucket {
    /// Median round trip of the stretch's answered samples.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50_ms: Option<f64>,
    /// Slowest round trip of the stretch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_ms: Option<f64>,
    /// Samples answered in the stretch.
    pub answered: u64,
    /// Samples lost in the stretch.
    pub lost: u64,
}

/// The latency over time: equal stretches of the run, a fixed number at most (merged pairwise as
/// the run grows).
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// How long each stretch is.
    pub bucket_ms: f64,
    /// The stretches, oldest first.
    pub buckets: Vec<Bucket>,
}

/// The summary of a ping run: the one JSON document of `--format json`, and the last NDJSON line.
#[derive(Debug, Clone, Serialize)]
pub struct PingSummary {
    /// Always [`PING_SCHEMA`].
    pub schema: &'static str,
    /// The tool that wrote it.
    pub tool: BTreeMap<&'static str, String>,
    /// The target as given (redacted).
    pub target: String,
    /// The socket pinged (redacted).
    pub url: String,
    /// Ping frames or echo messages.
    pub mode: PingMode,
    /// With `--echo`: `envelope` when the server wrapped the message in the platform's
    /// `{"type":"echo","received":…}`, `plain` when it sent it back as it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub echo: Option<&'static str>,
    /// HTTP/1.1 or HTTP/2, the road the socket took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_version: Option<String>,
    /// The time between two samples.
    pub interval_ms: f64,
    /// How long a sample may wait for its answer.
    pub sample_timeout_ms: f64,
    /// RFC 3339 start time.
    pub started_at: String,
    /// Wall time of the run.
    pub duration_ms: f64,
    /// pass: every sample answered, no cut; fail: otherwise.
    pub verdict: crate::Verdict,
    /// Samples sent.
    pub sent: u64,
    /// Samples answered in time.
    pub answered: u64,
    /// Samples lost.
    pub lost: u64,
    /// lost / (answered + lost), in percent.
    pub loss_percent: f64,
    /// Answers that came after their sample was counted lost (matched by sequence number, never
    /// taken for another sample's answer).
    pub late: u64,
    /// Messages the server sent that answered no sample (server pushes, unsolicited pongs).
    pub unmatched: u64,
    /// Round trips of the answered samples.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rtt: Option<Rtt>,
    /// RFC 3550's interarrival jitter over consecutive round trips: J += (|D| − J) / 16.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jitter_ms: Option<f64>,
    /// Sockets cut under the pinging.
    pub cuts: u64,
    /// Cuts by cause.
    pub cut_causes: BTreeMap<String, u64>,
    /// The first cuts, one by one (at most [`CUTS_LISTED`]).
    pub cut_list: Vec<Cut>,
    /// What the cuts say together, when they agree: `idle_cut` (each after the same quiet time,
    /// nothing in flight) or `lifetime_cut` (each at the same age, traffic or not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_pattern: Option<Finding>,
    /// New sockets opened after a cut.
    pub reconnects: u64,
    /// Why the run ended early: the socket never opened, or reconnecting gave up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Finding>,
    /// Stopped by a signal before `--count` samples.
    pub interrupted: bool,
    /// Latency over time.
    pub timeline: Timeline,
}

/// One line of `wsdoctor ping --format ndjson`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum PingEvent {
    /// A socket opened (the first one, or after a cut).
    Open {
        /// The socket's URL (redacted).
        url: String,
        /// HTTP/1.1 or HTTP/2.
        http_version: String,
        /// How long the upgrade took.
        handshake_ms: f64,
    },
    /// A sample ended.
    Sample(Sample),
    /// An answer came after its sample was counted lost.
    Late {
        /// The sample it answers.
        seq: u64,
        /// When it came, counted from the sample's sending (when the sending is still known).
        #[serde(skip_serializing_if = "Option::is_none")]
        rtt_ms: Option<f64>,
    },
    /// The socket was cut.
    Cut(Cut),
    /// An attempt at a new socket.
    Reconnect(Reconnect),
    /// The end: the summary.
    Summary(Box<PingSummary>),
}
