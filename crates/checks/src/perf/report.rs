//! The shape a perf run is reported in (the `load --format json` object, and the evidence
//! of `perf.*` results) and the findings it raises against the budgets.
//!
//! Latency figures are the corrected ones (from the scheduled send time in open loop);
//! the raw ones ride along in open loop so the two can be compared. The error rate counts
//! every kind (connect, timeout, 4xx, 5xx, other): a login route answering 401 to the
//! load test is not measuring what the operator meant either.

use super::load::{Measured, Pace};
use super::request::RouteSpec;
use super::stats::{buckets, percentiles};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
pub use launch_ready_core::evidence::{Budgets, LoadReport, RouteReport};
use launch_ready_core::evidence::{ErrorRateOverBudget, P95OverBudget, PayloadOverBudget};
use launch_ready_core::finding::Finding;

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The report of a measured run: what `load --format json` prints and the evidence of
/// `perf.*` results.
pub fn build(
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
                latency_ms: percentiles(&s.corrected),
                raw_latency_ms: rate.map(|_| percentiles(&s.raw)),
                errors: s
                    .errors_by_kind()
                    .into_iter()
                    .map(|(k, n)| (k.to_string(), n))
                    .collect(),
                error_rate_pct: round2(s.error_rate_pct()),
                max_body_bytes: s.max_bytes,
                intended_rps: rate.map(|r| round2(r / n)),
                achieved_rps: rate.map(|_| rps),
                p95_budget_ms: budgets.p95_for(r.p95_budget_ms, r.is_write()),
                histogram: buckets(&s.corrected),
            }
        })
        .collect::<Vec<_>>();
    let requests: u64 = m.routes.iter().map(|s| s.requests).sum();
    let rps = round2(requests as f64 / secs);
    LoadReport {
        mode: if rate.is_some() { "rate" } else { "closed" }.to_string(),
        protocol: m.protocol.to_string(),
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
        step_test: None,
        flows: Vec::new(),
    }
}

/// The findings of one route for `kind` (`perf.latency` also judges payload size). A
/// route with no request counted is never within budget.
pub fn findings(kind: KindId, r: &RouteReport, budgets: &Budgets) -> Vec<Finding> {
    let mut out = Vec::new();
    // A flow's step is named `flow › step`, which says more than its URL.
    let what = if r.name.contains(super::flows::SEPARATOR) {
        format!("{} ({} {})", r.name, r.method, r.url)
    } else {
        format!("{} {}", r.method, r.url)
    };
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
            .with_detail(&P95OverBudget {
                p95_ms: r.latency_ms.p95,
                budget_ms: r.p95_budget_ms,
            }),
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
            .with_detail(&ErrorRateOverBudget {
                error_rate_pct: r.error_rate_pct,
                budget_pct: budgets.error_rate_pct,
                errors: r.errors.clone(),
            }),
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
            .with_detail(&PayloadOverBudget {
                bytes: r.max_body_bytes,
                budget_bytes: budgets.payload_bytes,
            }),
        );
    }
    out
}
