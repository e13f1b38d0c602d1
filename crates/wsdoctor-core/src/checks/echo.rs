//! The echo check: the `/ws-test` socket, send JSON, expect `{"type":"echo","received":<same>}`
//! (or the message itself back, from a plain echo server),
//! with the web client's bounded retries; `--count` makes it a series with statistics.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::diagnose::echo::{self as judge, Reply};
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
use wsdoctor_model::{CheckId, Phase};

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
            match judge::loss(lost) {
                Some(notice) => check.warn(result.summary, notice),
                None => check.pass(result.summary),
            }
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
    let message = match reply {
        Ok(message) => message,
        Err(Ending::StillOpen) if !strict => {
            let result = EchoResult {
                summary: judge::silent(wait),
                round_trip: None,
                reply: None,
                stats: None,
            };
            return Ok(finish(ctx, check, socket, result).await);
        }
        Err(ending) => return Err(ended(ending, path, 0, opened_at.elapsed())),
    };
    let error = socket::is_error_message(&message.text);
    let reply = judge::read_reply(&message.text, &probe, strict, error);
    let excerpt = classify::excerpt(&ctx.redactor, message.text.as_bytes());
    if let Some(finding) = judge::failure(reply, path, &excerpt) {
        ws::close_normally(socket, CLOSE_WAIT).await;
        let evidence = Common {
            reply: Some(excerpt),
            ..Common::default()
        };
        return Err(Failed::with_evidence(finding, evidence).into());
    }
    let mut result = EchoResult {
        summary: judge::summary(reply, round_trip),
        round_trip: Some(round_trip),
        reply: Some(excerpt),
        stats: None,
    };
    let count = limits.echo_count;
    if reply == Reply::Echo && count > 1 {
        let mut series = latency::Series::new();
        series.record(Some(round_trip));
        let exchange = Exchange {
            nonce: &nonce,
            timeout,
            opened_at,
        };
        if let Some(ending) =
            series_of(&mut socket, &exchange, count - 1, &mut pings, &mut series).await
        {
            let seen = usize::try_from(series.sent()).unwrap_or(usize::MAX);
            return Err(ended(ending, path, seen, opened_at.elapsed()));
        }
        let computed = series.stats();
        result.summary = computed.summary();
        result.stats = Some(computed);
    }
    Ok(finish(ctx, check, socket, result).await)
}

/// A successful attempt's end: the road it took recorded, the socket closed.
async fn finish(
    ctx: &Ctx,
    check: &mut CheckRun,
    socket: ws::Socket,
    result: EchoResult,
) -> (EchoResult, String) {
    socket::record_http2(ctx, check, &socket);
    ws::close_normally(socket, CLOSE_WAIT).await;
    let summary = result.summary.clone();
    (result, summary)
}

/// What every round trip of a series shares.
struct Exchange<'a> {
    nonce: &'a str,
    timeout: Duration,
    opened_at: Instant,
}

/// `more` further echo round trips on an open socket, one at a time; a missing or wrong answer
/// counts as lost. Returns how the socket ended, if it did.
async fn series_of(
    socket: &mut ws::Socket,
    exchange: &Exchange<'_>,
    more: u32,
    pings: &mut u32,
    series: &mut latency::Series,
) -> Option<Ending> {
    let Exchange {
        nonce,
        timeout,
        opened_at,
    } = *exchange;
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
