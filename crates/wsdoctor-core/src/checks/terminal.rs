//! The terminal check: the session's socket, opened as the web client opens it, with its timeout
//! per attempt and bounded retries; the server's greeting, `--send`/`--expect`, and the server's
//! last words when it closes.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::diagnose::terminal::{self as judge, Healthy, Moment, Seen};
use crate::facts::Inputs;
use crate::facts::ServerFacts;
use crate::probe::ws::{self, Ending, Received, Socket};
use crate::socket::roads::{self, Gate};
use crate::socket::{
    self, close_code, ending_evidence, is_error_message, AttemptFailure, Compared, Road, RoadRun,
    Summarised, CLOSE_WAIT,
};
use std::time::{Duration, Instant};
use wsdoctor_model::evidence::{Common, Detail, TerminalDetail};
use wsdoctor_model::Notice;
use wsdoctor_model::{ms, CheckId, Phase};

pub(crate) async fn run(ctx: &Ctx, inputs: &Inputs) -> Output {
    let mut check = CheckRun::start(CheckId::Terminal, inputs);
    let (url, path, template) = match socket::terminal_socket(ctx, inputs) {
        None => return check.skip("no --session given"),
        Some(Err(failed)) => return check.fail_plain(failed),
        Some(Ok(socket)) => socket,
    };
    check.common().url = Some(url.clone());
    let mut detail = TerminalDetail {
        template,
        messages_received: None,
        server_pings: None,
        expect_round_trip_ms: None,
        closed_by_client: None,
    };
    if let Err(failed) = socket::validate_url(&url) {
        check.detail(Detail::Terminal(detail));
        return check.fail_plain(failed);
    }
    let server = inputs.server().await;
    let roads = socket::roads(ctx, inputs);
    let dual = roads.len() > 1;
    let server = &server;
    let (url_ref, path_ref) = (url.as_str(), path.as_str());
    let runs = roads::side_by_side(ctx, CheckId::Terminal, &roads, |road, gate| {
        on_road(ctx, inputs, (url_ref, path_ref), server, road, dual, gate)
    })
    .await;
    let Compared { outcome, warning } = socket::compare(&mut check, runs, &path);
    match outcome {
        Ok(result) => {
            check.learned.open_paths.push(path.clone());
            if let Some(first) = result.first_message {
                check.phase(ctx, Phase::FirstMessage, first);
            }
            check.common().last_server_message = result.last_message;
            detail.messages_received = Some(result.messages);
            detail.server_pings = Some(result.pings);
            detail.expect_round_trip_ms = result.expect_round_trip.map(ms);
            detail.closed_by_client = Some(1000);
            check.detail(Detail::Terminal(detail));
            match (warning, result.silence) {
                (Some(notice), _) => check.warn(result.summary, notice),
                (None, Some(notice)) => check.warn(result.summary, notice),
                (None, None) => check.pass(result.summary),
            }
        }
        Err(failed) => {
            check.detail(Detail::Terminal(detail));
            check.fail(failed)
        }
    }
}

/// The terminal's attempts on one road, with the web client's bounded retries.
async fn on_road(
    ctx: &Ctx,
    inputs: &Inputs,
    (url, path): (&str, &str),
    server: &ServerFacts,
    road: Road,
    dual: bool,
    gate: Gate,
) -> RoadRun<TerminalResult> {
    socket::run_road(
        ctx,
        inputs,
        CheckId::Terminal,
        (url, path),
        road,
        dual,
        |mut check| {
            let gate = gate.clone();
            async move {
                let result =
                    attempt(ctx, &mut check, inputs, (url, path), server, (road, &gate)).await;
                (check, result)
            }
        },
    )
    .await
}

impl Summarised for TerminalResult {
    fn summary(&self) -> &str {
        &self.summary
    }

    fn summary_mut(&mut self) -> &mut String {
        &mut self.summary
    }
}

/// What a successful attempt saw.
struct TerminalResult {
    summary: String,
    first_message: Option<Duration>,
    last_message: Option<String>,
    messages: u64,
    pings: u32,
    expect_round_trip: Option<Duration>,
    /// Set when the session never greeted and `--accept-silence` let it pass.
    silence: Option<Notice>,
}

/// A session's socket and what it has seen while it is watched.
struct Session<'a> {
    socket: Socket,
    path: &'a str,
    opened_at: Instant,
    pings: u32,
    seen: usize,
    last_message: Option<String>,
}

impl Session<'_> {
    /// The next data message within `wait`, counted and kept (redacted) as the server's last
    /// words; or how the socket ended.
    async fn next(&mut self, ctx: &Ctx, wait: Duration) -> Result<Received, Ending> {
        let message =
            ws::next_message(&mut self.socket, wait, self.opened_at, &mut self.pings).await?;
        self.seen += 1;
        self.last_message = Some(classify::excerpt(&ctx.redactor, message.text.as_bytes()));
        Ok(message)
    }

    /// How a socket's ending fails the attempt, with the server's last words.
    fn ended(&self, ending: Ending, moment: Moment) -> AttemptFailure {
        let mut evidence = Common::default();
        ending_evidence(&mut evidence, &ending);
        let seen = Seen {
            path: self.path,
            messages: self.seen,
            open_for: self.opened_at.elapsed(),
            last_message: self.last_message.as_deref(),
        };
        let finding = judge::ended(&ending, &seen, moment);
        if let Some(last) = &self.last_message {
            evidence.last_server_message = Some(last.clone());
        }
        AttemptFailure {
            close_code: close_code(&ending),
            failed: Failed::with_evidence(finding, evidence),
        }
    }
}

/// How long to wait past a server's own timeout to see its close arrive.
const SERVER_TIMEOUT_GRACE: Duration = Duration::from_secs(1);

async fn attempt(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    (url, path): (&str, &str),
    server: &ServerFacts,
    (road, gate): (Road, &Gate),
) -> Result<(TerminalResult, String), AttemptFailure> {
    let opened = socket::open(ctx, check, inputs, (url, path), road).await?;
    let mut session = Session {
        socket: opened.socket,
        path,
        opened_at: Instant::now(),
        pings: 0,
        seen: 0,
        last_message: None,
    };
    let greeting = greet(ctx, check, &mut session, server).await?;
    if let Some(first) = greeting.first_message {
        ctx.log(
            CheckId::Terminal,
            format!("First message after {} ms", first.as_millis()),
        );
    }
    let matched = send_and_expect(ctx, &mut session).await?;
    let observe = ctx.settings.limits.observe;
    let watched = !greeting.silent && !observe.is_zero();
    if watched {
        // The other road's socket, if any, opens beside this one while it is watched.
        gate.open();
        watch(&mut session, ctx, observe, matched.is_some()).await?;
    }
    socket::record_http2(ctx, check, &session.socket);
    let Session {
        socket,
        opened_at,
        pings,
        seen,
        last_message,
        ..
    } = session;
    ws::close_normally(socket, CLOSE_WAIT).await;
    let summary = judge::summary(&Healthy {
        expect_round_trip: matched,
        first_message: greeting.first_message,
        stayed_up: watched.then_some(observe),
        open_for: opened_at.elapsed(),
    });
    let silence = greeting.silent.then(|| judge::silence(opened_at.elapsed()));
    Ok((
        TerminalResult {
            summary: summary.clone(),
            first_message: greeting.first_message,
            last_message,
            messages: seen as u64,
            pings,
            expect_round_trip: matched,
            silence,
        },
        summary,
    ))
}

/// How the greeting went: when the first message came, or that a silence was accepted.
struct Greeting {
    first_message: Option<Duration>,
    /// The session never greeted and `--accept-silence` let it pass.
    silent: bool,
}

/// Phase 1: the server's greeting. The web client waits for it up to its timeout; a socket that
/// stays open and quiet is the validation hang until proven otherwise. With --accept-silence a
/// quiet socket passes, unless the server says it closes unvalidated sockets: then the silence
/// must outlast that timeout first.
async fn greet(
    ctx: &Ctx,
    check: &mut CheckRun,
    session: &mut Session<'_>,
    server: &ServerFacts,
) -> Result<Greeting, AttemptFailure> {
    let limits = ctx.settings.limits;
    let silence_window = limits
        .accept_silence
        .map(|quiet| match server.connection_timeout {
            Some(t) => quiet.max(t.saturating_add(SERVER_TIMEOUT_GRACE)),
            None => quiet,
        });
    let greeting_wait = check.wait_at_most(
        silence_window
            .unwrap_or(limits.ws_timeout)
            .min(limits.ws_timeout),
    );
    let mut deadline = session.opened_at + greeting_wait;
    let mut first_message = None;
    let mut error_sent = false;
    loop {
        let wait = deadline.saturating_duration_since(Instant::now());
        match session.next(ctx, wait).await {
            Ok(message) => {
                first_message.get_or_insert(message.at);
                if !is_error_message(&message.text) {
                    return Ok(Greeting {
                        first_message,
                        silent: false,
                    });
                }
                // An error message precedes a close: wait (briefly) for it, to report its code.
                error_sent = true;
                deadline = deadline.min(Instant::now() + limits.observe);
            }
            Err(Ending::StillOpen) if error_sent => {
                let finding = judge::error_then_open(session.path, session.last_message.as_deref());
                return Err(Failed::new(finding).into());
            }
            Err(Ending::StillOpen) => {
                let quiet_for = session.opened_at.elapsed();
                let outlasted_server = server
                    .connection_timeout
                    .is_none_or(|t| quiet_for >= t.saturating_add(SERVER_TIMEOUT_GRACE));
                if silence_window.is_some() && outlasted_server {
                    return Ok(Greeting {
                        first_message,
                        silent: true,
                    });
                }
                let finding = judge::no_greeting(
                    session.path,
                    quiet_for,
                    limits.ws_timeout,
                    server.connection_timeout,
                );
                return Err(Failed::new(finding).into());
            }
            Err(ending) => return Err(session.ended(ending, Moment::BeforeGreeting)),
        }
    }
}

/// Phase 2: --send / --expect, the end-to-end round trip; the round trip when --expect matched.
async fn send_and_expect(
    ctx: &Ctx,
    session: &mut Session<'_>,
) -> Result<Option<Duration>, AttemptFailure> {
    let ws_timeout = ctx.settings.limits.ws_timeout;
    if let Some(text) = &ctx.settings.send {
        if let Err(ending) = ws::send_text(&mut session.socket, text, ws_timeout).await {
            return Err(session.ended(ending, Moment::AtSend));
        }
    }
    let Some(pattern) = &ctx.settings.expect else {
        return Ok(None);
    };
    let sent_at = Instant::now();
    let deadline = sent_at + ws_timeout;
    loop {
        let wait = deadline.saturating_duration_since(Instant::now());
        match session.next(ctx, wait).await {
            Ok(message) if pattern.is_match(&message.text) => return Ok(Some(sent_at.elapsed())),
            Ok(_) => {}
            Err(Ending::StillOpen) => {
                let evidence = Common {
                    last_server_message: session.last_message.clone(),
                    ..Common::default()
                };
                let finding = judge::expect_not_met(pattern.as_str(), ws_timeout);
                return Err(Failed::with_evidence(finding, evidence).into());
            }
            Err(ending) => return Err(session.ended(ending, Moment::AwaitingExpect)),
        }
    }
}

/// Phase 3: a session that greets and then dies is not healthy: watch it `observe` longer.
async fn watch(
    session: &mut Session<'_>,
    ctx: &Ctx,
    observe: Duration,
    expect_matched: bool,
) -> Result<(), AttemptFailure> {
    let watch_until = Instant::now() + observe;
    loop {
        let wait = watch_until.saturating_duration_since(Instant::now());
        match session.next(ctx, wait).await {
            Ok(_) => {}
            Err(Ending::StillOpen) => return Ok(()),
            Err(ending) => {
                let moment = if expect_matched {
                    Moment::AfterExpect
                } else {
                    Moment::AfterGreeting
                };
                return Err(session.ended(ending, moment));
            }
        }
    }
}
