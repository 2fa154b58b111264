//! Evidence of the `perf` family.

use serde::{Deserialize, Serialize};

/// `perf.latency` and `perf.load`: the measured figures of each route of the run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PerfEvidence {
    pub routes: Vec<RouteFigures>,
}

/// One route as measured: how many requests, how fast, how many failed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RouteFigures {
    pub name: String,
    pub method: String,
    pub url: String,
    pub requests: u64,
    /// Requests a second over the run.
    pub rps: f64,
    pub error_rate_pct: f64,
    /// The p95 budget the route was judged against (0: none).
    pub p95_budget_ms: u64,
    pub latency_ms: Percentiles,
}

/// Latency percentiles, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}
