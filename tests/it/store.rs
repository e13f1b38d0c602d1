//! The store check against real Redis servers, through the built binary: every cause it teaches,
//! the differential diagnosis it states, the secrets it must never show, and its usage errors.
//! Each failing case asserts the verdict, that the root cause leads `codes`, and the human
//! headline (the last line of stdout).

use crate::redis::{SlowPath, TestRedis};
use crate::support::{check, refusing_port, run, spawn_until, wsdoctor, Run, TestLab};
use serde_json::Value;
use std::time::Duration;
use wsdoctor_lab::{Fault, LabOptions, RedisStoreOptions, DEFAULT_SESSION};

/// The password every test server has; a word of the report itself, so a leak cannot hide.
const PASSWORD: &str = "pass";

/// A run with the human view on stdout and the JSON report in a file: one run, both formats.
struct Both {
    human: Run,
    report: Value,
}

impl Both {
    fn headline(&self) -> &str {
        self.human.stdout.lines().last().unwrap_or_default()
    }

    fn store(&self) -> &Value {
        check(&self.report, "store")
    }

    fn diagnosis(&self) -> String {
        self.report["diagnosis"]
            .as_array()
            .map(|lines| {
                lines
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }

    /// The run failed, `code` leads `codes` and the headline, and the store check failed with
    /// `cause`. No secret in either output.
    fn assert_root(&self, code: &str, store_cause: Option<&str>) {
        assert_eq!(self.report["verdict"], "fail", "{}", self.human.stdout);
        assert_eq!(self.report["codes"][0], code, "{:#}", self.report["codes"]);
        assert!(
            self.headline().starts_with(&format!("FAIL {code}")),
            "{}",
            self.headline()
        );
        if let Some(cause) = store_cause {
            assert_eq!(self.store()["status"], "fail", "{:#}", self.store());
            assert_eq!(
                self.store()["failure"]["cause"],
                cause,
                "{:#}",
                self.store()
            );
        }
        self.assert_no_secret();
    }

    fn assert_no_secret(&self) {
        for text in [
            &self.human.stdout,
            &self.human.stderr,
            &self.report.to_string(),
        ] {
            assert!(
                !text.contains(&format!(":{PASSWORD}@")) && !text.contains("s3cret"),
                "a credential leaked:\n{text}"
            );
        }
        crate::support::assert_schema_valid(&self.report);
    }
}

fn both(args: &[&str]) -> Both {
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("report.json");
    let mut full: Vec<&str> = args.to_vec();
    let path = file.display().to_string();
    full.extend(["--format", "json", "--output", &path]);
    let human = run(&full);
    assert!(
        matches!(human.code, 0 | 1),
        "exit {}: {}",
        human.code,
        human.stderr
    );
    let text = std::fs::read_to_string(&file).expect("the report was written");
    Both {
        human,
        report: serde_json::from_str(&text).expect("the report is JSON"),
    }
}

/// `check` of the store alone (the target is never contacted with --only store).
fn store_only(url: &str, extra: &[&str]) -> Both {
    let mut args = vec![
        "check",
        "http://127.0.0.1:9/",
        "--only",
        "store",
        "--redis-url",
        url,
    ];
    args.extend_from_slice(extra);
    both(&args)
}

/// A lab whose sessions live in `redis` (`session:{id}`), with a short validation timeout.
fn lab_on(redis: &TestRedis, fault: Option<Fault>) -> TestLab {
    TestLab::start(LabOptions {
        store: Some(RedisStoreOptions::new(redis.url(0))),
        fault,
        validation_timeout: Duration::from_millis(500),
        ..LabOptions::default()
    })
}

#[test]
fn a_healthy_store_passes_with_its_facts_and_the_full_chain() {
    let redis = TestRedis::start(PASSWORD, &[]);
    let url = redis.url(0);
    let run = both(&["demo", "--redis-url", &url, "--observe", "0s"]);
    assert_eq!(run.report["verdict"], "pass", "{}", run.human.stdout);
    let store = run.store();
    assert_eq!(store["status"], "pass");
    let evidence = &store["evidence"];
    assert_eq!(
        evidence["store"],
        format!("redis://[REDACTED]@127.0.0.1:{}/0", redis.port)
    );
    assert_eq!(evidence["role"], "master");
    assert!(evidence["server_version"]
        .as_str()
        .is_some_and(|v| !v.is_empty()));
    assert_eq!(evidence["maxmemory_policy"], "noeviction");
    assert_eq!(evidence["round_trips"]["received"], 10);
    assert!(evidence["round_trips"]["median_ms"]
        .as_f64()
        .is_some_and(|m| m > 0.0));
    // The key template came from the lab's diagnostics endpoint, and the key has the lab's TTL.
    let key = &evidence["session_key"];
    assert_eq!(
        key["key"], "session:[REDACTED]",
        "the session id in the key is a secret"
    );
    assert_eq!(key["template_from"], "the diagnostics endpoint");
    assert_eq!(key["type"], "string");
    assert!(key["ttl_ms"].as_u64().is_some_and(|t| t > 3_000_000));
    for phase in ["tcp_connect", "store_round_trip"] {
        assert!(store["timings"][phase].is_number(), "{phase}");
    }
    assert!(run.human.stdout.contains("✓ store"), "{}", run.human.stdout);
    run.assert_no_secret();
}

#[test]
fn an_unreachable_store_names_the_transport_failure_beneath() {
    let refusing = refusing_port();
    let url = format!("redis://:{PASSWORD}@127.0.0.1:{}/0", refusing.port);
    let run = store_only(&url, &[]);
    run.assert_root("SESSION_STORE_ERROR", Some("store_unreachable"));
    assert_eq!(
        run.store()["evidence"]["underlying"]["cause"],
        "tcp_refused"
    );
    assert!(run
        .human
        .stdout
        .contains("underlying: CONNECTION_FAILED (tcp_refused)"));
}

#[test]
fn refused_credentials_are_an_authentication_failure() {
    let redis = TestRedis::start(PASSWORD, &[]);
    let wrong = format!("redis://:s3cret@127.0.0.1:{}/0", redis.port);
    let run = store_only(&wrong, &[]);
    run.assert_root("SESSION_STORE_ERROR", Some("store_auth_refused"));
    assert!(run.store()["failure"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("WRONGPASS")));
    let none = format!("redis://127.0.0.1:{}/0", redis.port);
    let run = store_only(&none, &[]);
    run.assert_root("SESSION_STORE_ERROR", Some("store_auth_refused"));
    assert!(run.store()["failure"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("NOAUTH")));
}

#[test]
fn a_wrong_database_is_named_whether_it_is_missing_or_merely_empty() {
    let redis = TestRedis::start(PASSWORD, &[]);
    let run = store_only(&redis.url(99), &[]);
    run.assert_root("SESSION_STORE_ERROR", Some("store_wrong_database"));
    // The session lives in database 0; the URL says 1.
    let _: () = redis.cmd(0, redis::cmd("SET").arg("session:abc").arg("1"));
    let run = store_only(
        &redis.url(1),
        &["--session", "abc", "--session-key", "session:{session}"],
    );
    run.assert_root("SESSION_STORE_ERROR", Some("store_wrong_database"));
    assert_eq!(
        run.store()["evidence"]["session_key"]["found_in_databases"],
        serde_json::json!([0])
    );
}

#[test]
fn a_busy_store_and_a_replica_are_not_ready() {
    let redis = TestRedis::start(PASSWORD, &["--busy-reply-threshold", "50"]);
    // A script that never ends: the store answers BUSY to everyone else.
    let client = redis.client();
    let script = std::thread::spawn(move || {
        if let Ok(mut connection) = client.get_connection() {
            let _ = redis::cmd("EVAL")
                .arg("while true do end")
                .arg(0)
                .query::<redis::Value>(&mut connection);
        }
    });
    let busy = || {
        redis
            .client()
            .get_connection_with_timeout(Duration::from_secs(1))
            .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c))
            .err()
            .is_some_and(|e| e.code() == Some("BUSY"))
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !busy() {
        assert!(
            std::time::Instant::now() < deadline,
            "the store never got busy"
        );
        // Between two polls, not instead of one.
        std::thread::sleep(Duration::from_millis(10));
    }
    let run = store_only(&redis.url(0), &[]);
    run.assert_root("SESSION_STORE_ERROR", Some("store_not_ready"));
    assert!(run.store()["failure"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("BUSY")));
    let mut redis = redis;
    redis.kill();
    let _ = script.join();

    let primary = TestRedis::start(PASSWORD, &[]);
    let port = primary.port.to_string();
    let replica = TestRedis::start(
        PASSWORD,
        &["--replicaof", "127.0.0.1", &port, "--masterauth", PASSWORD],
    );
    let run = store_only(&replica.url(0), &[]);
    run.assert_root("SESSION_STORE_ERROR", Some("store_not_ready"));
    assert_eq!(run.store()["evidence"]["role"], "slave");
    assert!(run.store()["failure"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("read-only replica")));
}

#[test]
fn a_slow_store_fails_on_its_median_and_a_silent_one_on_the_timeout() {
    let redis = TestRedis::start(PASSWORD, &[]);
    let slow = SlowPath::to(redis.port, Duration::from_millis(15));
    let url = format!("redis://:{PASSWORD}@127.0.0.1:{}/0", slow.port);
    let run = store_only(&url, &["--store-slow", "20ms", "--store-pings", "5"]);
    run.assert_root("SESSION_STORE_ERROR", Some("store_slow"));
    assert!(run.store()["evidence"]["round_trips"]["median_ms"]
        .as_f64()
        .is_some_and(|m| m >= 20.0));
    // The same path under a generous threshold is fine: the threshold is the user's.
    let run = store_only(&url, &["--store-slow", "5s", "--store-pings", "3"]);
    assert_eq!(run.store()["status"], "pass", "{:#}", run.store());

    // Every client paused for longer than a step may take: no answer at all.
    let _: () = redis.cmd(0, redis::cmd("CLIENT").arg("PAUSE").arg(5000).arg("ALL"));
    let run = store_only(&redis.url(0), &["--connect-timeout", "300ms"]);
    run.assert_root("SESSION_STORE_ERROR", Some("store_slow"));
    assert!(
        run.human.elapsed < Duration::from_secs(4),
        "{:?}",
        run.human.elapsed
    );
}

#[test]
fn tls_to_the_store_uses_the_same_trust_as_the_target() {
    let redis = TestRedis::start_tls(PASSWORD);
    let ca = redis.ca_file().display().to_string();
    let run = store_only(&redis.url(0), &["--cacert", &ca]);
    assert_eq!(run.store()["status"], "pass", "{:#}", run.store());
    assert_eq!(run.store()["evidence"]["store_tls"], true);
    assert!(run.store()["timings"]["tls_handshake"].is_number());
    // Verification is on: without the CA the certificate is not trusted.
    let run = store_only(&redis.url(0), &[]);
    run.assert_root("SESSION_STORE_ERROR", Some("store_tls"));
    assert_eq!(
        run.store()["evidence"]["underlying"]["cause"],
        "tls_unknown_issuer"
    );
    // Plain RESP to a TLS port: the store hangs up, and the hint says why it may have.
    let plain = format!("redis://:{PASSWORD}@127.0.0.1:{}/0", redis.port);
    let run = store_only(&plain, &["--connect-timeout", "2s"]);
    run.assert_root("SESSION_STORE_ERROR", Some("store_unreachable"));
    assert!(run.store()["failure"]["hint"]
        .as_str()
        .is_some_and(|h| h.contains("rediss://")));
}

#[test]
fn an_allkeys_eviction_policy_warns_that_sessions_can_be_evicted() {
    let redis = TestRedis::start(PASSWORD, &["--maxmemory-policy", "allkeys-lru"]);
    let run = store_only(&redis.url(0), &[]);
    assert_eq!(run.report["verdict"], "warn");
    assert_eq!(run.store()["status"], "warn");
    assert!(run.store()["warning"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("allkeys-lru") && m.contains("sessions included")));
    assert!(run.headline().starts_with("WARN"), "{}", run.headline());
}

#[test]
fn a_key_that_expires_soon_warns_and_one_that_runs_out_during_the_run_is_gone() {
    let redis = TestRedis::start(PASSWORD, &[]);
    let _: () = redis.cmd(
        0,
        redis::cmd("SET")
            .arg("session:soon")
            .arg("1")
            .arg("EX")
            .arg(120),
    );
    let run = store_only(
        &redis.url(0),
        &["--session", "soon", "--session-key", "session:{session}"],
    );
    assert_eq!(run.report["verdict"], "warn");
    assert_eq!(run.report["codes"], serde_json::json!(["SESSION_INVALID"]));
    assert_eq!(run.store()["warning"]["cause"], "session_expiring");
    assert!(
        run.headline().starts_with("WARN SESSION_INVALID"),
        "{}",
        run.headline()
    );

    // 300 ms left when the run starts; the slow path makes the PINGs alone take longer.
    let slow = SlowPath::to(redis.port, Duration::from_millis(20));
    let _: () = redis.cmd(
        0,
        redis::cmd("SET")
            .arg("session:brief")
            .arg("1")
            .arg("PX")
            .arg(300),
    );
    let left: i64 = redis.cmd(0, redis::cmd("PTTL").arg("session:brief"));
    assert!(left > 0, "the key must exist when the run starts");
    let url = format!("redis://:{PASSWORD}@127.0.0.1:{}/0", slow.port);
    let run = store_only(
        &url,
        &[
            "--session",
            "brief",
            "--session-key",
            "session:{session}",
            "--store-slow",
            "5s",
        ],
    );
    run.assert_root("SESSION_INVALID", Some("session_expired_or_never_created"));
    assert!(run.human.elapsed > Duration::from_millis(300));
    let exists: i64 = redis.cmd(0, redis::cmd("EXISTS").arg("session:brief"));
    assert_eq!(exists, 0);
}

#[test]
fn invalid_and_missing_means_never_created_or_expired() {
    let redis = TestRedis::start(PASSWORD, &[]);
    let lab = lab_on(&redis, None);
    let url = redis.url(0);
    let run = both(&[
        "check",
        &lab.url,
        "--session",
        "never-made",
        "--redis-url",
        &url,
        "--attempts",
        "1",
    ]);
    run.assert_root("SESSION_INVALID", Some("session_expired_or_never_created"));
    assert_eq!(
        check(&run.report, "session")["failure"]["cause"],
        "session_invalid"
    );
    assert!(
        run.diagnosis().contains(
            "is not in the store (database 0): the session was never created or has expired"
        ),
        "{}",
        run.diagnosis()
    );
}

#[test]
fn invalid_while_the_key_is_healthy_means_the_lookup_is_wrong() {
    let redis = TestRedis::start(PASSWORD, &[]);
    let url = redis.url(0);
    let run = both(&[
        "demo",
        "--fault",
        "invalid-session",
        "--redis-url",
        &url,
        "--attempts",
        "1",
    ]);
    run.assert_root("SESSION_INVALID", None);
    assert_eq!(run.store()["status"], "pass", "{:#}", run.store());
    assert!(
        run.diagnosis()
            .contains("yet its key session:[REDACTED] exists in the store")
            && run
                .diagnosis()
                .contains("the application's lookup is wrong"),
        "{}",
        run.diagnosis()
    );
}

#[test]
fn a_validation_hang_with_a_dead_store_blames_the_store() {
    let mut redis = TestRedis::start(PASSWORD, &[]);
    let lab = lab_on(&redis, None);
    redis.kill();
    let url = redis.url(0);
    let run = both(&[
        "check",
        &lab.url,
        "--session",
        DEFAULT_SESSION,
        "--redis-url",
        &url,
        "--skip",
        "session",
        "--attempts",
        "1",
    ]);
    run.assert_root("SESSION_STORE_ERROR", Some("store_unreachable"));
    assert_eq!(
        check(&run.report, "terminal")["failure"]["cause"],
        "server_timeout"
    );
    assert_eq!(
        check(&run.report, "diagnostics")["failure"]["cause"],
        "store_disconnected"
    );
    assert!(
        run.diagnosis().contains("the session store cannot be reached from here (store_unreachable): the store is the suspect"),
        "{}",
        run.diagnosis()
    );
}

#[test]
fn a_validation_hang_with_a_fast_store_blames_the_applications_lookup() {
    let redis = TestRedis::start(PASSWORD, &[]);
    let url = redis.url(0);
    let run = both(&[
        "demo",
        "--fault",
        "store-hang",
        "--redis-url",
        &url,
        "--attempts",
        "1",
    ]);
    run.assert_root("CONNECTION_TIMEOUT", None);
    assert_eq!(run.store()["status"], "pass");
    assert_eq!(
        check(&run.report, "terminal")["evidence"]["close_code"],
        1008
    );
    assert!(
        run.diagnosis()
            .contains("while the session store answers fast from here")
            && run
                .diagnosis()
                .contains("the application's lookup is the suspect"),
        "{}",
        run.diagnosis()
    );
}

#[test]
fn a_store_the_application_lost_but_we_reach_points_at_its_redis_url() {
    let redis = TestRedis::start(PASSWORD, &[]);
    let url = redis.url(0);
    let run = both(&[
        "demo",
        "--fault",
        "store-down",
        "--redis-url",
        &url,
        "--attempts",
        "1",
    ]);
    run.assert_root("SESSION_STORE_ERROR", None);
    assert_eq!(
        check(&run.report, "diagnostics")["failure"]["cause"],
        "store_disconnected"
    );
    assert_eq!(run.store()["status"], "pass");
    assert!(
        run.diagnosis().contains(
            "the deployment's REDIS_URL, its network path to the store, or its credentials differ"
        ),
        "{}",
        run.diagnosis()
    );
}

#[test]
fn a_store_killed_mid_run_is_lost_not_slow() {
    let mut redis = TestRedis::start(PASSWORD, &[]);
    let slow = SlowPath::to(redis.port, Duration::from_millis(20));
    let url = format!("redis://:{PASSWORD}@127.0.0.1:{}/0", slow.port);
    let dir = tempfile::tempdir().expect("a directory");
    let report = dir.path().join("report.json").display().to_string();
    let spawned = spawn_until(
        &[
            "check",
            "http://127.0.0.1:9/",
            "--only",
            "store",
            "--redis-url",
            &url,
            "--store-pings",
            "200",
            "--store-slow",
            "5s",
            "--verbose",
            "--format",
            "json",
            "--output",
            &report,
        ],
        "timing 200 PINGs",
        true,
    );
    redis.kill();
    let (code, _, stdout) = spawned.finish();
    assert_eq!(code, Some(1), "{stdout}");
    let headline = stdout.lines().last().unwrap_or_default();
    assert!(
        headline.starts_with("FAIL SESSION_STORE_ERROR"),
        "{headline}"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("a report")).expect("JSON");
    let store = check(&report, "store");
    assert_eq!(store["failure"]["cause"], "store_unreachable", "{store:#}");
    assert!(
        store["failure"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("was lost")),
        "{store:#}"
    );
}

#[test]
fn bad_store_input_is_a_usage_error_without_the_secret() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["--redis-url", "redis://:s3cret@127.0.0.1:notaport"],
            "--redis-url",
        ),
        (
            &["--redis-url", "memcached://:s3cret@127.0.0.1:11211"],
            "not supported",
        ),
        (
            &[
                "--redis-url",
                "redis://:s3cret@127.0.0.1:6379",
                "--session",
                "abc",
                "--session-key",
                "session:",
            ],
            "{session}",
        ),
        (&["--session-key", "session:{session}"], "no store is given"),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["check", "http://127.0.0.1:9/"];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("s3cret"), "{}", out.stderr);
    }
    // From the environment, the variable is named.
    let out = wsdoctor()
        .args(["check", "http://127.0.0.1:9/", "--dry-run"])
        .env("REDIS_URL", "redis://:s3cret@127.0.0.1:6379/x")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("REDIS_URL") && !stderr.contains("s3cret"),
        "{stderr}"
    );
    // A good one from the environment is used, redacted.
    let out = wsdoctor()
        .args(["check", "http://127.0.0.1:9/", "--dry-run"])
        .env("REDIS_URL", "redis://:s3cret@127.0.0.1:6379/2")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("store       redis://[REDACTED]@127.0.0.1:6379/2 (REDIS_URL)"),
        "{stdout}"
    );
    assert!(!stdout.contains("s3cret"));
}

#[test]
fn a_missing_key_for_a_session_the_application_accepts_is_our_template_not_the_session() {
    let redis = TestRedis::start(PASSWORD, &[]);
    let lab = lab_on(&redis, None);
    let url = redis.url(0);
    let run = both(&[
        "check",
        &lab.url,
        "--session",
        DEFAULT_SESSION,
        "--redis-url",
        &url,
        "--session-key",
        "sess:{session}",
        "--observe",
        "0s",
    ]);
    assert_eq!(run.report["verdict"], "warn", "{}", run.human.stdout);
    assert_eq!(check(&run.report, "session")["status"], "pass");
    assert_eq!(run.store()["status"], "warn");
    assert!(
        run.store()["warning"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("yet the application accepts the session")),
        "{:#}",
        run.store()
    );
    assert!(run.headline().starts_with("WARN"), "{}", run.headline());
    run.assert_no_secret();
}

/// A fake store on loopback that answers the first command on one connection with `reply`,
/// written until the client hangs up or `cap` bytes went out; returns its port.
fn hostile_store(head: &'static [u8], filler: u8, tail: &'static [u8], cap: usize) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let Ok((mut socket, _)) = listener.accept() else {
            return;
        };
        let mut command = [0u8; 4096];
        if socket.read(&mut command).unwrap_or(0) == 0 {
            return;
        }
        if socket.write_all(head).is_err() {
            return;
        }
        let chunk = vec![filler; 64 * 1024];
        let mut sent = 0;
        while sent < cap {
            if socket.write_all(&chunk).is_err() {
                return;
            }
            sent += chunk.len();
        }
        let _ = socket.write_all(tail);
        // Held open until the client is done with it.
        let _ = socket.read(&mut command);
    });
    port
}

#[test]
fn a_reply_past_the_store_limits_is_cut_off_with_a_bounded_memory_and_named_as_ours() {
    // A 1 GiB bulk string announced and streamed; an error line that never ends. Before, the
    // first drove wsdoctor past 500 MiB and the second past 250 MiB (everything buffered).
    for (name, head, filler) in [
        ("bulk", &b"$1073741824\r\n"[..], b'a'),
        ("line", &b"-ERR "[..], b'a'),
    ] {
        let port = hostile_store(head, filler, b"\r\n", 256 * 1024 * 1024);
        let url = format!("redis://127.0.0.1:{port}/0");
        let (run, peak_kib) = crate::support::run_measured(&[
            "check",
            "http://127.0.0.1:9/",
            "--only",
            "store",
            "--redis-url",
            &url,
            "--format",
            "json",
        ]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(peak_kib < 64 * 1024, "{name}: peak RSS {peak_kib} KiB");
        assert!(
            run.elapsed < Duration::from_secs(10),
            "{name}: {:?}",
            run.elapsed
        );
        let report = run.json();
        let store = check(&report, "store");
        assert_eq!(
            store["failure"]["code"], "SESSION_STORE_ERROR",
            "{name}: {store:#}"
        );
        let message = store["failure"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("answered PING with more than 1024 KiB (or a line of 64 KiB), the most wsdoctor reads of one reply"),
            "{name}: {message}"
        );
    }
}

#[test]
fn a_store_s_long_error_is_cut_to_512_bytes_like_all_server_text() {
    // An 8 KB AUTH error was printed whole.
    let port = hostile_store(b"-WRONGPASS ", b'b', b"\r\n", 8 * 1024);
    let url = format!("redis://:{PASSWORD}@127.0.0.1:{port}/0");
    let run = store_only(&url, &[]);
    run.assert_root("SESSION_STORE_ERROR", Some("store_auth_refused"));
    let longest_run = |text: &str| {
        text.split(|c| c != 'b')
            .map(str::len)
            .max()
            .unwrap_or_default()
    };
    let message = run.store()["failure"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("WRONGPASS bbbb"), "{message}");
    assert!(message.contains('…'), "{message}");
    for text in [&run.human.stdout, &run.report.to_string()] {
        assert!(
            longest_run(text) <= 512,
            "{} b's in a row",
            longest_run(text)
        );
    }
}
