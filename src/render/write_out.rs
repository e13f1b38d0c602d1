//! `-w`/`--write-out FORMAT`: a one-line template filled from a report, as curl's `-w`. The
//! template is parsed (and unknown names refused) when the arguments are, so a typo is a usage
//! error before any run; rendering is a pure function of the report.

use wsdoctor_core::model::{CheckReport, Phase, Report};

/// The variables a template may name, in the order `--help` and errors list them.
pub(crate) const VARIABLES: [&str; 14] = [
    "verdict",
    "code",
    "cause",
    "check",
    "target",
    "time_total",
    "time_dns",
    "time_connect",
    "time_tls",
    "time_upgrade",
    "time_first_message",
    "http_version",
    "close_code",
    "platform",
];

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Variable(&'static str),
}

/// A parsed `--write-out` template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    pieces: Vec<Piece>,
}

/// Parses `text`: `%{name}` variables, `%%` for `%`, and the escapes `\n`, `\t`, `\r`, `\\`.
/// Any other `%` or `\` stands for itself, as in curl.
pub(crate) fn parse(text: &str) -> Result<Template, String> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        match c {
            '%' if after.starts_with('%') => {
                literal.push('%');
                rest = &after[1..];
            }
            '%' if after.starts_with('{') => {
                let Some(end) = after.find('}') else {
                    return Err(format!(
                        "unclosed %{{ in {text:?}; known variables: {}",
                        VARIABLES.join(", ")
                    ));
                };
                let name = &after[1..end];
                let Some(known) = VARIABLES.iter().find(|v| **v == name) else {
                    return Err(format!(
                        "unknown variable %{{{}}}; known variables: {}",
                        name.escape_debug(),
                        VARIABLES.join(", ")
                    ));
                };
                if !literal.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut literal)));
                }
                pieces.push(Piece::Variable(known));
                rest = &after[end + 1..];
            }
            '\\' => {
                let escaped = match after.chars().next() {
                    Some('n') => Some('\n'),
                    Some('t') => Some('\t'),
                    Some('r') => Some('\r'),
                    Some('\\') => Some('\\'),
                    _ => None,
                };
                match escaped {
                    Some(e) => {
                        literal.push(e);
                        rest = &after[1..];
                    }
                    None => {
                        literal.push('\\');
                        rest = after;
                    }
                }
            }
            other => {
                literal.push(other);
                rest = after;
            }
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(Template { pieces })
}

impl Template {
    /// The template filled from `report`.
    pub(crate) fn render(&self, report: &Report) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Variable(name) => out.push_str(&value(name, report)),
            }
        }
        out
    }
}

/// The check that leads the report: the first whose failure (else warning) has the leading code.
fn leading(report: &Report) -> Option<&CheckReport> {
    let code = *report.codes.first()?;
    report
        .checks
        .iter()
        .find(|c| c.failure.as_ref().is_some_and(|f| f.code == code))
        .or_else(|| {
            report
                .checks
                .iter()
                .find(|c| c.warning.as_ref().is_some_and(|w| w.code == code))
        })
}

/// Seconds as curl prints its times; a phase no check timed is 0, as curl's times for a step
/// that never happened are.
fn seconds(ms: f64) -> String {
    format!("{:.6}", ms / 1000.0)
}

/// The first timing of `phase`, the leading check's own first (it is the one the line is about),
/// then in checklist order.
fn phase(report: &Report, phase: Phase) -> String {
    let lead = leading(report);
    let ms = lead
        .and_then(|c| c.timings.get(&phase))
        .or_else(|| report.checks.iter().find_map(|c| c.timings.get(&phase)))
        .copied()
        .unwrap_or(0.0);
    seconds(ms)
}

/// The first piece of evidence `field` finds, the leading check's first.
fn evidence<T>(report: &Report, field: impl Fn(&CheckReport) -> Option<T>) -> Option<T> {
    leading(report)
        .and_then(&field)
        .or_else(|| report.checks.iter().find_map(&field))
}

fn value(name: &str, report: &Report) -> String {
    let lead = leading(report);
    match name {
        "verdict" => report.verdict.as_str().to_string(),
        "code" => report
            .codes
            .first()
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        "cause" => lead
            .and_then(|c| {
                c.failure
                    .as_ref()
                    .map(|f| f.cause)
                    .or(c.warning.as_ref().map(|w| w.cause))
            })
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        "check" => lead.map(|c| c.id.as_str().to_string()).unwrap_or_default(),
        "target" => report.target.clone(),
        "time_total" => seconds(report.duration_ms),
        "time_dns" => phase(report, Phase::Dns),
        "time_connect" => phase(report, Phase::TcpConnect),
        "time_tls" => phase(report, Phase::TlsHandshake),
        "time_upgrade" => {
            let h1 = phase(report, Phase::WsHandshake);
            if h1 == seconds(0.0) {
                phase(report, Phase::H2Connect)
            } else {
                h1
            }
        }
        "time_first_message" => phase(report, Phase::FirstMessage),
        "http_version" => {
            evidence(report, |c| c.evidence.common.http_version.clone()).unwrap_or_default()
        }
        "close_code" => evidence(report, |c| c.evidence.common.close_code)
            .map(|c| c.to_string())
            .unwrap_or_default(),
        "platform" => report
            .platform
            .as_ref()
            .map(|p| p.id.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_percent_and_variables() {
        let t = parse(r"%{verdict}\t100%% %{code}\n\x").unwrap();
        assert_eq!(
            t.pieces,
            vec![
                Piece::Variable("verdict"),
                Piece::Text("\t100% ".into()),
                Piece::Variable("code"),
                Piece::Text("\n\\x".into()),
            ]
        );
    }

    #[test]
    fn unknown_and_unclosed_names_are_refused_with_the_known_ones() {
        let e = parse("%{verdcit}").unwrap_err();
        assert!(e.contains("verdcit") && e.contains("time_total"), "{e}");
        assert!(parse("%{verdict").unwrap_err().contains("unclosed"));
    }
}
