//! The exporter's container image, built from the Containerfile with Debian's podman and run: it
//! answers, probes a lab on the host, runs as an unprivileged user without a shell, and stops
//! cleanly on SIGTERM.
//!
//! These sandboxed machines need podman's vfs storage, runc, cgroupfs and no default ulimits; a
//! podman of its own (root, run root, containers.conf in a temporary directory) keeps the test
//! apart from any other use of podman on the machine and from the other tests.

use crate::serve::{eventually, http};
use crate::support::{free_port, TestLab};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

struct Podman {
    dir: tempfile::TempDir,
}

impl Podman {
    fn new() -> Podman {
        assert!(
            Command::new("podman").arg("--version").output().is_ok(),
            "podman is needed for the container test (Debian: podman, runc; .ci/run installs them)"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("containers.conf"),
            "[containers]\ndefault_ulimits = []\n",
        )
        .unwrap();
        Podman { dir }
    }

    fn run(&self, args: &[&str]) -> Output {
        let root = self.dir.path().join("root");
        let runroot = self.dir.path().join("run");
        Command::new("podman")
            .env("CONTAINERS_CONF", self.dir.path().join("containers.conf"))
            .args(["--root", root.to_str().unwrap()])
            .args(["--runroot", runroot.to_str().unwrap()])
            .args(["--storage-driver", "vfs", "--runtime", "runc"])
            .args(["--cgroup-manager", "cgroupfs"])
            .args(args)
            .output()
            .expect("podman runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "podman {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Podman {
    fn drop(&mut self) {
        let _ = self.run(&["rm", "--all", "--force"]);
        let _ = self.run(&["rmi", "--all", "--force"]);
    }
}

#[test]
fn the_exporter_image_serves_probes_without_a_shell_and_stops_on_sigterm() {
    let podman = Podman::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let context = podman.dir.path().join("context");
    let made = Command::new("bash")
        .arg(root.join("scripts/container-context"))
        .arg(env!("CARGO_BIN_EXE_wsdoctor"))
        .arg(&context)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let context = context.to_str().unwrap();
    podman.ok(&[
        "build",
        "--quiet",
        "-f",
        &format!("{context}/Containerfile"),
        "-t",
        "localhost/wsdoctor:test",
        context,
    ]);

    // No shell and no package manager to run, an unprivileged user, the documented entry point.
    let shell = podman.run(&[
        "run",
        "--rm",
        "--network",
        "none",
        "--entrypoint",
        "/bin/sh",
        "localhost/wsdoctor:test",
        "-c",
        "true",
    ]);
    assert!(!shell.status.success(), "the image has no shell");
    assert_eq!(
        podman.ok(&[
            "image",
            "inspect",
            "localhost/wsdoctor:test",
            "--format",
            "{{.Config.User}}"
        ]),
        "65532:65532"
    );

    let lab = TestLab::healthy();
    let config = podman.dir.path().join("wsdoctor.toml");
    std::fs::write(
        &config,
        format!(
            "[[targets]]\nname = \"lab\"\nurl = \"{}\"\nsession = \"${{LAB_SESSION}}\"\n",
            lab.url
        ),
    )
    .unwrap();
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    // The host's network: the lab listens on the host's loopback.
    let id = podman.ok(&[
        "run",
        "--detach",
        "--network",
        "host",
        "--env",
        &format!("WSDOCTOR_LISTEN=0.0.0.0:{port}"),
        "--env",
        "LAB_SESSION=demo-session",
        "--volume",
        &format!("{}:/etc/wsdoctor/wsdoctor.toml:ro", config.display()),
        "localhost/wsdoctor:test",
    ]);
    let healthy = eventually(Duration::from_secs(20), || {
        std::net::TcpStream::connect(&addr).is_ok()
            && http(&addr, "GET", "/-/healthy", &[]).0 == 200
    });
    assert!(
        healthy,
        "/-/healthy answers: {}",
        String::from_utf8_lossy(&podman.run(&["logs", &id]).stderr)
    );
    let (status, _, body) = http(&addr, "GET", "/probe?target=lab", &[]);
    assert_eq!(status, 200);
    assert!(body.contains("\nprobe_success 1\n"), "{body}");
    assert!(
        !body.contains("demo-session"),
        "the session from the environment stays secret"
    );

    let stopped = Instant::now();
    podman.ok(&["stop", "--time", "10", &id]);
    assert!(
        stopped.elapsed() < Duration::from_secs(8),
        "SIGTERM stops it, not the kill after the grace"
    );
    assert_eq!(
        podman.ok(&["inspect", &id, "--format", "{{.State.ExitCode}}"]),
        "0"
    );
    let logs = podman.run(&["logs", &id]);
    let logs = String::from_utf8_lossy(&logs.stderr);
    assert!(logs.contains("wsdoctor serve: stopping"), "{logs}");
}
