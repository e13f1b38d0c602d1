//! Every fault of the reference backend, through the built binary, gives its code and cause, and
//! no fault makes the tool hang.

use crate::support::{assert_schema_valid, check, run};
use std::time::Duration;

/// Timeouts short enough for tests; every run must end within them plus a second.
const FAST: [&str; 8] = [
    "--timeout",
    "1s",
    "--connect-timeout",
    "1s",
    "--retry-delay",
    "20ms",
    // A shorter watch after the greeting keeps the budget below.
    "--observe",
    "300ms",
];

/// Runs `demo --fault NAME` and checks that `check_id` failed with `code` and `cause`.
fn expect_fault(
    fault: &str,
    extra: &[&str],
    check_id: &str,
    code: &str,
    cause: &str,
) -> serde_json::Value {
    let mut args = vec!["demo", "--fault", fault, "--format", "json"];
    if !extra.contains(&"--attempts") {
        args.extend_from_slice(&["--attempts", "1"]);
    }
    args.extend_from_slice(&FAST);
    args.extend_from_slice(extra);
    let run = run(&args);
    let report = run.json();
    assert_schema_valid(&report);
    assert_eq!(run.code, 1, "a fault is a failed run: {}", run.stderr);
    let failed = check(&report, check_id);
    assert_eq!(
        failed["status"], "fail",
        "{check_id} should fail under {fault}: {failed:#}"
    );
    assert_eq!(failed["failure"]["code"], code, "{failed:#}");
    assert_eq!(failed["failure"]["cause"], cause, "{failed:#}");
    assert!(
        !failed["failure"]["hint"].as_str().unwrap_or("").is_empty(),
        "every failure carries a hint"
    );
    assert!(
        report["codes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == code),
        "codes lists {code}: {}",
        report["codes"]
    );
    // Budget: connect 1 s + HTTP 1 s or WebSocket 1 s per phase, plus a second of slack.
    assert!(
        run.elapsed < Duration::from_secs(4),
        "{fault} took {:?}",
        run.elapsed
    );
    report
}

#[test]
fn app_runner_is_named() {
    let report = expect_fault(
        "app-runner",
        &[],
        "echo",
        "AWS_APP_RUNNER_ERROR",
        "app_runner_upgrade_blocked",
    );
    assert_eq!(report["platform"]["id"], "aws-app-runner");
    let hint = check(&report, "echo")["failure"]["hint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        hint.contains("ECS") && hint.contains("API Gateway"),
        "{hint}"
    );
    assert!(report["diagnosis"]
        .to_string()
        .contains("Plain HTTP reaches the application"));
}

#[test]
fn strip_upgrade_is_a_proxy_dropping_headers() {
    let report = expect_fault(
        "strip-upgrade",
        &[],
        "echo",
        "UPGRADE_REJECTED",
        "upgrade_not_forwarded",
    );
    let echo = check(&report, "echo");
    assert!(echo["evidence"]["body_excerpt"]
        .as_str()
        .unwrap()
        .contains("Cannot GET"));
}

#[test]
fn edge_403_is_forbidden() {
    expect_fault(
        "edge-403",
        &[],
        "echo",
        "UPGRADE_REJECTED",
        "upgrade_forbidden",
    );
}

#[test]
fn origin_check_is_found_by_the_origin_probe() {
    let report = expect_fault(
        "origin-check",
        &[],
        "echo",
        "UPGRADE_REJECTED",
        "origin_rejected",
    );
    assert_eq!(
        check(&report, "echo")["evidence"]["accepted_without_origin"],
        true
    );
}

#[test]
fn redirect_is_reported_not_followed() {
    let report = expect_fault(
        "redirect",
        &[],
        "echo",
        "UPGRADE_REJECTED",
        "upgrade_redirected",
    );
    let location = &check(&report, "echo")["evidence"]["headers"]["location"];
    assert!(
        location.as_str().unwrap().starts_with("https://"),
        "{location}"
    );
}

#[test]
fn drop_after_open_is_an_abnormal_closure() {
    let report = expect_fault(
        "drop-after-open",
        &[],
        "terminal",
        "ABNORMAL_CLOSURE",
        "abnormal_close",
    );
    assert_eq!(check(&report, "terminal")["evidence"]["close_code"], 1006);
}

#[test]
fn handshake_hang_is_a_handshake_timeout() {
    expect_fault(
        "handshake-hang",
        &[],
        "echo",
        "CONNECTION_TIMEOUT",
        "handshake_timeout",
    );
}

#[test]
fn blackhole_times_out_every_step() {
    let report = expect_fault(
        "blackhole",
        &[],
        "health",
        "CONNECTION_TIMEOUT",
        "http_timeout",
    );
    assert_eq!(
        check(&report, "echo")["failure"]["cause"],
        "handshake_timeout"
    );
}

#[test]
fn invalid_session_is_caught_by_the_session_endpoint() {
    let report = expect_fault(
        "invalid-session",
        &[],
        "session",
        "SESSION_INVALID",
        "session_invalid",
    );
    let terminal = check(&report, "terminal");
    assert_eq!(
        terminal["status"], "skip",
        "no socket is tried for a known-bad session"
    );
}

#[test]
fn invalid_session_closes_4000_after_an_error_message_and_is_tried_once() {
    let report = expect_fault(
        "invalid-session",
        &["--skip", "session", "--attempts", "5"],
        "terminal",
        "SESSION_INVALID",
        "session_invalid",
    );
    let terminal = check(&report, "terminal");
    assert_eq!(terminal["evidence"]["close_code"], 4000);
    assert!(terminal["evidence"]["last_server_message"]
        .as_str()
        .unwrap()
        .contains("Session not found"));
    assert_eq!(
        terminal["attempts"].as_array().unwrap().len(),
        1,
        "4000 is never retried"
    );
}

#[test]
fn server_error_keeps_the_servers_last_words() {
    let report = expect_fault(
        "server-error",
        &[],
        "terminal",
        "SERVER_ERROR",
        "server_error",
    );
    let terminal = check(&report, "terminal");
    assert_eq!(terminal["evidence"]["close_code"], 4500);
    assert!(terminal["evidence"]["last_server_message"]
        .as_str()
        .unwrap()
        .contains("container runtime unavailable"));
    assert!(report["diagnosis"]
        .to_string()
        .contains("echo socket works"));
}

#[test]
fn policy_timeout_is_the_servers_1008() {
    let report = expect_fault(
        "policy-timeout",
        &[],
        "terminal",
        "CONNECTION_TIMEOUT",
        "server_timeout",
    );
    assert_eq!(
        check(&report, "terminal")["evidence"]["close_reason"],
        "Connection timeout"
    );
}

#[test]
fn bad_accept_is_an_invalid_handshake() {
    expect_fault(
        "bad-accept",
        &[],
        "echo",
        "CONNECTION_FAILED",
        "handshake_invalid",
    );
}

#[test]
fn no_route_is_an_open_then_close_without_status() {
    let report = expect_fault(
        "no-route",
        &[],
        "echo",
        "UPGRADE_REJECTED",
        "no_route_after_open",
    );
    assert_eq!(check(&report, "echo")["evidence"]["close_code"], 1005);
}

#[test]
fn going_away_is_retryable_connection_failure() {
    expect_fault(
        "going-away",
        &[],
        "echo",
        "CONNECTION_FAILED",
        "server_going_away",
    );
}

#[test]
fn health_degraded_fails_the_health_check() {
    // The lab's degraded /health names the dependency behind its 503 ("redis": "disconnected"),
    // as Express + node-redis platforms do: the store is the finding that explains it.
    let report = expect_fault(
        "health-degraded",
        &[],
        "health",
        "SESSION_STORE_ERROR",
        "store_disconnected",
    );
    let health = check(&report, "health");
    assert!(
        health["failure"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("503") && m.contains("redis: \"disconnected\"")),
        "{health:#}"
    );
    assert_eq!(health["evidence"]["session_store"]["field"], "redis");
}

#[test]
fn proxy_502_is_an_alb_without_upstream() {
    let report = expect_fault(
        "proxy-502",
        &[],
        "echo",
        "SERVER_ERROR",
        "proxy_no_upstream",
    );
    assert_eq!(report["platform"]["id"], "aws-alb");
}

#[test]
fn echo_mismatch_is_caught() {
    expect_fault(
        "echo-mismatch",
        &[],
        "echo",
        "SERVER_ERROR",
        "echo_mismatch",
    );
}

#[test]
fn tls_self_signed_is_an_unknown_issuer() {
    expect_fault(
        "tls-self-signed",
        &[],
        "tls",
        "TLS_ERROR",
        "tls_unknown_issuer",
    );
}

#[test]
fn tls_expired_shows_the_date() {
    let report = expect_fault("tls-expired", &[], "tls", "TLS_ERROR", "tls_expired");
    let message = check(&report, "tls")["failure"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("expired on"), "{message}");
    let evidence = &check(&report, "tls")["evidence"];
    let problem = &evidence["certificate_problem"];
    assert_eq!(problem["kind"], "expired");
    assert!(
        problem["not_after"].as_str().unwrap().ends_with('Z'),
        "{problem}"
    );
    assert!(problem["checked_at"].as_str().unwrap() > problem["not_after"].as_str().unwrap());
    let words = evidence["certificate_error"].as_str().unwrap();
    assert!(words.starts_with("the certificate expired at"), "{words}");
}

#[test]
fn certificate_evidence_is_words_and_fields_never_debug_text() {
    for (fault, kind, field) in [
        ("tls-expired", "expired", "not_after"),
        ("tls-not-yet-valid", "not_yet_valid", "not_before"),
        ("tls-wrong-name", "wrong_name", "expected_name"),
        ("tls-self-signed", "unknown_issuer", "kind"),
    ] {
        let out = run(&[
            "demo", "--fault", fault, "--only", "tls", "--format", "json",
        ]);
        assert_eq!(out.code, 1, "{fault}");
        for debug in ["Context {", "UnixTime", "ServerName", "DnsName"] {
            assert!(
                !out.stdout.contains(debug),
                "{fault}: {debug} in {}",
                out.stdout
            );
        }
        let report = out.json();
        let problem = &check(&report, "tls")["evidence"]["certificate_problem"];
        assert_eq!(problem["kind"], kind, "{fault}: {problem}");
        assert!(!problem[field].is_null(), "{fault}: {problem}");
        let human = run(&["demo", "--fault", fault, "--only", "tls"]);
        assert!(
            human.stdout.contains("the certificate"),
            "{fault}: {}",
            human.stdout
        );
        assert!(!human.stdout.contains("Context {"), "{}", human.stdout);
    }
}

#[test]
fn tls_wrong_name_shows_the_names() {
    let report = expect_fault(
        "tls-wrong-name",
        &[],
        "tls",
        "TLS_ERROR",
        "tls_name_mismatch",
    );
    let message = check(&report, "tls")["failure"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("wrong-name.invalid"), "{message}");
}

#[test]
fn flaky_passes_on_the_second_attempt() {
    let mut args = vec![
        "demo",
        "--fault",
        "flaky:1",
        "--format",
        "json",
        "--attempts",
        "3",
    ];
    args.extend_from_slice(&FAST);
    let run = run(&args);
    let report = run.json();
    assert_eq!(run.code, 0, "a warning is not a failure: {}", run.stdout);
    for id in ["echo", "terminal"] {
        let attempts = check(&report, id)["attempts"].as_array().unwrap().clone();
        assert_eq!(attempts.len(), 2, "{id}: {attempts:#?}");
        assert_eq!(attempts[0]["outcome"], "fail");
        assert_eq!(attempts[0]["cause"], "abnormal_close");
        assert_eq!(attempts[1]["outcome"], "ok");
    }
}

#[test]
fn drop_after_open_with_three_attempts_exceeds_the_retries() {
    let mut args = vec![
        "demo",
        "--fault",
        "drop-after-open",
        "--format",
        "json",
        "--attempts",
        "3",
    ];
    args.extend_from_slice(&FAST);
    let run = run(&args);
    let report = run.json();
    assert_schema_valid(&report);
    let terminal = check(&report, "terminal");
    // The root cause leads; the web client's MAX_RETRIES_EXCEEDED travels beside it.
    assert_eq!(terminal["failure"]["code"], "ABNORMAL_CLOSURE");
    assert_eq!(terminal["failure"]["cause"], "abnormal_close");
    assert_eq!(terminal["failure"]["also"][0], "MAX_RETRIES_EXCEEDED");
    assert!(terminal["failure"]["message"]
        .as_str()
        .unwrap()
        .starts_with("every one of 3 attempts failed"));
    assert_eq!(report["codes"][0], "ABNORMAL_CLOSURE");
    assert!(report["codes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "MAX_RETRIES_EXCEEDED"));
    assert_eq!(terminal["attempts"].as_array().unwrap().len(), 3);
}

#[test]
fn unknown_fault_is_a_usage_error() {
    let run = run(&["demo", "--fault", "nonsense"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--fault") && run.stderr.contains("app-runner"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_fault_is_listed() {
    let run = run(&["lab", "--list-faults"]);
    assert_eq!(run.code, 0);
    // The faults the issue asks for, by name: the catalog must not lose one.
    for name in [
        "app-runner",
        "strip-upgrade",
        "edge-403",
        "origin-check",
        "redirect",
        "drop-after-open",
        "idle-cut",
        "lifetime-cut",
        "handshake-hang",
        "blackhole",
        "invalid-session",
        "server-error",
        "policy-timeout",
        "bad-accept",
        "no-route",
        "going-away",
        "health-degraded",
        "proxy-502",
        "echo-mismatch",
        "flaky",
        "tls-self-signed",
        "tls-expired",
        "tls-wrong-name",
    ] {
        assert!(
            run.stdout.lines().any(|l| l.starts_with(name)),
            "{name} missing from --list-faults"
        );
        assert!(name.parse::<wsdoctor_lab::Fault>().is_ok(), "{name} parses");
    }
    assert!(run.stdout.lines().count() >= 23);
}
