//! Every warning is named: a code and a cause in every format, in `explain` and in the exporter,
//! so it can be alerted on, gated on and accepted by name (`--allow-warning`). And what a run did
//! not check for want of an input is said, in the headline and the report, and `--require` turns
//! it into a failure for CI.

use crate::support::{assert_schema_valid, check, run, wsdoctor, Run, TestLab};
use std::collections::BTreeSet;

/// Short timeouts: every run ends fast, whatever the fault.
const QUICK: [&str; 6] = [
    "--timeout",
    "1500ms",
    "--connect-timeout",
    "1s",
    "--retry-delay",
    "10ms",
];

fn demo(fault: Option<&str>, extra: &[&str]) -> Run {
    let mut args = vec!["demo", "--format", "json"];
    if let Some(fault) = fault {
        args.extend_from_slice(&["--fault", fault]);
    }
    for pair in QUICK.chunks(2) {
        if !extra.contains(&pair[0]) {
            args.extend_from_slice(pair);
        }
    }
    args.extend_from_slice(extra);
    run(&args)
}

/// The causes of the warned checks of `run`, after asserting each is fully named.
fn warned_causes(what: &str, run: &Run) -> BTreeSet<String> {
    let report = run.json();
    assert_schema_valid(&report);
    let codes: Vec<&str> = report["codes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    let mut causes = BTreeSet::new();
    for check in report["checks"].as_array().unwrap() {
        if check["status"] != "warn" {
            continue;
        }
        let warning = &check["warning"];
        let code = warning["code"].as_str().unwrap_or_default();
        let cause = warning["cause"].as_str().unwrap_or_default();
        assert!(
            !code.is_empty() && !cause.is_empty(),
            "{what}: the warned check {} has no code or cause: {warning:#}",
            check["id"]
        );
        assert!(
            codes.contains(&code),
            "{what}: codes {codes:?} lack the warning's {code}"
        );
        causes.insert(cause.to_string());
    }
    causes
}

#[test]
fn every_warning_of_the_labs_faults_has_a_code_and_a_cause() {
    let lab = TestLab::healthy();
    let public_origin = run(&[
        "check",
        &lab.url,
        "--format",
        "json",
        "--session",
        "demo-session",
        "--origin",
        "https://app.example.com",
        "--observe",
        "0s",
    ]);
    let runs: Vec<(&str, Run, &[&str])> = vec![
        (
            "origin-any",
            demo(Some("origin-any"), &["--observe", "0s"]),
            &["origin_not_enforced"],
        ),
        (
            "flaky:1",
            demo(Some("flaky:1"), &["--observe", "0s"]),
            &["abnormal_close"],
        ),
        (
            "flaky-hang:1",
            demo(
                Some("flaky-hang:1"),
                &["--only", "echo", "--timeout", "500ms"],
            ),
            &["handshake_timeout"],
        ),
        (
            "tls-expiring",
            demo(Some("tls-expiring"), &["--only", "tls"]),
            &["tls_expiring"],
        ),
        (
            "tls-self-signed --insecure",
            demo(Some("tls-self-signed"), &["--only", "tls", "--insecure"]),
            &["tls_unverified"],
        ),
        (
            "h2-only",
            demo(Some("h2-only"), &["--only", "echo"]),
            &["alpn_mismatch"],
        ),
        (
            "policy-timeout",
            demo(Some("policy-timeout:150ms"), &["--only", "diagnostics"]),
            &["server_timeout_below_client"],
        ),
        (
            "origin-check",
            demo(Some("origin-check"), &["--only", "diagnostics"]),
            &["cors_origin_not_listed"],
        ),
        (
            "a silent terminal accepted",
            demo(
                Some("policy-timeout:1h"),
                &[
                    "--only",
                    "terminal",
                    "--skip",
                    "diagnostics",
                    "--accept-silence",
                    "300ms",
                ],
            ),
            &["terminal_silent"],
        ),
        // A public page and a loopback socket: Local Network Access (dns, computed without a
        // browser) and ws:// from https allowed only on loopback (target).
        (
            "a public https origin",
            public_origin,
            &["local_network_access", "mixed_content_loopback_only"],
        ),
    ];
    let mut seen = BTreeSet::new();
    for (what, run, expected) in &runs {
        assert!(run.code == 0 || run.code == 1, "{what}: {}", run.stderr);
        let causes = warned_causes(what, run);
        for cause in *expected {
            assert!(
                causes.contains(*cause),
                "{what}: expected a {cause} warning, saw {causes:?}: {}",
                run.stdout
            );
        }
        seen.extend(causes);
    }
    // Each can be looked up.
    for cause in &seen {
        let explained = run(&["explain", cause]);
        assert_eq!(explained.code, 0, "{cause}: {}", explained.stderr);
        assert!(
            explained.stdout.contains(cause.as_str()),
            "{cause}: {}",
            explained.stdout
        );
    }
}

#[test]
fn a_warning_is_named_in_every_format() {
    let markdown = run(&[
        "demo",
        "--fault",
        "origin-any",
        "--observe",
        "0s",
        "--format",
        "markdown",
    ]);
    assert!(
        markdown.stdout.lines().any(|l| l.starts_with("| origin |")
            && l.contains("ORIGIN_NOT_ENFORCED (origin_not_enforced)")),
        "{}",
        markdown.stdout
    );
    let github = run(&[
        "demo",
        "--fault",
        "origin-any",
        "--observe",
        "0s",
        "--format",
        "github",
    ]);
    assert!(
        github.stdout.lines().any(|l| l.starts_with("::warning ")
            && l.contains("ORIGIN_NOT_ENFORCED (origin_not_enforced)")),
        "{}",
        github.stdout
    );
    let human = run(&["demo", "--fault", "origin-any", "--observe", "0s"]);
    assert!(
        human.stdout.contains(
            "warning ORIGIN_NOT_ENFORCED (origin_not_enforced) the session-authenticated socket"
        ),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .lines()
            .last()
            .unwrap_or_default()
            .starts_with("WARN ORIGIN_NOT_ENFORCED — "),
        "{}",
        human.stdout
    );
    let html = run(&[
        "demo",
        "--fault",
        "origin-any",
        "--observe",
        "0s",
        "--format",
        "html",
    ]);
    assert!(
        html.stdout.contains("<header class=\"verdict warn\"")
            && html.stdout.contains("WARN ORIGIN_NOT_ENFORCED — ")
            && html.stdout.contains(
                "<div class=\"warning\"><span class=\"code\">ORIGIN_NOT_ENFORCED (origin_not_enforced)</span>"
            ),
        "{}",
        html.stdout
    );
}

#[test]
fn an_accepted_warning_is_reported_and_does_not_fail_the_gate() {
    let strict = demo(
        Some("origin-any"),
        &["--observe", "0s", "--fail-on", "warn"],
    );
    assert_eq!(
        strict.code, 1,
        "--fail-on warn fails on it: {}",
        strict.stdout
    );
    let origin = check(&strict.json(), "origin").clone();
    assert_eq!(
        origin["failure"]["cause"], "origin_not_enforced",
        "{origin:#}"
    );
    assert_eq!(
        origin["failure"]["code"], "ORIGIN_NOT_ENFORCED",
        "{origin:#}"
    );

    let accepted = demo(
        Some("origin-any"),
        &[
            "--observe",
            "0s",
            "--fail-on",
            "warn",
            "--allow-warning",
            "tls_expiring,origin-not-enforced",
        ],
    );
    assert_eq!(accepted.code, 0, "{}", accepted.stdout);
    let report = accepted.json();
    assert_schema_valid(&report);
    assert_eq!(report["verdict"], "warn", "still reported");
    let origin = check(&report, "origin");
    assert_eq!(origin["status"], "warn", "{origin:#}");
    assert_eq!(origin["warning"]["allowed"], true, "{origin:#}");

    // From the environment, and said in the human output.
    let human = wsdoctor()
        .args([
            "demo",
            "--fault",
            "origin-any",
            "--observe",
            "0s",
            "--fail-on",
            "warn",
        ])
        .env("WSDOCTOR_ALLOW_WARNING", "origin_not_enforced")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("ORIGIN_NOT_ENFORCED (origin_not_enforced, allowed by --allow-warning)"),
        "{stdout}"
    );

    // Another warning is not accepted by it.
    let other = demo(
        Some("flaky:1"),
        &[
            "--only",
            "echo",
            "--fail-on",
            "warn",
            "--allow-warning",
            "origin_not_enforced",
        ],
    );
    assert_eq!(other.code, 1, "{}", other.stdout);

    // A misspelt cause would accept nothing: a usage error with the nearest name.
    let typo = run(&["demo", "--allow-warning", "origin_not_enforcd"]);
    assert_eq!(typo.code, 2, "{}", typo.stdout);
    assert!(
        typo.stderr.contains("did you mean origin_not_enforced"),
        "{}",
        typo.stderr
    );
}

#[test]
fn a_run_without_a_session_says_the_terminal_was_not_checked_and_require_fails_it() {
    let lab = TestLab::healthy();
    let quick = ["--observe", "0s", "--origin", "http://localhost:3000"];
    let human = run(&[&["check", lab.url.as_str()][..], &quick].concat());
    assert_eq!(human.code, 0, "{}", human.stdout);
    let headline = human.stdout.lines().last().unwrap_or_default();
    assert!(headline.starts_with("PASS — "), "{headline}");
    assert!(
        headline.ends_with("; session, terminal not checked: no --session given"),
        "{headline}"
    );

    let json = run(&[&["check", lab.url.as_str(), "--format", "json"][..], &quick].concat());
    let report = json.json();
    assert_schema_valid(&report);
    let gaps: Vec<(&str, &str)> = report["not_checked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["id"].as_str().unwrap(), g["why"].as_str().unwrap()))
        .collect();
    assert_eq!(
        gaps,
        [
            ("session", "no --session given"),
            ("terminal", "no --session given")
        ]
    );

    // --require turns the gap into a failure of its own, naming why.
    let required = run(&[
        &[
            "check",
            lab.url.as_str(),
            "--format",
            "json",
            "--require",
            "terminal",
        ][..],
        &quick,
    ]
    .concat());
    assert_eq!(required.code, 1, "{}", required.stdout);
    let report = required.json();
    assert_schema_valid(&report);
    assert_eq!(report["codes"][0], "GATE_FAILED");
    let terminal = check(&report, "terminal");
    assert_eq!(terminal["status"], "fail", "{terminal:#}");
    assert_eq!(terminal["failure"]["cause"], "required_check_skipped");
    assert!(
        terminal["failure"]["message"]
            .as_str()
            .unwrap()
            .contains("terminal not checked: no --session given"),
        "{terminal:#}"
    );
    assert!(
        report["diagnosis"].as_array().unwrap().is_empty(),
        "nothing is concluded about a terminal that never ran: {}",
        report["diagnosis"]
    );

    // From the environment too; met when the session is given.
    let from_env = wsdoctor()
        .args([&["check", lab.url.as_str(), "-q"][..], &quick].concat())
        .env("WSDOCTOR_REQUIRE", "session,terminal")
        .output()
        .unwrap();
    assert_eq!(from_env.status.code(), Some(1));
    let met = run(&[
        &[
            "check",
            lab.url.as_str(),
            "-q",
            "--require",
            "terminal",
            "--session",
            "demo-session",
        ][..],
        &quick,
    ]
    .concat());
    assert_eq!(met.code, 0, "{}", met.stdout);
    assert!(!met.stdout.contains("not checked"), "{}", met.stdout);

    // An unknown id, or one the selection leaves out, is a usage error.
    let unknown = run(&["check", &lab.url, "--require", "terminl"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("did you mean terminal"),
        "{}",
        unknown.stderr
    );
    let contradiction = run(&[
        "check",
        &lab.url,
        "--require",
        "terminal",
        "--skip",
        "terminal",
    ]);
    assert_eq!(contradiction.code, 2, "{}", contradiction.stderr);
}
