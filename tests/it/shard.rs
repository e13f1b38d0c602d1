//! A fleet across machines: the sharded scrape config (examples/prometheus-sharded.yml) run as
//! written, on two real Prometheus servers each scraping through its own `wsdoctor serve`, over
//! one target list: every target is probed, by exactly one exporter, and each server holds the
//! half its own exporter probed.

use crate::serve::{config, eventually, http, sample, Server};
use crate::support::{refusing_port, TestLab};
use std::collections::BTreeSet;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SHARDS: usize = 2;

/// A real Prometheus on a free loopback port, killed when dropped.
struct Prometheus {
    child: Child,
    addr: String,
}

impl Prometheus {
    fn start(config: &Path, data: &Path) -> Prometheus {
        let port = refusing_port();
        let addr = format!("127.0.0.1:{}", port.port);
        drop(port);
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address={addr}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus is needed (Debian: prometheus; .ci/run installs it)");
        Prometheus { child, addr }
    }

    /// The `instance` labels of the series `expr` gives now; none while the server is not up.
    fn instances(&self, expr: &str) -> BTreeSet<String> {
        let path = format!(
            "/api/v1/query?query={}",
            percent_encoding::utf8_percent_encode(expr, percent_encoding::NON_ALPHANUMERIC)
        );
        if TcpStream::connect(&self.addr).is_err() {
            return BTreeSet::new();
        }
        let (status, _, body) = http(&self.addr, "GET", &path, &[]);
        let answer: serde_json::Value = match (status, serde_json::from_str(&body)) {
            (200, Ok(answer)) => answer,
            _ => return BTreeSet::new(),
        };
        answer["data"]["result"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|series| series["metric"]["instance"].as_str())
            .map(String::from)
            .collect()
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The example with its one `from` changed to `to`: a shard's copy differs only where the
/// example's header says, and the test fails the day the example stops matching that.
fn set(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "examples/prometheus-sharded.yml should have {from:?} once"
    );
    text.replacen(from, to, 1)
}

/// The targets of the probe lines among an exporter's log lines, once each.
fn probed(lines: &[String]) -> BTreeSet<String> {
    lines
        .iter()
        .filter_map(|line| line.split(" probe target=").nth(1))
        .filter_map(|rest| rest.split(' ').next())
        .map(String::from)
        .collect()
}

fn promtool_is_clean(file: &str) {
    let out = Command::new("promtool")
        .args(["check", "config", file])
        .output()
        .expect("promtool is needed (Debian: prometheus; .ci/run installs it)");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // A warning is how promtool says the file_sd target list is missing.
    assert!(
        out.status.success() && !said.contains("WARNING"),
        "{file}: {said}"
    );
}

#[test]
fn two_prometheus_servers_share_one_target_list_each_through_its_own_exporter() {
    promtool_is_clean(&format!("{ROOT}/examples/prometheus-sharded.yml"));

    let lab = TestLab::healthy();
    let names: Vec<String> = (1..=10).map(|i| format!("ws-{i:02}")).collect();
    let all: BTreeSet<String> = names.iter().cloned().collect();
    let dir = tempfile::tempdir().unwrap();
    // Named targets: the file's own choice, so loopback is allowed without lifting deny_private.
    let mut toml = "[defaults]\norigin = \"http://localhost:3000\"\nsession = \"demo-session\"\nobserve = \"0s\"\nattempts = 1\n".to_string();
    for name in &names {
        toml.push_str(&format!(
            "[[targets]]\nname = \"{name}\"\nurl = \"{}\"\n",
            lab.url
        ));
    }
    let file = config(dir.path(), &toml);
    std::fs::write(
        dir.path().join("websocket-targets.yml"),
        format!("- targets: [{}]\n", names.join(", ")),
    )
    .unwrap();
    std::fs::copy(
        format!("{ROOT}/examples/alerts.yml"),
        dir.path().join("alerts.yml"),
    )
    .unwrap();

    let example =
        std::fs::read_to_string(format!("{ROOT}/examples/prometheus-sharded.yml")).unwrap();
    assert!(example.contains(&format!("modulus: {SHARDS} ")));
    let exporters: Vec<Server> = (0..SHARDS).map(|_| Server::start(&file, &[])).collect();
    let servers: Vec<Prometheus> = exporters
        .iter()
        .enumerate()
        .map(|(shard, exporter)| {
            let mut text = set(&example, "scrape_interval: 30s", "scrape_interval: 1s");
            text = set(&text, "evaluation_interval: 30s", "evaluation_interval: 1s");
            text = set(&text, "scrape_timeout: 25s", "scrape_timeout: 1s");
            text = set(&text, "shard: \"0\"", &format!("shard: \"{shard}\""));
            text = set(&text, "regex: \"0\"", &format!("regex: \"{shard}\""));
            text = set(
                &text,
                "replacement: 127.0.0.1:9716",
                &format!("replacement: {}", exporter.addr),
            );
            text = set(
                &text,
                "targets: [127.0.0.1:9716]",
                &format!("targets: [{}]", exporter.addr),
            );
            let path = dir.path().join(format!("prometheus-{shard}.yml"));
            std::fs::write(&path, text).unwrap();
            promtool_is_clean(path.to_str().unwrap());
            Prometheus::start(&path, &dir.path().join(format!("data-{shard}")))
        })
        .collect();

    let mut logs = vec![Vec::new(); SHARDS];
    let union = |sets: &[BTreeSet<String>]| -> BTreeSet<String> {
        sets.iter().flatten().cloned().collect()
    };
    let passed =
        |p: &Prometheus| p.instances(r#"max_over_time(probe_success{job="websocket"}[1m]) == 1"#);
    let all_seen = eventually(Duration::from_secs(60), || {
        for (log, exporter) in logs.iter_mut().zip(&exporters) {
            log.extend(exporter.logged());
        }
        let probed: Vec<_> = logs.iter().map(|l| probed(l)).collect();
        let passed: Vec<_> = servers.iter().map(passed).collect();
        union(&probed) == all && union(&passed) == all
    });
    // A few more rounds, so a target scraped by both servers would have shown up at both.
    std::thread::sleep(Duration::from_secs(3));
    for (log, exporter) in logs.iter_mut().zip(&exporters) {
        log.extend(exporter.logged());
    }
    let probed: Vec<_> = logs.iter().map(|l| probed(l)).collect();
    let held: Vec<_> = servers
        .iter()
        .map(|p| p.instances(r#"probe_success{job="websocket"}"#))
        .collect();
    let passed: Vec<_> = servers.iter().map(passed).collect();
    assert!(
        all_seen,
        "not every target was probed and passed within 60 s: exporters probed {probed:?}, servers passed {passed:?}"
    );

    assert_eq!(union(&held), all, "the servers together hold every target");
    assert_eq!(
        union(&probed),
        all,
        "the exporters together probed every target"
    );
    assert!(
        held[0].is_disjoint(&held[1]),
        "a target is held by both servers: {held:?}"
    );
    assert!(
        probed[0].is_disjoint(&probed[1]),
        "a target was probed by both exporters: {probed:?}"
    );
    // Prometheus's hashmod is the last 8 bytes of the MD5 of the value, big-endian, modulo N:
    // computed once for these names, so a server keeping anything else is caught.
    let first: BTreeSet<String> = ["ws-01", "ws-02", "ws-03", "ws-05", "ws-09"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(held[0], first, "shard 0 holds what hashmod gives it");
    for shard in 0..SHARDS {
        // Each server's half is what its own exporter probed, and a real half, not all or none.
        assert_eq!(held[shard], probed[shard], "shard {shard}");
        assert!(
            !held[shard].is_empty() && held[shard].len() < names.len(),
            "shard {shard} holds {:?}",
            held[shard]
        );
        let lines = logs[shard]
            .iter()
            .filter(|l| l.contains(" probe target="))
            .count();
        assert!(
            lines >= 2 * held[shard].len(),
            "shard {shard}: {lines} probes of {:?} in 3 s at a 1 s interval",
            held[shard]
        );
        let (_, _, metrics) = exporters[shard].get("/metrics", &[]);
        assert_eq!(
            sample(&metrics, "wsdoctor_exporter_requests_refused_total"),
            Some(0.0),
            "shard {shard}"
        );
    }
}
