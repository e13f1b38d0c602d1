//! `wsdoctor ping`: round trips over time on one socket, through the built binary against the lab
//! (and a fixture server that answers pings late) on loopback.

use crate::support::{run, signal, spawn_until, TestLab};
use serde_json::Value;
use std::time::Duration;
use wsdoctor_lab::{Fault, LabOptions};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn lab_with(fault: Fault) -> TestLab {
    TestLab::start(LabOptions {
        fault: Some(fault),
        ..LabOptions::default()
    })
}

fn socket_url(lab: &TestLab) -> String {
    format!("ws://127.0.0.1:{}/ws-test", lab.port())
}

/// The committed schema, compiled.
fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(format!("{ROOT}/schema/ping.v1.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, value: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{value:#}");
}

fn f(value: &Value, key: &str) -> f64 {
    value[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no {key} in {value:#}"))
}

#[test]
fn fifty_samples_report_quantiles_jitter_and_no_loss() {
    let lab = TestLab::healthy();
    let out = run(&[
        "ping",
        &socket_url(&lab),
        "--count",
        "50",
        "--interval",
        "20ms",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let summary = out.json();
    assert_valid(&validator(), &summary);
    assert_eq!(summary["schema"], "wsdoctor.ping.v1");
    assert_eq!(summary["mode"], "ping");
    assert_eq!(summary["verdict"], "pass");
    assert_eq!(summary["sent"], 50);
    assert_eq!(summary["answered"], 50);
    assert_eq!(summary["lost"], 0);
    assert_eq!(summary["loss_percent"], 0.0);
    assert_eq!(summary["cuts"], 0);
    let rtt = &summary["rtt"];
    let order = ["min_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms"].map(|k| f(rtt, k));
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{rtt:#}");
    assert!(f(rtt, "min_ms") > 0.0 && f(rtt, "avg_ms") <= f(rtt, "max_ms"));
    assert!(f(&summary, "jitter_ms") >= 0.0);
    // 50 samples 20 ms apart take about a second, not 50 sample timeouts.
    assert!(f(&summary, "duration_ms") >= 900.0, "{summary:#}");
    assert!(out.elapsed < Duration::from_secs(10), "{:?}", out.elapsed);
    let buckets = summary["timeline"]["buckets"].as_array().unwrap();
    let answered: u64 = buckets
        .iter()
        .map(|b| b["answered"].as_u64().unwrap())
        .sum();
    assert_eq!(answered, 50);
    assert!(buckets.len() <= 60);
}

#[test]
fn an_idle_cut_is_classified_and_the_socket_reopened() {
    let lab = lab_with(Fault::IdleCut(Duration::from_secs(1)));
    // Samples 1.5 s apart leave the socket quiet longer than the proxy's 1 s idle timeout.
    let out = run(&[
        "ping",
        &socket_url(&lab),
        "--count",
        "3",
        "--interval",
        "1500ms",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "cuts fail the run: {}", out.stdout);
    let summary = out.json();
    assert_valid(&validator(), &summary);
    assert_eq!(summary["answered"], 3, "{summary:#}");
    assert!(summary["cuts"].as_u64().unwrap() >= 2, "{summary:#}");
    assert_eq!(summary["reconnects"], summary["cuts"], "{summary:#}");
    let cut = &summary["cut_list"][0];
    assert_eq!(cut["code"], "ABNORMAL_CLOSURE", "{cut:#}");
    assert_eq!(cut["cause"], "abnormal_close", "{cut:#}");
    assert!(
        cut.get("close_code").is_none(),
        "a reset sends no close frame"
    );
    // The cut came after the proxy's idle timeout of quiet, not before.
    assert!(f(cut, "quiet_for_ms") >= 950.0, "{cut:#}");
    assert_eq!(
        summary["cut_causes"]["abnormal_close"], summary["cuts"],
        "{summary:#}"
    );
    assert!(summary.get("failure").is_none(), "{summary:#}");
    // Together the cuts name the proxy's idle timeout.
    let pattern = &summary["cut_pattern"];
    assert_eq!(pattern["code"], "IDLE_TIMEOUT", "{summary:#}");
    assert_eq!(pattern["cause"], "idle_cut", "{summary:#}");
    assert!(
        pattern["message"]
            .as_str()
            .unwrap()
            .contains("after 1.0 s without a frame"),
        "{pattern:#}"
    );
    // Within the gates, the same run passes with a warning.
    let tolerated = run(&[
        "ping",
        &socket_url(&lab),
        "--count",
        "2",
        "--interval",
        "1500ms",
        "--max-cuts",
        "5",
        "--format",
        "json",
    ]);
    assert_eq!(tolerated.code, 0, "{}", tolerated.stdout);
    assert_eq!(tolerated.json()["verdict"], "warn");
}

#[test]
fn a_lifetime_cap_is_told_from_an_idle_timeout() {
    let lab = lab_with(Fault::LifetimeCut(Duration::from_millis(600)));
    let out = run(&[
        "ping",
        &socket_url(&lab),
        "--count",
        "20",
        "--interval",
        "100ms",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let summary = out.json();
    assert_valid(&validator(), &summary);
    assert!(summary["cuts"].as_u64().unwrap() >= 2, "{summary:#}");
    assert_eq!(
        summary["cut_pattern"]["cause"], "lifetime_cut",
        "{summary:#}"
    );
    assert!(
        summary["cut_pattern"]["message"]
            .as_str()
            .unwrap()
            .contains("0.6 s after the socket opened"),
        "{summary:#}"
    );
}

#[test]
fn drop_after_open_cuts_every_socket_and_reconnecting_is_bounded() {
    let lab = lab_with(Fault::DropAfterOpen);
    let out = run(&[
        "ping",
        &socket_url(&lab),
        "--count",
        "1000",
        "--interval",
        "20ms",
        "--max-reconnects",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let summary = out.json();
    assert_valid(&validator(), &summary);
    assert_eq!(summary["answered"], 0);
    // The first socket and two new ones, each cut; then it gives up, long before 1000 samples.
    assert_eq!(summary["cuts"], 3, "{summary:#}");
    assert_eq!(summary["reconnects"], 2, "{summary:#}");
    let failure = &summary["failure"];
    assert_eq!(
        failure["code"], "ABNORMAL_CLOSURE",
        "the root cause leads: {failure:#}"
    );
    assert_eq!(failure["also"][0], "MAX_RETRIES_EXCEEDED", "{failure:#}");
    assert!(
        failure["message"]
            .as_str()
            .unwrap()
            .contains("gave up after 2"),
        "{failure:#}"
    );
    assert_eq!(summary["cut_list"][0]["cause"], "abnormal_close");
    assert!(
        summary.get("cut_pattern").is_none(),
        "no timer: {summary:#}"
    );
    assert!(out.elapsed < Duration::from_secs(15), "{:?}", out.elapsed);
    // The human view names the cuts, their cause and the reconnects too.
    let human = run(&[
        "ping",
        &socket_url(&lab),
        "--count",
        "1000",
        "--interval",
        "20ms",
        "--max-reconnects",
        "1",
    ]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("cut ABNORMAL_CLOSURE abnormal_close"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("reconnected (attempt 1"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("cuts: 2 (abnormal_close ×2), reconnects: 1"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("MAX_RETRIES") || human.stdout.contains("gave up"),
        "{}",
        human.stdout
    );
}

#[test]
fn echo_mode_reads_the_platforms_envelope_and_a_plain_echo() {
    let lab = TestLab::healthy();
    // A base URL pings its echo path.
    let out = run(&[
        "ping",
        &lab.url,
        "--echo",
        "--count",
        "5",
        "--interval",
        "10ms",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let summary = out.json();
    assert_eq!(summary["mode"], "echo");
    assert_eq!(summary["echo"], "envelope");
    assert_eq!(summary["answered"], 5);
    assert!(summary["url"].as_str().unwrap().ends_with("/ws-test"));
    let plain = lab_with(Fault::PlainApp);
    let out = run(&[
        "ping",
        &socket_url(&plain),
        "--echo",
        "--count",
        "5",
        "--interval",
        "0s",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let summary = out.json();
    assert_eq!(summary["echo"], "plain");
    assert_eq!(summary["answered"], 5);
    assert_eq!(summary["unmatched"], 0);
    // --quiet: the summary only.
    let quiet = run(&[
        "ping",
        &socket_url(&plain),
        "--count",
        "2",
        "--interval",
        "0s",
        "-q",
    ]);
    assert_eq!(quiet.code, 0, "{}", quiet.stdout);
    assert!(quiet.stdout.starts_with("--- "), "{}", quiet.stdout);
    assert!(!quiet.stdout.contains("seq="), "{}", quiet.stdout);
}

#[test]
fn ndjson_is_one_valid_event_a_sample_and_the_summary_last() {
    let lab = TestLab::healthy();
    let out = run(&[
        "ping",
        &socket_url(&lab),
        "--count",
        "5",
        "--interval",
        "10ms",
        "--format",
        "ndjson",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let validator = validator();
    let events: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    for event in &events {
        assert_valid(&validator, event);
    }
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["open", "sample", "sample", "sample", "sample", "sample", "summary"]
    );
    let seqs: Vec<u64> = events[1..6]
        .iter()
        .map(|e| e["data"]["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    assert_eq!(events[6]["data"]["answered"], 5);
}

#[test]
fn the_http2_road_with_a_private_ca_and_secrets_kept_out_of_the_output() {
    let lab = TestLab::start(LabOptions {
        tls: true,
        http2: true,
        ..LabOptions::default()
    });
    let ca = lab.ca_file();
    // A token in the query and a credential header: the connection path is check's, and so is
    // the redaction.
    let url = format!(
        "wss://127.0.0.1:{}/ws-test?token=sekrit-token-123",
        lab.port()
    );
    for format in ["json", "ndjson", "human"] {
        let out = run(&[
            "ping",
            &url,
            "--cacert",
            ca.path().to_str().unwrap(),
            "--http2",
            "-H",
            "Authorization: Bearer sekrit-bearer-456",
            "--count",
            "3",
            "--interval",
            "10ms",
            "--format",
            format,
        ]);
        assert_eq!(out.code, 0, "{format}: {}\n{}", out.stdout, out.stderr);
        for secret in ["sekrit-token-123", "sekrit-bearer-456"] {
            assert!(!out.stdout.contains(secret), "{format}: {}", out.stdout);
            assert!(!out.stderr.contains(secret), "{format}: {}", out.stderr);
        }
        if format == "json" {
            let summary = out.json();
            assert_eq!(summary["http_version"], "HTTP/2", "{summary:#}");
            assert_eq!(summary["answered"], 3);
        }
    }
    // Without the CA the certificate is not trusted: the check's diagnosis, not a pass.
    let out = run(&["ping", &url, "--count", "1", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(out.json()["failure"]["code"], "TLS_ERROR", "{}", out.stdout);
}

#[test]
fn ctrl_c_prints_the_summary_and_exits_with_the_verdict() {
    let lab = TestLab::healthy();
    let url = socket_url(&lab);
    let spawned = spawn_until(&["ping", &url, "--interval", "50ms"], "seq=3 ", false);
    signal(&spawned, "INT");
    let (code, stdout, _) = spawned.finish();
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("ping statistics ---"), "{stdout}");
    assert!(stdout.contains("interrupted"), "{stdout}");
    assert!(
        stdout.contains("rtt min/avg/p50/p90/p99/max = "),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("PASS"), "{stdout}");
}

#[test]
fn a_reader_that_goes_away_ends_a_run_without_count() {
    use std::io::{BufRead, BufReader};
    let lab = TestLab::healthy();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("wsdoctor"))
        .args(["ping", &socket_url(&lab), "--interval", "20ms"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // `| head -3`: three lines, then the pipe closes.
    let stdout = child.stdout.take().unwrap();
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(3)
        .map(Result::unwrap)
        .collect();
    assert!(lines[0].starts_with("PING "), "{lines:?}");
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(
                status.code().is_some(),
                "ended by itself, not killed: {status:?}"
            );
            break;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("ping kept running with nobody reading");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_late_pong_is_matched_to_its_own_sample_not_the_next() {
    let server = late_pong_server(2, Duration::from_millis(400));
    let out = run(&[
        "ping",
        &format!("ws://{server}/"),
        // Long enough for the late answer (at 0.5 s) to come in while the run still listens.
        "--count",
        "8",
        "--interval",
        "100ms",
        "--sample-timeout",
        "150ms",
        "--format",
        "ndjson",
    ]);
    let events: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = &events.last().unwrap()["data"];
    assert_eq!(summary["lost"], 1, "{}", out.stdout);
    assert_eq!(summary["answered"], 7, "{}", out.stdout);
    assert_eq!(summary["late"], 1, "{}", out.stdout);
    let late = events
        .iter()
        .find(|e| e["type"] == "late")
        .expect("a late event");
    assert_eq!(late["data"]["seq"], 2);
    assert!(f(&late["data"], "rtt_ms") >= 300.0, "{late:#}");
    let lost: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "sample" && e["data"]["status"] == "lost")
        .collect();
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0]["data"]["seq"], 2);
    assert_eq!(out.code, 1);
}

/// A WebSocket server written frame by frame (tungstenite would answer every ping at once): it
/// answers ping number `late` only after `delay`, the others at once.
fn late_pong_server(late: usize, delay: Duration) -> std::net::SocketAddr {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && stream.read_exact(&mut byte).is_ok() {
            head.push(byte[0]);
        }
        let text = String::from_utf8_lossy(&head).into_owned();
        let key = text
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("sec-websocket-key")
                    .then(|| value.trim().to_string())
            })
            .unwrap_or_default();
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
        let _ = write!(
            stream,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
        );
        let writer = std::sync::Arc::new(std::sync::Mutex::new(stream.try_clone().unwrap()));
        let mut pings = 0;
        loop {
            let mut header = [0u8; 2];
            if stream.read_exact(&mut header).is_err() {
                return;
            }
            let opcode = header[0] & 0x0f;
            let len = usize::from(header[1] & 0x7f);
            let mut mask = [0u8; 4];
            let mut payload = vec![0u8; len];
            if len > 125
                || stream.read_exact(&mut mask).is_err()
                || stream.read_exact(&mut payload).is_err()
            {
                return;
            }
            for (i, b) in payload.iter_mut().enumerate() {
                *b ^= mask[i % 4];
            }
            if opcode == 0x8 {
                return;
            }
            if opcode != 0x9 {
                continue;
            }
            pings += 1;
            let mut pong = vec![0x8a, u8::try_from(len).unwrap()];
            pong.extend_from_slice(&payload);
            let writer = writer.clone();
            let wait = if pings == late { delay } else { Duration::ZERO };
            std::thread::spawn(move || {
                std::thread::sleep(wait);
                let _ = writer.lock().unwrap().write_all(&pong);
            });
        }
    });
    addr
}

#[test]
fn bad_flags_are_usage_errors() {
    for args in [
        vec!["ping", "ws://127.0.0.1:9/", "--interval", "soon"],
        vec!["ping", "ws://127.0.0.1:9/", "--count", "0"],
        vec!["ping", "ws://127.0.0.1:9/", "--max-loss", "150"],
        vec!["ping", "ws://127.0.0.1:9/", "--sample-timeout", "0s"],
        vec!["ping", "ws://127.0.0.1:9/", "--format", "junit"],
        vec!["ping", "ftp://127.0.0.1:9/"],
        vec!["ping", "ws://127.0.0.1:9/", "-H", "Bad\r\nHeader: x"],
        vec!["ping"],
    ] {
        let out = run(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    // check's variables apply to ping; a bad one is named.
    let out = crate::support::wsdoctor()
        .env("WSDOCTOR_TIMEOUT", "bogus")
        .args(["ping", "ws://127.0.0.1:9/", "--count", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("WSDOCTOR_TIMEOUT") && stderr.contains("bogus"),
        "{stderr}"
    );
}

#[test]
fn a_socket_that_never_opens_fails_with_the_checks_diagnosis() {
    let port = crate::support::refusing_port();
    let out = run(&[
        "ping",
        &format!("ws://127.0.0.1:{}/ws-test", port.port),
        "--count",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let summary = out.json();
    assert_valid(&validator(), &summary);
    assert_eq!(summary["failure"]["cause"], "tcp_refused", "{summary:#}");
    assert_eq!(summary["sent"], 0);
}

#[test]
fn every_ping_help_example_runs_against_the_lab() {
    let lab = TestLab::healthy();
    let help = run(&["ping", "--help"]);
    assert_eq!(help.code, 0);
    let examples: Vec<&str> = help
        .stdout
        .split("Examples:")
        .nth(1)
        .expect("ping --help has examples")
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("wsdoctor "))
        .collect();
    assert!(examples.len() >= 3, "{examples:?}");
    let base = lab.url.trim_end_matches('/');
    for example in examples {
        // The documented host is not on this machine: the lab stands in for it, and a short
        // count keeps a run without one finite.
        let line = example
            .replace("wss://app.example.com", &base.replace("http://", "ws://"))
            .replace("https://app.example.com", base);
        let mut words: Vec<String> = line
            .split_whitespace()
            .skip(1)
            .map(str::to_string)
            .collect();
        if !words.iter().any(|w| w == "--count" || w == "-c") {
            words.extend(["--count".to_string(), "2".to_string()]);
        }
        if !words.iter().any(|w| w == "--interval" || w == "-i") {
            words.extend(["--interval".to_string(), "10ms".to_string()]);
        }
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        let out = run(&args);
        assert_eq!(out.code, 0, "{example}: {}\n{}", out.stdout, out.stderr);
        assert!(!out.stdout.is_empty(), "{example}");
    }
}

#[test]
fn the_exporters_ping_module_exports_quantiles_jitter_and_loss() {
    use crate::serve::{config, sample, Server};
    let lab = TestLab::healthy();
    let cut = lab_with(Fault::DropAfterOpen);
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        &format!(
            "[[targets]]\nname = \"lab\"\nurl = \"{}\"\n\n[[targets]]\nname = \"cut\"\nurl = \"ws://127.0.0.1:{}/ws-test\"\n\n[modules.ping]\nping-samples = 20\nping-interval = \"10ms\"\n",
            lab.url,
            cut.port()
        ),
    );
    let server = Server::start(&file, &[]);
    let (status, _, body) = server.get("/probe?target=lab&module=ping", &[]);
    assert_eq!(status, 200, "{body}");
    assert_eq!(sample(&body, "probe_success"), Some(1.0), "{body}");
    assert_eq!(sample(&body, "wsdoctor_ping_success"), Some(1.0), "{body}");
    assert_eq!(sample(&body, "wsdoctor_ping_samples"), Some(20.0), "{body}");
    assert_eq!(
        sample(&body, "wsdoctor_ping_loss_ratio"),
        Some(0.0),
        "{body}"
    );
    assert_eq!(
        sample(&body, "wsdoctor_ping_cut_short"),
        Some(0.0),
        "{body}"
    );
    for q in ["0", "0.5", "0.9", "0.99", "1"] {
        let rtt = sample(
            &body,
            &format!("wsdoctor_ping_rtt_seconds{{quantile=\"{q}\"}}"),
        );
        assert!(rtt.is_some_and(|s| s > 0.0 && s < 1.0), "{q}: {body}");
    }
    assert!(
        sample(&body, "wsdoctor_ping_jitter_seconds").is_some(),
        "{body}"
    );
    // The default module takes no series.
    let (_, _, plain) = server.get("/probe?target=lab", &[]);
    assert!(!plain.contains("wsdoctor_ping_"), "{plain}");
    // OpenMetrics keeps its # EOF last.
    let (_, _, open) = server.get(
        "/probe?target=lab&module=ping",
        &[("Accept", "application/openmetrics-text; version=1.0.0")],
    );
    assert!(
        open.ends_with("# EOF\n") && open.contains("wsdoctor_ping_samples"),
        "{open}"
    );
    assert_eq!(open.matches("# EOF").count(), 1, "{open}");
    // A socket cut at every open: loss and cuts by cause.
    let (_, _, body) = server.get("/probe?target=cut&module=ping", &[]);
    assert_eq!(sample(&body, "wsdoctor_ping_success"), Some(0.0), "{body}");
    assert_eq!(
        sample(&body, "wsdoctor_ping_loss_ratio"),
        Some(1.0),
        "{body}"
    );
    assert!(
        sample(&body, "wsdoctor_ping_cuts{cause=\"abnormal_close\"}").is_some_and(|n| n >= 1.0),
        "{body}"
    );
    // A value the series cannot take is refused when the file is read.
    let bad = tempfile::tempdir().unwrap();
    let bad_file = config(
        bad.path(),
        &format!(
            "[[targets]]\nname = \"lab\"\nurl = \"{}\"\n\n[modules.ping]\nping-samples = 0\n",
            lab.url
        ),
    );
    let out = run(&["serve", "--dry-run", "--config", bad_file.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("ping-samples"), "{}", out.stderr);
}
