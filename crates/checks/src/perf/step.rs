//! The first-bottleneck step test: closed-loop runs at growing connection counts (5 → 10
//! → 20 → 40 by default) that stop at the first step where a route's p95 crosses its
//! budget or the error rate crosses the error budget, and name that step. It answers the
//! roadmaps' "where does the first bottleneck appear" with a number of concurrent users.

use super::load::{self, LoadPlan, MAX_DURATION, Pace, Transport};
use super::report::{Budgets, LoadReport, build, findings};
use super::{PerfError, RouteSpec};
use launch_ready_core::catalog::KindId;
use serde::Serialize;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Most steps one test takes.
pub const MAX_STEPS: usize = 8;
pub const DEFAULT_STEPS: [usize; 4] = [5, 10, 20, 40];

pub use launch_ready_core::evidence::{StepSummary, StepTest};

/// The whole test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepReport {
    pub steps: Vec<StepSummary>,
    /// Connections of the first step over budget; `None` when every step held.
    pub first_bottleneck: Option<usize>,
    pub cancelled: bool,
    /// The full report of the last step run.
    pub last: Option<LoadReport>,
}

impl StepReport {
    /// The last step's report carrying the whole ladder: what a session keeps.
    pub fn into_evidence(self) -> Option<LoadReport> {
        let mut last = self.last?;
        last.step_test = Some(StepTest {
            steps: self.steps,
            first_bottleneck: self.first_bottleneck,
        });
        Some(last)
    }
}

/// Runs `steps` (each for `each.duration`) until one is over budget.
pub async fn run(
    client: impl Into<Transport>,
    routes: Vec<RouteSpec>,
    steps: &[usize],
    each: &LoadPlan,
    budgets: Budgets,
    token: CancellationToken,
) -> Result<StepReport, PerfError> {
    let client = client.into();
    if steps.is_empty() || steps.len() > MAX_STEPS {
        return Err(PerfError::Cap(format!(
            "a step test takes 1 to {MAX_STEPS} steps"
        )));
    }
    let total = each
        .duration
        .saturating_mul(u32::try_from(steps.len()).unwrap_or(u32::MAX));
    if total > MAX_DURATION {
        return Err(PerfError::Cap(format!(
            "steps × duration must stay within {} s",
            MAX_DURATION.as_secs()
        )));
    }
    let mut out = StepReport {
        steps: Vec::new(),
        first_bottleneck: None,
        cancelled: false,
        last: None,
    };
    for &connections in steps {
        let plan = LoadPlan {
            connections,
            pace: Pace::Closed,
            ..each.clone()
        };
        let m = load::run(client.clone(), routes.clone(), &plan, token.clone(), None).await?;
        let report = build(&m, &routes, Pace::Closed, connections, budgets);
        let mut codes: Vec<String> = report
            .routes
            .iter()
            .flat_map(|r| findings(KindId::PerfLoad, r, &budgets))
            .map(|f| f.code.to_string())
            .collect();
        codes.dedup();
        let worst =
            |f: fn(&super::RouteReport) -> f64| report.routes.iter().map(f).fold(0.0_f64, f64::max);
        out.steps.push(StepSummary {
            connections,
            rps: report.rps,
            p95_ms: worst(|r| r.latency_ms.p95),
            error_rate_pct: worst(|r| r.error_rate_pct),
            over_budget: codes.clone(),
        });
        out.cancelled = m.cancelled;
        out.last = Some(report);
        if m.cancelled {
            break;
        }
        if !codes.is_empty() {
            out.first_bottleneck = Some(connections);
            break;
        }
        // A short pause so one step's connections close before the next step's open.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(out)
}
