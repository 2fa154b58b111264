//! One step of a flow, end to end: fill its placeholders, send it with the run's cookie
//! jar, judge the answer and take its captures. The smoke runner and the load generator's
//! flows both run steps through here, so a step means the same thing under load as in a
//! smoke run.

use super::exchange::{self, SendError};
use super::judge::{self, Verdict};
use super::values::Values;
use super::{EXCERPT_CHARS, MAX_BODY, ms};
use crate::net::Net;
use launch_ready_core::evidence::StepEvidence;
use launch_ready_core::flow::Step;
use launch_ready_core::flow::template::Var;
use reqwest::cookie::Jar;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Why a step failed, by kind: what a load report counts failures under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// The step could not be built (a placeholder without a value, a bad URL) or had no
    /// time left.
    Setup,
    /// No connection, or the connection broke before an answer.
    Connect,
    /// No answer within the step's timeout.
    Timeout,
    /// An answer with a status the step does not accept.
    Status,
    /// The right status, but a body text or JSON value the step expects is missing.
    Assertion,
    /// A value the step captures for later steps is not in the answer.
    Capture,
}

impl Fault {
    pub const ALL: [Fault; 6] = [
        Fault::Setup,
        Fault::Connect,
        Fault::Timeout,
        Fault::Status,
        Fault::Assertion,
        Fault::Capture,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Fault::Setup => "setup",
            Fault::Connect => "connect",
            Fault::Timeout => "timeout",
            Fault::Status => "status",
            Fault::Assertion => "assertion",
            Fault::Capture => "capture",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// What one step came to.
#[derive(Debug, Clone)]
pub struct StepRun {
    /// The step's evidence, not yet masked: the caller masks it with every value it knows.
    pub evidence: StepEvidence,
    /// Values the step captured (to be masked from then on).
    pub caught: Vec<String>,
    /// Why it failed; `None` when it passed.
    pub fault: Option<Fault>,
    /// Body bytes read (at most `MAX_BODY`).
    pub bytes: u64,
}

/// Runs `step`: placeholders come from `values` and from `captured`, which gains the
/// step's captures; cookies go with `jar` and are kept there.
pub async fn run(
    net: &Net,
    step: &Step,
    base: Option<&str>,
    values: &Values,
    captured: &mut HashMap<String, String>,
    jar: &Jar,
    timeout: Duration,
) -> StepRun {
    let started = Instant::now();
    let mut evidence = StepEvidence {
        name: step.label(),
        method: step.method.to_ascii_uppercase(),
        url: step.url.clone(),
        ..StepEvidence::default()
    };
    let fail = |mut e: StepEvidence, why: String, fault: Fault| {
        e.failure = Some(why);
        e.ms = ms(started.elapsed());
        StepRun {
            evidence: e,
            caught: Vec::new(),
            fault: Some(fault),
            bytes: 0,
        }
    };
    let lookup = |v: &Var| match v {
        Var::Capture(n) => captured.get(n).cloned(),
        other => values.get(other).map(str::to_string),
    };
    let request = match exchange::Request::build(step, base, lookup) {
        Ok(r) => r,
        Err(e) => return fail(evidence, e.to_string(), Fault::Setup),
    };
    evidence.url = request.url.to_string();
    if timeout.is_zero() {
        return fail(
            evidence,
            "no time left in the flow's budget".into(),
            Fault::Setup,
        );
    }
    let answer = match exchange::send(net, &request, jar, timeout, MAX_BODY).await {
        Ok(a) => a,
        Err(e) => {
            let fault = match e {
                SendError::Timeout(_) => Fault::Timeout,
                SendError::Client(..) => Fault::Setup,
                SendError::Unreachable(_) => Fault::Connect,
            };
            return fail(evidence, e.to_string(), fault);
        }
    };
    evidence.status = Some(answer.status);
    evidence.ms = answer.ms;
    let bytes = answer.body.len() as u64;
    let mut out = StepRun {
        evidence,
        caught: Vec::new(),
        fault: None,
        bytes,
    };
    match judge::judge(&step.expect, &answer) {
        Verdict::Pass => {}
        Verdict::Fail(why) => {
            out.fault = Some(if step.expect.accepts(answer.status) {
                Fault::Assertion
            } else {
                Fault::Status
            });
            out.evidence.failure = Some(why);
            out.evidence.excerpt = Some(excerpt(&answer.body));
            return out;
        }
    }
    for c in &step.capture {
        match judge::capture(&c.from, &answer, jar, &request.url) {
            Some(v) => {
                out.caught.push(v.clone());
                captured.insert(c.name.clone(), v);
            }
            None => {
                out.fault = Some(Fault::Capture);
                out.evidence.failure = Some(format!(
                    "nothing to capture as `{}` ({})",
                    c.name,
                    judge::describe(&c.from)
                ));
                out.evidence.excerpt = Some(excerpt(&answer.body));
                return out;
            }
        }
    }
    out.evidence.passed = true;
    out
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
