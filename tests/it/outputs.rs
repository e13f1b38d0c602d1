//! The formats and terminal manners: NDJSON, JUnit, --output, --quiet, --verbose, secrets, Ctrl-C.

use crate::support::{assert_schema_valid, run, spawn_until, wsdoctor, TestLab};
use wsdoctor_lab::{Fault, LabOptions};

#[test]
fn ndjson_lines_each_parse_and_end_with_the_report() {
    let run = run(&["demo", "--format", "ndjson"]);
    assert_eq!(run.code, 0);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.first().unwrap()["type"], "run_started");
    let types: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    for wanted in ["check_started", "phase", "attempt", "check_finished"] {
        assert!(types.contains(&wanted), "{wanted} in {types:?}");
    }
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "report");
    assert_schema_valid(&last["data"]);
}

#[test]
fn junit_has_a_testcase_per_check_and_a_failure_with_code_and_hint() {
    let run = run(&[
        "demo",
        "--fault",
        "server-error",
        "--format",
        "junit",
        "--attempts",
        "1",
    ]);
    assert_eq!(run.code, 1);
    let junit = quick_junit::Report::deserialize_from_str(&run.stdout).expect("valid JUnit XML");
    let suite = &junit.test_suites[0];
    // Every check but the browser, which is in the checklist only when asked for (--browser).
    assert_eq!(
        suite.test_cases.len(),
        wsdoctor_core::model::CheckId::ALL.len() - 1
    );
    let terminal = suite
        .test_cases
        .iter()
        .find(|c| c.name.as_str() == "terminal")
        .expect("terminal testcase");
    assert!(matches!(
        terminal.status,
        quick_junit::TestCaseStatus::NonSuccess { .. }
    ));
    assert!(run.stdout.contains("SERVER_ERROR") && run.stdout.contains("hint:"));
    assert!(run.stdout.contains("<skipped"), "tls is skipped on http");
}

#[test]
fn output_file_gets_the_format_while_stdout_gets_the_human_view() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let run = run(&[
        "demo",
        "--format",
        "json",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("PASS"), "{}", run.stdout);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_schema_valid(&report);
}

#[test]
fn quiet_prints_one_verdict_line() {
    let run = run(&["demo", "--quiet"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(run.stdout.starts_with("PASS"));
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn verbose_prints_the_web_clients_console_lines() {
    let run = run(&["demo", "--verbose"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("Connecting to ws://"), "{}", run.stderr);
    assert!(run.stderr.contains("(attempt 1/5)"), "{}", run.stderr);
    assert!(run.stderr.contains("Connected in"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Session validation successful"),
        "{}",
        run.stderr
    );
}

#[test]
fn secrets_never_reach_any_output() {
    let lab = TestLab::start(LabOptions {
        sessions: vec!["s3cr3t-session-42".into()],
        ..LabOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let target = format!(
        "{}/?token=t0ken-in-url",
        lab.url.replacen("http://", "http://us3r:pa55w0rd@", 1)
    );
    for format in ["human", "json", "ndjson", "junit"] {
        let file = dir.path().join(format!("out.{format}"));
        let out = wsdoctor()
            .args([
                "check",
                &target,
                "--session",
                "s3cr3t-session-42",
                "--verbose",
                "--header",
                "Authorization: Bearer b3arer-tok3n",
                "--header",
                "Cookie: sid=c00kie-val",
                "--format",
                format,
                "--output",
                file.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        let everything = format!(
            "{}{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&file).unwrap()
        );
        for secret in [
            "s3cr3t-session-42",
            "b3arer-tok3n",
            "c00kie-val",
            "t0ken-in-url",
            "pa55w0rd",
            "us3r",
        ] {
            assert!(!everything.contains(secret), "{format} leaked {secret}");
        }
        assert!(everything.contains("[REDACTED]"), "{format} shows the mask");
    }
    let shown = crate::support::run(&[
        "check",
        &lab.url,
        "--session",
        "s3cr3t-session-42",
        "--show-secrets",
        "--format",
        "json",
    ]);
    assert!(
        shown.stdout.contains("s3cr3t-session-42"),
        "--show-secrets shows them"
    );
}

#[test]
fn a_signal_writes_the_partial_report_and_names_the_signal_in_the_status() {
    let lab = TestLab::start(LabOptions {
        fault: Some(Fault::Blackhole),
        ..LabOptions::default()
    });
    for (signal, status) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let spawned = spawn_until(
            &[
                "check",
                &lab.url,
                "--format",
                "json",
                "--verbose",
                "--connect-timeout",
                "30s",
                "--timeout",
                "30s",
            ],
            "[Echo] Connecting",
            true,
        );
        crate::support::signal(&spawned, signal);
        let (code, _, stdout) = spawned.finish();
        assert_eq!(code, Some(status), "SIG{signal}");
        let report: serde_json::Value = serde_json::from_str(&stdout).expect("partial report");
        assert_eq!(report["interrupted"], true);
        assert_eq!(crate::support::check(&report, "dns")["status"], "pass");
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // NDJSON streams: `head` has the first line and is gone long before the report line comes,
    // half a second later after the hold, so that write really meets a closed pipe (EPIPE).
    let stderr_file = tempfile::NamedTempFile::new().unwrap();
    let script = format!(
        "{} demo --format ndjson --only hold --hold 500ms --ping-interval 200ms 2>{} | head -c 100 >/dev/null; echo ${{PIPESTATUS[0]}}",
        assert_cmd::cargo::cargo_bin("wsdoctor").display(),
        stderr_file.path().display()
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let stderr = std::fs::read_to_string(stderr_file.path()).unwrap_or_default();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        status, "0",
        "a closed pipe is not an error; stderr: {stderr}"
    );
    assert!(
        stderr.trim().is_empty() || !stderr.contains("error"),
        "{stderr}"
    );
}

/// Runs the binary with stdout a pipe whose reader is already gone; its exit status and stderr.
fn run_into_a_closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("wsdoctor"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // The read end closes before the run writes anything: every write meets EPIPE.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("the binary ends");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_never_turns_a_failed_check_into_exit_0() {
    let healthy = TestLab::healthy();
    let failing = TestLab::start(LabOptions {
        fault: Some(Fault::AppRunner),
        ..Default::default()
    });
    let (healthy, failing) = (healthy.url.clone(), failing.url.clone());
    let session = [
        "--session",
        "demo-session",
        "--origin",
        "http://localhost:3000",
    ];
    let cases: Vec<Vec<&str>> = vec![
        // The watch stopped at the first write that failed (the healthy target's), before the
        // failing target of the same round was judged: exit 0.
        vec![
            "watch", &healthy, &failing, "--runs", "1", "--format", "ndjson",
        ],
        vec!["watch", &healthy, &failing, "--runs", "1"],
        // A fleet's JSON lost the pipe's error kind on its way through serde_json: exit 3.
        vec!["check", &healthy, &failing, "--format", "json"],
        vec!["check", &healthy, &failing, "--format", "ndjson"],
        vec!["check", &failing, "--format", "ndjson"],
        vec!["check", &failing, "--format", "json"],
        vec!["check", &failing],
    ];
    for case in cases {
        let args: Vec<&str> = case.iter().chain(session.iter()).copied().collect();
        let (code, stderr) = run_into_a_closed_pipe(&args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(!stderr.contains("error:"), "{args:?}: {stderr}");
    }
    // A passing run with no reader left still ends quietly with 0, as ripgrep does.
    let (code, stderr) = run_into_a_closed_pipe(&["check", &healthy, "--format", "ndjson"]);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_report_that_cannot_reach_stdout_is_an_error_not_a_pass() {
    // A full disk under `check … > report.json` left no report and exited 0: CI read a pass.
    // One target and a fleet now say the same, as --output always did: exit 3.
    let lab = TestLab::healthy();
    let cases: Vec<Vec<&str>> = vec![
        vec!["check", &lab.url, "--only", "health", "--format", "json"],
        vec!["check", &lab.url, "--only", "health"],
        vec![
            "check", &lab.url, &lab.url, "--only", "health", "--format", "json",
        ],
    ];
    for args in cases {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens");
        let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("wsdoctor"))
            .args(&args)
            .env("NO_COLOR", "1")
            .stdout(full)
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(stderr.contains("writing to stdout"), "{args:?}: {stderr}");
    }
}

#[test]
fn no_color_and_ci_turn_colour_off_on_a_terminal() {
    // A real terminal is needed for `auto` to colour at all; script(1) gives the binary a pty.
    // A missing script(1) fails rather than skips: `.ci/run` installs it (bsdutils).
    std::process::Command::new("script")
        .arg("--version")
        .output()
        .expect("script(1) is not installed: `apt-get install bsdutils` (.ci/run installs it)");
    let binary = assert_cmd::cargo::cargo_bin("wsdoctor");
    let run_in_pty = |env: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new("script");
        cmd.args([
            "-qec",
            &format!("{} demo --only health", binary.display()),
            "/dev/null",
        ]);
        cmd.env_remove("NO_COLOR").env_remove("CI");
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
    };
    assert!(
        run_in_pty(&[("TERM", "xterm")]).contains('\u{1b}'),
        "a terminal gets colour"
    );
    assert!(
        !run_in_pty(&[("TERM", "xterm"), ("NO_COLOR", "1")]).contains("\u{1b}[3"),
        "NO_COLOR"
    );
    assert!(
        !run_in_pty(&[("TERM", "xterm"), ("CI", "true")]).contains("\u{1b}[3"),
        "CI"
    );
}

#[test]
fn an_unwritable_output_is_a_usage_error_before_the_run() {
    let run = run(&[
        "demo",
        "--format",
        "junit",
        "--output",
        "/nonexistent-dir/report.xml",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--output"));
}

#[test]
fn watch_stops_on_sigint_with_a_summary() {
    let lab = TestLab::healthy();
    let spawned = spawn_until(
        &["watch", &lab.url, "--interval", "100ms", "--only", "echo"],
        "run    2",
        false,
    );
    crate::support::signal(&spawned, "INT");
    let (code, stdout, _) = spawned.finish();
    assert_eq!(code, Some(130));
    assert!(stdout.contains("(interrupted)"), "{stdout}");
}

#[test]
fn a_long_run_reports_progress_in_a_log_without_a_terminal() {
    // stderr is a pipe here, as in CI: no spinner, but a slow check is mentioned, with the
    // total of the hold, and its end.
    let out = run(&["demo", "--only", "hold", "--hold", "4s", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("[wsdoctor] hold still running after 3.")
            && out.stderr.contains("of 4.0 s"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("[wsdoctor] hold finished after 4."),
        "{}",
        out.stderr
    );
    // --quiet means quiet.
    let out = run(&["demo", "--only", "hold", "--hold", "4s", "--quiet"]);
    assert!(!out.stderr.contains("[wsdoctor]"), "{}", out.stderr);
}

/// On a terminal (a pseudo-terminal from util-linux's `script`), the status line says how long
/// the hold has run and will run.
#[test]
fn the_hold_status_shows_the_total() {
    let script = which_script()
        .expect("script(1) is not installed: `apt-get install bsdutils` (.ci/run installs it)");
    let command = format!(
        "{} demo --only hold --hold 1s --observe 0s",
        assert_cmd::cargo::cargo_bin("wsdoctor").display()
    );
    let out = std::process::Command::new(script)
        .args(["-qec", &command, "/dev/null"])
        .env_remove("CI")
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        regex::Regex::new(r"… hold 0\.\d s of 1\.0 s")
            .unwrap()
            .is_match(&text),
        "{text}"
    );
}

fn which_script() -> Result<std::path::PathBuf, ()> {
    ["/usr/bin/script", "/bin/script"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
        .ok_or(())
}

#[cfg(unix)]
#[test]
fn a_report_file_gets_the_umask_s_mode_and_a_replaced_one_keeps_its_own() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let binary = assert_cmd::cargo::cargo_bin("wsdoctor");
    let write_report = |umask: &str, path: &std::path::Path| {
        // The literal address resolves without a network: a quick run that writes a report.
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
            .arg(&binary)
            .args([
                "check",
                "http://127.0.0.1:1",
                "--only",
                "dns",
                "--format",
                "json",
            ])
            .arg("--output")
            .arg(path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(
            path.is_file(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    };
    // Every report was 0600 whatever the umask: another user (a CI step) could not read it.
    assert_eq!(write_report("022", &dir.path().join("a.json")), 0o644);
    assert_eq!(write_report("077", &dir.path().join("b.json")), 0o600);
    assert_eq!(write_report("002", &dir.path().join("c.json")), 0o664);
    // A report written over keeps the mode its owner gave it, as the shell's `>` does.
    let kept = dir.path().join("kept.json");
    std::fs::write(&kept, "old").unwrap();
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(write_report("022", &kept), 0o640);
    assert_ne!(std::fs::read_to_string(&kept).unwrap(), "old");
}
