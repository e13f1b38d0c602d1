//! The hold check: sockets held open to find the idle and lifetime cuts behind most 1006s.
//!
//! Three sockets to the echo path are held side by side for `--hold`: one silent, one sending
//! Ping frames, one sending application messages, on every road the echo worked on (HTTP/2 and
//! HTTP/1.1), since an edge may time the two apart. Which of them die, and when, is read by the
//! diagnosis; this file only opens them, keeps them and records what happened.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::diagnose::hold::{self as reading, Death, Held, RoadReading};
use crate::facts::Inputs;
use crate::probe::ws::{self, Ending, Socket};
use crate::socket::{self, ending_evidence, CLOSE_WAIT};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use std::time::Duration;
use tokio::time::{sleep_until, timeout_at, Instant};
use tokio_tungstenite::tungstenite::{self, Message};
use wsdoctor_model::evidence::{
    ClosedBy, Common, Detail, HeldSocket, HoldDetail, Road, RoadOutcome, RoadReport, Variant,
};
use wsdoctor_model::timing::human;
use wsdoctor_model::{ms, Cause, CheckId};

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Hold, inputs);
    let Some(hold) = ctx.settings.limits.hold else {
        return check.skip("no --hold given");
    };
    let interval = ctx.settings.limits.ping_interval;
    let (url, path) = socket::echo_socket(ctx);
    check.common().url = Some(url.clone());
    let mut detail = HoldDetail {
        hold_ms: ms(hold),
        ping_interval_ms: ms(interval),
        variants: Vec::new(),
        server_heartbeat: None,
        cut_ms: None,
        suspect: None,
    };
    // Every road the echo worked on: an edge may cut one road's sockets and not the other's.
    let roads = match inputs.facts.working_roads.as_slice() {
        [] => vec![socket::echo_road(inputs)],
        roads => roads.to_vec(),
    };
    let dual = roads.len() > 1;
    let plan: Vec<(Road, Variant)> = roads
        .iter()
        .flat_map(|road| VARIANTS.map(|variant| (*road, variant)))
        .collect();
    ctx.log(
        CheckId::Hold,
        format!(
            "Holding {} sockets to {url} for {} (silent, ping and message every {}){}",
            plan.len(),
            humantime::format_duration(hold),
            humantime::format_duration(interval),
            if dual {
                format!(
                    " on each of {}",
                    roads
                        .iter()
                        .map(|r| r.name())
                        .collect::<Vec<_>>()
                        .join(" and ")
                )
            } else {
                String::new()
            }
        ),
    );

    // Open them all first, so a refusal fails the check at once instead of after a hold.
    // Only the first socket's phases become the check's timings; the others use scratch runs.
    let mut scratch: Vec<CheckRun> = plan
        .iter()
        .skip(1)
        .map(|_| CheckRun::start(CheckId::Hold, inputs))
        .collect();
    let (first, rest) = tokio::join!(
        open(ctx, &mut check, inputs, &url, &path, plan[0].0),
        futures_util::future::join_all(
            scratch
                .iter_mut()
                .zip(plan.iter().skip(1))
                .map(|(run, (road, _))| open(ctx, run, inputs, &url, &path, *road))
        ),
    );
    let opened: Vec<_> = std::iter::once(first).chain(rest).collect();
    if opened.iter().any(Result::is_err) {
        let mut failure = None;
        let mut sockets = Vec::new();
        for ((road, variant), result) in plan.iter().zip(opened) {
            match result {
                Ok((socket, _)) => sockets.push(ws::close_normally(socket, CLOSE_WAIT)),
                Err(failed) if failure.is_none() => failure = Some((*road, *variant, failed)),
                Err(_) => {}
            }
        }
        futures_util::future::join_all(sockets).await;
        // The check above guarantees a failure; the fallback only keeps this panic-free.
        let (road, variant, mut failed) = failure.unwrap_or_else(|| {
            (
                plan[0].0,
                Variant::Silent,
                Failed::new(classify::finding(
                    Cause::AbnormalClose,
                    "a socket could not open",
                )),
            )
        });
        let over = if dual {
            format!(" over {}", road.name())
        } else {
            String::new()
        };
        failed.finding.message = format!(
            "the {} socket of the hold{over} could not open: {}",
            variant.as_str(),
            failed.finding.message
        );
        check.detail(Detail::Hold(detail));
        return check.fail(failed);
    }
    // Each road's timings are those of its first socket.
    let road_timings: Vec<_> = (0..roads.len())
        .map(|r| match r * VARIANTS.len() {
            0 => check.timings.clone(),
            i => scratch[i - 1].timings.clone(),
        })
        .collect();

    let held: Vec<Held> =
        futures_util::future::join_all(plan.iter().zip(opened.into_iter().flatten()).map(
            |((road, variant), socket)| {
                keep(ctx, *variant, dual.then_some(*road), socket, hold, interval)
            },
        ))
        .await;
    // Stopped early (Ctrl-C, the deadline): read what was seen over the time actually held.
    let stopped = ctx.stopping();
    let observed = if stopped {
        held.iter().map(|h| h.open_for).max().unwrap_or_default()
    } else {
        hold
    };

    let seen = check.learned.platforms.ids();
    let readings: Vec<RoadReading> = roads
        .iter()
        .zip(held.chunks(VARIANTS.len()))
        .map(|(road, held)| RoadReading {
            road: *road,
            reading: reading::read(held, observed, interval, &path, &seen),
        })
        .collect();
    let read = reading::across_roads(&readings, observed, &path);
    let decisive = &readings[read.decisive].reading;
    let decisive_held = held
        .chunks(VARIANTS.len())
        .nth(read.decisive)
        .unwrap_or_default();

    detail.variants = held
        .iter()
        .zip(&plan)
        .map(|(h, (road, _))| HeldSocket {
            road: dual.then_some(*road),
            ..h.evidence()
        })
        .collect();
    detail.server_heartbeat = Some(decisive.heartbeat.clone());
    detail.cut_ms = decisive.cut.map(ms);
    detail.suspect = decisive.suspect.clone();
    check.detail(Detail::Hold(detail));
    if dual {
        check.common().roads = readings
            .iter()
            .zip(road_timings)
            .map(|(r, timings)| RoadReport {
                road: r.road,
                outcome: match r.reading.finding {
                    Some(_) => RoadOutcome::Fails,
                    None => RoadOutcome::Works,
                },
                summary: r.reading.summary.clone(),
                cause: r.reading.finding.as_ref().map(|f| f.cause),
                timings,
            })
            .collect();
    }
    match read.finding {
        None if stopped => check.warn(
            format!(
                "stopped after {} of {}: {}",
                human(observed),
                human(hold),
                read.summary
            ),
            wsdoctor_model::Notice::of(
                wsdoctor_model::Cause::HoldShortened,
                format!(
                    "the hold was stopped after {} of {}: no socket was cut in that time, which says nothing about the rest",
                    human(observed),
                    human(hold)
                ),
                "run the whole --hold to rule out a longer idle or lifetime cut",
            ),
        ),
        None => check.pass(read.summary),
        Some(finding) => {
            // The deciding socket's ending at the top level, where every renderer looks.
            let mut evidence = Common::default();
            if let Some(death) = decisive
                .decisive
                .and_then(|v| decisive_held.iter().find(|h| h.variant == v))
                .and_then(|h| h.death.as_ref())
            {
                ending_evidence(&mut evidence, &death.ending);
            }
            // A named suspect already carries the platform's advice; the generic platform note
            // would only repeat it.
            let failed = Failed::with_evidence(finding, evidence);
            match decisive.suspect {
                Some(_) => check.fail_plain(failed),
                None => check.fail(failed),
            }
        }
    }
}

/// The three sockets held on each road, side by side.
const VARIANTS: [Variant; 3] = [Variant::Silent, Variant::Ping, Variant::Message];

/// Dials and upgrades one socket; the open instant is taken after the 101, where the proxies'
/// timers start too.
async fn open(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    url: &str,
    path: &str,
    road: Road,
) -> Result<(Socket, Instant), Failed> {
    let opened = socket::open(ctx, check, inputs, (url, path), road)
        .await
        .map_err(|failure| failure.failed)?;
    Ok((opened.socket, Instant::now()))
}

/// How a read or write error ended the socket: the probe's reading of it, plus who ended it.
fn death_from_error(socket: &Socket, error: tungstenite::Error) -> Death {
    let reset = ws::is_reset(&error);
    let ending = ws::error_ending(socket, error).on_http2(socket);
    let closed_by = if reset || matches!(ending, Ending::StreamReset(_) | Ending::GoAway(_)) {
        ClosedBy::ConnectionReset
    } else {
        ClosedBy::Eof
    };
    Death { ending, closed_by }
}

/// Keeps one socket open until it dies or `hold` has passed since it opened, sending its
/// variant's keepalive every `interval`, then closes it with 1000.
///
/// Every await is bounded by the end of the hold, so a server that stops answering cannot stretch
/// the check.
async fn keep(
    ctx: &Ctx,
    variant: Variant,
    road: Option<Road>,
    (mut socket, opened_at): (Socket, Instant),
    hold: Duration,
    interval: Duration,
) -> Held {
    let end = opened_at + hold;
    let keepalive = variant != Variant::Silent && !interval.is_zero();
    let mut next_send = opened_at + interval;
    // The 101 is the last byte the server sent before the hold starts.
    let mut last_byte = opened_at;
    let mut held = Held {
        variant,
        death: None,
        open_for: Duration::ZERO,
        since_last_byte: Duration::ZERO,
        pings_sent: 0,
        messages_sent: 0,
        messages_received: 0,
        server_pings: 0,
        server_ping_interval: None,
    };
    let mut first_ping: Option<Instant> = None;
    let mut last_ping: Option<Instant> = None;
    let death = loop {
        let wake = if keepalive { next_send.min(end) } else { end };
        tokio::select! {
            // Reading is also what answers the server's pings (tungstenite queues the pong and
            // flushes it on the next read), as a browser does.
            frame = socket.next() => {
                let now = Instant::now();
                match frame {
                    Some(Ok(message)) => {
                        last_byte = now;
                        match message {
                            Message::Ping(_) => {
                                held.server_pings += 1;
                                first_ping.get_or_insert(now);
                                last_ping = Some(now);
                            }
                            Message::Text(_) | Message::Binary(_) => held.messages_received += 1,
                            Message::Close(frame) => {
                                break Some(Death {
                                    ending: ws::close_ending(&socket, frame),
                                    closed_by: ClosedBy::ServerCloseFrame,
                                });
                            }
                            Message::Pong(_) | Message::Frame(_) => {}
                        }
                    }
                    Some(Err(e)) => break Some(death_from_error(&socket, e)),
                    None => {
                        let ending = Ending::Abnormal("the connection ended without a close frame".into())
                            .on_http2(&socket);
                        let closed_by = match ending {
                            // An HTTP/2 edge's cut: what a TCP reset is to HTTP/1.1.
                            Ending::StreamReset(_) | Ending::GoAway(_) => ClosedBy::ConnectionReset,
                            _ => ClosedBy::Eof,
                        };
                        break Some(Death { ending, closed_by });
                    }
                }
            }
            () = ctx.stopped() => break None,
            () = sleep_until(wake) => {
                if Instant::now() >= end {
                    break None;
                }
                let frame = match variant {
                    Variant::Ping => Message::Ping(Bytes::from(
                        format!("wsdoctor-{}", held.pings_sent + 1).into_bytes(),
                    )),
                    _ => Message::text(
                        json!({"type": "wsdoctor-keepalive", "n": held.messages_sent + 1})
                            .to_string(),
                    ),
                };
                match timeout_at(end, socket.send(frame)).await {
                    // The hold ended while a write was stuck: it ends as held, not as a death.
                    Err(_) => break None,
                    Ok(Err(e)) => break Some(death_from_error(&socket, e)),
                    Ok(Ok(())) => match variant {
                        Variant::Ping => held.pings_sent += 1,
                        _ => held.messages_sent += 1,
                    },
                }
                // After a stall, carry on from now rather than firing a burst to catch up.
                next_send = (next_send + interval).max(Instant::now());
            }
        }
    };
    let now = Instant::now();
    held.open_for = now.duration_since(opened_at);
    held.since_last_byte = now.duration_since(last_byte);
    held.server_ping_interval = match (held.server_pings, first_ping, last_ping) {
        (0, _, _) => None,
        (1, Some(first), _) => Some(first.duration_since(opened_at)),
        (n, Some(first), Some(last)) => Some(last.duration_since(first) / (n - 1)),
        _ => None,
    };
    let over = road
        .map(|r| format!(" over {}", r.name()))
        .unwrap_or_default();
    match &death {
        Some(d) => ctx.log(
            CheckId::Hold,
            format!(
                "The {} socket{over} died after {} ({}, {} since the last byte)",
                variant.as_str(),
                human(held.open_for),
                d.closed_by.as_str(),
                human(held.since_last_byte)
            ),
        ),
        None => ctx.log(
            CheckId::Hold,
            format!(
                "The {} socket{over} was held {}; closing with 1000",
                variant.as_str(),
                human(held.open_for)
            ),
        ),
    }
    held.death = death;
    if !ctx.stopping() {
        ws::close_normally(socket, CLOSE_WAIT).await;
    }
    held
}
