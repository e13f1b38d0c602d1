//! WebSocket close codes: what each means by RFC 6455, on the platform the incident write-up
//! describes, and in a browser, and which cause wsdoctor files it under. One table, read by the
//! classifier and by `wsdoctor explain 1006` alike, so the two cannot disagree.

use crate::codes::{Cause, Code};
use serde::Serialize;

/// What one close code means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CloseMeaning {
    /// The code.
    pub code: u16,
    /// Its name in RFC 6455 / the IANA registry, or the range it falls in.
    pub name: &'static str,
    /// Whether an endpoint may put it in a close frame (1005, 1006 and 1015 are only ever
    /// reported, never sent).
    pub sendable: bool,
    /// What it means on the platform of the incident write-up (its web client, its backend).
    pub platform: &'static str,
    /// What a browser does with it, and what page scripts can see.
    pub browser: &'static str,
    /// The cause wsdoctor files a server-sent close with this code under (after at least one
    /// message; a silent 1000 straight after the handshake is `no_route_after_open`).
    pub cause: Cause,
    /// The failures a browser hides behind this code, which wsdoctor tells apart (non-empty for
    /// 1006 only: every way a socket fails without a close frame looks the same to a page).
    pub reported_for: &'static [Code],
}

/// What a browser reports as 1006.
const HIDDEN_BEHIND_1006: &[Code] = &[
    Code::AwsAppRunnerError,
    Code::UpgradeRejected,
    Code::AbnormalClosure,
    Code::IdleTimeout,
    Code::TlsError,
    Code::ConnectionFailed,
    Code::ProxyError,
    Code::ServerError,
];

const BROWSER_SENDS_ONLY: &str = "page scripts may only send 1000 or 3000–4999 themselves: WebSocket.close(code) throws InvalidAccessError for any other code";

/// The meaning of a close code; codes outside every registered range come back as "not a valid
/// close code".
pub fn meaning(code: u16) -> CloseMeaning {
    let (name, sendable, platform, browser) = match code {
        1000 => ("Normal Closure", true, "the session ended on purpose; straight after the handshake with no message, the backend accepted the socket but had nothing routed behind it", "onclose fires with wasClean = true"),
        1001 => ("Going Away", true, "the server is shutting down or redeploying (App Runner sends it when an instance is replaced)", "also what a browser sends when the page navigates away; the client reconnects"),
        1002 => ("Protocol Error", true, "an endpoint received a frame that breaks RFC 6455 (masking, reserved bits, fragmented control frame)", "a browser fails the socket itself and reports 1006 rather than sending 1002"),
        1003 => ("Unsupported Data", true, "binary data where the terminal protocol expects JSON text, or the reverse", "onclose shows 1003"),
        1004 => ("Reserved", false, "no meaning; a server sending it is broken", "the browser fails the socket and reports 1006"),
        1005 => ("No Status Received", false, "the server sent a close frame without a code: nothing went wrong that the server will admit to", "reported when the close frame carries no code; it can never be sent"),
        1006 => ("Abnormal Closure", false, "the incident's code: the connection ended without a close frame — a proxy cut the upgraded connection (App Runner, nginx without Upgrade headers, an ALB idle timeout), the handshake was refused, or TLS failed", "reported, never sent: the browser hides the real reason from scripts (a refused upgrade, a 502, a certificate error and a dropped TCP connection all look the same); only the devtools console shows it"),
        1007 => ("Invalid Frame Payload Data", true, "a text message that is not valid UTF-8", "a browser fails the socket and reports 1006 when the server sends invalid UTF-8"),
        1008 => ("Policy Violation", true, "the backend's validation timeout (\"Connection timeout\" after 30 s without a valid first message) or an origin refusal (\"origin not allowed\") — the reason text tells them apart", "only the server sends it: a browser cannot, so a web client's close(1008, …) throws instead of closing"),
        1009 => ("Message Too Big", true, "a message over the backend's limit", "onclose shows 1009"),
        1010 => ("Mandatory Extension", true, "the client required an extension the server did not negotiate", "browsers do not send it"),
        1011 => ("Internal Error", true, "the backend hit an unexpected condition (a crash in the session handler)", "onclose shows 1011; the web client treats it as a server error"),
        1012 => ("Service Restart", true, "the backend is restarting; reconnect later", "onclose shows 1012"),
        1013 => ("Try Again Later", true, "the backend is overloaded; reconnect with backoff", "onclose shows 1013"),
        1014 => ("Bad Gateway", true, "a gateway got an invalid response from the server behind it", "onclose shows 1014"),
        1015 => ("TLS Handshake", false, "the TLS handshake failed (certificate, protocol version)", "reported, never sent; most browsers report 1006 instead"),
        1016..=2999 => ("Reserved for RFC 6455 extensions", false, "not assigned; a server sending it is broken", "the browser fails the socket and reports 1006"),
        3000..=3999 => ("Registered (libraries and frameworks)", true, "a library-defined code (3000 Unauthorized, 3003 Forbidden, 3008 Timeout by convention)", "onclose shows the code"),
        4000 => ("Invalid session (private use)", true, "the session id is unknown, expired or owned by someone else: the web client stops retrying and asks for a new session", "onclose shows 4000 with the server's reason"),
        4001..=4499 => ("Private use", true, "application-defined; wsdoctor reads a reason mentioning session, auth, token or expiry as an invalid session, anything else as a server error", "onclose shows the code"),
        4500..=4999 => ("Server error (private use)", true, "the web client's reading of any code ≥ 4500: the backend failed while serving the session", "onclose shows the code; the web client shows a server error"),
        _ => ("Not a valid close code", false, "no endpoint may send it", "the browser fails the socket and reports 1006"),
    };
    CloseMeaning {
        code,
        name,
        sendable,
        platform,
        browser,
        cause: cause(code, "", 1),
        reported_for: if code == 1006 {
            HIDDEN_BEHIND_1006
        } else {
            &[]
        },
    }
}

/// The rule every page script lives by, which explains why some codes only ever come from servers.
pub fn browser_sending_rule() -> &'static str {
    BROWSER_SENDS_ONLY
}

/// The cause a close frame the server sent stands for: `reason` is its reason text, and
/// `messages_seen` the messages that arrived before it (a 1000 before any is a backend with
/// nothing behind the socket, not a goodbye).
pub fn cause(code: u16, reason: &str, messages_seen: usize) -> Cause {
    let reason = reason.to_ascii_lowercase();
    let about_auth = ["session", "auth", "token", "expired", "unauthor"]
        .iter()
        .any(|w| reason.contains(w));
    match code {
        1000 | 1005 if messages_seen == 0 => Cause::NoRouteAfterOpen,
        1000 | 1005 | 1001 | 1012 | 1013 => Cause::ServerGoingAway,
        1008 if reason.contains("origin") => Cause::OriginRejected,
        1008 => Cause::ServerTimeout,
        4000 => Cause::SessionInvalid,
        4001..=4499 if about_auth => Cause::SessionInvalid,
        1004 | 1006 | 1015 | 0..=999 | 1016..=2999 | 5000.. => Cause::InvalidCloseCode,
        _ => Cause::ServerError,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_map_as_the_web_client_reads_them() {
        assert_eq!(cause(4000, "Invalid session", 1), Cause::SessionInvalid);
        assert_eq!(cause(1008, "Connection timeout", 0), Cause::ServerTimeout);
        assert_eq!(cause(1008, "Origin not allowed", 0), Cause::OriginRejected);
        assert_eq!(cause(4500, "", 1), Cause::ServerError);
        assert_eq!(cause(1011, "", 1), Cause::ServerError);
        assert_eq!(cause(1001, "", 0), Cause::ServerGoingAway);
        assert_eq!(cause(1005, "", 0), Cause::NoRouteAfterOpen);
        assert_eq!(cause(4401, "token expired", 1), Cause::SessionInvalid);
        assert_eq!(cause(1006, "", 1), Cause::InvalidCloseCode);
    }

    #[test]
    fn codes_that_are_never_sent_say_so() {
        for code in [1005, 1006, 1015, 999, 5000] {
            assert!(!meaning(code).sendable, "{code}");
        }
        for code in [1000, 1008, 4000, 4500] {
            assert!(meaning(code).sendable, "{code}");
        }
        assert!(meaning(1006).platform.contains("proxy"));
    }
}
