//! Something that happened during a run, in the order it happened: the NDJSON stream and the
//! progress view are functions of these.

use crate::check::CheckId;
use crate::report::{Attempt, CheckReport, Report};
use crate::timing::Phase;
use serde::Serialize;

/// One event of a run.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Event {
    /// The run began.
    RunStarted {
        /// The target (redacted).
        target: String,
        /// The checks that will be reported.
        checks: Vec<CheckId>,
        /// RFC 3339 start time.
        started_at: String,
    },
    /// A check began.
    CheckStarted {
        /// Which check.
        id: CheckId,
    },
    /// A phase of a check ended.
    Phase {
        /// Which check.
        id: CheckId,
        /// The phase.
        phase: Phase,
        /// How long it took.
        duration_ms: f64,
    },
    /// A WebSocket attempt ended.
    Attempt {
        /// Which check.
        id: CheckId,
        /// Out of how many at most.
        of: u32,
        /// The attempt.
        attempt: Attempt,
    },
    /// A line of the connection log (`--verbose`).
    Log {
        /// Which check.
        id: CheckId,
        /// The line, in the web client's words.
        message: String,
    },
    /// Something seen on the wire (`--trace`): one line of a head, a frame, a connect, a TLS
    /// handshake's outcome; secrets redacted and server text escaped before it is sent.
    Wire {
        /// The check whose connection it is.
        id: CheckId,
        /// Milliseconds since the start of the run.
        at_ms: f64,
        /// Sent, received, or a note about the connection.
        dir: WireDir,
        /// The layer it belongs to.
        layer: WireLayer,
        /// The line, escaped, at most [`WIRE_LINE_LIMIT`] bytes.
        text: String,
    },
    /// A check ended.
    CheckFinished(Box<CheckReport>),
    /// The final report.
    Report(Box<Report>),
}

/// An event with the moment it happened: one line of the NDJSON stream,
/// `{"type": …, "time": …, "data": …}`.
#[derive(Debug, Clone, Serialize)]
pub struct Stamped {
    /// RFC 3339 UTC, with milliseconds.
    pub time: String,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}

/// The longest a wire event's text may be, in bytes (longer lines end in `…`).
pub const WIRE_LINE_LIMIT: usize = 1024;

/// Which way a wire event went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WireDir {
    /// From wsdoctor to the server.
    Send,
    /// From the server to wsdoctor.
    Recv,
    /// About the connection (an address, a handshake's outcome).
    Info,
}

impl WireDir {
    /// The arrow a trace line shows: `→`, `←`, `*` (as curl marks its notes).
    pub fn arrow(self) -> &'static str {
        match self {
            WireDir::Send => "→",
            WireDir::Recv => "←",
            WireDir::Info => "*",
        }
    }
}

/// The protocol layer of a wire event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WireLayer {
    /// Name resolution.
    Dns,
    /// A TCP connection (or a proxy's tunnel).
    Tcp,
    /// The TLS handshake.
    Tls,
    /// HTTP/1.1 heads.
    Http,
    /// HTTP/2 frames.
    H2,
    /// WebSocket frames.
    Ws,
    /// The trace itself (its bound reached).
    Trace,
}
