//! Echo statistics, every address, and watch mode.

use crate::support::run as run_all;
use crate::support::{assert_schema_valid, check, refusing_port, run, TestLab};

#[test]
fn count_reports_round_trip_statistics() {
    let lab = TestLab::healthy();
    let run = run(&[
        "check", &lab.url, "--only", "echo", "--count", "1000", "--format", "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.json();
    assert_schema_valid(&report);
    let stats = &check(&report, "echo")["evidence"]["round_trips"];
    assert_eq!(stats["sent"], 1000);
    assert_eq!(stats["received"], 1000);
    assert_eq!(stats["loss_percent"], 0.0);
    let get = |k: &str| stats[k].as_f64().unwrap();
    assert!(get("min_ms") > 0.0);
    assert!(get("min_ms") <= get("median_ms"));
    assert!(get("median_ms") <= get("p90_ms"));
    assert!(get("p90_ms") <= get("p99_ms"));
    assert!(get("p99_ms") <= get("max_ms"));
    assert!(get("jitter_ms") >= 0.0);
}

#[test]
fn all_addresses_finds_the_one_that_refuses() {
    let lab = TestLab::healthy();
    let port = lab.port().to_string();
    let url = format!("http://pool.wsdoctor.test:{port}");
    // 127.0.0.2 is loopback too, but nothing listens there on this port.
    let pin = format!("pool.wsdoctor.test:{port}:127.0.0.1,127.0.0.2");
    let first_only = run(&[
        "check",
        &url,
        "--resolve",
        &pin,
        "--only",
        "tcp",
        "--format",
        "json",
    ]);
    assert_eq!(
        first_only.code, 0,
        "without --all-addresses the first that answers is enough"
    );
    let run = run(&[
        "check",
        &url,
        "--resolve",
        &pin,
        "--only",
        "tcp",
        "--all-addresses",
        "--format",
        "json",
    ]);
    // One bad address among good ones is a warning that names it; the run goes on.
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.json();
    let tcp = check(&report, "tcp");
    assert_eq!(tcp["status"], "warn");
    assert_eq!(tcp["warning"]["cause"], "tcp_refused");
    let warning = tcp["warning"]["message"].as_str().unwrap();
    assert!(warning.contains("1 of 2 addresses"), "{warning}");
    assert!(warning.contains("127.0.0.2"), "{warning}");
    assert_eq!(report["codes"][0], "CONNECTION_FAILED");
    let addresses = tcp["evidence"]["addresses"].as_array().unwrap();
    assert_eq!(addresses.len(), 2);
    assert_eq!(addresses[0]["ok"], true);
    assert_eq!(addresses[1]["ok"], false);
    let dns = check(&report, "dns");
    assert_eq!(dns["evidence"]["addresses"].as_array().unwrap().len(), 2);
    // The rest of the checklist runs on the working address.
    let full = run_all(&[
        "check",
        &url,
        "--resolve",
        &pin,
        "--all-addresses",
        "--only",
        "health,echo",
        "--format",
        "json",
    ]);
    let report = full.json();
    assert_eq!(check(&report, "health")["status"], "pass", "{report:#}");
    assert_eq!(check(&report, "echo")["status"], "pass", "{report:#}");
    assert_eq!(
        check(&report, "echo")["evidence"]["peer"],
        format!("127.0.0.1:{port}")
    );
}

#[test]
fn refused_and_unreachable_are_told_apart() {
    let refusing = refusing_port();
    let refused = run(&[
        "check",
        &format!("http://127.0.0.1:{}", refusing.port),
        "--only",
        "tcp",
        "--format",
        "json",
    ]);
    assert_eq!(
        check(&refused.json(), "tcp")["failure"]["cause"],
        "tcp_refused"
    );
}

#[test]
fn watch_prints_a_line_a_run_and_a_summary() {
    let lab = TestLab::healthy();
    let run = run(&[
        "watch",
        &lab.url,
        "--interval",
        "100ms",
        "--runs",
        "3",
        "--only",
        "echo",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let runs: Vec<&str> = run.stdout.lines().filter(|l| l.contains(" run ")).collect();
    assert_eq!(runs.len(), 3, "{}", run.stdout);
    assert!(runs.iter().all(|l| l.contains("PASS")));
    assert!(
        run.stdout.contains("watch: 3 runs, 3 passed"),
        "{}",
        run.stdout
    );
}

#[test]
fn watch_in_ndjson_is_one_event_a_run_with_a_running_tally() {
    let refusing = refusing_port();
    let port = refusing.port;
    let url = format!("http://127.0.0.1:{port}");
    let run = run(&[
        "watch",
        &url,
        "--interval",
        "50ms",
        "--runs",
        "2",
        "--format",
        "ndjson",
        "--only",
        "tcp",
    ]);
    assert_eq!(run.code, 1);
    let events: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0]["type"], "watch_run");
    assert_eq!(events[1]["data"]["tally"]["fail"], 2);
    assert_eq!(events[2]["type"], "watch_summary");
    assert_eq!(events[2]["data"]["failures_by_check"]["tcp"], 2);
    let bad = crate::support::run(&["watch", &url, "--format", "junit"]);
    assert_eq!(bad.code, 2);
}
