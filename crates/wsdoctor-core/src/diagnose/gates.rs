//! Gates for CI: thresholds on what the checks measured, and `--fail-on warn`. They run on the
//! finished report, so a gate can only turn a pass or a warning into a failure, never hide one,
//! and every renderer (JUnit, the exit status, the exporter) sees the gated result.

use crate::plan::Plan;
use crate::settings::Gates;
use wsdoctor_model::evidence::Detail;
use wsdoctor_model::timing::{human, human_ms};
use wsdoctor_model::{Cause, CheckId, CheckReport, Finding, Phase, Report, Status};

/// Applies the gates to `report` and recomputes its verdict and codes.
pub(crate) fn apply(report: &mut Report, gates: &Gates, plan: &Plan) {
    if gates.is_empty() {
        return;
    }
    require(report, gates, plan);
    for check in &mut report.checks {
        gate(check, gates);
    }
    report.finish();
}

/// Applies the gates to one finished check. A function of the check alone, and applying it twice
/// is applying it once, so the runner gates each check as it finishes (what is printed then is
/// what the report says) and [`apply`] on the whole report changes nothing more.
pub(crate) fn gate(check: &mut CheckReport, gates: &Gates) {
    if gates.is_empty() || check.status == Status::Fail || check.status == Status::Skip {
        return;
    }
    // An accepted warning stays in the report, marked, so whoever reads it knows both what the
    // server does and that the team chose to live with it.
    if let Some(warning) = &mut check.warning {
        warning.allowed = gates.allow_warnings.contains(&warning.cause);
    }
    if let Some(finding) = breach(check, gates) {
        // The check's line then says what was measured beside the limit it breached.
        check.summary = finding.message.clone();
        fail(check, finding);
    } else if gates.fail_on_warn
        && check.status == Status::Warn
        && !check.warning.as_ref().is_some_and(|w| w.allowed)
    {
        let finding = promote_warning(check);
        fail(check, finding);
    }
}

/// A check `--require` names that was left out before the run (for want of an input, or because
/// it does not apply to this target) fails, naming why; one skipped because a prerequisite
/// failed needs no gate, as that failure already fails the run.
fn require(report: &mut Report, gates: &Gates, plan: &Plan) {
    for &id in &gates.require {
        let Some(why) = plan.skipped_because(id) else {
            continue;
        };
        let Some(check) = report
            .checks
            .iter_mut()
            .find(|c| c.id == id && c.status == Status::Skip)
        else {
            continue;
        };
        let finding = Finding::new(
            Cause::RequiredCheckSkipped,
            format!("{id} not checked: {why} (required by --require {id})"),
        );
        check.summary = finding.message.clone();
        fail(check, finding);
    }
}

/// The first threshold `check` breaches, as a finding naming the threshold, the value and the limit.
fn breach(check: &CheckReport, gates: &Gates) -> Option<Finding> {
    match check.id {
        CheckId::Tls => {
            let min = gates.min_cert_days?;
            let Some(Detail::Tls(tls)) = &check.evidence.detail else {
                return None;
            };
            let leaf = tls.tls.chain.first()?;
            (leaf.days_left < i64::from(min)).then(|| {
                Finding::new(
                    Cause::CertDaysBelowMinimum,
                    format!(
                        "the certificate is valid {} more days (until {}), under --min-cert-days {min}",
                        leaf.days_left, leaf.not_after
                    ),
                )
            })
        }
        CheckId::Echo => {
            if let Some(finding) = too_many_attempts(check, gates) {
                return Some(finding);
            }
            let max = gates.max_echo_rtt?;
            // With --count the median speaks for the run; a single round trip speaks for itself.
            let (measured, what) = match &check.evidence.detail {
                Some(Detail::Echo(echo)) if echo.round_trips.is_some() => (
                    echo.round_trips.as_ref().map(|s| s.median_ms)?,
                    "the median echo round trip",
                ),
                _ => (
                    *check.timings.get(&Phase::EchoRoundTrip)?,
                    "the echo round trip",
                ),
            };
            (measured > millis(max)).then(|| {
                Finding::new(
                    Cause::EchoRttAboveMaximum,
                    format!(
                        "{what} is {}, above --max-echo-rtt {}",
                        human_ms(measured),
                        human(max)
                    ),
                )
            })
        }
        CheckId::Terminal => {
            if let Some(finding) = too_many_attempts(check, gates) {
                return Some(finding);
            }
            let max = gates.max_first_message?;
            let measured = *check.timings.get(&Phase::FirstMessage)?;
            (measured > millis(max)).then(|| {
                Finding::new(
                    Cause::FirstMessageAboveMaximum,
                    format!(
                        "the terminal's first message came {} after open, above --max-first-message {}",
                        human_ms(measured),
                        human(max)
                    ),
                )
            })
        }
        _ => None,
    }
}

fn too_many_attempts(check: &CheckReport, gates: &Gates) -> Option<Finding> {
    let max = gates.max_attempts?;
    let used = u32::try_from(check.attempts.as_ref()?.len()).unwrap_or(u32::MAX);
    (used > max).then(|| {
        Finding::new(
            Cause::AttemptsAboveMaximum,
            format!(
                "the {} socket needed {used} attempts, above --max-attempts {max}",
                check.id.as_str()
            ),
        )
    })
}

/// A warning as a failure: its own code and cause (`warning_not_allowed` for a warned check
/// without a notice); the message says which gate did it.
fn promote_warning(check: &CheckReport) -> Finding {
    let Some(warning) = &check.warning else {
        return Finding::new(
            Cause::WarningNotAllowed,
            format!("{} (a warning, failed by --fail-on warn)", check.summary),
        );
    };
    let mut finding = Finding::new(warning.cause, warning.message.clone());
    finding.message = format!("{} (a warning, failed by --fail-on warn)", finding.message);
    finding.hint = warning.hint.clone();
    finding
}

fn fail(check: &mut CheckReport, finding: Finding) {
    check.status = Status::Fail;
    check.failure = Some(finding);
}

fn millis(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsdoctor_model::Notice;

    fn echo(rtt_ms: f64, attempts: usize) -> CheckReport {
        let mut check = CheckReport::skipped(CheckId::Echo, "echo round trip");
        check.status = Status::Pass;
        check.timings.insert(Phase::EchoRoundTrip, rtt_ms);
        check.attempts = Some(
            (0..attempts)
                .map(|n| wsdoctor_model::Attempt {
                    number: u32::try_from(n).unwrap_or(0) + 1,
                    started_ms: 0.0,
                    duration_ms: 1.0,
                    outcome: wsdoctor_model::AttemptOutcome::Ok,
                    cause: None,
                    summary: String::new(),
                    close_code: None,
                    retry_in_ms: None,
                })
                .collect(),
        );
        check
    }

    #[test]
    fn a_breached_threshold_fails_with_its_own_cause_and_the_figures() {
        let gates = Gates {
            max_echo_rtt: Some(std::time::Duration::from_millis(100)),
            ..Gates::default()
        };
        let mut report = Report::new("t".into(), "now".into(), vec![echo(240.0, 1)]);
        apply(&mut report, &gates, &Plan { checks: Vec::new() });
        let failure = report.checks[0].failure.as_ref().unwrap();
        assert_eq!(failure.cause, Cause::EchoRttAboveMaximum);
        assert!(failure.message.contains("240.0 ms") && failure.message.contains("100 ms"));
        assert_eq!(report.verdict, wsdoctor_model::Verdict::Fail);
        let mut fast = Report::new("t".into(), "now".into(), vec![echo(40.0, 1)]);
        apply(&mut fast, &gates, &Plan { checks: Vec::new() });
        assert_eq!(fast.verdict, wsdoctor_model::Verdict::Pass);
    }

    #[test]
    fn attempts_and_warnings_gate_too() {
        let gates = Gates {
            max_attempts: Some(1),
            ..Gates::default()
        };
        let mut report = Report::new("t".into(), "now".into(), vec![echo(1.0, 3)]);
        apply(&mut report, &gates, &Plan { checks: Vec::new() });
        assert_eq!(
            report.checks[0].failure.as_ref().unwrap().cause,
            Cause::AttemptsAboveMaximum
        );

        let mut warned = echo(1.0, 1);
        warned.status = Status::Warn;
        warned.warning = Some(Notice::of(
            Cause::OriginNotEnforced,
            "Origin not enforced",
            "enforce it",
        ));
        let mut report = Report::new("t".into(), "now".into(), vec![warned.clone()]);
        apply(&mut report, &Gates::default(), &Plan { checks: Vec::new() });
        assert_eq!(
            report.verdict,
            wsdoctor_model::Verdict::Warn,
            "no gate, no change"
        );
        let strict = Gates {
            fail_on_warn: true,
            ..Gates::default()
        };
        let mut accepted = report.clone();
        apply(&mut report, &strict, &Plan { checks: Vec::new() });
        let failure = report.checks[0].failure.as_ref().unwrap();
        assert_eq!(
            failure.cause,
            Cause::OriginNotEnforced,
            "the warning's own cause"
        );
        assert_eq!(failure.hint, "enforce it");
        assert_eq!(report.codes, vec![wsdoctor_model::Code::OriginNotEnforced]);

        let lenient = Gates {
            allow_warnings: vec![Cause::OriginNotEnforced],
            ..strict
        };
        apply(&mut accepted, &lenient, &Plan { checks: Vec::new() });
        assert_eq!(accepted.verdict, wsdoctor_model::Verdict::Warn);
        assert!(accepted.checks[0].warning.as_ref().unwrap().allowed);
    }
}
