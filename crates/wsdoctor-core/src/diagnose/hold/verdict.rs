//! The hold check's verdict: what the roads' readings add up to for the report, and the words
//! for a hold that could not start or was stopped early.

use super::roads::{AcrossRoads, RoadReading};
use super::Reading;
use crate::diagnose::classify;
use std::time::Duration;
use wsdoctor_model::evidence::{Road, RoadOutcome, RoadReport, Variant};
use wsdoctor_model::timing::{human, Timings};
use wsdoctor_model::{Cause, Finding, Notice};

/// A socket of the hold that could not open fails the check at once, before any holding: says
/// which socket, and over which road when there are two.
pub(crate) fn unopened(mut finding: Finding, variant: Variant, over: Option<Road>) -> Finding {
    let over = match over {
        Some(road) => format!(" over {}", road.name()),
        None => String::new(),
    };
    finding.message = format!(
        "the {} socket of the hold{over} could not open: {}",
        variant.as_str(),
        finding.message
    );
    finding
}

/// What stands in for an opening failure that was not kept; only keeps the check panic-free.
pub(crate) fn unopened_unknown() -> Finding {
    classify::finding(Cause::AbnormalClose, "a socket could not open")
}

/// How one road fared, beside its timings.
pub(crate) fn road_report(reading: &RoadReading, timings: Timings) -> RoadReport {
    RoadReport {
        road: reading.road,
        outcome: match reading.reading.finding {
            Some(_) => RoadOutcome::Fails,
            None => RoadOutcome::Works,
        },
        summary: reading.reading.summary.clone(),
        cause: reading.reading.finding.as_ref().map(|f| f.cause),
        timings,
    }
}

/// What the check reports.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict {
    /// Every socket lived through the whole hold.
    Pass(String),
    /// Stopped before the end with no cut: a warning, since the rest of the hold is unknown.
    Shortened { summary: String, notice: Notice },
    /// A cut or another ending. `platform_note` is false when a named suspect already carries
    /// the platform's advice, which the generic platform note would only repeat.
    Fails {
        finding: Finding,
        platform_note: bool,
    },
}

/// The verdict from the readings across roads and the deciding road's reading; `observed` is
/// how long the sockets were actually held (less than `hold` when `stopped`).
pub(crate) fn verdict(
    read: AcrossRoads,
    decisive: &Reading,
    stopped: bool,
    observed: Duration,
    hold: Duration,
) -> Verdict {
    match read.finding {
        None if stopped => Verdict::Shortened {
            summary: format!(
                "stopped after {} of {}: {}",
                human(observed),
                human(hold),
                read.summary
            ),
            notice: Notice::of(
                Cause::HoldShortened,
                format!(
                    "the hold was stopped after {} of {}: no socket was cut in that time, which says nothing about the rest",
                    human(observed),
                    human(hold)
                ),
                "run the whole --hold to rule out a longer idle or lifetime cut",
            ),
        },
        None => Verdict::Pass(read.summary),
        Some(finding) => Verdict::Fails {
            finding,
            platform_note: decisive.suspect.is_none(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unopened_socket_is_named_with_its_road() {
        let finding = classify::finding(Cause::TcpRefused, "connection refused");
        let one = unopened(finding.clone(), Variant::Ping, None);
        assert_eq!(
            one.message,
            "the ping socket of the hold could not open: connection refused"
        );
        let two = unopened(finding, Variant::Message, Some(Road::Http2));
        assert_eq!(
            two.message,
            "the message socket of the hold over HTTP/2 could not open: connection refused"
        );
        assert_eq!(two.cause, Cause::TcpRefused);
    }
}
