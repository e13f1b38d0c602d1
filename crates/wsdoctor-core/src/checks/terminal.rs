//! The terminal check: the session's socket, opened as the web client opens it, with its timeout
//! per attempt and bounded retries; the server's greeting, `--send`/`--expect`, and the server's
//! last words when it closes.

use super::socket::{
    self, close_code, ending_evidence, is_error_message, AttemptFailure, Retries, Step, CLOSE_WAIT,
};
use super::{CheckRun, Failed, Output};
use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::Inputs;
use crate::probe::ws::{self, Ending};
use std::time::{Duration, Instant};
use wsdoctor_model::evidence::{Common, Detail, TerminalDetail};
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
    let mut retries = Retries::new(ctx, &url);
    let outcome = loop {
        retries.begin(&check);
        let result = attempt(ctx, &mut check, inputs, &url, &path).await;
        match retries.end(&mut check, result) {
            Step::Retry(delay) => tokio::time::sleep(delay).await,
            Step::Done(outcome) => break outcome,
        }
    };
    match outcome {
        Ok(result) => {
            if let Some(first) = result.first_message {
                check.timings.insert(Phase::FirstMessage, ms(first));
            }
            check.common().last_server_message = result.last_message;
            detail.messages_received = Some(result.messages);
            detail.server_pings = Some(result.pings);
            detail.expect_round_trip_ms = result.expect_round_trip.map(ms);
            detail.closed_by_client = Some(1000);
            check.detail(Detail::Terminal(detail));
            check.pass(result.summary)
        }
        Err(failed) => {
            check.detail(Detail::Terminal(detail));
            check.fail(failed)
        }
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
}

/// How a socket's ending fails an attempt, with the server's last words.
fn ended(
    ending: Ending,
    path: &str,
    seen: usize,
    open_for: Duration,
    last: &Option<String>,
) -> AttemptFailure {
    let mut evidence = Common::default();
    ending_evidence(&mut evidence, &ending);
    let mut finding = classify::ending(&ending, path, seen, open_for);
    if let Some(last) = last {
        evidence.last_server_message = Some(last.clone());
        finding.message = format!("{}; the server's last words: {last}", finding.message);
    }
    AttemptFailure {
        close_code: close_code(&ending),
        failed: Failed::with_evidence(finding, evidence),
    }
}

async fn attempt(
    ctx: &Ctx,
    check: &mut CheckRun,
    inputs: &Inputs,
    url: &str,
    path: &str,
) -> Result<(TerminalResult, String), AttemptFailure> {
    let opened = socket::open(ctx, check, inputs, url, path).await?;
    let mut socket = opened.socket;
    let opened_at = Instant::now();
    let limits = ctx.settings.limits;
    let mut pings = 0u32;
    let mut seen = 0usize;
    let mut last_message: Option<String> = None;
    let mut first_message = None;

    // Phase 1: the server's greeting, or a quiet socket that stays open through the settle window.
    let greeting_deadline = opened_at + limits.ws_timeout;
    loop {
        let wait = if seen == 0 {
            limits.settle.min(limits.ws_timeout)
        } else {
            greeting_deadline.saturating_duration_since(Instant::now())
        };
        match ws::next_message(&mut socket, wait, opened_at, &mut pings).await {
            Ok(message) => {
                seen += 1;
                first_message.get_or_insert(message.at);
                let error = is_error_message(&message.text);
                last_message = Some(classify::excerpt(&ctx.redactor, message.text.as_bytes()));
                if !error {
                    break;
                }
                // An error message precedes a close: wait for it, to report the close code.
            }
            Err(Ending::StillOpen) if seen == 0 => break,
            Err(Ending::StillOpen) => {
                let finding = classify::finding(
                    Cause::ServerError,
                    format!(
                        "{path} sent an error and stayed open: {}",
                        last_message.clone().unwrap_or_default()
                    ),
                );
                return Err(Failed::new(finding).into());
            }
            Err(ending) => {
                return Err(ended(
                    ending,
                    path,
                    seen,
                    opened_at.elapsed(),
                    &last_message,
                ))
            }
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
            return Err(ended(
                ending,
                path,
                seen,
                opened_at.elapsed(),
                &last_message,
            ));
        }
    }
    if let Some(pattern) = &ctx.settings.expect {
        let sent_at = Instant::now();
        let deadline = sent_at + limits.ws_timeout;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            match ws::next_message(&mut socket, wait, opened_at, &mut pings).await {
                Ok(message) => {
                    seen += 1;
                    last_message = Some(classify::excerpt(&ctx.redactor, message.text.as_bytes()));
                    if pattern.is_match(&message.text) {
                        matched = Some(sent_at.elapsed());
                        break;
                    }
                }
                Err(Ending::StillOpen) => {
                    let evidence = Common {
                        last_server_message: last_message.clone(),
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
                Err(ending) => {
                    return Err(ended(
                        ending,
                        path,
                        seen,
                        opened_at.elapsed(),
                        &last_message,
                    ))
                }
            }
        }
    }
    ws::close_normally(socket, CLOSE_WAIT).await;
    let summary = match (matched, first_message) {
        (Some(rtt), _) => format!(
            "session open; --expect matched in {:.1} ms",
            rtt.as_secs_f64() * 1000.0
        ),
        (None, Some(first)) => format!(
            "session open; first message after {:.1} ms",
            first.as_secs_f64() * 1000.0
        ),
        (None, None) => format!(
            "session open and quiet for {}",
            humantime::format_duration(limits.settle)
        ),
    };
    Ok((
        TerminalResult {
            summary: summary.clone(),
            first_message,
            last_message,
            messages: seen as u64,
            pings,
            expect_round_trip: matched,
        },
        summary,
    ))
}
