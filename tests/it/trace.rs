//! `--trace` (and `-vv`, `--trace-file`, NDJSON `wire` events): the wire in view, through the
//! built binary against the lab's faults. Each fault's explaining line must be in the trace, and
//! no session id or token anywhere in the output, although both go over the wire in every run.

use crate::conventions::assert_stream;
use crate::support::{run, Run, TestLab};
use wsdoctor_lab::{LabOptions, DEFAULT_ORIGIN};

/// A session id the lab accepts, recognisable wherever it might leak.
const SESSION: &str = "SESSION-SECRET-7f3a9c";
/// A bearer token sent on every request and upgrade.
const TOKEN: &str = "SECRETTOKEN";

fn lab(fault: &str) -> TestLab {
    TestLab::start(LabOptions {
        sessions: vec![SESSION.to_string()],
        fault: Some(fault.parse().expect("a fault")),
        ..LabOptions::default()
    })
}

/// Checks the lab with the session and the token, one attempt, and `extra` (`--trace`, …).
fn traced(lab: &TestLab, extra: &[&str]) -> Run {
    let ca = lab.url.starts_with("https").then(|| lab.ca_file());
    let ca_path = ca.as_ref().map(|f| f.path().to_string_lossy().into_owned());
    let authorization = format!("Authorization: Bearer {TOKEN}");
    let mut args = vec![
        "check",
        &lab.url,
        "--session",
        SESSION,
        "--header",
        &authorization,
        "--origin",
        DEFAULT_ORIGIN,
        "--attempts",
        "1",
        "--timeout",
        "5s",
    ];
    if let Some(ca) = &ca_path {
        args.extend(["--cacert", ca]);
    }
    args.extend(extra);
    run(&args)
}

/// The trace lines on stderr (`[   12.3 ms] check  → …`).
fn trace_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with('[') && l.contains(" ms] "))
        .collect()
}

/// Whether a trace line of check `id` contains every one of `needles`.
fn has_line(stderr: &str, id: &str, needles: &[&str]) -> bool {
    trace_lines(stderr).iter().any(|line| {
        let rest = line.split_once(" ms] ").map_or("", |(_, r)| r);
        rest.split_whitespace().next() == Some(id) && needles.iter().all(|n| rest.contains(n))
    })
}

/// Neither secret anywhere, and the lines that carried them were traced, masked.
fn assert_redacted(run: &Run) {
    for secret in [SESSION, TOKEN, "7f3a9c"] {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{secret} leaked:\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
    assert!(
        has_line(&run.stderr, "health", &["→ authorization: [REDACTED]"]),
        "{}",
        run.stderr
    );
}

#[test]
fn server_error_shows_the_4500_close_with_its_reason() {
    let lab = lab("server-error");
    // -vv is --verbose twice: the connection log and the trace.
    let run = traced(&lab, &["-vv"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        has_line(
            &run.stderr,
            "terminal",
            &["← close", "code 4500", "reason \"Internal server error\""]
        ),
        "{}",
        run.stderr
    );
    assert!(
        has_line(
            &run.stderr,
            "terminal",
            &["→ GET /terminal/[REDACTED] HTTP/1.1"]
        ),
        "{}",
        run.stderr
    );
    // The frames both ways: our echo message (masked, as a client must) and its answer.
    assert!(
        has_line(&run.stderr, "echo", &["→ text", "masked"]),
        "{}",
        run.stderr
    );
    assert!(has_line(&run.stderr, "echo", &["← text"]), "{}", run.stderr);
    assert!(run.stderr.contains("Connecting to"), "{}", run.stderr);
    assert_redacted(&run);
}

#[test]
fn app_runner_shows_the_403_from_envoy() {
    let lab = lab("app-runner");
    let run = traced(&lab, &["--trace"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        has_line(&run.stderr, "echo", &["← HTTP/1.1 403 Forbidden"]),
        "{}",
        run.stderr
    );
    assert!(
        has_line(&run.stderr, "echo", &["← server: envoy"]),
        "{}",
        run.stderr
    );
    assert!(
        has_line(
            &run.stderr,
            "tcp",
            &["* connected 127.0.0.1:", "→ 127.0.0.1:"]
        ),
        "{}",
        run.stderr
    );
    assert_redacted(&run);
    // Without --trace, not a line of it.
    let quiet = traced(&lab, &[]);
    assert!(trace_lines(&quiet.stderr).is_empty(), "{}", quiet.stderr);
}

#[test]
fn h2_connect_403_shows_the_status_answering_the_extended_connect() {
    let lab = lab("h2-connect-403");
    let run = traced(&lab, &["--trace"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        has_line(
            &run.stderr,
            "echo",
            &["← SETTINGS", "ENABLE_CONNECT_PROTOCOL=1"]
        ),
        "{}",
        run.stderr
    );
    // Our own frames too: the preface, our SETTINGS, the CONNECT's HEADERS frame.
    assert!(
        has_line(&run.stderr, "echo", &["→ SETTINGS", "ENABLE_PUSH=0"]),
        "{}",
        run.stderr
    );
    assert!(
        has_line(&run.stderr, "echo", &["→ HEADERS stream 1", "END_HEADERS"]),
        "{}",
        run.stderr
    );
    assert!(
        has_line(&run.stderr, "echo", &["→ :protocol: websocket"]),
        "{}",
        run.stderr
    );
    assert!(
        has_line(&run.stderr, "echo", &["← :status 403"]),
        "{}",
        run.stderr
    );
    assert!(
        has_line(
            &run.stderr,
            "tls",
            &["TLSv1.3", "SNI 127.0.0.1", "agreed h2"]
        ),
        "{}",
        run.stderr
    );
    assert_redacted(&run);
}

#[test]
fn tls_expired_shows_the_certificate_dates() {
    let lab = lab("tls-expired");
    let run = traced(&lab, &["--trace"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        has_line(
            &run.stderr,
            "tls",
            &["handshake with SNI 127.0.0.1 failed", "expired"]
        ),
        "{}",
        run.stderr
    );
    assert!(
        has_line(
            &run.stderr,
            "tls",
            &[
                "certificate 0: subject \"CN=wsdoctor lab\"",
                "valid 20",
                " to 20",
                "expired",
                "days ago"
            ]
        ),
        "{}",
        run.stderr
    );
    for secret in [SESSION, TOKEN] {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    }
}

#[test]
fn the_trace_file_holds_the_same_lines() {
    let lab = lab("app-runner");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trace.txt");
    let path_text = path.to_string_lossy().into_owned();
    // --trace-file implies --trace.
    let run = traced(&lab, &["--trace-file", &path_text]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let file = std::fs::read_to_string(&path).unwrap();
    let on_stderr = trace_lines(&run.stderr);
    assert!(!on_stderr.is_empty(), "{}", run.stderr);
    assert_eq!(file.lines().collect::<Vec<_>>(), on_stderr);
    assert!(!file.contains(SESSION) && !file.contains(TOKEN), "{file}");
    assert!(file.contains("← server: envoy"), "{file}");
}

#[test]
fn ndjson_wire_events_follow_the_schema() {
    let lab = lab("h2-connect-403");
    let run = traced(&lab, &["--format", "ndjson", "--trace"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_stream(&run.stdout);
    let wire: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["type"] == "wire")
        .collect();
    assert!(
        wire.iter()
            .any(|e| e["data"]["id"] == "echo" && e["data"]["text"] == ":status 403"),
        "{wire:#?}"
    );
    assert!(wire.iter().any(|e| e["data"]["dir"] == "send"));
    assert!(!run.stdout.contains(SESSION) && !run.stdout.contains(TOKEN));
    // Without --trace the stream has no wire event.
    let plain = traced(&lab, &["--format", "ndjson"]);
    assert!(!plain.stdout.contains("\"type\":\"wire\""));
}

#[test]
fn a_fleet_or_watch_refuses_the_trace() {
    let run = run(&["watch", "http://127.0.0.1:9", "--trace"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--trace"), "{}", run.stderr);
}

/// A server that misbehaves in what it says rather than how: on `/evil` a 403 with an ANSI
/// escape in a header; on `/big` a 403 whose head is 40 KiB (one value of 3,000 bytes, then 400
/// lines); on any other path a 101, a text frame that tries to retitle the terminal, and a close
/// 4500 whose reason tries to clear the screen.
fn hostile_text_server() -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 65_536 {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let mut answer = Vec::new();
                if head.starts_with("GET /cookie") {
                    answer.extend(b"HTTP/1.1 302 Found\r\nSet-Cookie: sid=UNKNOWNVALUE123; HttpOnly\r\nLocation: /login?token=LEAKYTOKEN&next=/x\r\nContent-Length: 0\r\n\r\n");
                } else if head.starts_with("GET /evil") {
                    answer.extend(
                        b"HTTP/1.1 403 Forbidden\r\nX-Evil: \x1b[2J\x1b]0;pwned\x07\r\n\r\n",
                    );
                } else if head.starts_with("GET /big") {
                    answer.extend(b"HTTP/1.1 403 Forbidden\r\n");
                    answer.extend(format!("X-Long: {}\r\n", "a".repeat(3000)).into_bytes());
                    for i in 0..400 {
                        answer.extend(format!("X-Filler-{i}: {}\r\n", "b".repeat(80)).into_bytes());
                    }
                    answer.extend(b"Content-Length: 0\r\n\r\n");
                } else {
                    let key = head
                        .lines()
                        .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
                        .unwrap_or_default()
                        .trim()
                        .to_string();
                    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(
                        key.as_bytes(),
                    );
                    answer.extend(
                        format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n")
                            .into_bytes(),
                    );
                    let text = b"\x1b]0;pwned\x07 hello";
                    answer.extend([0x81, text.len() as u8]);
                    answer.extend(text);
                    let reason = b"\x1b[2Jbye";
                    answer.extend([0x88, (reason.len() + 2) as u8, 0x11, 0x94]);
                    answer.extend(reason);
                }
                let _ = stream.write_all(&answer);
                let mut sink = [0u8; 1024];
                while let Ok(n) = stream.read(&mut sink) {
                    if n == 0 {
                        break;
                    }
                }
            });
        }
    });
    port
}

#[test]
fn server_text_is_escaped_and_the_trace_is_bounded() {
    let port = hostile_text_server();
    let frames = run(&[
        "check",
        &format!("ws://127.0.0.1:{port}/ws"),
        "--attempts",
        "1",
        "--timeout",
        "2s",
        "--trace",
    ]);
    assert!(
        !frames.stderr.contains(['\x1b', '\x07']),
        "{}",
        frames.stderr
    );
    assert!(
        has_line(
            &frames.stderr,
            "echo",
            &["← text", "\\x1b]0;pwned\\x07 hello"]
        ),
        "{}",
        frames.stderr
    );
    assert!(
        has_line(
            &frames.stderr,
            "echo",
            &["← close", "code 4500", "\\x1b[2Jbye"]
        ),
        "{}",
        frames.stderr
    );
    // An escape in a header is not HTTP (the answer is refused), and what arrived is traced.
    let evil = run(&[
        "check",
        &format!("ws://127.0.0.1:{port}/evil"),
        "--attempts",
        "1",
        "--timeout",
        "2s",
        "--trace",
    ]);
    assert!(!evil.stderr.contains(['\x1b', '\x07']), "{}", evil.stderr);
    assert!(
        has_line(
            &evil.stderr,
            "echo",
            &["← X-Evil: \\x1b[2J\\x1b]0;pwned\\x07"]
        ),
        "{}",
        evil.stderr
    );
    let big = run(&[
        "check",
        &format!("ws://127.0.0.1:{port}/big"),
        "--attempts",
        "1",
        "--timeout",
        "2s",
        "--trace",
    ]);
    assert!(
        has_line(
            &big.stderr,
            "echo",
            &["more header lines (a head is traced up to 8 KiB)"]
        ),
        "{}",
        big.stderr
    );
    // A line is at most 1 KiB of text, plus its time and check.
    let longest = trace_lines(&big.stderr)
        .iter()
        .map(|l| l.len())
        .max()
        .unwrap();
    assert!(longest < 1100, "a trace line of {longest} bytes");
    assert!(
        has_line(&big.stderr, "echo", &["← X-Long: aaaa", "…"]),
        "{}",
        big.stderr
    );
}

#[test]
fn a_trace_file_that_cannot_be_written_is_a_usage_error_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("trace.txt");
    let run = run(&[
        "check",
        "ws://127.0.0.1:9/ws",
        "--trace-file",
        &path.to_string_lossy(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--trace-file"), "{}", run.stderr);
    assert!(trace_lines(&run.stderr).is_empty(), "{}", run.stderr);
}

#[test]
fn credentials_a_server_sends_are_masked_by_name_whatever_their_value() {
    let port = hostile_text_server();
    let run = run(&[
        "check",
        &format!("ws://127.0.0.1:{port}/cookie"),
        "--attempts",
        "1",
        "--timeout",
        "2s",
        "--trace",
    ]);
    for secret in ["UNKNOWNVALUE123", "LEAKYTOKEN"] {
        assert!(
            !run.stderr.contains(secret) && !run.stdout.contains(secret),
            "{secret} leaked:\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
    assert!(
        has_line(&run.stderr, "echo", &["← Set-Cookie: [REDACTED]"]),
        "{}",
        run.stderr
    );
    assert!(
        has_line(
            &run.stderr,
            "echo",
            &["← Location: /login?token=[REDACTED]&next=/x"]
        ),
        "{}",
        run.stderr
    );
}
