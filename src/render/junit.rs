//! `--format junit`: a testsuite per target, a testcase per check, for CI dashboards.

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;
use wsdoctor_core::model::{Report, Status};

/// The report as JUnit XML.
pub(crate) fn render(report: &Report) -> String {
    let mut junit = quick_junit::Report::new("wsdoctor");
    junit.add_test_suite(suite(report.target.clone(), report));
    finish(junit)
}

/// A fleet's testsuite for one target, named by the target's name, as the text it is within
/// the fleet's `<testsuites>`, and its counts for the fleet's element.
pub(crate) fn fleet_suite(name: &str, report: &Report) -> (String, SuiteCounts) {
    let mut suite = suite(name.to_string(), report);
    suite.add_property(quick_junit::Property::new("target", report.target.as_str()));
    let counts = SuiteCounts {
        tests: suite.tests,
        failures: suite.failures,
        errors: suite.errors,
        skipped: suite.skipped,
    };
    // quick-junit writes whole documents only: write one of this suite alone and keep what lies
    // inside `<testsuites>`; the indentation is the same as in the fleet's document.
    let mut one = quick_junit::Report::new("wsdoctor");
    one.add_test_suite(suite);
    let xml = finish(one);
    let inner = xml
        .find("<testsuites")
        .and_then(|start| xml[start..].find('>').map(|end| start + end + 1))
        .and_then(|start| {
            xml.rfind("</testsuites>")
                .map(|end| xml[start..end].trim_end_matches([' ', '\n']).to_string())
        })
        .unwrap_or_default();
    (inner, counts)
}

/// A suite's counts, summed into the fleet's `<testsuites>`.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct SuiteCounts {
    pub(crate) tests: usize,
    pub(crate) failures: usize,
    pub(crate) errors: usize,
    pub(crate) skipped: usize,
}

impl std::ops::AddAssign for SuiteCounts {
    fn add_assign(&mut self, other: SuiteCounts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }
}

/// The fleet document around its suites: what comes before the first [`fleet_suite`], and what
/// comes after the last.
pub(crate) fn fleet_frame(counts: SuiteCounts) -> (String, String) {
    let mut empty = quick_junit::Report::new("wsdoctor");
    empty.tests = counts.tests;
    empty.failures = counts.failures;
    empty.errors = counts.errors;
    empty.skipped = counts.skipped;
    let xml = finish(empty);
    match xml.rfind("</testsuites>") {
        Some(end) => {
            let head = xml[..end].trim_end_matches([' ', '\n']).to_string();
            (head, format!("\n{}", &xml[end..]))
        }
        None => (xml, String::new()),
    }
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
    fn a_fleet_in_pieces_is_the_document_of_all_its_suites_at_once() {
        let failed =
            CheckReport::failed(CheckId::Tcp, Finding::new(Cause::TcpRefused, "refused <&>"));
        let skipped = CheckReport::skipped(CheckId::Hold, "no --hold given");
        let reports = [
            (
                "b",
                Report::new("ws://b/".into(), "now".into(), vec![failed, skipped]),
            ),
            ("a", Report::new("ws://a/".into(), "now".into(), Vec::new())),
        ];
        let mut whole = quick_junit::Report::new("wsdoctor");
        let mut counts = SuiteCounts::default();
        let mut pieces = String::new();
        for (name, report) in &reports {
            let mut one = suite(name.to_string(), report);
            one.add_property(quick_junit::Property::new("target", report.target.as_str()));
            whole.add_test_suite(one);
            let (piece, count) = fleet_suite(name, report);
            pieces.push_str(&piece);
            counts += count;
        }
        let (head, tail) = fleet_frame(counts);
        assert_eq!(format!("{head}{pieces}{tail}"), finish(whole));
    }

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
