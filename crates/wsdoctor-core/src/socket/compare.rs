//! The road comparison: what a socket check's roads (HTTP/2 and HTTP/1.1) add up to, as browsers
//! would meet them.

use super::road_run::{RoadRun, Summarised};
use crate::checks::{CheckRun, Failed};
use crate::diagnose::classify;
use wsdoctor_model::evidence::{Road, RoadOutcome, RoadReport};
use wsdoctor_model::{Cause, Notice};

impl<T: Summarised> RoadRun<T> {
    /// How the road fared: a road the server does not offer (no HTTP/2, or no extended CONNECT)
    /// is one a browser never takes, not one that fails.
    fn standing(&self) -> RoadOutcome {
        match &self.outcome {
            Ok(_) => RoadOutcome::Works,
            Err(failed)
                if self.road == Road::Http2
                    && matches!(
                        failed.finding.cause,
                        Cause::ExtendedConnectDisabled | Cause::AlpnMismatch
                    ) =>
            {
                RoadOutcome::Unavailable
            }
            Err(_) => RoadOutcome::Fails,
        }
    }

    fn report(&self) -> RoadReport {
        let (summary, cause) = match &self.outcome {
            Ok(result) => (result.summary().to_string(), None),
            Err(failed) => (failed.finding.message.clone(), Some(failed.finding.cause)),
        };
        RoadReport {
            road: self.road,
            outcome: self.standing(),
            summary,
            cause,
            timings: self.check.timings.clone(),
        }
    }

    fn cause(&self) -> Option<Cause> {
        self.outcome.as_ref().err().map(|f| f.finding.cause)
    }

    fn message(&self) -> String {
        match &self.outcome {
            Ok(result) => result.summary().to_string(),
            Err(failed) => failed.finding.message.clone(),
        }
    }
}

/// What the roads add up to for a socket check.
pub(crate) struct Compared<T> {
    /// The check's outcome, on the road it reports.
    pub(crate) outcome: Result<T, Failed>,
    /// A warning about the roads, or about a socket that only worked on a retry.
    pub(crate) warning: Option<Notice>,
}

/// Compares the roads a socket check took (HTTP/2 first when there are two) as browsers would
/// meet them, and folds the road the verdict rests on into `check`:
///
/// - both work: pass, over HTTP/2;
/// - HTTP/2 not offered (no `h2`, or no extended CONNECT): browsers use HTTP/1.1; its result
///   stands, with a note;
/// - only HTTP/2 works: a warning, since a browser without an HTTP/2 connection to the origin
///   opens the socket over HTTP/1.1 and fails;
/// - HTTP/2 announced but failing: a failure, since browsers holding an HTTP/2 connection take
///   it, even when HTTP/1.1 works;
/// - HTTP/1.1 refused by an HTTP/2-only listener that does not enable extended CONNECT: no
///   browser can open the socket, a failure of its own.
pub(crate) fn compare<T: Summarised>(
    check: &mut CheckRun,
    mut runs: Vec<RoadRun<T>>,
    path: &str,
) -> Compared<T> {
    let reports: Vec<RoadReport> = runs.iter().map(RoadRun::report).collect();
    let show_roads = runs.len() > 1 || runs.iter().any(|r| r.road == Road::Http2);
    let (chosen, other) = match (runs.pop(), runs.pop()) {
        (Some(last), Some(first)) => (first, Some(last)),
        (Some(only), None) => (only, None),
        (None, _) => {
            return Compared {
                outcome: Err(Failed::new(classify::finding(
                    Cause::InternalError,
                    format!("no road was tried for {path}"),
                ))),
                warning: None,
            }
        }
    };
    let (chosen, other) = match other {
        None => (chosen, None),
        Some(http1) => {
            let http2 = chosen;
            let nowhere = http2.cause() == Some(Cause::ExtendedConnectDisabled)
                && http1.cause() == Some(Cause::AlpnMismatch);
            match (http2.standing(), http1.standing()) {
                // No road at all: the HTTP/2 side, where the setting is missing, tells why.
                _ if nowhere => (http2, Some(http1)),
                (RoadOutcome::Unavailable, _) => (http1, Some(http2)),
                _ => (http2, Some(http1)),
            }
        }
    };
    let RoadRun {
        road,
        check: run,
        mut outcome,
        recovered,
        ..
    } = chosen;
    let mut warning = recovered;
    let note = match (road, &other) {
        (Road::Http2, None) => "over HTTP/2".to_string(),
        (Road::Http1, None) => String::new(),
        (Road::Http2, Some(http1)) => {
            both_roads_over_http2(&mut outcome, http1, &mut warning, path)
        }
        (Road::Http1, Some(http2)) => match &outcome {
            Ok(_) if http2.cause() == Some(Cause::ExtendedConnectDisabled) => {
                "over HTTP/1.1 (the server speaks HTTP/2 without extended CONNECT, so browsers use HTTP/1.1)".to_string()
            }
            Ok(_) => "over HTTP/1.1 (the server did not agree on HTTP/2 for the socket's connection)".to_string(),
            Err(_) => String::new(),
        },
    };
    if let Ok(result) = &mut outcome {
        if !note.is_empty() {
            let summary = result.summary_mut();
            *summary = format!("{summary}; {note}");
        }
    }
    check.absorb(run);
    if let Some(other) = other {
        check.learned.merge(&other.check.learned);
    }
    check.learned.road = Some(road);
    check.learned.working_roads = reports
        .iter()
        .filter(|r| r.outcome == RoadOutcome::Works)
        .map(|r| r.road)
        .collect();
    check.common().http_version = Some(road.name().to_string());
    if show_roads {
        check.common().roads = reports;
    }
    Compared { outcome, warning }
}

/// The note (or the failure's wording) when the verdict rests on HTTP/2 and HTTP/1.1 was tried too.
fn both_roads_over_http2<T: Summarised>(
    outcome: &mut Result<T, Failed>,
    http1: &RoadRun<T>,
    warning: &mut Option<Notice>,
    path: &str,
) -> String {
    match (outcome, http1.standing()) {
        (Ok(_), RoadOutcome::Works) => {
            if warning.is_none() {
                warning.clone_from(&http1.recovered);
            }
            "over HTTP/2 (HTTP/1.1 works too)".to_string()
        }
        (Ok(_), _) => {
            let cause = http1.cause().unwrap_or(Cause::AlpnMismatch);
            *warning = Some(Notice::of(
            cause,
            format!(
                "only HTTP/2 carries the socket (over HTTP/1.1: {}); a browser without an HTTP/2 connection to this origin opens the socket over HTTP/1.1 and fails",
                http1.message()
            ),
            cause.hint(),
        ));
            "over HTTP/2 only".to_string()
        }
        (Err(failed), _)
            if failed.finding.cause == Cause::ExtendedConnectDisabled
                && http1.cause() == Some(Cause::AlpnMismatch) =>
        {
            failed.finding.message = format!(
            "{path}: the listener speaks only HTTP/2 and does not enable extended CONNECT (RFC 8441), so no browser can open a WebSocket here; over HTTP/1.1: {}",
            http1.message()
        );
            String::new()
        }
        (Err(failed), RoadOutcome::Works) => {
            failed.finding.message = format!(
            "{}; over HTTP/1.1 the socket works, but browsers holding an HTTP/2 connection to this origin take the road that fails",
            failed.finding.message
        );
            String::new()
        }
        (Err(failed), _) if http1.cause() == Some(failed.finding.cause) => {
            failed.finding.message = format!("{} (over HTTP/1.1 too)", failed.finding.message);
            String::new()
        }
        (Err(failed), _) => {
            failed.finding.message = format!(
                "{}; over HTTP/1.1: {}",
                failed.finding.message,
                http1.message()
            );
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Inputs;
    use wsdoctor_model::CheckId;

    struct Done(String);

    impl Summarised for Done {
        fn summary(&self) -> &str {
            &self.0
        }

        fn summary_mut(&mut self) -> &mut String {
            &mut self.0
        }
    }

    fn road(road: Road, cause: Option<Cause>) -> RoadRun<Done> {
        RoadRun {
            road,
            check: CheckRun::start(CheckId::Echo, &Inputs::default()),
            outcome: match cause {
                None => Ok(Done("echo round trip 1.0 ms".into())),
                Some(cause) => Err(Failed::new(classify::finding(cause, cause.as_str()))),
            },
            recovered: None,
            failed_at: Vec::new(),
        }
    }

    fn compared(http2: Option<Cause>, http1: Option<Cause>) -> (Compared<Done>, CheckRun) {
        let mut check = CheckRun::start(CheckId::Echo, &Inputs::default());
        let runs = vec![road(Road::Http2, http2), road(Road::Http1, http1)];
        (compare(&mut check, runs, "/ws-test"), check)
    }

    #[test]
    fn the_roads_compare_as_browsers_meet_them() {
        // Both work: pass, over HTTP/2.
        let (both, check) = compared(None, None);
        assert!(both.warning.is_none());
        assert_eq!(
            both.outcome.unwrap().0,
            "echo round trip 1.0 ms; over HTTP/2 (HTTP/1.1 works too)"
        );
        assert_eq!(check.learned.road, Some(Road::Http2));
        assert_eq!(check.evidence.common.roads.len(), 2);
        // No extended CONNECT: browsers use HTTP/1.1, which works: a note, not a failure.
        let (note, check) = compared(Some(Cause::ExtendedConnectDisabled), None);
        assert!(note.outcome.unwrap().0.contains("without extended CONNECT"));
        assert_eq!(check.learned.road, Some(Road::Http1));
        assert_eq!(
            check.evidence.common.roads[0].outcome,
            RoadOutcome::Unavailable
        );
        // Only HTTP/2 works: a warning with the HTTP/1.1 road's cause.
        let (only, _) = compared(None, Some(Cause::AlpnMismatch));
        assert_eq!(only.warning.map(|w| w.cause), Some(Cause::AlpnMismatch));
        assert!(only.outcome.unwrap().0.ends_with("over HTTP/2 only"));
        // Announced and failing: a failure, even though HTTP/1.1 works.
        let (refused, _) = compared(Some(Cause::H2ConnectRefused), None);
        let failed = refused.outcome.err().unwrap();
        assert_eq!(failed.finding.cause, Cause::H2ConnectRefused);
        assert!(failed
            .finding
            .message
            .contains("over HTTP/1.1 the socket works"));
        // An HTTP/2-only listener without extended CONNECT: no road at all.
        let (nowhere, check) = compared(
            Some(Cause::ExtendedConnectDisabled),
            Some(Cause::AlpnMismatch),
        );
        let failed = nowhere.outcome.err().unwrap();
        assert_eq!(failed.finding.cause, Cause::ExtendedConnectDisabled);
        assert!(failed.finding.message.contains("speaks only HTTP/2"));
        assert_eq!(check.learned.road, Some(Road::Http2));
        // HTTP/2 not offered and HTTP/1.1 broken for its own reason: HTTP/1.1's failure stands.
        let (broken, _) = compared(
            Some(Cause::ExtendedConnectDisabled),
            Some(Cause::UpgradeNotForwarded),
        );
        assert_eq!(
            broken.outcome.err().unwrap().finding.cause,
            Cause::UpgradeNotForwarded
        );
        // Both fail the same way: said once.
        let (same, _) = compared(Some(Cause::SessionInvalid), Some(Cause::SessionInvalid));
        assert!(same
            .outcome
            .err()
            .unwrap()
            .finding
            .message
            .ends_with("(over HTTP/1.1 too)"));
    }

    #[test]
    fn one_road_is_reported_as_it_is() {
        let mut check = CheckRun::start(CheckId::Echo, &Inputs::default());
        let only = compare(&mut check, vec![road(Road::Http1, None)], "/ws-test");
        assert_eq!(only.outcome.unwrap().0, "echo round trip 1.0 ms");
        assert!(check.evidence.common.roads.is_empty());
        let mut check = CheckRun::start(CheckId::Echo, &Inputs::default());
        let strict = compare(&mut check, vec![road(Road::Http2, None)], "/ws-test");
        assert_eq!(
            strict.outcome.unwrap().0,
            "echo round trip 1.0 ms; over HTTP/2"
        );
        assert_eq!(check.evidence.common.roads.len(), 1);
    }
}
