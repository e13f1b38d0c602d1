//! The tally of a ping run: a histogram for the quantiles, running sums for the mean and the
//! jitter, and a fixed number of time buckets for the picture. Nothing in it grows with the
//! number of samples.

use hdrhistogram::Histogram;
use std::time::Duration;
use wsdoctor_model::ping::{Bucket, Rtt, Timeline};

/// The slowest round trip recorded exactly (a sample timeout is at most a day); slower ones clamp.
const HIGHEST_MICROS: u64 = 86_400 * 1_000_000;

/// How many stretches the picture keeps; when the run outgrows them, neighbours merge.
pub(crate) const BUCKETS: usize = 60;

/// The first stretch length: short enough that a run of a second still draws a picture.
const FIRST_BUCKET: Duration = Duration::from_millis(20);

/// Round trips so far.
pub(crate) struct Tally {
    histogram: Histogram<u64>,
    sum_micros: u128,
    answered: u64,
    lost: u64,
    previous: Option<f64>,
    jitter: Option<f64>,
    bucket_width: Duration,
    buckets: Vec<Stretch>,
}

/// One stretch of the picture: a coarse histogram (two significant figures are plenty for a
/// sparkline, and keep sixty of them small).
struct Stretch {
    histogram: Option<Histogram<u64>>,
    lost: u64,
}

impl Stretch {
    fn new() -> Stretch {
        Stretch {
            histogram: None,
            lost: 0,
        }
    }

    fn record(&mut self, micros: u64) {
        let histogram = self.histogram.get_or_insert_with(|| {
            Histogram::new_with_bounds(1, HIGHEST_MICROS, 2)
                .unwrap_or_else(|_| unreachable_histogram())
        });
        histogram.saturating_record(micros);
    }

    fn absorb(&mut self, other: Stretch) {
        self.lost += other.lost;
        match (&mut self.histogram, other.histogram) {
            (Some(mine), Some(theirs)) => {
                // Same bounds and precision: adding cannot fail.
                let _ = mine.add(&theirs);
            }
            (None, Some(theirs)) => self.histogram = Some(theirs),
            (_, None) => {}
        }
    }
}

/// hdrhistogram rejects only bounds and precisions out of range; the constants above are in it.
fn unreachable_histogram() -> Histogram<u64> {
    #[allow(clippy::expect_used)]
    Histogram::new(1).expect("one significant figure is always valid")
}

impl Tally {
    pub(crate) fn new() -> Tally {
        Tally {
            histogram: Histogram::new_with_bounds(1, HIGHEST_MICROS, 3)
                .unwrap_or_else(|_| unreachable_histogram()),
            sum_micros: 0,
            answered: 0,
            lost: 0,
            previous: None,
            jitter: None,
            bucket_width: FIRST_BUCKET,
            buckets: Vec::with_capacity(BUCKETS),
        }
    }

    /// An answered sample, sent `at` after the run started.
    pub(crate) fn answered(&mut self, rtt: Duration, at: Duration) {
        let micros = micros(rtt);
        self.histogram.saturating_record(micros);
        self.sum_micros += u128::from(micros);
        self.answered += 1;
        let ms = micros as f64 / 1000.0;
        // RFC 3550 §6.4.1: the difference between consecutive transit times, smoothed by 1/16.
        if let Some(previous) = self.previous {
            let d = (ms - previous).abs();
            let j = self.jitter.unwrap_or(0.0);
            self.jitter = Some(j + (d - j) / 16.0);
        }
        self.previous = Some(ms);
        self.stretch(at).record(micros);
    }

    /// A lost sample, sent `at` after the run started.
    pub(crate) fn lost(&mut self, at: Duration) {
        self.lost += 1;
        self.stretch(at).lost += 1;
    }

    pub(crate) fn answered_count(&self) -> u64 {
        self.answered
    }

    pub(crate) fn lost_count(&self) -> u64 {
        self.lost
    }

    /// The stretch that holds `at`, merging neighbours pairwise (doubling the width) until the
    /// run fits in [`BUCKETS`].
    fn stretch(&mut self, at: Duration) -> &mut Stretch {
        let mut index = self.index(at);
        while index >= BUCKETS {
            let old = std::mem::take(&mut self.buckets);
            let mut merged = Vec::with_capacity(BUCKETS);
            let mut pairs = old.into_iter();
            while let Some(mut first) = pairs.next() {
                if let Some(second) = pairs.next() {
                    first.absorb(second);
                }
                merged.push(first);
            }
            self.buckets = merged;
            self.bucket_width = self.bucket_width.saturating_mul(2);
            index = self.index(at);
        }
        while self.buckets.len() <= index {
            self.buckets.push(Stretch::new());
        }
        &mut self.buckets[index]
    }

    fn index(&self, at: Duration) -> usize {
        let width = self.bucket_width.as_nanos().max(1);
        usize::try_from(at.as_nanos() / width).unwrap_or(usize::MAX)
    }

    /// The quantiles, or nothing before the first answer.
    pub(crate) fn rtt(&self) -> Option<Rtt> {
        if self.answered == 0 {
            return None;
        }
        let h = &self.histogram;
        let at = |q: f64| ms(h.median_equivalent(h.value_at_quantile(q)));
        Some(Rtt {
            min_ms: ms(h.min()),
            avg_ms: round(self.sum_micros as f64 / self.answered as f64 / 1000.0),
            p50_ms: at(0.5),
            p90_ms: at(0.9),
            p99_ms: at(0.99),
            max_ms: ms(h.median_equivalent(h.max())),
        })
    }

    /// The smoothed jitter, once two samples were answered.
    pub(crate) fn jitter_ms(&self) -> Option<f64> {
        self.jitter.map(round)
    }

    /// The picture.
    pub(crate) fn timeline(&self) -> Timeline {
        Timeline {
            bucket_ms: round(self.bucket_width.as_secs_f64() * 1000.0),
            buckets: self
                .buckets
                .iter()
                .map(|s| {
                    let h = s.histogram.as_ref().filter(|h| !h.is_empty());
                    Bucket {
                        p50_ms: h.map(|h| ms(h.median_equivalent(h.value_at_quantile(0.5)))),
                        max_ms: h.map(|h| ms(h.median_equivalent(h.max()))),
                        answered: h.map_or(0, |h| h.len()),
                        lost: s.lost,
                    }
                })
                .collect(),
        }
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros())
        .unwrap_or(u64::MAX)
        .clamp(1, HIGHEST_MICROS)
}

fn ms(micros: u64) -> f64 {
    round(micros as f64 / 1000.0)
}

fn round(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_rfc3550_jitter_of_a_known_series() {
        let mut tally = Tally::new();
        for (i, v) in [10u64, 12, 10, 12].into_iter().enumerate() {
            tally.answered(Duration::from_millis(v), Duration::from_millis(i as u64));
        }
        let rtt = tally.rtt().unwrap();
        // Quantiles are read at the middle of their bucket: three significant figures.
        assert!((rtt.min_ms - 10.0).abs() < 0.02, "{rtt:?}");
        assert!((rtt.max_ms - 12.0).abs() < 0.02, "{rtt:?}");
        assert_eq!(rtt.avg_ms, 11.0);
        // J: 0 → 2/16 → (2/16)+(2-2/16)/16 → …
        let mut j: f64 = 0.0;
        for _ in 0..3 {
            j += (2.0 - j) / 16.0;
        }
        assert!((tally.jitter_ms().unwrap() - round(j)).abs() < 1e-9);
    }

    #[test]
    fn the_picture_stays_the_same_size_however_long_the_run() {
        let mut tally = Tally::new();
        for s in 0..100_000u64 {
            let at = Duration::from_millis(s * 10);
            if s % 1000 == 0 {
                tally.lost(at);
            } else {
                tally.answered(Duration::from_millis(5 + s % 7), at);
            }
        }
        let timeline = tally.timeline();
        assert!(timeline.buckets.len() <= BUCKETS);
        assert!(timeline.buckets.len() > BUCKETS / 2);
        let answered: u64 = timeline.buckets.iter().map(|b| b.answered).sum();
        let lost: u64 = timeline.buckets.iter().map(|b| b.lost).sum();
        assert_eq!((answered, lost), (99_900, 100));
    }
}
