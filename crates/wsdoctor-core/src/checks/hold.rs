//! The hold check: sockets held open to find the idle and lifetime cuts behind most 1006s.
//!
//! Three sockets to the echo path are held side by side for `--hold`: one silent, one sending
//! Ping frames, one sending application messages, on every road the echo worked on (HTTP/2 and
//! HTTP/1.1), since an edge may time the two apart. Which of them die, and when, is read by the
//! diagnosis; this file only opens them, keeps them and records what happened.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::hold::roads::{self as across, RoadReading};
use crate::diagnose::hold::verdict::{self, Verdict};
use crate::diagnose::hold::{self as reading, Death, Held};
use crate::facts::Inputs;
use crate::probe::ws::{self, Ending, Socket};
use crate::socket::{self, ending_evidence, CLOSE_WAIT};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use std::ops::ControlFlow;
use std::time::Duration;
use tokio::time::{sleep_until, timeout_at, Instant};
use tokio_tungstenite::tungstenite::{self, Message};
use wsdoctor_model::evidence::{ClosedBy, Common, Detail, HeldSocket, HoldDetail, Road, Variant};
use wsdoctor_model::timing::{human, Timings};
use wsdoctor_model::{ms, CheckId};

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Hold, inputs);
    let Some(hold) = ctx.settings.limits.hold else {
        return check.skip("no --hold given");
    };
    let interval = ctx.settings.limits.ping_interval;
    let (url, path) = socket::echo_socket(ctx);
    check.common().url = Some(url.clone());
    let detail = HoldDetail {
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
    let plan = Plan {
        sockets: roads
            .iter()
            .flat_map(|road| VARIANTS.map(|variant| (*road, variant)))
            .collect(),
        dual: roads.len() > 1,
        roads,
        url,
        path,
        hold,
        interval,
    };
    plan.announce(ctx);
    let (opened, road_timings) = match open_all(ctx, &mut check, inputs, &plan).await {
        Ok(opened) => opened,
        Err(failed) => {
            check.detail(Detail::Hold(detail));
            return check.fail(failed);
        }
    };
    let held: Vec<Held> = futures_util::future::join_all(plan.sockets.iter().zip(opened).map(
        |((road, variant), socket)| {
            keep(
                ctx,
                *variant,
                plan.dual.then_some(*road),
                socket,
                hold,
                interval,
            )
        },
    ))
    .await;
    conclude(ctx, check, &plan, detail, &held, road_timings)
}

/// The three sockets held on each road, side by side.
const VARIANTS: [Variant; 3] = [Variant::Silent, Variant::Ping, Variant::Message];

/// What the hold holds: which sockets, where, for how long.
struct Plan {
    /// Every road the hold runs on, the browser's first.
    roads: Vec<Road>,
    /// One entry per socket: its road and variant, road by road in [`VARIANTS`] order.
    sockets: Vec<(Road, Variant)>,
    /// Whether there is more than one road, so messages must name it.
    dual: bool,
    url: String,
    path: String,
    hold: Duration,
    interval: Duration,
}

impl Plan {
    fn announce(&self, ctx: &Ctx) {
        ctx.log(
            CheckId::Hold,
            format!(
                "Holding {} sockets to {} for {} (silent, ping and message every {}){}",
                self.sockets.len(),
                self.url,
                humantime::format_duration(self.hold),
                humantime::format_duration(self.interval),
                if self.dual {
                    format!(
                        " on each of {}",
                        self.roads
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
    }
}

/// Opens every socket of the plan first, so a refusal fails the check at once instead of after a
/// hold. Only the first socket's phases become the check's timings; the others use scratch runs.
/// Returns the sockets in plan order and each road's timings (those of its first socket).
async fn open_all(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    plan: &Plan,
) -> Result<(Vec<(Socket, Instant)>, Vec<Timings>), Failed> {
    let (url, path) = (plan.url.as_str(), plan.path.as_str());
    let mut scratch: Vec<CheckRun> = plan
        .sockets
        .iter()
        .skip(1)
        .map(|_| CheckRun::start(CheckId::Hold, inputs))
        .collect();
    let (first, rest) = tokio::join!(
        open(ctx, check, inputs, url, path, plan.sockets[0].0),
        futures_util::future::join_all(
            scratch
                .iter_mut()
                .zip(plan.sockets.iter().skip(1))
                .map(|(run, (road, _))| open(ctx, run, inputs, url, path, *road))
        ),
    );
    let opened: Vec<_> = std::iter::once(first).chain(rest).collect();
    if opened.iter().any(Result::is_err) {
        return Err(close_all_but_failure(plan, opened).await);
    }
    let road_timings = (0..plan.roads.len())
        .map(|r| match r * VARIANTS.len() {
            0 => check.timings.clone(),
            i => scratch[i - 1].timings.clone(),
        })
        .collect();
    Ok((opened.into_iter().flatten().collect(), road_timings))
}

/// Closes the sockets that did open and returns the first failure, naming its socket.
async fn close_all_but_failure(
    plan: &Plan,
    opened: Vec<Result<(Socket, Instant), Failed>>,
) -> Failed {
    let mut failure = None;
    let mut sockets = Vec::new();
    for ((road, variant), result) in plan.sockets.iter().zip(opened) {
        match result {
            Ok((socket, _)) => sockets.push(ws::close_normally(socket, CLOSE_WAIT)),
            Err(failed) if failure.is_none() => failure = Some((*road, *variant, failed)),
            Err(_) => {}
        }
    }
    futures_util::future::join_all(sockets).await;
    // The caller saw a failure; the fallback only keeps this panic-free.
    let (road, variant, mut failed) = failure.unwrap_or_else(|| {
        (
            plan.sockets[0].0,
            Variant::Silent,
            Failed::new(verdict::unopened_unknown()),
        )
    });
    failed.finding = verdict::unopened(failed.finding, variant, plan.dual.then_some(road));
    failed
}

/// Reads what the held sockets saw, road by road, and reports it.
fn conclude(
    ctx: &Ctx,
    mut check: CheckRun,
    plan: &Plan,
    mut detail: HoldDetail,
    held: &[Held],
    road_timings: Vec<Timings>,
) -> Output {
    // Stopped early (Ctrl-C, the deadline): read what was seen over the time actually held.
    let stopped = ctx.stopping();
    let observed = if stopped {
        held.iter().map(|h| h.open_for).max().unwrap_or_default()
    } else {
        plan.hold
    };
    let seen = check.learned.platforms.ids();
    let readings: Vec<RoadReading> = plan
        .roads
        .iter()
        .zip(held.chunks(VARIANTS.len()))
        .map(|(road, held)| RoadReading {
            road: *road,
            reading: reading::read(held, observed, plan.interval, &plan.path, &seen),
        })
        .collect();
    let read = across::across_roads(&readings, observed, &plan.path);
    let decisive = &readings[read.decisive].reading;
    let decisive_held = held
        .chunks(VARIANTS.len())
        .nth(read.decisive)
        .unwrap_or_default();

    detail.variants = held
        .iter()
        .zip(&plan.sockets)
        .map(|(h, (road, _))| HeldSocket {
            road: plan.dual.then_some(*road),
            ..h.evidence()
        })
        .collect();
    detail.server_heartbeat = Some(decisive.heartbeat.clone());
    detail.cut_ms = decisive.cut.map(ms);
    detail.suspect = decisive.suspect.clone();
    check.detail(Detail::Hold(detail));
    if plan.dual {
        check.common().roads = readings
            .iter()
            .zip(road_timings)
            .map(|(r, timings)| verdict::road_report(r, timings))
            .collect();
    }
    let deciding_death = decisive
        .decisive
        .and_then(|v| decisive_held.iter().find(|h| h.variant == v))
        .and_then(|h| h.death.as_ref());
    match verdict::verdict(read, decisive, stopped, observed, plan.hold) {
        Verdict::Shortened { summary, notice } => check.warn(summary, notice),
        Verdict::Pass(summary) => check.pass(summary),
        Verdict::Fails {
            finding,
            platform_note,
        } => {
            // The deciding socket's ending at the top level, where every renderer looks.
            let mut evidence = Common::default();
            if let Some(death) = deciding_death {
                ending_evidence(&mut evidence, &death.ending);
            }
            let failed = Failed::with_evidence(finding, evidence);
            if platform_note {
                check.fail(failed)
            } else {
                check.fail_plain(failed)
            }
        }
    }
}

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
    let mut keeping = Keeping::new(variant, opened_at, hold, interval);
    let death = loop {
        let step = tokio::select! {
            // Reading is also what answers the server's pings (tungstenite queues the pong and
            // flushes it on the next read), as a browser does.
            frame = socket.next() => keeping.received(&socket, frame),
            () = ctx.stopped() => ControlFlow::Break(None),
            () = sleep_until(keeping.wake()) => keeping.send_keepalive(&mut socket).await,
        };
        if let ControlFlow::Break(death) = step {
            break death;
        }
    };
    let held = keeping.ended(death);
    log_ending(ctx, &held, road);
    if !ctx.stopping() {
        ws::close_normally(socket, CLOSE_WAIT).await;
    }
    held
}

/// One held socket's state while it is kept: what it has seen so far, and when to send next.
struct Keeping {
    held: Held,
    opened_at: Instant,
    /// The end of the hold.
    end: Instant,
    interval: Duration,
    /// Whether this variant sends keepalives at all.
    keepalive: bool,
    next_send: Instant,
    last_byte: Instant,
    first_ping: Option<Instant>,
    last_ping: Option<Instant>,
}

/// Carry on keeping, or stop: with the socket's death, or `None` when it was held to the end.
type Step = ControlFlow<Option<Death>>;

impl Keeping {
    fn new(variant: Variant, opened_at: Instant, hold: Duration, interval: Duration) -> Keeping {
        Keeping {
            held: Held {
                variant,
                death: None,
                open_for: Duration::ZERO,
                since_last_byte: Duration::ZERO,
                pings_sent: 0,
                messages_sent: 0,
                messages_received: 0,
                server_pings: 0,
                server_ping_interval: None,
            },
            opened_at,
            end: opened_at + hold,
            interval,
            keepalive: variant != Variant::Silent && !interval.is_zero(),
            next_send: opened_at + interval,
            // The 101 is the last byte the server sent before the hold starts.
            last_byte: opened_at,
            first_ping: None,
            last_ping: None,
        }
    }

    /// When to wake up without a frame: the next keepalive, or the end of the hold.
    fn wake(&self) -> Instant {
        if self.keepalive {
            self.next_send.min(self.end)
        } else {
            self.end
        }
    }

    /// Counts what the server sent; a close or the end of the stream is the socket's death.
    fn received(
        &mut self,
        socket: &Socket,
        frame: Option<Result<Message, tungstenite::Error>>,
    ) -> Step {
        let now = Instant::now();
        match frame {
            Some(Ok(message)) => {
                self.last_byte = now;
                match message {
                    Message::Ping(_) => {
                        self.held.server_pings += 1;
                        self.first_ping.get_or_insert(now);
                        self.last_ping = Some(now);
                    }
                    Message::Text(_) | Message::Binary(_) => self.held.messages_received += 1,
                    Message::Close(frame) => {
                        return ControlFlow::Break(Some(Death {
                            ending: ws::close_ending(socket, frame),
                            closed_by: ClosedBy::ServerCloseFrame,
                        }));
                    }
                    Message::Pong(_) | Message::Frame(_) => {}
                }
                ControlFlow::Continue(())
            }
            Some(Err(e)) => ControlFlow::Break(Some(death_from_error(socket, e))),
            None => {
                let ending = Ending::Abnormal("the connection ended without a close frame".into())
                    .on_http2(socket);
                let closed_by = match ending {
                    // An HTTP/2 edge's cut: what a TCP reset is to HTTP/1.1.
                    Ending::StreamReset(_) | Ending::GoAway(_) => ClosedBy::ConnectionReset,
                    _ => ClosedBy::Eof,
                };
                ControlFlow::Break(Some(Death { ending, closed_by }))
            }
        }
    }

    /// Sends the variant's keepalive when one is due; the end of the hold stops the keeping.
    async fn send_keepalive(&mut self, socket: &mut Socket) -> Step {
        if Instant::now() >= self.end {
            return ControlFlow::Break(None);
        }
        let variant = self.held.variant;
        let frame = match variant {
            Variant::Ping => Message::Ping(Bytes::from(
                format!("wsdoctor-{}", self.held.pings_sent + 1).into_bytes(),
            )),
            _ => Message::text(
                json!({"type": "wsdoctor-keepalive", "n": self.held.messages_sent + 1}).to_string(),
            ),
        };
        match timeout_at(self.end, socket.send(frame)).await {
            // The hold ended while a write was stuck: it ends as held, not as a death.
            Err(_) => return ControlFlow::Break(None),
            Ok(Err(e)) => return ControlFlow::Break(Some(death_from_error(socket, e))),
            Ok(Ok(())) => match variant {
                Variant::Ping => self.held.pings_sent += 1,
                _ => self.held.messages_sent += 1,
            },
        }
        // After a stall, carry on from now rather than firing a burst to catch up.
        self.next_send = (self.next_send + self.interval).max(Instant::now());
        ControlFlow::Continue(())
    }

    /// What the socket saw, from its open to `death` or the end of the hold.
    fn ended(mut self, death: Option<Death>) -> Held {
        let now = Instant::now();
        let held = &mut self.held;
        held.open_for = now.duration_since(self.opened_at);
        held.since_last_byte = now.duration_since(self.last_byte);
        held.server_ping_interval = match (held.server_pings, self.first_ping, self.last_ping) {
            (0, _, _) => None,
            (1, Some(first), _) => Some(first.duration_since(self.opened_at)),
            (n, Some(first), Some(last)) => Some(last.duration_since(first) / (n - 1)),
            _ => None,
        };
        held.death = death;
        self.held
    }
}

fn log_ending(ctx: &Ctx, held: &Held, road: Option<Road>) {
    let over = road
        .map(|r| format!(" over {}", r.name()))
        .unwrap_or_default();
    match &held.death {
        Some(d) => ctx.log(
            CheckId::Hold,
            format!(
                "The {} socket{over} died after {} ({}, {} since the last byte)",
                held.variant.as_str(),
                human(held.open_for),
                d.closed_by.as_str(),
                human(held.since_last_byte)
            ),
        ),
        None => ctx.log(
            CheckId::Hold,
            format!(
                "The {} socket{over} was held {}; closing with 1000",
                held.variant.as_str(),
                human(held.open_for)
            ),
        ),
    }
}
