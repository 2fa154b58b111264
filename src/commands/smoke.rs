//! `launch-ready smoke`: after a deploy, run a session's flows and nothing else, in
//! seconds, for a pipeline to gate on. Exit 0 when every flow passed, 1 when a step
//! failed, 2 when the run could not be set up (no such session, no flows, bad network
//! settings, a credential or variable not set). Every credential is read before the first
//! request, so a pipeline missing one fails as a setup error rather than as a broken
//! deploy.
//!
//! The session file is only read: a smoke run records nothing in it (the checklist's
//! `smoke.flow` check does that), so it can run while the session is open elsewhere.

use super::{Failure, Outcome};
use crate::cli::smoke::SmokeArgs;
use launch_ready_checks::credentials::Credentials;
use launch_ready_checks::engine::targets;
use launch_ready_checks::net::Net;
use launch_ready_checks::smoke::{self, FlowRun, values};
use launch_ready_core::flow::Flow;
use launch_ready_core::session::Session;
use serde::Serialize;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Version of the JSON `smoke --format json` prints (`assets/schema/smoke-v1.json`).
pub const SCHEMA: u32 = 1;

pub fn run(args: &SmokeArgs, out: &mut String) -> Outcome {
    let json = match args.format.as_str() {
        "json" => true,
        "text" => false,
        other => {
            return Err(Failure::usage(format!(
                "unknown format `{other}` (use text or json)"
            )));
        }
    };
    super::demo::with_demo_lab(args.session.as_deref(), || {
        let session = match (&args.session, &args.plan) {
            (Some(name), _) => {
                let path =
                    launch_ready_core::session::list::resolve(name).map_err(Failure::usage)?;
                launch_ready_core::session::store::read(&path)
                    .map_err(|e| Failure::usage(e.explained()))?
                    .into()
            }
            (None, Some(file)) => {
                let plan = launch_ready_core::plan::Plan::read(file)
                    .map_err(|e| Failure::usage(e.to_string()))?;
                Source {
                    name: plan.session,
                    targets: plan.targets,
                    network: plan.network.unwrap_or_default(),
                }
            }
            (None, None) => return Err(Failure::usage("give --session NAME or --plan FILE")),
        };
        let flows = chosen(&session, &args.flows)?;
        let runtime = super::network_runtime()?;
        let report = runtime.block_on(run_flows(&session, &flows))?;
        if json {
            let text = serde_json::to_string_pretty(&report)
                .map_err(|e| Failure::runtime(format!("cannot write the report: {e}")))?;
            out.push_str(&text);
            out.push('\n');
        } else {
            out.push_str(&render(&report));
        }
        Ok(if report.passed { 0 } else { 1 })
    })
}

/// What a smoke run reads: a session's or a plan's name, targets (flows among them) and
/// network settings.
struct Source {
    name: String,
    targets: launch_ready_core::session::model::Targets,
    network: launch_ready_core::settings::NetworkSettings,
}

impl From<Session> for Source {
    fn from(s: Session) -> Source {
        Source {
            name: s.name,
            targets: s.targets,
            network: s.network,
        }
    }
}

/// The flows to run: those named, else all; a name the session lacks is a usage error.
fn chosen(session: &Source, names: &[String]) -> Result<Vec<Flow>, Failure> {
    let all = &session.targets.flows;
    if all.is_empty() {
        return Err(Failure::usage(format!(
            "session `{}` has no flows; add one on the Targets screen",
            session.name
        )));
    }
    if names.is_empty() {
        return Ok(all.clone());
    }
    names
        .iter()
        .map(|n| {
            all.iter().find(|f| &f.name == n).cloned().ok_or_else(|| {
                Failure::usage(format!(
                    "session `{}` has no flow named `{n}` (it has: {})",
                    session.name,
                    all.iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
        })
        .collect()
}

/// Reads every flow's values first (a missing one is a setup error), then runs the
/// flows side by side.
async fn run_flows(session: &Source, flows: &[Flow]) -> Result<SmokeReport, Failure> {
    let started_at = OffsetDateTime::now_utc();
    let started = Instant::now();
    let net = Net::new(&session.network).map_err(Failure::usage)?;
    let credentials = Credentials::os(Some(session.name.clone()));
    let mut prepared = Vec::new();
    for f in flows {
        let v = values::read(f, &credentials)
            .await
            .map_err(Failure::usage)?;
        prepared.push((f, v));
    }
    let timeout = Duration::from_secs(session.network.timeout_secs.max(1));
    let budget = launch_ready_core::catalog::KindId::SmokeFlow
        .kind()
        .profile
        .budget
        .for_timeout(timeout);
    let base = smoke::base_for(targets::canonical_host(&session.targets));
    let deadline = Instant::now() + budget;
    let runs = futures::future::join_all(
        prepared
            .iter()
            .map(|(f, v)| smoke::run(&net, f, base.as_deref(), v, timeout, deadline)),
    )
    .await;
    let flows: Vec<FlowReport> = runs.into_iter().map(FlowReport::from).collect();
    Ok(SmokeReport {
        tool: "launch-ready",
        version: env!("CARGO_PKG_VERSION"),
        schema: SCHEMA,
        session: session.name.clone(),
        started_at: started_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        passed: flows.iter().all(|f| f.passed),
        flows,
    })
}

/// What `smoke --format json` prints.
#[derive(Debug, Serialize)]
pub struct SmokeReport {
    pub tool: &'static str,
    pub version: &'static str,
    pub schema: u32,
    pub session: String,
    pub started_at: String,
    pub duration_ms: u64,
    /// Every flow passed.
    pub passed: bool,
    pub flows: Vec<FlowReport>,
}

/// One flow's run.
#[derive(Debug, Serialize)]
pub struct FlowReport {
    pub name: String,
    pub passed: bool,
    pub duration_ms: u64,
    /// 1-based number of the step that failed.
    pub failed_step: Option<usize>,
    pub steps: Vec<launch_ready_core::evidence::StepEvidence>,
    pub not_run: usize,
}

impl From<FlowRun> for FlowReport {
    fn from(r: FlowRun) -> FlowReport {
        let e = r.evidence;
        FlowReport {
            passed: r.finding.is_none(),
            failed_step: e.failed().map(|(i, _)| i + 1),
            name: e.flow,
            duration_ms: e.total_ms,
            steps: e.steps,
            not_run: e.not_run,
        }
    }
}

/// The report for a terminal or a CI log: one line per step, the failed one with its
/// reason and the start of its answer.
pub fn render(r: &SmokeReport) -> String {
    let mut out = String::new();
    for f in &r.flows {
        let verdict = if f.passed { "pass" } else { "FAIL" };
        out.push_str(&format!("{verdict}  {} ({} ms)\n", f.name, f.duration_ms));
        for (i, s) in f.steps.iter().enumerate() {
            let status = s.status.map_or("-".to_string(), |c| c.to_string());
            let mark = if s.passed { "ok" } else { "failed" };
            out.push_str(&format!(
                "  {}. {mark:<6} {} {} {} ({} ms) {}\n",
                i + 1,
                s.method,
                s.url,
                status,
                s.ms,
                s.name
            ));
            if let Some(why) = &s.failure {
                out.push_str(&format!("     {why}\n"));
            }
            if let Some(x) = &s.excerpt {
                let one_line: String = x.split_whitespace().collect::<Vec<_>>().join(" ");
                out.push_str(&format!("     answer: {one_line}\n"));
            }
        }
        if f.not_run > 0 {
            out.push_str(&format!("  {} step(s) not run\n", f.not_run));
        }
    }
    let failed = r.flows.iter().filter(|f| !f.passed).count();
    out.push_str(&format!(
        "smoke: {} of {} flow(s) passed in {} ms\n",
        r.flows.len() - failed,
        r.flows.len(),
        r.duration_ms
    ));
    out
}
