//! The flow runner: one flow's steps sent in order through the run's network (its
//! resolver, `connect_to` overrides and trust roots, like every other check), each under
//! its own timeout, stopping at the first step that does not answer as expected.
//!
//! One runner for every caller: the `smoke.flow` kind, `launch-ready smoke` after a
//! deploy, and the monitor when a flow is one of its targets. Each run keeps its own
//! cookie jar, so a login's session cookie goes with the later steps and with nothing
//! else.
//!
//! Credentials a flow names are read once, before the first request (`values`): a missing
//! one is a setup problem, never a failed step. Every value read or captured is masked in
//! what the run records (`values::Mask`), so evidence, findings and printed reports never
//! hold them.
//!
//! `step` is the one place a step is filled, sent, judged and captured from: this runner
//! and the load generator's flows (`perf::flows`) both go through it.

pub mod exchange;
pub mod judge;
pub mod step;
pub mod values;

use crate::net::Net;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{FlowEvidence, StepFailedDetail};
use launch_ready_core::finding::Finding;
use launch_ready_core::flow::Flow;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use values::Values;

/// Body bytes kept from one answer: enough for any login page or API reply a step judges.
pub const MAX_BODY: usize = 512 * 1024;
/// Characters of a failed step's body kept in the evidence.
pub const EXCERPT_CHARS: usize = 300;

/// What one flow run gives back.
#[derive(Debug, Clone)]
pub struct FlowRun {
    pub evidence: FlowEvidence,
    /// The `smoke.step_failed` finding of the step that failed, if one did.
    pub finding: Option<Finding>,
}

impl FlowRun {
    pub fn passed(&self) -> bool {
        self.finding.is_none()
    }
}

/// Runs `flow` with the values read for it. Paths resolve against `base`
/// (`https://www.example.com`); each step may take `timeout`, and the whole run ends by
/// `deadline` (a step left without time fails as a timeout).
pub async fn run(
    net: &Net,
    flow: &Flow,
    base: Option<&str>,
    values: &Values,
    timeout: Duration,
    deadline: Instant,
) -> FlowRun {
    let started = Instant::now();
    let jar = reqwest::cookie::Jar::default();
    let mut captured: HashMap<String, String> = HashMap::new();
    let mut mask = values.mask();
    let mut steps = Vec::new();
    let mut finding = None;
    for (i, step) in flow.steps.iter().enumerate() {
        let left = deadline.saturating_duration_since(Instant::now());
        let step::StepRun {
            evidence, caught, ..
        } = step::run(
            net,
            step,
            base,
            values,
            &mut captured,
            &jar,
            timeout.min(left),
        )
        .await;
        for v in caught {
            mask.add(v);
        }
        let evidence = mask.step(evidence);
        let failed = !evidence.passed;
        if failed {
            let failure = evidence.failure.clone().unwrap_or_default();
            let label = evidence.name.clone();
            let message = format!(
                "flow `{}` failed at step {} ({label}): {failure}",
                flow.name,
                i + 1
            );
            finding = Some(Finding::new(Code::SmokeStepFailed, message).with_detail(
                &StepFailedDetail {
                    flow: flow.name.clone(),
                    step: i + 1,
                    name: label,
                    status: evidence.status,
                    failure,
                },
            ));
        }
        steps.push(evidence);
        if failed {
            break;
        }
    }
    let not_run = flow.steps.len() - steps.len();
    FlowRun {
        evidence: FlowEvidence {
            flow: flow.name.clone(),
            steps,
            not_run,
            total_ms: ms(started.elapsed()),
        },
        finding,
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Reads the values `flow` names, then runs it (see `run`); a value that cannot be read
/// is returned before any request goes out.
pub async fn read_and_run(
    net: &Net,
    flow: &Flow,
    base: Option<&str>,
    credentials: &crate::credentials::Credentials,
    timeout: Duration,
    deadline: Instant,
) -> Result<FlowRun, values::ValueError> {
    let values = values::read(flow, credentials).await?;
    Ok(run(net, flow, base, &values, timeout, deadline).await)
}

/// The base URL paths of a session's flows resolve against: its canonical host over
/// HTTPS.
pub fn base_for(canonical_host: Option<String>) -> Option<String> {
    canonical_host.map(|h| format!("https://{h}"))
}
