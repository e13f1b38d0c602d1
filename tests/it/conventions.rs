//! The conventions users bring: formats strict consumers accept (JUnit against its XSD, NDJSON
//! against its schema), the habits of curl, kubectl and ripgrep users, the environment as people
//! expect it.

use crate::support::{check, run, wsdoctor, TestLab};
use serde_json::Value;
use std::collections::HashSet;
use wsdoctor_lab::{Fault, LabOptions};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn schema(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{ROOT}/schema/{name}")).unwrap())
        .unwrap()
}

/// Checks an NDJSON stream: every line valid against the event schema, every check_finished after
/// its check_started, every timing of the final report announced by a phase event.
pub(crate) fn assert_stream(stdout: &str) {
    let registry = jsonschema::Registry::new()
        .add("urn:wsdoctor:schema:report:v1", schema("report.v1.json"))
        .unwrap()
        .add("urn:wsdoctor:schema:fleet:v1", schema("fleet.v1.json"))
        .unwrap()
        .prepare()
        .unwrap();
    let validator = jsonschema::options()
        .with_registry(&registry)
        .build(&schema("events.v1.json"))
        .unwrap();
    let mut started = HashSet::new();
    let mut phases = HashSet::new();
    let mut report = None;
    for line in stdout.lines() {
        let event: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let errors: Vec<String> = validator
            .iter_errors(&event)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{line}\n{errors:#?}");
        let data = &event["data"];
        match event["type"].as_str().unwrap() {
            "check_started" => {
                started.insert(data["id"].as_str().unwrap().to_string());
            }
            "check_finished" => assert!(
                started.contains(data["id"].as_str().unwrap()),
                "check_finished before check_started: {line}"
            ),
            "phase" => {
                phases.insert((
                    data["id"].as_str().unwrap().to_string(),
                    data["phase"].as_str().unwrap().to_string(),
                ));
            }
            "report" => report = Some(data.clone()),
            _ => {}
        }
    }
    let report = report.expect("the stream ends with the report");
    for check in report["checks"].as_array().unwrap() {
        let id = check["id"].as_str().unwrap().to_string();
        for phase in check["timings"].as_object().unwrap().keys() {
            assert!(
                phases.contains(&(id.clone(), phase.clone())),
                "{id}.{phase} in the report was never announced"
            );
        }
    }
}

#[test]
fn every_ndjson_event_follows_its_schema_and_its_order() {
    for args in [
        vec!["demo", "--format", "ndjson", "--observe", "100ms"],
        // Over HTTP/2: its phases are announced like any other.
        vec!["demo", "--tls", "--format", "ndjson", "--observe", "100ms"],
        vec![
            "demo",
            "--fault",
            "h2-stream-reset",
            "--attempts",
            "1",
            "--format",
            "ndjson",
        ],
        vec![
            "demo",
            "--fault",
            "flaky:1",
            "--format",
            "ndjson",
            "--observe",
            "100ms",
        ],
        vec![
            "demo",
            "--fault",
            "server-error",
            "--attempts",
            "1",
            "--format",
            "ndjson",
        ],
        vec![
            "demo",
            "--fault",
            "idle-cut:300ms",
            "--only",
            "hold",
            "--hold",
            "600ms",
            "--ping-interval",
            "100ms",
            "--format",
            "ndjson",
        ],
    ] {
        let run = run(&args);
        assert_stream(&run.stdout);
    }
}

#[test]
fn ndjson_to_a_file_streams_as_it_happens() {
    let lab = TestLab::start(LabOptions {
        fault: Some(Fault::Blackhole),
        ..LabOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let spawned = crate::support::spawn_until(
        &[
            "check",
            &lab.url,
            "--format",
            "ndjson",
            "--output",
            path.to_str().unwrap(),
            "--verbose",
            "--connect-timeout",
            "30s",
        ],
        "[Echo] Connecting",
        true,
    );
    // The run is still going: the events so far are already in the (temporary) file beside it.
    let partial: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(
        partial
            .iter()
            .any(|text| text.contains("\"check_started\"")),
        "{partial:?}"
    );
    crate::support::signal(&spawned, "INT");
    let (code, _, _) = spawned.finish();
    assert_eq!(code, Some(130));
    assert_stream(&std::fs::read_to_string(&path).unwrap());
}

#[test]
fn junit_validates_against_the_strict_jenkins_schema() {
    let xsd = format!("{ROOT}/tests/fixtures/junit-10.xsd");
    let xmllint = std::process::Command::new("xmllint")
        .arg("--version")
        .output();
    assert!(
        xmllint.is_ok(),
        "xmllint is needed to validate JUnit (Debian: libxml2-utils; .ci/run installs it)"
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("healthy", vec!["demo", "--observe", "100ms"]),
        (
            "failing",
            vec!["demo", "--fault", "server-error", "--attempts", "1"],
        ),
        (
            "warning",
            vec!["demo", "--fault", "flaky:1", "--observe", "100ms"],
        ),
    ] {
        let file = dir.path().join(format!("{name}.xml"));
        let mut all = args.clone();
        all.extend(["--format", "junit", "--output", file.to_str().unwrap()]);
        run(&all);
        let out = std::process::Command::new("xmllint")
            .args(["--noout", "--schema", &xsd, file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn quiet_prints_only_the_verdict_line_whatever_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    for format in ["human", "json", "junit", "ndjson"] {
        let out = run(&["demo", "--quiet", "--format", format, "--observe", "100ms"]);
        assert_eq!(out.stdout.lines().count(), 1, "{format}: {}", out.stdout);
        assert!(out.stdout.starts_with("PASS"), "{}", out.stdout);
        assert!(out.stderr.is_empty(), "{}", out.stderr);
    }
    let out = run(&[
        "demo",
        "--quiet",
        "--format",
        "json",
        "--output",
        file.to_str().unwrap(),
        "--observe",
        "100ms",
    ]);
    assert!(out.stdout.starts_with("PASS"));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(report["verdict"], "pass");
}

#[test]
fn dash_o_dash_is_stdout_and_dash_o_json_is_a_kubectl_habit() {
    let out = run(&["demo", "--only", "echo", "--format", "json", "-o", "-"]);
    assert_eq!(out.code, 0);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(check(&report, "echo")["status"], "pass");
    let dir = tempfile::tempdir().unwrap();
    let out = wsdoctor()
        .current_dir(dir.path())
        .args(["check", "http://127.0.0.1:1/", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--format json"), "{stderr}");
    assert!(!dir.path().join("json").exists(), "no file named json");
}

#[test]
fn boolean_variables_read_as_people_write_them() {
    for (value, quiet) in [
        ("1", true),
        ("true", true),
        ("yes", true),
        ("0", false),
        ("false", false),
        ("", false),
    ] {
        let out = wsdoctor()
            .env("WSDOCTOR_QUIET", value)
            .args(["demo", "--only", "health"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "WSDOCTOR_QUIET={value:?}: {stdout}"
        );
        assert_eq!(
            stdout.lines().count() == 1,
            quiet,
            "WSDOCTOR_QUIET={value:?}: {stdout}"
        );
    }
    let out = wsdoctor()
        .env("WSDOCTOR_QUIET", "maybe")
        .args(["demo", "--only", "health"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("WSDOCTOR_QUIET") && stderr.contains("maybe"),
        "{stderr}"
    );
}

#[test]
fn a_bad_variable_is_named_in_the_error_not_the_flag_it_stands_for() {
    let out = wsdoctor()
        .env("WSDOCTOR_TIMEOUT", "soon")
        .args(["check", "http://127.0.0.1:1/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("WSDOCTOR_TIMEOUT"), "{stderr}");
    // An empty variable is as good as unset: the default applies and the run goes ahead.
    let out = wsdoctor()
        .env("WSDOCTOR_TIMEOUT", "")
        .env("WSDOCTOR_FORMAT", "")
        .args(["demo", "--only", "health", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_selection_that_cannot_be_honoured_is_a_usage_error() {
    for args in [
        &["demo", "--only", "echo", "--skip", "echo"][..],
        &["demo", "--skip", "tcp"][..],
        &["check", "https://127.0.0.1:1/", "--skip", "tls"][..],
    ] {
        let out = run(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stdout);
        assert!(
            out.stdout.is_empty(),
            "no PASS of zero checks: {}",
            out.stdout
        );
        assert!(out.stderr.contains("--"), "{}", out.stderr);
    }
}

/// What bash's completion function offers for a partial command line, with the committed script.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let script = format!("{ROOT}/completions/wsdoctor.bash");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{script}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; _wsdoctor wsdoctor '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn completion_offers_values_not_file_names() {
    let offered = bash_completes(&["wsdoctor", "check", "--only", "h"]);
    assert_eq!(offered, ["health", "hold"]);
    let offered = bash_completes(&["wsdoctor", "demo", "--fault", "tls-e"]);
    assert_eq!(offered, ["tls-expired", "tls-expiring"]);
    let offered = bash_completes(&["wsdoctor", "watch", "--format", ""]);
    assert_eq!(
        offered,
        ["human", "ndjson"],
        "watch offers only what it accepts"
    );
    let offered = bash_completes(&["wsdoctor", "check", "--format", ""]);
    assert_eq!(
        offered,
        ["human", "json", "ndjson", "junit", "markdown", "github", "html"]
    );
    let offered = bash_completes(&["wsdoctor", "explain", "SESSION"]);
    assert_eq!(offered, ["SESSION_STORE_ERROR", "SESSION_INVALID"]);
    let offered = bash_completes(&["wsdoctor", "explain", "tcp_"]);
    assert!(offered.contains(&"tcp_refused".to_string()), "{offered:?}");
    let offered = bash_completes(&["wsdoctor", "explain", "100"]);
    assert!(offered.contains(&"1006".to_string()), "{offered:?}");
}

/// Runs a documented command line: for real when it needs nothing but this machine (demo,
/// explain, listings), with `--dry-run` when it names a deployment or would serve forever.
/// Returns the run and whether it was a dry run.
pub(crate) fn run_documented(
    words: &[String],
    dir: &std::path::Path,
) -> (crate::support::Run, bool) {
    let args: Vec<&str> = words.iter().skip(1).map(String::as_str).collect();
    let already_dry = args.contains(&"--dry-run");
    // `config` reads a file and sends nothing.
    let local = already_dry
        || matches!(
            args.first(),
            Some(&"demo")
                | Some(&"explain")
                | Some(&"completions")
                | Some(&"man")
                | Some(&"config")
        )
        || args.contains(&"--list-faults")
        || args.contains(&"--version")
        || args.contains(&"--help");
    let run_in = |args: &[&str]| {
        let start = std::time::Instant::now();
        // The variables the README's config file names.
        let out = wsdoctor()
            .current_dir(dir)
            .env("PROD_SESSION", "example")
            .args(args)
            .output()
            .unwrap();
        crate::support::Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            elapsed: start.elapsed(),
        }
    };
    if local {
        (run_in(&args), already_dry)
    } else {
        let mut dry = args.clone();
        dry.push("--dry-run");
        (run_in(&dry), true)
    }
}

/// A directory with the files documented commands name (ca.pem, client.pem, client.key), real
/// ones from a lab, so a dry run validates them as it would in earnest.
pub(crate) fn documented_files() -> tempfile::TempDir {
    let lab = TestLab::start(LabOptions {
        fault: Some(Fault::TlsClientCert),
        ..LabOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(lab.ca_file().path(), dir.path().join("ca.pem")).unwrap();
    std::fs::copy(lab.ca_file().path(), dir.path().join("lab-ca.pem")).unwrap();
    let identity = lab.client_identity_file();
    std::fs::copy(identity.path(), dir.path().join("client.pem")).unwrap();
    std::fs::copy(identity.path(), dir.path().join("client.key")).unwrap();
    // A config file for the examples that name one; its targets are for --dry-run only.
    std::fs::write(
        dir.path().join("wsdoctor.toml"),
        "[[targets]]\nname = \"prod\"\nurl = \"https://app.example.com\"\n\n[[targets]]\nname = \"staging\"\nurl = \"https://staging.example.com\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn every_help_example_runs() {
    let files = documented_files();
    let mut seen = 0;
    for subcommand in [
        "", "check", "watch", "demo", "lab", "explain", "config", "serve",
    ] {
        let args: Vec<&str> = [subcommand, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let help = run(&args);
        let examples: Vec<&str> = help
            .stdout
            .split("Examples:")
            .nth(1)
            .unwrap_or_else(|| panic!("{subcommand} --help has no Examples section"))
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("wsdoctor "))
            .collect();
        assert!(examples.len() >= 2, "{subcommand}: {examples:?}");
        for example in examples {
            let words: Vec<String> = example.split_whitespace().map(str::to_string).collect();
            let (out, dry) = run_documented(&words, files.path());
            if dry {
                assert_eq!(out.code, 0, "{example}: {}", out.stderr);
                // A fleet's plan has a line per target before each target's own.
                assert!(
                    out.stdout.starts_with("dry run") || out.stdout.starts_with("── "),
                    "{example}: {}",
                    out.stdout
                );
                assert!(out.stdout.contains("dry run"), "{example}: {}", out.stdout);
            } else {
                assert!(
                    out.code == 0 || out.code == 1,
                    "{example}: {} {}",
                    out.code,
                    out.stderr
                );
                assert!(!out.stdout.is_empty(), "{example}");
            }
            seen += 1;
        }
    }
    assert!(seen >= 15, "{seen}");
}

#[test]
fn long_version_says_how_the_binary_was_built() {
    let long = run(&["--version"]);
    assert_eq!(long.code, 0);
    for field in [
        "commit:",
        "built:",
        "target:",
        "TLS:      rustls",
        "features: lab",
        "report:",
    ] {
        assert!(long.stdout.contains(field), "{field}: {}", long.stdout);
    }
    assert!(long
        .stdout
        .starts_with(&format!("wsdoctor {}", env!("CARGO_PKG_VERSION"))));
    let short = run(&["-V"]);
    assert_eq!(
        short.stdout.trim(),
        format!("wsdoctor {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn an_empty_secret_in_ci_fails_clearly_and_still_writes_the_junit_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wsdoctor.xml");
    let out = wsdoctor()
        .env("CI", "true")
        .args(["demo", "--session", "", "--format", "junit", "--output"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a failure, not a usage error");
    let xml = std::fs::read_to_string(&file).expect("the JUnit file is written");
    assert!(xml.contains("the session id is empty"), "{xml}");
    assert!(xml.contains("WEBSOCKET_CREATION_FAILED"), "{xml}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("secret is not set"), "{stdout}");
    assert!(stdout
        .lines()
        .last()
        .unwrap_or_default()
        .starts_with("FAIL WEBSOCKET_CREATION_FAILED"));
}
