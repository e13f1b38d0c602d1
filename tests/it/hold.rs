//! The hold check (`--hold`): proxy idle and lifetime cuts reproduced by the lab, read from the
//! way three sockets (silent, ping, message) die side by side.

use crate::support::{assert_schema_valid, check, run, TestLab};
use serde_json::Value;
use std::time::Duration;
use wsdoctor_lab::LabOptions;

/// The per-variant evidence of the hold check, by variant name.
fn variant<'a>(hold: &'a Value, name: &str) -> &'a Value {
    hold["evidence"]["variants"]
        .as_array()
        .and_then(|v| v.iter().find(|v| v["variant"] == name))
        .unwrap_or_else(|| panic!("no {name} variant in {hold:#}"))
}

fn ms(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"))
}

fn near(value: &Value, expected: f64, slack: f64) -> bool {
    (ms(value) - expected).abs() <= slack
}

#[test]
fn an_idle_cut_kills_only_the_silent_socket() {
    let run = run(&[
        "demo",
        "--fault",
        "idle-cut:2s",
        "--hold",
        "4s",
        "--ping-interval",
        "500ms",
        "--format",
        "json",
        "--only",
        "hold",
    ]);
    let report = run.json();
    assert_schema_valid(&report);
    assert_eq!(run.code, 1, "a cut is a failed run: {}", run.stderr);
    let hold = check(&report, "hold");
    assert_eq!(hold["status"], "fail", "{hold:#}");
    assert_eq!(hold["failure"]["code"], "IDLE_TIMEOUT", "{hold:#}");
    assert_eq!(hold["failure"]["cause"], "idle_cut", "{hold:#}");
    let silent = variant(hold, "silent");
    assert_eq!(silent["died"], true, "{silent:#}");
    assert!(
        near(&silent["since_last_byte_ms"], 2000.0, 500.0),
        "{silent:#}"
    );
    assert_eq!(silent["closed_by"], "connection-reset", "{silent:#}");
    assert_eq!(silent["close_code"], 1006, "{silent:#}");
    for name in ["ping", "message"] {
        let kept = variant(hold, name);
        assert_eq!(kept["died"], false, "{kept:#}");
        assert_eq!(kept["closed_by"], "client", "{kept:#}");
    }
    assert!(ms(&variant(hold, "ping")["pings_sent"]) >= 5.0, "{hold:#}");
    assert!(
        ms(&variant(hold, "message")["messages_sent"]) >= 5.0,
        "{hold:#}"
    );
    let message = hold["failure"]["message"].as_str().unwrap_or("");
    assert!(message.contains("2.0 s"), "{message}");
    assert!(
        message.contains("pings and messages keep the socket alive"),
        "{message}"
    );
    assert!(ms(&hold["evidence"]["cut_ms"]) > 1500.0, "{hold:#}");
    assert!(
        run.elapsed < Duration::from_secs(6),
        "hold 4s took {:?}",
        run.elapsed
    );
}

#[test]
fn a_lifetime_cut_kills_every_socket_at_the_same_age() {
    let run = run(&[
        "demo",
        "--fault",
        "lifetime-cut:2s",
        "--hold",
        "4s",
        "--ping-interval",
        "500ms",
        "--format",
        "json",
        "--only",
        "hold",
    ]);
    let report = run.json();
    assert_schema_valid(&report);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let hold = check(&report, "hold");
    assert_eq!(hold["failure"]["code"], "IDLE_TIMEOUT", "{hold:#}");
    assert_eq!(hold["failure"]["cause"], "lifetime_cut", "{hold:#}");
    for name in ["silent", "ping", "message"] {
        let died = variant(hold, name);
        assert_eq!(died["died"], true, "{died:#}");
        assert!(near(&died["died_after_ms"], 2000.0, 500.0), "{died:#}");
    }
    // Everything died at 2 s, so the check does not wait out the rest of the hold.
    assert!(
        run.elapsed < Duration::from_secs(4),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn a_healthy_hold_passes_and_reports_the_server_heartbeat() {
    let lab = TestLab::start(LabOptions {
        ping_interval: Some(Duration::from_millis(300)),
        ..LabOptions::default()
    });
    let run = run(&[
        "check",
        &lab.url,
        "--hold",
        "2s",
        "--ping-interval",
        "500ms",
        "--format",
        "json",
        "--only",
        "hold",
    ]);
    let report = run.json();
    assert_schema_valid(&report);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let hold = check(&report, "hold");
    assert_eq!(hold["status"], "pass", "{hold:#}");
    assert!(hold["failure"].is_null());
    let summary = hold["summary"].as_str().unwrap_or("");
    assert!(
        summary.starts_with("3 sockets held 2s: no cut"),
        "{summary}"
    );
    assert!(hold["timings"]["ws_handshake"].is_number(), "{hold:#}");
    let heartbeat = &hold["evidence"]["server_heartbeat"];
    assert!(ms(&heartbeat["pings"]) >= 3.0, "{heartbeat:#}");
    assert!(
        near(&heartbeat["interval_ms"], 300.0, 100.0),
        "{heartbeat:#}"
    );
    assert_eq!(heartbeat["often_enough"], true, "{heartbeat:#}");
    let silent = variant(hold, "silent");
    assert!(ms(&silent["server_pings"]) >= 3.0, "{silent:#}");
    assert!(
        near(&silent["server_ping_interval_ms"], 300.0, 100.0),
        "{silent:#}"
    );
    assert_eq!(hold["evidence"]["hold_ms"], 2000.0);
    assert_eq!(hold["evidence"]["ping_interval_ms"], 500.0);
    assert!(
        run.elapsed < Duration::from_secs(4),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn without_hold_the_check_is_not_run() {
    let run = run(&["demo", "--format", "json"]);
    let report = run.json();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hold = crate::support::check(&report, "hold");
    assert_eq!(hold["status"], "skip", "{hold:#}");
    assert!(
        hold["summary"].as_str().unwrap().contains("--hold"),
        "{hold:#}"
    );
}

#[test]
fn ctrl_c_during_a_hold_keeps_what_was_observed() {
    // A lab that cuts sockets after 300 ms; the hold asks for a minute and is stopped early.
    let spawned = crate::support::spawn_until(
        &[
            "demo",
            "--fault",
            "idle-cut:300ms",
            "--only",
            "hold",
            "--hold",
            "60s",
            "--ping-interval",
            "100ms",
            "--format",
            "json",
            "--verbose",
        ],
        "socket died after",
        true,
    );
    let started = std::time::Instant::now();
    crate::support::signal(&spawned, "INT");
    let (code, _, stdout) = spawned.finish();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "stopped promptly"
    );
    assert_eq!(code, Some(130));
    let report: Value = serde_json::from_str(&stdout).expect("partial report");
    assert_eq!(report["interrupted"], true);
    let hold = check(&report, "hold");
    // The cut seen before Ctrl-C is the verdict, with its evidence, not "interrupted".
    assert_eq!(hold["status"], "fail", "{hold:#}");
    assert_eq!(hold["failure"]["cause"], "idle_cut", "{hold:#}");
    assert!(variant(hold, "silent")["closed_by"].is_string(), "{hold:#}");
    assert_eq!(report["codes"][0], "IDLE_TIMEOUT");
}

#[test]
fn a_hold_stopped_before_any_cut_warns_it_proves_nothing() {
    let spawned = crate::support::spawn_until(
        &[
            "demo",
            "--only",
            "hold",
            "--hold",
            "60s",
            "--format",
            "json",
            "--verbose",
        ],
        "[Hold] Connected",
        true,
    );
    crate::support::signal(&spawned, "INT");
    let (code, _, stdout) = spawned.finish();
    assert_eq!(code, Some(130));
    let report: Value = serde_json::from_str(&stdout).expect("partial report");
    let hold = check(&report, "hold");
    assert_eq!(
        hold["status"], "warn",
        "never a pass for a hold cut short: {hold:#}"
    );
    assert!(
        hold["summary"]
            .as_str()
            .unwrap()
            .starts_with("stopped after"),
        "{hold:#}"
    );
}

/// A hold against a lab serving HTTP/2 beside HTTP/1.1, with `fault` or healthy.
fn hold_over_both_roads(fault: Option<&str>) -> (crate::support::Run, Value) {
    let lab = TestLab::start(LabOptions {
        tls: true,
        http2: true,
        fault: fault.map(|f| f.parse().expect("a fault")),
        ..LabOptions::default()
    });
    let ca = lab.ca_file();
    let run = run(&[
        "check",
        &lab.url,
        "--cacert",
        ca.path().to_str().unwrap(),
        "--hold",
        "2s",
        "--ping-interval",
        "300ms",
        "--attempts",
        "1",
        "--format",
        "json",
        "--only",
        "hold",
    ]);
    let report = run.json();
    assert_schema_valid(&report);
    (run, report)
}

/// The held socket of `variant` on `road` (`h2`, `http/1.1`).
fn on_road<'a>(hold: &'a Value, name: &str, road: &str) -> &'a Value {
    hold["evidence"]["variants"]
        .as_array()
        .and_then(|v| v.iter().find(|v| v["variant"] == name && v["road"] == road))
        .unwrap_or_else(|| panic!("no {name} socket over {road} in {hold:#}"))
}

#[test]
fn an_idle_cut_of_http2_only_says_http1_survives() {
    let (run, report) = hold_over_both_roads(Some("h2-idle-cut:1s"));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let hold = check(&report, "hold");
    assert_eq!(hold["failure"]["cause"], "idle_cut", "{hold:#}");
    // Six sockets: three on each road; only the silent HTTP/2 one was cut.
    assert_eq!(hold["evidence"]["variants"].as_array().unwrap().len(), 6);
    let silent = on_road(hold, "silent", "h2");
    assert_eq!(silent["died"], true, "{silent:#}");
    assert!(near(&silent["died_after_ms"], 1000.0, 400.0), "{silent:#}");
    for (name, road) in [
        ("ping", "h2"),
        ("message", "h2"),
        ("silent", "http/1.1"),
        ("ping", "http/1.1"),
        ("message", "http/1.1"),
    ] {
        assert_eq!(on_road(hold, name, road)["died"], false, "{name} {road}");
    }
    // Which road is cut: in the summary, the evidence and the hint.
    let message = hold["failure"]["message"].as_str().unwrap();
    // The cut is timed from our side of the open, so it reads a little under or over 1 s.
    assert!(
        message.starts_with("/ws-test: idle cut after ")
            && message.contains(" on HTTP/2 only; the HTTP/1.1 sockets stayed up"),
        "{message}"
    );
    assert!(
        message.contains("the edge's HTTP/2 stream idle timeout"),
        "{message}"
    );
    assert_eq!(hold["summary"], hold["failure"]["message"]);
    let roads = hold["evidence"]["roads"].as_array().expect("roads");
    let road = |name: &str| roads.iter().find(|r| r["road"] == name).unwrap();
    assert_eq!(road("h2")["outcome"], "fails", "{roads:#?}");
    assert_eq!(road("h2")["cause"], "idle_cut", "{roads:#?}");
    assert_eq!(road("http/1.1")["outcome"], "works", "{roads:#?}");
    assert!(
        hold["failure"]["hint"]
            .as_str()
            .unwrap()
            .starts_with("Only HTTP/2 sockets are cut"),
        "{hold:#}"
    );
    assert!(
        run.elapsed < Duration::from_secs(6),
        "hold 2s took {:?}",
        run.elapsed
    );

    // A healthy origin offering both roads: both held, no cut on either.
    let (run, report) = hold_over_both_roads(None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hold = check(&report, "hold");
    assert_eq!(hold["status"], "pass", "{hold:#}");
    let summary = hold["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("3 sockets held 2s on each of HTTP/2 and HTTP/1.1: no cut"),
        "{summary}"
    );
    assert_eq!(hold["evidence"]["variants"].as_array().unwrap().len(), 6);
}
