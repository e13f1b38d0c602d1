//! The browser check's judgement: what a real browser saw, beside what the command line
//! concluded a browser would see. Pure: it reads the browser's evidence and the command-line
//! checks' reports, and says where they agree and where they differ.

use crate::diagnose::classify;
use wsdoctor_model::evidence::{
    BrowserDetail, BrowserFetch, BrowserSocket, Comparison, SocketRole,
};
use wsdoctor_model::{Cause, CheckId, CheckReport, Finding, Notice, Status};

/// Why a browser refused to send a request at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Block {
    /// An https page and an insecure (`ws://`, `http://`) URL.
    MixedContent,
    /// A public page reaching a local address without the user's permission.
    LocalNetworkAccess,
    /// A URL `new WebSocket()` refuses (`SyntaxError`).
    InvalidUrl,
    /// A certificate the browser does not accept.
    Certificate,
}

impl Block {
    fn words(self) -> &'static str {
        match self {
            Block::MixedContent => "blocked as mixed content",
            Block::LocalNetworkAccess => {
                "blocked by Local Network Access (a public page reaching a local address)"
            }
            Block::InvalidUrl => "refused as an invalid WebSocket URL",
            Block::Certificate => "refused for its certificate",
        }
    }
}

/// What a request or socket came to, as a page experiences it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum View {
    /// The socket opened and did its job (echoed; greeted and stayed up).
    Works,
    /// The browser never sent it.
    Blocked(Block),
    /// It never opened: the page sees an error and 1006, whatever happened; DevTools (and the
    /// command line) may know the handshake's status.
    NotOpened(Option<u16>),
    /// It opened, then closed with this code and reason (what `onclose` shows).
    Closed(u16, String),
    /// It opened and the server said nothing within the web client's timeout.
    TimedOut,
    /// The echo came back different.
    Mismatch,
    /// The fetch was answered with this status.
    Status(u16),
    /// The fetch's response was refused by CORS.
    Cors,
    /// The fetch failed on the network.
    NetworkError,
}

impl View {
    /// Whether the browser's view `seen` is what `self` (the command line's) says it would be.
    fn agrees_with(&self, seen: &View) -> bool {
        match (self, seen) {
            // The command line knows the reason; the browser shows it too, or the socket closed
            // without one on both sides.
            (View::Closed(code, reason), View::Closed(seen_code, seen_reason)) => {
                code == seen_code && (reason.is_empty() || reason == seen_reason)
            }
            // The page saw an error and 1006 either way; DevTools reports a refused handshake's
            // status only when its response event arrives before the page's close, which a loaded
            // machine can reorder. A status the browser did not report is no disagreement.
            (View::NotOpened(Some(_)), View::NotOpened(None)) => true,
            (expected, seen) => expected == seen,
        }
    }

    /// In words, for a socket or a fetch.
    fn words(&self) -> String {
        match self {
            View::Works => "works".to_string(),
            View::Blocked(block) => block.words().to_string(),
            View::NotOpened(Some(status)) => {
                format!(
                    "never opens: the handshake is answered {status}, and a page sees only 1006"
                )
            }
            View::NotOpened(None) => "never opens: a page sees only an error and 1006".to_string(),
            View::Closed(code, reason) if reason.is_empty() => format!("opens, then closes {code}"),
            View::Closed(code, reason) => format!("opens, then closes {code} {reason:?}"),
            View::TimedOut => "opens and stays silent past the web client's timeout".to_string(),
            View::Mismatch => "answers something other than the echo".to_string(),
            View::Status(status) => format!("answers {status}"),
            View::Cors => "is refused by CORS".to_string(),
            View::NetworkError => "fails on the network".to_string(),
        }
    }
}

/// What the command line says a browser would see, and in what words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expectation {
    /// The view.
    pub(crate) view: View,
    /// The command line's verdict in words: the check, its code and cause, its summary.
    pub(crate) words: String,
    /// Why one browser attempt may go either way, when it may: the socket failed and then
    /// worked on a retry, or only one road to it works.
    pub(crate) either_way: Option<&'static str>,
}

/// The reports of the checks the browser compares with.
pub(crate) struct CommandLine<'a> {
    /// `compared` from the runner.
    pub(crate) reports: &'a std::collections::BTreeMap<CheckId, std::sync::Arc<CheckReport>>,
    /// The dns check warned that Local Network Access would ask the user.
    pub(crate) local_network_prompt: bool,
}

impl CommandLine<'_> {
    fn report(&self, id: CheckId) -> Option<&CheckReport> {
        self.reports.get(&id).map(|r| r.as_ref())
    }

    /// What keeps every request from a browser before any check of its own: mixed content, Local
    /// Network Access, a certificate.
    fn before_any_request(&self) -> Option<Expectation> {
        if let Some(target) = self.report(CheckId::Target) {
            if let Some(finding) = &target.failure {
                if finding.cause == Cause::MixedContent {
                    return Some(Expectation {
                        view: View::Blocked(Block::MixedContent),
                        words: verdict_words(target),
                        either_way: None,
                    });
                }
            }
        }
        if self.local_network_prompt {
            return Some(Expectation {
                view: View::Blocked(Block::LocalNetworkAccess),
                words: "dns warned: a public page reaching a local address needs the user's permission (Local Network Access)".to_string(),
                either_way: None,
            });
        }
        let tls = self.report(CheckId::Tls)?;
        let finding = tls.failure.as_ref()?;
        let view = if certificate_cause(finding.cause) {
            View::Blocked(Block::Certificate)
        } else {
            View::NotOpened(None)
        };
        Some(Expectation {
            view,
            words: verdict_words(tls),
            either_way: None,
        })
    }

    /// What the command line says the page's `/health` fetch comes to; `None` when it has nothing
    /// to say (the health check did not run).
    pub(crate) fn health(&self) -> Option<Expectation> {
        if let Some(blocked) = self.before_any_request() {
            return Some(blocked);
        }
        let health = self.report(CheckId::Health)?;
        if let Some(cors) = self.report(CheckId::Cors) {
            if let Some(finding) = &cors.failure {
                // A disallowed origin refuses every response; a preflight that lacks only the
                // WebSocket headers says nothing about a plain GET.
                if finding.cause == Cause::CorsOriginNotAllowed {
                    return Some(Expectation {
                        view: View::Cors,
                        words: verdict_words(cors),
                        either_way: None,
                    });
                }
            }
        }
        let status = status_of(health);
        let view = match (health.status, status) {
            (Status::Pass | Status::Warn, _) => View::Status(status.unwrap_or(200)),
            (Status::Fail, Some(status)) => View::Status(status),
            (Status::Fail, None) => View::NetworkError,
            (Status::Skip, Some(status)) => View::Status(status),
            (Status::Skip, None) => return None,
        };
        Some(Expectation {
            view,
            words: verdict_words(health),
            either_way: None,
        })
    }

    /// What the command line says the socket comes to; `None` when its check did not run.
    pub(crate) fn socket(&self, role: SocketRole) -> Option<Expectation> {
        if let Some(blocked) = self.before_any_request() {
            return Some(blocked);
        }
        let id = match role {
            SocketRole::Echo => CheckId::Echo,
            SocketRole::Terminal => CheckId::Terminal,
        };
        let report = self.report(id)?;
        let words = verdict_words(report);
        let view = match (report.status, &report.failure) {
            (Status::Skip, _) => return None,
            (Status::Pass, _) => View::Works,
            (Status::Warn, _) => {
                // A warning about how a socket that worked got there (a retry, one road only)
                // says one browser attempt may differ; one about something else (silence,
                // lost echoes) does not.
                let cause = report
                    .warning
                    .as_ref()
                    .map(|w| w.cause)
                    .filter(|c| !c.warning_only());
                let either_way = match cause {
                    // Chromium takes the HTTP/2 road only over an HTTP/2 connection it already
                    // holds to the origin (the page's fetch may have opened one).
                    Some(Cause::AlpnMismatch) => Some("only the HTTP/2 road works: a browser holding an HTTP/2 connection to the origin gets through, one without fails"),
                    Some(_) => Some("intermittent: one browser attempt may go either way"),
                    None => None,
                };
                return Some(Expectation {
                    view: View::Works,
                    words,
                    either_way,
                });
            }
            (Status::Fail, None) => return None,
            (Status::Fail, Some(finding)) => socket_failure(report, finding.cause)?,
        };
        Some(Expectation {
            view,
            words,
            either_way: None,
        })
    }
}

/// What a failed socket check means for a page.
fn socket_failure(report: &CheckReport, cause: Cause) -> Option<View> {
    let evidence = &report.evidence.common;
    Some(match cause {
        Cause::MixedContent => View::Blocked(Block::MixedContent),
        Cause::InvalidUrl | Cause::InvalidRequest => View::Blocked(Block::InvalidUrl),
        cause if certificate_cause(cause) => View::Blocked(Block::Certificate),
        Cause::EchoMismatch => View::Mismatch,
        Cause::ClientTimeout => View::TimedOut,
        // The browser sends nothing after the greeting, so it cannot match --expect.
        Cause::ExpectNotMet => return None,
        _ => match (status_of(report), evidence.close_code) {
            (Some(status), _) if status != 101 => View::NotOpened(Some(status)),
            (_, Some(code)) => {
                View::Closed(code, evidence.close_reason.clone().unwrap_or_default())
            }
            _ => View::NotOpened(None),
        },
    })
}

/// Whether a cause is a certificate a browser would refuse too.
fn certificate_cause(cause: Cause) -> bool {
    matches!(
        cause,
        Cause::TlsUnknownIssuer
            | Cause::TlsExpired
            | Cause::TlsNotYetValid
            | Cause::TlsNameMismatch
    )
}

/// The status in a report's `status_line` (`HTTP/1.1 403 Forbidden` → 403).
fn status_of(report: &CheckReport) -> Option<u16> {
    report
        .evidence
        .common
        .status_line
        .as_deref()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// A check's verdict in words: `echo: AWS_APP_RUNNER_ERROR (app_runner_upgrade_blocked): …`.
fn verdict_words(report: &CheckReport) -> String {
    let summary = shorten(&report.summary);
    match (&report.failure, report.status) {
        (Some(finding), _) => format!(
            "{}: {} ({}): {summary}",
            report.id,
            finding.code.as_str(),
            finding.cause.as_str()
        ),
        (None, Status::Warn) => format!("{} warned: {summary}", report.id),
        (None, Status::Skip) => format!("{} skipped: {summary}", report.id),
        (None, _) => format!("{} passed: {summary}", report.id),
    }
}

/// A summary cut for a comparison line.
fn shorten(text: &str) -> String {
    const KEPT: usize = 160;
    match text.char_indices().nth(KEPT) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// The status DevTools reports for a socket accepted over HTTP/2 (the extended CONNECT's).
const OPENED_OVER_HTTP2: u16 = 200;

/// Whether a handshake status DevTools reports is the socket's acceptance: 101 over HTTP/1.1,
/// 200 over HTTP/2.
fn handshake_succeeded(status: u16) -> bool {
    status == 101 || status == OPENED_OVER_HTTP2
}

/// What the page's socket came to.
pub(crate) fn socket_view(socket: &BrowserSocket) -> View {
    let page = &socket.page;
    let wire = &socket.devtools;
    if let Some(threw) = &page.threw {
        return if threw.starts_with("SecurityError") {
            View::Blocked(Block::MixedContent)
        } else {
            View::Blocked(Block::InvalidUrl)
        };
    }
    let said = |needle: &str| wire.errors.iter().any(|e| e.contains(needle));
    if said("LOCAL_NETWORK_ACCESS") {
        return View::Blocked(Block::LocalNetworkAccess);
    }
    if said("ERR_CERT_") {
        return View::Blocked(Block::Certificate);
    }
    if said("ERR_BLOCKED_BY_MIXED_CONTENT") {
        return View::Blocked(Block::MixedContent);
    }
    if page.opened_ms.is_none() {
        return View::NotOpened(wire.status.filter(|s| !handshake_succeeded(*s)));
    }
    if page.timed_out {
        return View::TimedOut;
    }
    if page.echoed == Some(false) {
        return View::Mismatch;
    }
    match (page.closed_by_page, page.close_code) {
        (Some(_), _) => View::Works,
        (None, Some(code)) => View::Closed(code, page.close_reason.clone().unwrap_or_default()),
        (None, None) => View::Works,
    }
}

/// What the page's fetch came to.
pub(crate) fn fetch_view(fetch: &BrowserFetch) -> View {
    let blocked = fetch.blocked_reason.as_deref().unwrap_or_default();
    let cors = fetch.cors_error.as_deref().unwrap_or_default();
    let network = fetch.network_error.as_deref().unwrap_or_default();
    if blocked.contains("mixed-content") {
        View::Blocked(Block::MixedContent)
    } else if cors.contains("LocalNetworkAccess")
        || cors.contains("PrivateNetwork")
        || network.contains("LOCAL_NETWORK_ACCESS")
    {
        View::Blocked(Block::LocalNetworkAccess)
    } else if !cors.is_empty() {
        View::Cors
    } else if network.contains("ERR_CERT_") {
        View::Blocked(Block::Certificate)
    } else if let Some(status) = fetch.status {
        View::Status(status)
    } else {
        View::NetworkError
    }
}

/// The browser's account of a socket in words: what the page saw, then what DevTools adds.
pub(crate) fn socket_words(socket: &BrowserSocket, view: &View) -> String {
    let page = &socket.page;
    let wire = &socket.devtools;
    let page_saw = match view {
        View::Works => match (page.echoed, page.first_message_ms) {
            (Some(true), _) => "opened and echoed".to_string(),
            (_, Some(first)) => {
                format!("opened, got the first message after {first:.0} ms and stayed up")
            }
            _ => "opened and stayed up".to_string(),
        },
        View::Blocked(block) => match &page.threw {
            Some(threw) => format!("{}: new WebSocket() threw {threw}", block.words()),
            None => format!("{}: the page saw only an error and 1006", block.words()),
        },
        View::NotOpened(_) => format!(
            "never opened: the page saw {}close {} (wasClean {}) and nothing else",
            if page.error_event {
                "an error, then "
            } else {
                ""
            },
            page.close_code.unwrap_or(1006),
            page.was_clean.unwrap_or(false)
        ),
        View::Closed(code, reason) => format!(
            "opened, {} message{}, then closed {code}{}",
            page.messages,
            if page.messages == 1 { "" } else { "s" },
            if reason.is_empty() {
                String::new()
            } else {
                format!(" {reason:?}")
            }
        ),
        View::TimedOut => {
            let thrown = page
                .timeout_close_error
                .as_deref()
                .map(|e| format!("; the web client's close(1008) threw {e}"))
                .unwrap_or_default();
            format!("opened and heard nothing within the web client's timeout{thrown}")
        }
        View::Mismatch => "opened; the reply is not the echo".to_string(),
        other => other.words(),
    };
    // A socket over HTTP/2 (RFC 8441) is accepted with 200 to its extended CONNECT, where
    // HTTP/1.1 answers 101: either is the handshake succeeding.
    let road = if wire.created && wire.status == Some(OPENED_OVER_HTTP2) {
        " over HTTP/2"
    } else {
        ""
    };
    let devtools = match (wire.status, wire.errors.first()) {
        _ if !wire.created => String::new(),
        (Some(status), _) if !handshake_succeeded(status) => {
            format!("; DevTools saw the handshake answered {status}")
        }
        (_, Some(error)) if !matches!(view, View::Works) => format!("; DevTools: {error}"),
        _ => String::new(),
    };
    format!("{page_saw}{road}{devtools}")
}

/// The browser's account of the fetch in words.
pub(crate) fn fetch_words(fetch: &BrowserFetch, view: &View) -> String {
    let over = fetch
        .protocol
        .as_deref()
        .map(|p| format!(" over {p}"))
        .unwrap_or_default();
    match view {
        View::Status(status) => format!("fetched it: {status}{over}"),
        View::Cors => format!(
            "got no response the page may read: CORS ({})",
            fetch.cors_error.as_deref().unwrap_or("refused")
        ),
        View::NetworkError => format!(
            "could not fetch it ({})",
            fetch
                .network_error
                .as_deref()
                .or(fetch.error.as_deref())
                .unwrap_or("no detail")
        ),
        other => format!(
            "{}{}",
            other.words(),
            fetch
                .error
                .as_deref()
                .map(|e| format!(": the page caught {e}"))
                .unwrap_or_default()
        ),
    }
}

/// One comparison.
pub(crate) fn compare(
    subject: &str,
    browser: String,
    seen: &View,
    expected: Option<Expectation>,
) -> Comparison {
    match expected {
        None => Comparison {
            subject: subject.to_string(),
            browser,
            command_line: "did not check it".to_string(),
            agrees: None,
        },
        Some(expected) => {
            let agrees = expected.either_way.is_some() || expected.view.agrees_with(seen);
            let command_line = if let Some(why) = expected.either_way {
                format!("{} ({why})", expected.words)
            } else if agrees {
                expected.words
            } else {
                format!(
                    "{}, so a browser would see: {}",
                    expected.words,
                    expected.view.words()
                )
            };
            Comparison {
                subject: subject.to_string(),
                browser,
                command_line,
                agrees: Some(agrees),
            }
        }
    }
}

/// The browser's view of a socket in a few words, for the check's summary line.
pub(crate) fn short(subject: &str, view: &View) -> String {
    let what = match view {
        View::Works => "worked".to_string(),
        View::Blocked(Block::MixedContent) => "blocked (mixed content)".to_string(),
        View::Blocked(Block::LocalNetworkAccess) => "blocked (Local Network Access)".to_string(),
        View::Blocked(Block::InvalidUrl) => "refused (invalid URL)".to_string(),
        View::Blocked(Block::Certificate) => "refused (certificate)".to_string(),
        View::NotOpened(Some(status)) => format!("1006 (handshake {status})"),
        View::NotOpened(None) => "1006 (never opened)".to_string(),
        View::Closed(code, _) => format!("closed {code}"),
        View::TimedOut => "silent (timed out)".to_string(),
        View::Mismatch => "wrong echo".to_string(),
        View::Status(status) => status.to_string(),
        View::Cors => "refused by CORS".to_string(),
        View::NetworkError => "network error".to_string(),
    };
    format!("{subject} {what}")
}

/// Why the browser is not started when only public addresses may be reached.
pub(crate) fn public_only() -> Finding {
    classify::finding(
        Cause::AddressDenied,
        "the browser was not started: it resolves names and connects on its own, where the rule that only public addresses may be reached cannot be enforced",
    )
}

/// A browser that could not run, as `why` says; `executable` is the one given.
pub(crate) fn unavailable(why: &str, executable: &std::path::Path) -> Finding {
    classify::finding(
        Cause::BrowserUnavailable,
        format!(
            "the browser could not run: {why} ({})",
            executable.display()
        ),
    )
}

/// Whether the page was granted Local Network Access, and why, for the evidence.
pub(crate) fn local_network_access(granted: bool, origin: &str) -> String {
    if granted {
        format!("granted: a page on {origin} is on a local address itself, so a real browser would not ask")
    } else {
        format!("not granted: {origin} is public, so a real browser asks the user before the page reaches a private or loopback address, and this one has nobody to ask")
    }
}

/// What the browser saw of each request, beside the command line's view of it.
pub(crate) struct Compared {
    /// Each request's view in a few words, for the summary.
    pub(crate) shorts: Vec<String>,
    /// The browser refused a certificate somewhere: with --insecure that is the expected
    /// difference, and the hint says so.
    pub(crate) certificate_refused: bool,
}

/// Compares the browser's `/health` and sockets with the command line's, into
/// `detail.comparisons`.
pub(crate) fn compare_all(detail: &mut BrowserDetail, command_line: &CommandLine<'_>) -> Compared {
    let mut compared = Compared {
        shorts: Vec::new(),
        certificate_refused: false,
    };
    let mut comparisons = Vec::new();
    if let Some(fetch) = &detail.health {
        let view = fetch_view(fetch);
        compared.certificate_refused |= view == View::Blocked(Block::Certificate);
        compared.shorts.push(short("/health", &view));
        comparisons.push(compare(
            "/health",
            fetch_words(fetch, &view),
            &view,
            command_line.health(),
        ));
    }
    for socket in &detail.sockets {
        let view = socket_view(socket);
        compared.certificate_refused |= view == View::Blocked(Block::Certificate);
        compared.shorts.push(short(socket.role.as_str(), &view));
        comparisons.push(compare(
            socket.role.as_str(),
            socket_words(socket, &view),
            &view,
            command_line.socket(socket.role),
        ));
    }
    detail.comparisons.extend(comparisons);
    compared
}

/// `Chromium 156` from `HeadlessChrome/156.0.8078.108`.
pub(crate) fn browser_name(product: &str) -> String {
    let major = product
        .split_once('/')
        .map(|(_, version)| version.split('.').next().unwrap_or(version))
        .unwrap_or_default();
    format!("Chromium {major}").trim_end().to_string()
}

/// The check's verdict: agreement passes, a difference warns and names it. `insecure`: the
/// command line did not verify certificates.
pub(crate) fn verdict(
    detail: &BrowserDetail,
    compared: &Compared,
    insecure: bool,
) -> (String, Option<Notice>) {
    let name = browser_name(&detail.browser);
    let saw = compared.shorts.join(", ");
    let differing: Vec<&Comparison> = detail
        .comparisons
        .iter()
        .filter(|c| c.agrees == Some(false))
        .collect();
    if !differing.is_empty() {
        let differences: Vec<String> = differing
            .iter()
            .map(|c| {
                format!(
                    "{}: the browser {}; the command line: {}",
                    c.subject, c.browser, c.command_line
                )
            })
            .collect();
        let subjects: Vec<&str> = differing.iter().map(|c| c.subject.as_str()).collect();
        let hint = if compared.certificate_refused && insecure {
            "--insecure turned certificate verification off on the command line, and the browser verifies: users' browsers refuse this certificate too; fix the chain (or give the CA with --cacert to check a private one)"
        } else {
            "the browser is what users run: where it differs, a rule wsdoctor emulates does not hold for this browser, or the server answers browsers differently (User-Agent, cookies, the request's shape); both views are in the evidence"
        };
        return (
            format!(
                "{name} differs from the command line on {}: {saw}",
                subjects.join(", ")
            ),
            Some(Notice::of(
                Cause::BrowserDisagrees,
                differences.join("; "),
                hint,
            )),
        );
    }
    if detail.comparisons.iter().any(|c| c.agrees.is_some()) {
        (format!("{name} agrees with the command line: {saw}"), None)
    } else {
        (
            format!("{name}: {saw} (nothing on the command line to compare with)"),
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_devtools_did_not_report_agrees_with_the_command_lines_status() {
        assert!(View::NotOpened(Some(403)).agrees_with(&View::NotOpened(None)));
        assert!(View::NotOpened(Some(403)).agrees_with(&View::NotOpened(Some(403))));
        assert!(!View::NotOpened(Some(403)).agrees_with(&View::NotOpened(Some(502))));
        // The command line saw no status: a browser that did is told apart.
        assert!(!View::NotOpened(None).agrees_with(&View::NotOpened(Some(403))));
        assert!(!View::NotOpened(Some(403)).agrees_with(&View::Closed(1006, String::new())));
    }

    #[test]
    fn names_read_as_people_say_them() {
        assert_eq!(
            browser_name("HeadlessChrome/156.0.8078.108"),
            "Chromium 156"
        );
        assert_eq!(browser_name("odd"), "Chromium");
    }
    use std::collections::BTreeMap;
    use std::sync::Arc;
    use wsdoctor_model::evidence::{DevtoolsSocket, PageSocket};
    use wsdoctor_model::{Finding, Notice};

    fn failed(
        id: CheckId,
        cause: Cause,
        status_line: Option<&str>,
        close: Option<u16>,
    ) -> Arc<CheckReport> {
        let mut report = CheckReport::failed(id, Finding::new(cause, "it failed"));
        report.evidence.common.status_line = status_line.map(str::to_string);
        report.evidence.common.close_code = close;
        Arc::new(report)
    }

    fn passed(id: CheckId) -> Arc<CheckReport> {
        let mut report = CheckReport::skipped(id, "fine");
        report.status = Status::Pass;
        Arc::new(report)
    }

    fn socket(page: PageSocket, devtools: DevtoolsSocket) -> BrowserSocket {
        BrowserSocket {
            role: SocketRole::Terminal,
            url: "ws://a.test/terminal/x".into(),
            page,
            devtools,
        }
    }

    #[test]
    fn an_app_runner_403_is_1006_in_the_page_and_403_on_both_wires() {
        let mut reports = BTreeMap::new();
        reports.insert(CheckId::Target, passed(CheckId::Target));
        reports.insert(
            CheckId::Terminal,
            failed(
                CheckId::Terminal,
                Cause::AppRunnerUpgradeBlocked,
                Some("HTTP/1.1 403 Forbidden"),
                None,
            ),
        );
        let cli = CommandLine {
            reports: &reports,
            local_network_prompt: false,
        };
        let expected = cli.socket(SocketRole::Terminal).unwrap();
        assert_eq!(expected.view, View::NotOpened(Some(403)));
        let seen = socket(
            PageSocket {
                error_event: true,
                close_code: Some(1006),
                was_clean: Some(false),
                ..PageSocket::default()
            },
            DevtoolsSocket {
                created: true,
                status: Some(403),
                errors: vec![
                    "Error during WebSocket handshake: Unexpected response code: 403".into(),
                ],
                closed: true,
                ..DevtoolsSocket::default()
            },
        );
        let view = socket_view(&seen);
        assert_eq!(view, View::NotOpened(Some(403)));
        let words = socket_words(&seen, &view);
        assert!(
            words.contains("close 1006") && words.contains("answered 403"),
            "{words}"
        );
        let comparison = compare("terminal", words, &view, Some(expected));
        assert_eq!(comparison.agrees, Some(true));
        assert!(comparison.command_line.contains("AWS_APP_RUNNER_ERROR"));
    }

    #[test]
    fn mixed_content_on_the_command_line_blocks_every_request() {
        let mut reports = BTreeMap::new();
        reports.insert(
            CheckId::Target,
            failed(CheckId::Target, Cause::MixedContent, None, None),
        );
        reports.insert(CheckId::Echo, passed(CheckId::Echo));
        reports.insert(CheckId::Health, passed(CheckId::Health));
        let cli = CommandLine {
            reports: &reports,
            local_network_prompt: false,
        };
        assert_eq!(
            cli.socket(SocketRole::Echo).unwrap().view,
            View::Blocked(Block::MixedContent)
        );
        assert_eq!(
            cli.health().unwrap().view,
            View::Blocked(Block::MixedContent)
        );
        let threw = socket(
            PageSocket {
                threw: Some("SecurityError: Failed to construct 'WebSocket': An insecure WebSocket connection may not be initiated from a page loaded over HTTPS.".into()),
                ..PageSocket::default()
            },
            DevtoolsSocket::default(),
        );
        assert_eq!(socket_view(&threw), View::Blocked(Block::MixedContent));
        let fetch = BrowserFetch {
            blocked_reason: Some("mixed-content".into()),
            error: Some("TypeError: Failed to fetch".into()),
            ..BrowserFetch::default()
        };
        assert_eq!(fetch_view(&fetch), View::Blocked(Block::MixedContent));
    }

    #[test]
    fn a_fetch_refused_for_a_more_private_address_space_is_local_network_access() {
        for cors in [
            "InsecurePrivateNetwork",
            "LocalNetworkAccessPermissionDenied",
            "LocalNetworkAccess (from the console)",
        ] {
            let fetch = BrowserFetch {
                cors_error: Some(cors.into()),
                error: Some("TypeError: Failed to fetch".into()),
                ..BrowserFetch::default()
            };
            assert_eq!(
                fetch_view(&fetch),
                View::Blocked(Block::LocalNetworkAccess),
                "{cors}"
            );
        }
        let refused = BrowserFetch {
            cors_error: Some("MissingAllowOriginHeader".into()),
            ..BrowserFetch::default()
        };
        assert_eq!(fetch_view(&refused), View::Cors);
    }

    #[test]
    fn close_codes_and_reasons_must_match() {
        let mut report = CheckReport::failed(
            CheckId::Terminal,
            Finding::new(Cause::ServerError, "closed 4500"),
        );
        report.evidence.common.close_code = Some(4500);
        report.evidence.common.close_reason = Some("Internal server error".into());
        let mut reports = BTreeMap::new();
        reports.insert(CheckId::Terminal, Arc::new(report));
        let cli = CommandLine {
            reports: &reports,
            local_network_prompt: false,
        };
        let expected = cli.socket(SocketRole::Terminal).unwrap();
        let closed = |code, reason: &str| {
            socket_view(&socket(
                PageSocket {
                    opened_ms: Some(1.0),
                    messages: 1,
                    close_code: Some(code),
                    close_reason: Some(reason.into()),
                    ..PageSocket::default()
                },
                DevtoolsSocket::default(),
            ))
        };
        assert!(expected
            .view
            .agrees_with(&closed(4500, "Internal server error")));
        assert!(!expected.view.agrees_with(&closed(4500, "something else")));
        assert!(!expected.view.agrees_with(&closed(1006, "")));
        let differs = compare(
            "terminal",
            "opened, then closed 1006".into(),
            &closed(1006, ""),
            Some(expected),
        );
        assert_eq!(differs.agrees, Some(false));
        assert!(
            differs
                .command_line
                .contains("a browser would see: opens, then closes 4500"),
            "{}",
            differs.command_line
        );
    }

    #[test]
    fn a_socket_that_only_worked_on_a_retry_may_go_either_way() {
        let mut report = CheckReport::skipped(CheckId::Echo, "echo round trip 1 ms");
        report.status = Status::Warn;
        report.warning = Some(Notice::of(Cause::AbnormalClose, "2 of 3 failed", "hint"));
        let mut reports = BTreeMap::new();
        reports.insert(CheckId::Echo, Arc::new(report));
        let cli = CommandLine {
            reports: &reports,
            local_network_prompt: false,
        };
        let expected = cli.socket(SocketRole::Echo).unwrap();
        assert!(expected.either_way.is_some());
        let comparison = compare(
            "echo",
            "x".into(),
            &View::Closed(1006, String::new()),
            Some(expected),
        );
        assert_eq!(comparison.agrees, Some(true));
        assert!(comparison.command_line.contains("intermittent"));
    }

    #[test]
    fn a_socket_that_works_only_over_http2_may_go_either_way_in_a_browser() {
        let mut report = CheckReport::skipped(CheckId::Terminal, "over HTTP/2 only");
        report.status = Status::Warn;
        report.warning = Some(Notice::of(Cause::AlpnMismatch, "HTTP/1.1 refused", "hint"));
        let mut reports = BTreeMap::new();
        reports.insert(CheckId::Terminal, Arc::new(report));
        let cli = CommandLine {
            reports: &reports,
            local_network_prompt: false,
        };
        let expected = cli.socket(SocketRole::Terminal).unwrap();
        let comparison = compare(
            "terminal",
            "x".into(),
            &View::NotOpened(None),
            Some(expected),
        );
        assert_eq!(comparison.agrees, Some(true));
        assert!(
            comparison
                .command_line
                .contains("only the HTTP/2 road works"),
            "{}",
            comparison.command_line
        );
    }

    #[test]
    fn a_page_that_closed_its_socket_after_the_job_worked() {
        let worked = socket(
            PageSocket {
                opened_ms: Some(2.0),
                messages: 1,
                first_message_ms: Some(1.0),
                closed_by_page: Some(1000),
                close_code: Some(1000),
                was_clean: Some(true),
                ..PageSocket::default()
            },
            DevtoolsSocket {
                created: true,
                status: Some(101),
                ..DevtoolsSocket::default()
            },
        );
        assert_eq!(socket_view(&worked), View::Works);
        let timed_out = socket(
            PageSocket {
                opened_ms: Some(2.0),
                timed_out: true,
                timeout_close_error: Some("InvalidAccessError: …".into()),
                ..PageSocket::default()
            },
            DevtoolsSocket::default(),
        );
        assert_eq!(socket_view(&timed_out), View::TimedOut);
        assert!(socket_words(&timed_out, &View::TimedOut).contains("close(1008) threw"));
    }
}
