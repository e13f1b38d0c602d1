//! `-w`/`--write-out`: curl's one-line template, one line per target, refused when it names a
//! variable that does not exist.

use crate::support::{run, TestLab};
use wsdoctor_lab::{Fault, LabOptions};

/// `0.012345`: seconds with six decimals, as curl prints its times.
fn curl_seconds(text: &str) -> bool {
    text.split_once('.').is_some_and(|(s, f)| {
        !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit())
            && f.len() == 6
            && f.bytes().all(|b| b.is_ascii_digit())
    })
}

#[test]
fn one_line_per_target_in_the_fleets_order() {
    let healthy = TestLab::healthy();
    let faulty = TestLab::start(LabOptions {
        fault: Some(Fault::EchoMismatch),
        ..LabOptions::default()
    });
    let run = run(&[
        "check",
        &healthy.url,
        &faulty.url,
        "--only",
        "echo",
        "--attempts",
        "1",
        "-w",
        r"%{verdict} %{code} %{time_total}\n",
    ]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "only the -w lines on stdout: {:?}",
        run.stdout
    );
    let first: Vec<&str> = lines[0].split(' ').collect();
    assert_eq!(first[..2], ["pass", ""], "{lines:?}");
    assert!(curl_seconds(first[2]), "{lines:?}");
    let second: Vec<&str> = lines[1].split(' ').collect();
    assert_eq!(second[..2], ["fail", "SERVER_ERROR"], "{lines:?}");
    assert!(curl_seconds(second[2]), "{lines:?}");
}

#[test]
fn the_line_follows_the_document_and_names_the_failing_check() {
    let lab = TestLab::start(LabOptions {
        fault: Some(Fault::EchoMismatch),
        ..LabOptions::default()
    });
    let run = run(&[
        "check",
        &lab.url,
        "--only",
        "echo",
        "--attempts",
        "1",
        "--format",
        "json",
        "--write-out",
        r"%{check}\t%{cause}\t%{http_version}\t%{time_upgrade}\t100%%",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let (document, line) = run
        .stdout
        .rsplit_once("}\n")
        .expect("the JSON document first");
    let report: serde_json::Value = serde_json::from_str(&format!("{document}}}")).unwrap();
    assert_eq!(report["verdict"], "fail");
    let fields: Vec<&str> = line.split('\t').collect();
    assert_eq!(
        fields[..3],
        ["echo", "echo_mismatch", "HTTP/1.1"],
        "{line:?}"
    );
    assert!(
        curl_seconds(fields[3]) && fields[3] != "0.000000",
        "{line:?}"
    );
    assert_eq!(fields[4], "100%", "{line:?}");
}

#[test]
fn an_unknown_variable_is_a_usage_error_listing_the_known_ones() {
    let run = run(&["check", "http://127.0.0.1:9/", "-w", "%{verdcit}\n"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("verdcit"), "{}", run.stderr);
    assert!(run.stderr.contains("time_total"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}
