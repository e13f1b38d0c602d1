//! `cargo bench --bench echo_overhead`: wsdoctor's `--count` echo statistics against a plain
//! tokio-tungstenite client doing the same round trips to the same loopback lab, so the README can
//! say what the doctor adds per round trip.

use futures_util::{SinkExt, StreamExt};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use wsdoctor_core::model::evidence::Detail;
use wsdoctor_core::model::CheckId;
use wsdoctor_core::{Plan, Redactor, Settings, Target};
use wsdoctor_lab::{Lab, LabOptions};

const ROUND_TRIPS: usize = 1000;
const REPEATS: usize = 5;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A bare client: same JSON shape, no classification, no bookkeeping.
async fn plain_client(url: &str, addr: std::net::SocketAddr) -> Vec<f64> {
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("tcp");
    tcp.set_nodelay(true).expect("nodelay");
    let (mut socket, _) = tokio_tungstenite::client_async(url, tcp)
        .await
        .expect("upgrade");
    let mut rtts = Vec::with_capacity(ROUND_TRIPS);
    for seq in 0..ROUND_TRIPS {
        let text = format!(r#"{{"type":"bench","seq":{seq}}}"#);
        let start = Instant::now();
        socket.send(Message::text(text)).await.expect("send");
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(_))) => break,
                Some(Ok(_)) => continue,
                other => panic!("unexpected {other:?}"),
            }
        }
        rtts.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let _ = socket.close(None).await;
    rtts
}

/// wsdoctor's echo check with `--count`, through the core's runner with settings built directly.
async fn wsdoctor_client(url: &str) -> (f64, f64, f64) {
    let mut settings = Settings::new(Target::parse(url).expect("a target"));
    settings.only = vec![CheckId::Echo];
    settings.limits.echo_count = ROUND_TRIPS as u32;
    let settings = std::sync::Arc::new(settings);
    let plan = Plan::for_settings(&settings);
    let (events, _rx) = tokio::sync::mpsc::unbounded_channel();
    let (report, _) = wsdoctor_core::run(
        settings,
        plan,
        Redactor::default(),
        events,
        std::future::pending(),
    )
    .await;
    let echo = report.check(CheckId::Echo).expect("echo ran");
    match &echo.evidence.detail {
        Some(Detail::Echo(detail)) => {
            let stats = detail.round_trips.as_ref().expect("statistics");
            (stats.median_ms, stats.p99_ms, stats.mean_ms)
        }
        _ => panic!("the echo check reported no statistics: {}", echo.summary),
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let lab = Lab::start(LabOptions {
            ping_interval: None,
            ..LabOptions::default()
        })
        .await
        .expect("lab");
        let base = lab.base_url();
        let ws_url = format!("{}/ws-test", base.replacen("http://", "ws://", 1));
        // Warm up both paths once.
        let _ = plain_client(&ws_url, lab.addr()).await;
        let _ = wsdoctor_client(&base).await;
        let mut plain = Vec::new();
        let mut doctor = Vec::new();
        for _ in 0..REPEATS {
            // Both clients run as spawned tasks on the same runtime, so neither gets the
            // main thread to itself.
            let (url, addr) = (ws_url.clone(), lab.addr());
            let mut rtts = tokio::spawn(async move { plain_client(&url, addr).await })
                .await
                .expect("plain client task");
            rtts.sort_by(f64::total_cmp);
            let mean = rtts.iter().sum::<f64>() / rtts.len() as f64;
            plain.push((percentile(&rtts, 50.0), percentile(&rtts, 99.0), mean));
            let url = base.clone();
            doctor.push(
                tokio::spawn(async move { wsdoctor_client(&url).await })
                    .await
                    .expect("wsdoctor task"),
            );
        }
        let median_of = |v: &[(f64, f64, f64)], pick: fn(&(f64, f64, f64)) -> f64| {
            let mut xs: Vec<f64> = v.iter().map(pick).collect();
            xs.sort_by(f64::total_cmp);
            xs[xs.len() / 2]
        };
        println!("echo round trips on one loopback socket, {ROUND_TRIPS} per run, median of {REPEATS} runs (ms)");
        println!("                       median      p99     mean");
        for (name, rows) in [("plain tokio-tungstenite", &plain), ("wsdoctor --count", &doctor)] {
            println!(
                "  {name:<22} {:>7.3}  {:>7.3}  {:>7.3}",
                median_of(rows, |r| r.0),
                median_of(rows, |r| r.1),
                median_of(rows, |r| r.2)
            );
        }
        let overhead_us = (median_of(&doctor, |r| r.2) - median_of(&plain, |r| r.2)) * 1000.0;
        println!("  wsdoctor overhead per round trip (mean): {overhead_us:.1} µs");
        lab.shutdown().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    });
}
