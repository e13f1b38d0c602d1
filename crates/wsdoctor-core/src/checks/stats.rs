//! Latency statistics over a series of round trips (`--count`).

use std::time::Duration;
use wsdoctor_model::evidence::LatencyStats;

fn round(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Stats of a series; `None` entries are lost round trips.
pub(crate) fn from_series(series: &[Option<Duration>]) -> LatencyStats {
    let in_order: Vec<f64> = series
        .iter()
        .flatten()
        .map(|d| d.as_secs_f64() * 1000.0)
        .collect();
    let mut sorted = in_order.clone();
    sorted.sort_by(f64::total_cmp);
    let received = sorted.len();
    let sent = series.len();
    let mean = if received == 0 {
        0.0
    } else {
        sorted.iter().sum::<f64>() / received as f64
    };
    let jitter = if in_order.len() < 2 {
        0.0
    } else {
        in_order
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .sum::<f64>()
            / (in_order.len() - 1) as f64
    };
    LatencyStats {
        sent: sent as u64,
        received: received as u64,
        loss_percent: if sent == 0 {
            0.0
        } else {
            round(100.0 * (sent - received) as f64 / sent as f64)
        },
        min_ms: round(sorted.first().copied().unwrap_or(0.0)),
        median_ms: round(percentile(&sorted, 50.0)),
        p90_ms: round(percentile(&sorted, 90.0)),
        p99_ms: round(percentile(&sorted, 99.0)),
        max_ms: round(sorted.last().copied().unwrap_or(0.0)),
        mean_ms: round(mean),
        jitter_ms: round(jitter),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_a_known_series() {
        let ms = |v: u64| Some(Duration::from_millis(v));
        let series: Vec<Option<Duration>> = (1..=100).map(ms).chain([None]).collect();
        let s = from_series(&series);
        assert_eq!(s.sent, 101);
        assert_eq!(s.received, 100);
        assert_eq!(s.min_ms, 1.0);
        assert_eq!(s.median_ms, 50.0);
        assert_eq!(s.p90_ms, 90.0);
        assert_eq!(s.p99_ms, 99.0);
        assert_eq!(s.max_ms, 100.0);
        assert_eq!(s.jitter_ms, 1.0);
        assert!((s.loss_percent - 0.99).abs() < 0.01);
    }

    #[test]
    fn empty_series_is_all_zero() {
        let s = from_series(&[]);
        assert_eq!(s.received, 0);
        assert_eq!(s.median_ms, 0.0);
    }
}
