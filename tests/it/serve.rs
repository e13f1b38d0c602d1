//! `wsdoctor serve`, the Prometheus exporter: probes, refusals, bounds, its own metrics, the status
//! page in a real Chromium, and a real Prometheus scraping it.

use crate::support::{refusing_port, TestLab};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};
use wsdoctor_lab::{Fault, LabOptions};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A running exporter, killed when dropped.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) addr: String,
    logs: Receiver<String>,
}

impl Server {
    /// Starts `wsdoctor serve` on a free loopback port and waits for its listening line.
    pub(crate) fn start(config: &Path, extra: &[&str]) -> Server {
        let mut command = Command::new(assert_cmd::cargo::cargo_bin("wsdoctor"));
        command.arg("serve");
        Server::spawn(command, config, extra)
    }

    /// Starts `command` (the binary and `serve`, or a shell that execs them) with the listening
    /// address, `config` and `extra` appended.
    pub(crate) fn spawn(mut command: Command, config: &Path, extra: &[&str]) -> Server {
        let mut child = command
            .args(["--listen", "127.0.0.1:0", "--config"])
            .arg(config)
            .args(extra)
            .env_remove("REDIS_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, logs) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = logs
            .recv_timeout(Duration::from_secs(20))
            .expect("a listening line");
        let addr = first
            .split("http://")
            .nth(1)
            .unwrap_or_else(|| panic!("{first}"))
            .trim()
            .to_string();
        Server { child, addr, logs }
    }

    pub(crate) fn get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
        http(&self.addr, "GET", path, headers)
    }

    /// The log lines printed since the last call (or `log_line`), without waiting.
    pub(crate) fn logged(&self) -> Vec<String> {
        self.logs.try_iter().collect()
    }

    /// Waits for a log line containing `text`.
    pub(crate) fn log_line(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .logs
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no log line with {text:?}"));
            if line.contains(text) {
                return line;
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 request; returns the status, the head and the body.
pub(crate) fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// The value of a sample, by its exact name and labels as printed.
pub(crate) fn sample(exposition: &str, series: &str) -> Option<f64> {
    exposition
        .lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

fn promtool(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new("promtool")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool is needed (Debian: prometheus; .ci/run installs it)");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

pub(crate) fn config(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("wsdoctor.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn probes_named_targets_and_refuses_the_rest() {
    let healthy = TestLab::healthy();
    let broken = TestLab::start(LabOptions {
        fault: Some(Fault::InvalidSession),
        ..LabOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        &format!(
            r#"
[defaults]
origin = "http://localhost:3000"
observe = "0s"
attempts = 1
session = "demo-session"

[[targets]]
name = "healthy"
url = "{}"

[[targets]]
name = "broken"
url = "{}"

[modules.quick]
only = ["health", "echo"]

[serve]
allow = ["http://127.0.0.1:{}/*"]
# The lab is on loopback, which URL targets may not reach by default.
deny_private = false
"#,
            healthy.url,
            broken.url,
            healthy.port()
        ),
    );
    let server = Server::start(&file, &[]);

    let (status, head, body) = server.get("/probe?target=healthy", &[]);
    assert_eq!(status, 200, "{body}");
    assert!(head.contains("text/plain; version=0.0.4"), "{head}");
    assert_eq!(sample(&body, "probe_success"), Some(1.0), "{body}");
    assert_eq!(
        sample(&body, "wsdoctor_check_success{check=\"terminal\"}"),
        Some(1.0)
    );
    assert!(sample(
        &body,
        "wsdoctor_phase_seconds{check=\"echo\",phase=\"echo_round_trip\"}"
    )
    .is_some());
    assert_eq!(
        sample(&body, "probe_websocket_connection_upgraded"),
        Some(1.0)
    );
    assert_eq!(sample(&body, "probe_websocket_status_code"), Some(101.0));
    assert!(!body.contains("demo-session"), "no session in metrics");
    let lint = promtool(&["check", "metrics"], Some(&body));
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    assert!(server
        .log_line("probe target=healthy")
        .contains("result=success"));

    // A failing probe is 200 with probe_success 0 and the code and cause as labels.
    let (status, _, body) = server.get("/probe?target=broken", &[]);
    assert_eq!(status, 200);
    assert_eq!(sample(&body, "probe_success"), Some(0.0));
    assert!(body.contains(r#"wsdoctor_failure_info{check="session",code="SESSION_INVALID",cause="session_invalid"} 1"#), "{body}");

    // Modules narrow the checklist.
    let (_, _, body) = server.get("/probe?target=healthy&module=quick", &[]);
    assert!(
        sample(&body, "wsdoctor_check_success{check=\"terminal\"}").is_none(),
        "{body}"
    );

    // OpenMetrics when asked.
    let (_, head, body) = server.get(
        "/probe?target=healthy&module=quick",
        &[("Accept", "application/openmetrics-text; version=1.0.0")],
    );
    assert!(head.contains("application/openmetrics-text"), "{head}");
    assert!(body.ends_with("# EOF\n"), "{body}");

    // Not an open proxy: an unlisted URL is 403; one matching an allow pattern is probed.
    let (status, _, body) = server.get("/probe?target=http://example.invalid/", &[]);
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("--allow-any-target"));
    let allowed = format!("/probe?target={}/&module=quick", healthy.url);
    let (status, _, body) = server.get(&allowed, &[]);
    assert_eq!(status, 200);
    // deny_private = false: the loopback lab is reached.
    assert_eq!(sample(&body, "probe_success"), Some(1.0), "{body}");
    // A URL target's token is a secret: the log line and the status page show the mask.
    let with_token = format!(
        "/probe?target={}/%3Ftoken%3Dsekrit42&module=quick",
        healthy.url
    );
    assert_eq!(server.get(&with_token, &[]).0, 200);
    let logged = server.log_line("token=");
    assert!(!logged.contains("sekrit42"), "{logged}");
    assert!(logged.contains("[REDACTED]"), "{logged}");
    let (_, _, page) = server.get("/", &[]);
    assert!(!page.contains("sekrit42"), "the status page shows a token");
    let sneaky = format!(
        "/probe?target=http://127.0.0.1:{}@example.invalid/",
        healthy.port()
    );
    assert_eq!(server.get(&sneaky, &[]).0, 403, "a star never crosses @");

    // Bad requests.
    assert_eq!(server.get("/probe", &[]).0, 400);
    assert_eq!(server.get("/probe?target=nope", &[]).0, 400);
    assert_eq!(server.get("/probe?target=healthy&module=nope", &[]).0, 400);
    assert_eq!(
        http(&server.addr, "POST", "/probe?target=healthy", &[]).0,
        405
    );
    assert_eq!(server.get("/elsewhere", &[]).0, 404);

    // Its own metrics, health and page.
    let (status, _, metrics) = server.get("/metrics", &[]);
    assert_eq!(status, 200);
    assert!(
        sample(
            &metrics,
            "wsdoctor_exporter_probes_total{result=\"success\"}"
        )
        .unwrap()
            >= 3.0,
        "{metrics}"
    );
    assert!(sample(&metrics, "wsdoctor_exporter_requests_refused_total").unwrap() >= 5.0);
    assert!(sample(&metrics, "process_resident_memory_bytes").unwrap() > 0.0);
    let lint = promtool(&["check", "metrics"], Some(&metrics));
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    assert_eq!(server.get("/-/healthy", &[]).0, 200);
    assert_eq!(server.get("/-/ready", &[]).0, 200);
    let (_, head, page) = server.get("/", &[]);
    assert!(head.contains("text/html"));
    assert!(
        page.contains("<td>broken</td>") && page.contains("SESSION_INVALID"),
        "{page}"
    );
    assert!(!page.contains("<script"), "no JavaScript");
}

#[test]
fn a_probe_keeps_to_the_scrape_timeout_and_the_limit_answers_503() {
    let silent = TestLab::start(LabOptions {
        fault: Some(Fault::Blackhole),
        ..LabOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        &format!(
            "[defaults]\nconnect_timeout = \"30s\"\ntimeout = \"30s\"\n[[targets]]\nname = \"silent\"\nurl = \"{}\"\n",
            silent.url
        ),
    );
    let server = Server::start(&file, &["--max-concurrent", "1"]);
    // Two probes at once with a limit of one: one runs until the scrape's deadline, the other is
    // refused at once.
    let probes: Vec<_> = (0..2)
        .map(|_| {
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                let start = Instant::now();
                let answer = http(
                    &addr,
                    "GET",
                    "/probe?target=silent",
                    &[("X-Prometheus-Scrape-Timeout-Seconds", "2")],
                );
                (answer, start.elapsed())
            })
        })
        .collect();
    let mut answers: Vec<_> = probes.into_iter().map(|p| p.join().unwrap()).collect();
    answers.sort_by_key(|((status, _, _), _)| *status);
    let ((status, _, body), took) = &answers[0];
    assert_eq!(*status, 200);
    assert_eq!(sample(body, "probe_success"), Some(0.0), "{body}");
    assert!(
        *took < Duration::from_secs(3),
        "answered within the scrape timeout: {took:?}"
    );
    let ((status, _, body), took) = &answers[1];
    assert_eq!(*status, 503, "{body}");
    assert!(*took < Duration::from_secs(1), "refused at once: {took:?}");
}

/// A hold the scrape cannot wait for would be cut and read as "no cut seen": never a success.
#[test]
fn a_hold_longer_than_the_scrape_allows_is_refused_not_passed() {
    let lab = TestLab::healthy();
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        &format!(
            "[[targets]]\nname = \"lab\"\nurl = \"{}\"\n\n[modules.hold]\nhold = \"5s\"\nonly = [\"hold\"]\n",
            lab.url
        ),
    );
    let server = Server::start(&file, &[]);
    let start = Instant::now();
    let (status, _, body) = server.get(
        "/probe?target=lab&module=hold",
        &[("X-Prometheus-Scrape-Timeout-Seconds", "2")],
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("scrape_timeout"), "{body}");
    assert!(start.elapsed() < Duration::from_secs(1), "refused at once");
    assert!(server.log_line("refused").contains("module=hold"));
}

#[test]
fn it_stops_gracefully_and_listens_publicly_only_when_told() {
    let dir = tempfile::tempdir().unwrap();
    let file = config(dir.path(), "[defaults]\nobserve = \"0s\"\n");
    let mut server = Server::start(&file, &[]);
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let out = Command::new(assert_cmd::cargo::cargo_bin("wsdoctor"))
        .args(["serve", "--listen", "0.0.0.0:0", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--listen-public"));
}

#[test]
fn the_example_rules_and_config_pass_promtool() {
    let rules = promtool(
        &["check", "rules", &format!("{ROOT}/examples/alerts.yml")],
        None,
    );
    assert!(
        rules.status.success(),
        "{}",
        String::from_utf8_lossy(&rules.stderr)
    );
    let config = promtool(
        &[
            "check",
            "config",
            &format!("{ROOT}/examples/prometheus.yml"),
        ],
        None,
    );
    assert!(
        config.status.success(),
        "{}{}",
        String::from_utf8_lossy(&config.stdout),
        String::from_utf8_lossy(&config.stderr)
    );
    let dashboard: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{ROOT}/examples/grafana-dashboard.json")).unwrap(),
    )
    .unwrap();
    assert!(dashboard["panels"].as_array().unwrap().len() >= 5);
}

/// Polls `check` every 100 ms until it holds or `limit` passes.
pub(crate) fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn a_real_prometheus_scrapes_it() {
    let healthy = TestLab::healthy();
    let broken = TestLab::start(LabOptions {
        fault: Some(Fault::ServerError),
        ..LabOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        &format!(
            "[defaults]\norigin = \"http://localhost:3000\"\nsession = \"demo-session\"\nobserve = \"0s\"\nattempts = 1\n[[targets]]\nname = \"healthy\"\nurl = \"{}\"\n[[targets]]\nname = \"broken\"\nurl = \"{}\"\n",
            healthy.url, broken.url
        ),
    );
    let server = Server::start(&file, &[]);
    let port = refusing_port();
    let prometheus_addr = format!("127.0.0.1:{}", port.port);
    drop(port);
    let scrape = format!(
        r#"global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: websocket
    metrics_path: /probe
    static_configs:
      - targets: [healthy, broken]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: {}
"#,
        server.addr
    );
    std::fs::write(dir.path().join("prometheus.yml"), scrape).unwrap();
    let mut prometheus = Command::new("prometheus")
        .arg(format!(
            "--config.file={}",
            dir.path().join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address={prometheus_addr}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus is needed (Debian: prometheus; .ci/run installs it)");
    let query = |expr: &str| -> Option<serde_json::Value> {
        let path = format!(
            "/api/v1/query?query={}",
            percent_encoding::utf8_percent_encode(expr, percent_encoding::NON_ALPHANUMERIC)
        );
        let stream = TcpStream::connect(&prometheus_addr).ok()?;
        drop(stream);
        let (status, _, body) = http(&prometheus_addr, "GET", &path, &[]);
        (status == 200)
            .then(|| serde_json::from_str(&body).ok())
            .flatten()
    };
    let value = |expr: &str| -> Option<f64> {
        let answer = query(expr)?;
        answer["data"]["result"][0]["value"][1]
            .as_str()?
            .parse()
            .ok()
    };
    let ok = eventually(Duration::from_secs(30), || {
        value(r#"probe_success{instance="healthy"}"#).is_some()
            && value(r#"probe_success{instance="broken"}"#).is_some()
    });
    let healthy_success = value(r#"probe_success{instance="healthy"}"#);
    let broken_success = value(r#"probe_success{instance="broken"}"#);
    let failure = query(r#"wsdoctor_failure_info{instance="broken"}"#);
    let _ = prometheus.kill();
    let _ = prometheus.wait();
    assert!(ok, "Prometheus never scraped both targets");
    assert_eq!(healthy_success, Some(1.0));
    assert_eq!(broken_success, Some(0.0));
    let failure = failure.unwrap();
    let labels = &failure["data"]["result"][0]["metric"];
    assert_eq!(labels["code"], "SERVER_ERROR", "{failure}");
    assert_eq!(labels["check"], "terminal");
}

#[test]
fn the_status_page_renders_in_a_real_browser() {
    let healthy = TestLab::healthy();
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        &format!(
            "[defaults]\nobserve = \"0s\"\n[[targets]]\nname = \"<b>prod</b>\"\nurl = \"{}\"\n",
            healthy.url
        ),
    );
    let server = Server::start(&file, &["--allow-any-target"]);
    let (status, _, _) = server.get("/probe?target=%3Cb%3Eprod%3C%2Fb%3E", &[]);
    assert_eq!(status, 200);
    let (_, _, page) = server.get("/", &[]);
    assert!(
        page.contains("&lt;b&gt;prod&lt;/b&gt;") && !page.contains("<b>prod</b>"),
        "escaped"
    );
    let shot = dir.path().join("page.png");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1024,768",
            &format!("--user-data-dir={}", dir.path().join("profile").display()),
            &format!("--screenshot={}", shot.display()),
            &format!("http://{}/", server.addr),
        ])
        .output()
        .expect("chromium is needed (Debian: chromium; .ci/run installs it)");
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((frame.width, frame.height), (1024, 768));
    let channels = frame.color_type.samples();
    let pixels = &pixels[..frame.buffer_size()];
    let dark = pixels
        .chunks(channels)
        .filter(|p| p[0] < 80 && p[1] < 80 && p[2] < 80)
        .count();
    let red = pixels
        .chunks(channels)
        .filter(|p| p[0] > 180 && p[1] < 80 && p[2] < 80)
        .count();
    let red_background = pixels
        .chunks(channels)
        .filter(|p| p[0] > 240 && p[1] > 200 && p[1] < 230 && p[2] > 200 && p[2] < 230)
        .count();
    // Text was drawn (the headings and tables), and the --allow-any-target warning is shown in red.
    assert!(dark > 2_000, "the page has text: {dark} dark pixels");
    assert!(
        red > 50 || red_background > 5_000,
        "the danger banner is visible: {red} red, {red_background} pink"
    );
}

#[test]
fn every_warning_is_a_warning_info_series_and_the_gates_read_the_config() {
    let hijackable = TestLab::start(LabOptions {
        fault: Some(Fault::OriginAny),
        ..LabOptions::default()
    });
    let healthy = TestLab::healthy();
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        &format!(
            r#"
[defaults]
origin = "http://localhost:3000"
observe = "0s"
attempts = 1
session = "demo-session"

[[targets]]
name = "hijackable"
url = "{}"

[[targets]]
name = "strict"
url = "{}"
fail_on = "warn"

[[targets]]
name = "accepted"
url = "{}"
fail_on = "warn"
allow_warning = ["origin_not_enforced"]

[[targets]]
name = "public-page"
url = "{}"
origin = "https://app.example.com"

[[targets]]
name = "sessionless"
url = "{}"
session = ""
require = ["terminal"]
"#,
            hijackable.url, hijackable.url, hijackable.url, healthy.url, healthy.url
        ),
    );
    let server = Server::start(&file, &[]);

    let (status, _, body) = server.get("/probe?target=hijackable", &[]);
    assert_eq!(status, 200, "{body}");
    assert_eq!(sample(&body, "wsdoctor_probe_warning"), Some(1.0), "{body}");
    assert_eq!(
        sample(
            &body,
            r#"wsdoctor_warning_info{check="origin",code="ORIGIN_NOT_ENFORCED",cause="origin_not_enforced"}"#
        ),
        Some(1.0),
        "{body}"
    );
    let lint = promtool(&["check", "metrics"], Some(&body));
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );

    // Failed under --fail-on warn, unless accepted by its cause: then still a warning, still a
    // series, not a failure.
    let (_, _, body) = server.get("/probe?target=strict", &[]);
    assert_eq!(sample(&body, "probe_success"), Some(0.0), "{body}");
    let (_, _, body) = server.get("/probe?target=accepted", &[]);
    assert_eq!(sample(&body, "probe_success"), Some(1.0), "{body}");
    assert!(
        body.contains(r#"wsdoctor_warning_info{check="origin",code="ORIGIN_NOT_ENFORCED",cause="origin_not_enforced"} 1"#),
        "{body}"
    );

    // Local Network Access, predicted without a browser.
    let (_, _, body) = server.get("/probe?target=public-page", &[]);
    assert!(
        body.contains(r#"wsdoctor_warning_info{check="dns",code="LOCAL_NETWORK_ACCESS",cause="local_network_access"} 1"#),
        "{body}"
    );

    // A required check left out for want of a session fails the probe, and says why.
    let (_, _, body) = server.get("/probe?target=sessionless", &[]);
    assert_eq!(sample(&body, "probe_success"), Some(0.0), "{body}");
    assert!(
        body.contains(r#"wsdoctor_failure_info{check="terminal",code="GATE_FAILED",cause="required_check_skipped"} 1"#),
        "{body}"
    );
}
