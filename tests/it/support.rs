//! Starts the lab in the test process and runs the built binary against it.

use assert_cmd::Command;
use serde_json::Value;
use std::time::{Duration, Instant};
use wsdoctor_lab::{Lab, LabOptions};

/// A lab on 127.0.0.1:0 with its own runtime, shut down on drop.
pub struct TestLab {
    runtime: tokio::runtime::Runtime,
    lab: Option<Lab>,
    /// The base URL.
    pub url: String,
}

impl TestLab {
    pub fn start(options: LabOptions) -> TestLab {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let lab = runtime
            .block_on(Lab::start(options))
            .expect("the lab starts on loopback");
        let url = lab.base_url();
        TestLab {
            runtime,
            lab: Some(lab),
            url,
        }
    }

    pub fn healthy() -> TestLab {
        TestLab::start(LabOptions::default())
    }

    pub fn port(&self) -> u16 {
        self.lab.as_ref().map(|l| l.addr().port()).unwrap_or(0)
    }

    /// Writes the lab's CA to a temporary file for `--cacert`.
    pub fn ca_file(&self) -> tempfile::NamedTempFile {
        let pem = self
            .lab
            .as_ref()
            .and_then(|l| l.ca_pem())
            .expect("a TLS lab has a CA")
            .to_string();
        let file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(file.path(), pem).expect("write CA");
        file
    }

    /// Under `tls-client-cert`, a file with a client certificate and key the lab accepts.
    pub fn client_identity_file(&self) -> tempfile::NamedTempFile {
        let pem = self
            .lab
            .as_ref()
            .and_then(|l| l.client_identity_pem())
            .expect("a tls-client-cert lab has a client identity")
            .to_string();
        let file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(file.path(), pem).expect("write identity");
        file
    }
}

impl Drop for TestLab {
    fn drop(&mut self) {
        if let Some(lab) = self.lab.take() {
            self.runtime.block_on(lab.shutdown());
        }
    }
}

/// A CONNECT proxy on 127.0.0.1:0 with its own runtime, shut down on drop.
pub struct TestProxy {
    runtime: tokio::runtime::Runtime,
    proxy: Option<wsdoctor_lab::ConnectProxy>,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl TestProxy {
    pub fn start(options: wsdoctor_lab::ProxyOptions) -> TestProxy {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let proxy = runtime
            .block_on(wsdoctor_lab::ConnectProxy::start(options))
            .expect("the proxy starts on loopback");
        let url = proxy.url();
        TestProxy {
            runtime,
            proxy: Some(proxy),
            url,
        }
    }

    /// Every CONNECT the proxy saw.
    pub fn requests(&self) -> Vec<wsdoctor_lab::ProxyRequest> {
        self.proxy
            .as_ref()
            .map(|p| p.requests())
            .unwrap_or_default()
    }
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        if let Some(proxy) = self.proxy.take() {
            self.runtime.block_on(proxy.shutdown());
        }
    }
}

/// The binary with a clean environment: no WSDOCTOR_*, FRONTEND_URL, REDIS_URL or proxy variables leaking in
/// from the shell.
pub fn wsdoctor() -> Command {
    let mut cmd = Command::cargo_bin("wsdoctor").expect("binary built");
    for (key, _) in std::env::vars() {
        let proxy_var = key.to_ascii_lowercase().ends_with("_proxy");
        if key.starts_with("WSDOCTOR_") || key == "FRONTEND_URL" || key == "REDIS_URL" || proxy_var
        {
            cmd.env_remove(key);
        }
    }
    cmd.env("NO_COLOR", "1");
    cmd.timeout(Duration::from_secs(60));
    cmd
}

/// The outcome of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

pub fn run(args: &[&str]) -> Run {
    let start = Instant::now();
    let output = wsdoctor().args(args).output().expect("the binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}

/// A check of a JSON report by id.
pub fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no check {id} in {report:#}"))
}

/// Validates a report against the committed schema.
pub fn assert_schema_valid(report: &Value) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/report.v1.json"
    ))
    .expect("schema file");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "report violates the schema: {errors:#?}");
}

/// A loopback port that refuses connections: bound but never listening, and kept bound for as long
/// as this value lives, so no other test can take the port meanwhile.
pub struct RefusingPort {
    _socket: socket2::Socket,
    /// The port.
    pub port: u16,
}

/// A port on loopback whose connections are refused (RST), reserved for the caller.
pub fn refusing_port() -> RefusingPort {
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("a socket");
    socket
        .bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .expect("bind");
    let port = socket
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .map(|a| a.port())
        .expect("a port");
    RefusingPort {
        _socket: socket,
        port,
    }
}

/// A running binary whose output is read line by line.
pub struct Spawned {
    pub child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    /// What the watched stream printed so far.
    pub seen: String,
}

impl Spawned {
    /// Waits for the process; returns its exit code, the rest of the watched stream, and the
    /// whole other stream.
    pub fn finish(self) -> (Option<i32>, String, String) {
        let out = self.child.wait_with_output().expect("the binary ends");
        let mut watched = self.seen;
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            watched.push_str(&line);
            watched.push('\n');
        }
        let other = if out.stdout.is_empty() {
            String::from_utf8_lossy(&out.stderr).into_owned()
        } else {
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        (out.status.code(), watched, other)
    }
}

/// Starts the binary and returns once a line of its stdout (or stderr) contains `ready`: a
/// readiness signal instead of a sleep, so a test that signals the process never races its start.
pub fn spawn_until(args: &[&str], ready: &str, on_stderr: bool) -> Spawned {
    spawn_until_env(args, &[], ready, on_stderr)
}

/// [`spawn_until`] with environment variables set for the process.
pub fn spawn_until_env(
    args: &[&str],
    env: &[(&str, &std::path::Path)],
    ready: &str,
    on_stderr: bool,
) -> Spawned {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("wsdoctor"))
        .args(args)
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let stream: Box<dyn std::io::Read + Send> = if on_stderr {
        Box::new(child.stderr.take().expect("stderr"))
    } else {
        Box::new(child.stdout.take().expect("stdout"))
    };
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = String::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains(ready) {
                    return Spawned {
                        child,
                        lines: rx,
                        seen,
                    };
                }
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("never saw {ready:?}; output so far:\n{seen}");
            }
        }
    }
}

/// Sends `signal` (`INT`, `TERM`, `HUP`) to a child.
pub fn signal(spawned: &Spawned, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &spawned.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Runs the binary and samples its peak resident memory (`VmHWM`, in KiB) while it runs.
pub fn run_measured(args: &[&str]) -> (Run, u64) {
    let start = Instant::now();
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("wsdoctor"));
    // The same clean environment as `wsdoctor()`: a WSDOCTOR_TARGET of the shell's would be a
    // target of its own.
    for (key, _) in std::env::vars() {
        let proxy_var = key.to_ascii_lowercase().ends_with("_proxy");
        if key.starts_with("WSDOCTOR_") || key == "FRONTEND_URL" || key == "REDIS_URL" || proxy_var
        {
            command.env_remove(key);
        }
    }
    let child = command
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let status = format!("/proc/{}/status", child.id());
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let sampler = {
        let peak = peak.clone();
        std::thread::spawn(move || {
            while let Ok(text) = std::fs::read_to_string(&status) {
                let hwm = text
                    .lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse::<u64>().ok());
                match hwm {
                    Some(kib) => peak.fetch_max(kib, std::sync::atomic::Ordering::Relaxed),
                    // A zombie has no memory figures left: the last sample stands.
                    None => break,
                };
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let output = child.wait_with_output().expect("the binary ends");
    let _ = sampler.join();
    let peak = peak.load(std::sync::atomic::Ordering::Relaxed);
    // A limit checked against no sample would pass on nothing.
    assert!(peak > 0, "no memory sample of wsdoctor {args:?} was taken");
    (
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            elapsed: start.elapsed(),
        },
        peak,
    )
}

/// A port that was free a moment ago on 127.0.0.1: bound to port 0 and released for a server to
/// take. Another process may take it first; a caller that starts a server tries again then.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
