//! Evidence of the `perf` family: the report of a run, which is also the object
//! `load --format json` prints.
//!
//! Latency figures are the corrected ones (from the scheduled send time in open loop);
//! the raw ones ride along in open loop so the two can be compared.

use crate::runbook::model::Targets;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `perf.latency` and `perf.load`: a whole run (a latency baseline has no timeline).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoadReport {
    /// `closed` (N connections) or `rate` (fixed arrival rate).
    pub mode: String,
    /// `HTTP/1.1` or `HTTP/2`, one connection per worker.
    pub protocol: String,
    pub connections: usize,
    pub duration_s: f64,
    pub requests: u64,
    pub rps: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intended_rps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achieved_rps: Option<f64>,
    /// Open loop: over 1 % of sends left late with a connection free (the figures are
    /// then partly the generator's).
    pub generator_fell_behind: bool,
    pub max_send_lateness_ms: f64,
    /// Open loop: requests that waited for a busy connection (the server's queueing).
    pub waited_for_connection: u64,
    pub cancelled: bool,
    pub budgets: Budgets,
    pub routes: Vec<RouteReport>,
    pub timeline: Vec<Snapshot>,
    /// A step test's ladder, when the run was one; the fields above are then its last
    /// step's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_test: Option<StepTest>,
    /// Flows run as scenarios (`load --flow`): each step is also a row of `routes`, named
    /// `flow › step`; these are the per-iteration figures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<FlowLoadReport>,
}

/// One flow under load: every virtual user runs its steps in order with its own cookies,
/// again and again; a failed step ends that iteration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowLoadReport {
    pub name: String,
    /// Virtual users that ran this flow.
    pub users: usize,
    /// Iterations that reached their last step and passed it.
    pub completed: u64,
    /// Iterations a step failed in.
    pub failed: u64,
    /// Iterations the end of the run (or the request cap) cut short, neither passed nor
    /// failed.
    pub cut: u64,
    /// Completed iterations per second of the run.
    pub iterations_per_s: f64,
    /// Time of one whole completed iteration, in milliseconds.
    pub iteration_ms: Percentiles,
    pub steps: Vec<FlowStepReport>,
}

/// Where a flow's iterations failed: one entry per step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowStepReport {
    /// The step's row in `routes` (`flow › step`).
    pub name: String,
    /// Iterations that ended at this step.
    pub failed: u64,
    /// The first failure at this step, in words, credentials and captured values masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_failure: Option<String>,
}

/// A first-bottleneck step test: closed-loop steps at growing connection counts, stopped
/// at the first step over budget.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepTest {
    pub steps: Vec<StepSummary>,
    /// Connections of the first step over budget; `None` when every step held.
    pub first_bottleneck: Option<usize>,
}

/// One step's headline figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepSummary {
    pub connections: usize,
    pub rps: f64,
    /// The worst route's p95 and error rate.
    pub p95_ms: f64,
    pub error_rate_pct: f64,
    /// Finding codes the step raised (empty: within budget).
    pub over_budget: Vec<String>,
}

/// The budgets a `perf.*` run is judged against.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Budgets {
    pub p95_read_ms: u32,
    pub p95_write_ms: u32,
    pub error_rate_pct: f64,
    pub payload_bytes: u64,
}

impl Default for Budgets {
    /// The sources' common bar (`checks.md`): 300 ms reads, 500 ms writes, 1 % errors, and
    /// a 1 MiB body.
    fn default() -> Self {
        Budgets {
            p95_read_ms: 300,
            p95_write_ms: 500,
            error_rate_pct: 1.0,
            payload_bytes: 1024 * 1024,
        }
    }
}

impl Budgets {
    /// The runbook's targets where it sets them, the defaults elsewhere.
    pub fn from_targets(t: &Targets) -> Budgets {
        let d = Budgets::default();
        Budgets {
            p95_read_ms: t.p95_read_ms.unwrap_or(d.p95_read_ms),
            p95_write_ms: t.p95_write_ms.unwrap_or(d.p95_write_ms),
            error_rate_pct: t
                .error_rate_pct
                .filter(|p| p.is_finite() && *p >= 0.0)
                .unwrap_or(d.error_rate_pct),
            payload_bytes: u64::from(t.payload_budget_kib).saturating_mul(1024),
        }
    }

    /// The p95 budget of a route: its own, else the write or the read one.
    pub fn p95_for(&self, own: Option<u32>, write: bool) -> u32 {
        own.unwrap_or(if write {
            self.p95_write_ms
        } else {
            self.p95_read_ms
        })
    }
}

/// One route's figures in a `perf.*` run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RouteReport {
    pub name: String,
    pub url: String,
    pub method: String,
    pub requests: u64,
    pub rps: f64,
    pub latency_ms: Percentiles,
    /// Open loop only: measured from the actual send (hides queueing; for comparison).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_latency_ms: Option<Percentiles>,
    /// Failed requests by kind (`connect`, `timeout`, `4xx`, `5xx`, `other`).
    pub errors: BTreeMap<String, u64>,
    pub error_rate_pct: f64,
    pub max_body_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intended_rps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achieved_rps: Option<f64>,
    pub p95_budget_ms: u32,
    pub histogram: Vec<Bucket>,
}

/// Latency percentiles of a `perf.*` route, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

/// One bar of a `perf.*` route's histogram: requests at or under `le_ms` and above the
/// previous bar's bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bucket {
    pub le_ms: f64,
    pub count: u64,
}

/// One point of a `perf.load` timeline (and of the live view): the figures of one
/// interval, per route.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Snapshot {
    /// Seconds since the run started, at the end of the interval.
    pub at_s: f64,
    pub interval_s: f64,
    pub connections: usize,
    pub routes: Vec<IntervalStats>,
}

/// One route's figures over one interval of a `perf.load` run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntervalStats {
    pub requests: u64,
    pub p95_ms: f64,
    pub errors: u64,
    /// The interval's errors by kind and latency histogram: for the live view only (the
    /// report carries the run's).
    #[serde(skip)]
    pub errors_by_kind: [u64; 5],
    #[serde(skip)]
    pub histogram: Vec<Bucket>,
}

/// Finding detail of `perf.p95_over_budget`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct P95OverBudget {
    pub p95_ms: f64,
    pub budget_ms: u32,
}

/// Finding detail of `perf.error_rate_over_budget`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorRateOverBudget {
    pub error_rate_pct: f64,
    pub budget_pct: f64,
    pub errors: BTreeMap<String, u64>,
}

/// Finding detail of `perf.payload_large`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PayloadOverBudget {
    pub bytes: u64,
    pub budget_bytes: u64,
}

/// `http.payload`: each file of a page as it came over the wire to a client that said it
/// accepts gzip and br, and the budget each was held to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PayloadEvidence {
    /// The runbook's `payload_budget_kib` (one response may be this large).
    pub budget_kib: u32,
    /// What the request said it accepts (`gzip, br`).
    pub accept_encoding: String,
    /// The page first, then its scripts and stylesheets.
    pub files: Vec<PayloadFile>,
    /// Bytes of every file together, as transferred.
    pub total_bytes: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<super::LeftOutUrl>,
}

/// One response `http.payload` read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PayloadFile {
    pub url: String,
    /// `page`, `script` or `stylesheet`.
    pub role: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The raw `Content-Encoding` (`gzip`, `br`); none when sent as is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Body bytes as transferred (compressed when encoded).
    pub bytes: u64,
    /// The body was longer than what was read; `bytes` is then `Content-Length` when the
    /// server sent one, else what was read (a lower bound).
    pub truncated: bool,
}

/// Finding detail of `perf.uncompressed`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UncompressedDetail {
    pub url: String,
    pub content_type: String,
    pub bytes: u64,
    /// What the request said it accepts.
    pub accept_encoding: String,
}
