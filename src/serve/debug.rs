//! What a probe shows besides its metrics: the text page `debug=true` answers with (as
//! blackbox_exporter's does: the wire trace, the report, the metrics it would have exported), and
//! the report each recent probe keeps for the status page's links. Both are redacted once more as
//! a whole and cut to a size, so neither a secret nor a server's flood can get through them.

use crate::render::human::safe;
use tokio::sync::mpsc::UnboundedReceiver;
use wsdoctor_core::model::{Event, Report, Stamped};
use wsdoctor_core::Redactor;

/// The most of a probe's trace the debug page shows. The run bounds its trace too (1 MiB of
/// text); this keeps one scrape's answer small enough to read in a browser.
pub(crate) const TRACE_LIMIT: usize = 512 * 1024;

/// The most of one probe's report the status page keeps: with [`super::RECENT`] probes, a few
/// MiB at most, however much the targets say.
pub(crate) const STORED_LIMIT: usize = 64 * 1024;

/// The run's trace lines, from the events it queued (the run has ended, so every one is there
/// and nothing waits on a sender that lingers).
pub(crate) fn trace(receiver: &mut UnboundedReceiver<Stamped>) -> String {
    let mut text = String::new();
    let mut cut = false;
    while let Ok(stamped) = receiver.try_recv() {
        if let Event::Wire {
            id,
            at_ms,
            dir,
            text: line,
            ..
        } = &stamped.event
        {
            if cut {
                continue;
            }
            let line = crate::render::trace::line(*at_ms, *id, *dir, line);
            if text.len() + line.len() > TRACE_LIMIT {
                cut = true;
                continue;
            }
            text.push_str(&line);
        }
    }
    if cut {
        text.push_str(&format!(
            "… trace cut at {} KiB: `wsdoctor check --trace` shows the rest\n",
            TRACE_LIMIT / 1024
        ));
    }
    text
}

/// The page `debug=true` answers with: who was probed, the trace, the report, the metrics.
pub(crate) fn page(
    target: &str,
    module: &str,
    trace: &str,
    report: &Report,
    metrics: &str,
    redactor: &Redactor,
) -> String {
    let mut out = format!(
        "wsdoctor serve: probe of {} with module {} (debug=true: this page instead of the metrics)\n\n",
        safe(target),
        safe(module)
    );
    out.push_str("Wire trace:\n");
    if trace.is_empty() {
        out.push_str("(nothing went over the wire)\n");
    } else {
        out.push_str(trace);
    }
    out.push_str("\nReport:\n");
    out.push_str(&crate::render::human::render(report, false));
    out.push_str("\nMetrics that would have been returned:\n");
    out.push_str(metrics);
    redactor.text(&out)
}

/// What the status page keeps of a probe: its report, then its trace when debug was on, redacted
/// and cut to [`STORED_LIMIT`].
pub(crate) fn stored(report: &Report, trace: Option<&str>, redactor: &Redactor) -> String {
    let mut out = crate::render::human::render(report, false);
    if let Some(trace) = trace {
        out.push_str("\nWire trace:\n");
        out.push_str(trace);
    }
    // Redacted before the cut, so a secret straddling it is masked whole, not half kept.
    cut(redactor.text(&out), STORED_LIMIT)
}

/// A debug probe's trace as the ring keeps it: redacted, then cut to [`STORED_LIMIT`] (a run's
/// trace may be 1 MiB; the ring keeps fifty).
pub(crate) fn kept_trace(trace: &str, redactor: &Redactor) -> String {
    cut(redactor.text(trace), STORED_LIMIT)
}

/// `text` cut to at most `limit` bytes on a character boundary, with a line saying so.
fn cut(mut text: String, limit: usize) -> String {
    if text.len() <= limit {
        return text;
    }
    let note = format!("\n… cut at {} KiB\n", limit / 1024);
    let mut end = limit.saturating_sub(note.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push_str(&note);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_keeps_to_the_limit_on_a_character_boundary() {
        let text = "é".repeat(100);
        let out = cut(text, 64);
        assert!(out.len() <= 64, "{}", out.len());
        assert!(out.ends_with("cut at 0 KiB\n"), "{out}");
        assert_eq!(cut("short".into(), 64), "short");
    }

    #[test]
    fn the_trace_stops_at_its_limit_and_says_so() {
        use wsdoctor_core::model::{CheckId, WireDir, WireLayer};
        let (events, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        for _ in 0..2_000 {
            let _ = events.send(Stamped {
                time: String::new(),
                event: Event::Wire {
                    id: CheckId::Echo,
                    at_ms: 1.0,
                    dir: WireDir::Recv,
                    layer: WireLayer::Ws,
                    text: "x".repeat(1000),
                },
            });
        }
        let text = trace(&mut receiver);
        assert!(text.len() < TRACE_LIMIT + 200, "{}", text.len());
        assert!(
            text.ends_with("shows the rest\n"),
            "{}",
            &text[text.len() - 100..]
        );
    }
}
