//! `wsdoctor serve`'s `debug=true` (blackbox_exporter's): the probe's wire trace, report and
//! would-be metrics as text instead of an exposition; and the status page's links to each recent
//! probe's report. Through the exporter's HTTP interface, against the lab's faults, with a
//! session and a bearer token that come from the environment through the config file and must
//! never appear.

use crate::serve::{config, http, sample, Server};
use crate::support::TestLab;
use std::path::Path;
use std::process::Command;
use wsdoctor_lab::{LabOptions, DEFAULT_ORIGIN};

/// A session id the lab accepts, recognisable wherever it might leak.
const SESSION: &str = "SESSION-SECRET-4c1e8b";
/// A bearer token sent on every request and upgrade.
const TOKEN: &str = "BEARERTOKEN-92d0";
/// A token in a URL target's query.
const URL_TOKEN: &str = "URLTOKEN-5e1d77";

fn lab(fault: Option<&str>) -> TestLab {
    TestLab::start(LabOptions {
        sessions: vec![SESSION.to_string()],
        fault: fault.map(|f| f.parse().expect("a fault")),
        ..LabOptions::default()
    })
}

/// An exporter whose config takes the session and the token from its environment, in the
/// `traced` module, with `extra` appended to the file.
fn exporter(dir: &Path, lab: &TestLab, extra: &str, args: &[&str]) -> Server {
    let file = config(
        dir,
        &format!(
            r#"
[defaults]
origin = "{DEFAULT_ORIGIN}"
attempts = 1
timeout = "5s"

[[targets]]
name = "lab"
url = "{}"

[modules.traced]
session = "${{WSD_DEBUG_SESSION}}"
header = ["Authorization: Bearer ${{WSD_DEBUG_TOKEN}}"]

[modules.quick]
only = ["health"]
{extra}
"#,
            lab.url
        ),
    );
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("wsdoctor"));
    command
        .arg("serve")
        .env("WSD_DEBUG_SESSION", SESSION)
        .env("WSD_DEBUG_TOKEN", TOKEN);
    Server::spawn(command, &file, args)
}

/// Neither secret, in any form, anywhere in `text`.
fn assert_no_secret(text: &str) {
    for secret in [SESSION, TOKEN, URL_TOKEN, "4c1e8b", "92d0", "5e1d77"] {
        assert!(!text.contains(secret), "{secret} leaked:\n{text}");
    }
}

/// Whether a trace line of check `id` contains every one of `needles`.
fn has_line(text: &str, id: &str, needles: &[&str]) -> bool {
    text.lines().any(|line| {
        let Some((_, rest)) = line.split_once(" ms] ") else {
            return false;
        };
        rest.split_whitespace().next() == Some(id) && needles.iter().all(|n| rest.contains(n))
    })
}

/// `text` percent-encoded for a query value.
fn encoded(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[test]
fn debug_answers_the_trace_and_the_report_and_the_page_links_them() {
    let lab = lab(Some("server-error"));
    let dir = tempfile::tempdir().unwrap();
    let server = exporter(dir.path(), &lab, "", &[]);

    let (status, head, body) = server.get("/probe?target=lab&module=traced&debug=true", &[]);
    assert_eq!(status, 200, "{body}");
    // Text to read, not an exposition to scrape.
    assert!(head.contains("text/plain; charset=utf-8"), "{head}");
    assert!(!head.contains("version=0.0.4"), "{head}");
    assert!(body.starts_with("wsdoctor serve: probe of lab"), "{body}");
    assert!(
        has_line(
            &body,
            "terminal",
            &["← close", "code 4500", "reason \"Internal server error\""]
        ),
        "{body}"
    );
    assert!(
        has_line(&body, "terminal", &["→ GET /terminal/[REDACTED] HTTP/1.1"]),
        "{body}"
    );
    assert!(
        has_line(&body, "health", &["→ authorization: [REDACTED]"]),
        "{body}"
    );
    // The report, in the human rendering, after the trace.
    let report = body.find("\nReport:\n").expect("a report section");
    assert!(body[report..].contains("✗ terminal"), "{body}");
    assert!(body[report..].contains("SERVER_ERROR"), "{body}");
    let (_, metrics) = body
        .split_once("\nMetrics that would have been returned:\n")
        .expect("a metrics section");
    assert_eq!(sample(metrics, "probe_success"), Some(0.0), "{body}");
    assert_no_secret(&body);

    // Without debug=true (or with another value), the metrics, as before.
    for path in [
        "/probe?target=lab&module=traced",
        "/probe?target=lab&module=traced&debug=false",
    ] {
        let (status, head, body) = server.get(path, &[]);
        assert_eq!(status, 200, "{body}");
        assert!(head.contains("text/plain; version=0.0.4"), "{head}");
        assert_eq!(sample(&body, "probe_success"), Some(0.0), "{body}");
        assert!(!body.contains("Wire trace"), "{body}");
        assert_no_secret(&body);
    }

    // The page links each probe to its report; the debug one's holds its trace.
    let (status, _, page) = server.get("/", &[]);
    assert_eq!(status, 200);
    for id in 1..=3 {
        assert!(
            page.contains(&format!("<a href=\"/probe/recent/{id}\">")),
            "{page}"
        );
    }
    assert!(
        page.contains("<a href=\"/probe/recent/1\">report and trace</a>"),
        "{page}"
    );
    assert!(!page.contains("<script"), "{page}");
    assert_no_secret(&page);
    let (status, head, first) = server.get("/probe/recent/1", &[]);
    assert_eq!(status, 200, "{first}");
    assert!(head.contains("text/plain; charset=utf-8"), "{head}");
    assert!(first.contains("✗ terminal"), "{first}");
    assert!(
        has_line(&first, "terminal", &["← close", "code 4500"]),
        "{first}"
    );
    assert_no_secret(&first);
    let (status, _, second) = server.get("/probe/recent/2", &[]);
    assert_eq!(status, 200, "{second}");
    assert!(second.contains("SERVER_ERROR"), "{second}");
    assert!(!second.contains("Wire trace"), "{second}");
    assert_no_secret(&second);
    let (status, _, _) = server.get("/probe/recent/4", &[]);
    assert_eq!(status, 404);
}

#[test]
fn debug_shows_the_403_from_envoy() {
    let lab = lab(Some("app-runner"));
    let dir = tempfile::tempdir().unwrap();
    let server = exporter(dir.path(), &lab, "", &[]);
    let (status, _, body) = server.get("/probe?target=lab&module=traced&debug=true", &[]);
    assert_eq!(status, 200, "{body}");
    assert!(
        has_line(&body, "echo", &["← HTTP/1.1 403 Forbidden"]),
        "{body}"
    );
    assert!(has_line(&body, "echo", &["← server: envoy"]), "{body}");
    assert!(body.contains("AWS_APP_RUNNER_ERROR"), "{body}");
    assert_no_secret(&body);
}

#[test]
fn an_evicted_probe_is_404_and_a_url_token_never_shows() {
    let lab = lab(None);
    let dir = tempfile::tempdir().unwrap();
    let server = exporter(
        dir.path(),
        &lab,
        "[serve]\n# The lab is on loopback.\ndeny_private = false\n",
        &["--allow-any-target"],
    );
    let target = format!("{}?token={URL_TOKEN}", lab.url.trim_end_matches('/'));
    let (status, _, body) = server.get(
        &format!(
            "/probe?target={}&module=traced&debug=true",
            encoded(&target)
        ),
        &[],
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("token=[REDACTED]"), "{body}");
    assert!(body.contains("\nReport:\n"), "{body}");
    assert_no_secret(&body);
    let (_, _, page) = server.get("/", &[]);
    assert!(
        page.contains("<a href=\"/probe/recent/1\">report and trace</a>"),
        "{page}"
    );
    assert_no_secret(&page);
    let (status, _, first) = server.get("/probe/recent/1", &[]);
    assert_eq!(status, 200, "{first}");
    assert_no_secret(&first);

    // Fifty more: the ring keeps the last fifty, and the first falls out.
    for _ in 0..50 {
        let (status, _, body) = http(&server.addr, "GET", "/probe?target=lab&module=quick", &[]);
        assert_eq!(status, 200, "{body}");
    }
    let (status, _, gone) = server.get("/probe/recent/1", &[]);
    assert_eq!(status, 404, "{gone}");
    assert!(gone.contains("no such probe"), "{gone}");
    let (status, _, kept) = server.get("/probe/recent/51", &[]);
    assert_eq!(status, 200, "{kept}");
    assert!(kept.contains("✓ health"), "{kept}");
    for bad in ["/probe/recent/abc", "/probe/recent/", "/probe/recent/-1"] {
        let (status, _, _) = server.get(bad, &[]);
        assert_eq!(status, 404, "{bad}");
    }
    let (_, _, page) = server.get("/", &[]);
    assert!(!page.contains("\"/probe/recent/1\""), "{page}");
    assert!(page.contains("\"/probe/recent/2\""), "{page}");
    assert!(page.contains("\"/probe/recent/51\""), "{page}");
}

/// A socket URL carries the session id in its path: the probe's log lines mask it as the page
/// does (the log went to stderr with the id in clear).
#[test]
fn a_session_in_a_url_targets_path_never_reaches_the_log() {
    let lab = lab(None);
    let dir = tempfile::tempdir().unwrap();
    let server = exporter(
        dir.path(),
        &lab,
        "[serve]\n# The lab is on loopback.\ndeny_private = false\n",
        &["--allow-any-target"],
    );
    let target = format!(
        "{}/terminal/{SESSION}",
        lab.url
            .trim_end_matches('/')
            .replacen("http://", "ws://", 1)
    );
    let (status, _, body) = server.get(
        &format!("/probe?target={}&module=traced", encoded(&target)),
        &[],
    );
    assert_eq!(status, 200, "{body}");
    let line = server.log_line("module=traced");
    assert!(line.contains("[REDACTED]"), "{line}");
    assert_no_secret(&line);
    for line in server.logged() {
        assert_no_secret(&line);
    }
}
