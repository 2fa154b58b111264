//! The shape a perf run is reported in (the `load --format json` object, and the evidence
//! of `perf.*` results) and the findings it raises against the budgets.
//!
//! Latency figures are the corrected ones (from the scheduled send time in open loop);
//! the raw ones ride along in open loop so the two can be compared. The error rate counts
//! every kind (connect, timeout, 4xx, 5xx, other): a login route answering 401 to the
//! load test is not measuring what the operator meant either.

use super::load::{Measured, Pace, Snapshot};
use super::request::RouteSpec;
use super::stats::{Bucket, Percentiles, buckets};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::finding::Finding;
use serde::Serialize;
use std::collections::BTreeMap;

/// The budgets a run is judged against.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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
    pub fn from_targets(t: &launch_ready_core::runbook::model::Targets) -> Budgets {
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

    /// The p95 budget of `route`: its own, else the read or write one.
    pub fn p95_for(&self, route: &RouteSpec) -> u32 {
        route.p95_budget_ms.unwrap_or(if route.is_write() {
            self.p95_write_ms
        } else {
            self.p95_read_ms
        })
    }
}

/// One route's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    pub errors: BTreeMap<&'static str, u64>,
    pub error_rate_pct: f64,
    pub max_body_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intended_rps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achieved_rps: Option<f64>,
    pub p95_budget_ms: u32,
    pub histogram: Vec<Bucket>,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadReport {
    /// `closed` (N connections) or `rate` (fixed arrival rate).
    pub mode: &'static str,
    /// `HTTP/1.1` or `HTTP/2`, one connection per worker.
    pub protocol: &'static str,
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
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

impl LoadReport {
    pub fn new(
        m: &Measured,
        routes: &[RouteSpec],
        pace: Pace,
        connections: usize,
        budgets: Budgets,
    ) -> LoadReport {
        let secs = m.elapsed.as_secs_f64().max(1e-3);
        let rate = match pace {
            Pace::Closed => None,
            Pace::Rate(r) => Some(r),
        };
        let n = routes.len().max(1) as f64;
        let list = routes
            .iter()
            .zip(&m.routes)
            .map(|(r, s)| {
                let rps = round2(s.requests as f64 / secs);
                RouteReport {
                    name: r.name.clone(),
                    url: r.url.to_string(),
                    method: r.method.to_string(),
                    requests: s.requests,
                    rps,
                    latency_ms: Percentiles::of(&s.corrected),
                    raw_latency_ms: rate.map(|_| Percentiles::of(&s.raw)),
                    errors: s.errors_by_kind(),
                    error_rate_pct: round2(s.error_rate_pct()),
                    max_body_bytes: s.max_bytes,
                    intended_rps: rate.map(|r| round2(r / n)),
                    achieved_rps: rate.map(|_| rps),
                    p95_budget_ms: budgets.p95_for(r),
                    histogram: buckets(&s.corrected),
                }
            })
            .collect::<Vec<_>>();
        let requests: u64 = m.routes.iter().map(|s| s.requests).sum();
        let rps = round2(requests as f64 / secs);
        LoadReport {
            mode: if rate.is_some() { "rate" } else { "closed" },
            protocol: m.protocol,
            connections,
            duration_s: round2(secs),
            requests,
            rps,
            intended_rps: rate,
            achieved_rps: rate.map(|_| rps),
            generator_fell_behind: m.generator_fell_behind(),
            max_send_lateness_ms: round2(m.max_lateness.as_secs_f64() * 1000.0),
            waited_for_connection: m.waited_for_connection,
            cancelled: m.cancelled,
            budgets,
            routes: list,
            timeline: m.timeline.clone(),
        }
    }
}

/// The findings of one route for `kind` (`perf.latency` also judges payload size). A
/// route with no request counted is never within budget.
pub fn findings(kind: KindId, r: &RouteReport, budgets: &Budgets) -> Vec<Finding> {
    let mut out = Vec::new();
    let what = format!("{} {}", r.method, r.url);
    if r.requests == 0 {
        // Nothing measured is never within budget.
        out.push(Finding::new(
            Code::PerfErrorRateOverBudget,
            format!("{what}: no request completed, so nothing was measured"),
        ));
        return out;
    }
    if r.latency_ms.p95 > f64::from(r.p95_budget_ms) {
        out.push(
            Finding::new(
                Code::PerfP95OverBudget,
                format!(
                    "{what}: p95 {:.0} ms is over the {} ms budget",
                    r.latency_ms.p95, r.p95_budget_ms
                ),
            )
            .with_evidence(serde_json::json!({
                "p95_ms": r.latency_ms.p95, "budget_ms": r.p95_budget_ms,
            })),
        );
    }
    if r.error_rate_pct > budgets.error_rate_pct {
        let kinds: Vec<String> = r
            .errors
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        out.push(
            Finding::new(
                Code::PerfErrorRateOverBudget,
                format!(
                    "{what}: {:.1} % of {} requests failed ({}), over the {} % budget",
                    r.error_rate_pct,
                    r.requests,
                    kinds.join(", "),
                    budgets.error_rate_pct
                ),
            )
            .with_evidence(serde_json::json!({
                "error_rate_pct": r.error_rate_pct, "budget_pct": budgets.error_rate_pct,
                "errors": r.errors,
            })),
        );
    }
    let payload_judged = kind.kind().codes.contains(&Code::PerfPayloadLarge);
    if payload_judged && r.max_body_bytes > budgets.payload_bytes {
        out.push(
            Finding::new(
                Code::PerfPayloadLarge,
                format!(
                    "{what}: the response body is {} KiB, over the {} KiB budget",
                    r.max_body_bytes / 1024,
                    budgets.payload_bytes / 1024
                ),
            )
            .with_evidence(serde_json::json!({
                "bytes": r.max_body_bytes, "budget_bytes": budgets.payload_bytes,
            })),
        );
    }
    out
}
