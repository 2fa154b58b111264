//! Latency and error accounting for one route: two HDR histograms (corrected and raw) for
//! the whole run plus one for the current interval, error counts by kind and the largest
//! body seen. Memory is fixed at construction (the histograms' bounds are set), so a run
//! of an hour costs what a run of a second does.
//!
//! Values are recorded in microseconds; HDR histograms hold integers only. A value above
//! the upper bound is clamped to it rather than dropped, so a stall still counts.

use hdrhistogram::Histogram;
pub use launch_ready_core::evidence::{Bucket, IntervalStats, Percentiles};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Highest latency the histograms resolve, in microseconds (two minutes: above any
/// request timeout the generator allows).
const MAX_US: u64 = 120_000_000;

/// Why a request did not count as a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// Refused, reset, DNS or TLS failure before a response.
    Connect,
    /// No (complete) response within the request timeout.
    Timeout,
    /// A 4xx answer.
    #[serde(rename = "4xx")]
    Status4xx,
    /// A 5xx answer.
    #[serde(rename = "5xx")]
    Status5xx,
    /// Anything else (a body cut short, a protocol error).
    Other,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 5] = [
        ErrorKind::Connect,
        ErrorKind::Timeout,
        ErrorKind::Status4xx,
        ErrorKind::Status5xx,
        ErrorKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Connect => "connect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Status4xx => "4xx",
            ErrorKind::Status5xx => "5xx",
            ErrorKind::Other => "other",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What one request came to.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// From the scheduled send time to the end of the body (equals `raw` in closed loop).
    pub corrected: Duration,
    /// From the actual send to the end of the body.
    pub raw: Duration,
    pub error: Option<ErrorKind>,
    pub bytes: u64,
}

fn histogram() -> Histogram<u64> {
    // Bounds and precision are constants that `new_with_bounds` accepts; the fallback only
    // exists so no input can make this panic.
    Histogram::new_with_bounds(1, MAX_US, 3)
        .or_else(|_| Histogram::new(3))
        .unwrap_or_else(|_| Histogram::new(2).expect("2 significant figures are valid"))
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros())
        .unwrap_or(u64::MAX)
        .clamp(1, MAX_US)
}

/// Accounting for one route.
#[derive(Debug, Clone)]
pub struct RouteStats {
    pub corrected: Histogram<u64>,
    pub raw: Histogram<u64>,
    interval: Histogram<u64>,
    interval_requests: u64,
    interval_errors: [u64; 5],
    errors: [u64; 5],
    pub requests: u64,
    pub max_bytes: u64,
    pub total_bytes: u64,
}

impl Default for RouteStats {
    fn default() -> Self {
        RouteStats {
            corrected: histogram(),
            raw: histogram(),
            interval: histogram(),
            interval_requests: 0,
            interval_errors: [0; 5],
            errors: [0; 5],
            requests: 0,
            max_bytes: 0,
            total_bytes: 0,
        }
    }
}

/// One route's interval figures gathered from its shards.
#[derive(Debug, Clone)]
pub struct IntervalAcc {
    histogram: Histogram<u64>,
    requests: u64,
    errors: [u64; 5],
}

impl Default for IntervalAcc {
    fn default() -> Self {
        IntervalAcc {
            histogram: histogram(),
            requests: 0,
            errors: [0; 5],
        }
    }
}

impl IntervalAcc {
    pub fn finish(self) -> IntervalStats {
        IntervalStats {
            requests: self.requests,
            p95_ms: ms(self.histogram.value_at_quantile(0.95)),
            errors: self.errors.iter().sum(),
            errors_by_kind: self.errors,
            histogram: buckets(&self.histogram),
        }
    }
}

impl RouteStats {
    pub fn record(&mut self, s: &Sample) {
        let c = micros(s.corrected);
        // Saturating: the value is clamped into the bounds above, so these cannot fail.
        let _ = self.corrected.record(c);
        let _ = self.raw.record(micros(s.raw));
        let _ = self.interval.record(c);
        self.requests += 1;
        self.interval_requests += 1;
        if let Some(k) = s.error {
            self.errors[k.index()] += 1;
            self.interval_errors[k.index()] += 1;
        }
        self.max_bytes = self.max_bytes.max(s.bytes);
        self.total_bytes = self.total_bytes.saturating_add(s.bytes);
    }

    /// The figures since the last call, and a fresh interval.
    pub fn take_interval(&mut self) -> IntervalStats {
        let mut acc = IntervalAcc::default();
        self.take_interval_into(&mut acc);
        acc.finish()
    }

    /// Adds the figures since the last call to `acc` (the shards of one route meet
    /// there), and starts a fresh interval.
    pub fn take_interval_into(&mut self, acc: &mut IntervalAcc) {
        // Both histograms share bounds, so adding cannot fail.
        let _ = acc.histogram.add(&self.interval);
        acc.requests += self.interval_requests;
        for (a, e) in acc.errors.iter_mut().zip(self.interval_errors) {
            *a += e;
        }
        self.interval.reset();
        self.interval_requests = 0;
        self.interval_errors = [0; 5];
    }

    /// Adds another shard's whole-run figures to these.
    pub fn merge(&mut self, other: &RouteStats) {
        let _ = self.corrected.add(&other.corrected);
        let _ = self.raw.add(&other.raw);
        let _ = self.interval.add(&other.interval);
        self.interval_requests += other.interval_requests;
        for (a, e) in self.interval_errors.iter_mut().zip(other.interval_errors) {
            *a += e;
        }
        for (a, e) in self.errors.iter_mut().zip(other.errors) {
            *a += e;
        }
        self.requests += other.requests;
        self.max_bytes = self.max_bytes.max(other.max_bytes);
        self.total_bytes = self.total_bytes.saturating_add(other.total_bytes);
    }

    pub fn error_count(&self) -> u64 {
        self.errors.iter().sum()
    }

    pub fn errors_by_kind(&self) -> BTreeMap<&'static str, u64> {
        ErrorKind::ALL
            .iter()
            .map(|k| (k.as_str(), self.errors[k.index()]))
            .collect()
    }

    /// Errors in percent of requests (0 with no request).
    pub fn error_rate_pct(&self) -> f64 {
        if self.requests == 0 {
            return 0.0;
        }
        self.error_count() as f64 * 100.0 / self.requests as f64
    }
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// Percentiles of a histogram, in milliseconds.
pub fn percentiles(h: &Histogram<u64>) -> Percentiles {
    if h.is_empty() {
        return Percentiles::default();
    }
    Percentiles {
        p50: ms(h.value_at_quantile(0.50)),
        p90: ms(h.value_at_quantile(0.90)),
        p95: ms(h.value_at_quantile(0.95)),
        p99: ms(h.value_at_quantile(0.99)),
        max: ms(h.max()),
    }
}

/// The histogram as doubling buckets from 1 ms, with empty ones left out: a few dozen
/// entries whatever the run length.
pub fn buckets(h: &Histogram<u64>) -> Vec<Bucket> {
    if h.is_empty() {
        return Vec::new();
    }
    h.iter_log(1000, 2.0)
        .filter(|v| v.count_since_last_iteration() > 0)
        .map(|v| Bucket {
            le_ms: ms(v.value_iterated_to()),
            count: v.count_since_last_iteration(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(ms: u64, error: Option<ErrorKind>) -> Sample {
        Sample {
            corrected: Duration::from_millis(ms),
            raw: Duration::from_millis(ms),
            error,
            bytes: 10,
        }
    }

    #[test]
    fn percentiles_errors_and_intervals() {
        let mut s = RouteStats::default();
        for i in 1..=100 {
            let e = (i % 50 == 0).then_some(ErrorKind::Status5xx);
            s.record(&sample(i, e));
        }
        let p = percentiles(&s.corrected);
        assert!((94.0..=96.0).contains(&p.p95), "{p:?}");
        assert!((99.0..=101.0).contains(&p.max), "{p:?}");
        assert_eq!(s.error_count(), 2);
        assert!((s.error_rate_pct() - 2.0).abs() < 1e-9);
        assert_eq!(s.errors_by_kind()["5xx"], 2);
        let i = s.take_interval();
        assert_eq!((i.requests, i.errors), (100, 2));
        assert_eq!(s.take_interval().requests, 0, "the interval restarts");
        assert_eq!(s.requests, 100, "the run's totals do not");
        let total: u64 = buckets(&s.corrected).iter().map(|b| b.count).sum();
        assert_eq!(total, 100);
    }

    #[test]
    fn shards_merge_into_the_same_figures_as_one() {
        let mut one = RouteStats::default();
        let mut shards = [RouteStats::default(), RouteStats::default()];
        for i in 1..=200 {
            let e = (i % 40 == 0).then_some(ErrorKind::Timeout);
            one.record(&sample(i, e));
            shards[usize::try_from(i % 2).unwrap()].record(&sample(i, e));
        }
        let mut acc = IntervalAcc::default();
        for s in &mut shards {
            s.take_interval_into(&mut acc);
        }
        assert_eq!(acc.finish(), one.take_interval());
        let mut merged = RouteStats::default();
        for s in &shards {
            merged.merge(s);
        }
        assert_eq!(merged.requests, 200);
        assert_eq!(merged.errors_by_kind(), one.errors_by_kind());
        assert_eq!(percentiles(&merged.corrected), percentiles(&one.corrected));
        assert_eq!(percentiles(&merged.raw), percentiles(&one.raw));
    }

    #[test]
    fn values_out_of_bounds_are_clamped_not_lost() {
        let mut s = RouteStats::default();
        s.record(&sample(0, None));
        s.record(&Sample {
            corrected: Duration::from_secs(100_000),
            ..sample(1, None)
        });
        assert_eq!(s.corrected.len(), 2);
        assert!(percentiles(&s.corrected).max >= 119_000.0);
    }
}
