//! Flows as load-test scenarios (`load --flow`): N virtual users, each looping over one
//! flow's steps in order, closed loop (a user starts its next step when the last one
//! ends). Each iteration starts with an empty cookie jar and no captured values, so every
//! user logs in for itself and one user's session never rides along with another's; a
//! failed step ends the iteration and the next starts fresh.
//!
//! Steps run through the smoke runner's own step (`smoke::step`): the same filling,
//! judging and capturing, so a flow passes or fails under load for the reasons a smoke run
//! gives. Each step is accounted as a route (HDR latency, failures by kind); per flow, the
//! iterations completed, failed (and at which step) and cut by the end of the run.
//!
//! Bounds are the generator's: the run's duration and request cap count every step sent;
//! each step has the request timeout; a step still in flight at the end gets the end
//! grace, then counts as a timeout. Credentials are read before the run (the caller's
//! job); what a failure says is masked with them and with the iteration's captured values.

use super::PerfError;
use super::load::{END_GRACE, LoadPlan, Pace};
use super::stats::{ErrorKind, RouteStats, Sample, buckets, percentiles};
use crate::net::Net;
use crate::smoke::step::{self, Fault};
use crate::smoke::values::Values;
use launch_ready_core::evidence::{
    Budgets, FlowLoadReport, FlowStepReport, LoadReport, RouteReport,
};
use launch_ready_core::flow::Flow;
use reqwest::cookie::Jar;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

/// Between a flow's name and a step's in the step's route row.
pub const SEPARATOR: &str = " › ";

/// One flow ready to run under load.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub flow: Flow,
    /// Its credentials and variables, read before the run.
    pub values: Values,
    /// Each step's own p95 budget (a session route's), if it has one.
    pub p95_budget_ms: Vec<Option<u32>>,
}

/// One step's figures.
#[derive(Debug, Clone, Default)]
pub struct StepStats {
    /// Latency, and failures as one kind (`other`) so its rate is the step's failure rate.
    pub latency: RouteStats,
    /// Failures by kind, indexed by `Fault::index`.
    pub faults: [u64; 6],
    /// Iterations that ended at this step.
    pub ended_here: u64,
    /// The first failure here, in words, masked.
    pub first_failure: Option<String>,
}

/// One flow's figures.
#[derive(Debug, Clone, Default)]
pub struct FlowStats {
    pub users: usize,
    pub steps: Vec<StepStats>,
    /// Whole completed iterations, start to end.
    pub iteration: RouteStats,
    pub completed: u64,
    pub cut: u64,
}

/// What a flow run measured, before judging.
#[derive(Debug, Clone)]
pub struct FlowMeasured {
    pub flows: Vec<FlowStats>,
    /// The sending window (the grace for steps still in flight left out).
    pub elapsed: Duration,
    /// Steps sent.
    pub sent: u64,
    pub cancelled: bool,
}

struct Shared {
    net: Arc<Net>,
    base: Option<String>,
    scenarios: Vec<Scenario>,
    stats: Vec<Mutex<FlowStats>>,
    timeout: Duration,
    max_requests: u64,
    sent: AtomicU64,
}

impl Shared {
    fn with(&self, flow: usize, f: impl FnOnce(&mut FlowStats)) {
        if let Ok(mut s) = self.stats[flow].lock() {
            f(&mut s);
        }
    }

    /// Takes one request from the cap; `false` once it is used up.
    fn take_request(&self) -> bool {
        self.sent
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < self.max_requests).then_some(n + 1)
            })
            .is_ok()
    }
}

/// Runs `scenarios` under `plan` (closed loop only): `plan.connections` users, user `i`
/// on scenario `i % scenarios.len()`, until the duration or the request cap is reached
/// or `token` is cancelled. Paths resolve against `base`.
pub async fn run(
    net: Arc<Net>,
    scenarios: Vec<Scenario>,
    base: Option<String>,
    plan: &LoadPlan,
    token: CancellationToken,
) -> Result<FlowMeasured, PerfError> {
    plan.validate()?;
    if plan.pace != Pace::Closed {
        return Err(PerfError::Cap(
            "flows run closed loop only: each user starts its next step when the last ends".into(),
        ));
    }
    if scenarios.is_empty() {
        return Err(PerfError::NoRoute);
    }
    if plan.connections < scenarios.len() {
        return Err(PerfError::Cap(format!(
            "{} flows need at least {} connections (one user per flow), not {}",
            scenarios.len(),
            scenarios.len(),
            plan.connections
        )));
    }
    for s in &scenarios {
        s.flow.validate().map_err(|e| PerfError::Route {
            route: s.flow.name.clone(),
            reason: e.to_string(),
        })?;
    }
    let n = scenarios.len();
    let shared = Arc::new(Shared {
        stats: scenarios
            .iter()
            .enumerate()
            .map(|(i, s)| {
                Mutex::new(FlowStats {
                    users: (plan.connections + n - 1 - i) / n,
                    steps: vec![StepStats::default(); s.flow.steps.len()],
                    ..FlowStats::default()
                })
            })
            .collect(),
        net,
        base,
        scenarios,
        timeout: plan.timeout,
        max_requests: plan.max_requests,
        sent: AtomicU64::new(0),
    });
    let start = Instant::now();
    let end = start + plan.duration;
    let grace_end = end + END_GRACE.min(plan.timeout);
    let mut set = JoinSet::new();
    for u in 0..plan.connections {
        let shared = shared.clone();
        let token = token.clone();
        set.spawn(async move {
            tokio::select! {
                () = token.cancelled() => {}
                () = user(&shared, u % n, end, grace_end) => {}
            }
        });
    }
    tokio::select! {
        () = token.cancelled() => set.abort_all(),
        () = async { while set.join_next().await.is_some() {} } => {}
    }
    let elapsed = start.elapsed().min(plan.duration);
    let flows = shared
        .stats
        .iter()
        .map(|m| m.lock().map(|s| s.clone()).unwrap_or_default())
        .collect();
    Ok(FlowMeasured {
        flows,
        elapsed,
        sent: shared.sent.load(Ordering::Relaxed),
        cancelled: token.is_cancelled(),
    })
}

/// One virtual user: iterations of its flow until the end or the request cap.
async fn user(shared: &Shared, flow: usize, end: Instant, grace_end: Instant) {
    let sc = &shared.scenarios[flow];
    loop {
        let jar = Jar::default();
        let mut captured: HashMap<String, String> = HashMap::new();
        let began = Instant::now();
        for (i, st) in sc.flow.steps.iter().enumerate() {
            if Instant::now() >= end || !shared.take_request() {
                // An iteration not yet begun was not cut short.
                if i > 0 {
                    shared.with(flow, |s| s.cut += 1);
                }
                return;
            }
            let sent = Instant::now();
            let ran = tokio::select! {
                r = step::run(
                    &shared.net,
                    st,
                    shared.base.as_deref(),
                    &sc.values,
                    &mut captured,
                    &jar,
                    shared.timeout,
                ) => Some(r),
                () = sleep_until(grace_end) => None,
            };
            let took = sent.elapsed();
            let (fault, why, bytes) = match &ran {
                Some(r) => (r.fault, r.evidence.failure.as_deref(), r.bytes),
                None => (
                    Some(Fault::Timeout),
                    Some("no answer before the run ended"),
                    0,
                ),
            };
            let why = fault.and(why).map(|w| {
                let mut mask = sc.values.mask();
                for v in captured.values() {
                    mask.add(v.clone());
                }
                mask.text(w)
            });
            shared.with(flow, |s| {
                let step = &mut s.steps[i];
                step.latency.record(&Sample {
                    corrected: took,
                    raw: took,
                    error: fault.map(|_| ErrorKind::Other),
                    bytes,
                });
                if let Some(f) = fault {
                    step.faults[f.index()] += 1;
                    step.ended_here += 1;
                    if step.first_failure.is_none() {
                        step.first_failure = why;
                    }
                }
            });
            if ran.is_none() {
                return;
            }
            // A step that cannot even be built (a credential HTTP cannot carry, a URL with
            // no host) fails the same way every time, at once and without a request: this
            // user stops rather than spin, and the step is not counted as sent.
            if fault == Some(Fault::Setup) {
                shared.sent.fetch_sub(1, Ordering::Relaxed);
                return;
            }
            if fault.is_some() {
                break;
            }
            if i + 1 == sc.flow.steps.len() {
                let whole = began.elapsed();
                shared.with(flow, |s| {
                    s.completed += 1;
                    s.iteration.record(&Sample {
                        corrected: whole,
                        raw: whole,
                        error: None,
                        bytes: 0,
                    });
                });
            }
        }
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The name of step `i` of `flow` as a route row.
pub fn row_name(flow: &Flow, i: usize) -> String {
    format!("{}{SEPARATOR}{}", flow.name, flow.steps[i].label())
}

/// The report of a flow run: each step a route row, each flow its iteration figures.
pub fn build(
    m: &FlowMeasured,
    scenarios: &[Scenario],
    base: Option<&str>,
    connections: usize,
    budgets: Budgets,
) -> LoadReport {
    let secs = m.elapsed.as_secs_f64().max(1e-3);
    let mut routes = Vec::new();
    let mut flows = Vec::new();
    for (sc, fs) in scenarios.iter().zip(&m.flows) {
        let mut steps = Vec::new();
        for (i, (st, ss)) in sc.flow.steps.iter().zip(&fs.steps).enumerate() {
            let method = st.method.trim().to_ascii_uppercase();
            let write = !matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS");
            let own = sc.p95_budget_ms.get(i).copied().flatten();
            let name = row_name(&sc.flow, i);
            routes.push(RouteReport {
                name: name.clone(),
                url: display_url(&st.url, base),
                method,
                requests: ss.latency.requests,
                rps: round2(ss.latency.requests as f64 / secs),
                latency_ms: percentiles(&ss.latency.corrected),
                raw_latency_ms: None,
                errors: Fault::ALL
                    .iter()
                    .map(|f| (f.as_str().to_string(), ss.faults[f.index()]))
                    .collect(),
                error_rate_pct: round2(ss.latency.error_rate_pct()),
                max_body_bytes: ss.latency.max_bytes,
                intended_rps: None,
                achieved_rps: None,
                p95_budget_ms: budgets.p95_for(own, write),
                histogram: buckets(&ss.latency.corrected),
            });
            steps.push(FlowStepReport {
                name,
                failed: ss.ended_here,
                first_failure: ss.first_failure.clone(),
            });
        }
        flows.push(FlowLoadReport {
            name: sc.flow.name.clone(),
            users: fs.users,
            completed: fs.completed,
            failed: fs.steps.iter().map(|s| s.ended_here).sum(),
            cut: fs.cut,
            iterations_per_s: round2(fs.completed as f64 / secs),
            iteration_ms: percentiles(&fs.iteration.corrected),
            steps,
        });
    }
    let requests: u64 = routes.iter().map(|r| r.requests).sum();
    LoadReport {
        mode: "closed".into(),
        protocol: "pooled client (HTTP/1.1 or HTTP/2 by ALPN)".into(),
        connections,
        duration_s: round2(secs),
        requests,
        rps: round2(requests as f64 / secs),
        cancelled: m.cancelled,
        budgets,
        routes,
        flows,
        ..LoadReport::default()
    }
}

/// A step's URL as written, on the base when it is a path (placeholders stay as they are:
/// they name values, never hold them).
fn display_url(url: &str, base: Option<&str>) -> String {
    let u = url.trim();
    match base {
        Some(b) if !(u.starts_with("http://") || u.starts_with("https://")) => {
            format!("{}/{}", b.trim_end_matches('/'), u.trim_start_matches('/'))
        }
        _ => u.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::flow::Step;

    #[test]
    fn rows_are_named_by_flow_and_step_and_paths_join_the_base() {
        let flow = launch_ready_core::flow::login_then_protected("/session", "/api/me");
        assert_eq!(
            row_name(&flow, 1),
            "log in then protected route › protected route"
        );
        assert_eq!(
            display_url("/api/{{id}}", Some("https://a.test/")),
            "https://a.test/api/{{id}}"
        );
        assert_eq!(
            display_url("https://b.test/x", Some("https://a.test")),
            "https://b.test/x"
        );
        let unnamed = Flow {
            name: "f".into(),
            steps: vec![Step::get("/x")],
        };
        assert_eq!(row_name(&unnamed, 0), "f › GET /x");
    }

    #[test]
    fn a_report_counts_failures_by_kind_and_where_iterations_ended() {
        let flow = launch_ready_core::flow::login_then_protected("/session", "/api/me");
        let sc = Scenario {
            flow,
            values: Values::default(),
            p95_budget_ms: vec![None, Some(50)],
        };
        let mut fs = FlowStats {
            users: 2,
            steps: vec![StepStats::default(); 2],
            completed: 3,
            ..FlowStats::default()
        };
        let ok = Sample {
            corrected: Duration::from_millis(5),
            raw: Duration::from_millis(5),
            error: None,
            bytes: 10,
        };
        for _ in 0..4 {
            fs.steps[0].latency.record(&ok);
        }
        for _ in 0..3 {
            fs.steps[1].latency.record(&ok);
        }
        fs.steps[1].latency.record(&Sample {
            error: Some(ErrorKind::Other),
            ..ok
        });
        fs.steps[1].faults[Fault::Status.index()] = 1;
        fs.steps[1].ended_here = 1;
        let m = FlowMeasured {
            flows: vec![fs],
            elapsed: Duration::from_secs(2),
            sent: 8,
            cancelled: false,
        };
        let r = build(&m, &[sc], Some("https://a.test"), 2, Budgets::default());
        assert_eq!(r.requests, 8);
        assert_eq!(
            r.routes[0].p95_budget_ms, 500,
            "a POST gets the write budget"
        );
        assert_eq!(r.routes[1].p95_budget_ms, 50, "a step's own budget wins");
        assert_eq!(r.routes[1].errors["status"], 1);
        assert!((r.routes[1].error_rate_pct - 25.0).abs() < 1e-9);
        let f = &r.flows[0];
        assert_eq!((f.completed, f.failed, f.cut), (3, 1, 0));
        assert!((f.iterations_per_s - 1.5).abs() < 1e-9);
        assert_eq!(f.steps[1].failed, 1);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["flows"][0]["steps"][1]["failed"], 1);
    }
}
