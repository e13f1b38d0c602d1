//! The checks of the checklist, one file each. A check takes the run's [`Ctx`] and the [`Inputs`]
//! its prerequisites produced, uses probes, asks [`crate::diagnose`] what it saw means, and
//! returns its report with what it learned for the checks after it.

#[cfg(feature = "browser")]
mod browser;
mod cors;
pub(crate) mod diagnostics;
pub(crate) mod dns;
mod echo;
pub(crate) mod health;
mod hold;
mod origin;
mod session;
mod store;
mod target;
mod tcp;
mod terminal;
mod tls;

use crate::context::Ctx;
use crate::diagnose::classify;
use crate::facts::{Facts, Inputs};
use crate::probe::stream::Conn;
use std::time::{Duration, Instant};
use wsdoctor_model::evidence::{Common, Detail, Evidence};
use wsdoctor_model::{
    ms, Attempt, CheckId, CheckReport, Event, Finding, Notice, Phase, Platform, Status, Timings,
};

/// A failure on its way into a check report.
#[derive(Debug)]
pub(crate) struct Failed {
    /// The diagnosis.
    pub(crate) finding: Finding,
    /// Evidence gathered on the way (boxed: failures travel in `Result`s, and evidence is big).
    pub(crate) evidence: Box<Common>,
}

impl Failed {
    /// A failure without extra evidence.
    pub(crate) fn new(finding: Finding) -> Failed {
        Failed {
            finding,
            evidence: Box::default(),
        }
    }

    /// A failure with evidence.
    pub(crate) fn with_evidence(finding: Finding, evidence: Common) -> Failed {
        Failed {
            finding,
            evidence: Box::new(evidence),
        }
    }
}

/// What a check returns: its report, and what it learned for the checks that need it.
pub(crate) struct Output {
    /// The report.
    pub(crate) report: CheckReport,
    /// Facts for later checks.
    pub(crate) learned: Facts,
    /// A connection for the check the plan hands it to.
    pub(crate) connection: Option<Conn>,
}

impl Output {
    /// A report with nothing learned.
    pub(crate) fn only(report: CheckReport) -> Output {
        Output {
            report,
            learned: Facts::default(),
            connection: None,
        }
    }
}

/// A check in progress: collects timings, evidence, attempts and what it learns, then becomes a
/// report.
pub(crate) struct CheckRun {
    /// Which check.
    pub(crate) id: CheckId,
    /// When the check started (a run of several attempts keeps the first one's).
    pub(crate) started: Instant,
    /// Phase timings so far.
    pub(crate) timings: Timings,
    /// Evidence so far.
    pub(crate) evidence: Evidence,
    /// Attempts so far (retrying checks only).
    pub(crate) attempts: Option<Vec<Attempt>>,
    /// What the check learned for the checks after it.
    pub(crate) learned: Facts,
    /// A connection to hand on.
    pub(crate) connection: Option<Conn>,
    /// The check's HTTP request went over HTTP/2: its summary says so.
    pub(crate) over_http2: bool,
    /// When the current socket attempt must have its answer (see `Ctx::answer_by`).
    pub(crate) answer_by: Option<Instant>,
    /// A wait of the current attempt was cut short by `answer_by`.
    pub(crate) cut_short: bool,
}

impl CheckRun {
    /// Starts timing a check; it knows what its prerequisites learned (platforms above all, for
    /// the hints).
    pub(crate) fn start(id: CheckId, inputs: &Inputs) -> CheckRun {
        CheckRun {
            id,
            started: Instant::now(),
            timings: Timings::new(),
            evidence: Evidence::default(),
            attempts: None,
            learned: Facts {
                platforms: inputs.facts.platforms.clone(),
                ..Facts::default()
            },
            connection: None,
            over_http2: false,
            answer_by: None,
            cut_short: false,
        }
    }

    /// What is left before `answer_by` (a second at least, or a tenth of `timeout`), if that is
    /// shorter than `timeout`: a wait for an answer the run no longer expects to come.
    pub(crate) fn wait_at_most(&mut self, timeout: Duration) -> Duration {
        const AT_LEAST: Duration = Duration::from_secs(1);
        let Some(by) = self.answer_by else {
            return timeout;
        };
        // Whole milliseconds: the wait is named in the finding.
        let left = by
            .saturating_duration_since(Instant::now())
            .max(AT_LEAST.min(timeout / 10));
        let left = Duration::from_millis(u64::try_from(left.as_millis()).unwrap_or(u64::MAX));
        if left < timeout {
            self.cut_short = true;
            left
        } else {
            timeout
        }
    }

    /// Takes what a run of the same check on one road gathered: its timings, evidence, attempts
    /// and what it learned (this run's evidence wins where both have a fact).
    pub(crate) fn absorb(&mut self, road: CheckRun) {
        for (phase, value) in road.timings {
            self.timings.entry(phase).or_insert(value);
        }
        let mut common = road.evidence.common;
        common.absorb(std::mem::take(&mut self.evidence.common));
        self.evidence.common = common;
        if self.evidence.detail.is_none() {
            self.evidence.detail = road.evidence.detail;
        }
        if self.attempts.is_none() {
            self.attempts = road.attempts;
        }
        self.learned.merge(&road.learned);
    }

    /// Time since the check started.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The evidence every check may gather.
    pub(crate) fn common(&mut self) -> &mut Common {
        &mut self.evidence.common
    }

    /// Sets the evidence of this kind of check.
    pub(crate) fn detail(&mut self, detail: Detail) {
        self.evidence.detail = Some(detail);
    }

    /// Records a phase and tells the event stream.
    pub(crate) fn phase(&mut self, ctx: &Ctx, phase: Phase, duration: Duration) {
        self.timings.insert(phase, ms(duration));
        ctx.emit(Event::Phase {
            id: self.id,
            phase,
            duration_ms: ms(duration),
        });
    }

    /// Records platforms seen in a response.
    pub(crate) fn saw(&mut self, found: impl IntoIterator<Item = Platform>) {
        self.learned.platforms.merge(found);
    }

    /// The most specific platform known to this check, for its hints.
    pub(crate) fn platform(&self) -> Option<Platform> {
        self.learned.platforms.primary().cloned()
    }

    fn finish(
        self,
        status: Status,
        summary: String,
        failure: Option<Finding>,
        warning: Option<Notice>,
    ) -> Output {
        let summary = if self.over_http2 && status != Status::Fail {
            format!("{summary}, over HTTP/2")
        } else {
            summary
        };
        Output {
            report: CheckReport {
                id: self.id,
                status,
                // The runner knows when the check started on the run's clock.
                started_ms: 0.0,
                duration_ms: ms(self.started.elapsed()),
                summary,
                timings: self.timings,
                evidence: self.evidence,
                failure,
                warning,
                attempts: self.attempts,
            },
            learned: self.learned,
            connection: self.connection,
        }
    }

    /// The check passed.
    pub(crate) fn pass(self, summary: impl Into<String>) -> Output {
        self.finish(Status::Pass, summary.into(), None, None)
    }

    /// The check worked with a caveat.
    pub(crate) fn warn(self, summary: impl Into<String>, warning: Notice) -> Output {
        self.finish(Status::Warn, summary.into(), None, Some(warning))
    }

    /// The check failed; the hint gains what the platform in front of the app means for it.
    pub(crate) fn fail(mut self, failed: Failed) -> Output {
        self.evidence.common.absorb(*failed.evidence);
        let finding = classify::with_platform(failed.finding, self.platform().as_ref());
        let summary = finding.message.clone();
        self.finish(Status::Fail, summary, Some(finding), None)
    }

    /// The check failed, without platform advice in the hint (it is not about the platform).
    pub(crate) fn fail_plain(mut self, failed: Failed) -> Output {
        self.evidence.common.absorb(*failed.evidence);
        let summary = failed.finding.message.clone();
        self.finish(Status::Fail, summary, Some(failed.finding), None)
    }

    /// The check did not run after all.
    pub(crate) fn skip(self, reason: impl Into<String>) -> Output {
        self.finish(Status::Skip, reason.into(), None, None)
    }
}

/// Runs the check `id`.
///
/// `connection` is one the plan hands this check from a transport check, to use instead of
/// opening its own.
pub(crate) async fn run(
    id: CheckId,
    ctx: &Ctx,
    inputs: Inputs,
    connection: Option<Conn>,
) -> Output {
    // Each check's future is boxed: unboxed, this one future is as large as the largest check
    // (the browser's DevTools session, the hold's three sockets) for every check of every
    // target, which a fleet of a thousand pays in resident memory.
    match id {
        CheckId::Target => target::run(ctx, &inputs),
        CheckId::Dns => Box::pin(dns::run(ctx, &inputs)).await,
        CheckId::Tcp => Box::pin(tcp::run(ctx, &inputs)).await,
        CheckId::Tls => Box::pin(tls::run(ctx, &inputs, connection)).await,
        CheckId::Health => Box::pin(health::run(ctx, &inputs, connection)).await,
        CheckId::Diagnostics => Box::pin(diagnostics::run(ctx, &inputs)).await,
        CheckId::Cors => Box::pin(cors::run(ctx, &inputs)).await,
        CheckId::Session => Box::pin(session::run(ctx, &inputs)).await,
        CheckId::Store => Box::pin(store::run(ctx, &inputs)).await,
        CheckId::Echo => Box::pin(echo::run(ctx, &inputs)).await,
        CheckId::Terminal => Box::pin(terminal::run(ctx, &inputs)).await,
        CheckId::Origin => Box::pin(origin::run(ctx, &inputs)).await,
        #[cfg(feature = "browser")]
        CheckId::Browser => Box::pin(browser::run(ctx, &inputs)).await,
        #[cfg(not(feature = "browser"))]
        CheckId::Browser => Output::only(CheckReport::skipped(
            CheckId::Browser,
            "this wsdoctor was built without the browser feature",
        )),
        CheckId::Hold => Box::pin(hold::run(ctx, &inputs)).await,
    }
}
