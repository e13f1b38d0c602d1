//! `--format junit`: a testsuite per target, a testcase per check, for CI dashboards.

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;
use wsdoctor_core::model::{FleetReport, Report, Status};

/// The report as JUnit XML.
pub(crate) fn render(report: &Report) -> String {
    let mut junit = quick_junit::Report::new("wsdoctor");
    junit.add_test_suite(suite(report.target.clone(), report));
    finish(junit)
}

/// A fleet as JUnit XML: a testsuite per target, named by the target's name.
pub(crate) fn render_fleet(fleet: &FleetReport) -> String {
    let mut junit = quick_junit::Report::new("wsdoctor");
    for entry in &fleet.targets {
        let mut suite = suite(entry.name.clone(), &entry.report);
        suite.add_property(quick_junit::Property::new(
            "target",
            entry.report.target.as_str(),
        ));
        junit.add_test_suite(suite);
    }
    finish(junit)
}

fn finish(junit: quick_junit::Report) -> String {
    match junit.to_string() {
        Ok(xml) => strict(xml),
        Err(e) => format!("<!-- cannot serialise JUnit: {e} -->\n"),
    }
}

/// One target's testsuite: a testcase per check.
fn suite(name: String, report: &Report) -> TestSuite {
    let mut suite = TestSuite::new(name);
    suite.set_time(Duration::from_secs_f64(report.duration_ms / 1000.0));
    suite.add_property(quick_junit::Property::new(
        "verdict",
        report.verdict.as_str(),
    ));
    if let Some(platform) = &report.platform {
        suite.add_property(quick_junit::Property::new("platform", platform.name()));
    }
    for check in &report.checks {
        let status = match (&check.status, &check.failure) {
            (Status::Fail, Some(finding)) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status
                    .set_message(format!(
                        "{} ({}): {}",
                        finding.code, finding.cause, finding.message
                    ))
                    .set_type(finding.code.as_str())
                    .set_description(format!(
                        "code: {}\ncause: {}\nmessage: {}\nhint: {}\nevidence: {}",
                        finding.code,
                        finding.cause,
                        finding.message,
                        finding.hint,
                        serde_json::to_string_pretty(&check.evidence)
                            .unwrap_or_else(|e| format!("(cannot serialise the evidence: {e})"))
                    ));
                status
            }
            (Status::Fail, None) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_message(check.summary.clone());
                status
            }
            (Status::Skip, _) => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(check.summary.clone());
                status
            }
            _ => TestCaseStatus::success(),
        };
        let mut case = TestCase::new(check.id.as_str(), status);
        case.set_classname(format!("wsdoctor.{}", check.id.as_str()));
        case.set_time(Duration::from_secs_f64(check.duration_ms / 1000.0));
        if check.status != Status::Skip {
            let mut out = check.summary.clone();
            if let Some(warning) = &check.warning {
                let code = format!("{} ", warning.label());
                out.push_str(&format!(
                    "\nwarning: {code}{}\nhint: {}",
                    warning.message, warning.hint
                ));
            }
            case.set_system_out(out);
        }
        suite.add_test_case(case);
    }
    suite
}

/// The Jenkins/Ant JUnit schema (what strict consumers validate against) allows no `skipped`
/// attribute on `<testsuites>`; quick-junit writes one. The count stays on each `<testsuite>`.
fn strict(xml: String) -> String {
    let Some(start) = xml.find("<testsuites") else {
        return xml;
    };
    let Some(end) = xml[start..].find('>').map(|e| start + e) else {
        return xml;
    };
    let element = &xml[start..end];
    let Some(at) = element.find(" skipped=\"") else {
        return xml;
    };
    let value_end = element[at + 10..]
        .find('"')
        .map(|e| at + 10 + e + 1)
        .unwrap_or(element.len());
    format!(
        "{}{}{}",
        &xml[..start + at],
        &xml[start + value_end..end],
        &xml[end..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsdoctor_core::model::{Cause, CheckId, CheckReport, Finding};

    #[test]
    fn a_failed_check_is_a_failure_with_code_cause_and_hint() {
        let failed = CheckReport::failed(
            CheckId::Terminal,
            Finding::new(Cause::SessionInvalid, "closed 4000 <Invalid & session>"),
        );
        let skipped = CheckReport::skipped(CheckId::Hold, "no --hold given");
        let report = Report::new("ws://a/".into(), "now".into(), vec![failed, skipped]);
        let xml = render(&report);
        assert!(xml.contains(r#"<testcase name="terminal""#), "{xml}");
        assert!(xml.contains(r#"type="SESSION_INVALID""#), "{xml}");
        assert!(xml.contains("cause: session_invalid"), "{xml}");
        assert!(xml.contains("&lt;Invalid &amp; session&gt;"), "{xml}");
        assert!(xml.contains("<skipped"), "{xml}");
        let root = xml.lines().nth(1).unwrap_or_default();
        assert!(
            root.starts_with("<testsuites ") && !root.contains("skipped"),
            "{root}"
        );
        assert!(
            xml.contains(r#"<testsuite name="ws://a/" tests="2" skipped="1""#),
            "{xml}"
        );
    }
}
