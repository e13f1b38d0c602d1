//! What a run's cuts say together that none says alone: every cut after the same quiet time with
//! nothing in flight is an idle timeout; every socket cut at the same age while traffic flowed is
//! a lifetime cap. One cut, or cuts that disagree, say nothing more than themselves.

use wsdoctor_model::ping::Cut;
use wsdoctor_model::{Cause, Finding};

/// Shorter cuts than this are a server dropping sockets, not a timer (drop-after-open).
const SHORTEST_TIMER_MS: f64 = 200.0;

/// The story the cuts tell, if they agree on one.
pub(crate) fn of(cuts: &[Cut]) -> Option<Finding> {
    if cuts.len() < 2 {
        return None;
    }
    let ages: Vec<f64> = cuts.iter().map(|c| c.open_for_ms).collect();
    let quiets: Vec<f64> = cuts.iter().map(|c| c.quiet_for_ms).collect();
    let age = median(&ages);
    let quiet = median(&quiets);
    // Traffic shortly before a cut at a constant age: the cut ignores the traffic.
    let busy = cuts.iter().any(|c| c.quiet_for_ms < c.open_for_ms / 2.0);
    if agree(&ages) && busy && age >= SHORTEST_TIMER_MS {
        return Some(Finding::new(
            Cause::LifetimeCut,
            format!(
                "all {} cuts came {} after the socket opened, whatever the traffic: a lifetime cap",
                cuts.len(),
                seconds(age)
            ),
        ));
    }
    let idle = cuts.iter().all(|c| c.lost_in_flight == 0);
    if agree(&quiets) && idle && quiet >= SHORTEST_TIMER_MS {
        return Some(Finding::new(
            Cause::IdleCut,
            format!(
                "all {} cuts came after {} without a frame, with no sample in flight: an idle timeout of about {}; samples more often than that keep the socket up, a quiet browser socket is still cut",
                cuts.len(),
                seconds(quiet),
                seconds(quiet)
            ),
        ));
    }
    None
}

/// Whether the values agree within a tenth of their median (or 100 ms, for short ones).
fn agree(values: &[f64]) -> bool {
    let middle = median(values);
    let spread = values.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b))
        - values.iter().fold(f64::INFINITY, |a, &b| a.min(b));
    spread <= (middle / 10.0).max(100.0)
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

fn seconds(ms: f64) -> String {
    format!("{:.1} s", ms / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsdoctor_model::Code;

    fn cut(open: f64, quiet: f64, in_flight: u64) -> Cut {
        Cut {
            code: Code::AbnormalClosure,
            cause: Cause::AbnormalClose,
            message: String::new(),
            close_code: None,
            open_for_ms: open,
            quiet_for_ms: quiet,
            lost_in_flight: in_flight,
        }
    }

    #[test]
    fn cuts_that_agree_tell_an_idle_timeout_from_a_lifetime_cap() {
        let idle = of(&[cut(1001.0, 1001.0, 0), cut(2500.0, 1003.0, 0)]).unwrap();
        assert_eq!(idle.cause, Cause::IdleCut);
        let lifetime = of(&[cut(500.0, 40.0, 1), cut(502.0, 90.0, 0)]).unwrap();
        assert_eq!(lifetime.cause, Cause::LifetimeCut);
        // A server that drops every socket at once is no timer; one cut is no pattern.
        assert!(of(&[cut(1.0, 1.0, 1), cut(0.5, 0.5, 1)]).is_none());
        assert!(of(&[cut(1000.0, 1000.0, 0)]).is_none());
        // Cuts that disagree say nothing together.
        assert!(of(&[cut(1000.0, 1000.0, 0), cut(4000.0, 3000.0, 0)]).is_none());
    }
}
