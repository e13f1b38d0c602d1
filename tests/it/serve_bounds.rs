//! `wsdoctor serve` under pressure and abuse: a scrape budget shorter than the module's windows,
//! pathological allow patterns and huge URLs, running out of file descriptors, scrapers that hang
//! up, URL targets that resolve to private addresses, and secrets in URLs that do not parse.

use crate::serve::{config, eventually, http, sample, Server};
use crate::support::TestLab;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};
use wsdoctor_lab::{Fault, LabOptions};

/// The budget is the exporter's own limit: a healthy target whose 500 ms observe window does not
/// fit a 1 s scrape (0.5 s budget) is probed with a shorter window, said so, and passes.
#[test]
fn a_short_scrape_fits_the_observe_window_instead_of_failing_the_target() {
    let lab = TestLab::healthy();
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        &format!(
            "[defaults]\norigin = \"http://localhost:3000\"\nsession = \"demo-session\"\nattempts = 1\n[[targets]]\nname = \"lab\"\nurl = \"{}\"\n",
            lab.url
        ),
    );
    let server = Server::start(&file, &[]);
    let (status, _, body) = server.get(
        "/probe?target=lab",
        &[("X-Prometheus-Scrape-Timeout-Seconds", "1")],
    );
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("client_timeout"), "{body}");
    assert_eq!(sample(&body, "probe_success"), Some(1.0), "{body}");
    assert_eq!(
        sample(&body, "wsdoctor_check_success{check=\"terminal\"}"),
        Some(1.0),
        "{body}"
    );
    assert_eq!(
        sample(&body, "wsdoctor_probe_observe_seconds"),
        Some(0.25),
        "{body}"
    );
    let notice = server.log_line("notice target=lab");
    assert!(
        notice.contains("observe window fitted to 250ms"),
        "{notice}"
    );
    // Without a scrape timeout the module's window stands.
    let (_, _, body) = server.get("/probe?target=lab", &[]);
    assert_eq!(
        sample(&body, "wsdoctor_probe_observe_seconds"),
        Some(0.5),
        "{body}"
    );
}

/// A URL that makes a star pattern try every split of its dots: refused at once, while the
/// exporter keeps answering; a URL over the length limit is refused before any matching.
#[test]
fn a_pathological_allow_pattern_answers_at_once_and_long_urls_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        "[serve]\nallow = [\"http://*.*.*.example.com/*\"]\n",
    );
    let server = Server::start(&file, &[]);
    // 4,000 bytes, within the limit: "http://a.a.a.…a.x/".
    let long = format!("http://{}x/", "a.".repeat(1_990));
    assert!(long.len() <= 4096);
    let path = format!("/probe?target={long}");
    let start = Instant::now();
    let refusals: Vec<_> = (0..2)
        .map(|_| {
            let addr = server.addr.clone();
            let path = path.clone();
            std::thread::spawn(move || http(&addr, "GET", &path, &[]))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(server.get("/-/healthy", &[]).0, 200);
    for refusal in refusals {
        let (status, _, body) = refusal.join().unwrap();
        assert_eq!(status, 403, "{body}");
    }
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "matching took {:?}",
        start.elapsed()
    );
    // 14 KB: over the limit, refused with the reason.
    let huge = format!("/probe?target=http://{}x/", "a.".repeat(7_000));
    let start = Instant::now();
    let (status, _, body) = server.get(&huge, &[]);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("at most 4096"), "{body}");
    assert!(start.elapsed() < Duration::from_secs(2));
    // A name as long is refused the same way, and neither is echoed in the log.
    let (status, _, body) = server.get(&format!("/probe?target={}", "n".repeat(5_000)), &[]);
    assert_eq!(status, 400, "{body}");
    let line = server.log_line("(too long)");
    assert!(line.len() < 1_000, "{line}");
    assert_eq!(server.get("/-/healthy", &[]).0, 200);
}

/// CPU time (user + system) of a process so far, from /proc.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The fields after the command name, which is in parentheses and may contain spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let per_second: u64 = String::from_utf8(
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .parse()
    .unwrap();
    Duration::from_millis(ticks * 1000 / per_second)
}

/// Out of file descriptors, accept fails at once for as long as connections wait: the loop pauses
/// instead of spinning a core, says so once, and serves again when descriptors free up.
#[test]
fn the_accept_loop_backs_off_when_out_of_file_descriptors() {
    let dir = tempfile::tempdir().unwrap();
    let file = config(dir.path(), "[defaults]\nobserve = \"0s\"\n");
    let mut shell = Command::new("sh");
    shell
        .args(["-c", "ulimit -n 64 && exec \"$0\" serve \"$@\""])
        .arg(assert_cmd::cargo::cargo_bin("wsdoctor"));
    let server = Server::spawn(shell, &file, &[]);
    let held: Vec<TcpStream> = (0..120)
        .map(|_| TcpStream::connect(&server.addr).unwrap())
        .collect();
    // Time to use up its descriptors on the first connections.
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_time(server.child.id());
    std::thread::sleep(Duration::from_secs(2));
    let spent = cpu_time(server.child.id()) - before;
    assert!(
        spent < Duration::from_millis(300),
        "{spent:?} of CPU in 2 s while out of descriptors"
    );
    let line = server.log_line("cannot accept connections");
    assert!(line.contains("ulimit -n"), "{line}");
    drop(held);
    assert!(
        eventually(Duration::from_secs(15), || {
            TcpStream::connect(&server.addr).is_ok() && server.get("/-/healthy", &[]).0 == 200
        }),
        "serves again once descriptors are free"
    );
}

/// Sends a probe request and hangs up after `after`, as a scraper that gave up does.
fn hang_up(addr: &str, path: &str, after: Duration) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    std::thread::sleep(after);
    drop(stream);
}

/// A probe whose scraper hangs up is cancelled: the in-flight gauge comes back down, it is counted
/// and logged, and shutdown does not wait for it.
#[test]
fn a_scraper_that_hangs_up_is_counted_and_logged_and_does_not_hold_shutdown() {
    let silent = TestLab::start(LabOptions {
        fault: Some(Fault::Blackhole),
        ..LabOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        &format!(
            "[defaults]\nconnect_timeout = \"30s\"\ntimeout = \"30s\"\n[[targets]]\nname = \"silent\"\nurl = \"{}\"\n",
            silent.url
        ),
    );
    let mut server = Server::start(&file, &[]);
    let scrapers: Vec<_> = (0..10)
        .map(|_| {
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                hang_up(&addr, "/probe?target=silent", Duration::from_millis(400))
            })
        })
        .collect();
    for scraper in scrapers {
        scraper.join().unwrap();
    }
    let metrics = || server.get("/metrics", &[]).2;
    assert!(
        eventually(Duration::from_secs(5), || {
            let now = metrics();
            sample(&now, "wsdoctor_exporter_probes_in_flight") == Some(0.0)
                && sample(&now, "wsdoctor_exporter_probes_total{result=\"cancelled\"}")
                    == Some(10.0)
        }),
        "{}",
        metrics()
    );
    let line = server.log_line("result=cancelled");
    assert!(line.contains("target=silent"), "{line}");
    let start = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(server.child.wait().unwrap().code(), Some(0));
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "shutdown waited {:?} for probes nobody waits for",
        start.elapsed()
    );
}

/// With the default `deny_private`, a URL target whose name resolves to loopback is refused at
/// the connect, with the reason, and nothing connects; a named target on loopback is trusted.
#[test]
fn url_targets_may_not_reach_private_addresses_by_default() {
    // A listener nobody accepts from: a connection would still complete in its backlog.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        &format!(
            "[defaults]\nobserve = \"0s\"\nattempts = 1\n[serve]\nallow = [\"http://localhost:{port}/*\", \"http://[::ffff:7f00:1]:{port}/*\"]\n"
        ),
    );
    let server = Server::start(&file, &[]);
    for target in [
        format!("http://localhost:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
    ] {
        let (status, _, body) = server.get(&format!("/probe?target={target}"), &[]);
        assert_eq!(status, 200, "{body}");
        assert_eq!(sample(&body, "probe_success"), Some(0.0), "{body}");
        assert!(
            body.contains(r#"wsdoctor_failure_info{check="tcp",code="INTERNAL_ERROR",cause="address_denied"} 1"#),
            "{body}"
        );
        assert!(
            !body.contains("cause=\"tcp_") && !body.contains("CONNECTION_"),
            "{body}"
        );
    }
    let refused = listener.accept();
    assert!(
        matches!(&refused, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the exporter connected: {refused:?}"
    );
    // The rule, for whoever reads the page, the dry run or `wsdoctor explain`.
    let (_, _, page) = server.get("/", &[]);
    assert!(page.contains("public addresses only"), "{page}");
    let out = Command::new(assert_cmd::cargo::cargo_bin("wsdoctor"))
        .args(["serve", "--dry-run", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("public addresses only"), "{text}");
    let out = Command::new(assert_cmd::cargo::cargo_bin("wsdoctor"))
        .args(["explain", "address_denied"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("deny_private"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A URL target that does not parse is refused, and neither its credentials nor its token reach
/// the log, in either format.
#[test]
fn a_malformed_url_targets_token_never_reaches_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        "[serve]\nallow = [\"http://*.example.com/*\"]\n",
    );
    for format in ["text", "json"] {
        let server = Server::start(&file, &["--log-format", format]);
        let (status, _, body) = server.get(
            "/probe?target=http://u:pw@%5Bbad/%3Ftoken%3DSECRET42%26access_token%3DOTHER42",
            &[],
        );
        assert_eq!(status, 403, "{body}");
        let line = server.log_line("refused");
        assert!(
            !line.contains("SECRET42") && !line.contains("OTHER42") && !line.contains("pw@"),
            "{line}"
        );
        assert!(line.contains("token="), "the names stay: {line}");
        assert!(!body.contains("SECRET42"), "{body}");
        let (_, _, page) = server.get("/", &[]);
        assert!(!page.contains("SECRET42"), "{page}");
    }
}
