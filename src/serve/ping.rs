//! The exporter's ping series: a module (or a target, or `[defaults]`) with `ping-samples = N`
//! also takes N round trips on one socket per probe, beside the checklist, and exports their
//! quantiles, jitter, loss and cuts. The series ends at the probe's deadline at the latest:
//! samples it had no time to send are ours to lose, never counted against the target.

use super::metrics::{Exposition, Flavour};
use crate::config::{ConfigFile, Entry};
use std::sync::Arc;
use std::time::Duration;
use wsdoctor_core::model::ping::{PingMode, PingSummary};
use wsdoctor_core::model::Verdict;
use wsdoctor_core::ping::PingOptions;
use wsdoctor_core::{Redactor, Settings};

/// The most samples a probe takes.
const MAX_SAMPLES: u64 = 10_000;

/// The time between samples unless the file says otherwise.
const DEFAULT_INTERVAL: Duration = Duration::from_millis(100);

/// A probe's series, as the file asks for it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Series {
    samples: u64,
    interval: Duration,
}

/// The series of `target` under `module` (later tables win: `[defaults]`, the target, the
/// module), or why the file's values are unusable.
pub(crate) fn series_of(
    file: Option<&ConfigFile>,
    target: &str,
    module: &str,
) -> Result<Option<Series>, String> {
    let Some(file) = file else {
        return Ok(None);
    };
    let mut layers: Vec<&[Entry]> = vec![file.defaults.as_slice()];
    if let Some(named) = file.targets.iter().find(|t| t.name == target) {
        layers.push(named.entries.as_slice());
    }
    if let Some(entries) = file.modules.get(module) {
        layers.push(entries.as_slice());
    }
    let value = |key: &str| {
        layers
            .iter()
            .flat_map(|layer| layer.iter())
            .rfind(|e| e.key == key)
            .and_then(|e| e.values.first().map(|v| (v.clone(), e.line)))
    };
    let Some((samples, line)) = value("ping-samples") else {
        return Ok(None);
    };
    let samples = samples
        .parse::<u64>()
        .ok()
        .filter(|n| (1..=MAX_SAMPLES).contains(n))
        .ok_or_else(|| {
            format!(
                "line {line}: ping-samples: {samples:?} is not a number from 1 to {MAX_SAMPLES}"
            )
        })?;
    let interval = match value("ping-interval") {
        Some((text, line)) => crate::cli::parse_ping_interval(&text)
            .map_err(|e| format!("line {line}: ping-interval: {e}"))?,
        None => DEFAULT_INTERVAL,
    };
    Ok(Some(Series { samples, interval }))
}

/// Runs the series on its own socket, ending at the probe's deadline at the latest.
/// Nothing is copied for a probe without a series: this runs beside every probe.
pub(crate) async fn run(
    series: Option<Series>,
    settings: &Settings,
    redactor: &Redactor,
) -> Option<PingSummary> {
    let series = series?;
    let settings = Arc::new(settings.clone());
    let redactor = redactor.clone();
    let deadline = settings.limits.deadline();
    let options = PingOptions {
        mode: PingMode::Ping,
        interval: series.interval,
        count: Some(series.samples),
        sample_timeout: series
            .interval
            .saturating_mul(2)
            .max(Duration::from_secs(1))
            .min(settings.limits.ws_timeout),
        max_reconnects: 2,
        reconnect_delay: Duration::from_millis(250),
    };
    let mut ignore = |_| {};
    Some(
        wsdoctor_core::ping::run(
            settings,
            redactor,
            options,
            &mut ignore,
            tokio::time::sleep(deadline),
        )
        .await,
    )
}

/// The series' metrics, put into the probe's exposition (before OpenMetrics' `# EOF`).
pub(crate) fn append(body: String, summary: Option<&PingSummary>, flavour: Flavour) -> String {
    let Some(s) = summary else {
        return body;
    };
    let mut out = Exposition::new(Flavour::Text);
    let gauge = |out: &mut Exposition, name: &str, help: &str, value: f64| {
        out.family(name, "gauge", help);
        out.sample(name, &[], value);
    };
    gauge(
        &mut out,
        "wsdoctor_ping_success",
        "Whether the ping socket opened and kept (or got back) its answers: the series' verdict is not fail.",
        f64::from(u8::from(s.verdict != Verdict::Fail)),
    );
    gauge(
        &mut out,
        "wsdoctor_ping_samples",
        "Ping samples that ended (answered or lost).",
        s.sent as f64,
    );
    gauge(
        &mut out,
        "wsdoctor_ping_lost",
        "Ping samples not answered within their timeout, or cut in flight.",
        s.lost as f64,
    );
    gauge(
        &mut out,
        "wsdoctor_ping_loss_ratio",
        "Lost samples over samples (0 to 1).",
        s.loss_percent / 100.0,
    );
    if let Some(rtt) = &s.rtt {
        out.family(
            "wsdoctor_ping_rtt_seconds",
            "gauge",
            "Round-trip time of the answered ping samples, by quantile (0 is the fastest, 1 the slowest).",
        );
        for (q, ms) in [
            ("0", rtt.min_ms),
            ("0.5", rtt.p50_ms),
            ("0.9", rtt.p90_ms),
            ("0.99", rtt.p99_ms),
            ("1", rtt.max_ms),
        ] {
            out.sample("wsdoctor_ping_rtt_seconds", &[("quantile", q)], ms / 1000.0);
        }
        gauge(
            &mut out,
            "wsdoctor_ping_rtt_avg_seconds",
            "Mean round-trip time of the answered ping samples.",
            rtt.avg_ms / 1000.0,
        );
    }
    if let Some(jitter) = s.jitter_ms {
        gauge(
            &mut out,
            "wsdoctor_ping_jitter_seconds",
            "RFC 3550 interarrival jitter over consecutive round trips.",
            jitter / 1000.0,
        );
    }
    out.family(
        "wsdoctor_ping_cuts",
        "gauge",
        "Sockets cut under the ping series, by cause (as the checks classify an ending).",
    );
    for (cause, n) in &s.cut_causes {
        out.sample("wsdoctor_ping_cuts", &[("cause", cause)], *n as f64);
    }
    gauge(
        &mut out,
        "wsdoctor_ping_reconnects",
        "New sockets opened after a cut during the ping series.",
        s.reconnects as f64,
    );
    gauge(
        &mut out,
        "wsdoctor_ping_cut_short",
        "1 when the probe's deadline (the scrape timeout) ended the series before all its samples: ours, not the target's.",
        f64::from(u8::from(s.interrupted)),
    );
    let ours = out.finish();
    match (flavour, body.strip_suffix("# EOF\n")) {
        (Flavour::OpenMetrics, Some(head)) => format!("{head}{ours}# EOF\n"),
        _ => body + &ours,
    }
}
