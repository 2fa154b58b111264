//! `launch-ready load --flow NAME` / `--flows`: a session's flows as the load scenario.
//! Everything that can be refused is refused before traffic, with exit 2: a flag flows do
//! not combine with, a flow the session lacks, a credential not set (every one is read
//! before the first request). Then the confirmation, the run (Ctrl-C cancels), and the
//! report; exit 1 when a step is over its p95 or error-rate budget.

use super::load::{DEFAULT_SECS, confirm_targets, push_json, thresholds};
use super::{Failure, Outcome};
use crate::cli::load::LoadArgs;
use launch_ready_checks::credentials::Credentials;
use launch_ready_checks::engine::adapters::perf::{DEFAULT_CONNECTIONS, default_connections};
use launch_ready_checks::engine::targets;
use launch_ready_checks::net::Net;
use launch_ready_checks::perf::flows::{self, Scenario};
use launch_ready_checks::perf::{Budgets, LoadPlan, Pace, report};
use launch_ready_checks::smoke::{self, values};
use launch_ready_core::catalog::KindId;
use launch_ready_core::flow::Flow;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::RouteBudget;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Flags a flow run does not take, and why.
fn refused(a: &LoadArgs) -> Option<&'static str> {
    if !a.urls.is_empty() || !a.routes.is_empty() {
        Some("URLs and --route cannot be mixed with --flow: a flow run loads the flow's steps only")
    } else if a.rate.is_some() {
        Some(
            "--rate cannot be used with --flow: flows run closed loop (each user sends its next step when the last one ends); set the load with --connections",
        )
    } else if !a.steps.is_empty() {
        Some("--steps cannot be used with --flow; run one --connections count at a time")
    } else if a.live {
        Some("--live cannot be used with --flow; the report comes at the end")
    } else if a.http2 {
        Some("--http2 cannot be used with --flow: flows go through the pooled client")
    } else {
        None
    }
}

/// The flows to run: those named, else every one; a name the session lacks is an error.
fn chosen(session: &Session, a: &LoadArgs) -> Result<Vec<Flow>, String> {
    let all = &session.targets.flows;
    if all.is_empty() {
        return Err(format!(
            "session `{}` has no flows; add one on the Targets screen",
            session.name
        ));
    }
    if a.all_flows {
        return Ok(all.clone());
    }
    a.flows
        .iter()
        .map(|n| {
            all.iter().find(|f| &f.name == n).cloned().ok_or_else(|| {
                format!(
                    "session `{}` has no flow named `{n}` (it has: {})",
                    session.name,
                    all.iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        })
        .collect()
}

/// Each step's own p95 budget: that of the session route with the step's method and URL.
fn step_budgets(
    flow: &Flow,
    session: &Session,
    base: Option<&str>,
    budgets: &Budgets,
) -> Vec<Option<u32>> {
    flow.steps
        .iter()
        .map(|st| {
            let url = targets::route_url(&st.url, base)?;
            let route = session.targets.routes.iter().find(|r| {
                r.method.eq_ignore_ascii_case(st.method.trim())
                    && targets::route_url(&r.path, base).as_deref() == Some(url.as_str())
            })?;
            match route.budget? {
                RouteBudget::P95Ms(ms) => Some(ms),
                RouteBudget::Read => Some(budgets.p95_read_ms),
                RouteBudget::Write => Some(budgets.p95_write_ms),
            }
        })
        .collect()
}

pub fn run(a: &LoadArgs, out: &mut String) -> Outcome {
    super::demo::with_demo_lab(a.session.as_deref(), || run_flows(a, out))
}

fn run_flows(a: &LoadArgs, out: &mut String) -> Outcome {
    let json = match a.format.as_str() {
        "text" => false,
        "json" => true,
        other => {
            return Err(Failure::usage(format!(
                "--format `{other}` is not text or json"
            )));
        }
    };
    if let Some(why) = refused(a) {
        return Err(Failure::usage(why));
    }
    let Some(name) = a.session.as_deref() else {
        return Err(Failure::usage(
            "--flow runs a session's flows: give --session NAME",
        ));
    };
    let session = crate::headless::load_session(name).map_err(|e| Failure::usage(e.to_string()))?;
    let flows = chosen(&session, a).map_err(Failure::usage)?;
    let targets_of = thresholds(a, Some(&session)).map_err(Failure::usage)?;
    let budgets = Budgets::from_targets(&targets_of);
    let network = a
        .network
        .overrides()
        .apply(session.network.clone())
        .map_err(|e| Failure::usage(e.to_string()))?;
    let duration = match (a.duration, a.requests) {
        (Some(d), _) => d,
        (None, Some(_)) => launch_ready_checks::perf::load::MAX_DURATION.as_secs(),
        (None, None) => DEFAULT_SECS,
    };
    let plan = LoadPlan {
        connections: a
            .connections
            .or_else(|| default_connections(&targets_of))
            .unwrap_or(DEFAULT_CONNECTIONS),
        pace: Pace::Closed,
        duration: Duration::from_secs(duration),
        max_requests: a
            .requests
            .unwrap_or(launch_ready_checks::perf::load::MAX_REQUESTS),
        timeout: Duration::from_secs(network.timeout_secs.clamp(1, 60)),
        interval: Duration::from_secs(1),
        protocol: launch_ready_checks::perf::Protocol::Http1,
    };
    plan.validate().map_err(|e| Failure::usage(e.to_string()))?;
    if plan.connections < flows.len() {
        return Err(Failure::usage(format!(
            "{} flows need at least {} connections (one user per flow)",
            flows.len(),
            flows.len()
        )));
    }
    let base = smoke::base_for(targets::canonical_host(&session.targets));
    for flow in &flows {
        own_hosts_only(flow, &session, base.as_deref()).map_err(Failure::usage)?;
    }
    let net = Arc::new(Net::new(&network).map_err(Failure::usage)?);
    let runtime = super::network_runtime()?;
    let credentials = Credentials::os(Some(session.name.clone()));
    let mut scenarios = Vec::with_capacity(flows.len());
    for flow in flows {
        // Read before any request: a missing credential is a setup error, not a failure.
        let values = runtime
            .block_on(values::read(&flow, &credentials))
            .map_err(Failure::usage)?;
        let p95_budget_ms = step_budgets(&flow, &session, base.as_deref(), &budgets);
        scenarios.push(Scenario {
            flow,
            values,
            p95_budget_ms,
        });
    }
    let lines: Vec<String> = scenarios
        .iter()
        .map(|s| format!("flow {}", s.flow.summary()))
        .collect();
    confirm_targets(a, &lines, plan.connections, plan.duration)?;
    let token = CancellationToken::new();
    let on_ctrl_c = token.clone();
    let signal = runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let measured = runtime
        .block_on(flows::run(
            net,
            scenarios.clone(),
            base.clone(),
            &plan,
            token,
        ))
        .map_err(|e| Failure::usage(e.to_string()));
    signal.abort();
    let rep = flows::build(
        &measured?,
        &scenarios,
        base.as_deref(),
        plan.connections,
        budgets,
    );
    if json {
        push_json(out, &rep)?;
    } else {
        out.push_str(&super::load_text::render(&rep));
    }
    let over = rep
        .routes
        .iter()
        .any(|r| !report::findings(KindId::PerfLoad, r, &budgets).is_empty());
    Ok(u8::from(over))
}

/// Load goes only to the session's own hosts, as for routes: every step's host is checked
/// before anything is sent. A path goes to the canonical host; a host filled in at run
/// time cannot be checked, so it is refused.
fn own_hosts_only(flow: &Flow, session: &Session, base: Option<&str>) -> Result<(), String> {
    let hosts = session.hosts();
    for (i, step) in flow.steps.iter().enumerate() {
        let url = step.url.trim();
        let refuse = |why: String| {
            Err(format!(
                "flow `{}`, step {} ({}): {why}: load only goes to the session's own targets",
                flow.name,
                i + 1,
                step.label()
            ))
        };
        let host = match url.split_once("://") {
            Some((_, rest)) => {
                let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
                if authority.contains("{{") {
                    return refuse(
                        "its host is filled in at run time and cannot be checked first".into(),
                    );
                }
                reqwest::Url::parse(url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            }
            None => base
                .and_then(|b| reqwest::Url::parse(b).ok())
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase)),
        };
        match host {
            Some(h) if hosts.contains(&h.as_str()) => {}
            Some(h) => return refuse(format!("`{h}` is not a host of session `{}`", session.name)),
            None => {
                return refuse("it has no host to send to (a path needs a canonical host)".into());
            }
        }
    }
    Ok(())
}
