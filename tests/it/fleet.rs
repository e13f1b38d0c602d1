//! Fleets: the config file (`wsdoctor.toml`), many targets in one run, and the gates CI sets.

use crate::support::{check, refusing_port, run, run_measured, wsdoctor, TestLab};
use serde_json::Value;
use std::path::Path;
use wsdoctor_lab::{Fault, LabOptions};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn schema(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{ROOT}/schema/{name}")).unwrap())
        .unwrap()
}

/// Validates a fleet document against schema/fleet.v1.json (which refers to the report schema).
fn assert_fleet_valid(document: &Value) {
    let registry = jsonschema::Registry::new()
        .add("urn:wsdoctor:schema:report:v1", schema("report.v1.json"))
        .unwrap()
        .prepare()
        .unwrap();
    let validator = jsonschema::options()
        .with_registry(&registry)
        .build(&schema("fleet.v1.json"))
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// A run of the binary in `dir` with extra environment.
fn run_in(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> crate::support::Run {
    let start = std::time::Instant::now();
    let mut cmd = wsdoctor();
    cmd.current_dir(dir).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    crate::support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}

fn target<'a>(fleet: &'a Value, name: &str) -> &'a Value {
    fleet["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .map(|t| &t["report"])
        .unwrap_or_else(|| panic!("no target {name} in {fleet:#}"))
}

#[test]
fn a_fleet_runs_every_target_and_reports_the_worst_verdict() {
    let healthy = TestLab::healthy();
    let broken = TestLab::start(LabOptions {
        fault: Some(Fault::InvalidSession),
        ..LabOptions::default()
    });
    let down = refusing_port();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "wsdoctor.toml",
        &format!(
            r#"
[defaults]
origin = "http://localhost:3000"
observe = "0s"
attempts = 1

[[targets]]
name = "prod-eu"
url = "{healthy}"
session = "${{PROD_SESSION}}"

[[targets]]
name = "staging"
url = "{broken}"
session = "demo-session"

[[targets]]
name = "gone"
url = "http://127.0.0.1:{down}"
connect_timeout = "2s"
"#,
            healthy = healthy.url,
            broken = broken.url,
            down = down.port
        ),
    );
    let env = [("PROD_SESSION", "demo-session")];
    // The file in the current directory is found without --config.
    let out = run_in(dir.path(), &env, &["check", "--format", "json"]);
    assert_eq!(
        out.code, 1,
        "the worst verdict is the exit status: {}",
        out.stderr
    );
    let fleet: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_fleet_valid(&fleet);
    assert_eq!(fleet["schema"], "wsdoctor.fleet.v1");
    assert_eq!(fleet["totals"]["targets"], 3);
    assert_eq!(fleet["totals"]["passed"], 1);
    assert_eq!(fleet["totals"]["failed"], 2);
    assert_eq!(target(&fleet, "prod-eu")["verdict"], "pass");
    assert_eq!(target(&fleet, "staging")["codes"][0], "SESSION_INVALID");
    // The unreachable one fails on its own; the others still finished.
    assert_eq!(target(&fleet, "gone")["codes"][0], "CONNECTION_FAILED");
    assert_eq!(
        check(target(&fleet, "gone"), "tcp")["failure"]["cause"],
        "tcp_refused"
    );
    // The session never reaches the output.
    assert!(!out.stdout.contains("demo-session"));

    // Human: a line per target, each distinct failure once with its targets, one verdict line.
    let out = run_in(dir.path(), &env, &["check"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("prod-eu") && l.contains("PASS")),
        "{}",
        out.stdout
    );
    assert!(lines
        .iter()
        .any(|l| l.contains("staging") && l.contains("FAIL SESSION_INVALID")));
    assert!(
        out.stdout
            .contains("✗ session SESSION_INVALID (session_invalid) — 1 target: staging"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("── "),
        "checklists only with --verbose"
    );
    let last = lines.last().unwrap();
    assert!(
        last.starts_with(
            "FAIL CONNECTION_FAILED, SESSION_INVALID — 3 targets: 1 passed, 0 warned, 2 failed"
        ),
        "{last}"
    );

    // --target picks by name; a near miss gets a suggestion.
    let one = run_in(
        dir.path(),
        &env,
        &["check", "--target", "prod-eu", "--format", "json"],
    );
    assert_eq!(one.code, 0, "{}", one.stderr);
    let fleet: Value = serde_json::from_str(&one.stdout).unwrap();
    assert_eq!(fleet["totals"]["targets"], 1);
    let typo = run_in(dir.path(), &env, &["check", "--target", "prod-e"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("did you mean \"prod-eu\""),
        "{}",
        typo.stderr
    );

    // JUnit: a testsuite per target, valid against the strict schema.
    let junit = dir.path().join("fleet.xml");
    run_in(
        dir.path(),
        &env,
        &["check", "--format", "junit", "-o", junit.to_str().unwrap()],
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 3, "{xml}");
    assert!(xml.contains(r#"<testsuite name="staging""#), "{xml}");
    let lint = std::process::Command::new("xmllint")
        .args([
            "--noout",
            "--schema",
            &format!("{ROOT}/tests/fixtures/junit-10.xsd"),
        ])
        .arg(&junit)
        .output()
        .unwrap();
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );

    // NDJSON: every line names its target; the last is the fleet.
    let out = run_in(dir.path(), &env, &["check", "--format", "ndjson"]);
    let events: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = events.last().unwrap();
    assert_eq!(last["type"], "fleet_report");
    assert_fleet_valid(&last["data"]);
    assert!(events[..events.len() - 1]
        .iter()
        .all(|e| e["target"].is_string()));
    for name in ["prod-eu", "staging", "gone"] {
        assert!(
            events
                .iter()
                .any(|e| e["target"] == name && e["type"] == "report"),
            "{name}"
        );
    }
}

#[test]
fn urls_on_the_command_line_are_a_fleet_too() {
    let a = TestLab::healthy();
    let b = TestLab::healthy();
    let out = run(&[
        "check", &a.url, &b.url, "--only", "health", "--format", "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let fleet = out.json();
    assert_fleet_valid(&fleet);
    assert_eq!(fleet["totals"]["passed"], 2);
    let names: Vec<&str> = fleet["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            format!("127.0.0.1:{}", a.port()),
            format!("127.0.0.1:{}", b.port())
        ]
    );
    // One URL stays a single report.
    let single = run(&["check", &a.url, "--only", "health", "--format", "json"]).json();
    assert_eq!(single["schema"], "wsdoctor.report.v1");
}

#[test]
fn precedence_is_flag_then_variable_then_target_then_defaults_then_built_in() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "fleet.toml",
        r#"
[defaults]
timeout = "11s"
attempts = 2

[[targets]]
name = "a"
url = "http://127.0.0.1:1"
timeout = "12s"

[[targets]]
name = "b"
url = "http://127.0.0.1:2"
"#,
    );
    let limits = |env: &[(&str, &str)], extra: &[&str]| -> Vec<String> {
        let mut args = vec!["check", "--config", &config, "--dry-run"];
        args.extend_from_slice(extra);
        let out = run_in(dir.path(), env, &args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
            .lines()
            .filter(|l| l.contains("limits"))
            .map(str::to_string)
            .collect()
    };
    let plain = limits(&[], &[]);
    assert!(
        plain[0].contains("socket timeout 12 s") && plain[0].contains("2 attempts"),
        "target over defaults: {plain:?}"
    );
    assert!(
        plain[1].contains("socket timeout 11 s"),
        "defaults over built-in: {plain:?}"
    );
    assert!(
        plain[1].contains("connect timeout 10 s"),
        "built-in: {plain:?}"
    );
    let env = limits(&[("WSDOCTOR_TIMEOUT", "13s")], &[]);
    assert!(
        env.iter().all(|l| l.contains("socket timeout 13 s")),
        "variable over the file: {env:?}"
    );
    let flag = limits(&[("WSDOCTOR_TIMEOUT", "13s")], &["--timeout", "14s"]);
    assert!(
        flag.iter().all(|l| l.contains("socket timeout 14 s")),
        "flag over variable: {flag:?}"
    );
}

#[test]
fn config_check_validates_and_bad_files_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(
        dir.path(),
        "good.toml",
        "[defaults]\nconnect_timeout = \"2s\"\n[[targets]]\nname = \"a\"\nurl = \"https://a.example\"\nsession = \"${S}\"\n[[targets]]\nname = \"b\"\nurl = \"https://b.example\"\n",
    );
    let out = run_in(
        dir.path(),
        &[("S", "x")],
        &["config", "check", "--config", &good],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A count, not the names: a fleet of thousands made one unreadable line.
    assert!(
        out.stdout.ends_with(": valid, 2 targets\n"),
        "{}",
        out.stdout
    );
    for (text, expected) in [
        ("[defaults\n", "bad.toml:1:"),
        ("[defaults]\ntimout = \"1s\"\n", "did you mean `timeout`"),
        ("[[targets]]\nname = \"a\"\nurl = \"http://x\"\n[[targets]]\nname = \"a\"\nurl = \"http://y\"\n", "duplicate target name \"a\""),
        ("[[targets]]\nname = \"a\"\nurl = \"http://x\"\nsession = \"${UNSET_FOR_TEST}\"\n", "target \"a\", key session: ${UNSET_FOR_TEST} is not set"),
        ("[defaults]\ntimeout = \"1s\"\n", "has no [[targets]]"),
        ("[[targets]]\nname = \"a\"\nurl = \"http://x\"\nattempts = \"many\"\n", "bad.toml:4 (target \"a\"): attempts"),
        ("[[targets]]\nname = \"a\"\nurl = \"ftp://x\"\n", "scheme"),
    ] {
        let bad = write(dir.path(), "bad.toml", text);
        let out = run_in(dir.path(), &[], &["config", "check", "--config", &bad]);
        assert_eq!(out.code, 2, "{text}: {}", out.stdout);
        assert!(out.stderr.contains(expected), "{text}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"));
        // A run with the same file stops the same way, before sending anything.
        let run = run_in(dir.path(), &[], &["check", "--config", &bad]);
        assert_eq!(run.code, 2, "{text}");
    }
    let out = run_in(dir.path(), &[], &["check"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no target"), "{}", out.stderr);
}

#[test]
fn the_committed_config_schema_is_the_program_s() {
    let committed = std::fs::read_to_string(format!("{ROOT}/schema/config.v1.json")).unwrap();
    assert_eq!(
        committed,
        run(&["config", "schema"]).stdout,
        "run scripts/generate-assets"
    );
    let schema: Value = serde_json::from_str(&committed).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let example: Value = serde_json::json!({
        "defaults": {"origin": "https://app.example.com", "timeout": "25s", "min_cert_days": 14},
        "targets": [{"name": "prod-eu", "url": "https://api.example.com", "session": "${PROD_SESSION}"}]
    });
    assert!(validator.is_valid(&example));
    assert!(!validator.is_valid(&serde_json::json!({"defaults": {"timout": "1s"}})));
}

#[test]
fn fail_on_warn_turns_a_warning_into_a_failure_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("w.xml");
    let args = [
        "demo",
        "--fault",
        "flaky:1",
        "--only",
        "echo",
        "--observe",
        "0s",
    ];
    let warned = run(&args);
    assert_eq!(warned.code, 0, "a warning alone exits 0");
    let mut strict = args.to_vec();
    strict.extend([
        "--fail-on",
        "warn",
        "--format",
        "junit",
        "-o",
        junit.to_str().unwrap(),
    ]);
    let out = run(&strict);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("FAIL ABNORMAL_CLOSURE"),
        "{}",
        out.stdout
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<failure") && xml.contains("--fail-on warn"),
        "{xml}"
    );
    assert!(xml.contains("hint:"), "{xml}");
}

#[test]
fn thresholds_fail_with_their_own_cause_the_value_and_the_limit() {
    let cases: [(&[&str], &str, &str, &str); 4] = [
        (
            &["--tls", "--only", "tls", "--min-cert-days", "120"],
            "tls",
            "cert_days_below_minimum",
            "under --min-cert-days 120",
        ),
        (
            &["--only", "echo", "--max-echo-rtt", "1us"],
            "echo",
            "echo_rtt_above_maximum",
            "above --max-echo-rtt",
        ),
        (
            &["--only", "terminal", "--max-first-message", "1us"],
            "terminal",
            "first_message_above_maximum",
            "above --max-first-message",
        ),
        (
            &[
                "--fault",
                "flaky:2",
                "--only",
                "echo",
                "--max-attempts",
                "1",
            ],
            "echo",
            "attempts_above_maximum",
            "needed 3 attempts, above --max-attempts 1",
        ),
    ];
    for (extra, id, cause, words) in cases {
        let mut args = vec!["demo", "--observe", "0s", "--format", "json"];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_eq!(out.code, 1, "{extra:?}: {}", out.stderr);
        let report = out.json();
        let failure = &check(&report, id)["failure"];
        assert_eq!(failure["code"], "GATE_FAILED", "{extra:?}: {failure}");
        assert_eq!(failure["cause"], cause);
        assert!(
            failure["message"].as_str().unwrap().contains(words),
            "{failure}"
        );
        assert_eq!(report["codes"][0], "GATE_FAILED");
        // Within the limit, the gate is silent.
    }
    let relaxed = run(&[
        "demo",
        "--only",
        "echo",
        "--max-echo-rtt",
        "10s",
        "--observe",
        "0s",
    ]);
    assert_eq!(relaxed.code, 0, "{}", relaxed.stdout);
}

#[test]
fn a_gate_failure_shows_the_measured_value_beside_the_limit_for_people() {
    let out = run(&[
        "demo",
        "--observe",
        "0s",
        "--only",
        "echo,terminal",
        "--max-echo-rtt",
        "1us",
        "--max-first-message",
        "1us",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    for (id, limit) in [
        ("echo", "--max-echo-rtt 1 µs"),
        ("terminal", "--max-first-message 1 µs"),
    ] {
        let line = out
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("✗ {id} ")))
            .unwrap_or_else(|| panic!("no failed {id} line in:\n{}", out.stdout));
        assert!(line.contains(&format!("above {limit}")), "{line}");
        // The measured value in a unit that shows it, never "0.0 ms" beside "0 ms".
        assert!(
            !line.contains(" 0 ms") && !line.contains("0.0 ms after"),
            "{line}"
        );
        assert!(line.contains(" µs") || line.contains(" ms,"), "{line}");
    }
}

#[test]
fn github_annotations_and_a_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let out = wsdoctor()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args([
            "demo",
            "--fault",
            "server-error",
            "--attempts",
            "1",
            "--observe",
            "0s",
            "--format",
            "github",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let error = stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        error.contains("terminal::SERVER_ERROR (server_error)"),
        "{error}"
    );
    assert!(stdout
        .lines()
        .last()
        .unwrap()
        .starts_with("FAIL SERVER_ERROR"));
    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert!(
        markdown.contains("## wsdoctor: ❌ FAIL")
            && markdown.contains("| terminal | ❌ fail | SERVER_ERROR (server_error)"),
        "{markdown}"
    );
    // Under GitHub Actions the human view gets the annotations too.
    let out = wsdoctor()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args([
            "demo",
            "--fault",
            "server-error",
            "--attempts",
            "1",
            "--observe",
            "0s",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("✗ terminal") && stdout.contains("::error title=wsdoctor"),
        "{stdout}"
    );
    // Markdown anywhere.
    let markdown = run(&["demo", "--only", "health", "--format", "markdown"]);
    assert!(
        markdown.stdout.starts_with("## wsdoctor: ✅ PASS"),
        "{}",
        markdown.stdout
    );
}

#[test]
fn watch_takes_the_fleet_too() {
    let a = TestLab::healthy();
    let b = TestLab::healthy();
    let out = run(&[
        "watch",
        &a.url,
        &b.url,
        "--runs",
        "2",
        "--interval",
        "50ms",
        "--only",
        "health",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let a_name = format!("[127.0.0.1:{}]", a.port());
    let b_name = format!("[127.0.0.1:{}]", b.port());
    assert_eq!(
        out.stdout
            .lines()
            .filter(|l| l.starts_with(&a_name) && l.contains(" run "))
            .count(),
        2,
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stdout
            .lines()
            .filter(|l| l.starts_with(&b_name) && l.contains("watch: 2 runs"))
            .count(),
        1,
        "{}",
        out.stdout
    );
}

#[test]
fn a_one_off_check_takes_only_what_runs_from_the_config_file_and_says_so() {
    let lab = TestLab::healthy();
    let dir = tempfile::tempdir().unwrap();
    // A variable only the prod target needs, unset here, stopped every one-off check in this
    // directory (exit 2); and the defaults applied without a word.
    write(
        dir.path(),
        "wsdoctor.toml",
        "[defaults]\nonly = \"dns,tcp\"\n[[targets]]\nname = \"prod\"\nurl = \"https://prod.example\"\nsession = \"${PROD_SESSION_UNSET_FOR_TEST}\"\n[[targets]]\nname = \"lab\"\nurl = \"http://127.0.0.1:1\"\n",
    );
    let ran = |report: &Value| -> Vec<String> {
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] != "skip")
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    let out = run_in(dir.path(), &[], &["check", &lab.url, "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(ran(&out.json()), ["dns", "tcp"], "{}", out.stdout);
    let first = out.stderr.lines().next().unwrap_or_default();
    assert!(
        first.contains("defaults from wsdoctor.toml applied") && first.contains("--no-config"),
        "{}",
        out.stderr
    );
    // --no-config and WSDOCTOR_NO_CONFIG: the file is not read at all.
    for (env, flag) in [
        (None, Some("--no-config")),
        (Some(("WSDOCTOR_NO_CONFIG", "1")), None),
    ] {
        let mut args = vec!["check", lab.url.as_str(), "--format", "json"];
        args.extend(flag);
        let env: Vec<(&str, &str)> = env.into_iter().collect();
        let out = run_in(dir.path(), &env, &args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            ran(&out.json()).contains(&"echo".to_string()),
            "{}",
            out.stdout
        );
        assert!(!out.stderr.contains("defaults from"), "{}", out.stderr);
    }
    // A chosen target's variables are still required; another target's are not.
    let out = run_in(dir.path(), &[], &["check", "--target", "prod", "--dry-run"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("PROD_SESSION_UNSET_FOR_TEST"),
        "{}",
        out.stderr
    );
    let out = run_in(dir.path(), &[], &["check", "--target", "lab", "--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A file without [defaults] changes nothing for a URL, so there is nothing to say.
    write(
        dir.path(),
        "wsdoctor.toml",
        "[[targets]]\nname = \"lab\"\nurl = \"http://127.0.0.1:1\"\n",
    );
    let out = run_in(dir.path(), &[], &["check", &lab.url, "--only", "dns"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("defaults from"), "{}", out.stderr);
}

#[test]
fn a_config_file_is_bounded_and_its_values_are_not_echoed_whole() {
    let dir = tempfile::tempdir().unwrap();
    // /dev/zero was read until memory ran out.
    let out = run_in(
        dir.path(),
        &[],
        &["check", "http://127.0.0.1:1", "--config", "/dev/zero"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--config") && out.stderr.contains("not a regular file"),
        "{}",
        out.stderr
    );
    let out = run_in(
        dir.path(),
        &[],
        &["check", "--config", dir.path().to_str().unwrap()],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    // Over the cap: refused by its size, whatever it holds.
    let big = write(
        dir.path(),
        "big.toml",
        &"# padding padding padding padding padding padding padding padding\n".repeat(70_000),
    );
    let out = run_in(
        dir.path(),
        &[],
        &["check", "http://127.0.0.1:1", "--config", &big],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("larger than 4 MiB"), "{}", out.stderr);
    // A megabyte-long value is named, cut, never echoed whole.
    let long = write(
        dir.path(),
        "long.toml",
        &format!("[defaults]\ntimeout = \"{}\"\n", "9".repeat(1_000_000)),
    );
    let out = run_in(
        dir.path(),
        &[],
        &["check", "http://127.0.0.1:1", "--config", &long],
    );
    assert_eq!(out.code, 2, "{}", &out.stderr[..out.stderr.len().min(500)]);
    assert!(
        out.stderr.len() < 1_000,
        "{} bytes of stderr",
        out.stderr.len()
    );
    assert!(
        out.stderr.contains("long.toml:2")
            && out.stderr.contains("timeout")
            && out.stderr.contains('…'),
        "{}",
        out.stderr
    );
}

/// Targets that fail at once (a refused port), each its own host name pinned with `--resolve`:
/// the URL and resolve entry of target `i`.
fn fast_failing(i: usize, port: u16) -> (String, String) {
    (
        format!("http://t{i}.fleet.test:{port}"),
        format!("t{i}.fleet.test:{port}:127.0.0.1"),
    )
}

#[test]
fn a_fleet_s_memory_does_not_grow_with_its_targets() {
    // Every report was kept until the end: 2,000 quick targets peaked at about 80 MiB, where
    // the spooled run stays near its 30 MiB at rest.
    const TARGETS: usize = 2000;
    const LIMIT_KIB: u64 = 56 * 1024;
    let down = refusing_port();
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..TARGETS {
        let (url, resolve) = fast_failing(i, down.port);
        text.push_str(&format!(
            "[[targets]]\nname = \"t{i}\"\nurl = \"{url}\"\nresolve = [\"{resolve}\"]\n"
        ));
    }
    let config = write(dir.path(), "big.toml", &text);
    let (out, peak_kib) = run_measured(&[
        "check",
        "--config",
        &config,
        "--format",
        "json",
        "--parallel",
        "64",
    ]);
    assert_eq!(out.code, 1, "every target failed: {}", out.stderr);
    let fleet = out.json();
    assert_eq!(fleet["totals"]["targets"], TARGETS);
    assert_eq!(fleet["totals"]["failed"], TARGETS);
    // Spooled, the document still lists the targets in the order asked.
    let names: Vec<&str> = fleet["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let asked: Vec<String> = (0..TARGETS).map(|i| format!("t{i}")).collect();
    assert_eq!(names, asked);
    assert!(
        peak_kib < LIMIT_KIB,
        "{TARGETS} targets peaked at {} MiB",
        peak_kib / 1024
    );
}

#[test]
fn urls_with_their_own_resolve_on_the_command_line_cost_what_a_config_file_does() {
    // Each target held a copy of the command line's every --resolve (a million entries for a
    // thousand URLs), and the command line was parsed again for each URL.
    const TARGETS: usize = 1000;
    const LIMIT_KIB: u64 = 56 * 1024;
    let down = refusing_port();
    let mut words: Vec<String> = ["check", "--format", "json", "--parallel", "64"]
        .map(String::from)
        .to_vec();
    for i in 0..TARGETS {
        let (url, resolve) = fast_failing(i, down.port);
        words.extend([url, "--resolve".to_string(), resolve]);
    }
    let args: Vec<&str> = words.iter().map(String::as_str).collect();
    let (out, peak_kib) = run_measured(&args);
    assert_eq!(out.code, 1, "every target failed: {}", out.stderr);
    let fleet = out.json();
    assert_eq!(fleet["totals"]["failed"], TARGETS);
    // Each name went to its own pinned address, refused there: the shared list still pins each.
    let last = target(
        &fleet,
        &format!("t{}.fleet.test:{}", TARGETS - 1, down.port),
    );
    assert_eq!(
        check(last, "dns")["evidence"]["source"],
        "--resolve",
        "{last:#}"
    );
    assert_eq!(check(last, "tcp")["failure"]["cause"], "tcp_refused");
    assert!(
        peak_kib < LIMIT_KIB,
        "{TARGETS} URLs on the command line peaked at {} MiB",
        peak_kib / 1024
    );
}

#[test]
fn a_fleet_that_cannot_spool_stops_before_it_starts() {
    // Each target's output goes to a temporary file as it ends; without one the run is our
    // failure (exit 3, the directory named), never a verdict and never a half-written document.
    let down = refusing_port();
    let url = format!("http://127.0.0.1:{}", down.port);
    let out = wsdoctor()
        .env("TMPDIR", "/nonexistent/wsdoctor-test")
        .args(["check", &url, &url, "--only", "tcp", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("temporary file in /nonexistent/wsdoctor-test"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// A fleet whose targets fail the same way reads as one failure with its targets, not one
/// checklist per target; `--verbose` still gives every checklist.
#[test]
fn a_shared_failure_is_shown_once_with_the_targets_that_share_it() {
    let broken = TestLab::start(LabOptions {
        fault: Some(Fault::ServerError),
        ..LabOptions::default()
    });
    let port = broken.port();
    let refused = refusing_port();
    // Five names for the one broken lab, and a port that refuses.
    let urls: Vec<String> = (0..6)
        .map(|i| {
            if i == 5 {
                format!("http://127.0.0.1:{}/", refused.port)
            } else {
                format!("http://t{i}.test:{port}/")
            }
        })
        .collect();
    let resolve: Vec<String> = (0..5)
        .map(|i| format!("t{i}.test:{port}:127.0.0.1"))
        .collect();
    let mut args: Vec<&str> = vec!["check"];
    args.extend(urls.iter().map(String::as_str));
    for entry in &resolve {
        args.extend(["--resolve", entry.as_str()]);
    }
    args.extend([
        "--session",
        "demo-session",
        "--attempts",
        "1",
        "--color",
        "never",
    ]);
    let out = run(&args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stdout
            .matches("✗ terminal SERVER_ERROR (server_error) — 5 targets: t0.test:")
            .count(),
        1,
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stdout
            .matches("hint The server reported an error")
            .count(),
        1
    );
    assert!(out
        .stdout
        .contains("CONNECTION_FAILED (tcp_refused) — 1 target"));
    assert!(
        !out.stdout.contains("── "),
        "no checklist per target: {}",
        out.stdout
    );
    assert!(out.stdout.len() < 3000, "{} bytes", out.stdout.len());

    args.push("--verbose");
    let verbose = run(&args);
    assert_eq!(
        verbose.stdout.matches("── ").count(),
        6,
        "{}",
        verbose.stdout
    );
}
