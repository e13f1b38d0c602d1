//! The browser's other road: WebSockets over HTTP/2 (RFC 8441) and ALPN, end to end through the
//! built binary: the lab serving HTTP/2 and each of its HTTP/2 faults, then HAProxy, a third-party
//! HTTP/2 edge, set up as an HTTP/2-only listener without extended CONNECT.
//!
//! Every failure taught here is asserted the same way: the verdict is not PASS, and the root cause
//! leads `codes` and the human headline (the last line on stdout).

use crate::support::{assert_schema_valid, check, run, Run, TestLab};
use serde_json::Value;
use std::time::{Duration, Instant};
use wsdoctor_lab::{LabOptions, DEFAULT_ORIGIN, DEFAULT_SESSION};

/// A lab serving HTTP/2 beside HTTP/1.1 over TLS, with a fault or healthy.
fn h2_lab(fault: Option<&str>) -> TestLab {
    TestLab::start(LabOptions {
        tls: true,
        http2: true,
        fault: fault.map(|f| f.parse().expect("a fault")),
        ..LabOptions::default()
    })
}

/// One run: the human view on stdout, the JSON report written to a file beside it.
struct Checked {
    run: Run,
    report: Value,
}

impl Checked {
    /// The human headline: the last line on stdout.
    fn headline(&self) -> &str {
        self.run.stdout.lines().last().unwrap_or_default()
    }

    fn check(&self, id: &str) -> &Value {
        check(&self.report, id)
    }

    /// The verdict is not PASS and `code` (the root cause's) leads `codes` and the headline.
    fn assert_led_by(&self, verdict: &str, code: &str) {
        assert_eq!(self.report["verdict"], verdict, "{}", self.run.stdout);
        assert_eq!(self.report["codes"][0], code, "{}", self.run.stdout);
        let headline = format!("{} {code}", verdict.to_uppercase());
        assert!(
            self.headline().starts_with(&headline),
            "headline {:?}, expected {headline:?}\n{}",
            self.headline(),
            self.run.stdout
        );
        assert_eq!(self.run.code, if verdict == "fail" { 1 } else { 0 });
        assert_schema_valid(&self.report);
    }

    /// The road a socket check reported for `road` (`h2`, `http/1.1`).
    fn road<'a>(&'a self, id: &str, road: &str) -> &'a Value {
        let roads = self.check(id)["evidence"]["roads"]
            .as_array()
            .unwrap_or_else(|| panic!("{id} compares no roads: {:#}", self.check(id)));
        roads
            .iter()
            .find(|r| r["road"] == road)
            .unwrap_or_else(|| panic!("{id} has no road {road}: {roads:#?}"))
    }
}

/// Checks `url` trusting `ca` with short bounds, as the web client with one attempt.
fn check_url(url: &str, ca: &std::path::Path, extra: &[&str]) -> Checked {
    let report = tempfile::NamedTempFile::new().expect("temp file");
    let ca = ca.to_string_lossy().into_owned();
    let path = report.path().to_string_lossy().into_owned();
    let mut args = vec![
        "check", url, "--cacert", &ca, "--format", "json", "--output", &path,
    ];
    // Short bounds and one attempt, unless the test sets its own.
    for (flag, value) in [
        ("--session", DEFAULT_SESSION),
        ("--origin", DEFAULT_ORIGIN),
        ("--attempts", "1"),
        ("--observe", "0s"),
        ("--timeout", "5s"),
        ("--connect-timeout", "5s"),
    ] {
        if !extra.contains(&flag) {
            args.extend([flag, value]);
        }
    }
    args.extend_from_slice(extra);
    let run = run(&args);
    let text = std::fs::read_to_string(report.path()).expect("the report was written");
    let report = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{e}: {text}\nstderr: {}", run.stderr));
    Checked { run, report }
}

fn check_lab(lab: &TestLab, extra: &[&str]) -> Checked {
    let ca = lab.ca_file();
    check_url(&lab.url, ca.path(), extra)
}

#[test]
fn both_roads_work_and_each_check_says_what_it_used() {
    let lab = h2_lab(None);
    let checked = check_lab(&lab, &["--observe", "100ms"]);
    assert_eq!(checked.report["verdict"], "pass", "{}", checked.run.stdout);
    assert!(
        checked.headline().starts_with("PASS"),
        "{}",
        checked.run.stdout
    );
    assert_schema_valid(&checked.report);
    // ALPN as a browser offers it, and what was agreed, in every format.
    let tls = checked.check("tls");
    assert_eq!(tls["evidence"]["tls"]["alpn"], "h2");
    assert!(
        checked.run.stdout.contains("ALPN h2"),
        "{}",
        checked.run.stdout
    );
    // The tls check's connection went to health, which spoke HTTP/2 on it.
    let health = checked.check("health");
    assert_eq!(health["evidence"]["http_version"], "HTTP/2");
    assert_eq!(
        health["evidence"]["connection"],
        "reused from the tcp/tls check"
    );
    assert!(health["summary"].as_str().unwrap().ends_with("over HTTP/2"));
    for id in ["diagnostics", "cors", "session"] {
        assert_eq!(
            checked.check(id)["evidence"]["http_version"],
            "HTTP/2",
            "{id}"
        );
    }
    // The sockets: both roads compared, HTTP/2 reported, its phases timed.
    for id in ["echo", "terminal"] {
        let socket = checked.check(id);
        assert_eq!(socket["status"], "pass", "{socket:#}");
        assert_eq!(socket["evidence"]["http_version"], "HTTP/2");
        assert_eq!(socket["evidence"]["http2"]["extended_connect"], true);
        assert!(
            socket["summary"]
                .as_str()
                .unwrap()
                .ends_with("over HTTP/2 (HTTP/1.1 works too)"),
            "{socket:#}"
        );
        assert_eq!(checked.road(id, "h2")["outcome"], "works");
        assert_eq!(checked.road(id, "http/1.1")["outcome"], "works");
        for phase in ["h2_settings", "h2_connect", "h2_first_frame"] {
            assert!(
                socket["timings"][phase].is_number(),
                "{id}.{phase}: {socket:#}"
            );
        }
        assert!(checked.road(id, "http/1.1")["timings"]["ws_handshake"].is_number());
    }
    // The Origin probe takes the road the echo took, and a refusal there is a :status.
    let origin = checked.check("origin");
    assert_eq!(origin["status"], "pass", "{origin:#}");
    assert_eq!(origin["evidence"]["http_version"], "HTTP/2");
    // The waterfall shows the HTTP/2 phases.
    assert!(
        checked.run.stdout.contains("h2_settings"),
        "{}",
        checked.run.stdout
    );
    assert!(
        checked.run.stdout.contains("h2_connect"),
        "{}",
        checked.run.stdout
    );
}

#[test]
fn an_http1_tls_server_is_checked_as_before_and_fails_only_under_http2() {
    let lab = TestLab::start(LabOptions {
        tls: true,
        ..LabOptions::default()
    });
    let checked = check_lab(&lab, &[]);
    assert_eq!(checked.report["verdict"], "pass", "{}", checked.run.stdout);
    assert_eq!(checked.check("tls")["evidence"]["tls"]["alpn"], "http/1.1");
    let echo = checked.check("echo");
    assert!(
        !echo["summary"].as_str().unwrap().contains("HTTP/"),
        "{echo:#}"
    );
    assert!(echo["evidence"].get("roads").is_none(), "{echo:#}");
    assert_eq!(echo["evidence"]["http_version"], "HTTP/1.1");

    // --http2 asks for the road this server does not offer: that is the failure.
    let strict = check_lab(&lab, &["--http2"]);
    strict.assert_led_by("fail", "CONNECTION_FAILED");
    let echo = strict.check("echo");
    assert_eq!(echo["failure"]["cause"], "alpn_mismatch", "{echo:#}");
    assert!(
        echo["failure"]["message"]
            .as_str()
            .unwrap()
            .contains("agreed on http/1.1"),
        "{echo:#}"
    );
    // The hint is about the HTTP/2 this server lacks, not a listener that speaks only HTTP/2.
    let hint = echo["failure"]["hint"].as_str().unwrap();
    assert!(
        !hint.contains("speaks only HTTP/2") && hint.contains("does not speak HTTP/2"),
        "{hint}"
    );
    assert!(
        !strict
            .run
            .stdout
            .contains("The listener speaks only HTTP/2"),
        "{}",
        strict.run.stdout
    );
    assert_eq!(strict.road("echo", "h2")["outcome"], "unavailable");
}

#[test]
fn http2_without_extended_connect_is_a_note_unless_http2_is_required() {
    let lab = h2_lab(Some("h2-no-connect"));
    let checked = check_lab(&lab, &[]);
    assert_eq!(checked.report["verdict"], "pass", "{}", checked.run.stdout);
    let echo = checked.check("echo");
    assert_eq!(echo["evidence"]["http_version"], "HTTP/1.1");
    assert!(
        echo["summary"]
            .as_str()
            .unwrap()
            .contains("without extended CONNECT, so browsers use HTTP/1.1"),
        "{echo:#}"
    );
    let h2 = checked.road("echo", "h2");
    assert_eq!(h2["outcome"], "unavailable");
    assert_eq!(h2["cause"], "extended_connect_disabled");
    assert_eq!(checked.road("echo", "http/1.1")["outcome"], "works");

    let strict = check_lab(&lab, &["--http2"]);
    strict.assert_led_by("fail", "UPGRADE_REJECTED");
    for id in ["echo", "terminal"] {
        let socket = strict.check(id);
        assert_eq!(
            socket["failure"]["cause"], "extended_connect_disabled",
            "{socket:#}"
        );
        assert_eq!(socket["evidence"]["http2"]["extended_connect"], false);
    }
    assert!(
        strict.run.stdout.contains("extended_connect: false"),
        "{}",
        strict.run.stdout
    );
}

#[test]
fn only_http2_working_warns_and_http1_only_fails_at_alpn() {
    let lab = h2_lab(Some("h2-only"));
    let checked = check_lab(&lab, &[]);
    checked.assert_led_by("warn", "CONNECTION_FAILED");
    let echo = checked.check("echo");
    assert_eq!(echo["status"], "warn", "{echo:#}");
    assert_eq!(echo["warning"]["cause"], "alpn_mismatch");
    assert!(echo["summary"]
        .as_str()
        .unwrap()
        .ends_with("over HTTP/2 only"));
    assert_eq!(checked.road("echo", "http/1.1")["cause"], "alpn_mismatch");
    assert!(
        checked
            .run
            .stdout
            .contains("only HTTP/2 carries the socket"),
        "{}",
        checked.run.stdout
    );

    // As a browser without an HTTP/2 connection: the listener refuses it at ALPN.
    let http1 = check_lab(&lab, &["--http1-only"]);
    http1.assert_led_by("fail", "CONNECTION_FAILED");
    let tls = http1.check("tls");
    assert_eq!(tls["failure"]["cause"], "alpn_mismatch", "{tls:#}");
    assert!(
        tls["failure"]["message"]
            .as_str()
            .unwrap()
            .contains("no_application_protocol"),
        "{tls:#}"
    );
}

#[test]
fn an_http2_only_listener_without_extended_connect_fails_with_its_own_cause() {
    let lab = h2_lab(Some("h2-only-no-connect"));
    let checked = check_lab(&lab, &[]);
    checked.assert_led_by("fail", "UPGRADE_REJECTED");
    for id in ["echo", "terminal"] {
        let socket = checked.check(id);
        assert_eq!(
            socket["failure"]["cause"], "extended_connect_disabled",
            "{socket:#}"
        );
        let message = socket["failure"]["message"].as_str().unwrap();
        assert!(message.contains("speaks only HTTP/2"), "{message}");
        assert!(
            message.contains("no browser can open a WebSocket"),
            "{message}"
        );
        assert!(
            socket["failure"]["hint"]
                .as_str()
                .unwrap()
                .contains("allow_connect"),
            "the hint names the edge setting"
        );
        assert_eq!(checked.road(id, "http/1.1")["cause"], "alpn_mismatch");
    }
    assert!(
        checked.report["diagnosis"]
            .as_array()
            .unwrap()
            .iter()
            .any(|line| line.as_str().unwrap().contains("speaks only HTTP/2")),
        "{:#}",
        checked.report["diagnosis"]
    );
}

#[test]
fn a_refused_extended_connect_fails_with_its_status_and_headers() {
    let lab = h2_lab(Some("h2-connect-403"));
    let checked = check_lab(&lab, &[]);
    checked.assert_led_by("fail", "UPGRADE_REJECTED");
    let echo = checked.check("echo");
    assert_eq!(echo["failure"]["cause"], "h2_connect_refused", "{echo:#}");
    let evidence = &echo["evidence"];
    assert_eq!(evidence["status_line"], "HTTP/2 403 Forbidden");
    assert_eq!(evidence["headers"]["x-powered-by"], "Express");
    assert!(evidence["body_excerpt"]
        .as_str()
        .unwrap()
        .contains("not allowed"));
    // HTTP/1.1 works, which does not save browsers that take the HTTP/2 road.
    assert_eq!(checked.road("echo", "http/1.1")["outcome"], "works");
    assert!(echo["failure"]["message"]
        .as_str()
        .unwrap()
        .contains("browsers holding an HTTP/2 connection"));
    assert!(
        checked
            .run
            .stdout
            .contains("status_line: HTTP/2 403 Forbidden"),
        "{}",
        checked.run.stdout
    );
}

#[test]
fn a_stream_reset_after_open_names_its_code() {
    let lab = h2_lab(Some("h2-stream-reset"));
    let checked = check_lab(&lab, &[]);
    checked.assert_led_by("fail", "ABNORMAL_CLOSURE");
    for id in ["echo", "terminal"] {
        let socket = checked.check(id);
        assert_eq!(socket["failure"]["cause"], "h2_stream_reset", "{socket:#}");
        assert_eq!(socket["evidence"]["close_code"], 1006);
        assert_eq!(socket["evidence"]["http2"]["rst_stream"], "CANCEL (0x8)");
        assert!(socket["failure"]["message"]
            .as_str()
            .unwrap()
            .contains("RST_STREAM CANCEL"));
    }
    assert!(
        checked.run.stdout.contains("rst_stream: CANCEL (0x8)"),
        "{}",
        checked.run.stdout
    );
}

/// The terminal's observation window (500 ms by default), as the tests below set it.
const OBSERVE: Duration = Duration::from_millis(500);

#[test]
fn a_healthy_http2_origin_watches_both_roads_in_one_window() {
    // Default options, as a new user runs it: both roads are watched for the whole window, but
    // side by side, so the terminal costs one window and a little, not two.
    let demo = run(&["demo", "--tls", "--format", "json"]);
    assert_eq!(
        demo.code, 0,
        "{}
{}",
        demo.stdout, demo.stderr
    );
    let report = demo.json();
    assert_eq!(report["verdict"], "pass", "{report:#}");
    let terminal = check(&report, "terminal");
    assert_eq!(terminal["status"], "pass", "{terminal:#}");
    let roads = terminal["evidence"]["roads"].as_array().expect("roads");
    assert_eq!(roads.len(), 2, "{terminal:#}");
    for road in roads {
        assert_eq!(road["outcome"], "works", "{terminal:#}");
        assert!(
            road["summary"]
                .as_str()
                .unwrap()
                .contains("stayed up 500ms"),
            "each road is watched for the whole window: {terminal:#}"
        );
    }
    let took = terminal["duration_ms"].as_f64().unwrap();
    let bound = OBSERVE.as_secs_f64() * 1000.0 * 1.5;
    assert!(
        took < bound,
        "the terminal took {took} ms over two roads; one window is {OBSERVE:?}: {terminal:#}"
    );
}

#[test]
fn a_cut_of_one_road_after_the_greeting_is_still_caught_while_both_are_watched() {
    // The HTTP/2 stream is reset 200 ms after its last frame, while HTTP/1.1 sockets stay up: a
    // cut inside the window, of one road only, while the other road's socket is open beside it.
    let lab = h2_lab(Some("h2-idle-cut:200ms"));
    let checked = check_lab(&lab, &["--observe", "500ms", "--verbose"]);
    checked.assert_led_by("fail", "ABNORMAL_CLOSURE");
    let terminal = checked.check("terminal");
    assert_eq!(
        terminal["failure"]["cause"], "h2_stream_reset",
        "{terminal:#}"
    );
    let message = terminal["failure"]["message"].as_str().unwrap();
    assert!(message.contains("after it greeted"), "{message}");
    assert!(
        message.contains("over HTTP/1.1 the socket works"),
        "{message}"
    );
    assert_eq!(checked.road("terminal", "h2")["outcome"], "fails");
    assert_eq!(checked.road("terminal", "http/1.1")["outcome"], "works");
    // The cut came while the HTTP/1.1 socket was open, so it was confirmed on the road alone.
    assert!(
        checked
            .run
            .stderr
            .contains("The HTTP/2 road failed while the HTTP/1.1 road's socket was open"),
        "{}",
        checked.run.stderr
    );
}

#[test]
fn a_session_that_ends_its_older_socket_is_not_failed_for_our_second_one() {
    // One terminal per session: the HTTP/1.1 socket, opened while the HTTP/2 one is watched, ends
    // it with 4001. That is our doing, not the target's: each road alone works.
    let lab = h2_lab(Some("session-takeover"));
    let checked = check_lab(&lab, &["--observe", "500ms", "--verbose"]);
    let terminal = checked.check("terminal");
    assert_eq!(
        terminal["status"], "pass",
        "{terminal:#}
{}",
        checked.run.stderr
    );
    assert_eq!(checked.road("terminal", "h2")["outcome"], "works");
    assert_eq!(checked.road("terminal", "http/1.1")["outcome"], "works");
    assert!(
        checked.run.stderr.contains("trying it again alone"),
        "{}",
        checked.run.stderr
    );
    // Without that second look, the HTTP/2 road would fail "closed 4001 after it greeted".
    assert_eq!(checked.report["verdict"], "pass", "{}", checked.run.stdout);
}

#[test]
fn a_goaway_is_named_and_retried_as_transient() {
    let lab = h2_lab(Some("h2-goaway"));
    let checked = check_lab(&lab, &["--attempts", "2", "--retry-delay", "10ms"]);
    checked.assert_led_by("fail", "CONNECTION_FAILED");
    let echo = checked.check("echo");
    assert_eq!(echo["failure"]["cause"], "h2_goaway", "{echo:#}");
    assert!(echo["evidence"]["http2"]["goaway"]
        .as_str()
        .unwrap()
        .starts_with("NO_ERROR (0x0)"));
    // A GOAWAY is what a draining server sends: worth a retry, as the web client does.
    assert_eq!(echo["attempts"].as_array().unwrap().len(), 2, "{echo:#}");
    assert_eq!(checked.report["codes"][1], "MAX_RETRIES_EXCEEDED");
}

#[test]
fn the_roads_are_options_checked_before_anything_is_sent() {
    // Both at once cannot be honoured, from flags or from the environment.
    let both = run(&["check", "https://127.0.0.1:1/", "--http1-only", "--http2"]);
    assert_eq!(both.code, 2, "{}", both.stderr);
    let mixed = crate::support::wsdoctor()
        .env("WSDOCTOR_HTTP2", "1")
        .args(["check", "https://127.0.0.1:1/", "--http1-only", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(mixed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&mixed.stderr).contains("--http2"));
    // Browsers never speak HTTP/2 to a plain URL.
    let plain = run(&["check", "http://127.0.0.1:1/", "--http2"]);
    assert_eq!(plain.code, 2);
    assert!(
        plain.stderr.contains("--http2") && plain.stderr.contains("TLS"),
        "{}",
        plain.stderr
    );
    // The dry run says which road was chosen.
    let dry = run(&["check", "https://127.0.0.1:1/", "--http1-only", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(dry.stdout.contains("HTTP/1.1 only"), "{}", dry.stdout);
    let dry = crate::support::wsdoctor()
        .env("WSDOCTOR_HTTP2", "yes")
        .args(["check", "https://127.0.0.1:1/", "--dry-run"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&dry.stdout).contains("HTTP/2 required"));
}

#[test]
fn the_demo_serves_http2_over_tls() {
    let demo = run(&["demo", "--tls", "--only", "echo", "--format", "json"]);
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    let report = demo.json();
    assert_eq!(check(&report, "tls")["evidence"]["tls"]["alpn"], "h2");
    assert_eq!(check(&report, "echo")["evidence"]["http_version"], "HTTP/2");
    let strict = run(&["demo", "--http2", "--only", "echo"]);
    assert_eq!(strict.code, 0, "{}", strict.stdout);
    assert!(strict.stdout.contains("; over HTTP/2"), "{}", strict.stdout);
}

#[test]
fn secrets_never_leak_over_the_http2_road() {
    use crate::safety::{leaks, run_with_secrets, PASSWORD, SESSION, TOKEN, USER};
    let lab = TestLab::start(LabOptions {
        tls: true,
        http2: true,
        sessions: vec![SESSION.into()],
        ..LabOptions::default()
    });
    let ca = lab.ca_file();
    let target = format!(
        "{}/?token={TOKEN}",
        lab.url
            .replacen("https://", &format!("https://{USER}:{PASSWORD}@"), 1)
    );
    let dir = tempfile::tempdir().unwrap();
    for format in ["human", "json", "ndjson"] {
        let ca_path = ca.path().to_str().unwrap();
        let extra = ["--cacert", ca_path, "--observe", "0s"];
        let (everything, written) = run_with_secrets(&target, &extra, format, dir.path());
        assert_eq!(leaks(&everything), Vec::<String>::new(), "{format} leaked");
        assert!(everything.contains("over HTTP/2"), "{format}: {everything}");
        if format == "json" {
            let report: Value = serde_json::from_str(&written).unwrap();
            assert_eq!(report["verdict"], "pass", "{report:#}");
            assert_eq!(
                check(&report, "terminal")["evidence"]["http_version"],
                "HTTP/2"
            );
        }
    }
}

/// HAProxy on a free loopback port in front of a lab, stopped when dropped.
struct Haproxy {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CA and a certificate for 127.0.0.1 it issued: the CA's PEM, and the certificate with its key
/// in one PEM, as HAProxy's `crt` takes them.
fn edge_certificate() -> (String, String) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::default();
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "wsdoctor test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "haproxy edge");
    let leaf = params.signed_by(&key, &ca).unwrap();
    (ca.pem(), format!("{}{}", leaf.pem(), key.serialize_pem()))
}

/// Starts HAProxy with `frontend` (a bind line's options) and `global` settings in front of
/// `backend`, and returns once it accepts connections: polled, never slept on.
fn haproxy(
    binary: &std::path::Path,
    global: &str,
    bind: &str,
    backend: &str,
    crt: &str,
) -> Haproxy {
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("edge.pem");
    std::fs::write(&pem, crt).unwrap();
    // A free port: bound by the OS, released for HAProxy to take.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = format!(
        "global\n    nbthread 1\n{global}\
         defaults\n    mode http\n    timeout connect 2s\n    timeout client 10s\n    timeout server 10s\n\
         frontend edge\n    bind 127.0.0.1:{port} ssl crt {pem} {bind}\n    default_backend app\n\
         backend app\n    server lab {backend}\n",
        pem = pem.display(),
    );
    let file = dir.path().join("haproxy.cfg");
    std::fs::write(&file, config).unwrap();
    let log = std::fs::File::create(dir.path().join("haproxy.log")).unwrap();
    let mut child = std::process::Command::new(binary)
        .arg("-f")
        .arg(&file)
        .arg("-db")
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .expect("haproxy starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let log = std::fs::read_to_string(dir.path().join("haproxy.log")).unwrap_or_default();
            panic!("haproxy exited ({status}) before listening:\n{log}");
        }
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        if std::net::TcpStream::connect_timeout(&address, Duration::from_millis(100)).is_ok() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "haproxy never listened on {port}"
        );
        // The poll's pace, not a wait for readiness: the loop ends as soon as it listens.
        std::thread::sleep(Duration::from_millis(10));
    }
    Haproxy {
        child,
        port,
        _dir: dir,
    }
}

/// Where HAProxy is: `.ci/run` installs Debian's package when it is missing.
fn haproxy_binary() -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .chain(["/usr/sbin".into(), "/sbin".into()])
            .map(|dir| dir.join("haproxy"))
            .find(|candidate| candidate.is_file())
    })
}

#[test]
fn haproxy_http2_only_without_extended_connect_is_diagnosed() {
    // A missing HAProxy fails rather than skips: a skipped edge test would read as a pass.
    let binary = haproxy_binary()
        .expect("haproxy is not installed: `apt-get install haproxy` (.ci/run installs it)");
    let lab = TestLab::healthy();
    let backend = lab.url.trim_start_matches("http://").to_string();
    let (ca, crt) = edge_certificate();
    let ca_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca_file.path(), ca).unwrap();
    // HTTP/2 alone (ALPN h2, and the HTTP/2 framing on every connection), with HAProxy's switch
    // that stops announcing RFC 8441 WebSockets.
    let edge = haproxy(
        &binary,
        "    h2-workaround-bogus-websocket-clients\n",
        "alpn h2 proto h2",
        &backend,
        &crt,
    );
    let url = format!("https://127.0.0.1:{}", edge.port);
    let checked = check_url(&url, ca_file.path(), &[]);
    checked.assert_led_by("fail", "UPGRADE_REJECTED");
    assert_eq!(checked.check("tls")["evidence"]["tls"]["alpn"], "h2");
    // Plain HTTP reaches the application through the edge, over HTTP/2.
    let health = checked.check("health");
    assert_eq!(health["status"], "pass", "{health:#}");
    assert_eq!(health["evidence"]["http_version"], "HTTP/2");
    let echo = checked.check("echo");
    assert_eq!(
        echo["failure"]["cause"], "extended_connect_disabled",
        "{echo:#}"
    );
    assert!(echo["failure"]["message"]
        .as_str()
        .unwrap()
        .contains("speaks only HTTP/2"));
    // HAProxy agrees on no protocol for an http/1.1-only offer and hangs up: no ALPN on an
    // HTTP/2-only listener.
    let http1 = checked.road("echo", "http/1.1");
    assert_eq!(http1["cause"], "alpn_mismatch", "{http1:#}");
    assert!(http1["summary"]
        .as_str()
        .unwrap()
        .contains("agreed on no protocol in ALPN"));
    assert_eq!(
        checked.road("echo", "h2")["cause"],
        "extended_connect_disabled"
    );
    drop(edge);

    // The same edge with extended CONNECT and HTTP/1.1: both roads through HAProxy work.
    let edge = haproxy(&binary, "", "alpn h2,http/1.1", &backend, &crt);
    let url = format!("https://127.0.0.1:{}", edge.port);
    let checked = check_url(&url, ca_file.path(), &[]);
    assert_eq!(checked.report["verdict"], "pass", "{}", checked.run.stdout);
    assert_eq!(checked.road("echo", "h2")["outcome"], "works");
    assert_eq!(checked.road("echo", "http/1.1")["outcome"], "works");
}
