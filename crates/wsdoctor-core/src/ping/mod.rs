//! `wsdoctor ping`: round trips on one socket over time. The socket is opened as the echo check
//! opens it (DNS, TCP, proxy, TLS, the HTTP/1.1 or HTTP/2 road, the run's headers and Origin);
//! a cut socket is classified as `check` classifies an ending, then reopened with backoff, a
//! bounded number of times in a row.

mod pattern;
mod session;
mod stats;
mod wire;

use crate::checks::{dns, CheckRun};
use crate::context::Ctx;
use crate::facts::Inputs;
use crate::probe::ws;
use crate::redact::Redactor;
use crate::settings::Settings;
use crate::socket;
use crate::socket::retry::backoff;
use session::End;
use stats::Tally;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use wsdoctor_model::ping::{
    Cut, PingEvent, PingMode, PingSummary, Reconnect, Sample, SampleStatus, CUTS_LISTED,
    PING_SCHEMA,
};
use wsdoctor_model::{CheckId, Code, Finding, Verdict};

/// How a ping run measures.
#[derive(Debug, Clone, Copy)]
pub struct PingOptions {
    /// Ping frames or echo messages.
    pub mode: PingMode,
    /// Time between the sending of two samples; zero sends the next as soon as one is answered.
    pub interval: Duration,
    /// Samples to take; `None` runs until stopped.
    pub count: Option<u64>,
    /// How long a sample may wait for its answer before it counts as lost.
    pub sample_timeout: Duration,
    /// New sockets tried in a row, after a cut, without a sample answered in between.
    pub max_reconnects: u32,
    /// The first delay before a new socket; it doubles (capped at 8 s) with jitter.
    pub reconnect_delay: Duration,
}

/// The most samples in flight at once (an interval far below the sample timeout).
const MAX_IN_FLIGHT: usize = 1024;

/// What a run has counted so far, and where its events go.
pub(crate) struct State<'a> {
    options: PingOptions,
    started: Instant,
    tally: Tally,
    late: u64,
    unmatched: u64,
    next_seq: u64,
    envelope: Option<bool>,
    cuts: u64,
    cut_causes: BTreeMap<String, u64>,
    cut_list: Vec<Cut>,
    reconnects: u64,
    http_version: Option<String>,
    redactor: Redactor,
    events: &'a mut (dyn FnMut(PingEvent) + Send),
}

impl State<'_> {
    /// Whether every sample asked for has been sent.
    fn all_sent(&self) -> bool {
        self.options
            .count
            .is_some_and(|count| self.next_seq > count)
    }

    /// The next sample's sequence number (1-based).
    fn take_seq(&mut self) -> u64 {
        let seq = self.next_seq.max(1);
        self.next_seq = seq + 1;
        seq
    }

    fn in_flight_cap(&self) -> usize {
        if self.options.interval.is_zero() {
            return 1;
        }
        let per = self.options.sample_timeout.as_nanos() / self.options.interval.as_nanos();
        usize::try_from(per + 1)
            .unwrap_or(MAX_IN_FLIGHT)
            .min(MAX_IN_FLIGHT)
    }

    fn ended(&mut self, seq: u64, sent: Instant, rtt: Option<Duration>) {
        let at = sent.saturating_duration_since(self.started);
        match rtt {
            Some(rtt) => self.tally.answered(rtt, at),
            None => self.tally.lost(at),
        }
        let (answered, lost) = (self.tally.answered_count(), self.tally.lost_count());
        (self.events)(PingEvent::Sample(Sample {
            seq,
            status: if rtt.is_some() {
                SampleStatus::Answered
            } else {
                SampleStatus::Lost
            },
            rtt_ms: rtt.map(|d| round(d.as_secs_f64() * 1000.0)),
            done: answered + lost,
            lost,
        }));
    }

    fn late(&mut self, seq: u64, rtt: Option<Duration>) {
        self.late += 1;
        (self.events)(PingEvent::Late {
            seq,
            rtt_ms: rtt.map(|d| round(d.as_secs_f64() * 1000.0)),
        });
    }

    fn cut(&mut self, cut: Cut) {
        self.cuts += 1;
        *self
            .cut_causes
            .entry(cut.cause.as_str().to_string())
            .or_default() += 1;
        if self.cut_list.len() < CUTS_LISTED {
            self.cut_list.push(cut.clone());
        }
        (self.events)(PingEvent::Cut(cut));
    }
}

/// Pings `settings.target` (a socket URL, or a base URL's echo path) as `options` says, until the
/// count is reached, `stop` resolves, or the socket cannot be had; reports every sample, cut and
/// reconnect to `events` as it happens and returns the summary. The target's failures are in the
/// summary, never an `Err`.
pub async fn run(
    settings: Arc<Settings>,
    redactor: Redactor,
    options: PingOptions,
    events: &mut (dyn FnMut(PingEvent) + Send),
    stop: impl Future<Output = ()>,
) -> PingSummary {
    // Nobody reads the checklist's event stream here: ping reports through `events`.
    let (sender, _) = tokio::sync::mpsc::unbounded_channel();
    let (_keep, stopping) = tokio::sync::watch::channel(false);
    let ctx = Ctx::new(settings, redactor, sender, stopping);
    let started_at = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    let mut state = State {
        options,
        started: Instant::now(),
        tally: Tally::new(),
        late: 0,
        unmatched: 0,
        next_seq: 1,
        envelope: None,
        cuts: 0,
        cut_causes: BTreeMap::new(),
        cut_list: Vec::new(),
        reconnects: 0,
        http_version: None,
        redactor: ctx.redactor.clone(),
        events,
    };
    let (url, path) = socket::echo_socket(&ctx);
    let mut stop = std::pin::pin!(stop);
    let (failure, interrupted) = match socket::validate_url(&url) {
        Err(failed) => (Some(failed.finding), false),
        Ok(()) => keep_open(&ctx, &mut state, (&url, &path), &mut stop).await,
    };
    summary(&ctx, state, &url, started_at, failure, interrupted)
}

/// Opens the socket and pings on it, reopening it after a cut; returns why it stopped early (if
/// it did) and whether a signal stopped it.
async fn keep_open(
    ctx: &Ctx,
    state: &mut State<'_>,
    (url, path): (&str, &str),
    stop: &mut std::pin::Pin<&mut impl Future<Output = ()>>,
) -> (Option<Finding>, bool) {
    let road = socket::roads(ctx, &Inputs::default())
        .first()
        .copied()
        .unwrap_or(socket::Road::Http1);
    let mut in_a_row = 0u32;
    let mut delay = Duration::ZERO;
    let mut last: Option<Finding>;
    loop {
        let opened = tokio::select! {
            biased;
            () = stop.as_mut() => return (None, true),
            opened = open(ctx, (url, path), road) => opened,
        };
        let reconnecting = state.http_version.is_some();
        match opened {
            Err(failure) if !reconnecting => {
                return (Some(scrubbed(ctx, failure.failed.finding)), false)
            }
            Err(failure) => {
                state.reconnects += 1;
                let finding = scrubbed(ctx, failure.failed.finding);
                (state.events)(PingEvent::Reconnect(Reconnect {
                    attempt: in_a_row,
                    opened: false,
                    after_ms: round(delay.as_secs_f64() * 1000.0),
                    failure: Some(finding.clone()),
                }));
                last = Some(finding);
            }
            Ok(opened) => {
                if reconnecting {
                    state.reconnects += 1;
                    (state.events)(PingEvent::Reconnect(Reconnect {
                        attempt: in_a_row,
                        opened: true,
                        after_ms: round(delay.as_secs_f64() * 1000.0),
                        failure: None,
                    }));
                }
                state.http_version = Some(road.name().to_string());
                (state.events)(PingEvent::Open {
                    url: ctx.redactor.text(url),
                    http_version: road.name().to_string(),
                    handshake_ms: round(opened.handshake.as_secs_f64() * 1000.0),
                });
                let answered_before = state.tally.answered_count();
                let mut socket = opened.socket;
                match session::pinging(state, &mut socket, path, stop).await {
                    End::Done => {
                        ws::close_normally(socket, socket::CLOSE_WAIT).await;
                        return (None, false);
                    }
                    End::Stopped => {
                        ws::close_normally(socket, socket::CLOSE_WAIT).await;
                        return (None, true);
                    }
                    // The cut took the last samples with it: nothing left to reconnect for.
                    End::Cut(_) if state.all_sent() => return (None, false),
                    End::Cut(finding) => {
                        if state.tally.answered_count() > answered_before {
                            in_a_row = 0;
                        }
                        last = Some(finding);
                    }
                }
            }
        }
        in_a_row += 1;
        if in_a_row > state.options.max_reconnects {
            return (Some(gave_up(last, in_a_row - 1)), false);
        }
        delay = backoff(state.options.reconnect_delay, in_a_row + 1);
        tokio::select! {
            biased;
            () = stop.as_mut() => return (None, true),
            () = tokio::time::sleep(delay) => {}
        }
    }
}

/// Resolves the host as the dns check does (again for every socket: a failover changes the
/// addresses), then opens the socket as the echo check does.
async fn open(
    ctx: &Ctx,
    (url, path): (&str, &str),
    road: socket::Road,
) -> Result<ws::Opened, socket::AttemptFailure> {
    let resolved = dns::run(ctx, &Inputs::default()).await;
    if let Some(finding) = resolved.report.failure {
        return Err(socket::AttemptFailure::from(crate::checks::Failed::new(
            finding,
        )));
    }
    let inputs = Inputs {
        facts: resolved.learned,
        ..Inputs::default()
    };
    let mut check = CheckRun::start(CheckId::Echo, &inputs);
    socket::open(ctx, &mut check, &inputs, (url, path), road).await
}

/// A finding with the run's secrets masked and the server's text made safe to print.
fn scrubbed(ctx: &Ctx, mut finding: Finding) -> Finding {
    ctx.redactor.scrub(&mut finding);
    finding
}

/// The last failure, said to be the last of a series: the root cause leads, the web client's
/// MAX_RETRIES_EXCEEDED travels beside it.
fn gave_up(last: Option<Finding>, tries: u32) -> Finding {
    let mut finding = last.unwrap_or_else(|| {
        Finding::new(
            wsdoctor_model::Cause::RetriesExhausted,
            "every new socket failed",
        )
    });
    finding.message = format!(
        "gave up after {tries} new socket(s) in a row without an answered sample; the last: {}",
        finding.message
    );
    if finding.code != Code::MaxRetriesExceeded {
        finding.also.push(Code::MaxRetriesExceeded);
    }
    finding
}

fn summary(
    ctx: &Ctx,
    state: State<'_>,
    url: &str,
    started_at: String,
    failure: Option<Finding>,
    interrupted: bool,
) -> PingSummary {
    let (answered, lost) = (state.tally.answered_count(), state.tally.lost_count());
    let sent = answered + lost;
    let clean = failure.is_none() && lost == 0 && state.cuts == 0 && answered > 0;
    PingSummary {
        schema: PING_SCHEMA,
        tool: BTreeMap::new(),
        target: ctx.redactor.text(ctx.settings.target.url().as_str()),
        url: ctx.redactor.text(url),
        mode: state.options.mode,
        echo: state
            .envelope
            .map(|envelope| if envelope { "envelope" } else { "plain" }),
        http_version: state.http_version,
        interval_ms: round(state.options.interval.as_secs_f64() * 1000.0),
        sample_timeout_ms: round(state.options.sample_timeout.as_secs_f64() * 1000.0),
        started_at,
        duration_ms: round(state.started.elapsed().as_secs_f64() * 1000.0),
        verdict: if clean { Verdict::Pass } else { Verdict::Fail },
        sent,
        answered,
        lost,
        loss_percent: if sent == 0 {
            0.0
        } else {
            round(100.0 * lost as f64 / sent as f64)
        },
        late: state.late,
        unmatched: state.unmatched,
        rtt: state.tally.rtt(),
        jitter_ms: state.tally.jitter_ms(),
        cuts: state.cuts,
        cut_causes: state.cut_causes,
        cut_pattern: pattern::of(&state.cut_list),
        cut_list: state.cut_list,
        reconnects: state.reconnects,
        failure,
        interrupted,
        timeline: state.tally.timeline(),
    }
}

fn round(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}
