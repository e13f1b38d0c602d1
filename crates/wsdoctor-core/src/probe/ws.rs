//! The WebSocket handshake and conversation through tokio-tungstenite, on a stream this tool
//! opened, so the handshake is timed by itself.

use super::request;
use super::stream::Conn;
use super::OsError;
use futures_util::{SinkExt, StreamExt};
use http::{HeaderMap, StatusCode};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::WebSocketStream;

/// An open socket.
pub(crate) type Socket = WebSocketStream<Conn>;

/// Limits on what a server may send us; a probe must not be made to allocate without bound.
pub(crate) fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(1024 * 1024))
        .max_frame_size(Some(1024 * 1024))
}

/// Why the upgrade did not produce a socket.
#[derive(Debug, Clone)]
pub(crate) enum OpenFailure {
    /// The request could not be built from the URL or a header.
    InvalidRequest(String),
    /// A non-101 answer.
    Rejected {
        /// Its status.
        status: StatusCode,
        /// Its headers.
        headers: HeaderMap,
        /// Its body (tungstenite reads a bounded amount).
        body: Vec<u8>,
    },
    /// A 101 that is not a valid WebSocket handshake.
    InvalidHandshake(String),
    /// No answer within the timeout.
    Timeout(Duration),
    /// The connection broke during the handshake.
    Io(OsError),
}

/// A successful upgrade.
pub(crate) struct Opened {
    /// The socket.
    pub(crate) socket: Socket,
    /// The 101's headers.
    pub(crate) headers: HeaderMap,
    /// Time from sending the upgrade to the 101.
    pub(crate) handshake: Duration,
}

/// Sends the upgrade for `url` on `conn` with `headers`.
pub(crate) async fn open(
    conn: Conn,
    url: &str,
    headers: &[(String, String)],
    timeout: Duration,
) -> Result<Opened, OpenFailure> {
    let mut request = url
        .into_client_request()
        .map_err(|e| OpenFailure::InvalidRequest(e.to_string()))?;
    for (name, value) in headers {
        let (name, value) = request::header(name, value).map_err(OpenFailure::InvalidRequest)?;
        request.headers_mut().insert(name, value);
    }
    let start = Instant::now();
    let outcome = tokio::time::timeout(
        timeout,
        tokio_tungstenite::client_async_with_config(request, conn, Some(socket_config())),
    )
    .await;
    let handshake = start.elapsed();
    match outcome {
        Err(_) => Err(OpenFailure::Timeout(timeout)),
        Ok(Ok((socket, response))) => Ok(Opened {
            socket,
            headers: response.headers().clone(),
            handshake,
        }),
        Ok(Err(tungstenite::Error::Http(response))) => {
            let (parts, body) = response.into_parts();
            Err(OpenFailure::Rejected {
                status: parts.status,
                headers: parts.headers,
                body: body.unwrap_or_default(),
            })
        }
        Ok(Err(tungstenite::Error::Protocol(e))) => {
            Err(OpenFailure::InvalidHandshake(e.to_string()))
        }
        Ok(Err(tungstenite::Error::Url(e))) => Err(OpenFailure::InvalidRequest(e.to_string())),
        // The request was validated above, so a malformed HTTP message now is the server's.
        Ok(Err(tungstenite::Error::HttpFormat(e))) => {
            Err(OpenFailure::InvalidHandshake(e.to_string()))
        }
        Ok(Err(tungstenite::Error::Io(e))) => Err(OpenFailure::Io(OsError::from_io(&e))),
        Ok(Err(e)) => Err(OpenFailure::InvalidHandshake(e.to_string())),
    }
}

/// How a socket ended, as seen by the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ending {
    /// The server sent a close frame.
    Closed {
        /// The close code (1005 when the frame had no status).
        code: u16,
        /// The reason text.
        reason: String,
    },
    /// The TCP connection ended without a close frame (browsers: 1006).
    Abnormal(String),
    /// Nothing ended it within the time we waited.
    StillOpen,
}

/// A message the server sent, with its arrival time.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    /// Text (binary is shown as a byte count).
    pub(crate) text: String,
    /// Time since the socket opened.
    pub(crate) at: Duration,
}

/// Reads the next data message, or how the socket ended, waiting at most `wait`.
///
/// Pings are answered by tungstenite as they are read; they are counted, not returned.
pub(crate) async fn next_message(
    socket: &mut Socket,
    wait: Duration,
    opened_at: Instant,
    pings: &mut u32,
) -> Result<Received, Ending> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let next = match tokio::time::timeout_at(deadline, socket.next()).await {
            Err(_) => return Err(Ending::StillOpen),
            Ok(next) => next,
        };
        match next {
            None => {
                return Err(Ending::Abnormal(
                    "the connection ended without a close frame".into(),
                ))
            }
            Some(Ok(Message::Text(text))) => {
                return Ok(Received {
                    text: text.to_string(),
                    at: opened_at.elapsed(),
                })
            }
            Some(Ok(Message::Binary(bytes))) => {
                return Ok(Received {
                    text: format!("<{} bytes of binary>", bytes.len()),
                    at: opened_at.elapsed(),
                })
            }
            Some(Ok(Message::Ping(_))) => *pings += 1,
            Some(Ok(Message::Pong(_) | Message::Frame(_))) => {}
            Some(Ok(Message::Close(frame))) => return Err(close_ending(frame)),
            Some(Err(e)) => return Err(error_ending(e)),
        }
    }
}

fn close_ending(frame: Option<CloseFrame>) -> Ending {
    match frame {
        Some(frame) => Ending::Closed {
            code: u16::from(frame.code),
            reason: frame.reason.to_string(),
        },
        None => Ending::Closed {
            code: 1005,
            reason: String::new(),
        },
    }
}

/// Whether an error is the peer resetting (or aborting) the TCP connection, rather than an
/// orderly end of stream.
pub(crate) fn is_reset(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(io) if OsError::from_io(io).is_reset())
}

/// How a read or write error ended the socket: always without a close frame (1006).
pub(crate) fn error_ending(e: tungstenite::Error) -> Ending {
    match e {
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            Ending::Abnormal("the connection ended without a close frame".into())
        }
        tungstenite::Error::Protocol(
            tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
        ) => Ending::Abnormal("the connection was reset without a closing handshake".into()),
        tungstenite::Error::Io(io) => Ending::Abnormal(format!("{io}")),
        other => Ending::Abnormal(other.to_string()),
    }
}

/// Sends a text message.
pub(crate) async fn send_text(
    socket: &mut Socket,
    text: &str,
    wait: Duration,
) -> Result<(), Ending> {
    match tokio::time::timeout(wait, socket.send(Message::text(text))).await {
        Err(_) => Err(Ending::StillOpen),
        Ok(Err(e)) => Err(error_ending(e)),
        Ok(Ok(())) => Ok(()),
    }
}

/// Closes with 1000 and waits briefly for the server's close, as a well-behaved client does.
pub(crate) async fn close_normally(mut socket: Socket, wait: Duration) {
    let frame = CloseFrame {
        code: tungstenite::protocol::frame::coding::CloseCode::Normal,
        reason: "wsdoctor done".into(),
    };
    let _ = tokio::time::timeout(wait, async {
        if socket.close(Some(frame)).await.is_ok() {
            while let Some(Ok(_)) = socket.next().await {}
        }
    })
    .await;
}
