//! A report as Prometheus metrics, in the text exposition format or OpenMetrics. Names follow
//! blackbox_exporter where it has a metric for the same fact (`probe_success`,
//! `probe_duration_seconds`, `probe_ssl_earliest_cert_expiry`, `probe_websocket_*`), so existing
//! alert rules and dashboards keep working. Every label value comes from a closed set (check ids,
//! phases, codes, causes, platforms): no URL, session or server text ever becomes a label.

use std::fmt::Write;
use wsdoctor_core::model::evidence::Detail;
use wsdoctor_core::model::{CheckId, Report, Status, Verdict};

/// The exposition flavour a scraper asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    /// `text/plain; version=0.0.4`.
    Text,
    /// `application/openmetrics-text; version=1.0.0`.
    OpenMetrics,
}

impl Flavour {
    /// From the request's `Accept` header.
    pub(crate) fn from_accept(accept: Option<&str>) -> Flavour {
        match accept {
            Some(accept) if accept.contains("application/openmetrics-text") => Flavour::OpenMetrics,
            _ => Flavour::Text,
        }
    }

    /// The response's content type.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Flavour::Text => "text/plain; version=0.0.4; charset=utf-8",
            Flavour::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// Builds an exposition: each family announced once, with its help and type.
pub(crate) struct Exposition {
    text: String,
    flavour: Flavour,
}

impl Exposition {
    /// An empty exposition.
    pub(crate) fn new(flavour: Flavour) -> Exposition {
        Exposition {
            text: String::new(),
            flavour,
        }
    }

    /// Announces a family. OpenMetrics names a counter without its `_total` and an info family
    /// without its `_info`, and types the latter `info`.
    pub(crate) fn family(&mut self, name: &str, kind: &str, help: &str) {
        let (name, kind) = match self.flavour {
            Flavour::OpenMetrics if kind == "counter" => {
                (name.strip_suffix("_total").unwrap_or(name), kind)
            }
            Flavour::OpenMetrics if name.ends_with("_info") => {
                (name.strip_suffix("_info").unwrap_or(name), "info")
            }
            _ => (name, kind),
        };
        let _ = writeln!(self.text, "# HELP {name} {help}");
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
    }

    /// One sample.
    pub(crate) fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.text.push_str(name);
        if !labels.is_empty() {
            self.text.push('{');
            for (i, (key, value)) in labels.iter().enumerate() {
                if i > 0 {
                    self.text.push(',');
                }
                let _ = write!(self.text, "{key}=\"{}\"", escape(value));
            }
            self.text.push('}');
        }
        let _ = writeln!(self.text, " {}", number(value));
    }

    /// The text, terminated as the flavour wants.
    pub(crate) fn finish(mut self) -> String {
        if self.flavour == Flavour::OpenMetrics {
            self.text.push_str("# EOF\n");
        }
        self.text
    }
}

/// A label value escaped by the exposition rules.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        // Microseconds are the resolution of every timing; more digits are float noise.
        let text = format!("{value:.6}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn seconds(ms: f64) -> f64 {
    ms / 1000.0
}

/// The metrics of one probe.
pub(crate) fn probe(report: &Report, observe: std::time::Duration, flavour: Flavour) -> String {
    let mut out = Exposition::new(flavour);
    let ok = report.verdict != Verdict::Fail;
    out.family(
        "probe_success",
        "gauge",
        "Whether the probe succeeded (no check failed).",
    );
    out.sample("probe_success", &[], if ok { 1.0 } else { 0.0 });
    out.family(
        "probe_duration_seconds",
        "gauge",
        "How long the probe took.",
    );
    out.sample("probe_duration_seconds", &[], seconds(report.duration_ms));
    out.family(
        "wsdoctor_probe_warning",
        "gauge",
        "Whether the probe passed with a warning (a socket that only worked on a retry, an expiring certificate, Origin not enforced).",
    );
    out.sample(
        "wsdoctor_probe_warning",
        &[],
        if report.verdict == Verdict::Warn {
            1.0
        } else {
            0.0
        },
    );
    out.family(
        "wsdoctor_probe_observe_seconds",
        "gauge",
        "How long a socket was watched after it did its job; shorter than the module's window when fitted to the scrape timeout.",
    );
    out.sample("wsdoctor_probe_observe_seconds", &[], observe.as_secs_f64());
    check_metrics(report, &mut out);
    if let Some(platform) = &report.platform {
        out.family(
            "wsdoctor_platform_info",
            "gauge",
            "The platform fingerprinted in front of the application (always 1).",
        );
        let name: &'static str = platform.id.into();
        out.sample("wsdoctor_platform_info", &[("platform", name)], 1.0);
    }
    tls_metrics(report, &mut out);
    websocket_metrics(report, &mut out);
    echo_metrics(report, &mut out);
    hold_metrics(report, &mut out);
    out.finish()
}

/// The families with a sample per check that ran (skipped checks are absent).
fn check_metrics(report: &Report, out: &mut Exposition) {
    let ran: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status != Status::Skip)
        .collect();
    out.family(
        "wsdoctor_check_success",
        "gauge",
        "Whether a check passed (1, warnings included) or failed (0); skipped checks are absent.",
    );
    for check in &ran {
        let value = if check.status == Status::Fail {
            0.0
        } else {
            1.0
        };
        out.sample(
            "wsdoctor_check_success",
            &[("check", check.id.as_str())],
            value,
        );
    }
    out.family(
        "wsdoctor_check_duration_seconds",
        "gauge",
        "Wall time of a check.",
    );
    for check in &ran {
        out.sample(
            "wsdoctor_check_duration_seconds",
            &[("check", check.id.as_str())],
            seconds(check.duration_ms),
        );
    }
    out.family(
        "wsdoctor_phase_seconds",
        "gauge",
        "A timed phase of a check: dns, tcp_connect, proxy_connect, tls_handshake, h2_settings, http_ttfb, ws_handshake, h2_connect, h2_first_frame, echo_round_trip, first_message, store_handshake, store_round_trip, browser_launch, page_load.",
    );
    for check in &ran {
        for (phase, ms) in &check.timings {
            out.sample(
                "wsdoctor_phase_seconds",
                &[("check", check.id.as_str()), ("phase", phase.as_str())],
                seconds(*ms),
            );
        }
    }
    out.family(
        "wsdoctor_failure_info",
        "gauge",
        "A failed check's code and cause (always 1).",
    );
    for check in &ran {
        if let Some(failure) = &check.failure {
            out.sample(
                "wsdoctor_failure_info",
                &[
                    ("check", check.id.as_str()),
                    ("code", failure.code.as_str()),
                    ("cause", failure.cause.as_str()),
                ],
                1.0,
            );
        }
    }
    out.family(
        "wsdoctor_warning_info",
        "gauge",
        "A warned check's code and cause (always 1).",
    );
    for check in &ran {
        if let Some(warning) = &check.warning {
            out.sample(
                "wsdoctor_warning_info",
                &[
                    ("check", check.id.as_str()),
                    ("code", warning.code.as_str()),
                    ("cause", warning.cause.as_str()),
                ],
                1.0,
            );
        }
    }
    out.family(
        "wsdoctor_attempts",
        "gauge",
        "WebSocket attempts a check made.",
    );
    for check in &ran {
        if let Some(attempts) = &check.attempts {
            out.sample(
                "wsdoctor_attempts",
                &[("check", check.id.as_str())],
                attempts.len() as f64,
            );
        }
    }
}

fn tls_metrics(report: &Report, out: &mut Exposition) {
    let Some(Detail::Tls(tls)) = report
        .check(CheckId::Tls)
        .and_then(|c| c.evidence.detail.as_ref())
    else {
        return;
    };
    let Some(expiry) = tls
        .tls
        .chain
        .iter()
        .filter_map(|c| humantime::parse_rfc3339(&c.not_after).ok())
        .filter_map(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .min()
    else {
        return;
    };
    out.family(
        "probe_ssl_earliest_cert_expiry",
        "gauge",
        "Returns last SSL chain expiry in unixtime.",
    );
    out.sample(
        "probe_ssl_earliest_cert_expiry",
        &[],
        expiry.as_secs() as f64,
    );
}

/// blackbox_exporter's websocket prober's facts, from the echo check (its upgrade and its
/// expectation) and the terminal (`--expect`).
fn websocket_metrics(report: &Report, out: &mut Exposition) {
    let Some(echo) = report
        .check(CheckId::Echo)
        .filter(|c| c.status != Status::Skip)
    else {
        return;
    };
    let upgraded = echo.timings.keys().any(|p| p.as_str() == "ws_handshake");
    let status = echo
        .evidence
        .common
        .status_line
        .as_deref()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse::<f64>().ok())
        .unwrap_or(if upgraded { 101.0 } else { 0.0 });
    out.family(
        "probe_websocket_status_code",
        "gauge",
        "Response HTTP status code of the upgrade (101 when it was upgraded).",
    );
    out.sample("probe_websocket_status_code", &[], status);
    out.family(
        "probe_websocket_connection_upgraded",
        "gauge",
        "Whether the connection was upgraded to a WebSocket.",
    );
    out.sample(
        "probe_websocket_connection_upgraded",
        &[],
        if upgraded { 1.0 } else { 0.0 },
    );
    let regex_failed = report
        .checks
        .iter()
        .filter_map(|c| c.failure.as_ref())
        .any(|f| f.cause.as_str() == "expect_not_met");
    out.family(
        "probe_websocket_failed_due_to_regex",
        "gauge",
        "Whether the probe failed because no message matched --expect.",
    );
    out.sample(
        "probe_websocket_failed_due_to_regex",
        &[],
        if regex_failed { 1.0 } else { 0.0 },
    );
}

fn echo_metrics(report: &Report, out: &mut Exposition) {
    let Some(echo) = report
        .check(CheckId::Echo)
        .filter(|c| c.status != Status::Skip)
    else {
        return;
    };
    let stats = match &echo.evidence.detail {
        Some(Detail::Echo(detail)) => detail.round_trips.as_ref(),
        _ => None,
    };
    // One name, one type, whatever the module: dashboards and alerts on the gauge read the same
    // figure `--max-echo-rtt` judges (the median with --count), and the distribution of a --count
    // module has a name of its own, as a summary.
    let judged = match stats {
        Some(stats) => Some(stats.median_ms),
        None => echo
            .timings
            .iter()
            .find(|(p, _)| p.as_str() == "echo_round_trip")
            .map(|(_, ms)| *ms),
    };
    if let Some(ms) = judged {
        out.family(
            "wsdoctor_echo_rtt_seconds",
            "gauge",
            "The echo round trip (the median of the round trips with --count).",
        );
        out.sample("wsdoctor_echo_rtt_seconds", &[], seconds(ms));
    }
    let Some(stats) = stats else {
        return;
    };
    out.family(
        "wsdoctor_echo_rtt_quantile_seconds",
        "summary",
        "Echo round trips on one socket (--count).",
    );
    for (quantile, ms) in [
        ("0", stats.min_ms),
        ("0.5", stats.median_ms),
        ("0.9", stats.p90_ms),
        ("0.99", stats.p99_ms),
        ("1", stats.max_ms),
    ] {
        out.sample(
            "wsdoctor_echo_rtt_quantile_seconds",
            &[("quantile", quantile)],
            seconds(ms),
        );
    }
    out.sample(
        "wsdoctor_echo_rtt_quantile_seconds_sum",
        &[],
        seconds(stats.mean_ms * stats.received as f64),
    );
    out.sample(
        "wsdoctor_echo_rtt_quantile_seconds_count",
        &[],
        stats.received as f64,
    );
}

fn hold_metrics(report: &Report, out: &mut Exposition) {
    let Some(Detail::Hold(hold)) = report
        .check(CheckId::Hold)
        .and_then(|c| c.evidence.detail.as_ref())
    else {
        return;
    };
    if let Some(cut) = hold.cut_ms {
        out.family(
            "wsdoctor_hold_cut_seconds",
            "gauge",
            "The age at which the hold check saw sockets cut (an idle or lifetime limit).",
        );
        out.sample("wsdoctor_hold_cut_seconds", &[], seconds(cut));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_labels_follow_the_exposition_format() {
        assert_eq!(number(0.009191000000000001), "0.009191");
        assert_eq!(number(1.0), "1");
        assert_eq!(number(1795751397.0), "1795751397");
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        let mut om = Exposition::new(Flavour::OpenMetrics);
        om.family("x_total", "counter", "h");
        om.family("y_info", "gauge", "h");
        let text = om.finish();
        assert!(
            text.contains("# TYPE x counter")
                && text.contains("# TYPE y info")
                && text.ends_with("# EOF\n"),
            "{text}"
        );
    }
}
