//! The checklist for people: a line per check with its timing, and for a failure its evidence
//! and hint; then a timing waterfall and the verdict. Every piece of text that may come from a
//! server passes through [`safe`] first, so a server cannot drive the terminal.

use super::waterfall::Waterfall;
use colored::{ColoredString, Colorize};
use std::fmt::Write;
use wsdoctor_core::model::evidence::{
    BrowserDetail, Detail, HealthDetail, HeldSocket, RoadOutcome, StoreDetail,
};
use wsdoctor_core::model::{Attempt, CheckReport, Report, Status, Verdict};

/// Width of the waterfall's bars, in characters.
const BAR_WIDTH: usize = 32;

/// Evidence values are cut to this many characters on a line.
const EVIDENCE_WIDTH: usize = 160;

pub(crate) fn paint(text: &str, color: bool, f: fn(&str) -> ColoredString) -> String {
    if color {
        f(text).to_string()
    } else {
        text.to_string()
    }
}

/// Text made safe for a terminal: control characters (ESC, CR, BS, NUL, DEL, the C1 set) and
/// bidirectional overrides become visible escapes, a newline becomes `⏎`, so nothing a server sends
/// can move the cursor, clear the screen, set the title or reorder what is shown.
pub(crate) fn safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('⏎'),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// The glyph for a status.
pub(crate) fn glyph(status: Status, color: bool) -> String {
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
pub(crate) fn check_line(check: &CheckReport, color: bool) -> String {
    let summary = safe(&check.summary);
    let summary = if check.status == Status::Skip {
        paint(&summary, color, |s| s.dimmed())
    } else {
        summary
    };
    format!(
        "  {} {:<12} {:>10}  {}",
        glyph(check.status, color),
        check.id.as_str(),
        duration(check),
        summary
    )
}

/// A line of evidence: the value made safe and cut to width.
fn fact(key: &str, value: impl std::fmt::Display) -> String {
    let text: String = safe(&value.to_string())
        .chars()
        .take(EVIDENCE_WIDTH)
        .collect();
    format!("{key}: {text}")
}

fn held_line(v: &HeldSocket) -> String {
    let name = match v.road {
        Some(road) => format!("{} socket over {}", v.variant.as_str(), road.name()),
        None => format!("{} socket", v.variant.as_str()),
    };
    match v.died_after_ms {
        Some(after) if v.died => format!(
            "{name}: cut after {after:.0} ms ({}, {:.0} ms since its last byte)",
            v.closed_by.as_str(),
            v.since_last_byte_ms
        ),
        _ => format!("{name}: open for {:.0} ms", v.open_for_ms),
    }
}

/// What the store check learned, a fact a line: what a failure there rests on.
fn store_lines(store: &StoreDetail) -> Vec<String> {
    let mut lines = vec![fact("store", &store.store)];
    if let Some(version) = &store.server_version {
        let role = store.role.as_deref().unwrap_or("");
        lines.push(fact("server", format!("redis {version} {role}").trim_end()));
    }
    if let Some(stats) = &store.round_trips {
        lines.push(fact("round_trips", stats.summary()));
    }
    if let Some(policy) = &store.maxmemory_policy {
        let memory = match (store.used_memory, store.maxmemory) {
            (Some(used), Some(0) | None) => format!("{used} bytes used, no maxmemory, "),
            (Some(used), Some(max)) => format!("{used} of {max} bytes used, "),
            _ => String::new(),
        };
        lines.push(fact("memory", format!("{memory}policy {policy}")));
    }
    if let Some(key) = &store.session_key {
        let state = match (key.exists, key.ttl_ms) {
            (false, _) if key.found_in_databases.is_empty() => "missing".to_string(),
            (false, _) => format!(
                "missing; found in database {}",
                key.found_in_databases
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (true, Some(ms)) => format!(
                "{}, expires in {ms} ms",
                key.kind.as_deref().unwrap_or("exists")
            ),
            (true, None) => format!("{}, no expiry", key.kind.as_deref().unwrap_or("exists")),
        };
        lines.push(fact("session_key", format!("{} ({state})", key.key)));
    }
    if let Some(why) = &store.session_key_skipped {
        lines.push(fact("session_key", format!("not looked at: {why}")));
    }
    lines
}

/// Console messages shown under the browser check; the rest are in the JSON report.
const CONSOLE_SHOWN: usize = 3;

/// What the browser saw beside what the command line concluded, a request or socket at a time:
/// the point of the browser check, so it is shown whatever its status.
pub(crate) fn browser_lines(browser: &BrowserDetail) -> Vec<String> {
    let mut lines = vec![fact(
        "browser",
        format!(
            "{}, {}, page on {}",
            browser.browser,
            browser.sandbox.describe(),
            browser.page_origin
        ),
    )];
    for comparison in &browser.comparisons {
        lines.push(fact(
            &format!("{} in the browser", comparison.subject),
            &comparison.browser,
        ));
        // The verdict leads: a long line is cut at the screen's width, never before it.
        let verdict = match comparison.agrees {
            Some(true) => " (agrees)",
            Some(false) => " (DIFFERS)",
            None => "",
        };
        lines.push(fact(
            &format!("{} on the command line{verdict}", comparison.subject),
            &comparison.command_line,
        ));
    }
    for entry in browser.console.iter().take(CONSOLE_SHOWN) {
        lines.push(fact(
            "console",
            format!("{} ({}): {}", entry.level, entry.source, entry.text),
        ));
    }
    if browser.console.len() > CONSOLE_SHOWN {
        lines.push(format!(
            "console: {} more in the JSON report",
            browser.console.len() - CONSOLE_SHOWN
        ));
    }
    lines
}

/// The facts a failure rests on, a `key: value` line each, made safe and cut to width; the HTML
/// report lists the same lines.
pub(crate) fn evidence_lines(check: &CheckReport) -> Vec<String> {
    let common = &check.evidence.common;
    let mut lines = Vec::new();
    if let Some(v) = &common.status_line {
        lines.push(fact("status_line", v));
    }
    if let Some(v) = common.close_code {
        lines.push(fact("close_code", v));
    }
    if let Some(v) = &common.close_reason {
        lines.push(fact("close_reason", v));
    }
    if let Some(v) = &common.last_server_message {
        lines.push(fact("last_server_message", v));
    }
    if let Some(v) = &common.os_error {
        lines.push(fact("os_error", v));
    }
    if let Some(v) = &common.certificate_error {
        lines.push(fact("certificate_error", v));
    }
    if let Some(v) = common.accepted_without_origin {
        lines.push(fact("accepted_without_origin", v));
    }
    if let Some(v) = &common.body_excerpt {
        lines.push(fact("body_excerpt", v));
    }
    if let Some(Detail::Health(HealthDetail {
        json_error: Some(error),
        ..
    })) = &check.evidence.detail
    {
        lines.push(fact(
            "json_error",
            format!(
                "{} at line {} column {}, near {}",
                error.error, error.line, error.column, error.near
            ),
        ));
    }
    let app_store = match &check.evidence.detail {
        Some(Detail::Health(health)) => health.session_store.as_ref(),
        Some(Detail::Diagnostics(diagnostics)) => diagnostics.session_store.as_ref(),
        _ => None,
    };
    if let Some(store) = app_store {
        lines.push(fact("session store read", store.read.join(", ")));
        if !store.not_understood.is_empty() {
            lines.push(fact("not understood", store.not_understood.join(", ")));
        }
    }
    if let Some(v) = &common.url {
        lines.push(fact("url", v));
    }
    if let Some(headers) = &common.headers {
        let shown: Vec<String> = headers
            .iter()
            .filter(|(k, _)| {
                matches!(
                    k.as_str(),
                    "server" | "via" | "location" | "x-powered-by" | "cf-ray" | "x-amz-cf-id"
                )
            })
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        if !shown.is_empty() {
            lines.push(fact("headers", shown.join(", ")));
        }
    }
    if let Some(Detail::Hold(hold)) = &check.evidence.detail {
        lines.extend(hold.variants.iter().map(held_line));
        if let Some(heartbeat) = &hold.server_heartbeat {
            lines.push(format!("server heartbeat: {}", safe(&heartbeat.note)));
        }
    }
    if let Some(Detail::Store(store)) = &check.evidence.detail {
        // A store failure behind a transport one (refused, a certificate) names it too.
        if let Some(underlying) = &common.underlying {
            lines.push(fact(
                "underlying",
                format!(
                    "{} ({})",
                    underlying.code.as_str(),
                    underlying.cause.as_str()
                ),
            ));
        }
        lines.extend(store_lines(store));
    }
    if let Some(sent) = common.close_code_sent {
        lines.push(fact("close_code_sent", sent));
    }
    if let Some(frames) = &common.http2 {
        if let Some(enabled) = frames.extended_connect {
            lines.push(fact("extended_connect", enabled));
        }
        if let Some(reset) = &frames.rst_stream {
            lines.push(fact("rst_stream", reset));
        }
        if let Some(goaway) = &frames.goaway {
            lines.push(fact("goaway", goaway));
        }
    }
    // A road that failed is told in the message; one that worked is told here.
    for road in &common.roads {
        let outcome = match (road.outcome, road.cause) {
            (RoadOutcome::Works, _) => format!("works: {}", road.summary),
            (RoadOutcome::Fails, Some(cause)) => format!("fails ({})", cause.as_str()),
            (RoadOutcome::Unavailable, Some(cause)) => format!("not offered ({})", cause.as_str()),
            (RoadOutcome::Fails, None) => "fails".to_string(),
            (RoadOutcome::Unavailable, None) => "not offered".to_string(),
        };
        lines.push(fact(&format!("over {}", road.road.name()), outcome));
    }
    lines
}

/// The whole human report: its [`header`], a [`check_block`] per check in checklist order, then
/// its [`conclusion`]. Streaming prints the same pieces as they become final, so the two agree.
pub(crate) fn render(report: &Report, color: bool) -> String {
    let mut out = header(report.tool.version, &report.target, color);
    out.push_str(&rest(report, 0, color));
    out
}

/// What follows the first `printed` checks: the other checks' blocks, then the conclusion. A run
/// that streamed its first checks (then ended or was interrupted) prints this to complete them.
pub(crate) fn rest(report: &Report, printed: usize, color: bool) -> String {
    let mut out = String::new();
    for check in report.checks.iter().skip(printed) {
        out.push_str(&check_block(check, color));
    }
    out.push_str(&conclusion(report, color));
    out
}

/// The first lines, known before any check has run: the tool, its version and the (redacted)
/// target, then a blank line.
pub(crate) fn header(version: &str, target: &str, color: bool) -> String {
    format!(
        "{} {version} — {}\n\n",
        paint("wsdoctor", color, |s| s.bold()),
        safe(target)
    )
}

/// A check's lines: its [`check_line`], then what it rests on (a failure's code, evidence and
/// hint; a warning; the attempts). A function of the check alone, so it can be printed as soon
/// as the check is final.
pub(crate) fn check_block(check: &CheckReport, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", check_line(check, color));
    if let (Some(Detail::Browser(browser)), None) = (&check.evidence.detail, &check.failure) {
        for line in browser_lines(browser) {
            let _ = writeln!(out, "      {} {line}", paint("│", color, |s| s.dimmed()));
        }
    }
    if let Some(finding) = &check.failure {
        let also: String = finding
            .also
            .iter()
            .map(|c| format!(", {}", c.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "      {} {}{also} ({})",
            paint("code", color, |s| s.dimmed()),
            paint(finding.code.as_str(), color, |s| s.red().bold()),
            finding.cause.as_str()
        );
        for line in evidence_lines(check) {
            let _ = writeln!(out, "      {} {line}", paint("│", color, |s| s.dimmed()));
        }
        let _ = writeln!(
            out,
            "      {} {}",
            paint("hint", color, |s| s.yellow()),
            safe(&finding.hint)
        );
    }
    if let Some(warning) = &check.warning {
        let code = format!("{} ", warning.label());
        let _ = writeln!(
            out,
            "      {} {code}{}",
            paint("warning", color, |s| s.yellow()),
            safe(&warning.message)
        );
        let _ = writeln!(
            out,
            "      {} {}",
            paint("hint", color, |s| s.yellow()),
            safe(&warning.hint)
        );
    }
    if let Some(attempts) = &check.attempts {
        if attempts.len() > 1 || check.status == Status::Fail {
            for a in attempts {
                let _ = writeln!(
                    out,
                    "      {} {}",
                    paint("↻", color, |s| s.dimmed()),
                    attempt_text(a)
                );
            }
        }
    }
    out
}

/// `attempt 2: connection_timeout in 25000.0 ms, retry in 1000 ms`.
pub(crate) fn attempt_text(a: &Attempt) -> String {
    format!(
        "attempt {}: {} in {:.1} ms{}",
        a.number,
        a.cause.map(|c| c.as_str()).unwrap_or("ok"),
        a.duration_ms,
        a.retry_in_ms
            .map(|d| format!(", retry in {d:.0} ms"))
            .unwrap_or_default()
    )
}

/// What comes after the last check: the timing waterfall, the platform the responses point to,
/// the diagnosis and the verdict line. It needs the whole run, so it is printed last.
pub(crate) fn conclusion(report: &Report, color: bool) -> String {
    let mut out = String::new();
    let waterfall = waterfall(report, color);
    if !waterfall.is_empty() {
        out.push('\n');
        out.push_str(&waterfall);
    }
    out.push('\n');
    // Known only once the responses are in, so it comes with the conclusions, not the header.
    if let Some(platform) = &report.platform {
        let _ = writeln!(
            out,
            "platform: {} ({})",
            paint(platform.name(), color, |s| s.cyan()),
            safe(&platform.evidence.join("; "))
        );
    }
    for line in &report.diagnosis {
        let _ = writeln!(
            out,
            "{} {}",
            paint("→", color, |s| s.cyan().bold()),
            safe(line)
        );
    }
    if report.platform.is_some() || !report.diagnosis.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", verdict_line(report, color));
    out
}

/// The word for a verdict, coloured.
pub(crate) fn verdict_word(verdict: Verdict, color: bool) -> String {
    match verdict {
        Verdict::Pass => paint("PASS", color, |s| s.green().bold()),
        Verdict::Warn => paint("WARN", color, |s| s.yellow().bold()),
        Verdict::Fail => paint("FAIL", color, |s| s.red().bold()),
    }
}

/// The one-line verdict (`--quiet` prints only this).
pub(crate) fn verdict_line(report: &Report, color: bool) -> String {
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
        "{}{codes} — {} passed, {} warned, {} failed, {} skipped in {:.1} ms{}{}",
        verdict_word(report.verdict, color),
        report.count(Status::Pass),
        report.count(Status::Warn),
        report.count(Status::Fail),
        report.count(Status::Skip),
        report.duration_ms,
        if report.interrupted {
            " (interrupted)"
        } else {
            ""
        },
        not_checked(report)
    )
}

/// `; session, terminal not checked: no --session given`: a pass says nothing about what did
/// not run for want of an input, so the line that says PASS says that too.
fn not_checked(report: &Report) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for gap in &report.not_checked {
        match groups.iter_mut().find(|(why, _)| *why == gap.why) {
            Some((_, ids)) => ids.push(gap.id.as_str()),
            None => groups.push((&gap.why, vec![gap.id.as_str()])),
        }
    }
    groups
        .iter()
        .map(|(why, ids)| format!("; {} not checked: {}", ids.join(", "), safe(why)))
        .collect()
}

/// One row per check on the run's time axis: the bar starts where the check started and spans its
/// duration, its timed phases first (in wire order), the rest of its time lighter. The geometry is
/// [`Waterfall`]'s, which the HTML report draws too.
fn waterfall(report: &Report, color: bool) -> String {
    let Some(waterfall) = Waterfall::of(report) else {
        return String::new();
    };
    let mut out = format!(
        "  timing waterfall (one row per check on the run's time axis, {:.1} ms wide)\n",
        waterfall.total_ms
    );
    let shades = ["█", "▓", "▒"];
    for check in &waterfall.rows {
        let bar_units = waterfall.bar(check, BAR_WIDTH);
        let mut bar = " ".repeat(bar_units.start);
        for (i, (_, _, width)) in bar_units.phases.iter().enumerate() {
            let segment = shades[i % shades.len()].repeat(*width);
            bar.push_str(&match i % 3 {
                0 => paint(&segment, color, |s| s.cyan()),
                1 => paint(&segment, color, |s| s.magenta()),
                _ => paint(&segment, color, |s| s.blue()),
            });
        }
        bar.push_str(&paint(&"░".repeat(bar_units.rest), color, |s| s.dimmed()));
        bar.push_str(&" ".repeat(BAR_WIDTH.saturating_sub(bar_units.start + bar_units.length)));
        let labels: Vec<String> = check
            .timings
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

#[cfg(test)]
mod tests {
    use super::*;
    use wsdoctor_core::model::{Cause, CheckId, Finding};

    fn hostile() -> String {
        "a\u{1b}]0;pwned\u{7}b\u{1b}[2Jc\rd\u{8}e\u{0}f\u{7f}g\u{9b}h\u{202e}i\nj".to_string()
    }

    fn report_with(text: &str) -> Report {
        let mut check = CheckReport::failed(
            CheckId::Terminal,
            Finding {
                hint: text.to_string(),
                ..Finding::new(Cause::ServerError, text)
            },
        );
        let common = &mut check.evidence.common;
        common.close_reason = Some(text.to_string());
        common.last_server_message = Some(text.to_string());
        common.body_excerpt = Some(text.to_string());
        common.status_line = Some(text.to_string());
        common.os_error = Some(text.to_string());
        common.url = Some(text.to_string());
        common.headers = Some([("server".to_string(), text.to_string())].into());
        let mut warned = CheckReport::skipped(CheckId::Cors, text);
        warned.status = Status::Warn;
        warned.warning = Some(wsdoctor_core::model::Notice::of(
            Cause::CorsIncomplete,
            text,
            text,
        ));
        let mut report = Report::new(text.to_string(), "now".into(), vec![check, warned]);
        report.diagnosis = vec![text.to_string()];
        report
    }

    #[test]
    fn no_control_character_from_a_server_reaches_the_terminal() {
        // Our own colour codes are the only escapes allowed: they are stripped, then we look.
        let ours = regex_lite::Regex::new("\u{1b}\\[[0-9;]*m").unwrap();
        for color in [false, true] {
            let out = render(&report_with(&hostile()), color);
            let out = if color {
                ours.replace_all(&out, "").into_owned()
            } else {
                out
            };
            for bad in [
                '\u{1b}', '\r', '\u{8}', '\u{0}', '\u{7f}', '\u{9b}', '\u{7}', '\u{202e}',
            ] {
                assert!(!out.contains(bad), "{bad:?} reached the terminal:\n{out}");
            }
            assert!(out.contains("\\u{1b}]0;pwned"), "{out}");
        }
    }

    #[test]
    fn the_verdict_line_counts_and_names_the_codes() {
        let mut report = report_with("x");
        let line = verdict_line(&report, false);
        // The warning's code follows the failure's.
        assert!(
            line.starts_with(
                "FAIL SERVER_ERROR, CORS_REJECTED — 0 passed, 1 warned, 1 failed, 0 skipped"
            ),
            "{line}"
        );
        // What did not run for want of an input ends the line, grouped by why, escaped.
        report.not_checked = ["session", "terminal"]
            .map(|id| wsdoctor_core::model::NotChecked {
                id: id.parse().unwrap(),
                why: "no --session given".to_string(),
            })
            .into_iter()
            .chain([wsdoctor_core::model::NotChecked {
                id: CheckId::Cors,
                why: hostile(),
            }])
            .collect();
        let line = verdict_line(&report, false);
        assert!(
            line.contains(
                " ms; session, terminal not checked: no --session given; cors not checked: a"
            ),
            "{line}"
        );
        assert!(!line.contains('\u{1b}'), "{line}");
    }

    #[test]
    fn the_waterfall_starts_each_bar_where_its_check_started() {
        let mut early = CheckReport::skipped(CheckId::Dns, "x");
        early.status = Status::Pass;
        early.duration_ms = 10.0;
        early.timings.insert(wsdoctor_core::model::Phase::Dns, 10.0);
        let mut late = CheckReport::skipped(CheckId::Echo, "x");
        late.status = Status::Pass;
        late.started_ms = 50.0;
        late.duration_ms = 50.0;
        late.timings
            .insert(wsdoctor_core::model::Phase::WsHandshake, 10.0);
        let mut report = Report::new("t".into(), "now".into(), vec![early, late]);
        report.duration_ms = 100.0;
        let out = waterfall(&report, false);
        let row = |id: &str| {
            out.lines()
                .find(|l| l.trim_start().starts_with(id))
                .map(|l| l[l.find(id).unwrap_or(0) + 13..].to_string())
                .unwrap_or_default()
        };
        // dns starts at once; echo starts half-way along the axis.
        assert!(row("dns").starts_with('█'), "{out}");
        assert!(row("echo").starts_with(&" ".repeat(BAR_WIDTH / 2)), "{out}");
        assert!(row("echo").contains('░'), "{out}");
    }

    #[test]
    fn a_failure_shows_code_cause_evidence_and_hint() {
        let out = render(&report_with("the server's words"), false);
        assert!(out.contains("code SERVER_ERROR (server_error)"), "{out}");
        assert!(out.contains("│ close_reason: the server's words"), "{out}");
        assert!(out.contains("hint the server's words"), "{out}");
    }
}
