//! A hang is answered within one client timeout, told apart from an intermittent hang, and
//! `--attempts` still makes the web client's exact sequence.

use crate::support::{assert_schema_valid, check, run};

/// A client timeout short enough for tests; the old sequence took five of them plus backoff.
const TIMEOUT_MS: f64 = 2000.0;

fn demo(fault: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec![
        "demo",
        "--fault",
        fault,
        "--format",
        "json",
        "--timeout",
        "2s",
        "--connect-timeout",
        "1s",
        "--observe",
        "200ms",
    ];
    args.extend_from_slice(extra);
    let run = run(&args);
    let report = run.json();
    assert_schema_valid(&report);
    (run.code, report)
}

fn attempts(check: &serde_json::Value) -> Vec<(String, String)> {
    check["attempts"]
        .as_array()
        .unwrap_or_else(|| panic!("{check:#} has attempts"))
        .iter()
        .map(|a| {
            (
                a["outcome"].as_str().unwrap_or("").to_string(),
                a["cause"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_hang_is_confirmed_by_one_overlapping_attempt_not_waited_out_five_times() {
    let (code, report) = demo("handshake-hang", &[]);
    assert_eq!(code, 1);
    assert_eq!(report["codes"][0], "CONNECTION_TIMEOUT", "{report:#}");
    for id in ["echo", "terminal"] {
        let failed = check(&report, id);
        assert_eq!(
            failed["failure"]["cause"], "handshake_timeout",
            "{failed:#}"
        );
        assert_eq!(
            attempts(failed),
            vec![
                ("fail".into(), "handshake_timeout".into()),
                ("fail".into(), "handshake_timeout".into())
            ]
        );
        let message = failed["failure"]["message"].as_str().unwrap();
        assert!(
            message.contains("2 attempts were silent, the other 3 not made")
                && message.contains("--attempts 5"),
            "the report says why the rest did not run: {message}"
        );
        // Not the web client's word for retries that were all made.
        assert!(failed["failure"]["also"]
            .as_array()
            .is_none_or(|a| a.is_empty()));
    }
    let took = report["duration_ms"].as_f64().unwrap();
    assert!(
        took < 2.0 * TIMEOUT_MS,
        "one client timeout and the overlap, not five timeouts: {took} ms"
    );
}

#[test]
fn a_silent_listener_is_not_waited_on_past_one_client_timeout() {
    // /health hangs first; the terminal starts after it and must not take a timeout of its own.
    let (code, report) = demo("blackhole", &[]);
    assert_eq!(code, 1);
    assert_eq!(report["codes"][0], "CONNECTION_TIMEOUT");
    let terminal = check(&report, "terminal");
    assert_eq!(terminal["failure"]["cause"], "handshake_timeout");
    let message = terminal["failure"]["message"].as_str().unwrap();
    assert!(
        message.contains("waited less than the client's 2s")
            && ["health", "diagnostics", "cors"]
                .iter()
                .any(|id| message.contains(&format!("already silent to {id}: no HTTP answer"))),
        "a wait cut short by the run says so and why: {message}"
    );
    let took = report["duration_ms"].as_f64().unwrap();
    // One client timeout from the start, an eighth more to confirm a hang, and a little.
    assert!(took < TIMEOUT_MS * 1.5, "{took} ms");
}

#[test]
fn an_intermittent_hang_is_a_warning() {
    let (code, report) = demo("flaky-hang", &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verdict"], "warn");
    for id in ["echo", "terminal"] {
        let warned = check(&report, id);
        assert_eq!(warned["status"], "warn", "{warned:#}");
        assert_eq!(
            warned["warning"]["cause"], "handshake_timeout",
            "{warned:#}"
        );
        assert_eq!(
            attempts(warned),
            vec![
                ("fail".into(), "handshake_timeout".into()),
                ("ok".into(), String::new())
            ]
        );
    }
}

#[test]
fn an_intermittent_drop_is_still_retried_one_attempt_after_another() {
    let (code, report) = demo("flaky:2", &[]);
    assert_eq!(code, 0);
    assert_eq!(report["verdict"], "warn");
    let echo = check(&report, "echo");
    assert_eq!(attempts(echo).len(), 3, "{echo:#}");
}

#[test]
fn explicit_attempts_make_the_web_clients_exact_sequence() {
    let run = run(&[
        "demo",
        "--fault",
        "handshake-hang",
        "--format",
        "json",
        "--attempts",
        "3",
        "--timeout",
        "500ms",
        "--retry-delay",
        "20ms",
        "--only",
        "echo",
    ]);
    let (code, report) = (run.code, run.json());
    assert_eq!(code, 1);
    let echo = check(&report, "echo");
    assert_eq!(attempts(echo).len(), 3, "{echo:#}");
    assert_eq!(report["codes"][0], "CONNECTION_TIMEOUT");
    assert_eq!(report["codes"][1], "MAX_RETRIES_EXCEEDED");
    let starts: Vec<f64> = echo["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["started_ms"].as_f64().unwrap())
        .collect();
    assert!(
        starts.windows(2).all(|w| w[1] - w[0] >= 500.0),
        "one after another, each waiting out its timeout: {starts:?}"
    );
}
