//! What the browser and the network see: Origin, TLS, proxies, redirects.

use crate::support::{assert_schema_valid, check, run, wsdoctor, TestLab, TestProxy};
use wsdoctor_lab::{Fault, LabOptions, ProxyBehaviour, ProxyOptions};

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn a_healthy_backend_enforces_origin_on_the_session_socket() {
    let run = run(&["demo", "--format", "json", "--only", "origin"]);
    assert_eq!(run.code, 0);
    let origin = check(&run.json(), "origin").clone();
    assert_eq!(origin["status"], "pass", "{origin:#}");
    assert_eq!(origin["evidence"]["enforced"], true);
}

#[test]
fn a_foreign_origin_accepted_on_the_session_socket_is_a_hijacking_warning() {
    let run = run(&["demo", "--fault", "origin-any", "--format", "json"]);
    assert_eq!(run.code, 0, "a warning does not fail the run");
    let report = run.json();
    assert_eq!(report["verdict"], "warn");
    let origin = check(&report, "origin");
    assert_eq!(origin["status"], "warn");
    assert!(origin["warning"]["message"]
        .as_str()
        .unwrap()
        .contains("hijacking"));
}

#[test]
fn a_foreign_origin_socket_that_hears_nothing_is_not_a_hijacking_warning() {
    // The server refuses the foreign Origin with a close that never arrives, over HTTP/1.1 and
    // over HTTP/2: silence is not acceptance.
    for tls in [&[][..], &["--tls"][..]] {
        let mut args = vec!["demo", "--fault", "origin-silent", "--format", "json"];
        args.extend_from_slice(tls);
        let run = run(&args);
        let report = run.json();
        assert_schema_valid(&report);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let origin = check(&report, "origin");
        assert_eq!(origin["status"], "pass", "{tls:?}: {origin:#}");
        assert!(origin["warning"].is_null(), "{origin:#}");
        assert_eq!(report["verdict"], "pass", "{tls:?}: {report:#}");
        // Said as it is: not determined, with what was (not) seen.
        let summary = origin["summary"].as_str().unwrap();
        assert!(summary.contains("not determined"), "{summary}");
        assert!(
            summary.contains("no greeting, no answer to a message, no close"),
            "{summary}"
        );
        assert!(!summary.contains("hijack"), "{summary}");
        assert!(origin["evidence"].get("enforced").is_none(), "{origin:#}");
        assert_eq!(origin["evidence"]["foreign_socket"], "silent", "{origin:#}");
    }
}

#[test]
fn a_foreign_origin_that_answers_is_still_a_hijacking_warning() {
    // The terminal greets a foreign Origin.
    let greeted = run(&["demo", "--fault", "origin-any", "--format", "json"]);
    let origin = check(&greeted.json(), "origin").clone();
    assert_eq!(origin["status"], "warn", "{origin:#}");
    assert_eq!(
        origin["evidence"]["foreign_socket"], "greeted",
        "{origin:#}"
    );
    // A cookie-authenticated echo socket that says nothing first but answers the probe.
    let lab = TestLab::healthy();
    let run = run(&[
        "check",
        &lab.url,
        "--header",
        "Cookie: sid=wsdoctor-test",
        "--format",
        "json",
        "--only",
        "origin",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let origin = check(&run.json(), "origin").clone();
    assert_eq!(origin["status"], "warn", "{origin:#}");
    assert_eq!(
        origin["evidence"]["foreign_socket"], "answered",
        "{origin:#}"
    );
    assert_eq!(origin["evidence"]["enforced"], false, "{origin:#}");
    let warning = origin["warning"]["message"].as_str().unwrap();
    assert!(
        warning.contains("answered a message on it") && warning.contains("hijacking"),
        "{warning}"
    );
}

#[test]
fn tls_not_yet_valid_shows_the_start_date() {
    let run = run(&[
        "demo",
        "--fault",
        "tls-not-yet-valid",
        "--format",
        "json",
        "--only",
        "tls",
    ]);
    assert_eq!(run.code, 1);
    let tls = check(&run.json(), "tls").clone();
    assert_eq!(tls["failure"]["cause"], "tls_not_yet_valid");
    assert!(
        tls["failure"]["hint"]
            .as_str()
            .unwrap()
            .contains("not valid before"),
        "{tls:#}"
    );
}

#[test]
fn a_certificate_expiring_in_three_days_warns() {
    let run = run(&[
        "demo",
        "--fault",
        "tls-expiring:3",
        "--format",
        "json",
        "--only",
        "tls",
    ]);
    assert_eq!(run.code, 0);
    let report = run.json();
    assert_schema_valid(&report);
    let tls = check(&report, "tls");
    assert_eq!(tls["status"], "warn");
    assert_eq!(tls["evidence"]["tls"]["chain"][0]["days_left"], 3);
    assert!(tls["warning"]["message"]
        .as_str()
        .unwrap()
        .contains("3 days left"));
    for key in ["version", "cipher_suite", "alpn", "sni"] {
        assert!(
            tls["evidence"]["tls"][key].is_string(),
            "TLS report has {key}"
        );
    }
}

#[test]
fn tls_failures_name_the_dates_and_names_in_the_hint() {
    let expired = run(&[
        "demo",
        "--fault",
        "tls-expired",
        "--format",
        "json",
        "--only",
        "tls",
    ]);
    let hint = check(&expired.json(), "tls")["failure"]["hint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(hint.contains("expired on"), "{hint}");
    let wrong = run(&[
        "demo",
        "--fault",
        "tls-wrong-name",
        "--format",
        "json",
        "--only",
        "tls",
    ]);
    let hint = check(&wrong.json(), "tls")["failure"]["hint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(hint.contains("wrong-name.invalid"), "{hint}");
}

#[test]
fn a_connect_proxy_tunnels_every_check_and_is_reported() {
    let lab = TestLab::healthy();
    let proxy = TestProxy::start(ProxyOptions::default());
    let run = run(&[
        "check",
        &lab.url,
        "--session",
        "demo-session",
        "--proxy",
        &proxy.url,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.json();
    assert_schema_valid(&report);
    let tcp = check(&report, "tcp");
    assert!(
        tcp["summary"].as_str().unwrap().contains("through"),
        "{tcp:#}"
    );
    assert!(tcp["timings"]["proxy_connect"].as_f64().unwrap() > 0.0);
    assert!(check(&report, "target")["evidence"]["connection"]
        .as_str()
        .unwrap()
        .contains("--proxy"));
    let authority = lab.url.trim_start_matches("http://").to_string();
    let requests = proxy.requests();
    assert!(
        requests.len() >= 5,
        "every connection went through the proxy: {requests:?}"
    );
    assert!(requests.iter().all(|r| r.target == authority));
}

#[test]
fn proxy_credentials_come_from_the_url_and_stay_secret() {
    let lab = TestLab::healthy();
    let proxy = TestProxy::start(ProxyOptions {
        credentials: Some(("alice".into(), "pr0xy-pa55".into())),
        ..ProxyOptions::default()
    });
    let with_auth = proxy.url.replacen("http://", "http://alice:pr0xy-pa55@", 1);
    let ok = run(&[
        "check", &lab.url, "--only", "health", "--proxy", &with_auth, "--format", "json",
    ]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    assert!(!ok.stdout.contains("pr0xy-pa55") && !ok.stderr.contains("pr0xy-pa55"));
    let missing = run(&[
        "check", &lab.url, "--only", "health", "--proxy", &proxy.url, "--format", "json",
    ]);
    assert_eq!(missing.code, 1);
    let tcp = check(&missing.json(), "tcp").clone();
    assert_eq!(tcp["failure"]["code"], "PROXY_ERROR");
    assert_eq!(tcp["failure"]["cause"], "proxy_auth_required");
}

#[test]
fn refusing_proxies_are_classified() {
    let lab = TestLab::healthy();
    for (status, cause) in [(403, "proxy_refused"), (502, "proxy_upstream_failed")] {
        let proxy = TestProxy::start(ProxyOptions {
            behaviour: ProxyBehaviour::Refuse(status),
            ..ProxyOptions::default()
        });
        let run = run(&[
            "check", &lab.url, "--only", "health", "--proxy", &proxy.url, "--format", "json",
        ]);
        assert_eq!(run.code, 1);
        let tcp = check(&run.json(), "tcp").clone();
        assert_eq!(tcp["failure"]["cause"], cause, "{tcp:#}");
        assert!(tcp["evidence"]["status_line"]
            .as_str()
            .unwrap()
            .contains(&status.to_string()));
    }
}

#[test]
fn proxy_variables_are_honoured_and_no_proxy_bypasses_them() {
    let lab = TestLab::healthy();
    let proxy = TestProxy::start(ProxyOptions::default());
    let out = wsdoctor()
        .env("http_proxy", &proxy.url)
        .args([
            "check",
            &lab.url,
            "--only",
            "target,health",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report = json_of(&out);
    assert_eq!(report["verdict"], "pass");
    assert!(check(&report, "target")["evidence"]["connection"]
        .as_str()
        .unwrap()
        .contains("http_proxy"));
    let seen = proxy.requests().len();
    assert!(seen >= 1);
    let out = wsdoctor()
        .env("HTTP_PROXY", &proxy.url)
        .env("NO_PROXY", "localhost,127.0.0.1")
        .args([
            "check",
            &lab.url,
            "--only",
            "target,health",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report = json_of(&out);
    assert_eq!(report["verdict"], "pass");
    assert!(check(&report, "target")["evidence"]["connection"]
        .as_str()
        .unwrap()
        .contains("NO_PROXY"));
    assert_eq!(proxy.requests().len(), seen, "NO_PROXY bypassed the proxy");
    // curl's newer rules: a CIDR range matches an address target; a range that does not contain
    // it leaves the proxy in place.
    for (no_proxy, bypassed) in [("127.0.0.0/8", true), ("10.0.0.0/8 192.168.0.0/16", false)] {
        let before = proxy.requests().len();
        let out = wsdoctor()
            .env("HTTP_PROXY", &proxy.url)
            .env("NO_PROXY", no_proxy)
            .args([
                "check",
                &lab.url,
                "--only",
                "target,health",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let report = json_of(&out);
        assert_eq!(report["verdict"], "pass");
        assert_eq!(
            proxy.requests().len() == before,
            bypassed,
            "NO_PROXY={no_proxy}"
        );
    }
}

#[test]
fn same_origin_redirects_are_followed_and_reported() {
    let lab = TestLab::start(LabOptions {
        fault: Some(Fault::HealthRedirect),
        ..LabOptions::default()
    });
    let run = run(&[
        "check",
        &lab.url,
        "--only",
        "health,diagnostics",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.json();
    let hops = check(&report, "health")["evidence"]["redirects"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(hops.len(), 1);
    assert_eq!(hops[0]["status"], 301);
    assert_eq!(hops[0]["followed"], true);
    let hops = check(&report, "diagnostics")["evidence"]["redirects"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(hops[0]["status"], 302);
}

#[test]
fn a_redirect_to_another_host_is_reported_not_followed() {
    let lab = TestLab::start(LabOptions {
        fault: Some(Fault::HealthRedirectOffsite),
        ..LabOptions::default()
    });
    let run = run(&[
        "check",
        &lab.url,
        "--only",
        "health",
        "--format",
        "json",
        "--header",
        "Authorization: Bearer never-leaves-t0ken",
    ]);
    assert_eq!(run.code, 1);
    let report = run.json();
    let health = check(&report, "health");
    assert_eq!(health["failure"]["code"], "HEALTH_CHECK_FAILED");
    let hop = &health["evidence"]["redirects"][0];
    assert_eq!(hop["followed"], false);
    assert!(hop["location"]
        .as_str()
        .unwrap()
        .contains("wsdoctor-elsewhere.invalid"));
    assert!(!run.stdout.contains("never-leaves-t0ken"));
}

#[test]
fn mutual_tls_passes_with_the_client_certificate_and_names_its_absence() {
    let lab = TestLab::start(LabOptions {
        fault: Some(Fault::TlsClientCert),
        ..LabOptions::default()
    });
    let ca = lab.ca_file();
    let identity = lab.client_identity_file();
    let base = [
        "check",
        &lab.url,
        "--only",
        "tls,health,echo",
        "--format",
        "json",
        "--cacert",
    ];
    let mut without = base.to_vec();
    without.push(ca.path().to_str().unwrap());
    let out = run(&without);
    let report = out.json();
    assert_eq!(
        out.code, 1,
        "a server that demands a certificate is not a PASS"
    );
    assert_eq!(report["codes"][0], "TLS_ERROR");
    assert_eq!(
        check(&report, "tls")["failure"]["cause"],
        "tls_client_cert_required"
    );
    let human: Vec<&str> = without
        .iter()
        .copied()
        .filter(|a| *a != "json" && *a != "--format")
        .collect();
    let human = run(&human);
    let headline = human.stdout.lines().last().unwrap_or_default().to_string();
    assert!(headline.starts_with("FAIL TLS_ERROR"), "{headline}");

    let mut with = without.clone();
    with.extend(["--cert", identity.path().to_str().unwrap()]);
    let out = run(&with);
    let report = out.json();
    assert_eq!(report["verdict"], "pass", "{}", out.stdout);
    assert!(check(&report, "tls")["summary"]
        .as_str()
        .unwrap()
        .contains("client certificate accepted"));
    assert!(
        !out.stdout.contains("PRIVATE KEY"),
        "the key never reaches the output"
    );

    // A certificate from another authority is refused, and that is a different cause.
    let other = TestLab::start(LabOptions {
        fault: Some(Fault::TlsClientCert),
        ..LabOptions::default()
    });
    let stranger = other.client_identity_file();
    let mut wrong = without.clone();
    wrong.extend(["--cert", stranger.path().to_str().unwrap()]);
    let report = run(&wrong).json();
    assert_eq!(report["verdict"], "fail");
    assert_eq!(
        check(&report, "tls")["failure"]["cause"],
        "tls_client_cert_rejected"
    );

    // A --cert file without a key is a usage error that names --cert.
    let mut keyless = without.clone();
    keyless.extend(["--cert", ca.path().to_str().unwrap()]);
    let out = run(&keyless);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--cert") && out.stderr.contains("--key FILE"),
        "{}",
        out.stderr
    );
}

#[test]
fn address_families_can_be_restricted_like_curl() {
    let lab = TestLab::healthy();
    let port = lab.port();
    let name = format!("app.test:{port}:::1,127.0.0.1");
    let url = format!("http://app.test:{port}");
    // -4 drops the IPv6 address (where nothing listens) and connects to 127.0.0.1.
    let report = run(&[
        "check",
        &url,
        "--resolve",
        &name,
        "-4",
        "--only",
        "health",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(report["verdict"], "pass", "{report:#}");
    assert_eq!(
        check(&report, "dns")["evidence"]["addresses"],
        serde_json::json!(["127.0.0.1"])
    );
    // -6 with only IPv4 addresses is a DNS failure that says why.
    let v4_only = format!("app.test:{port}:127.0.0.1");
    let report = run(&[
        "check",
        &url,
        "--resolve",
        &v4_only,
        "-6",
        "--only",
        "health",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(report["verdict"], "fail");
    let failure = &check(&report, "dns")["failure"];
    assert!(
        failure["message"]
            .as_str()
            .unwrap()
            .contains("no IPv6 address"),
        "{failure}"
    );
    // A literal address of the other family is a usage error.
    let out = run(&["check", &lab.url, "-6"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--ipv6"), "{}", out.stderr);
}
