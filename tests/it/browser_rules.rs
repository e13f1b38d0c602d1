//! Browser-exact rules: "blocked" only where a browser blocks, and what browsers now block that a
//! command line would not notice. Each rule names its source in the README's browser-parity
//! section.

use crate::support::{check, run, TestLab};
use wsdoctor_lab::{Fault, LabOptions};

#[test]
fn an_https_page_may_open_ws_to_loopback_but_not_to_a_name() {
    let lab = TestLab::healthy();
    // ws://127.0.0.1 from an https origin: potentially trustworthy, no mixed content.
    let report = run(&[
        "check",
        &lab.url,
        "--origin",
        "https://localhost:3000",
        "--only",
        "target",
        "--format",
        "json",
    ])
    .json();
    let target = check(&report, "target");
    assert_eq!(target["status"], "pass", "{target:#}");
    assert!(target["summary"]
        .as_str()
        .unwrap()
        .contains("potentially trustworthy"));
    // From a public https origin it works only on this machine: a warning that says so.
    let report = run(&[
        "check",
        &lab.url,
        "--origin",
        "https://app.example.com",
        "--only",
        "target",
        "--format",
        "json",
    ])
    .json();
    let target = check(&report, "target");
    assert_eq!(target["status"], "warn", "{target:#}");
    assert!(target["warning"]["message"]
        .as_str()
        .unwrap()
        .contains("works on this machine and nowhere else"));
    assert_eq!(
        target["warning"]["cause"], "mixed_content_loopback_only",
        "{target:#}"
    );
    assert_eq!(target["warning"]["code"], "MIXED_CONTENT", "{target:#}");
    assert_ne!(report["verdict"], "fail");
    // A name is not trustworthy, even one pinned to loopback: mixed content, as browsers decide
    // by the URL, not by where the name resolves.
    let url = format!("http://app.test:{}", lab.port());
    let pin = format!("app.test:{}:127.0.0.1", lab.port());
    let out = run(&[
        "check",
        &url,
        "--resolve",
        &pin,
        "--origin",
        "https://app.example.com",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1);
    let report = out.json();
    assert_eq!(report["codes"][0], "MIXED_CONTENT");
    assert_eq!(
        check(&report, "target")["failure"]["cause"],
        "mixed_content"
    );
}

#[test]
fn a_public_page_reaching_a_private_or_loopback_address_needs_permission() {
    let lab = TestLab::healthy();
    let report = run(&[
        "check",
        &lab.url,
        "--origin",
        "https://app.example.com",
        "--only",
        "dns",
        "--format",
        "json",
    ])
    .json();
    let dns = check(&report, "dns");
    assert_eq!(dns["status"], "warn", "{dns:#}");
    assert_eq!(dns["warning"]["cause"], "local_network_access", "{dns:#}");
    assert_eq!(dns["warning"]["code"], "LOCAL_NETWORK_ACCESS", "{dns:#}");
    assert_eq!(report["codes"][0], "LOCAL_NETWORK_ACCESS", "{report:#}");
    let message = dns["warning"]["message"].as_str().unwrap();
    assert!(
        message.contains("Local Network Access")
            && message.contains("142")
            && message.contains("loopback"),
        "{message}"
    );
    // A private address behind a name, the same.
    let url = format!("http://db.corp.example:{}", lab.port());
    let pin = format!("db.corp.example:{}:127.0.0.1", lab.port());
    let report = run(&[
        "check",
        &url,
        "--resolve",
        &pin,
        "--origin",
        "https://app.example.com",
        "--only",
        "dns",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(check(&report, "dns")["status"], "warn");
    // A local page reaching loopback is no concern.
    let report = run(&[
        "check",
        &lab.url,
        "--origin",
        "http://localhost:3000",
        "--only",
        "dns",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(check(&report, "dns")["status"], "pass");
}

#[test]
fn an_origin_refused_by_a_close_is_an_origin_rejection_and_counts_as_enforced() {
    let lab = TestLab::start(LabOptions {
        fault: Some(Fault::OriginClose),
        ..LabOptions::default()
    });
    // Our origin is allowed: the sockets work, and the foreign origin closed at once is enforcement.
    let out = run(&[
        "check",
        &lab.url,
        "--session",
        wsdoctor_lab::DEFAULT_SESSION,
        "--origin",
        wsdoctor_lab::DEFAULT_ORIGIN,
        "--observe",
        "0s",
        "--format",
        "json",
    ]);
    let report = out.json();
    assert_eq!(report["verdict"], "pass", "{}", out.stdout);
    let origin = check(&report, "origin");
    assert_eq!(origin["evidence"]["enforced"], true, "{origin:#}");
    assert!(
        origin["summary"]
            .as_str()
            .unwrap()
            .contains("closed at once"),
        "{origin:#}"
    );
    // An origin it does not allow: the close is the refusal, not a missing route.
    let out = run(&[
        "check",
        &lab.url,
        "--session",
        wsdoctor_lab::DEFAULT_SESSION,
        "--origin",
        "https://evil.example",
        "--only",
        "echo",
        "--attempts",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1);
    let report = out.json();
    let echo = check(&report, "echo");
    assert_eq!(echo["failure"]["cause"], "origin_rejected", "{echo:#}");
    assert_eq!(echo["failure"]["code"], "UPGRADE_REJECTED");
    assert_eq!(echo["evidence"]["accepted_without_origin"], true);
    assert_eq!(report["codes"][0], "UPGRADE_REJECTED");
    // Without an Origin at all nothing is refused: a plain missing route stays what it was.
    let plain = TestLab::start(LabOptions {
        fault: Some(Fault::NoRoute),
        ..LabOptions::default()
    });
    let report = run(&[
        "check",
        &plain.url,
        "--origin",
        wsdoctor_lab::DEFAULT_ORIGIN,
        "--only",
        "echo",
        "--attempts",
        "1",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(
        check(&report, "echo")["failure"]["cause"],
        "no_route_after_open"
    );
}

#[test]
fn server_figures_are_shown_as_the_server_stated_them() {
    let report = run(&[
        "demo",
        "--fault",
        "policy-timeout:1500ms",
        "--only",
        "diagnostics",
        "--format",
        "json",
    ])
    .json();
    let summary = check(&report, "diagnostics")["summary"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(summary.contains("server timeout 1.5 s"), "{summary}");
}
