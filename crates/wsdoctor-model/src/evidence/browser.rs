//! The browser check's facts: what a real Chromium's page and DevTools saw, beside the command
//! line's verdict.

use serde::Serialize;
use std::collections::BTreeMap;

/// How Chromium's sandbox ran for the browser check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Sandbox {
    /// Sandboxed, as a user's browser is.
    On,
    /// Off because wsdoctor runs as root, where Chromium refuses its sandbox (`--no-sandbox`).
    OffAsRoot,
    /// Off because this machine cannot give Chromium one (no user namespaces, no setuid helper).
    OffUnavailable,
}

impl Sandbox {
    /// The value in evidence.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// In words, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Sandbox::On => "sandboxed",
            Sandbox::OffAsRoot => "sandbox off (--no-sandbox: running as root)",
            Sandbox::OffUnavailable => {
                "sandbox off (--no-sandbox: this machine cannot give Chromium one)"
            }
        }
    }
}

/// Which of the web client's sockets a browser socket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SocketRole {
    /// The `/ws-test` echo socket (or the socket URL of a ws target).
    Echo,
    /// The session's terminal socket.
    Terminal,
}

impl SocketRole {
    /// The role's name, as the command line's check of the same socket is called.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// `/health` fetched by the page's script, as the page and DevTools saw it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BrowserFetch {
    /// The URL fetched.
    pub url: String,
    /// The request's credentials mode (`include`, as the web client sends its cookies).
    pub credentials: String,
    /// The status the script got, when it got a response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// What the script caught instead (`TypeError: Failed to fetch`: all a page learns of a
    /// blocked or failed request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Why the browser blocked the request before sending it (DevTools: `mixed-content`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_reason: Option<String>,
    /// The CORS verdict when CORS refused the response (DevTools' `corsError`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cors_error: Option<String>,
    /// The network error (DevTools' `errorText`, `net::ERR_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_error: Option<String>,
    /// The protocol the response came over (`http/1.1`, `h2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Request → response (or failure), as the script timed it.
    pub duration_ms: f64,
}

/// A socket as the page's script saw it: `new WebSocket(url)` and its events. (It is read back
/// from the page as JSON, hence `Deserialize`.)
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PageSocket {
    /// What `new WebSocket(url)` threw, when it did (a `SecurityError` for mixed content).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threw: Option<String>,
    /// `onopen`, in ms after the constructor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opened_ms: Option<f64>,
    /// Whether `onerror` fired (it carries no detail in any browser).
    pub error_event: bool,
    /// Messages received.
    pub messages: u32,
    /// The first message, in ms after `onopen`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_message_ms: Option<f64>,
    /// The last message received (at most 512 bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_message: Option<String>,
    /// Whether the echo came back as sent (the echo socket only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub echoed: Option<bool>,
    /// Whether the web client's timeout expired before the server's first message.
    pub timed_out: bool,
    /// What the web client's `close(1008, …)` on its timeout threw: a page may only send 1000 or
    /// 3000–4999.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_close_error: Option<String>,
    /// `onclose`'s `code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_code: Option<u16>,
    /// `onclose`'s `reason`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<String>,
    /// `onclose`'s `wasClean`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub was_clean: Option<bool>,
    /// The code the page closed the socket with once it had done its job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_by_page: Option<u16>,
}

/// A socket as DevTools saw it on the wire (the Network domain's WebSocket events).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DevtoolsSocket {
    /// `webSocketCreated`: the browser let the socket start.
    pub created: bool,
    /// The upgrade request as the browser sent it (`Origin`, `Cookie` names, `User-Agent`…).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub request_headers: BTreeMap<String, String>,
    /// The handshake's status: the response's, or the one named in the failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Its status text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_text: Option<String>,
    /// The handshake response's headers.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub response_headers: BTreeMap<String, String>,
    /// Frames the page sent.
    pub frames_sent: u32,
    /// Frames the server sent.
    pub frames_received: u32,
    /// `webSocketFrameError`s: the browser's own account of what failed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// `webSocketClosed`.
    pub closed: bool,
}

/// One socket of the browser check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrowserSocket {
    /// Which socket.
    pub role: SocketRole,
    /// The URL the page opened.
    pub url: String,
    /// What the page's script saw.
    pub page: PageSocket,
    /// What DevTools saw.
    pub devtools: DevtoolsSocket,
}

/// A console message the browser logged (errors and warnings: mixed content, CORS, a failed
/// socket).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsoleEntry {
    /// Who logged it (`security`, `network`, `javascript`…).
    pub source: String,
    /// `error` or `warning`.
    pub level: String,
    /// The message (at most 512 bytes).
    pub text: String,
}

/// What the browser saw beside what the command line concluded, for one request or socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// What is compared: `/health`, `echo`, `terminal`.
    pub subject: String,
    /// What the browser saw, in words.
    pub browser: String,
    /// What the command line concluded a browser would see, in words.
    pub command_line: String,
    /// Whether the two agree; `None` when the command line has nothing to compare with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agrees: Option<bool>,
}

/// The browser check's facts: a real Chromium opened the same page, fetch and sockets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrowserDetail {
    /// The browser as it names itself (`HeadlessChrome/156.0.8078.108`).
    pub browser: String,
    /// The executable run.
    pub executable: String,
    /// Whether its sandbox was on.
    pub sandbox: Sandbox,
    /// The page's origin as its script read it (`location.origin`).
    pub page_origin: String,
    /// Switches that change what this browser resolves or trusts, for this run only
    /// (`--host-resolver-rules`, `--ignore-certificate-errors-spki-list`, the proxy).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub switches: Vec<String>,
    /// Local Network Access for the page: granted as a real page on that origin would need no
    /// prompt, or left to the browser (which refuses without a user to ask), and why.
    pub local_network_access: String,
    /// The names of the cookies given with `-H 'Cookie: …'`, set in the browser for the target.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cookies: Vec<String>,
    /// `/health` fetched from the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<BrowserFetch>,
    /// The sockets the page opened.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sockets: Vec<BrowserSocket>,
    /// What the browser logged (errors and warnings).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub console: Vec<ConsoleEntry>,
    /// The browser's view beside the command line's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comparisons: Vec<Comparison>,
}
