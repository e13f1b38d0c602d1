//! `wsdoctor serve` reads its config again on SIGHUP and `POST /-/reload`, as blackbox_exporter
//! does: a target added becomes probe-able without a restart, a broken config leaves the old one
//! serving, and a probe in flight finishes on the config it started with.

use crate::serve::{config, http, sample, Server};
use crate::support::TestLab;
use std::time::{Duration, Instant};

fn reload_metrics(server: &Server) -> (f64, f64) {
    let (_, _, metrics) = server.get("/metrics", &[]);
    (
        sample(&metrics, "wsdoctor_config_last_reload_successful").expect("the reload gauge"),
        sample(
            &metrics,
            "wsdoctor_config_last_reload_success_timestamp_seconds",
        )
        .expect("the reload time"),
    )
}

fn target(name: &str, lab: &TestLab) -> String {
    format!(
        "[[targets]]\nname = \"{name}\"\nurl = \"{}\"\nsession = \"demo-session\"\n",
        lab.url
    )
}

#[test]
fn sighup_and_post_reload_add_a_target_and_a_broken_config_keeps_the_old_one() {
    let lab = TestLab::healthy();
    let dir = tempfile::tempdir().unwrap();
    let file = config(dir.path(), &target("one", &lab));
    let server = Server::start(&file, &[]);
    assert_eq!(reload_metrics(&server).0, 1.0);
    let (status, _, body) = server.get("/probe?target=two", &[]);
    assert_eq!(status, 400, "{body}");

    // SIGHUP: the new target is probed, the old one still is.
    std::fs::write(
        &file,
        format!("{}{}", target("one", &lab), target("two", &lab)),
    )
    .unwrap();
    let pid = server.child.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .unwrap()
        .success());
    server.log_line("config reloaded: 2 targets");
    for name in ["one", "two"] {
        let (status, _, body) = server.get(&format!("/probe?target={name}"), &[]);
        assert_eq!(status, 200);
        assert_eq!(sample(&body, "probe_success"), Some(1.0), "{name}: {body}");
    }
    let (ok, loaded_at) = reload_metrics(&server);
    assert_eq!(ok, 1.0);
    assert!(loaded_at > 1.7e9, "a Unix time: {loaded_at}");

    // A broken file: 500 with the reason, the old config keeps serving, the gauge says 0.
    std::fs::write(
        &file,
        "[[targets]]\nname = \"three\"\nurl = \"not a url\"\n",
    )
    .unwrap();
    let (status, _, body) = http(&server.addr, "POST", "/-/reload", &[]);
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("the previous one stays"), "{body}");
    server.log_line("config not reloaded");
    assert_eq!(reload_metrics(&server).0, 0.0);
    let (_, _, body) = server.get("/probe?target=two", &[]);
    assert_eq!(sample(&body, "probe_success"), Some(1.0), "{body}");

    // Mended, and reloaded over HTTP: the gauge is back to 1, and the target list is the file's.
    std::fs::write(&file, target("three", &lab)).unwrap();
    let (status, _, body) = http(&server.addr, "POST", "/-/reload", &[]);
    assert_eq!(status, 200, "{body}");
    assert_eq!(reload_metrics(&server).0, 1.0);
    let (status, _, _) = server.get("/probe?target=three", &[]);
    assert_eq!(status, 200);
    let (status, _, _) = server.get("/probe?target=one", &[]);
    assert_eq!(status, 400, "a target taken out of the file is gone");

    // Reloading is a change: GET is not allowed to make it.
    let (status, head, _) = server.get("/-/reload", &[]);
    assert_eq!(status, 405);
    assert!(head.to_ascii_lowercase().contains("allow: post"));
}

#[test]
fn a_probe_in_flight_finishes_on_the_config_it_started_with() {
    let lab = TestLab::healthy();
    let dir = tempfile::tempdir().unwrap();
    // A module that watches the terminal for two seconds keeps the probe in flight.
    let slow = format!("{}[modules.slow]\nobserve = \"2s\"\n", target("one", &lab));
    let file = config(dir.path(), &slow);
    let server = Server::start(&file, &[]);
    let addr = server.addr.clone();
    let started = Instant::now();
    let probe =
        std::thread::spawn(move || http(&addr, "GET", "/probe?target=one&module=slow", &[]));
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(&file, target("other", &lab)).unwrap();
    let (status, _, _) = http(&server.addr, "POST", "/-/reload", &[]);
    assert_eq!(status, 200);
    let (status, _, body) = probe.join().unwrap();
    assert_eq!(status, 200);
    assert_eq!(sample(&body, "probe_success"), Some(1.0), "{body}");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "it ran its whole window"
    );
    let (status, _, _) = server.get("/probe?target=one&module=slow", &[]);
    assert_eq!(status, 400, "new probes take the new config");
}
