//! Targets without a scheme: `host` is https://, `host:port` is whatever that port speaks (TLS,
//! else plain HTTP, as browsers' HTTPS-first mode falls back), and the run says which it chose.

use crate::support::{run, TestLab};
use wsdoctor_lab::LabOptions;

#[test]
fn a_host_and_port_that_speaks_plain_http_is_http_and_the_first_line_says_so() {
    let lab = TestLab::healthy();
    let given = format!("127.0.0.1:{}", lab.port());
    let url = format!("http://{given}/");
    let json = run(&["check", &given, "--only", "health,echo", "--format", "json"]);
    assert_eq!(json.code, 0, "{}\n{}", json.stdout, json.stderr);
    let report = json.json();
    assert_eq!(report["target"], url.as_str(), "{report:#}");
    assert_eq!(report["verdict"], "pass");
    assert!(
        json.stderr.contains("answered plain HTTP, not TLS") && json.stderr.contains(&url),
        "{}",
        json.stderr
    );
    let human = run(&["check", &given, "--only", "health,echo"]);
    assert_eq!(human.code, 0, "{}", human.stdout);
    let first = human.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("{given}: no scheme given"))
            && first.contains("plain HTTP")
            && first.ends_with(&url),
        "{first:?}"
    );
}

#[test]
fn a_host_and_port_that_speaks_tls_is_https() {
    let lab = TestLab::start(LabOptions {
        tls: true,
        ..LabOptions::default()
    });
    let ca = lab.ca_file();
    let given = format!("127.0.0.1:{}", lab.port());
    let run = run(&[
        "check",
        &given,
        "--only",
        "health",
        "--cacert",
        ca.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report = run.json();
    assert_eq!(
        report["target"],
        format!("https://{given}/"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("answered TLS"), "{}", run.stderr);
}

#[test]
fn what_is_neither_a_url_nor_a_host_is_a_usage_error_naming_what_was_understood() {
    let run = run(&["check", "exa mple.com"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("no scheme given") && run.stderr.contains("host[:port]"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

/// The scheme probe keeps to one connect timeout per read however the answer trickles: a port
/// that answers a byte every 400 ms (neither TLS nor HTTP) does not stretch it to seconds per byte.
#[test]
fn a_trickling_answer_does_not_stretch_the_scheme_probe() {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(2) {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                for _ in 0..20 {
                    if stream.write_all(b"x").is_err() {
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(400));
                }
            });
        }
    });
    let target = format!("127.0.0.1:{port}");
    let started = std::time::Instant::now();
    let out = run(&[
        "check",
        &target,
        "--connect-timeout",
        "1s",
        "--only",
        "target",
    ]);
    let took = started.elapsed();
    assert_eq!(out.code, 2, "neither TLS nor HTTP: {}", out.stderr);
    // Two probes of one second each at most; byte by byte it was five reads of 400 ms each.
    assert!(took < std::time::Duration::from_millis(3000), "{took:?}");
}
