//! Safe to run in CI with real secrets against a hostile server: secrets never reach any output
//! (short, common-word secrets included), input never reaches the wire unfiltered, the report is
//! never lost, durations never overflow.

use crate::support::{check, run, spawn_until, wsdoctor, TestLab};
use wsdoctor_lab::{Fault, LabOptions};

/// Short, low-entropy secrets that are also words of the report itself.
pub(crate) const SESSION: &str = "pass";
pub(crate) const USER: &str = "admin";
pub(crate) const PASSWORD: &str = "echo";
pub(crate) const TOKEN: &str = "check";
pub(crate) const BEARER: &str = "skip";
pub(crate) const COOKIE: &str = "fail";

/// The places each secret would leak from.
pub(crate) fn leaks(text: &str) -> Vec<String> {
    let contexts = [
        format!("/terminal/{SESSION}"),
        format!("/sessions/{SESSION}"),
        format!("\"sessionId\":\"{SESSION}\""),
        format!("{USER}:{PASSWORD}"),
        format!(":{PASSWORD}@"),
        format!("//{USER}"),
        format!("token={TOKEN}"),
        format!("Bearer {BEARER}"),
        format!("sid={COOKIE}"),
    ];
    contexts
        .into_iter()
        .filter(|c| text.contains(c.as_str()))
        .collect()
}

/// Runs `check target` with every secret given (session, a bearer header, a cookie) and `extra`
/// options, writing `format` to a file: everything the run wrote (stdout, stderr and the file),
/// and the file alone.
pub(crate) fn run_with_secrets(
    target: &str,
    extra: &[&str],
    format: &str,
    dir: &std::path::Path,
) -> (String, String) {
    let file = dir.join(format!("out.{format}"));
    let bearer = format!("Authorization: Bearer {BEARER}");
    let cookie = format!("Cookie: sid={COOKIE}");
    let mut args = vec!["check", target, "--session", SESSION, "--verbose"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--header", &bearer, "--header", &cookie, "--format", format]);
    args.extend_from_slice(&["--output", file.to_str().unwrap()]);
    let out = wsdoctor().args(&args).output().unwrap();
    let written = std::fs::read_to_string(&file).unwrap();
    let everything = format!(
        "{}{}{written}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    (everything, written)
}

#[test]
fn short_common_word_secrets_never_leak_in_any_format_or_the_log() {
    let lab = TestLab::start(LabOptions {
        sessions: vec![SESSION.into()],
        ..LabOptions::default()
    });
    let target = format!(
        "{}/?token={TOKEN}",
        lab.url
            .replacen("http://", &format!("http://{USER}:{PASSWORD}@"), 1)
    );
    let dir = tempfile::tempdir().unwrap();
    for format in ["human", "json", "ndjson", "junit"] {
        let (everything, written) =
            run_with_secrets(&target, &["--observe", "100ms"], format, dir.path());
        assert_eq!(leaks(&everything), Vec::<String>::new(), "{format} leaked");
        assert!(everything.contains("[REDACTED]"), "{format} shows the mask");
        // Masking never touches the contract: statuses and ids stay what they are.
        if format == "json" {
            let report: serde_json::Value = serde_json::from_str(&written).unwrap();
            assert_eq!(report["verdict"], "pass", "{report:#}");
            assert_eq!(check(&report, "echo")["status"], "pass");
            assert_eq!(check(&report, "terminal")["id"], "terminal");
        }
    }
    let shown = run(&[
        "check",
        &lab.url,
        "--session",
        SESSION,
        "--show-secrets",
        "--observe",
        "100ms",
        "--format",
        "json",
    ]);
    assert!(
        shown.stdout.contains(&format!("/terminal/{SESSION}")),
        "--show-secrets shows them"
    );
}

#[test]
fn a_password_that_is_a_word_of_the_report_does_not_leak_and_breaks_nothing() {
    let run = run(&[
        "check",
        "http://admin:pass@127.0.0.1:1/",
        "--only",
        "target",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains(":pass@") && !run.stdout.contains("admin"));
    let report = run.json();
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["target"], "http://[REDACTED]@127.0.0.1:1/");
}

#[test]
fn a_usage_error_never_prints_a_password_with_an_at_sign_in_it() {
    let run = run(&["check", "http://admin:p@ss@exa mple.com/"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("<TARGET>"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("ss@") && !run.stderr.contains("p@"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_header_can_never_inject_into_the_request() {
    // (NUL cannot even be passed in an argument; the parser refuses it too, see its unit test.)
    for bad in ["X: a\r\nEvil: b", "X: 1\nHost: evil", "X: a\rb"] {
        let run = run(&["check", "http://127.0.0.1:1/", "-H", bad]);
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stderr);
        assert!(run.stderr.contains("--header"), "{}", run.stderr);
        assert!(!run.stderr.contains("Evil: b"), "the value is not echoed");
    }
    // Only the environment variable holds one header a line.
    let lab = TestLab::healthy();
    let out = wsdoctor()
        .args(["check", &lab.url, "--only", "health", "--format", "json"])
        .env("WSDOCTOR_HEADER", "X-One: 1\nX-Two: 2")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn dot_segments_in_a_session_are_encoded_never_normalised() {
    let lab = TestLab::healthy();
    for session in ["..", "."] {
        let run = run(&[
            "check",
            &lab.url,
            "--session",
            session,
            "--only",
            "session",
            "--show-secrets",
            "--format",
            "json",
        ]);
        let request = check(&run.json(), "session")["evidence"]["request"]
            .as_str()
            .unwrap()
            .to_string();
        let encoded = session.replace('.', "%2E");
        assert!(
            request.ends_with(&format!("/api/sessions/{encoded}")),
            "{request}"
        );
        // And the encoded form is a secret like the rest.
        let hidden = crate::support::run(&[
            "check",
            &lab.url,
            "--session",
            session,
            "--only",
            "session",
            "--format",
            "json",
        ]);
        assert!(!hidden.stdout.contains(&encoded), "{}", hidden.stdout);
    }
}

#[test]
fn a_cacert_without_a_certificate_is_a_usage_error_on_every_target() {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), "-----BEGIN NOTHING-----\n").unwrap();
    for target in [
        "http://127.0.0.1:1/",
        "ws://127.0.0.1:1/ws",
        "https://127.0.0.1:1/",
    ] {
        let run = run(&["check", target, "--cacert", file.path().to_str().unwrap()]);
        assert_eq!(run.code, 2, "{target}: {}", run.stderr);
        assert!(run.stderr.contains("--cacert"), "{}", run.stderr);
    }
}

#[test]
fn the_previous_report_survives_a_killed_run_and_is_replaced_by_a_finished_one() {
    let lab = TestLab::start(LabOptions {
        fault: Some(Fault::Blackhole),
        ..LabOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    std::fs::write(&path, "PREVIOUS").unwrap();
    let path_text = path.to_str().unwrap().to_string();
    let args = [
        "check",
        lab.url.as_str(),
        "--format",
        "json",
        "--output",
        path_text.as_str(),
        "--verbose",
        "--connect-timeout",
        "30s",
    ];
    // Killed outright (no chance to write): the previous report is untouched.
    let mut spawned = spawn_until(&args, "[Echo] Connecting", true);
    spawned.child.kill().unwrap();
    let _ = spawned.finish();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "PREVIOUS");
    // Stopped by SIGTERM: the partial report replaces it, whole.
    let spawned = spawn_until(&args, "[Echo] Connecting", true);
    crate::support::signal(&spawned, "TERM");
    let (code, _, _) = spawned.finish();
    assert_eq!(code, Some(143));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).expect("a whole report");
    assert_eq!(report["interrupted"], true);
}

#[test]
fn a_report_that_cannot_be_written_is_an_error_not_a_pass() {
    let lab = TestLab::healthy();
    let run = run(&[
        "check",
        &lab.url,
        "--only",
        "health",
        "--format",
        "json",
        "--output",
        "/dev/full",
    ]);
    assert_eq!(run.code, 3, "an I/O error: {}", run.stderr);
    assert!(run.stderr.contains("/dev/full"), "{}", run.stderr);
    assert!(std::path::Path::new("/dev/full").exists());
}

#[test]
fn no_duration_can_overflow() {
    for args in [
        vec![
            "watch",
            "http://127.0.0.1:1/",
            "--interval",
            "300000000000y",
        ],
        vec!["check", "http://127.0.0.1:1/", "--timeout", "300000000000y"],
        vec!["check", "http://127.0.0.1:1/", "--hold", "2d"],
        vec!["demo", "--fault", "idle-cut:300000000000y"],
        vec!["demo", "--fault", "greet-then-close:4500@300000000000y"],
    ] {
        let run = run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

#[test]
fn a_hundred_times_the_round_trips_keep_memory_flat() {
    let lab = TestLab::start(LabOptions {
        ping_interval: None,
        ..LabOptions::default()
    });
    let small = crate::support::run_measured(&[
        "check", &lab.url, "--only", "echo", "--count", "1000", "--format", "json",
    ]);
    let large = crate::support::run_measured(&[
        "check", &lab.url, "--only", "echo", "--count", "100000", "--format", "json",
    ]);
    assert_eq!(large.0.code, 0, "{}", large.0.stderr);
    let report = large.0.json();
    let stats = &check(&report, "echo")["evidence"]["round_trips"];
    assert_eq!(stats["sent"], 100000);
    // A hundred times the round trips, not a hundred times the memory.
    assert!(
        large.1 < small.1 + 4 * 1024,
        "peak RSS {} KiB for 100000 vs {} KiB for 1000",
        large.1,
        small.1
    );
}

/// The terminal's upgrade of a `..` session goes to the encoded segment too: a URL parser would
/// resolve `%2E%2E` and send the upgrade, session and all, to `/`.
#[test]
fn the_upgrade_of_a_dot_segment_session_keeps_its_path() {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line.trim_end().to_string());
            let mut stream = stream;
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            );
        }
    });
    let out = run(&[
        "check",
        &format!("http://127.0.0.1:{port}"),
        "--session",
        "..",
        "--skip",
        "session",
        "--only",
        "terminal",
        "--terminal-path",
        "/terminal/{session}",
        "--attempts",
        "1",
    ]);
    assert_ne!(out.code, 0);
    let lines: Vec<String> = rx.try_iter().collect();
    let upgrade = lines
        .iter()
        .find(|l| l.contains("/terminal/"))
        .unwrap_or_else(|| panic!("no upgrade request among {lines:?}"));
    assert_eq!(upgrade, "GET /terminal/%2E%2E HTTP/1.1");
    assert!(!lines.iter().any(|l| l == "GET / HTTP/1.1"), "{lines:?}");
}

/// A URL that does not parse is the one whose password may hold `/`, `?` or `#`: its error
/// shows none of the credentials.
#[test]
fn an_unparseable_url_never_shows_its_password() {
    for args in [
        vec![
            "check",
            "http://127.0.0.1:9/",
            "--redis-url",
            "redis://default:pa/ss@host:6379",
        ],
        vec!["check", "http://admin:pa#ss@127.0.0.1:9/"],
        vec![
            "check",
            "http://127.0.0.1:9/",
            "--redis-url",
            "hunter2:x@cache",
        ],
    ] {
        let out = run(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        for secret in ["pa/ss", "pa#ss", "hunter2"] {
            assert!(!out.stderr.contains(secret), "{args:?}: {}", out.stderr);
        }
        assert!(
            out.stderr.contains("[REDACTED]") || out.stderr.contains("of the value"),
            "{}",
            out.stderr
        );
    }
}
