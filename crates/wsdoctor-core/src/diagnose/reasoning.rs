//! Conclusions drawn across checks: what one failure means given what else worked.

use std::time::Duration;
use wsdoctor_model::evidence::{Detail, Road, StoreDetail};
use wsdoctor_model::timing::human;
use wsdoctor_model::{Cause, CheckId, Code, Report, Status};

/// Lines for the report's `diagnosis`, most telling first.
pub(crate) fn conclude(report: &Report) -> Vec<String> {
    // A check failed by --require never ran: for reasoning about the target it is a skip.
    let status = |id| {
        report.check(id).map(|c| match &c.failure {
            Some(f) if f.cause == Cause::RequiredCheckSkipped => Status::Skip,
            _ => c.status,
        })
    };
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
    let store = store_lines(report);
    lines.splice(0..0, store);
    if report.codes.contains(&Code::Offline) {
        lines.insert(
            0,
            "This machine is offline: nothing can be concluded about the target until the network is back.".to_string(),
        );
    }
    lines
}

/// The differential diagnosis behind SESSION_INVALID and the validation hang: what the
/// application says about a session, set against what the store itself says.
fn store_lines(report: &Report) -> Vec<String> {
    let Some(store) = report.check(CheckId::Store) else {
        return Vec::new();
    };
    let Some(Detail::Store(detail)) = &store.evidence.detail else {
        return Vec::new();
    };
    let cause = |id| {
        report
            .check(id)
            .and_then(|c| c.failure.as_ref())
            .map(|f| f.cause)
    };
    let store_failed = store.failure.as_ref().map(|f| f.cause);
    let store_answered = matches!(store.status, Status::Pass | Status::Warn)
        || matches!(
            store_failed,
            Some(Cause::SessionExpiredOrNeverCreated | Cause::StoreWrongDatabase)
        );
    let mut lines = Vec::new();

    let said_invalid = [CheckId::Session, CheckId::Terminal]
        .into_iter()
        .any(|id| cause(id) == Some(Cause::SessionInvalid));
    if said_invalid {
        if let Some(key) = &detail.session_key {
            if store_failed == Some(Cause::SessionExpiredOrNeverCreated) {
                lines.push(format!(
                    "The application says the session is invalid and its key {} is not in the store (database {}): the session was never created or has expired; create a new one, and check the TTL the application gives it.",
                    key.key, detail.database
                ));
            } else if key.exists && store.status == Status::Pass {
                let ttl = key
                    .ttl_ms
                    .map(|ms| format!("{} left", human(Duration::from_millis(ms))))
                    .unwrap_or_else(|| "no expiry".to_string());
                lines.push(format!(
                    "The application says the session is invalid, yet its key {} exists in the store (database {}, {ttl}): the application's lookup is wrong — a different key prefix, another database, or another REDIS_URL in the deployment than {}.",
                    key.key, detail.database, detail.store
                ));
            }
        }
    }

    let hung = matches!(
        cause(CheckId::Terminal),
        Some(Cause::ClientTimeout | Cause::ServerTimeout)
    ) || cause(CheckId::Session) == Some(Cause::HttpTimeout);
    if hung {
        match (store_failed, store_answered) {
            (Some(failed), false) => lines.push(format!(
                "The session validation times out and the session store {} from here ({}): the store is the suspect; fix it before the application.",
                store_state(failed, detail),
                failed.as_str()
            )),
            (_, true) => lines.push(format!(
                "The session validation times out while the session store answers fast from here{}: the application's lookup is the suspect — a blocked or queued command, a client stuck reconnecting, a wrong key or database, or another REDIS_URL in the deployment.",
                detail
                    .round_trips
                    .as_ref()
                    .map(|s| format!(" (PING median {:.2} ms)", s.median_ms))
                    .unwrap_or_default()
            )),
            _ => {}
        }
    }

    let said_disconnected = [CheckId::Diagnostics, CheckId::Health]
        .into_iter()
        .any(|id| cause(id) == Some(Cause::StoreDisconnected));
    if said_disconnected {
        if store_answered {
            lines.push(format!(
                "The application says its session store is disconnected, yet the store at {} answers here: the deployment's REDIS_URL, its network path to the store, or its credentials differ from the ones given.",
                detail.store
            ));
        } else if let Some(failed) = store_failed {
            lines.push(format!(
                "The application says its session store is disconnected, and the store {} from here too: the store itself is down or unreachable.",
                store_state(failed, detail)
            ));
        }
    }
    lines
}

/// What a failed store check says about the store, as a predicate.
fn store_state(cause: Cause, detail: &StoreDetail) -> String {
    match cause {
        Cause::StoreSlow => match &detail.round_trips {
            Some(stats) if stats.received > 0 => {
                format!("is slow (PING median {:.2} ms)", stats.median_ms)
            }
            _ => "does not answer in time".to_string(),
        },
        Cause::StoreNotReady => "cannot serve".to_string(),
        Cause::StoreTls => "fails its TLS handshake".to_string(),
        Cause::StoreAuthRefused => "refuses the credentials".to_string(),
        _ => "cannot be reached".to_string(),
    }
}
