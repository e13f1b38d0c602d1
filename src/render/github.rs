//! GitHub Actions: workflow commands (`::error`, `::warning`) per failing or warned check, which
//! GitHub shows as annotations on the run, and the Markdown summary appended to
//! `$GITHUB_STEP_SUMMARY`. Text is escaped by the workflow-command rules, so nothing a server
//! says can start a command of its own.

use wsdoctor_core::model::{CheckReport, Report, Status};

/// The annotations for one report (`target`: the name shown in the title, if a fleet's).
pub(crate) fn annotations(report: &Report, target: Option<&str>) -> String {
    let mut out = String::new();
    for check in &report.checks {
        if let Some(line) = annotation(check, target.unwrap_or(&report.target)) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

fn annotation(check: &CheckReport, target: &str) -> Option<String> {
    let (kind, code, message, hint) = match (check.status, &check.failure, &check.warning) {
        (Status::Fail, Some(f), _) => (
            "error",
            format!("{} ({})", f.code, f.cause),
            f.message.clone(),
            f.hint.clone(),
        ),
        (Status::Fail, None, _) => ("error", String::new(), check.summary.clone(), String::new()),
        (Status::Warn, _, Some(w)) => ("warning", w.label(), w.message.clone(), w.hint.clone()),
        _ => return None,
    };
    let title = format!("wsdoctor {target}: {}", check.id.as_str());
    let text = [code, message, hint]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" — ");
    Some(format!(
        "::{kind} title={}::{}",
        escape_property(&title),
        escape_data(&text)
    ))
}

/// Escapes a command's message (the workflow-command rules).
pub(crate) fn escape_data(text: &str) -> String {
    // The log shows the message on a terminal too: control and bidi characters a server sent are
    // made visible first, as in the human report (a newline stays one, escaped below).
    let visible: Vec<String> = text.split('\n').map(crate::render::human::safe).collect();
    visible
        .join("\n")
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The file `$GITHUB_STEP_SUMMARY` names, opened to append to, when it names one.
pub(crate) fn step_summary() -> std::io::Result<Option<std::fs::File>> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map(Some)
}

/// Whether this runs inside GitHub Actions.
pub(crate) fn in_github_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsdoctor_core::model::{Cause, CheckId, Finding};

    #[test]
    fn a_failure_is_an_error_annotation_that_server_text_cannot_escape() {
        let check = CheckReport::failed(
            CheckId::Terminal,
            Finding::new(Cause::ServerError, "closed 4500: 100%\n::error::forged"),
        );
        let line = annotation(&check, "prod-eu").unwrap();
        assert!(
            line.starts_with(
                "::error title=wsdoctor prod-eu%3A terminal::SERVER_ERROR (server_error)"
            ),
            "{line}"
        );
        assert!(line.contains("100%25%0A::error::forged"), "{line}");
        assert_eq!(line.lines().count(), 1);
    }

    #[test]
    fn terminal_control_characters_in_server_text_are_made_visible() {
        let check = CheckReport::failed(
            CheckId::Echo,
            Finding::new(Cause::ServerError, "bad\u{1b}]0;owned\u{7}\u{202e}txt"),
        );
        let line = annotation(&check, "prod").unwrap();
        assert!(!line.contains('\u{1b}') && !line.contains('\u{7}') && !line.contains('\u{202e}'));
        assert!(line.contains("\\u{1b}"), "{line}");
    }
}
