//! The echo check: the `/ws-test` socket, send JSON, expect `{"type":"echo","received":<same>}`
//! (or the message itself back, from a plain echo server),
//! with the web client's bounded retries; `--count` makes it a series with statistics.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::latency;
use crate::probe::ws::{self, Ending};
use crate::socket::roads::{self, Gate};
use crate::socket::{
    self, close_code, ending_evidence, AttemptFailure, Compared, Road, RoadRun, Summarised,
    CLOSE_WAIT,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use wsdoctor_model::evidence::{Common, Detail, EchoDetail, LatencyStats, TargetKind};
use wsdoctor_model::{Cause, CheckId, Notice, Phase};

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Echo, inputs);
    let (url, path) = socket::echo_socket(ctx);
    check.common().url = Some(url.clone());
    if let Err(failed) = socket::validate_url(&url) {
        return check.fail_plain(failed);
    }
    // A base URL's echo path, or a socket URL at the echo path, must answer the echo contract; any
    // other socket URL is a plain socket that may or may not echo.
    let target = &ctx.settings.target;
    let strict = target.kind() == TargetKind::Http
        || target.url().path().trim_end_matches('/') == ctx.settings.paths.echo;
    let roads = socket::roads(ctx, inputs);
    let dual = roads.len() > 1;
    let (url_ref, path_ref) = (url.as_str(), path.as_str());
    let runs = roads::side_by_side(ctx, CheckId::Echo, &roads, |road, gate| {
        on_road(ctx, inputs, (url_ref, path_ref), strict, road, dual, gate)
    })
    .await;
    let Compared {
        outcome,
        warning: recovered,
    } = socket::compare(&mut check, runs, &path);
    match outcome {
        Ok(result) => {
            check.learned.open_paths.push(path.clone());
            if let Some(rtt) = result.round_trip {
                check.phase(ctx, Phase::EchoRoundTrip, rtt);
            }
            check.common().reply = result.reply;
            let lost = result.stats.as_ref().map(|s| s.loss_percent).unwrap_or(0.0);
            if result.stats.is_some() {
                check.detail(Detail::Echo(EchoDetail {
                    round_trips: result.stats,
                }));
            }
            if let Some(notice) = recovered {
                return check.warn(result.summary, notice);
            }
            if lost > 0.0 {
                return check.warn(
                    result.summary,
                    Notice::of(
                        Cause::EchoLoss,
                        format!(
                            "{lost}% of the echo round trips got no (or a wrong) answer in time"
                        ),
                        "look for a proxy or server dropping or reordering frames under load",
                    ),
                );
            }
            check.pass(result.summary)
        }
        Err(failed) => check.fail(failed),
    }
}

/// The echo's attempts on one road, with the web client's bounded retries.
async fn on_road(
    ctx: &Ctx,
    inputs: &Inputs,
    (url, path): (&str, &str),
    strict: bool,
    road: Road,
    dual: bool,
    gate: Gate,
) -> RoadRun<EchoResult> {
    socket::run_road(
        ctx,
        inputs,
        CheckId::Echo,
        (url, path),
        road,
        dual,
        |mut check| {
            let gate = gate.clone();
            async move {
                let result =
                    attempt(ctx, &mut check, inputs, (url, path), strict, (road, &gate)).await;
                (check, result)
            }
        },
    )
    .await
}

/// What a successful attempt saw.
struct EchoResult {
    summary: String,
    round_trip: Option<Duration>,
    reply: Option<String>,
    stats: Option<LatencyStats>,
}

impl Summarised for EchoResult {
    fn summary(&self) -> &str {
        &self.summary
    }

    fn summary_mut(&mut self) -> &mut String {
        &mut self.summary
    }
}

/// How a socket's ending fails an attempt.
fn ended(ending: Ending, path: &str, seen: usize, open_for: Duration) -> AttemptFailure {
    let mut evidence = Common::default();
    ending_evidence(&mut evidence, &ending);
    AttemptFailure {
        close_code: close_code(&ending),
        failed: Failed::with_evidence(classify::ending(&ending, path, seen, open_for), evidence),
    }
}

async fn attempt(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    (url, path): (&str, &str),
    strict: bool,
    (road, gate): (Road, &Gate),
) -> Result<(EchoResult, String), AttemptFailure> {
    let opened = socket::open(ctx, check, inputs, (url, path), road).await?;
    let mut socket = opened.socket;
    let opened_at = Instant::now();
    let nonce = format!("{:016x}", fastrand::u64(..));
    let probe = json!({"type": "wsdoctor", "nonce": nonce, "test": "message"});
    let sent_at = Instant::now();
    let limits = ctx.settings.limits;
    let timeout = check.wait_at_most(limits.ws_timeout);
    let mut pings = 0;
    if let Err(ending) = ws::send_text(&mut socket, &probe.to_string(), timeout).await {
        return Err(ended(ending, path, 0, opened_at.elapsed()));
    }
    let wait = if strict {
        timeout
    } else {
        // Not an echo server: the wait for a reply that may never come is the observation
        // window, which the other road's socket may spend beside this one.
        gate.open();
        limits.observe.min(timeout)
    };
    let reply = ws::next_message(&mut socket, wait, opened_at, &mut pings).await;
    let round_trip = sent_at.elapsed();
    let result = match reply {
        Err(Ending::StillOpen) if !strict => EchoResult {
            summary: format!(
                "socket open; no reply to a JSON message within {} (not an echo server)",
                humantime::format_duration(wait)
            ),
            round_trip: None,
            reply: None,
            stats: None,
        },
        Err(ending) => return Err(ended(ending, path, 0, opened_at.elapsed())),
        Ok(message) => {
            let parsed: Option<Value> = serde_json::from_str(&message.text).ok();
            let envelope = parsed
                .as_ref()
                .is_some_and(|v| v.get("type").and_then(Value::as_str) == Some("echo"));
            let is_echo = envelope
                && parsed
                    .as_ref()
                    .is_some_and(|v| v.get("received") == Some(&probe));
            // A plain echo server sends the message back as it came: that is an echo however
            // the server was addressed (base URL or socket URL), or the same server would get
            // opposite verdicts. A reply in the envelope is still held to the envelope.
            let is_plain_echo = !envelope && parsed.as_ref() == Some(&probe);
            let reply = classify::excerpt(&ctx.redactor, message.text.as_bytes());
            if is_echo {
                let count = limits.echo_count;
                let mut summary = format!(
                    "echo round trip {:.1} ms",
                    round_trip.as_secs_f64() * 1000.0
                );
                let mut stats = None;
                if count > 1 {
                    let mut series = latency::Series::new();
                    series.record(Some(round_trip));
                    let ending = series_of(
                        &mut socket,
                        &nonce,
                        count - 1,
                        timeout,
                        opened_at,
                        &mut pings,
                        &mut series,
                    )
                    .await;
                    if let Some(ending) = ending {
                        let seen = usize::try_from(series.sent()).unwrap_or(usize::MAX);
                        return Err(ended(ending, path, seen, opened_at.elapsed()));
                    }
                    let computed = series.stats();
                    summary = computed.summary();
                    stats = Some(computed);
                }
                EchoResult {
                    summary,
                    round_trip: Some(round_trip),
                    reply: Some(reply),
                    stats,
                }
            } else if is_plain_echo {
                EchoResult {
                    summary: format!(
                        "echoed in {:.1} ms (a plain echo server)",
                        round_trip.as_secs_f64() * 1000.0
                    ),
                    round_trip: Some(round_trip),
                    reply: Some(reply),
                    stats: None,
                }
            } else if socket::is_error_message(&message.text) {
                // An error in answer is the server saying something is wrong, at any socket:
                // not "answered, not an echo server", and not a mismatch hiding the error.
                let finding = classify::finding(
                    Cause::ServerError,
                    format!("{path} answered with an error: {reply}"),
                );
                ws::close_normally(socket, CLOSE_WAIT).await;
                let evidence = Common {
                    reply: Some(reply),
                    ..Common::default()
                };
                return Err(Failed::with_evidence(finding, evidence).into());
            } else if strict || envelope {
                let finding = classify::finding(
                    Cause::EchoMismatch,
                    format!("{path} answered {reply} instead of the echo of what was sent"),
                );
                ws::close_normally(socket, CLOSE_WAIT).await;
                let evidence = Common {
                    reply: Some(reply),
                    ..Common::default()
                };
                return Err(Failed::with_evidence(finding, evidence).into());
            } else {
                EchoResult {
                    summary: format!(
                        "socket answered in {:.1} ms (not an echo server)",
                        round_trip.as_secs_f64() * 1000.0
                    ),
                    round_trip: Some(round_trip),
                    reply: Some(reply),
                    stats: None,
                }
            }
        }
    };
    socket::record_http2(ctx, check, &socket);
    ws::close_normally(socket, CLOSE_WAIT).await;
    let summary = result.summary.clone();
    Ok((result, summary))
}

/// `more` further echo round trips on an open socket, one at a time; a missing or wrong answer
/// counts as lost. Returns how the socket ended, if it did.
async fn series_of(
    socket: &mut ws::Socket,
    nonce: &str,
    more: u32,
    timeout: Duration,
    opened_at: Instant,
    pings: &mut u32,
    series: &mut latency::Series,
) -> Option<Ending> {
    for seq in 1..=more {
        let probe = json!({"type": "wsdoctor", "nonce": nonce, "seq": seq});
        let sent_at = Instant::now();
        if let Err(ending) = ws::send_text(socket, &probe.to_string(), timeout).await {
            return Some(ending);
        }
        // Replies to earlier, late messages are skipped until ours arrives or time runs out.
        let deadline = sent_at + timeout;
        let mut answered = None;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            match ws::next_message(socket, wait, opened_at, pings).await {
                Ok(message) => {
                    let matches = serde_json::from_str::<Value>(&message.text)
                        .ok()
                        .is_some_and(|v| v.get("received") == Some(&probe));
                    if matches {
                        answered = Some(sent_at.elapsed());
                        break;
                    }
                }
                Err(Ending::StillOpen) => break,
                Err(ending) => return Some(ending),
            }
        }
        series.record(answered);
    }
    None
}
