//! The checklist for people: a line per check with its timing, and for a failure its evidence
//! and hint; then a timing waterfall and the verdict.

use crate::report::{CheckReport, Report, Status, Verdict};
use colored::{ColoredString, Colorize};
use serde_json::Value;
use std::fmt::Write;

/// Width of the waterfall's bars, in characters.
const BAR_WIDTH: usize = 32;

fn paint(text: &str, color: bool, f: fn(&str) -> ColoredString) -> String {
    if color {
        f(text).to_string()
    } else {
        text.to_string()
    }
}

/// The glyph for a status.
pub fn glyph(status: Status, color: bool) -> String {
    match status {
        Status::Pass => paint("✓", color, |s| s.green().bold()),
        Status::Warn => paint("!", color, |s| s.yellow().bold()),
        Status::Fail => paint("✗", color, |s| s.red().bold()),
        Status::Skip => paint("–", color, |s| s.dimmed()),
    }
}

fn duration(check: &CheckReport) -> String {
    if check.status == Status::Skip {
        String::new()
    } else {
        format!("{:.1} ms", check.duration_ms)
    }
}

/// One line for a check.
pub fn check_line(check: &CheckReport, color: bool) -> String {
    let summary = if check.status == Status::Skip {
        paint(&check.summary, color, |s| s.dimmed())
    } else {
        check.summary.clone()
    };
    format!(
        "  {} {:<12} {:>10}  {}",
        glyph(check.status, color),
        check.id.as_str(),
        duration(check),
        summary
    )
}

fn evidence_lines(check: &CheckReport) -> Vec<String> {
    const KEYS: [&str; 10] = [
        "status_line",
        "close_code",
        "close_reason",
        "last_server_message",
        "os_error",
        "location",
        "certificate_error",
        "accepted_without_origin",
        "body_excerpt",
        "url",
    ];
    let mut lines = Vec::new();
    for key in KEYS {
        if let Some(value) = check.evidence.get(key) {
            let text = match value {
                Value::String(s) => s.replace('\n', "⏎"),
                other => other.to_string(),
            };
            let text: String = text.chars().take(160).collect();
            lines.push(format!("{key}: {text}"));
        }
    }
    if let Some(Value::Object(headers)) = check.evidence.get("headers") {
        let shown: Vec<String> = headers
            .iter()
            .filter(|(k, _)| {
                matches!(
                    k.as_str(),
                    "server" | "via" | "location" | "x-powered-by" | "cf-ray" | "x-amz-cf-id"
                )
            })
            .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or("")))
            .collect();
        if !shown.is_empty() {
            lines.push(format!("headers: {}", shown.join(", ")));
        }
    }
    if let Some(Value::Array(variants)) = check.evidence.get("variants") {
        for v in variants {
            let name = v["variant"].as_str().unwrap_or("?");
            let line = if v["died"].as_bool() == Some(true) {
                format!(
                    "{name} socket: cut after {:.0} ms ({}, {:.0} ms since its last byte)",
                    v["died_after_ms"].as_f64().unwrap_or(0.0),
                    v["closed_by"].as_str().unwrap_or("?"),
                    v["since_last_byte_ms"].as_f64().unwrap_or(0.0)
                )
            } else {
                format!(
                    "{name} socket: open for {:.0} ms",
                    v["open_for_ms"].as_f64().unwrap_or(0.0)
                )
            };
            lines.push(line);
        }
    }
    if let Some(Value::Object(heartbeat)) = check.evidence.get("server_heartbeat") {
        if let Some(note) = heartbeat.get("note").and_then(Value::as_str) {
            lines.push(format!("server heartbeat: {note}"));
        }
    }
    if let Some(Value::Object(underlying)) = check.evidence.get("underlying") {
        lines.push(format!(
            "last attempt: {} ({})",
            underlying.get("code").and_then(Value::as_str).unwrap_or(""),
            underlying
                .get("cause")
                .and_then(Value::as_str)
                .unwrap_or("")
        ));
    }
    lines
}

/// The whole human report.
pub fn render(report: &Report, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} — {}",
        paint("wsdoctor", color, |s| s.bold()),
        report.tool.version,
        report.target
    );
    if let Some(platform) = &report.platform {
        let _ = writeln!(
            out,
            "platform: {} ({})",
            paint(&platform.name, color, |s| s.cyan()),
            platform.evidence.join("; ")
        );
    }
    out.push('\n');
    for check in &report.checks {
        let _ = writeln!(out, "{}", check_line(check, color));
        if let Some(finding) = &check.failure {
            let _ = writeln!(
                out,
                "      {} {} ({})",
                paint("code", color, |s| s.dimmed()),
                paint(finding.code.as_str(), color, |s| s.red().bold()),
                finding.cause
            );
            for line in evidence_lines(check) {
                let _ = writeln!(out, "      {} {line}", paint("│", color, |s| s.dimmed()));
            }
            let _ = writeln!(
                out,
                "      {} {}",
                paint("hint", color, |s| s.yellow()),
                finding.hint
            );
        }
        if let Some(warning) = &check.warning {
            let _ = writeln!(
                out,
                "      {} {}",
                paint("warning", color, |s| s.yellow()),
                warning.message
            );
            let _ = writeln!(
                out,
                "      {} {}",
                paint("hint", color, |s| s.yellow()),
                warning.hint
            );
        }
        if let Some(attempts) = &check.attempts {
            if attempts.len() > 1 || check.status == Status::Fail {
                for a in attempts {
                    let _ = writeln!(
                        out,
                        "      {} attempt {}: {} in {:.1} ms{}",
                        paint("↻", color, |s| s.dimmed()),
                        a.number,
                        a.cause
                            .map(|c| c.as_str().to_string())
                            .unwrap_or_else(|| a.outcome.clone()),
                        a.duration_ms,
                        a.retry_in_ms
                            .map(|d| format!(", retry in {d:.0} ms"))
                            .unwrap_or_default()
                    );
                }
            }
        }
    }
    let waterfall = waterfall(report, color);
    if !waterfall.is_empty() {
        out.push('\n');
        out.push_str(&waterfall);
    }
    out.push('\n');
    if !report.diagnosis.is_empty() {
        for line in &report.diagnosis {
            let _ = writeln!(out, "{} {line}", paint("→", color, |s| s.cyan().bold()));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", verdict_line(report, color));
    out
}

/// The one-line verdict (`--quiet` prints only this).
pub fn verdict_line(report: &Report, color: bool) -> String {
    let count = |s: Status| report.checks.iter().filter(|c| c.status == s).count();
    let verdict = match report.verdict {
        Verdict::Pass => paint("PASS", color, |s| s.green().bold()),
        Verdict::Warn => paint("WARN", color, |s| s.yellow().bold()),
        Verdict::Fail => paint("FAIL", color, |s| s.red().bold()),
    };
    let codes = if report.codes.is_empty() {
        String::new()
    } else {
        format!(
            " {}",
            report
                .codes
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    format!(
        "{verdict}{codes} — {} passed, {} warned, {} failed, {} skipped in {:.1} ms{}",
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail),
        count(Status::Skip),
        report.duration_ms,
        if report.interrupted {
            " (interrupted)"
        } else {
            ""
        }
    )
}

/// One bar per phase, scaled to the slowest check, like httpstat.
fn waterfall(report: &Report, color: bool) -> String {
    const ORDER: [&str; 8] = [
        "dns",
        "tcp_connect",
        "proxy_connect",
        "tls_handshake",
        "http_ttfb",
        "ws_handshake",
        "first_message",
        "echo_round_trip",
    ];
    let rows: Vec<(&CheckReport, Vec<(&str, f64)>)> = report
        .checks
        .iter()
        .filter(|c| c.status != Status::Skip)
        .map(|c| {
            let phases = ORDER
                .iter()
                .filter_map(|p| c.timings.get(*p).map(|v| (*p, *v)))
                .collect::<Vec<_>>();
            (c, phases)
        })
        .filter(|(_, phases)| !phases.is_empty())
        .collect();
    let longest = rows
        .iter()
        .map(|(c, _)| c.duration_ms)
        .fold(0.0f64, f64::max);
    if rows.is_empty() || longest <= 0.0 {
        return String::new();
    }
    let mut out =
        String::from("  timing waterfall (each bar is one check, scaled to the slowest)\n");
    let shades = ["█", "▓", "▒", "░"];
    for (check, phases) in rows {
        let mut bar = String::new();
        let mut used = 0;
        for (i, (_, value)) in phases.iter().enumerate() {
            let cells = ((value / longest) * BAR_WIDTH as f64).round().max(1.0) as usize;
            let cells = cells.min(BAR_WIDTH.saturating_sub(used));
            used += cells;
            let segment = shades[i % shades.len()].repeat(cells);
            bar.push_str(&match i % 3 {
                0 => paint(&segment, color, |s| s.cyan()),
                1 => paint(&segment, color, |s| s.magenta()),
                _ => paint(&segment, color, |s| s.blue()),
            });
        }
        bar.push_str(&" ".repeat(BAR_WIDTH.saturating_sub(used)));
        let labels: Vec<String> = phases
            .iter()
            .map(|(name, value)| format!("{name} {value:.2}"))
            .collect();
        let _ = writeln!(
            out,
            "  {:<12} {bar} {}",
            check.id.as_str(),
            paint(&labels.join("  "), color, |s| s.dimmed())
        );
    }
    out
}
