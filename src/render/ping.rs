//! `wsdoctor ping`'s outputs: a line a sample and a summary with a picture of the latency over
//! time (human), the summary (JSON), or one event a line (NDJSON). Server text is escaped
//! before it reaches a terminal.

use crate::cli::PingFormat;
use crate::print;
use crate::render::human::{paint, safe};
use colored::Colorize;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::SystemTime;
use tokio::sync::Notify;
use wsdoctor_core::model::ping::{
    Bucket, PingEvent, PingMode, PingSummary, SampleStatus, Timeline,
};
use wsdoctor_core::model::Verdict;
use wsdoctor_core::ping::PingOptions;

/// How the run is shown.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View {
    pub(crate) format: PingFormat,
    pub(crate) quiet: bool,
    pub(crate) color: bool,
}

/// The first line (human, not --quiet).
pub(crate) fn start(target: &str, options: &PingOptions, view: View) -> String {
    if view.format != PingFormat::Human || view.quiet {
        return String::new();
    }
    let what = match options.mode {
        PingMode::Ping => "ping frames",
        PingMode::Echo => "echo messages",
    };
    let every = if options.interval.is_zero() {
        "back to back".to_string()
    } else {
        format!("every {}", humantime::format_duration(options.interval))
    };
    let count = options
        .count
        .map_or_else(|| "until Ctrl-C".to_string(), |n| format!("{n} samples"));
    format!(
        "PING {} ({what} {every}, {count}; a sample is lost after {})\n",
        safe(target),
        humantime::format_duration(options.sample_timeout)
    )
}

/// Prints events as they come; says when stdout's reader has gone.
pub(crate) struct Live {
    view: View,
    reader_gone: Arc<Notify>,
}

impl Live {
    pub(crate) fn new(view: View, reader_gone: Arc<Notify>) -> Live {
        Live { view, reader_gone }
    }

    pub(crate) fn event(&mut self, event: &PingEvent) {
        let line = match self.view.format {
            PingFormat::Json => None,
            PingFormat::Ndjson => Some(ndjson_line(event)),
            PingFormat::Human if self.view.quiet => None,
            PingFormat::Human => human_line(event, self.view.color),
        };
        if let Some(line) = line {
            if !print::stdout(&line) {
                self.reader_gone.notify_one();
            }
        }
    }
}

/// One NDJSON line: `{"type", "time", "data"}`, as `check`'s events.
pub(crate) fn ndjson_line(event: &PingEvent) -> String {
    let mut value = serde_json::to_value(event).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        let time = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
        object.insert("time".to_string(), serde_json::Value::String(time));
    }
    format!("{value}\n")
}

fn ms(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.2} ms")
    } else {
        format!("{value:.1} ms")
    }
}

/// A sample's, a cut's or a reconnect's line.
fn human_line(event: &PingEvent, color: bool) -> Option<String> {
    let line = match event {
        PingEvent::Open {
            http_version,
            handshake_ms,
            ..
        } => format!("open over {http_version}, upgrade {}", ms(*handshake_ms)),
        PingEvent::Sample(sample) => {
            let loss = if sample.done == 0 {
                0.0
            } else {
                100.0 * sample.lost as f64 / sample.done as f64
            };
            let running = format!("loss {}/{} ({loss:.1}%)", sample.lost, sample.done);
            match (sample.status, sample.rtt_ms) {
                (SampleStatus::Answered, Some(rtt)) => {
                    format!("seq={} rtt={}  {running}", sample.seq, ms(rtt))
                }
                _ => format!(
                    "seq={} {}  {running}",
                    sample.seq,
                    paint("lost", color, |s| s.red())
                ),
            }
        }
        PingEvent::Late { seq, rtt_ms } => match rtt_ms {
            Some(rtt) => format!(
                "seq={seq} answered late ({}), already counted lost",
                ms(*rtt)
            ),
            None => format!("seq={seq} answered late, already counted lost"),
        },
        PingEvent::Cut(cut) => format!(
            "{} {} {}: {} (open {}, quiet {})",
            paint("cut", color, |s| s.red().bold()),
            cut.code.as_str(),
            cut.cause.as_str(),
            safe(&cut.message),
            ms(cut.open_for_ms),
            ms(cut.quiet_for_ms),
        ),
        PingEvent::Reconnect(r) => match &r.failure {
            None => format!(
                "reconnected (attempt {} in a row, after {})",
                r.attempt,
                ms(r.after_ms)
            ),
            Some(f) => format!(
                "reconnect {} failed: {} {}: {}",
                r.attempt,
                f.code.as_str(),
                f.cause.as_str(),
                safe(&f.message)
            ),
        },
        PingEvent::Summary(_) => return None,
    };
    Some(line + "\n")
}

/// What ends the run: the summary in the chosen format.
pub(crate) fn end(summary: &PingSummary, view: View) -> String {
    match view.format {
        PingFormat::Json => serde_json::to_string_pretty(summary).unwrap_or_default() + "\n",
        PingFormat::Ndjson => ndjson_line(&PingEvent::Summary(Box::new(summary.clone()))),
        PingFormat::Human => human_summary(summary, view.color),
    }
}

fn human_summary(s: &PingSummary, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "--- {} ping statistics ---", safe(&s.url));
    let _ = writeln!(
        out,
        "{} sent, {} answered, {} lost ({:.1}%), {} late, time {:.1} s{}",
        s.sent,
        s.answered,
        s.lost,
        s.loss_percent,
        s.late,
        s.duration_ms / 1000.0,
        if s.interrupted { ", interrupted" } else { "" }
    );
    if let Some(rtt) = &s.rtt {
        let _ = writeln!(
            out,
            "rtt min/avg/p50/p90/p99/max = {:.3}/{:.3}/{:.3}/{:.3}/{:.3}/{:.3} ms, jitter {}",
            rtt.min_ms,
            rtt.avg_ms,
            rtt.p50_ms,
            rtt.p90_ms,
            rtt.p99_ms,
            rtt.max_ms,
            s.jitter_ms.map_or_else(|| "n/a".to_string(), ms)
        );
    }
    if s.cuts > 0 {
        let causes: Vec<String> = s
            .cut_causes
            .iter()
            .map(|(cause, n)| format!("{cause} ×{n}"))
            .collect();
        let _ = writeln!(
            out,
            "cuts: {} ({}), reconnects: {}",
            s.cuts,
            causes.join(", "),
            s.reconnects
        );
    }
    if let Some(pattern) = &s.cut_pattern {
        let _ = writeln!(
            out,
            "the cuts: {} {}: {}",
            pattern.code.as_str(),
            pattern.cause.as_str(),
            safe(&pattern.message)
        );
        let _ = writeln!(out, "hint: {}", safe(&pattern.hint));
    }
    if s.timeline.buckets.len() > 1 {
        out.push_str(&picture(&s.timeline));
    }
    if let Some(failure) = &s.failure {
        let _ = writeln!(
            out,
            "{} {}: {}",
            failure.code.as_str(),
            failure.cause.as_str(),
            safe(&failure.message)
        );
        let _ = writeln!(out, "hint: {}", safe(&failure.hint));
    }
    let verdict = match s.verdict {
        Verdict::Pass => paint("PASS", color, |t| t.green().bold()),
        Verdict::Warn => paint("WARN", color, |t| t.yellow().bold()),
        Verdict::Fail => paint("FAIL", color, |t| t.red().bold()),
    };
    let _ = writeln!(out, "{verdict}");
    out
}

const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Two sparklines over the run (per-stretch median and maximum on one scale), a `×` for a stretch
/// with losses only, a blank for one without samples.
fn picture(timeline: &Timeline) -> String {
    let top = timeline
        .buckets
        .iter()
        .filter_map(|b| b.max_ms)
        .fold(0.0f64, f64::max);
    let bottom = timeline
        .buckets
        .iter()
        .filter_map(|b| b.p50_ms)
        .fold(f64::INFINITY, f64::min);
    let line = |pick: fn(&Bucket) -> Option<f64>| -> String {
        timeline
            .buckets
            .iter()
            .map(|b| match pick(b) {
                Some(v) => level(v, bottom, top),
                None if b.lost > 0 => '×',
                None => ' ',
            })
            .collect()
    };
    let lost: String = timeline
        .buckets
        .iter()
        .map(|b| if b.lost > 0 { '×' } else { ' ' })
        .collect();
    let mut out = format!(
        "latency over time ({} per column, {} to {}):\n  p50 {}\n  max {}\n",
        ms(timeline.bucket_ms),
        ms(if bottom.is_finite() { bottom } else { 0.0 }),
        ms(top),
        line(|b| b.p50_ms),
        line(|b| b.max_ms),
    );
    if lost.contains('×') {
        let _ = writeln!(out, "  lost{}", lost.trim_end());
    }
    out
}

fn level(value: f64, bottom: f64, top: f64) -> char {
    // A flat series (or none): the lowest bar; NaN never gets here, values are finite.
    if top.partial_cmp(&bottom) != Some(std::cmp::Ordering::Greater) {
        return LEVELS[0];
    }
    let position = ((value - bottom) / (top - bottom) * 7.0).round();
    LEVELS[(position.clamp(0.0, 7.0)) as usize]
}
