//! A hold on every road: the readings of each road put side by side.

use super::Reading;
use std::time::Duration;
use wsdoctor_model::evidence::Road;
use wsdoctor_model::timing::human;
use wsdoctor_model::{Cause, Finding};

/// One road's hold, read on its own.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RoadReading {
    /// The road its sockets took.
    pub(crate) road: Road,
    /// What its sockets say.
    pub(crate) reading: Reading,
}

/// What the holds on every road add up to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AcrossRoads {
    /// The diagnosis; `None` when no road was cut.
    pub(crate) finding: Option<Finding>,
    /// One line for the report.
    pub(crate) summary: String,
    /// The index of the road whose reading decides (its cut, suspect and deciding socket).
    pub(crate) decisive: usize,
}

/// Puts the roads' readings side by side, the browser's road first. A cut of one road only is
/// said as such: that the other road's sockets lived through the same hold is what points at the
/// timer of one road (an edge's HTTP/2 stream idle timeout) rather than one that covers every
/// connection.
pub(crate) fn across_roads(roads: &[RoadReading], hold: Duration, path: &str) -> AcrossRoads {
    let single = |r: &RoadReading| AcrossRoads {
        finding: r.reading.finding.clone(),
        summary: r.reading.summary.clone(),
        decisive: 0,
    };
    let first = match roads {
        [] => {
            return AcrossRoads {
                finding: None,
                summary: "no socket was held".into(),
                decisive: 0,
            }
        }
        [only] => return single(only),
        [first, ..] => first,
    };
    let names = roads
        .iter()
        .map(|r| r.road.name())
        .collect::<Vec<_>>()
        .join(" and ");
    let cut: Vec<usize> = (0..roads.len())
        .filter(|i| roads[*i].reading.finding.is_some())
        .collect();
    let read = match cut.as_slice() {
        [] => Some(AcrossRoads {
            finding: None,
            summary: first.reading.summary.replacen(
                ": no cut",
                &format!(" on each of {names}: no cut"),
                1,
            ),
            decisive: 0,
        }),
        [only] if roads.len() == 2 => one_road_only(roads, *only, hold, path),
        _ => every_road_cut(roads, cut[0]),
    };
    read.unwrap_or_else(|| single(first))
}

/// One road of two cut (`cut` is its index), the other kept: the cut is said as that road's.
fn one_road_only(
    roads: &[RoadReading],
    cut: usize,
    hold: Duration,
    path: &str,
) -> Option<AcrossRoads> {
    let (decisive, kept) = (&roads[cut], &roads[1 - cut]);
    let finding = decisive.reading.finding.as_ref()?;
    let own = finding
        .message
        .strip_prefix(&format!("{path}: "))
        .unwrap_or(&finding.message);
    let what = described(&decisive.reading, finding);
    let (timer, remedy) = one_road_timer(decisive.road, finding.cause);
    let conclusion = match timer {
        Some(timer) => format!(" → {timer}"),
        None => String::new(),
    };
    let message = format!(
        "{path}: {what} on {} only; the {} sockets stayed up through the whole {} hold{conclusion}. Over {}: {own}",
        decisive.road.name(),
        kept.road.name(),
        human(hold),
        decisive.road.name(),
    );
    let hint = match remedy {
        Some(remedy) => format!("{remedy} {}", finding.hint),
        None => format!(
            "Only {} sockets fail, so look at what differs on that road between client and application. {}",
            decisive.road.name(),
            finding.hint
        ),
    };
    Some(AcrossRoads {
        finding: Some(Finding {
            message: message.clone(),
            hint,
            ..finding.clone()
        }),
        summary: message,
        decisive: cut,
    })
}

/// Every road cut: the browser's road (`lead`, the first cut) leads, the other is said beside it.
fn every_road_cut(roads: &[RoadReading], lead: usize) -> Option<AcrossRoads> {
    let decisive = &roads[lead];
    let finding = decisive.reading.finding.as_ref()?;
    let others: Vec<String> = roads
        .iter()
        .filter(|r| r.road != decisive.road)
        .filter_map(|r| {
            let other = r.reading.finding.as_ref()?;
            Some(if other.cause == finding.cause {
                format!(
                    " (over {} too: {})",
                    r.road.name(),
                    described(&r.reading, other)
                )
            } else {
                format!("; over {}: {}", r.road.name(), other.message)
            })
        })
        .collect();
    let message = format!(
        "{} (over {}){}",
        finding.message.trim_end(),
        decisive.road.name(),
        others.concat()
    );
    Some(AcrossRoads {
        finding: Some(Finding {
            message: message.clone(),
            ..finding.clone()
        }),
        summary: message,
        decisive: lead,
    })
}

/// A road's cut in a few words: "idle cut after 3.0 s".
fn described(reading: &Reading, finding: &Finding) -> String {
    match (finding.cause, reading.cut) {
        (Cause::IdleCut, Some(t)) => format!("idle cut after {}", human(t)),
        (Cause::LifetimeCut, Some(t)) => format!("lifetime cut at {}", human(t)),
        (cause, _) => format!("sockets ended ({})", cause.as_str()),
    }
}

/// The timer a cut of `road` alone points at, and what to do about it; `None` for an ending
/// that is not a timer's (the server's own close, say).
fn one_road_timer(road: Road, cause: Cause) -> (Option<&'static str>, Option<&'static str>) {
    match (road, cause) {
        (Road::Http2, Cause::IdleCut) => (
            Some("the edge's HTTP/2 stream idle timeout"),
            Some("Only HTTP/2 sockets are cut: raise the edge's idle timeout for HTTP/2 streams (or HTTP/2 connections), which is set apart from the one its HTTP/1.1 connections use (that one already lets sockets live), or keep HTTP/2 sockets busy."),
        ),
        (Road::Http2, Cause::LifetimeCut) => (
            Some("the edge's time limit on HTTP/2 streams"),
            Some("Only HTTP/2 sockets are capped: raise the edge's time limit on HTTP/2 streams (or HTTP/2 connections), which is set apart from the one its HTTP/1.1 connections use."),
        ),
        (Road::Http1, Cause::IdleCut) => (
            Some("the edge's idle timeout for HTTP/1.1 (tunnel) connections"),
            Some("Only HTTP/1.1 sockets are cut, and browsers without an HTTP/2 connection to this origin take that road: raise the edge's idle (tunnel) timeout for HTTP/1.1 connections, or keep the sockets busy."),
        ),
        (Road::Http1, Cause::LifetimeCut) => (
            Some("the edge's time limit on HTTP/1.1 (tunnel) connections"),
            Some("Only HTTP/1.1 sockets are capped, and browsers without an HTTP/2 connection to this origin take that road: raise the edge's time limit on HTTP/1.1 connections."),
        ),
        _ => (None, None),
    }
}
