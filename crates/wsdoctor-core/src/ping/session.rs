//! One socket's pinging: samples sent on schedule, answers matched by sequence number, samples
//! past their timeout counted lost, until the count, a stop, or a cut.

use super::wire::{Answer, Payloads};
use super::{round, State};
use crate::diagnose::classify;
use crate::probe::ws::{self, Ending, Socket};
use futures_util::{SinkExt, StreamExt};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use wsdoctor_model::ping::{Cut, PingMode};
use wsdoctor_model::Finding;

/// How a socket's pinging ended.
pub(crate) enum End {
    /// Every sample asked for has ended.
    Done,
    /// A signal stopped the run.
    Stopped,
    /// The socket was cut; the finding classifies it.
    Cut(Finding),
}

/// A sample in flight.
struct Pending {
    seq: u64,
    sent: Instant,
}

/// The answers of samples counted lost, remembered a while so a late answer is recognised (and
/// its round trip told) rather than miscounted: a small ring, whatever the run's length.
struct Recent {
    lost: VecDeque<Pending>,
}

const RECENT_LOST: usize = 256;

impl Recent {
    fn remember(&mut self, pending: Pending) {
        if self.lost.len() == RECENT_LOST {
            self.lost.pop_front();
        }
        self.lost.push_back(pending);
    }

    fn sent_at(&self, seq: u64) -> Option<Instant> {
        self.lost.iter().find(|p| p.seq == seq).map(|p| p.sent)
    }
}

/// Pings on `socket` until the run's count is reached, `stop` resolves, or the socket is cut.
pub(crate) async fn pinging(
    state: &mut State<'_>,
    socket: &mut Socket,
    path: &str,
    stop: &mut Pin<&mut impl Future<Output = ()>>,
) -> End {
    let payloads = Payloads::new();
    let opened_at = Instant::now();
    let mut heard = opened_at;
    let mut pending: VecDeque<Pending> = VecDeque::new();
    let mut recent = Recent {
        lost: VecDeque::new(),
    };
    let cap = state.in_flight_cap();
    let timeout = state.options.sample_timeout;
    let mut next_send = Instant::now();
    let mut seen = 0usize;
    loop {
        let now = Instant::now();
        while pending.front().is_some_and(|p| now >= p.sent + timeout) {
            if let Some(p) = pending.pop_front() {
                state.ended(p.seq, p.sent, None);
                recent.remember(p);
            }
        }
        if state.all_sent() && pending.is_empty() {
            return End::Done;
        }
        let may_send = !state.all_sent() && pending.len() < cap;
        if may_send && now >= next_send {
            let seq = state.take_seq();
            let message = match state.options.mode {
                PingMode::Ping => Message::Ping(payloads.ping(seq).into()),
                PingMode::Echo => Message::text(payloads.echo(seq)),
            };
            let sent = Instant::now();
            let result = tokio::time::timeout(timeout, socket.send(message)).await;
            pending.push_back(Pending { seq, sent });
            let ending = match result {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(ws::error_ending(socket, e).on_http2(socket)),
                // A send that cannot even be written within a sample's timeout: the socket is
                // as good as cut.
                Err(_) => Some(Ending::StillOpen),
            };
            if let Some(ending) = ending {
                return cut(state, ending, path, (seen, opened_at, heard), pending);
            }
            next_send = sent + state.options.interval;
            continue;
        }
        let mut wake = pending.front().map(|p| p.sent + timeout);
        if may_send {
            wake = Some(wake.map_or(next_send, |w| w.min(next_send)));
        }
        let wake = wake.unwrap_or_else(|| now + Duration::from_secs(3600));
        let next = tokio::select! {
            biased;
            () = stop.as_mut() => return End::Stopped,
            next = tokio::time::timeout_at(wake.into(), socket.next()) => next,
        };
        let message = match next {
            Err(_) => continue,
            Ok(None) => Err(
                Ending::Abnormal("the connection ended without a close frame".into())
                    .on_http2(socket),
            ),
            Ok(Some(Ok(Message::Close(frame)))) => Err(ws::close_ending(socket, frame)),
            Ok(Some(Ok(message))) => Ok(message),
            Ok(Some(Err(e))) => Err(ws::error_ending(socket, e).on_http2(socket)),
        };
        let message = match message {
            Ok(message) => message,
            Err(ending) => return cut(state, ending, path, (seen, opened_at, heard), pending),
        };
        let arrived = Instant::now();
        heard = arrived;
        seen += 1;
        let answer = match (&message, state.options.mode) {
            (Message::Pong(payload), _) => payloads.pong(payload),
            (Message::Text(text), PingMode::Echo) => payloads.echoed(text.as_str()),
            _ => Answer::Other,
        };
        let Answer::Of { seq, envelope } = answer else {
            if !matches!(message, Message::Ping(_)) {
                state.unmatched += 1;
            }
            continue;
        };
        if matches!(message, Message::Text(_)) {
            state.envelope.get_or_insert(envelope);
        }
        match pending.iter().position(|p| p.seq == seq) {
            Some(index) => {
                if let Some(p) = pending.remove(index) {
                    state.ended(
                        p.seq,
                        p.sent,
                        Some(arrived.saturating_duration_since(p.sent)),
                    );
                }
            }
            // Late only when it answers a sample already counted lost; anything else of ours
            // (a duplicate, a replay) matches nothing and is counted as such.
            None => match recent.sent_at(seq) {
                Some(sent) => state.late(seq, Some(arrived.saturating_duration_since(sent))),
                None => state.unmatched += 1,
            },
        }
    }
}

/// Classifies a cut as the checks classify an ending, counts the samples it caught in flight as
/// lost, and reports it.
fn cut(
    state: &mut State<'_>,
    ending: Ending,
    path: &str,
    (seen, opened_at, heard): (usize, Instant, Instant),
    pending: VecDeque<Pending>,
) -> End {
    let open_for = opened_at.elapsed();
    let mut finding = match ending {
        Ending::StillOpen => classify::finding(
            wsdoctor_model::Cause::ClientTimeout,
            format!(
                "{path}: a sample could not be sent within {}",
                humantime::format_duration(state.options.sample_timeout)
            ),
        ),
        ref other => classify::ending(other, path, seen, open_for),
    };
    state.redactor.scrub(&mut finding);
    let close_code = match &ending {
        Ending::Closed { code, .. } => Some(*code),
        _ => None,
    };
    let lost_in_flight = pending.len() as u64;
    for p in pending {
        state.ended(p.seq, p.sent, None);
    }
    state.cut(Cut {
        code: finding.code,
        cause: finding.cause,
        message: finding.message.clone(),
        close_code,
        open_for_ms: round(open_for.as_secs_f64() * 1000.0),
        quiet_for_ms: round(heard.elapsed().as_secs_f64() * 1000.0),
        lost_in_flight,
    });
    End::Cut(finding)
}
