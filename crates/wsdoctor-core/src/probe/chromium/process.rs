//! The browser process: Chromium started with a fresh profile and the run's switches, its DevTools address and last words read from stderr, killed and its profile removed on drop.

use super::journal::cut;
use super::plan::{Failure, Launch};
use std::collections::VecDeque;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;
use wsdoctor_model::evidence::Sandbox;

/// Lines of the browser's own stderr kept for a failure's evidence.
const STDERR_LINES: usize = 12;

/// The switches of this run that change what the browser resolves, trusts or may do, as shown
/// in evidence (the rest only keep a headless browser quiet).
pub(crate) fn switches(launch: &Launch, sandbox: Sandbox) -> Vec<String> {
    let mut shown = Vec::new();
    if sandbox != Sandbox::On {
        shown.push("--no-sandbox".to_string());
    }
    shown.extend(resolution_switches(launch));
    shown
}

/// The switches that come from the run's settings.
fn resolution_switches(launch: &Launch) -> Vec<String> {
    let mut switches = Vec::new();
    if let Some(rules) = &launch.resolver_rules {
        switches.push(format!("--host-resolver-rules={rules}"));
    }
    if !launch.spki.is_empty() {
        switches.push(format!(
            "--ignore-certificate-errors-spki-list={}",
            launch.spki.join(",")
        ));
    }
    switches.push(match &launch.proxy {
        Some(proxy) => format!("--proxy-server={proxy}"),
        None => "--no-proxy-server".to_string(),
    });
    switches
}

/// Whether this process runs as root, where Chromium refuses to start its sandbox. The owner of
/// `/proc/self` is the effective user (no unsafe call needed).
fn running_as_root() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// A running Chromium and its profile. Dropping it kills the process and removes the profile.
pub(crate) struct Chromium {
    child: Child,
    profile: Option<tempfile::TempDir>,
    stderr: Arc<Mutex<VecDeque<String>>>,
}

impl Chromium {
    /// Starts Chromium with a fresh profile and waits for its DevTools address. Without root the
    /// sandbox is tried first; a machine that cannot give one gets `--no-sandbox`, and the
    /// evidence says so.
    pub(crate) async fn start(launch: &Launch) -> Result<(Chromium, String, Sandbox), Failure> {
        let mut sandbox = if running_as_root() {
            Sandbox::OffAsRoot
        } else {
            Sandbox::On
        };
        loop {
            let (chromium, address) = Chromium::spawn(launch, sandbox)?;
            match tokio::time::timeout(launch.step_timeout, address).await {
                Ok(Ok(url)) => return Ok((chromium, url, sandbox)),
                Ok(Err(_)) => {
                    let said = chromium.said();
                    drop(chromium);
                    let no_sandbox = said
                        .as_deref()
                        .is_some_and(|s| s.to_ascii_lowercase().contains("sandbox"));
                    if sandbox == Sandbox::On && no_sandbox {
                        sandbox = Sandbox::OffUnavailable;
                        continue;
                    }
                    return Err(Failure {
                        message: format!(
                            "{} exited before it opened DevTools",
                            launch.executable.display()
                        ),
                        browser_said: said,
                    });
                }
                Err(_) => {
                    return Err(chromium.explain(Failure::new(format!(
                        "{} did not open DevTools within {}",
                        launch.executable.display(),
                        humantime::format_duration(launch.step_timeout)
                    ))))
                }
            }
        }
    }

    /// Spawns the process; the receiver yields its DevTools address once it prints it.
    fn spawn(
        launch: &Launch,
        sandbox: Sandbox,
    ) -> Result<(Chromium, oneshot::Receiver<String>), Failure> {
        let profile = tempfile::Builder::new()
            .prefix("wsdoctor-chromium-")
            .tempdir()
            .map_err(|e| Failure::new(format!("creating a temporary browser profile: {e}")))?;
        // Chromium keeps scratch files of its own (`org.chromium.Chromium.*`) in TMPDIR and
        // leaves them behind when killed: its TMPDIR is inside the run's directory, so removing
        // that one directory removes everything the browser wrote.
        let user_data = profile.path().join("profile");
        let scratch = profile.path().join("tmp");
        for dir in [&user_data, &scratch] {
            std::fs::create_dir(dir)
                .map_err(|e| Failure::new(format!("creating a temporary browser profile: {e}")))?;
        }
        let mut command = Command::new(&launch.executable);
        command
            .env("TMPDIR", &scratch)
            .arg("--headless=new")
            .arg("--remote-debugging-port=0")
            .arg(format!("--user-data-dir={}", user_data.display()))
            // Quiet and self-contained: no first-run UI, no calls home, no extensions, nothing
            // but the check's own traffic.
            .args([
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--disable-breakpad",
                "--metrics-recording-only",
                "--mute-audio",
                "--password-store=basic",
                "--use-mock-keychain",
                // A container's /dev/shm is often too small for a renderer.
                "--disable-dev-shm-usage",
                // HTTPS-Upgrades would turn the navigation to an http:// frontend into https://,
                // a page the real site never served.
                "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",
            ])
            .args(resolution_switches(launch));
        if sandbox != Sandbox::On {
            command.arg("--no-sandbox");
        }
        // A process group of its own, so the kill takes every process Chromium started (zygote,
        // renderers, GPU) at once rather than leaving them to notice their parent is gone.
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        command
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .map_err(|e| Failure::new(format!("starting {}: {e}", launch.executable.display())))?;
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        let (address, receiver) = oneshot::channel();
        if let Some(pipe) = child.stderr.take() {
            let tail = stderr.clone();
            // A thread, not a task: the pipe is a blocking read that ends when Chromium (and any
            // child still holding it) exits.
            let _ = std::thread::Builder::new()
                .name("chromium-stderr".into())
                .spawn(move || read_stderr(pipe, address, &tail));
        }
        Ok((
            Chromium {
                child,
                profile: Some(profile),
                stderr,
            },
            receiver,
        ))
    }

    /// Chromium's last lines on stderr.
    pub(crate) fn said(&self) -> Option<String> {
        let lines = self.stderr.lock().ok()?;
        let text: Vec<&str> = lines
            .iter()
            .map(String::as_str)
            .filter(|l| !l.trim().is_empty())
            .collect();
        (!text.is_empty()).then(|| cut(&text.join("\n")))
    }

    /// A failure with Chromium's own words added.
    pub(crate) fn explain(&self, mut failure: Failure) -> Failure {
        failure.browser_said = failure.browser_said.or_else(|| self.said());
        failure
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        // SIGKILL to the group Chromium leads (see `spawn`), then to Chromium itself in case
        // the group is gone, then reap: after a kill the wait returns as soon as it is gone.
        #[cfg(unix)]
        {
            let pid = rustix::process::Pid::from_child(&self.child);
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(profile) = self.profile.take() {
            let path = profile.path().to_path_buf();
            // A child process that outlived the browser by a moment may still have been writing;
            // a second pass takes what it left.
            if profile.close().is_err() {
                let _ = std::fs::remove_dir_all(path);
            }
        }
    }
}

/// Reads Chromium's stderr: the DevTools address goes to `address`, the rest is kept (the last
/// [`STDERR_LINES`]) for a failure's evidence.
fn read_stderr(
    pipe: std::process::ChildStderr,
    address: oneshot::Sender<String>,
    tail: &Mutex<VecDeque<String>>,
) {
    let mut reader = std::io::BufReader::new(pipe);
    let mut address = Some(address);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_string();
        if let Some(url) = text.strip_prefix("DevTools listening on ") {
            if let Some(sender) = address.take() {
                let _ = sender.send(url.trim().to_string());
            }
            continue;
        }
        if let Ok(mut tail) = tail.lock() {
            if tail.len() == STDERR_LINES {
                tail.pop_front();
            }
            tail.push_back(text);
        }
    }
}
