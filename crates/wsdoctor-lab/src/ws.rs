//! The lab's WebSocket endpoints after the 101: the `/ws-test` echo, the terminal session protocol,
//! and the faults that act on an open socket (closes with telling codes, proxy cuts).

use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::time::{
    interval_at, sleep, sleep_until, timeout, Instant, Interval, MissedTickBehavior,
};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::fault::Fault;
use super::stream::{now_ms, SocketIo};
use super::{ActiveGuard, Shared};

/// The largest message (and frame) the lab accepts, as the platform's `maxPayload`.
pub(crate) const MAX_MESSAGE: usize = 1024 * 1024;

/// The pause between an error message and the close that follows it: the platform added it so the
/// message reaches the client before the socket goes away.
const ERROR_CLOSE_DELAY: Duration = Duration::from_millis(50);
/// How soon `going-away` closes a socket after it opened.
const GOING_AWAY_DELAY: Duration = Duration::from_millis(20);
/// How long the lab waits for the client to answer its close frame.
const CLOSE_DRAIN: Duration = Duration::from_secs(2);
/// How soon `h2-stream-reset` resets a stream that opened, if the client sends nothing first.
const STREAM_RESET_DELAY: Duration = Duration::from_millis(20);

/// Which endpoint an upgraded socket serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `/ws-test`.
    Echo,
    /// `/terminal/:sessionId`.
    Terminal(String),
    /// `no-route`: a path nobody handles, closed at once.
    Unrouted,
    /// `origin-silent`: a socket refused by a close that never reaches the client, so it hears
    /// nothing at all.
    Refused,
}

/// Serves an upgraded connection (or HTTP/2 stream) until either side closes, the fault cuts it, or
/// the task is dropped.
pub(crate) async fn run(io: SocketIo, endpoint: Endpoint, shared: &Shared) {
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let over_http2 = matches!(io, SocketIo::Http2 { .. });
    let ws = WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await;
    let _active = ActiveGuard::new(&shared.active_ws);
    let mut socket = Socket::new(ws, shared, over_http2);
    if over_http2 && matches!(shared.fault, Some(Fault::H2StreamReset)) {
        // The stream opened; at the client's first message (or a moment later) an edge resets it.
        let _ = timeout(STREAM_RESET_DELAY, socket.next()).await;
        return socket.reset();
    }
    match endpoint {
        // An empty close frame carries no code: the client reports 1005.
        Endpoint::Unrouted => socket.close(None).await,
        // Read (so the connection drains) and never answered, until the client goes.
        Endpoint::Refused => {
            // Not even a ping: the server has let go of this socket.
            socket.pings = None;
            while let Event::Message(_) = socket.next().await {}
        }
        Endpoint::Echo => echo(socket, shared).await,
        Endpoint::Terminal(id) => terminal(socket, &id, shared).await,
    }
}

/// What happened on a socket while the lab waited for it.
enum Event {
    Message(Message),
    /// The client closed or the connection failed.
    Gone,
    /// The fault's proxy cut is due.
    Cut,
}

/// When a fault's proxy kills the connection.
enum Cut {
    Never,
    /// After this long without a frame in either direction.
    Idle {
        after: Duration,
        last: Instant,
    },
    /// At this instant, whatever the traffic.
    At(Instant),
}

/// An open WebSocket with the server's ping schedule and the fault's cut, if any.
struct Socket {
    ws: WebSocketStream<SocketIo>,
    cut: Cut,
    pings: Option<Interval>,
}

impl Socket {
    fn new(ws: WebSocketStream<SocketIo>, shared: &Shared, over_http2: bool) -> Self {
        let now = Instant::now();
        let cut = match shared.fault {
            Some(Fault::IdleCut(after)) => Cut::Idle { after, last: now },
            // The edge's HTTP/2 stream timer: its HTTP/1.1 tunnels have a timer of their own.
            Some(Fault::H2IdleCut(after)) if over_http2 => Cut::Idle { after, last: now },
            Some(Fault::LifetimeCut(after)) => Cut::At(now + after),
            _ => Cut::Never,
        };
        // A proxy cut is only observable if the server keeps quiet, so those faults never ping.
        let pings = match cut {
            Cut::Never => shared.ping_interval.map(|period| {
                let mut pings = interval_at(now + period, period);
                pings.set_missed_tick_behavior(MissedTickBehavior::Delay);
                pings
            }),
            _ => None,
        };
        Socket { ws, cut, pings }
    }

    fn cut_deadline(&self) -> Option<Instant> {
        match self.cut {
            Cut::Never => None,
            Cut::Idle { after, last } => Some(last + after),
            Cut::At(at) => Some(at),
        }
    }

    /// Notes traffic, which postpones an idle cut.
    fn touch(&mut self) {
        if let Cut::Idle { last, .. } = &mut self.cut {
            *last = Instant::now();
        }
    }

    /// Waits for the next message, sending server pings when due. Reading is also what answers the
    /// client's pings and close frame (tungstenite queues the replies and flushes them here).
    async fn next(&mut self) -> Event {
        loop {
            let deadline = self.cut_deadline();
            tokio::select! {
                message = self.ws.next() => {
                    self.touch();
                    return match message {
                        Some(Ok(message)) => Event::Message(message),
                        _ => Event::Gone,
                    };
                }
                () = wait_until(deadline) => return Event::Cut,
                () = next_tick(&mut self.pings) => {
                    if self.ws.send(Message::Ping(Bytes::new())).await.is_err() {
                        return Event::Gone;
                    }
                }
            }
        }
    }

    /// Sends one JSON text message; false when the connection is gone.
    async fn send_json(&mut self, value: Value) -> bool {
        let sent = self.ws.send(Message::text(value.to_string())).await.is_ok();
        self.touch();
        sent
    }

    /// Starts the closing handshake and waits (bounded) for the client's answer, then drops the
    /// connection, which closes TCP the orderly way.
    async fn close(mut self, frame: Option<CloseFrame>) {
        if self.ws.close(frame).await.is_err() {
            return;
        }
        let _ = timeout(CLOSE_DRAIN, async {
            while let Some(Ok(_)) = self.ws.next().await {}
        })
        .await;
    }

    /// Kills the connection as a proxy does: a TCP reset (or an HTTP/2 stream reset), no close
    /// frame.
    fn reset(self) {
        self.ws.into_inner().reset();
    }
}

async fn wait_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

async fn next_tick(pings: &mut Option<Interval>) {
    match pings {
        Some(pings) => {
            pings.tick().await;
        }
        None => std::future::pending().await,
    }
}

fn close_frame(code: u16, reason: &'static str) -> Option<CloseFrame> {
    Some(CloseFrame {
        code: CloseCode::from(code),
        reason: reason.into(),
    })
}

/// The text of a data message; binary payloads are read as UTF-8, as Node's `JSON.parse(buffer)` does.
fn message_text(message: &Message) -> Option<String> {
    match message {
        Message::Text(text) => Some(text.as_str().to_string()),
        Message::Binary(data) => Some(String::from_utf8_lossy(data).into_owned()),
        _ => None,
    }
}

/// `/ws-test`: answers each JSON message with an echo envelope.
async fn echo(mut socket: Socket, shared: &Shared) {
    if matches!(shared.fault, Some(Fault::GoingAway)) {
        // The close comes after the first message or a moment after open, and nothing is echoed.
        let _ = timeout(GOING_AWAY_DELAY, socket.next()).await;
        return socket.close(close_frame(1001, "Server restarting")).await;
    }
    let tampered = matches!(shared.fault, Some(Fault::EchoMismatch));
    let plain = matches!(shared.fault, Some(Fault::PlainApp));
    loop {
        match socket.next().await {
            Event::Message(message) => {
                // A plain echo server sends back what it got, as it got it.
                if plain {
                    if message.is_text() || message.is_binary() {
                        if socket.ws.send(message).await.is_err() {
                            return;
                        }
                        socket.touch();
                    }
                    continue;
                }
                let Some(text) = message_text(&message) else {
                    continue;
                };
                if !socket.send_json(echo_reply(&text, tampered)).await {
                    return;
                }
            }
            Event::Gone => return,
            Event::Cut => return socket.reset(),
        }
    }
}

fn echo_reply(text: &str, tampered: bool) -> Value {
    if tampered {
        return json!({"type": "echo", "received": {"tampered": true}, "timestamp": now_ms()});
    }
    match serde_json::from_str::<Value>(text) {
        Ok(received) => json!({"type": "echo", "received": received, "timestamp": now_ms()}),
        Err(_) => json!({"type": "error", "message": "Invalid JSON"}),
    }
}

/// The outcome of terminal session validation.
enum Validation {
    Known,
    Unknown,
    TimedOut,
    Gone,
    Cut,
}

/// `/terminal/:sessionId`: validates the session, then runs a toy shell that echoes input.
async fn terminal(mut socket: Socket, id: &str, shared: &Shared) {
    if matches!(shared.fault, Some(Fault::GoingAway)) {
        sleep(GOING_AWAY_DELAY).await;
        return socket.close(close_frame(1001, "Server restarting")).await;
    }
    match validate(&mut socket, id, shared).await {
        Validation::Known => {}
        Validation::Gone => return,
        Validation::Cut => return socket.reset(),
        Validation::TimedOut => {
            return socket.close(close_frame(1008, "Connection timeout")).await;
        }
        Validation::Unknown => {
            let error = json!({
                "type": "error",
                "code": "SESSION_INVALID",
                "message": "Session not found or expired",
            });
            return error_then_close(socket, error, 4000, "Invalid session").await;
        }
    }
    if matches!(shared.fault, Some(Fault::ServerError)) {
        let error = json!({
            "type": "error",
            "code": "SERVER_ERROR",
            "message": "Failed to start terminal: container runtime unavailable",
        });
        return error_then_close(socket, error, 4500, "Internal server error").await;
    }

    let connected = json!({
        "type": "connected",
        "sessionId": id,
        "message": "Terminal session established",
    });
    if !socket.send_json(connected).await
        || !socket
            .send_json(json!({"type": "output", "data": "lab@wsdoctor:~$ "}))
            .await
    {
        return;
    }
    // With session-takeover, this socket is the session's newest until another one arrives.
    let mut taken_over = matches!(shared.fault, Some(Fault::SessionTakeover)).then(|| {
        let mut terminals = shared.terminals.lock().unwrap_or_else(|e| e.into_inner());
        let newest = terminals
            .entry(id.to_string())
            .or_insert_with(|| tokio::sync::watch::channel(0).0);
        let mine = *newest.borrow() + 1;
        newest.send_replace(mine);
        (newest.subscribe(), mine)
    });
    // The greet-then faults end the session a moment after the greeting, serving it until then.
    let ends_at = match shared.fault {
        Some(Fault::GreetThenClose(_, delay) | Fault::GreetThenDrop(delay)) => {
            Some(Instant::now() + delay)
        }
        _ => None,
    };
    loop {
        let event = tokio::select! {
            event = socket.next() => event,
            () = replaced(taken_over.as_mut()) => {
                return socket.close(close_frame(4001, "Session opened elsewhere")).await;
            }
            () = wait_until(ends_at) => {
                return match shared.fault {
                    Some(Fault::GreetThenClose(code, _)) => {
                        socket
                            .close(Some(CloseFrame {
                                code: CloseCode::from(code),
                                reason: "Session ended".into(),
                            }))
                            .await
                    }
                    _ => socket.reset(),
                };
            }
        };
        match event {
            Event::Message(message) => {
                let Some(text) = message_text(&message) else {
                    continue;
                };
                if !socket.send_json(terminal_reply(&text)).await {
                    return;
                }
            }
            Event::Gone => return,
            Event::Cut => return socket.reset(),
        }
    }
}

/// Resolves when a newer terminal socket for the same session has arrived; never without
/// `session-takeover`.
async fn replaced(taken_over: Option<&mut (tokio::sync::watch::Receiver<u64>, u64)>) {
    let Some((newest, mine)) = taken_over else {
        return std::future::pending().await;
    };
    while *newest.borrow_and_update() == *mine {
        if newest.changed().await.is_err() {
            return std::future::pending().await;
        }
    }
}

/// Looks the session up, bounded by the server-side validation timeout (which `policy-timeout`
/// and the store faults make the lookup exceed). Meanwhile the socket is read, so pings are
/// answered and a client that gives up is noticed.
async fn validate(socket: &mut Socket, id: &str, shared: &Shared) -> Validation {
    let invalidated = matches!(shared.fault, Some(Fault::InvalidSession));
    let limit = shared.effective_validation_timeout();
    let lookup = async {
        match shared.fault {
            Some(Fault::PolicyTimeout(_)) => std::future::pending().await,
            Some(Fault::StoreHang(_)) => {
                shared.sessions.hang(limit).await;
                std::future::pending().await
            }
            _ => !invalidated && shared.sessions.contains(id).await,
        }
    };
    tokio::pin!(lookup);
    let deadline = sleep(limit);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            // An answer already there wins over anything the client sent meanwhile.
            biased;
            known = &mut lookup => {
                return if known { Validation::Known } else { Validation::Unknown };
            }
            () = &mut deadline => return Validation::TimedOut,
            event = socket.next() => match event {
                Event::Message(_) => {}
                Event::Gone => return Validation::Gone,
                Event::Cut => return Validation::Cut,
            },
        }
    }
}

/// Sends an error message, gives it time to arrive, then closes with `code`: the platform's way of
/// telling the client why before the socket goes.
async fn error_then_close(mut socket: Socket, error: Value, code: u16, reason: &'static str) {
    if !socket.send_json(error).await {
        return;
    }
    sleep(ERROR_CLOSE_DELAY).await;
    socket.close(close_frame(code, reason)).await;
}

fn terminal_reply(text: &str) -> Value {
    if let Ok(Value::Object(message)) = serde_json::from_str::<Value>(text) {
        match message.get("type").and_then(Value::as_str) {
            Some("input") => {
                if let Some(data) = message.get("data") {
                    return json!({"type": "output", "data": data});
                }
            }
            Some("ping") => return json!({"type": "pong", "timestamp": now_ms()}),
            _ => {}
        }
    }
    json!({"type": "output", "data": text})
}
