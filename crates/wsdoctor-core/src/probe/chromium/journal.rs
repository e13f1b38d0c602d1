//! The DevTools event journal: the console, the sockets and the fetch as DevTools reports them, recorded as the events come in, bounded.

use super::plan::Failure;
use chromiumoxide::cdp::browser_protocol::log::{EventEntryAdded, LogEntryLevel};
use chromiumoxide::cdp::browser_protocol::network::{
    EventLoadingFailed, EventRequestWillBeSent, EventResponseReceived, EventWebSocketClosed,
    EventWebSocketCreated, EventWebSocketFrameError, EventWebSocketFrameReceived,
    EventWebSocketFrameSent, EventWebSocketHandshakeResponseReceived,
    EventWebSocketWillSendHandshakeRequest, ResourceType,
};
use chromiumoxide::Page;
use futures_util::stream::{BoxStream, StreamExt};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::watch;
use wsdoctor_model::evidence::{ConsoleEntry, DevtoolsSocket};

/// Console messages kept; a page that logs more is reported by its first ones.
const CONSOLE_ENTRIES: usize = 32;

/// Headers of a handshake kept in evidence.
const HEADERS_KEPT: usize = 32;

/// The longest text kept from the browser (a console message, a header value).
const TEXT_BYTES: usize = 512;

/// One DevTools event the check records.
pub(crate) enum Cdp {
    Log(Arc<EventEntryAdded>),
    Created(Arc<EventWebSocketCreated>),
    Request(Arc<EventWebSocketWillSendHandshakeRequest>),
    Response(Arc<EventWebSocketHandshakeResponseReceived>),
    Sent(Arc<EventWebSocketFrameSent>),
    Received(Arc<EventWebSocketFrameReceived>),
    FrameError(Arc<EventWebSocketFrameError>),
    Closed(Arc<EventWebSocketClosed>),
    FetchSent(Arc<EventRequestWillBeSent>),
    FetchAnswered(Arc<EventResponseReceived>),
    FetchFailed(Arc<EventLoadingFailed>),
}

/// Every event the check records, as one stream; subscribed before the page loads.
pub(crate) async fn events(page: &Page) -> Result<BoxStream<'static, Cdp>, Failure> {
    let fail =
        |e: chromiumoxide::error::CdpError| Failure::new(format!("listening to Chromium: {e}"));
    let streams: Vec<BoxStream<'static, Cdp>> = vec![
        page.event_listener::<EventEntryAdded>()
            .await
            .map_err(fail)?
            .map(Cdp::Log)
            .boxed(),
        page.event_listener::<EventWebSocketCreated>()
            .await
            .map_err(fail)?
            .map(Cdp::Created)
            .boxed(),
        page.event_listener::<EventWebSocketWillSendHandshakeRequest>()
            .await
            .map_err(fail)?
            .map(Cdp::Request)
            .boxed(),
        page.event_listener::<EventWebSocketHandshakeResponseReceived>()
            .await
            .map_err(fail)?
            .map(Cdp::Response)
            .boxed(),
        page.event_listener::<EventWebSocketFrameSent>()
            .await
            .map_err(fail)?
            .map(Cdp::Sent)
            .boxed(),
        page.event_listener::<EventWebSocketFrameReceived>()
            .await
            .map_err(fail)?
            .map(Cdp::Received)
            .boxed(),
        page.event_listener::<EventWebSocketFrameError>()
            .await
            .map_err(fail)?
            .map(Cdp::FrameError)
            .boxed(),
        page.event_listener::<EventWebSocketClosed>()
            .await
            .map_err(fail)?
            .map(Cdp::Closed)
            .boxed(),
        page.event_listener::<EventRequestWillBeSent>()
            .await
            .map_err(fail)?
            .map(Cdp::FetchSent)
            .boxed(),
        page.event_listener::<EventResponseReceived>()
            .await
            .map_err(fail)?
            .map(Cdp::FetchAnswered)
            .boxed(),
        page.event_listener::<EventLoadingFailed>()
            .await
            .map_err(fail)?
            .map(Cdp::FetchFailed)
            .boxed(),
    ];
    Ok(futures_util::stream::select_all(streams).boxed())
}

/// A socket as DevTools reported it, by its request id.
#[derive(Debug, Clone, Default)]
pub(crate) struct SocketSeen {
    pub(crate) id: String,
    pub(crate) url: String,
    pub(crate) seen: DevtoolsSocket,
}

/// The page's `fetch` as DevTools reported it.
#[derive(Debug, Clone, Default)]
pub(crate) struct FetchSeen {
    pub(crate) status: Option<u16>,
    pub(crate) protocol: Option<String>,
    pub(crate) blocked_reason: Option<String>,
    pub(crate) cors_error: Option<String>,
    pub(crate) network_error: Option<String>,
    /// Whether its failure has been reported (DevTools' loadingFailed, or the console's words
    /// for one DevTools could not deliver).
    pub(crate) failed: bool,
}

/// What DevTools reported, as it came in.
#[derive(Debug, Clone, Default)]
pub(crate) struct Journal {
    pub(crate) sockets: Vec<SocketSeen>,
    pub(crate) fetch: FetchSeen,
    pub(crate) fetch_ids: Vec<String>,
    pub(crate) console: Vec<ConsoleEntry>,
}

impl Journal {
    /// The socket DevTools names `id`, recorded on its first event. Each event kind arrives on a
    /// stream of its own and the streams are merged, so a socket's handshake or close may be
    /// noted before its creation: whichever comes first makes the entry.
    fn socket(&mut self, id: &str) -> Option<&mut DevtoolsSocket> {
        let index = match self.sockets.iter().position(|s| s.id == id) {
            Some(index) => index,
            None => {
                self.sockets.push(SocketSeen {
                    id: id.to_string(),
                    url: String::new(),
                    seen: DevtoolsSocket {
                        created: true,
                        ..DevtoolsSocket::default()
                    },
                });
                self.sockets.len() - 1
            }
        };
        self.sockets.get_mut(index).map(|s| &mut s.seen)
    }

    fn note(&mut self, event: Cdp) {
        match event {
            Cdp::Log(entry) => {
                let entry = &entry.entry;
                let kept = matches!(entry.level, LogEntryLevel::Error | LogEntryLevel::Warning);
                // A fetch refused for reaching a more private address space is reported on the
                // console; DevTools' own loadingFailed for it may carry a CORS error this
                // protocol version cannot name, and is then lost. The console's words stand in.
                let lowered = entry.text.to_ascii_lowercase();
                if lowered.contains("access to fetch")
                    && (lowered.contains("address space") || lowered.contains("local network"))
                    && self.fetch.cors_error.is_none()
                {
                    self.fetch.cors_error = Some("LocalNetworkAccess (from the console)".into());
                    self.fetch.failed = true;
                }
                // Likewise a fetch blocked as mixed content ("requested an insecure resource";
                // a socket's message says "insecure WebSocket endpoint" instead).
                if lowered.contains("mixed content")
                    && lowered.contains("requested an insecure resource")
                    && self.fetch.blocked_reason.is_none()
                {
                    self.fetch.blocked_reason = Some("mixed-content".into());
                    self.fetch.failed = true;
                }
                if kept && self.console.len() < CONSOLE_ENTRIES {
                    self.console.push(ConsoleEntry {
                        source: entry.source.as_ref().to_string(),
                        level: entry.level.as_ref().to_string(),
                        text: cut(&entry.text),
                    });
                }
            }
            Cdp::Created(created) => {
                let id = created.request_id.inner();
                self.socket(id);
                if let Some(socket) = self.sockets.iter_mut().find(|s| &s.id == id) {
                    socket.url.clone_from(&created.url);
                }
            }
            Cdp::Request(request) => {
                if let Some(socket) = self.socket(request.request_id.inner()) {
                    socket.request_headers = headers(request.request.headers.inner(), true);
                }
            }
            Cdp::Response(response) => {
                if let Some(socket) = self.socket(response.request_id.inner()) {
                    let r = &response.response;
                    socket.status = u16::try_from(r.status).ok();
                    socket.status_text = Some(cut(&r.status_text));
                    socket.response_headers = headers(r.headers.inner(), false);
                }
            }
            Cdp::Sent(sent) => {
                if let Some(socket) = self.socket(sent.request_id.inner()) {
                    socket.frames_sent += 1;
                }
            }
            Cdp::Received(received) => {
                if let Some(socket) = self.socket(received.request_id.inner()) {
                    socket.frames_received += 1;
                }
            }
            Cdp::FrameError(error) => {
                if let Some(socket) = self.socket(error.request_id.inner()) {
                    // A refused handshake is reported only here: "Unexpected response code: 403".
                    if socket.status.is_none() {
                        socket.status = refused_status(&error.error_message);
                    }
                    socket.errors.push(cut(&error.error_message));
                }
            }
            Cdp::Closed(closed) => {
                if let Some(socket) = self.socket(closed.request_id.inner()) {
                    socket.closed = true;
                }
            }
            Cdp::FetchSent(sent) => {
                if sent.r#type == Some(ResourceType::Fetch) {
                    self.fetch_ids.push(sent.request_id.inner().clone());
                }
            }
            Cdp::FetchAnswered(answered) => {
                if answered.r#type == ResourceType::Fetch {
                    self.fetch.status = u16::try_from(answered.response.status).ok();
                    self.fetch.protocol = answered.response.protocol.clone();
                }
            }
            Cdp::FetchFailed(failed) => {
                // A request blocked before it left (mixed content) fails without being sent.
                if failed.r#type == ResourceType::Fetch {
                    self.fetch.blocked_reason = failed
                        .blocked_reason
                        .as_ref()
                        .map(|r| r.as_ref().to_string());
                    self.fetch.cors_error = failed
                        .cors_error_status
                        .as_ref()
                        .map(|c| c.cors_error.as_ref().to_string());
                    self.fetch.network_error =
                        (!failed.error_text.is_empty()).then(|| cut(&failed.error_text));
                    self.fetch.failed = true;
                }
            }
        }
    }
}

/// Writes every event into the journal and says so.
pub(crate) async fn record(
    mut events: BoxStream<'static, Cdp>,
    journal: Arc<watch::Sender<Journal>>,
) {
    while let Some(event) = events.next().await {
        journal.send_modify(|j| j.note(event));
    }
}

/// The status a refused handshake names (`Unexpected response code: 403`).
pub(crate) fn refused_status(message: &str) -> Option<u16> {
    let (_, code) = message.split_once("Unexpected response code: ")?;
    code.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Headers from DevTools, bounded; a request's cookies by name only, and no value of a secret
/// header (Set-Cookie, Authorization): they are secrets the run may not even know about.
pub(crate) fn headers(value: &serde_json::Value, request: bool) -> BTreeMap<String, String> {
    let Some(map) = value.as_object() else {
        return BTreeMap::new();
    };
    map.iter()
        .take(HEADERS_KEPT)
        .map(|(name, value)| {
            let text = value.as_str().unwrap_or_default();
            let shown = if crate::settings::is_secret_header(name)
                && !(request && name.eq_ignore_ascii_case("cookie"))
            {
                // Set-Cookie, Authorization and the like: values the run may not know to mask.
                "(value not shown)".to_string()
            } else if request && name.eq_ignore_ascii_case("cookie") {
                let names: Vec<&str> = text
                    .split(';')
                    .filter_map(|c| c.split_once('=').map(|(n, _)| n.trim()))
                    .collect();
                format!("{} (values not shown)", names.join(", "))
            } else {
                cut(text)
            };
            (name.to_ascii_lowercase(), shown)
        })
        .collect()
}

/// Text from the browser, at most [`TEXT_BYTES`] bytes on a character boundary.
pub(crate) fn cut(text: &str) -> String {
    if text.len() <= TEXT_BYTES {
        return text.to_string();
    }
    let mut end = TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_handshake_names_its_status() {
        assert_eq!(
            refused_status("Error during WebSocket handshake: Unexpected response code: 403"),
            Some(403)
        );
        assert_eq!(
            refused_status("Error in connection establishment: net::ERR_CONNECTION_REFUSED"),
            None
        );
    }

    #[test]
    fn request_cookies_are_shown_by_name_only() {
        let shown = headers(
            &serde_json::json!({"Cookie": "sid=s3cret; theme=dark", "Origin": "https://a.test"}),
            true,
        );
        assert_eq!(shown["cookie"], "sid, theme (values not shown)");
        assert_eq!(shown["origin"], "https://a.test");
        assert!(!format!("{shown:?}").contains("s3cret"));
    }

    #[test]
    fn secret_headers_show_no_value_either_way() {
        let response = headers(
            &serde_json::json!({"Set-Cookie": "sid=s3cret; HttpOnly", "Server": "envoy"}),
            false,
        );
        assert_eq!(response["set-cookie"], "(value not shown)");
        assert_eq!(response["server"], "envoy");
        let request = headers(&serde_json::json!({"Authorization": "Bearer t0ken"}), true);
        assert_eq!(request["authorization"], "(value not shown)");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let long = "é".repeat(400);
        let cut = cut(&long);
        assert!(cut.len() <= TEXT_BYTES + '…'.len_utf8());
        assert!(cut.ends_with('…'));
    }
}
