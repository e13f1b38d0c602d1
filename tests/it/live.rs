//! The human output as it happens: each check's lines as soon as they are final, in checklist
//! order, in a pipe and on a terminal; the same text as the report in the end; Ctrl-C keeps what
//! was printed and completes it.

use crate::support::{signal, spawn_until, wsdoctor, TestLab};
use regex::Regex;
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use wsdoctor_lab::{Fault, LabOptions};

/// The terminal check of the lab's `policy-timeout:3s` fault takes 3 s; every other check is done
/// in milliseconds. A line printed at least this long before the terminal's was streamed.
const WELL_BEFORE: Duration = Duration::from_secs(2);

/// What a process wrote to stdout, chunk by chunk, with when each chunk arrived.
struct Timed {
    code: Option<i32>,
    chunks: Vec<(Duration, Vec<u8>)>,
}

impl Timed {
    /// Runs `cmd` to its end, reading its stdout as it comes.
    fn run(mut cmd: Command) -> Timed {
        let start = Instant::now();
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the command starts");
        let mut stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buffer) {
                if n == 0 || tx.send((start.elapsed(), buffer[..n].to_vec())).is_err() {
                    break;
                }
            }
        });
        let deadline = start + Duration::from_secs(60);
        let mut chunks = Vec::new();
        loop {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(chunk) => chunks.push(chunk),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    break;
                }
            }
        }
        let _ = reader.join();
        let code = child.wait().ok().and_then(|s| s.code());
        Timed { code, chunks }
    }

    /// Everything written, colours and cursor movements removed.
    fn text(&self) -> String {
        plain(
            &self
                .chunks
                .iter()
                .flat_map(|(_, c)| c.clone())
                .collect::<Vec<_>>(),
        )
    }

    /// When `pattern` had first been written in full.
    fn seen(&self, pattern: &Regex) -> Option<Duration> {
        let mut so_far = Vec::new();
        for (at, chunk) in &self.chunks {
            so_far.extend_from_slice(chunk);
            if pattern.is_match(&plain(&so_far)) {
                return Some(*at);
            }
        }
        None
    }

    fn seen_or_panic(&self, pattern: &str) -> Duration {
        self.seen(&Regex::new(pattern).unwrap())
            .unwrap_or_else(|| panic!("never saw {pattern:?} in:\n{}", self.text()))
    }
}

/// Terminal output as text: ANSI sequences dropped.
fn plain(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    Regex::new("\u{1b}\\[[0-9;?]*[A-Za-z]")
        .unwrap()
        .replace_all(&text, "")
        .into_owned()
}

/// The binary's command with a clean environment (as [`wsdoctor`] gives it).
fn binary(args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("wsdoctor"));
    cmd.args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("WSDOCTOR_") || key == "FRONTEND_URL" || key == "REDIS_URL" {
            cmd.env_remove(key);
        }
    }
    cmd
}

#[test]
fn a_pipe_gets_each_check_as_it_becomes_final_and_the_whole_report_in_the_end() {
    let lab = TestLab::start(LabOptions {
        fault: Some(Fault::PolicyTimeout(Duration::from_secs(3))),
        ..LabOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    // --fail-on warn turns the diagnostics' warning (a server timeout under the client's) into
    // a failure after the check: the streamed line must already say so.
    let mut cmd = binary(&[
        "check",
        &lab.url,
        "--session",
        "demo-session",
        "--attempts",
        "1",
        "--fail-on",
        "warn",
        "--output",
        file.to_str().unwrap(),
    ]);
    cmd.env("NO_COLOR", "1");
    let out = Timed::run(cmd);
    assert_eq!(out.code, Some(1), "{}", out.text());

    let header = out.seen_or_panic(r"^wsdoctor \S+ — http://127\.0\.0\.1:\d+/?\n");
    let tcp = out.seen_or_panic(r"\n  ✓ tcp .*\n");
    let terminal = out.seen_or_panic(r"\n  ✗ terminal .*closed 1008.*\n");
    eprintln!("in a pipe: header after {header:?}, tcp after {tcp:?}, terminal after {terminal:?}");
    assert!(
        header < Duration::from_secs(1) && tcp + WELL_BEFORE <= terminal,
        "the first lines came when the slow check ended: header {header:?}, tcp {tcp:?}, terminal {terminal:?}"
    );

    // What was streamed is, line for line, the report --output wrote at the end.
    let report = std::fs::read_to_string(&file).unwrap();
    assert_eq!(out.text(), report);
    assert!(
        report.contains("  ✗ diagnostics ")
            && report.contains("      code CONNECTION_TIMEOUT (server_timeout_below_client)"),
        "{report}"
    );
    // The checks are in checklist order, whatever order they finished in.
    let order: Vec<&str> = report
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| l.starts_with(['✓', '✗', '!', '–']))
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert_eq!(
        order,
        [
            "target",
            "dns",
            "tcp",
            "tls",
            "health",
            "diagnostics",
            "cors",
            "echo",
            "session",
            "store",
            "terminal",
            "origin",
            "hold"
        ]
    );
}

#[test]
fn a_terminal_gets_each_check_as_it_becomes_final_under_a_line_of_what_still_runs() {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("script(1) is not installed: `apt-get install bsdutils` (.ci/run installs it)");
    let command = format!(
        "{} demo --fault policy-timeout:3s --attempts 1",
        assert_cmd::cargo::cargo_bin("wsdoctor").display()
    );
    let mut cmd = Command::new(script);
    cmd.args(["-qfec", &command, "/dev/null"])
        .env_remove("CI")
        .env_remove("NO_COLOR")
        .env("TERM", "xterm");
    let out = Timed::run(cmd);
    assert_eq!(out.code, Some(1), "{}", out.text());

    // The status line is cleared with a carriage return before a line is printed over it.
    let tcp = out.seen_or_panic(r"[\r\n]  ✓ tcp [^\n]*\n");
    let terminal = out.seen_or_panic(r"[\r\n]  ✗ terminal [^\n]*closed 1008[^\n]*\n");
    eprintln!("on a terminal: tcp after {tcp:?}, terminal after {terminal:?}");
    assert!(
        tcp + WELL_BEFORE <= terminal,
        "tcp {tcp:?}, terminal {terminal:?}"
    );
    // While the terminal check waits, the status line says so, with the time it has taken.
    let text = out.text();
    let status = Regex::new(r"… (?:\w+ \d+\.\d s, )*terminal [12]\.\d s").unwrap();
    assert!(status.is_match(&text), "{text}");
    // The printed lines are printed once: the status line is cleared, not left among them.
    assert_eq!(text.matches("✓ tcp ").count(), 1, "{text}");
    let verdict = text.lines().last().unwrap_or_default().trim_end();
    assert!(
        verdict.starts_with("FAIL CONNECTION_TIMEOUT — ") && !verdict.contains('…'),
        "{verdict:?}"
    );
}

#[test]
fn ctrl_c_keeps_the_lines_printed_and_completes_the_checklist() {
    let lab = TestLab::start(LabOptions {
        fault: Some(Fault::HandshakeHang),
        ..LabOptions::default()
    });
    for (name, status) in [("INT", 130), ("TERM", 143)] {
        // The echo's upgrade is never answered: the lines up to cors are final (then the echo
        // waits), and the test waits for the one before it.
        let spawned = spawn_until(
            &[
                "check",
                &lab.url,
                "--session",
                "demo-session",
                "--attempts",
                "1",
                "--timeout",
                "30s",
            ],
            "  ✓ diagnostics ",
            false,
        );
        let before = spawned.seen.clone();
        signal(&spawned, name);
        let (code, stdout, _) = spawned.finish();
        assert_eq!(code, Some(status), "SIG{name}: {stdout}");
        assert!(stdout.starts_with(&before), "{before}\n---\n{stdout}");
        assert!(before.starts_with("wsdoctor "), "{before}");
        for line in before.lines().filter(|l| !l.is_empty()) {
            assert_eq!(stdout.matches(line).count(), 1, "{line:?} in:\n{stdout}");
        }
        let rest = &stdout[before.len()..];
        assert!(
            rest.contains("  – echo                     interrupted before it"),
            "{rest}"
        );
        assert!(rest.contains("  – hold "), "{rest}");
        let verdict = stdout.lines().last().unwrap_or_default();
        assert!(
            verdict.starts_with("WARN — ") && verdict.contains(" (interrupted)"),
            "{verdict}"
        );
    }
}

#[test]
fn json_stays_one_document_when_the_human_view_streams() {
    let lab = TestLab::healthy();
    let out = wsdoctor()
        .args(["check", &lab.url, "--only", "echo", "--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(report["verdict"], "pass", "{stdout}");
}
