//! The perf family: a latency baseline (`perf.latency`: a bounded series of sequential
//! requests per route after a warm-up) and a light load test (`perf.load`, also the
//! `load` command), judged against the runbook's p95 and error-rate budgets.
//!
//! `load` is the generator (closed and open loop, hard caps, cancellation), `stats` the
//! HDR accounting, `request` one exchange, `report` the JSON shape and the findings,
//! `step` the first-bottleneck step test, `flows` a session's flows as scenarios (each
//! virtual user with its own cookies). Everything takes plain values (a client, routes,
//! a plan) so it can be driven against any loopback server.

pub mod direct;
pub mod flows;
pub mod live;
pub mod load;
pub mod report;
pub mod request;
pub mod stats;
pub mod step;
pub mod vitals;

pub use direct::Protocol;
pub use load::{LoadPlan, Measured, Pace, Snapshot, Transport};
pub use report::{Budgets, LoadReport, RouteReport};
pub use request::RouteSpec;

use reqwest::Client;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Why a perf run could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PerfError {
    /// A plan outside the hard caps.
    #[error("{0}")]
    Cap(String),
    #[error("no route to measure")]
    NoRoute,
    /// A route that cannot be turned into a request.
    #[error("route `{route}`: {reason}")]
    Route { route: String, reason: String },
}

/// Bounds of a latency baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BaselinePlan {
    /// Requests sent first and not measured (connection set-up, cold caches).
    pub warmup: u32,
    /// Measured requests.
    pub samples: u64,
    pub timeout: Duration,
    /// The whole baseline (warm-up included) ends here at the latest.
    pub within: Duration,
}

impl BaselinePlan {
    pub const DEFAULT_SAMPLES: u64 = 50;
    pub const DEFAULT_WARMUP: u32 = 5;
    /// Most samples a baseline takes (it is a baseline, not a load test).
    pub const MAX_SAMPLES: u64 = 1000;
}

/// Sequential requests to one route: the warm-up, then `samples` measured ones, all
/// within `plan.within`. Fewer samples than asked when time runs out (the report says
/// how many were taken).
pub async fn baseline(
    client: Client,
    route: RouteSpec,
    plan: BaselinePlan,
    token: CancellationToken,
) -> Result<Measured, PerfError> {
    let started = tokio::time::Instant::now();
    // The warm-up may use at most a fifth of the time.
    let warm_end = started + plan.within / 5;
    for _ in 0..plan.warmup {
        tokio::select! {
            () = token.cancelled() => break,
            () = tokio::time::sleep_until(warm_end) => break,
            _ = request::exchange(&client, &route, plan.timeout) => {}
        }
    }
    let left = plan.within.saturating_sub(started.elapsed());
    let load = LoadPlan {
        connections: 1,
        pace: Pace::Closed,
        duration: left.max(Duration::from_secs(1)),
        max_requests: plan.samples.clamp(1, BaselinePlan::MAX_SAMPLES),
        timeout: plan.timeout,
        interval: Duration::from_secs(1),
        protocol: Default::default(),
    };
    load::run(client, vec![route], &load, token, None).await
}
