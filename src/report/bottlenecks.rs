//! The pack's bottlenecks: the routes furthest over (or nearest to) their p95 budget, each
//! with its first and its last measured p95 of the sprint, and where the first bottleneck
//! appeared in a step test (the connection count at which a route first went over budget).
//!
//! Read from the run history the session keeps for each `perf.*` check, so "before" is the
//! earliest run still kept and "after" the latest; a route measured once says so.

use launch_ready_core::catalog::KindId;
use launch_ready_core::clean::clean_line;
use launch_ready_core::evidence::{LoadReport, Observed, RouteReport};
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::runbook::{Run, Runbook};
use launch_ready_core::session::Session;
use launch_ready_core::session::model::Evidence;
use serde::Serialize;

/// How many routes the pack names as the bottlenecks to tackle first.
pub const TOP: usize = 3;

/// One of the slowest routes against its budget.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bottleneck {
    /// How it was measured: `baseline` (one request at a time) or `load test at N
    /// connections`; first and last runs are compared only within the same measure.
    pub measured_by: String,
    pub route: String,
    pub method: String,
    pub url: String,
    pub budget_ms: u32,
    /// p95 of the earliest kept run, and when it ran.
    pub before_p95_ms: f64,
    pub before_at: String,
    /// p95 of the latest run, and when it ran.
    pub after_p95_ms: f64,
    pub after_at: String,
    pub after_error_rate_pct: f64,
    /// Runs of this route in the kept history.
    pub runs: usize,
    /// `faster`, `slower`, `unchanged` or `measured once`.
    pub change: String,
    pub within_budget: bool,
}

/// A step test's ladder for one route.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StepTestRow {
    pub route: String,
    pub url: String,
    /// Connections of the first step over budget; `None` when every step held.
    pub first_bottleneck: Option<usize>,
    /// The highest step that ran.
    pub highest_step: usize,
    pub steps: Vec<StepRow>,
}

/// One step of a step test.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StepRow {
    pub connections: usize,
    pub rps: f64,
    pub p95_ms: f64,
    pub error_rate_pct: f64,
    pub over_budget: bool,
}

/// The bottlenecks part of the performance section.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Bottlenecks {
    /// At most `TOP` routes, the furthest over their budget first.
    pub slowest: Vec<Bottleneck>,
    pub step_tests: Vec<StepTestRow>,
    /// What fills the step test when none ran: the runbook's check, or the command.
    pub step_test_missing: Option<String>,
}

/// One measured route in one run, with that run's error budget.
struct Seen<'a> {
    at: &'a Evidence,
    route: RouteReport,
    error_budget_pct: f64,
}

fn perf_report(o: &launch_ready_core::session::model::CheckOutcome) -> Option<LoadReport> {
    if o.status == CheckStatus::Skipped {
        return None;
    }
    match o.observed().into_owned() {
        Observed::Perf(r) => Some(*r),
        _ => None,
    }
}

/// When a run finished, to the minute: the pack's readers compare runs, not instants.
fn when(e: &Evidence) -> String {
    let at = e.at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// The bottlenecks of the session's `perf.latency` and `perf.load` runs.
pub fn build(runbook: &Runbook, session: &Session) -> Bottlenecks {
    // (measure, method, URL) → its runs, across every perf check. Two checks sharing a
    // kind share its runs (each records it at its own instant), so a run is counted once:
    // by its figures, which two separate runs never repeat exactly.
    let mut routes: Vec<((String, String, String), Vec<Seen<'_>>)> = Vec::new();
    let mut step_check: Option<String> = None;
    let mut step_tests = Vec::new();
    for (_, check) in runbook.checks() {
        let Run::Auto { kind, params, .. } = &check.run else {
            continue;
        };
        let id = kind.0.id;
        if id != KindId::PerfLatency && id != KindId::PerfLoad {
            continue;
        }
        if id == KindId::PerfLoad && params.contains_key("steps") && step_check.is_none() {
            step_check = Some(check.title.clone());
        }
        let Some(state) = session.state(&check.id) else {
            continue;
        };
        for (n, ev) in state.evidence.iter().enumerate() {
            for o in &ev.results {
                let Some(rep) = perf_report(o) else {
                    continue;
                };
                if n == 0
                    && let Some(ladder) = &rep.step_test
                    && let Some(r) = rep.routes.first()
                {
                    step_tests.push(StepTestRow {
                        route: clean_line(&r.name),
                        url: clean_line(&r.url),
                        first_bottleneck: ladder.first_bottleneck,
                        highest_step: ladder.steps.last().map_or(0, |s| s.connections),
                        steps: ladder
                            .steps
                            .iter()
                            .map(|s| StepRow {
                                connections: s.connections,
                                rps: s.rps,
                                p95_ms: s.p95_ms,
                                error_rate_pct: s.error_rate_pct,
                                over_budget: !s.over_budget.is_empty(),
                            })
                            .collect(),
                    });
                }
                let measure = if id == KindId::PerfLatency {
                    "baseline".to_string()
                } else {
                    format!("load test at {} connections", rep.connections)
                };
                for r in &rep.routes {
                    if r.requests == 0 {
                        continue;
                    }
                    let key = (measure.clone(), r.method.clone(), r.url.clone());
                    let at = match routes.iter().position(|(k, _)| *k == key) {
                        Some(p) => p,
                        None => {
                            routes.push((key, Vec::new()));
                            routes.len() - 1
                        }
                    };
                    if routes[at].1.iter().any(|s| s.route == *r) {
                        continue;
                    }
                    routes[at].1.push(Seen {
                        at: ev,
                        route: r.clone(),
                        error_budget_pct: rep.budgets.error_rate_pct,
                    });
                }
            }
        }
    }
    let mut slowest: Vec<Bottleneck> = routes
        .iter_mut()
        .filter_map(|((measure, _, _), seen)| {
            // Newest first across checks.
            seen.sort_by_key(|s| std::cmp::Reverse(s.at.at));
            let last = seen.first()?;
            let first = seen.last()?;
            let (before, after) = (first.route.latency_ms.p95, last.route.latency_ms.p95);
            let budget = last.route.p95_budget_ms;
            let change = if seen.len() == 1 {
                "measured once"
            } else if after < before * 0.9 {
                "faster"
            } else if after > before * 1.1 {
                "slower"
            } else {
                "unchanged"
            };
            Some(Bottleneck {
                measured_by: measure.clone(),
                route: clean_line(&last.route.name),
                method: clean_line(&last.route.method),
                url: clean_line(&last.route.url),
                budget_ms: budget,
                before_p95_ms: before.round(),
                before_at: when(first.at),
                after_p95_ms: after.round(),
                after_at: when(last.at),
                after_error_rate_pct: last.route.error_rate_pct,
                runs: seen.len(),
                change: change.to_string(),
                within_budget: (budget == 0 || after <= f64::from(budget))
                    && last.route.error_rate_pct <= last.error_budget_pct,
            })
        })
        .collect();
    slowest.sort_by(|a, b| ratio(b).total_cmp(&ratio(a)));
    // One row per route: its worst measure names it.
    let mut named: Vec<(String, String)> = Vec::new();
    slowest.retain(|b| {
        let key = (b.method.clone(), b.url.clone());
        let first = !named.contains(&key);
        named.push(key);
        first
    });
    slowest.truncate(TOP);
    step_tests.sort_by(|a, b| a.url.cmp(&b.url));
    let step_test_missing = step_tests.is_empty().then(|| match &step_check {
        Some(title) => format!(
            "No step test has run yet: run the check “{}” (it sends load, after a confirmation).",
            clean_line(title)
        ),
        None => "This runbook runs no step test; `launch-ready load --session NAME --steps 5,10,20,40` finds where the first bottleneck appears.".to_string(),
    });
    Bottlenecks {
        slowest,
        step_tests,
        step_test_missing,
    }
}

/// How far a route's latest p95 is past its budget (1.0 = at the budget).
fn ratio(b: &Bottleneck) -> f64 {
    if b.budget_ms == 0 {
        return 0.0;
    }
    let over = b.after_p95_ms / f64::from(b.budget_ms);
    // A route failing its error budget ranks with the worst of the slow ones.
    if b.within_budget || over > 1.0 {
        over
    } else {
        1.0 + b.after_error_rate_pct / 100.0
    }
}
