//! Latency statistics over a series of round trips (`--count`), kept in a streaming histogram so
//! memory does not grow with the number of round trips.

use hdrhistogram::Histogram;
use std::time::Duration;
use wsdoctor_model::evidence::LatencyStats;

/// The slowest round trip the histogram records exactly; slower ones are clamped to it (a round
/// trip is bounded by `--timeout`, at most a day).
const HIGHEST_MICROS: u64 = 86_400 * 1_000_000;

/// Round trips as they happen: a histogram in microseconds (3 significant figures), the running
/// sum, and what jitter needs (the previous answered round trip).
pub(crate) struct Series {
    histogram: Option<Histogram<u64>>,
    sent: u64,
    sum_micros: u128,
    previous: Option<u64>,
    jitter_sum: u128,
    jitter_count: u64,
}

impl Series {
    pub(crate) fn new() -> Series {
        Series {
            // Bounded construction cannot fail for these constants; without a histogram the
            // series still counts, and the percentiles read 0.
            histogram: Histogram::new_with_bounds(1, HIGHEST_MICROS, 3).ok(),
            sent: 0,
            sum_micros: 0,
            previous: None,
            jitter_sum: 0,
            jitter_count: 0,
        }
    }

    /// Records one round trip; `None` is one lost (no answer, or a wrong one, in time).
    pub(crate) fn record(&mut self, round_trip: Option<Duration>) {
        self.sent += 1;
        let Some(rtt) = round_trip else {
            return;
        };
        let micros = u64::try_from(rtt.as_micros())
            .unwrap_or(u64::MAX)
            .clamp(1, HIGHEST_MICROS);
        if let Some(h) = self.histogram.as_mut() {
            h.saturating_record(micros);
        }
        self.sum_micros += u128::from(micros);
        if let Some(previous) = self.previous {
            self.jitter_sum += u128::from(previous.abs_diff(micros));
            self.jitter_count += 1;
        }
        self.previous = Some(micros);
    }

    /// Round trips recorded, lost ones included.
    pub(crate) fn sent(&self) -> u64 {
        self.sent
    }

    /// The statistics so far.
    pub(crate) fn stats(&self) -> LatencyStats {
        let received = self.histogram.as_ref().map_or(0, |h| h.len());
        let ms = |micros: u64| round(micros as f64 / 1000.0);
        // Values are reported at the middle of their bucket: three significant figures.
        let at = |q: f64| match self.histogram.as_ref() {
            Some(h) if received > 0 => ms(h.median_equivalent(h.value_at_quantile(q))),
            _ => 0.0,
        };
        let mean = if received == 0 {
            0.0
        } else {
            round(self.sum_micros as f64 / received as f64 / 1000.0)
        };
        let jitter = if self.jitter_count == 0 {
            0.0
        } else {
            round(self.jitter_sum as f64 / self.jitter_count as f64 / 1000.0)
        };
        LatencyStats {
            sent: self.sent,
            received,
            loss_percent: if self.sent == 0 {
                0.0
            } else {
                round(100.0 * (self.sent - received) as f64 / self.sent as f64)
            },
            min_ms: self
                .histogram
                .as_ref()
                .filter(|_| received > 0)
                .map_or(0.0, |h| ms(h.min())),
            median_ms: at(0.5),
            p90_ms: at(0.9),
            p99_ms: at(0.99),
            max_ms: self
                .histogram
                .as_ref()
                .filter(|_| received > 0)
                .map_or(0.0, |h| ms(h.median_equivalent(h.max()))),
            mean_ms: mean,
            jitter_ms: jitter,
        }
    }
}

fn round(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_a_known_series() {
        let mut series = Series::new();
        for v in 1..=100 {
            series.record(Some(Duration::from_millis(v)));
        }
        series.record(None);
        let s = series.stats();
        assert_eq!(s.sent, 101);
        assert_eq!(s.received, 100);
        // Three significant figures.
        let near = |got: f64, want: f64| (got - want).abs() <= want * 0.001;
        assert!(near(s.min_ms, 1.0), "{}", s.min_ms);
        assert!(near(s.median_ms, 50.0), "{}", s.median_ms);
        assert!(near(s.p90_ms, 90.0), "{}", s.p90_ms);
        assert!(near(s.p99_ms, 99.0), "{}", s.p99_ms);
        assert!(near(s.max_ms, 100.0), "{}", s.max_ms);
        assert_eq!(s.mean_ms, 50.5);
        assert_eq!(s.jitter_ms, 1.0);
        assert!((s.loss_percent - 0.99).abs() < 0.01);
    }

    #[test]
    fn an_empty_series_is_all_zero_and_a_huge_one_stays_small() {
        let s = Series::new().stats();
        assert_eq!(s.received, 0);
        assert_eq!(s.median_ms, 0.0);
        let mut series = Series::new();
        for i in 0..1_000_000u64 {
            series.record(Some(Duration::from_micros(100 + i % 5_000)));
        }
        // Memory is the histogram's, fixed by its bounds, not a million samples.
        assert_eq!(series.sent(), 1_000_000);
        assert!(series.stats().p99_ms > series.stats().median_ms);
    }
}
