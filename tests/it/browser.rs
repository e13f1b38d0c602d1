//! The browser check (`--browser`): a real headless Chromium (Debian's `chromium`, which `.ci/run`
//! installs) opens the sockets from a page on the frontend origin, and what it saw must agree with
//! the command line's emulation of it, fault by fault. Each test is one run of the built binary
//! with the JSON report in a file and the human view on stdout, so both are asserted from one
//! browser launch.
//!
//! These tests need Chromium and fail, saying so, without it: a skipped browser test would pass
//! CI while proving nothing.

use crate::support::{assert_schema_valid, check, signal, spawn_until_env, wsdoctor, TestLab};
use serde_json::Value;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use wsdoctor_lab::{Fault, LabOptions};

/// One Chromium at a time: a browser start takes a core for most of a second, and the machine
/// runs the other integration tests beside these. Serialising keeps each run well inside its
/// timeouts instead of racing four browsers for two cores.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

/// The outcome of one browser run.
struct BrowserRun {
    code: i32,
    /// The human view (stdout).
    human: String,
    /// The JSON report (`--output`).
    report: Value,
    stderr: String,
    elapsed: Duration,
}

impl BrowserRun {
    /// The browser check's report.
    fn browser(&self) -> &Value {
        check(&self.report, "browser")
    }

    /// The browser check's evidence of one socket (`echo`, `terminal`).
    fn socket(&self, role: &str) -> &Value {
        self.browser()["evidence"]["sockets"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["role"] == role))
            .unwrap_or_else(|| panic!("no {role} socket in {:#}", self.browser()))
    }

    /// The comparison of one subject (`/health`, `echo`, `terminal`).
    fn comparison(&self, subject: &str) -> &Value {
        self.browser()["evidence"]["comparisons"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["subject"] == subject))
            .unwrap_or_else(|| panic!("no comparison of {subject} in {:#}", self.browser()))
    }

    /// Asserts that the browser and the command line agree on everything compared, and says so.
    fn assert_agrees(&self) {
        let browser = self.browser();
        assert_eq!(browser["status"], "pass", "{browser:#}\n{}", self.stderr);
        let summary = browser["summary"].as_str().unwrap();
        assert!(
            summary.contains("agrees with the command line"),
            "{summary}"
        );
        let comparisons = browser["evidence"]["comparisons"].as_array().unwrap();
        assert!(!comparisons.is_empty(), "{browser:#}");
        for comparison in comparisons {
            assert_eq!(comparison["agrees"], true, "{comparison:#}");
        }
        assert!(
            self.human.contains("agrees with the command line"),
            "{}",
            self.human
        );
    }

    /// The console messages the browser logged, one string.
    fn console(&self) -> String {
        self.browser()["evidence"]["console"]
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| e["text"].as_str().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }
}

/// Fails the test, naming the package, when no Chromium is on PATH.
fn require_chromium() {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("chromium").is_file()));
    assert!(
        found,
        "these tests drive a real browser: install Debian's `chromium` package (.ci/run does)"
    );
}

/// Runs `wsdoctor check TARGET --browser ARGS` with a temporary directory of its own, and checks
/// that the browser left nothing behind: its profile removed, no process of it still running.
fn browser_run(target: &str, args: &[&str]) -> BrowserRun {
    require_chromium();
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().expect("temp dir");
    let json = tmp.path().join("report.json");
    let profiles = tmp.path().join("tmp");
    std::fs::create_dir(&profiles).expect("profile parent");
    let start = Instant::now();
    let output = wsdoctor()
        .env("TMPDIR", &profiles)
        .args(["check", target, "--browser", "--format", "json", "--output"])
        .arg(&json)
        .args(args)
        .output()
        .expect("the binary runs");
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let human = String::from_utf8_lossy(&output.stdout).into_owned();
    let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap_or_default())
        .unwrap_or_else(|e| panic!("no JSON report ({e}):\n{human}\n{stderr}"));
    assert_schema_valid(&report);
    assert_nothing_left(&profiles);
    BrowserRun {
        code: output.status.code().unwrap_or(-1),
        human,
        report,
        stderr,
        elapsed,
    }
}

/// The browser's temporary directory under `profiles` is removed and no process of it runs.
fn assert_nothing_left(profiles: &std::path::Path) {
    let left: Vec<_> = std::fs::read_dir(profiles)
        .expect("profile parent")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "the browser profile is removed: {left:?}");
    assert_no_browser_with(profiles);
}

/// No process runs with `dir` in its command line (every Chromium process of a run names its
/// profile, under `dir`). Helpers of a killed browser may take a moment to notice; a zombie
/// waiting for its reaper is gone already.
fn assert_no_browser_with(dir: &std::path::Path) {
    let needle = dir.to_string_lossy().into_owned();
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let alive: Vec<String> = std::fs::read_dir("/proc")
            .expect("/proc")
            .flatten()
            .filter_map(|entry| {
                let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
                let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
                cmdline
                    .contains(&needle)
                    .then(|| format!("{}: {cmdline}", entry.file_name().to_string_lossy()))
            })
            .collect();
        if alive.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the browser outlived its run: {alive:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A lab with one fault and the default allow list (`http://localhost:3000`).
/// A lab with `fault`, checked with the browser from the frontend origin, the session given and
/// one attempt (the page's sockets do not retry either).
fn faulty_run(fault: Fault) -> (TestLab, BrowserRun) {
    let lab = lab_with(fault);
    let args = [
        FRONTEND[0],
        FRONTEND[1],
        "--session",
        "demo-session",
        "--attempts",
        "1",
    ];
    let run = browser_run(&lab.url, &args);
    (lab, run)
}

fn lab_with(fault: Fault) -> TestLab {
    TestLab::start(LabOptions {
        fault: Some(fault),
        ..LabOptions::default()
    })
}

/// The page's origin in these tests: the lab's allowed frontend.
const FRONTEND: [&str; 2] = ["--origin", "http://localhost:3000"];

#[test]
fn a_healthy_lab_works_in_the_browser_as_on_the_command_line() {
    let lab = TestLab::healthy();
    let run = browser_run(
        &lab.url,
        &[
            FRONTEND[0],
            FRONTEND[1],
            "--session",
            "demo-session",
            "-H",
            "Cookie: sid=s3cret-cookie",
        ],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.human, run.stderr);
    assert_eq!(run.report["verdict"], "pass");
    run.assert_agrees();
    let browser = run.browser();
    let evidence = &browser["evidence"];
    // The page is on the frontend origin, though nothing serves it.
    assert_eq!(evidence["page_origin"], "http://localhost:3000");
    assert!(evidence["browser"].as_str().unwrap().contains("Chrome/"));
    assert_eq!(evidence["health"]["status"], 200, "{evidence:#}");
    assert_eq!(evidence["health"]["credentials"], "include");
    // The echo: opened, echoed, closed by the page; DevTools saw the 101 with the page's Origin.
    let echo = run.socket("echo");
    assert_eq!(echo["page"]["echoed"], true, "{echo:#}");
    assert_eq!(echo["devtools"]["created"], true);
    assert_eq!(echo["devtools"]["status"], 101);
    assert_eq!(
        echo["devtools"]["request_headers"]["origin"],
        "http://localhost:3000"
    );
    assert!(echo["devtools"]["frames_sent"].as_u64().unwrap() >= 1);
    assert!(echo["devtools"]["frames_received"].as_u64().unwrap() >= 1);
    assert_eq!(echo["devtools"]["closed"], true);
    // The terminal: its URL carries the session, which no output shows.
    let terminal = run.socket("terminal");
    assert!(
        terminal["page"]["messages"].as_u64().unwrap() >= 1,
        "{terminal:#}"
    );
    assert!(
        terminal["url"].as_str().unwrap().contains("[REDACTED]"),
        "{terminal:#}"
    );
    // The cookie is set in the browser for the target, and shown by name only.
    assert_eq!(
        evidence["cookies"],
        serde_json::json!(["sid"]),
        "{evidence:#}"
    );
    for text in [&run.human, &run.report.to_string(), &run.stderr] {
        assert!(!text.contains("demo-session"), "the session leaked: {text}");
        assert!(!text.contains("s3cret-cookie"), "the cookie leaked: {text}");
    }
    // The timings a browser run adds.
    assert!(browser["timings"]["browser_launch"].as_f64().unwrap() > 0.0);
    assert!(browser["timings"]["page_load"].as_f64().unwrap() > 0.0);
    assert!(run.elapsed < Duration::from_secs(20), "{:?}", run.elapsed);
}

#[test]
fn an_https_page_and_a_ws_socket_are_mixed_content_on_both_sides() {
    let lab = TestLab::healthy();
    // A name, not a loopback literal: ws://127.0.0.1 is potentially trustworthy and allowed.
    let target = format!("http://app.test:{}", lab.port());
    let pin = format!("app.test:{}:127.0.0.1", lab.port());
    let run = browser_run(
        &target,
        &[
            "--resolve",
            &pin,
            "--origin",
            "https://app.example.com",
            "--session",
            "demo-session",
            "--attempts",
            "1",
        ],
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.report["codes"][0], "MIXED_CONTENT");
    run.assert_agrees();
    // The browser refused to construct the socket at all, and said why on the console.
    for role in ["echo", "terminal"] {
        let socket = run.socket(role);
        assert!(
            socket["page"]["threw"]
                .as_str()
                .unwrap()
                .contains("SecurityError"),
            "{socket:#}"
        );
        // DevTools may still name the socket (created, then closed), but no handshake left.
        let devtools = &socket["devtools"];
        assert!(
            devtools["status"].is_null(),
            "never on the wire: {socket:#}"
        );
        assert!(devtools.get("request_headers").is_none(), "{socket:#}");
        assert_eq!(devtools["frames_sent"], 0);
    }
    assert_eq!(
        run.browser()["evidence"]["health"]["blocked_reason"],
        "mixed-content"
    );
    assert!(run.console().contains("Mixed Content"), "{}", run.console());
    assert!(
        run.browser()["summary"]
            .as_str()
            .unwrap()
            .contains("blocked (mixed content)"),
        "{:#}",
        run.browser()
    );
    // The browser was pointed where --resolve pointed the command line.
    let switches = run.browser()["evidence"]["switches"].to_string();
    assert!(
        switches.contains("--host-resolver-rules=MAP app.test 127.0.0.1"),
        "{switches}"
    );
}

#[test]
fn a_foreign_origin_is_refused_by_the_server_for_the_browser_too() {
    let lab = lab_with(Fault::OriginCheck);
    // A local origin, so Local Network Access has nothing to ask; only the allow list refuses.
    let run = browser_run(
        &lab.url,
        &[
            "--origin",
            "http://localhost:4000",
            "--session",
            "demo-session",
            "--attempts",
            "1",
        ],
    );
    assert_eq!(run.code, 1);
    run.assert_agrees();
    assert_eq!(
        check(&run.report, "echo")["failure"]["cause"],
        "origin_rejected"
    );
    for role in ["echo", "terminal"] {
        let socket = run.socket(role);
        assert_eq!(socket["devtools"]["status"], 403, "{socket:#}");
        assert_eq!(
            socket["devtools"]["request_headers"]["origin"],
            "http://localhost:4000"
        );
        assert_eq!(socket["page"]["close_code"], 1006, "{socket:#}");
    }
    // /health is refused by CORS in the page, as the cors check predicts.
    assert!(run.browser()["evidence"]["health"]["cors_error"].is_string());
    assert!(run.console().contains("CORS policy"), "{}", run.console());
}

#[test]
fn app_runners_403_is_1006_in_the_page_and_403_on_the_command_line() {
    let (_lab, run) = faulty_run(Fault::AppRunner);
    assert_eq!(run.code, 1);
    assert_eq!(run.report["codes"][0], "AWS_APP_RUNNER_ERROR");
    run.assert_agrees();
    let terminal = run.socket("terminal");
    // The page sees 1006 and nothing else: no status, no reason, not clean.
    let page = &terminal["page"];
    assert_eq!(page["error_event"], true);
    assert_eq!(page["close_code"], 1006);
    assert_eq!(page["close_reason"], "");
    assert_eq!(page["was_clean"], false);
    assert!(page.get("opened_ms").is_none(), "{page:#}");
    // DevTools and the command line see the 403.
    assert_eq!(terminal["devtools"]["status"], 403);
    assert_eq!(
        check(&run.report, "terminal")["evidence"]["status_line"],
        "HTTP/1.1 403 Forbidden"
    );
    // The human report shows both.
    assert!(
        run.human.contains("close 1006") && run.human.contains("answered 403"),
        "{}",
        run.human
    );
    assert!(run.human.contains("AWS_APP_RUNNER_ERROR"), "{}", run.human);
    let compared = run.comparison("terminal");
    assert!(
        compared["browser"].as_str().unwrap().contains("close 1006"),
        "{compared:#}"
    );
    assert!(
        compared["command_line"]
            .as_str()
            .unwrap()
            .contains("AWS_APP_RUNNER_ERROR"),
        "{compared:#}"
    );
}

#[test]
fn a_public_page_reaching_loopback_is_stopped_by_local_network_access_on_both_sides() {
    let lab = TestLab::healthy();
    // A public origin: the browser has nobody to ask for the permission, and refuses; the dns
    // check predicts it.
    let run = browser_run(
        &lab.url,
        &[
            "--origin",
            "http://app.example.com",
            "--session",
            "demo-session",
            "--attempts",
            "1",
        ],
    );
    assert_eq!(check(&run.report, "dns")["status"], "warn");
    run.assert_agrees();
    let summary = run.browser()["summary"].as_str().unwrap();
    assert!(
        summary.contains("blocked (Local Network Access)"),
        "{summary}"
    );
    for role in ["echo", "terminal"] {
        let socket = run.socket(role);
        assert_eq!(socket["page"]["close_code"], 1006, "{socket:#}");
        assert!(
            socket["devtools"]["errors"][0]
                .as_str()
                .unwrap()
                .contains("LOCAL_NETWORK_ACCESS"),
            "{socket:#}"
        );
    }
}

#[test]
fn a_socket_dropped_after_open_is_1006_on_both_sides() {
    let (_lab, run) = faulty_run(Fault::DropAfterOpen);
    assert_eq!(run.code, 1);
    assert!(run.report["codes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "ABNORMAL_CLOSURE"));
    run.assert_agrees();
    for role in ["echo", "terminal"] {
        let socket = run.socket(role);
        assert!(socket["page"]["opened_ms"].is_number(), "{socket:#}");
        assert_eq!(socket["page"]["close_code"], 1006, "{socket:#}");
        assert_eq!(socket["page"]["was_clean"], false);
        assert_eq!(check(&run.report, role)["evidence"]["close_code"], 1006);
    }
}

#[test]
fn a_server_error_is_4500_and_its_reason_on_both_sides() {
    let (_lab, run) = faulty_run(Fault::ServerError);
    assert_eq!(run.code, 1);
    assert_eq!(run.report["codes"][0], "SERVER_ERROR");
    run.assert_agrees();
    let terminal = run.socket("terminal");
    let cli = &check(&run.report, "terminal")["evidence"];
    assert_eq!(terminal["page"]["close_code"], 4500, "{terminal:#}");
    assert_eq!(cli["close_code"], 4500);
    assert_eq!(terminal["page"]["close_reason"], cli["close_reason"]);
    assert_eq!(terminal["page"]["was_clean"], true);
    // The echo is unaffected, in both.
    assert_eq!(run.socket("echo")["page"]["echoed"], true);
}

#[test]
fn a_policy_timeout_is_1008_on_both_sides() {
    let (_lab, run) = faulty_run(Fault::PolicyTimeout(Duration::from_millis(300)));
    assert_eq!(run.code, 1);
    assert_eq!(run.report["codes"][0], "CONNECTION_TIMEOUT");
    run.assert_agrees();
    let terminal = run.socket("terminal");
    assert_eq!(terminal["page"]["close_code"], 1008, "{terminal:#}");
    assert_eq!(
        check(&run.report, "terminal")["evidence"]["close_code"],
        1008
    );
    assert!(run.human.contains("closed 1008"), "{}", run.human);
}

#[test]
fn a_tls_lab_is_trusted_by_the_browser_for_that_run_only() {
    let lab = TestLab::start(LabOptions {
        tls: true,
        allowed_origins: vec!["https://localhost:3000".into()],
        ..LabOptions::default()
    });
    let ca = lab.ca_file();
    let ca = ca.path().to_str().unwrap().to_string();
    let run = browser_run(
        &lab.url,
        &[
            "--cacert",
            &ca,
            "--origin",
            "https://localhost:3000",
            "--session",
            "demo-session",
        ],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.human, run.stderr);
    run.assert_agrees();
    assert_eq!(run.socket("echo")["page"]["echoed"], true);
    // Trust is the key the command line verified, as a switch of this run; never "ignore
    // certificate errors" wholesale.
    let switches = run.browser()["evidence"]["switches"].to_string();
    assert!(
        switches.contains("--ignore-certificate-errors-spki-list="),
        "{switches}"
    );
}

#[test]
fn a_missing_browser_is_a_clear_message_with_the_package() {
    let lab = TestLab::healthy();
    // Nothing on PATH.
    let empty = tempfile::tempdir().expect("temp dir");
    let out = wsdoctor()
        .env("PATH", empty.path())
        .args(["check", &lab.url, "--browser"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "a usage error: {stderr}");
    assert!(stderr.contains("no Chromium on PATH"), "{stderr}");
    assert!(stderr.contains("apt-get install chromium"), "{stderr}");
    // A path that is not a browser.
    let out = wsdoctor()
        .args([
            "check",
            &lab.url,
            "--browser",
            "--browser-path",
            "/nonexistent/chromium",
        ])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("/nonexistent/chromium"), "{stderr}");
}

#[test]
fn a_difference_is_a_warning_that_names_it() {
    // --insecure: the command line does not verify the lab's certificate and everything works;
    // the browser is told nothing about the lab's CA and refuses it, as users' browsers would.
    let lab = TestLab::start(LabOptions {
        tls: true,
        allowed_origins: vec!["https://localhost:3000".into()],
        ..LabOptions::default()
    });
    let run = browser_run(
        &lab.url,
        &[
            "--insecure",
            "--origin",
            "https://localhost:3000",
            "--session",
            "demo-session",
        ],
    );
    assert_ne!(run.report["verdict"], "fail", "{}", run.human);
    let browser = run.browser();
    assert_eq!(browser["status"], "warn", "{browser:#}");
    let summary = browser["summary"].as_str().unwrap();
    assert!(
        summary.contains("differs from the command line on /health, echo, terminal"),
        "{summary}"
    );
    for subject in ["/health", "echo", "terminal"] {
        let compared = run.comparison(subject);
        assert_eq!(compared["agrees"], false, "{compared:#}");
        assert!(
            compared["browser"]
                .as_str()
                .unwrap()
                .contains("refused for its certificate"),
            "{compared:#}"
        );
    }
    // The warning names both sides and the reason for this difference.
    let warning = &browser["warning"];
    assert_eq!(warning["cause"], "browser_disagrees", "{warning:#}");
    assert_eq!(warning["code"], "INCONCLUSIVE", "{warning:#}");
    let message = warning["message"].as_str().unwrap();
    assert!(
        message.contains("echo: the browser refused for its certificate")
            && message.contains("the command line: echo passed"),
        "{message}"
    );
    assert!(
        warning["hint"].as_str().unwrap().contains("--insecure"),
        "{warning:#}"
    );
    assert!(
        run.console().contains("ERR_CERT_AUTHORITY_INVALID"),
        "{}",
        run.console()
    );
    assert!(run.human.contains("(DIFFERS)"), "{}", run.human);
    // Nothing told the browser to trust anything.
    let switches = browser["evidence"]["switches"].to_string();
    assert!(!switches.contains("spki"), "{switches}");
}

#[test]
fn ctrl_c_and_the_deadline_kill_the_browser_and_remove_its_profile() {
    require_chromium();
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    // Session validation hangs for 30 s: the page's terminal waits for its first message, so the
    // browser is busy when the run is cut short. The command line's terminal check is skipped,
    // so the browser starts at once.
    let lab = lab_with(Fault::PolicyTimeout(Duration::from_secs(30)));
    let tmp = tempfile::tempdir().expect("temp dir");
    let profiles = tmp.path().join("tmp");
    std::fs::create_dir(&profiles).expect("profile parent");
    let args = [
        "check",
        &lab.url,
        "--browser",
        "--origin",
        "http://localhost:3000",
        "--session",
        "demo-session",
        "--skip",
        "terminal",
        "--timeout",
        "20s",
        "--verbose",
    ];
    // Ctrl-C once the page is up.
    let spawned = spawn_until_env(&args, &[("TMPDIR", &profiles)], "[Browser] page", true);
    signal(&spawned, "INT");
    let started = Instant::now();
    let (code, _, stdout) = spawned.finish();
    assert_eq!(code, Some(130), "{stdout}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(stdout.contains("interrupted"), "{stdout}");
    assert_nothing_left(&profiles);
    // The deadline, with the browser waiting on the silent terminal.
    let mut deadline_args = args.to_vec();
    deadline_args.extend(["--deadline", "3s", "--format", "json"]);
    let start = Instant::now();
    let out = wsdoctor()
        .env("TMPDIR", &profiles)
        .args(&deadline_args)
        .output()
        .expect("the binary runs");
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "{:?}",
        start.elapsed()
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let browser = check(&report, "browser");
    assert_eq!(browser["status"], "fail", "{browser:#}");
    assert!(
        browser["summary"].as_str().unwrap().contains("--deadline"),
        "{browser:#}"
    );
    assert_nothing_left(&profiles);
}

#[test]
fn a_browser_that_cannot_start_is_browser_unavailable_and_the_other_checks_stand() {
    let lab = TestLab::healthy();
    let tmp = tempfile::tempdir().expect("temp dir");
    // A "browser" that fails the way a broken Chromium does: words on stderr, then exit.
    let fake = tmp.path().join("chromium");
    std::fs::write(
        &fake,
        "#!/bin/sh\necho 'Missing X server or $DISPLAY' >&2\nexit 1\n",
    )
    .expect("write the fake browser");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let out = wsdoctor()
        .args(["check", &lab.url, "--browser", "--browser-path"])
        .arg(&fake)
        .args([
            "--origin",
            "http://localhost:3000",
            "--session",
            "demo-session",
            "--format",
            "json",
        ])
        .output()
        .expect("the binary runs");
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_schema_valid(&report);
    let browser = check(&report, "browser");
    assert_eq!(browser["status"], "fail", "{browser:#}");
    assert_eq!(browser["failure"]["code"], "INTERNAL_ERROR");
    assert_eq!(browser["failure"]["cause"], "browser_unavailable");
    assert!(
        browser["failure"]["message"]
            .as_str()
            .unwrap()
            .contains("exited before it opened DevTools"),
        "{browser:#}"
    );
    // The browser's own words are the evidence.
    assert!(
        browser["evidence"]["os_error"]
            .as_str()
            .unwrap()
            .contains("Missing X server"),
        "{browser:#}"
    );
    for id in ["health", "echo", "terminal"] {
        assert_eq!(check(&report, id)["status"], "pass", "{id}");
    }
}

#[test]
fn the_event_stream_of_a_browser_run_is_valid_against_its_schema() {
    require_chromium();
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let lab = TestLab::healthy();
    let out = wsdoctor()
        .args([
            "check",
            &lab.url,
            "--browser",
            "--origin",
            "http://localhost:3000",
            "--session",
            "demo-session",
            "--format",
            "ndjson",
        ])
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Every line valid, the browser's phases announced as they happen.
    crate::conventions::assert_stream(&stdout);
    for phase in ["browser_launch", "page_load"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains("\"phase\"") && l.contains("\"browser\"") && l.contains(phase)),
            "no {phase} event:\n{stdout}"
        );
    }
}

#[test]
fn a_socket_the_browser_opens_over_http2_is_said_to_be() {
    // The lab serves HTTP/2 with extended CONNECT beside HTTP/1.1, as modern edges do: Chromium,
    // holding the HTTP/2 connection its fetch of /health opened, takes that road (RFC 8441),
    // and DevTools reports the CONNECT's 200 where HTTP/1.1 has its 101.
    let lab = TestLab::start(LabOptions {
        tls: true,
        http2: true,
        ..LabOptions::default()
    });
    let ca = lab.ca_file();
    let ca = ca.path().to_str().unwrap().to_string();
    let run = browser_run(
        &lab.url,
        &[
            "--cacert",
            &ca,
            FRONTEND[0],
            FRONTEND[1],
            "--session",
            "demo-session",
        ],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.human, run.stderr);
    run.assert_agrees();
    assert_eq!(run.browser()["evidence"]["health"]["protocol"], "h2");
    for role in ["echo", "terminal"] {
        let socket = run.socket(role);
        assert_eq!(socket["devtools"]["status"], 200, "{socket:#}");
        let words = run.comparison(role)["browser"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(words.contains("over HTTP/2"), "{words}");
        assert!(!words.contains("answered 200"), "{words}");
    }
}
