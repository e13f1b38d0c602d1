//! Something that happened during a run, in the order it happened: the NDJSON stream and the
//! progress view are functions of these.

use crate::check::CheckId;
use crate::codes::{Cause, Code};
use crate::report::{Attempt, CheckReport, Report, Status, Verdict};
use crate::timing::Phase;
use serde::Serialize;
use std::collections::BTreeMap;

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

/// One target's event in a fleet's NDJSON stream: the event's line with the target's name beside
/// its `type`, `time` and `data`.
#[derive(Debug, Clone, Copy)]
pub struct TargetEvent<'a> {
    /// The target's name in the fleet.
    pub target: &'a str,
    /// What happened.
    pub event: &'a Stamped,
}

impl Serialize for TargetEvent<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Through a JSON value, whose keys are sorted at every level: the bytes a fleet's stream
        // has always had, which a consumer diffing two runs may rely on.
        let mut value = serde_json::to_value(self.event).map_err(serde::ser::Error::custom)?;
        if let serde_json::Value::Object(fields) = &mut value {
            fields.insert(
                "target".into(),
                serde_json::Value::String(self.target.to_string()),
            );
        }
        value.serialize(serializer)
    }
}

/// A line of `wsdoctor watch --format ndjson`: `{"data": …, "type": "watch_run" |
/// "watch_summary"}`.
///
/// The fields of the watch events are declared in alphabetical order, as their keys have always
/// been written (the stream was first built from sorted JSON values).
#[derive(Debug, Clone)]
pub enum WatchEvent {
    /// A run ended.
    WatchRun(WatchRun),
    /// The watch ended.
    WatchSummary(WatchSummary),
}

impl Serialize for WatchEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut line = serializer.serialize_struct("WatchEvent", 2)?;
        match self {
            WatchEvent::WatchRun(run) => {
                line.serialize_field("data", run)?;
                line.serialize_field("type", "watch_run")?;
            }
            WatchEvent::WatchSummary(summary) => {
                line.serialize_field("data", summary)?;
                line.serialize_field("type", "watch_summary")?;
            }
        }
        line.end()
    }
}

/// A check whose status differs from the previous run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The failure cause now, if it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    /// Which check.
    pub check: CheckId,
    /// The failure code now, if it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    /// Its status in the previous run.
    pub from: Status,
    /// Its summary now.
    pub summary: String,
    /// Its status now.
    pub to: Status,
    /// The checks after it that went to or from `skip` with it: a refused connection skips the
    /// whole checklist after it, and that is one change, not eight.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with_it: Vec<CheckId>,
}

/// Runs so far by verdict.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    /// Check status changes seen (flaps).
    pub changes: u32,
    /// Runs that failed.
    pub fail: u32,
    /// Runs that passed.
    pub pass: u32,
    /// Runs made.
    pub runs: u32,
    /// Runs that warned.
    pub warn: u32,
}

/// One run of a watch, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct WatchRun {
    /// What changed since the previous run (everything, on the first run, is not a change).
    pub changes: Vec<Change>,
    /// Its failure codes.
    pub codes: Vec<Code>,
    /// Its wall time.
    pub duration_ms: f64,
    /// 1-based run number.
    pub run: u32,
    /// RFC 3339 start.
    pub started_at: String,
    /// The tally including this run.
    pub tally: Tally,
    /// The target's name, when a fleet is watched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The run's verdict.
    pub verdict: Verdict,
}

/// The end of a watch.
#[derive(Debug, Clone, Serialize)]
pub struct WatchSummary {
    /// Share of runs that did not fail, in percent.
    pub availability_percent: f64,
    /// For each check that ever failed, how many runs it failed in (keyed by the check's name,
    /// in the names' order).
    #[serde(serialize_with = "by_name")]
    pub failures_by_check: BTreeMap<CheckId, u32>,
    /// Whether Ctrl-C ended it.
    pub interrupted: bool,
    /// The final tally.
    pub tally: Tally,
    /// The target's name, when a fleet is watched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// A map of checks in the order of their names, not the checklist's.
fn by_name<S: serde::Serializer>(
    map: &BTreeMap<CheckId, u32>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let sorted: BTreeMap<&str, u32> = map.iter().map(|(id, n)| (id.as_str(), *n)).collect();
    sorted.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line as the binary built it with `json!` before the events were typed.
    fn sorted_line(kind: &str, data: &impl Serialize, target: Option<&str>) -> String {
        let mut data = serde_json::to_value(data).unwrap();
        if let (Some(name), Some(fields)) = (target, data.as_object_mut()) {
            fields.insert("target".into(), name.into());
        }
        serde_json::json!({"type": kind, "data": data}).to_string()
    }

    #[test]
    fn watch_events_keep_the_bytes_of_the_untyped_stream() {
        let mut failures = BTreeMap::new();
        failures.insert(CheckId::Tcp, 2);
        failures.insert(CheckId::Echo, 1);
        let tally = Tally {
            runs: 3,
            pass: 1,
            warn: 0,
            fail: 2,
            changes: 1,
        };
        let run = WatchRun {
            run: 3,
            started_at: "2026-01-01T00:00:00Z".into(),
            verdict: Verdict::Fail,
            codes: vec![Code::ConnectionFailed],
            duration_ms: 12.5,
            changes: vec![Change {
                check: CheckId::Tcp,
                from: Status::Pass,
                to: Status::Fail,
                code: Some(Code::ConnectionFailed),
                cause: Some(Cause::TcpRefused),
                summary: "refused".into(),
                with_it: vec![CheckId::Echo],
            }],
            tally: tally.clone(),
            target: None,
        };
        let summary = WatchSummary {
            tally,
            availability_percent: 33.3,
            failures_by_check: failures,
            interrupted: true,
            target: None,
        };
        for target in [None, Some("prod-eu")] {
            let before = sorted_line("watch_run", &run, target);
            let mut run = run.clone();
            run.target = target.map(String::from);
            let typed = serde_json::to_string(&WatchEvent::WatchRun(run)).unwrap();
            assert_eq!(typed, before);
            let mut summary = summary.clone();
            let before = sorted_line("watch_summary", &summary, target);
            summary.target = target.map(String::from);
            let typed = serde_json::to_string(&WatchEvent::WatchSummary(summary)).unwrap();
            assert_eq!(typed, before);
        }
    }

    #[test]
    fn a_fleet_event_names_its_target_beside_the_event() {
        let event = Stamped {
            time: "2026-01-01T00:00:00.000Z".into(),
            event: Event::Log {
                id: CheckId::Echo,
                message: "hello".into(),
            },
        };
        let line = serde_json::to_string(&TargetEvent {
            target: "prod",
            event: &event,
        })
        .unwrap();
        assert_eq!(
            line,
            r#"{"data":{"id":"echo","message":"hello"},"target":"prod","time":"2026-01-01T00:00:00.000Z","type":"log"}"#
        );
    }
}
