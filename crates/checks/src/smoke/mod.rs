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

pub mod exchange;
pub mod judge;
pub mod values;

use crate::net::Net;
use judge::Verdict;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{FlowEvidence, StepEvidence, StepFailedDetail};
use launch_ready_core::finding::Finding;
use launch_ready_core::flow::template::Var;
use launch_ready_core::flow::{Flow, Step};
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
        let (evidence, caught) = run_step(
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

/// One step: fill its placeholders, send it, judge the answer and take its captures.
/// Returns the step's evidence (not yet masked) and the values it captured.
async fn run_step(
    net: &Net,
    step: &Step,
    base: Option<&str>,
    values: &Values,
    captured: &mut HashMap<String, String>,
    jar: &reqwest::cookie::Jar,
    timeout: Duration,
) -> (StepEvidence, Vec<String>) {
    let started = Instant::now();
    let mut evidence = StepEvidence {
        name: step.label(),
        method: step.method.to_ascii_uppercase(),
        url: step.url.clone(),
        ..StepEvidence::default()
    };
    let fail = |mut e: StepEvidence, why: String| {
        e.failure = Some(why);
        e.ms = ms(started.elapsed());
        (e, Vec::new())
    };
    let lookup = |v: &Var| match v {
        Var::Capture(n) => captured.get(n).cloned(),
        other => values.get(other).map(str::to_string),
    };
    let request = match exchange::Request::build(step, base, lookup) {
        Ok(r) => r,
        Err(e) => return fail(evidence, e.to_string()),
    };
    evidence.url = request.url.to_string();
    if timeout.is_zero() {
        return fail(evidence, "no time left in the flow's budget".into());
    }
    let answer = match exchange::send(net, &request, jar, timeout, MAX_BODY).await {
        Ok(a) => a,
        Err(e) => return fail(evidence, e.to_string()),
    };
    evidence.status = Some(answer.status);
    evidence.ms = answer.ms;
    match judge::judge(&step.expect, &answer) {
        Verdict::Pass => {}
        Verdict::Fail(why) => {
            evidence.failure = Some(why);
            evidence.excerpt = Some(excerpt(&answer.body));
            return (evidence, Vec::new());
        }
    }
    let mut caught = Vec::new();
    for c in &step.capture {
        match judge::capture(&c.from, &answer, jar, &request.url) {
            Some(v) => {
                caught.push(v.clone());
                captured.insert(c.name.clone(), v);
            }
            None => {
                evidence.failure = Some(format!(
                    "nothing to capture as `{}` ({})",
                    c.name,
                    judge::describe(&c.from)
                ));
                evidence.excerpt = Some(excerpt(&answer.body));
                return (evidence, caught);
            }
        }
    }
    evidence.passed = true;
    (evidence, caught)
}

/// The start of a body, as text, for a failed step's evidence (masked by the caller).
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
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
