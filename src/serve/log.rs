//! The exporter's log on stderr: a line per probe, notice and refusal, as text or JSON
//! (`--log-format`); targets masked as URLs, server and user text escaped.

use hyper::StatusCode;
use std::time::SystemTime;
use wsdoctor_core::Redactor;

/// How log lines are written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Log {
    /// JSON lines rather than `key=value` text.
    pub(crate) json: bool,
}

impl Log {
    /// A probe's end: its result, codes and duration.
    pub(crate) fn probe(
        &self,
        target: &str,
        module: &str,
        result: &str,
        codes: &[String],
        ms: f64,
    ) {
        let time = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
        let target = Redactor::mask_url(target);
        let line = if self.json {
            serde_json::json!({
                "time": time, "event": "probe", "target": target, "module": module,
                "result": result, "codes": codes, "duration_ms": ms,
            })
            .to_string()
        } else {
            format!(
                "{time} probe target={} module={} result={result} codes={} duration={:.1}ms",
                crate::render::human::safe(&target),
                crate::render::human::safe(module),
                if codes.is_empty() {
                    "-".to_string()
                } else {
                    codes.join(",")
                },
                ms
            )
        };
        crate::print::stderr(&line);
    }

    /// Something the operator should know about a probe that still runs.
    pub(crate) fn notice(&self, target: &str, module: &str, note: &str) {
        let time = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
        let target = Redactor::mask_url(target);
        let line = if self.json {
            serde_json::json!({
                "time": time, "event": "notice", "target": target, "module": module, "note": note,
            })
            .to_string()
        } else {
            format!(
                "{time} notice target={} module={} note={}",
                crate::render::human::safe(&target),
                crate::render::human::safe(module),
                crate::render::human::safe(note)
            )
        };
        crate::print::stderr(&line);
    }

    /// A probe request refused, and why.
    pub(crate) fn refusal(&self, target: &str, module: &str, status: StatusCode, why: &str) {
        let time = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
        let target = Redactor::mask_url(target);
        let line = if self.json {
            serde_json::json!({
                "time": time, "event": "refused", "target": target, "module": module,
                "status": status.as_u16(), "reason": why,
            })
            .to_string()
        } else {
            format!(
                "{time} refused target={} module={} status={} reason={}",
                crate::render::human::safe(&target),
                crate::render::human::safe(module),
                status.as_u16(),
                crate::render::human::safe(why)
            )
        };
        crate::print::stderr(&line);
    }
}
