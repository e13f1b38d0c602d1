//! Conclusions drawn across checks: what one failure means given what else worked.

use wsdoctor_model::evidence::Road;
use wsdoctor_model::{Cause, CheckId, Code, Report, Status};

/// Lines for the report's `diagnosis`, most telling first.
pub(crate) fn conclude(report: &Report) -> Vec<String> {
    let status = |id| report.check(id).map(|c| c.status);
    let failure_code = |id| {
        report
            .check(id)
            .and_then(|c| c.failure.as_ref())
            .map(|f| f.code)
    };
    let passed = |id| matches!(status(id), Some(Status::Pass | Status::Warn));
    let mut lines = Vec::new();

    let failure_cause = |id| {
        report
            .check(id)
            .and_then(|c| c.failure.as_ref())
            .map(|f| f.cause)
    };
    let socket_causes: Vec<Cause> = [CheckId::Echo, CheckId::Terminal]
        .into_iter()
        .filter_map(failure_cause)
        .collect();
    let http2_cause = socket_causes.iter().find(|c| {
        matches!(
            c,
            Cause::ExtendedConnectDisabled
                | Cause::H2ConnectRefused
                | Cause::H2StreamReset
                | Cause::H2Goaway
        )
    });
    let works_over_http1 = [CheckId::Echo, CheckId::Terminal].into_iter().any(|id| {
        report.check(id).is_some_and(|c| {
            c.evidence.common.roads.iter().any(|r| {
                r.road == Road::Http1 && r.outcome == wsdoctor_model::evidence::RoadOutcome::Works
            })
        })
    });
    match http2_cause {
        Some(Cause::ExtendedConnectDisabled) => lines.push(
            "The listener speaks only HTTP/2 and does not enable extended CONNECT (RFC 8441): no browser can open a WebSocket on it. Enable extended CONNECT on the edge, or let it speak HTTP/1.1 too.".to_string(),
        ),
        Some(_) if works_over_http1 => lines.push(
            "WebSockets work over HTTP/1.1 but fail over HTTP/2, which the server announces: browsers that already hold an HTTP/2 connection to this origin (a page loaded from it, an earlier fetch) take the road that fails.".to_string(),
        ),
        _ => {}
    }
    let upgrade_refused = [CheckId::Echo, CheckId::Terminal].into_iter().any(|id| {
        matches!(
            failure_code(id),
            Some(Code::UpgradeRejected | Code::AwsAppRunnerError)
        )
    });
    if passed(CheckId::Health) && upgrade_refused && http2_cause.is_none() {
        let via = report
            .platform
            .as_ref()
            .map(|p| format!(" ({})", p.name()))
            .unwrap_or_default();
        lines.push(format!(
            "Plain HTTP reaches the application but the WebSocket upgrade is refused: a proxy or the platform in front of the app{via} is not carrying the upgrade."
        ));
    }
    if passed(CheckId::Echo) && status(CheckId::Terminal) == Some(Status::Fail) {
        lines.push(
            "The echo socket works but the terminal fails: the network path carries WebSockets; look at the application's terminal handler or its session store.".to_string(),
        );
    }
    if status(CheckId::Session) == Some(Status::Fail)
        && failure_code(CheckId::Session) == Some(Code::SessionInvalid)
    {
        lines.push(
            "The session endpoint does not know this session, so the terminal was not tried: create a new session or check the session store.".to_string(),
        );
    }
    if status(CheckId::Health) == Some(Status::Fail) && passed(CheckId::Echo) {
        lines.push(
            "The health endpoint fails while WebSockets work: the health check itself, or a dependency it reports, is the problem.".to_string(),
        );
    }
    if report.codes.contains(&Code::Offline) {
        lines.insert(
            0,
            "This machine is offline: nothing can be concluded about the target until the network is back.".to_string(),
        );
    }
    lines
}
