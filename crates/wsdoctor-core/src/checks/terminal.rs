//! The terminal check: the session's socket, opened as the web client opens it, with its timeout
//! per attempt and bounded retries; the server's greeting, `--send`/`--expect`, and the server's
//! last words when it closes.

use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::facts::ServerFacts;
use crate::probe::ws::{self, Ending};
use crate::socket::roads::{self, Gate};
use crate::socket::{
    self, close_code, ending_evidence, is_error_message, AttemptFailure, Compared, Road, RoadRun,
    Summarised, CLOSE_WAIT,
};
use std::time::{Duration, Instant};
use wsdoctor_model::evidence::{Common, Detail, TerminalDetail};
use wsdoctor_model::timing::human;
use wsdoctor_model::Notice;
use wsdoctor_model::{ms, Cause, CheckId, Phase};

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

/// A session's state while it is watched.
struct Session<'a> {
    path: &'a str,
    opened_at: Instant,
    pings: u32,
    seen: usize,
    last_message: Option<String>,
}

impl Session<'_> {
    /// How a socket's ending fails the attempt, with the server's last words.
    fn ended(&self, ending: Ending, when: &str) -> AttemptFailure {
        let mut evidence = Common::default();
        ending_evidence(&mut evidence, &ending);
        let mut finding = classify::ending(&ending, self.path, self.seen, self.opened_at.elapsed());
        if !when.is_empty() {
            finding.message = format!("{} ({when})", finding.message);
        }
        if let Some(last) = &self.last_message {
            evidence.last_server_message = Some(last.clone());
            finding.message = format!("{}; the server's last words: {last}", finding.message);
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
    let mut socket = opened.socket;
    let limits = ctx.settings.limits;
    let mut session = Session {
        path,
        opened_at: Instant::now(),
        pings: 0,
        seen: 0,
        last_message: None,
    };
    let mut first_message = None;

    // Phase 1: the server's greeting. The web client waits for it up to its timeout; a socket that
    // stays open and quiet is the validation hang until proven otherwise. With --accept-silence a
    // quiet socket passes, unless the server says it closes unvalidated sockets: then the silence
    // must outlast that timeout first.
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
    let mut error_sent = false;
    let mut silent = false;
    loop {
        let wait = deadline.saturating_duration_since(Instant::now());
        match ws::next_message(&mut socket, wait, session.opened_at, &mut session.pings).await {
            Ok(message) => {
                session.seen += 1;
                first_message.get_or_insert(message.at);
                session.last_message =
                    Some(classify::excerpt(&ctx.redactor, message.text.as_bytes()));
                if !is_error_message(&message.text) {
                    break;
                }
                // An error message precedes a close: wait (briefly) for it, to report its code.
                error_sent = true;
                deadline = deadline.min(Instant::now() + limits.observe);
            }
            Err(Ending::StillOpen) if error_sent => {
                let finding = classify::finding(
                    Cause::ServerError,
                    format!(
                        "{path} sent an error and stayed open: {}",
                        session.last_message.clone().unwrap_or_default()
                    ),
                );
                return Err(Failed::new(finding).into());
            }
            Err(Ending::StillOpen) => {
                let quiet_for = session.opened_at.elapsed();
                let outlasted_server = server
                    .connection_timeout
                    .is_none_or(|t| quiet_for >= t.saturating_add(SERVER_TIMEOUT_GRACE));
                if silence_window.is_some() && outlasted_server {
                    silent = true;
                    break;
                }
                return Err(no_greeting(path, quiet_for, limits.ws_timeout, server).into());
            }
            Err(ending) => return Err(session.ended(ending, "before it greeted")),
        }
    }
    if let Some(first) = first_message {
        ctx.log(
            CheckId::Terminal,
            format!("First message after {} ms", first.as_millis()),
        );
    }
    // Phase 2: --send / --expect, the end-to-end round trip.
    let mut matched = None;
    if let Some(text) = &ctx.settings.send {
        if let Err(ending) = ws::send_text(&mut socket, text, limits.ws_timeout).await {
            return Err(session.ended(ending, "when --send was sent"));
        }
    }
    if let Some(pattern) = &ctx.settings.expect {
        let sent_at = Instant::now();
        let deadline = sent_at + limits.ws_timeout;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            match ws::next_message(&mut socket, wait, session.opened_at, &mut session.pings).await {
                Ok(message) => {
                    session.seen += 1;
                    session.last_message =
                        Some(classify::excerpt(&ctx.redactor, message.text.as_bytes()));
                    if pattern.is_match(&message.text) {
                        matched = Some(sent_at.elapsed());
                        break;
                    }
                }
                Err(Ending::StillOpen) => {
                    let evidence = Common {
                        last_server_message: session.last_message.clone(),
                        ..Common::default()
                    };
                    let finding = classify::finding(
                        Cause::ExpectNotMet,
                        format!(
                            "no message matched {:?} within {}",
                            pattern.as_str(),
                            humantime::format_duration(limits.ws_timeout)
                        ),
                    );
                    return Err(Failed::with_evidence(finding, evidence).into());
                }
                Err(ending) => return Err(session.ended(ending, "while waiting for --expect")),
            }
        }
    }
    // Phase 3: a session that greets and then dies is not healthy: watch it a little longer,
    // while the other road's socket, if any, opens beside it.
    if !silent && !limits.observe.is_zero() {
        gate.open();
        let watch_until = Instant::now() + limits.observe;
        loop {
            let wait = watch_until.saturating_duration_since(Instant::now());
            match ws::next_message(&mut socket, wait, session.opened_at, &mut session.pings).await {
                Ok(message) => {
                    session.seen += 1;
                    session.last_message =
                        Some(classify::excerpt(&ctx.redactor, message.text.as_bytes()));
                }
                Err(Ending::StillOpen) => break,
                Err(ending) => {
                    let when = match matched {
                        Some(_) => "after --expect matched",
                        None => "after it greeted",
                    };
                    return Err(session.ended(ending, when));
                }
            }
        }
    }
    socket::record_http2(ctx, check, &socket);
    ws::close_normally(socket, CLOSE_WAIT).await;
    let watched = if limits.observe.is_zero() || silent {
        String::new()
    } else {
        format!(", stayed up {}", humantime::format_duration(limits.observe))
    };
    let summary = match (matched, first_message) {
        (Some(rtt), _) => format!(
            "session open; --expect matched in {:.1} ms{watched}",
            rtt.as_secs_f64() * 1000.0
        ),
        (None, Some(first)) => format!(
            "session open; first message after {:.1} ms{watched}",
            first.as_secs_f64() * 1000.0
        ),
        (None, None) => format!(
            "session open and silent for {} (accepted by --accept-silence)",
            human(session.opened_at.elapsed())
        ),
    };
    let silence = silent.then(|| {
        Notice::of(
            Cause::TerminalSilent,
            format!(
                "the server sent nothing in {}: a browser's web client would still be waiting for its first message",
                human(session.opened_at.elapsed())
            ),
            "if the server should greet (the platform's terminal sends {\"type\":\"connected\"}), this is the session validation hang: check the session store's latency",
        )
    });
    Ok((
        TerminalResult {
            summary: summary.clone(),
            first_message,
            last_message: session.last_message,
            messages: session.seen as u64,
            pings: session.pings,
            expect_round_trip: matched,
            silence,
        },
        summary,
    ))
}

/// The session validation hang: the socket opened and the server never said a word.
fn no_greeting(
    path: &str,
    quiet_for: Duration,
    client_timeout: Duration,
    server: &ServerFacts,
) -> Failed {
    let server_note = match server.connection_timeout {
        Some(t) if t > quiet_for => format!(
            "; the server says it closes sockets it has not validated after {} (its 1008 \"Connection timeout\")",
            human(t)
        ),
        _ => String::new(),
    };
    let finding = if quiet_for >= client_timeout {
        classify::finding(
            Cause::ClientTimeout,
            format!(
                "{path} opened but the server sent nothing in {}: the web client gives up here (\"Connection timeout - no response from server\"){server_note}",
                human(quiet_for)
            ),
        )
    } else {
        classify::finding(
            Cause::ServerTimeout,
            format!(
                "{path} stayed silent for {} and the server will close it at its validation timeout{server_note}",
                human(quiet_for)
            ),
        )
    };
    Failed::new(finding)
}
