//! The report as one self-contained HTML page, to attach to an incident ticket: the verdict, the
//! checklist with each failure's evidence and hint, the timing waterfall as inline SVG, and the
//! wire trace when there was one. Inline CSS only; no script, no font, no image, no link to
//! anything, and a Content-Security-Policy that forbids them, so the page shows the same offline,
//! in a mail client or behind a proxy. Every piece of text is escaped here, whatever its origin:
//! the report's strings were redacted where they were made and made terminal-safe by [`safe`].

use super::human::{self, safe};
use super::waterfall::Waterfall;
use std::fmt::Write;
use wsdoctor_core::model::evidence::Detail;
use wsdoctor_core::model::{CheckReport, Report, Status, Verdict};

/// The waterfall's bar axis, in SVG units.
const BAR_UNITS: usize = 520;
/// The column of check names left of the bars, in SVG units.
const NAME_UNITS: usize = 110;
/// The column of phase timings right of the bars, in SVG units.
const LABEL_UNITS: usize = 370;
/// One row of the waterfall, in SVG units.
const ROW_UNITS: usize = 22;

/// The phases' colours, in wire order, cycling as the terminal's do (cyan, magenta, blue), and
/// the colour of a check's time outside its timed phases.
const PHASE_COLOURS: [&str; 3] = ["#0891b2", "#c026d3", "#2563eb"];
const REST_COLOUR: &str = "#cbd5e1";

/// The page's styles. Colours are also the screenshot test's landmarks: keep them in step with
/// tests/it/html.rs.
const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#111827;background:#fff}
main{max-width:1100px;margin:0 auto;padding:0 24px 32px}
.verdict{padding:18px 24px;color:#fff;font-size:20px;font-weight:700;margin:0 0 16px}
.verdict.fail{background:#b91c1c}.verdict.warn{background:#b45309}.verdict.pass{background:#15803d}
.verdict small{display:block;font-size:13px;font-weight:400;opacity:.9}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0 0 16px}
dl.meta dt{color:#6b7280}dl.meta dd{margin:0;word-break:break-all}
h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
table.checks{border-collapse:collapse;width:100%}
table.checks td,table.checks th{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid #f3f4f6}
td.icon{font-weight:700;width:1.5em;text-align:center}
td.time{white-space:nowrap;text-align:right;color:#374151;font-variant-numeric:tabular-nums}
td.id{font-family:ui-monospace,monospace;white-space:nowrap}
tr.fail td.icon{color:#b91c1c}tr.warn td.icon{color:#b45309}tr.pass td.icon{color:#15803d}
tr.skip td{color:#9ca3af}
.finding,.warning{margin:6px 0 2px;padding:6px 10px;border-left:3px solid #b91c1c;background:#fef2f2}
.warning{border-color:#b45309;background:#fffbeb}
.code{font-family:ui-monospace,monospace;font-weight:700}
ul.evidence{margin:4px 0;padding-left:18px;font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.hint{margin:4px 0 0}.hint b{color:#92400e}
svg.waterfall{max-width:100%;height:auto;font:11px ui-monospace,monospace}
pre.trace{font:12px/1.35 ui-monospace,monospace;background:#f9fafb;border:1px solid #e5e7eb;padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
footer{color:#6b7280;font-size:12px;margin-top:24px}
";

/// HTML-escapes text, for element content and quoted attribute values alike.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text from a report, made terminal-safe (control characters visible) and then HTML-safe.
fn text(value: &str) -> String {
    escape(&safe(value))
}

fn status_class(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Warn => "warn",
        Status::Fail => "fail",
        Status::Skip => "skip",
    }
}

fn status_icon(status: Status) -> &'static str {
    match status {
        Status::Pass => "✓",
        Status::Warn => "!",
        Status::Fail => "✗",
        Status::Skip => "–",
    }
}

/// The page for one run. `trace` is the run's `--trace` lines as [`super::trace::line`] wrote
/// them (empty without `--trace`).
pub(crate) fn render(report: &Report, trace: &[String]) -> String {
    let verdict = match report.verdict {
        Verdict::Pass => "pass",
        Verdict::Warn => "warn",
        Verdict::Fail => "fail",
    };
    let headline = escape(&human::verdict_line(report, false));
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"wsdoctor {version}\">\n\
<title>wsdoctor {word} — {target}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
<header class=\"verdict {verdict}\" id=\"verdict\">{headline}<small>{target}</small></header>\n<main>\n",
        version = escape(report.tool.version),
        word = verdict.to_ascii_uppercase(),
        target = text(&report.target),
    );
    let _ = write!(
        out,
        "<dl class=\"meta\"><dt>target</dt><dd>{}</dd><dt>tool</dt><dd>{} {}</dd>\
<dt>started</dt><dd>{}</dd><dt>duration</dt><dd>{:.1} ms</dd>",
        text(&report.target),
        escape(report.tool.name),
        escape(report.tool.version),
        text(&report.started_at),
        report.duration_ms
    );
    if let Some(platform) = &report.platform {
        let _ = write!(
            out,
            "<dt>platform</dt><dd>{} ({})</dd>",
            escape(platform.name()),
            text(&platform.evidence.join("; "))
        );
    }
    out.push_str("</dl>\n");
    if !report.diagnosis.is_empty() {
        out.push_str("<h2>Diagnosis</h2>\n<ul class=\"diagnosis\">\n");
        for line in &report.diagnosis {
            let _ = writeln!(out, "<li>{}</li>", text(line));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<h2>Checklist</h2>\n<table class=\"checks\">\n<tr><th></th><th>check</th><th>time</th><th>summary</th></tr>\n");
    for check in &report.checks {
        out.push_str(&check_row(check));
    }
    out.push_str("</table>\n");
    if let Some(waterfall) = Waterfall::of(report) {
        let _ = writeln!(
            out,
            "<h2>Timing waterfall</h2>\n<p>One row per check on the run's time axis ({:.1} ms wide); each check's timed phases in wire order, the rest of its time grey.</p>",
            waterfall.total_ms
        );
        out.push_str(&svg(&waterfall));
    }
    if !trace.is_empty() {
        out.push_str("<h2>Wire trace</h2>\n<pre class=\"trace\" id=\"trace\">");
        // Each line was made safe where it was written; again here, so no line can hold another.
        for line in trace {
            let _ = writeln!(out, "{}", text(line.trim_end_matches('\n')));
        }
        out.push_str("</pre>\n");
    }
    let _ = writeln!(
        out,
        "<footer>wsdoctor {} · schema {} · secrets redacted unless --show-secrets was given</footer>\n</main>\n</body>\n</html>",
        escape(report.tool.version),
        escape(report.schema)
    );
    out
}

/// A check's row: icon, id, duration, summary, and under the summary what it rests on, as the
/// human checklist shows it.
fn check_row(check: &CheckReport) -> String {
    let duration = if check.status == Status::Skip {
        String::new()
    } else {
        format!("{:.1} ms", check.duration_ms)
    };
    let mut out = format!(
        "<tr class=\"{class}\" id=\"check-{id}\"><td class=\"icon\" title=\"{class}\">{icon}</td><td class=\"id\">{id}</td><td class=\"time\">{duration}</td><td>{summary}",
        class = status_class(check.status),
        icon = status_icon(check.status),
        id = escape(check.id.as_str()),
        summary = text(&check.summary),
    );
    if let (Some(Detail::Browser(browser)), None) = (&check.evidence.detail, &check.failure) {
        out.push_str(&list(&human::browser_lines(browser)));
    }
    if let Some(finding) = &check.failure {
        let also: String = finding
            .also
            .iter()
            .map(|c| format!(", {}", c.as_str()))
            .collect();
        let _ = write!(
            out,
            "<div class=\"finding\"><span class=\"code\">{}{}</span> ({})",
            escape(finding.code.as_str()),
            escape(&also),
            escape(finding.cause.as_str())
        );
        if finding.message != check.summary {
            let _ = write!(out, "<p>{}</p>", text(&finding.message));
        }
        out.push_str(&list(&human::evidence_lines(check)));
        let _ = write!(
            out,
            "<p class=\"hint\"><b>hint</b> {}</p></div>",
            text(&finding.hint)
        );
    }
    if let Some(warning) = &check.warning {
        let _ = write!(
            out,
            "<div class=\"warning\"><span class=\"code\">{}</span> {}<p class=\"hint\"><b>hint</b> {}</p></div>",
            escape(&warning.label()),
            text(&warning.message),
            text(&warning.hint)
        );
    }
    if let Some(attempts) = &check.attempts {
        if attempts.len() > 1 || check.status == Status::Fail {
            let lines: Vec<String> = attempts.iter().map(human::attempt_text).collect();
            out.push_str(&list(&lines));
        }
    }
    out.push_str("</td></tr>\n");
    out
}

/// Lines (already terminal-safe) as a list.
fn list(lines: &[String]) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let mut out = String::from("<ul class=\"evidence\">");
    for line in lines {
        let _ = write!(out, "<li>{}</li>", escape(line));
    }
    out.push_str("</ul>");
    out
}

/// The waterfall as inline SVG: the terminal's rows and geometry ([`Waterfall::bar`]) at a finer
/// width, each phase a rectangle with its name and time as a tooltip and, right of the bars, as
/// text.
fn svg(waterfall: &Waterfall<'_>) -> String {
    let width = NAME_UNITS + BAR_UNITS + LABEL_UNITS;
    let height = (waterfall.rows.len() + 1) * ROW_UNITS + 4;
    let axis_end = NAME_UNITS + BAR_UNITS;
    let mut out = format!(
        "<svg class=\"waterfall\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"timing waterfall\">\n\
<line x1=\"{NAME_UNITS}\" y1=\"0\" x2=\"{NAME_UNITS}\" y2=\"{axis}\" stroke=\"#9ca3af\"/>\
<line x1=\"{axis_end}\" y1=\"0\" x2=\"{axis_end}\" y2=\"{axis}\" stroke=\"#e5e7eb\"/>\n",
        axis = height - ROW_UNITS + 4,
    );
    for (row, check) in waterfall.rows.iter().enumerate() {
        let y = row * ROW_UNITS + 4;
        let bar = waterfall.bar(check, BAR_UNITS);
        let _ = write!(
            out,
            "<g class=\"row {}\"><text x=\"4\" y=\"{}\">{}</text>",
            status_class(check.status),
            y + 12,
            escape(check.id.as_str())
        );
        let mut x = NAME_UNITS + bar.start;
        for (i, (phase, ms, units)) in bar.phases.iter().enumerate() {
            let _ = write!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{units}\" height=\"14\" fill=\"{}\"><title>{} {}: {ms:.2} ms</title></rect>",
                PHASE_COLOURS[i % PHASE_COLOURS.len()],
                escape(check.id.as_str()),
                escape(&phase.to_string())
            );
            x += units;
        }
        if bar.rest > 0 {
            let _ = write!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"14\" fill=\"{REST_COLOUR}\"><title>{}: {:.1} ms in all</title></rect>",
                bar.rest,
                escape(check.id.as_str()),
                check.duration_ms
            );
        }
        let labels: Vec<String> = bar
            .phases
            .iter()
            .map(|(phase, ms, _)| format!("{phase} {ms:.2}"))
            .collect();
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"#4b5563\">{}</text></g>",
            axis_end + 8,
            y + 12,
            escape(&labels.join("  "))
        );
    }
    let baseline = height - 6;
    let _ = writeln!(
        out,
        "<text x=\"{NAME_UNITS}\" y=\"{baseline}\" fill=\"#6b7280\">0 ms</text><text x=\"{axis_end}\" y=\"{baseline}\" text-anchor=\"end\" fill=\"#6b7280\">{:.1} ms</text>\n</svg>",
        waterfall.total_ms
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsdoctor_core::model::{Cause, CheckId, Finding, Notice, Phase};

    const HOSTILE: &str = "<script>alert(\"x\")</script>' onload='x' \u{1b}[2J";

    fn report() -> Report {
        let mut failed = CheckReport::failed(
            CheckId::Terminal,
            Finding {
                hint: HOSTILE.to_string(),
                ..Finding::new(Cause::ServerError, HOSTILE)
            },
        );
        failed.evidence.common.close_reason = Some(HOSTILE.to_string());
        failed.status = Status::Fail;
        failed.started_ms = 10.0;
        failed.duration_ms = 30.0;
        failed.timings.insert(Phase::TcpConnect, 5.0);
        failed.timings.insert(Phase::WsHandshake, 10.0);
        let mut warned = CheckReport::skipped(CheckId::Cors, HOSTILE);
        warned.status = Status::Warn;
        warned.warning = Some(Notice::of(Cause::CorsIncomplete, HOSTILE, HOSTILE));
        let mut report = Report::new(HOSTILE.to_string(), "now".into(), vec![failed, warned]);
        report.duration_ms = 50.0;
        report.diagnosis = vec![HOSTILE.to_string()];
        report
    }

    #[test]
    fn server_text_is_escaped_everywhere() {
        let page = render(&report(), &[format!("[ 1.0 ms] tcp ← {HOSTILE}\n")]);
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("onload='"), "{page}");
        assert!(!page.contains('\u{1b}'), "{page}");
        assert!(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;"));
    }

    #[test]
    fn the_page_has_the_verdict_the_checklist_and_the_waterfall() {
        let report = report();
        let page = render(&report, &[]);
        assert!(page.contains("<header class=\"verdict fail\""), "{page}");
        assert!(page.contains(&escape(&human::verdict_line(&report, false))));
        assert!(
            page.contains("SERVER_ERROR</span> (server_error)"),
            "{page}"
        );
        assert!(page.contains("CORS_REJECTED (cors_incomplete)"), "{page}");
        // One row for the one check that timed phases: tcp then ws_handshake, then the rest.
        assert_eq!(page.matches("<g class=\"row").count(), 1, "{page}");
        assert!(page.contains(&format!(
            "fill=\"{}\"><title>terminal tcp_connect",
            PHASE_COLOURS[0]
        )));
        assert!(page.contains(&format!(
            "fill=\"{}\"><title>terminal ws_handshake",
            PHASE_COLOURS[1]
        )));
        assert!(
            !page.contains("id=\"trace\""),
            "no trace section without --trace"
        );
    }
}
