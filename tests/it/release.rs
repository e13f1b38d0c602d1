//! What users install: the release archive (scripts/dist) unpacks and runs, and the GitHub Action
//! (action.yml) installs it, checks the lab, writes the summary and outputs, and fails the job on
//! the verdict. The action's steps are run as a runner runs a composite action: each step's `env`
//! with its `${{ inputs.* }}` filled in, `run` under bash, `GITHUB_PATH` carried to later steps.

use crate::support::TestLab;
use serde_yaml_ng::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use wsdoctor_lab::{Fault, LabOptions};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn host() -> String {
    let out = Command::new("rustc").arg("-vV").output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .unwrap()
}

/// The archive of the test binary (debug information stripped, as a release's is), in `out`.
fn archive(out: &Path) -> PathBuf {
    let binary = out.join("wsdoctor-stripped");
    let strip = Command::new("objcopy")
        .arg("--strip-debug")
        .arg(env!("CARGO_BIN_EXE_wsdoctor"))
        .arg(&binary)
        .status()
        .unwrap();
    assert!(strip.success());
    let made = Command::new("bash")
        .arg(Path::new(ROOT).join("scripts/dist"))
        .arg("--binary")
        .arg(&binary)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&made.stdout).trim())
}

#[test]
fn the_release_archive_unpacks_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let archive = archive(dir.path());
    let name = format!("wsdoctor-{VERSION}-{}", host());
    assert_eq!(archive, dir.path().join(format!("{name}.tar.gz")));
    let check = Command::new("sha256sum")
        .arg("--check")
        .arg(format!("{name}.tar.gz.sha256"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(check.status.success(), "the checksum file verifies");

    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    let tar = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpacked)
        .status()
        .unwrap();
    assert!(tar.success());
    let top = unpacked.join(&name);
    for file in [
        "wsdoctor",
        "README.md",
        "CHANGELOG.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "completions/wsdoctor.bash",
        "completions/_wsdoctor",
        "completions/wsdoctor.fish",
        "man/wsdoctor.1",
        "man/wsdoctor-check.1",
    ] {
        assert!(top.join(file).is_file(), "the archive holds {file}");
    }
    let version = Command::new(top.join("wsdoctor"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).lines().next(),
        Some(format!("wsdoctor {VERSION}").as_str())
    );
    let demo = Command::new(top.join("wsdoctor"))
        .args(["demo", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(demo.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&demo.stdout).unwrap();
    assert_eq!(report["verdict"], "pass");
}

/// A composite action's run, as a GitHub runner makes it.
struct Runner {
    dir: tempfile::TempDir,
    summary: PathBuf,
    path_file: PathBuf,
}

/// What one run of the action gave.
struct ActionRun {
    /// The exit status of the step that failed, or 0.
    status: i32,
    /// Every step's stdout and stderr, in order.
    log: String,
    /// Each step's outputs, by step id.
    outputs: BTreeMap<String, BTreeMap<String, String>>,
}

impl Runner {
    fn new() -> Runner {
        let dir = tempfile::tempdir().unwrap();
        let summary = dir.path().join("summary.md");
        let path_file = dir.path().join("path");
        std::fs::write(&summary, "").unwrap();
        std::fs::write(&path_file, "").unwrap();
        Runner {
            dir,
            summary,
            path_file,
        }
    }

    fn temp(&self) -> &Path {
        self.dir.path()
    }

    /// Runs the action's steps with `inputs` (the rest take their defaults) until one fails.
    fn run(&self, inputs: &[(&str, &str)]) -> ActionRun {
        let action: Value = serde_yaml_ng::from_str(
            &std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap(),
        )
        .unwrap();
        assert_eq!(action["runs"]["using"], "composite");
        let mut values = BTreeMap::new();
        for (name, input) in action["inputs"].as_mapping().unwrap() {
            let default = input["default"].as_str().unwrap_or("").to_string();
            values.insert(name.as_str().unwrap().to_string(), default);
        }
        for (name, value) in inputs {
            assert!(values.contains_key(*name), "the action has input {name}");
            values.insert(name.to_string(), value.to_string());
        }
        let expand = |text: &str| -> String {
            let mut out = String::new();
            let mut rest = text;
            while let Some(start) = rest.find("${{") {
                out.push_str(&rest[..start]);
                let end = rest[start..].find("}}").unwrap() + start;
                let expression = rest[start + 3..end].trim();
                let name = expression
                    .strip_prefix("inputs.")
                    .unwrap_or_else(|| panic!("a step reads only inputs: {expression}"));
                out.push_str(&values[name]);
                rest = &rest[end + 2..];
            }
            out.push_str(rest);
            out
        };
        let arch = match std::env::consts::ARCH {
            "x86_64" => "X64",
            "aarch64" => "ARM64",
            other => other,
        };
        // The runner's PATH, without the test build's directory: the action must install its own.
        let base_path: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH").unwrap())
            .filter(|p| !p.join("wsdoctor").exists())
            .collect();
        let mut log = String::new();
        let mut outputs = BTreeMap::new();
        for step in action["runs"]["steps"].as_sequence().unwrap() {
            let id = step["id"].as_str().unwrap_or("").to_string();
            let Some(script) = step["run"].as_str() else {
                continue;
            };
            assert_eq!(step["shell"], "bash");
            let output_file = self.temp().join(format!("output-{id}"));
            std::fs::write(&output_file, "").unwrap();
            let added: Vec<PathBuf> = std::fs::read_to_string(&self.path_file)
                .unwrap()
                .lines()
                .rev()
                .map(PathBuf::from)
                .collect();
            let path = std::env::join_paths(added.iter().chain(&base_path)).unwrap();
            let mut command = Command::new("bash");
            command
                .args(["-e", "-c", &expand(script)])
                .env_clear()
                .env("PATH", path)
                .env("HOME", self.temp())
                .env("GITHUB_ACTIONS", "true")
                .env("CI", "true")
                .env("GITHUB_ACTION_PATH", ROOT)
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_STEP_SUMMARY", &self.summary)
                .env("GITHUB_PATH", &self.path_file)
                .env("RUNNER_TEMP", self.temp())
                .env("RUNNER_OS", "Linux")
                .env("RUNNER_ARCH", arch);
            if let Some(env) = step["env"].as_mapping() {
                for (name, value) in env {
                    command.env(name.as_str().unwrap(), expand(value.as_str().unwrap_or("")));
                }
            }
            let out = command.output().unwrap();
            log.push_str(&String::from_utf8_lossy(&out.stdout));
            log.push_str(&String::from_utf8_lossy(&out.stderr));
            let written: BTreeMap<String, String> = std::fs::read_to_string(&output_file)
                .unwrap()
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            outputs.insert(id, written);
            if !out.status.success() {
                return ActionRun {
                    status: out.status.code().unwrap_or(-1),
                    log,
                    outputs,
                };
            }
        }
        ActionRun {
            status: 0,
            log,
            outputs,
        }
    }
}

/// A release directory laid out as GitHub's (`v{VERSION}/{archive}`), served by file://.
fn releases(runner: &Runner) -> String {
    let release = runner.temp().join("releases").join(format!("v{VERSION}"));
    std::fs::create_dir_all(&release).unwrap();
    archive(&release);
    format!("file://{}", runner.temp().join("releases").display())
}

#[test]
fn the_action_installs_the_release_checks_and_reports_a_pass() {
    let lab = TestLab::healthy();
    let runner = Runner::new();
    let url = releases(&runner);
    let run = runner.run(&[
        ("url", &lab.url),
        ("session", "demo-session"),
        ("origin", "http://localhost:3000"),
        ("version", VERSION),
        ("release-url", &url),
    ]);
    assert_eq!(run.status, 0, "{}", run.log);
    let outputs = &run.outputs["check"];
    assert_eq!(outputs["verdict"], "pass");
    assert_eq!(outputs["exit-code"], "0");
    let junit = std::fs::read_to_string(&outputs["report"]).unwrap();
    assert!(junit.contains("<testsuite") && junit.contains("name=\"verdict\" value=\"pass\""));
    let summary = std::fs::read_to_string(&runner.summary).unwrap();
    assert!(
        summary.contains("| terminal |") || summary.contains("terminal"),
        "{summary}"
    );
    assert!(run.outputs["install"]["path"].ends_with("/wsdoctor"));
    assert!(run.log.contains("::add-mask::demo-session"));
    assert_eq!(
        run.log.matches("demo-session").count(),
        1,
        "the session appears only in the mask command: {}",
        run.log
    );
    assert!(!summary.contains("demo-session"));
}

#[test]
fn the_action_fails_the_job_on_a_failed_check_with_annotations() {
    let lab = TestLab::start(LabOptions {
        fault: Some("server-error".parse::<Fault>().unwrap()),
        ..LabOptions::default()
    });
    let runner = Runner::new();
    let url = releases(&runner);
    let run = runner.run(&[
        ("url", &lab.url),
        ("session", "demo-session"),
        ("version", VERSION),
        ("release-url", &url),
        ("format", "json"),
        ("args", "--attempts 1"),
    ]);
    assert_eq!(run.status, 1, "{}", run.log);
    let outputs = &run.outputs["check"];
    assert_eq!(outputs["verdict"], "fail");
    assert_eq!(outputs["exit-code"], "1");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&outputs["report"]).unwrap()).unwrap();
    assert_eq!(report["codes"][0], "SERVER_ERROR");
    assert!(run.log.contains("::error"), "an annotation: {}", run.log);
    let summary = std::fs::read_to_string(&runner.summary).unwrap();
    assert!(summary.contains("SERVER_ERROR"), "{summary}");
}

#[test]
fn the_action_refuses_an_archive_that_does_not_match_its_checksum() {
    let runner = Runner::new();
    let url = releases(&runner);
    let release = runner.temp().join("releases").join(format!("v{VERSION}"));
    let sum = std::fs::read_dir(&release)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "sha256"))
        .unwrap();
    let text = std::fs::read_to_string(&sum).unwrap();
    std::fs::write(&sum, format!("{}{}", "0".repeat(64), &text[64..])).unwrap();
    let run = runner.run(&[
        ("url", "http://127.0.0.1:9/"),
        ("version", VERSION),
        ("release-url", &url),
    ]);
    assert_ne!(run.status, 0);
    assert!(
        run.log.contains("does not match its published SHA-256"),
        "{}",
        run.log
    );
    assert!(
        !run.outputs.contains_key("check"),
        "nothing unverified runs"
    );
}

#[test]
fn the_action_installs_the_version_it_is_released_with() {
    let action: Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap(),
    )
    .unwrap();
    assert_eq!(action["inputs"]["version"]["default"], VERSION);
}
