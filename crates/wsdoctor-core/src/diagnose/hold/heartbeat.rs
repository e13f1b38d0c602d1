//! The server's own heartbeat, read from the silent socket and measured against the cut.

use super::held::Held;
use std::time::Duration;
use wsdoctor_model::evidence::Heartbeat;
use wsdoctor_model::ms;
use wsdoctor_model::timing::human;

/// The shortest idle timeout in common use (Heroku's router): server heartbeats slower than this
/// are cut somewhere even when this run found no cut.
pub(crate) const SHORTEST_COMMON_IDLE: Duration = Duration::from_secs(55);

/// Reads the server's heartbeats from the silent socket, which only ever answers them.
pub(super) fn heartbeat(
    silent: Option<&Held>,
    hold: Duration,
    ping_interval: Duration,
    cut: Option<Duration>,
) -> Heartbeat {
    let Some(silent) = silent else {
        return Heartbeat {
            pings: 0,
            interval_ms: None,
            often_enough: None,
            note: "no silent socket to observe the server's pings".into(),
        };
    };
    let window = silent.open_for.min(hold);
    let (limit, against) = match cut {
        Some(t) => (t, format!("the cut at {}", human(t))),
        None => (
            SHORTEST_COMMON_IDLE,
            format!(
                "{} (the shortest common idle timeout)",
                human(SHORTEST_COMMON_IDLE)
            ),
        ),
    };
    match (silent.server_pings, silent.server_ping_interval) {
        (0, _) | (_, None) => {
            // No ping in a window at least as long as the limit is a verdict; in a shorter one it
            // is only a fact, since a slower heartbeat may still beat the limit.
            let often_enough = (window >= limit).then_some(false);
            let note = if window >= limit {
                format!(
                    "the server sent no pings in {}: no heartbeat under {against}, so quiet browser sockets depend on every proxy's idle timeout",
                    human(window)
                )
            } else if window > ping_interval {
                format!(
                    "the server sent no pings in {} (a longer --hold would show a slower heartbeat)",
                    human(window)
                )
            } else {
                format!(
                    "the server sent no pings in {} (too short a hold to tell whether it has a heartbeat)",
                    human(window)
                )
            };
            Heartbeat {
                pings: silent.server_pings,
                interval_ms: None,
                often_enough,
                note,
            }
        }
        (pings, Some(interval)) => {
            let ok = interval < limit;
            let note = format!(
                "the server pings every {} ({pings} seen), {} {against}",
                human(interval),
                if ok {
                    "often enough: under"
                } else {
                    "not often enough: not under"
                }
            );
            Heartbeat {
                pings,
                interval_ms: Some(ms(interval)),
                often_enough: Some(ok),
                note,
            }
        }
    }
}
