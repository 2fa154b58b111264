//! What one monitor task watches: a URL (one GET, judged by `Expect`) or a flow (the
//! smoke runner's steps, "at least one core action works"). A URL probe sees a protected
//! API's login gate answer 401 and calls the host up; only a flow that signs in sees the
//! handler behind the gate fail, which is why a flow can be a target of its own.
//!
//! A flow's credentials are read once, when the monitor is set up (`flow_targets`), never
//! per probe: a keyring may take seconds, and a value that cannot be read makes the target
//! "not monitored" with the reason instead of a target that fails every probe (or, worse,
//! one that is never probed and reads as up).
//!
//! A flow target has no certificate of its own to read: its steps' hosts are the session's
//! hosts, monitored (and their certificates read) as URLs.

use super::config::TargetSpec;
use super::state::ProbeResult;
use crate::credentials::Credentials;
use crate::net::Net;
use crate::smoke::{self, values::Values};
use launch_ready_core::flow::Flow;
use launch_ready_core::session::monitor_log::flow_key;
use std::time::{Duration, Instant};

/// One monitored target.
#[derive(Debug, Clone)]
pub enum Target {
    Url(TargetSpec),
    Flow(FlowTarget),
}

/// A flow as a monitor target, with the values it reads.
#[derive(Debug, Clone)]
pub struct FlowTarget {
    pub flow: Flow,
    /// What its paths resolve against (`https://CANONICAL-HOST`).
    pub base: Option<String>,
    /// The values read when the monitor started, or why they could not be read (the
    /// target is then reported, not probed).
    pub values: Result<Values, String>,
}

impl From<TargetSpec> for Target {
    fn from(spec: TargetSpec) -> Target {
        Target::Url(spec)
    }
}

impl From<FlowTarget> for Target {
    fn from(flow: FlowTarget) -> Target {
        Target::Flow(flow)
    }
}

impl Target {
    /// How reports, alerts and the session's history name it: the URL, or `flow:NAME`.
    pub fn key(&self) -> String {
        match self {
            Target::Url(s) => s.url.to_string(),
            Target::Flow(f) => flow_key(&f.flow.name),
        }
    }

    /// The flow's name, for a flow target.
    pub fn flow_name(&self) -> Option<&str> {
        match self {
            Target::Url(_) => None,
            Target::Flow(f) => Some(&f.flow.name),
        }
    }

    /// Why the target cannot be probed at all, when it cannot.
    pub fn unmonitored(&self) -> Option<&str> {
        match self {
            Target::Flow(FlowTarget { values: Err(e), .. }) => Some(e),
            _ => None,
        }
    }
}

/// The session's `flows` as targets, each with its values read now through
/// `credentials` (the CI variable first, then the keyring). A flow that cannot be run as
/// written, or whose value is missing, is kept with the reason: the monitor reports it as
/// not monitored rather than leaving it out.
pub async fn flow_targets(
    flows: &[Flow],
    base: Option<String>,
    credentials: &Credentials,
) -> Vec<FlowTarget> {
    let mut out = Vec::with_capacity(flows.len());
    for flow in flows {
        let values = smoke::values::read(flow, credentials)
            .await
            .map_err(|e| e.to_string());
        out.push(FlowTarget {
            flow: flow.clone(),
            base: base.clone(),
            values,
        });
    }
    out
}

/// Runs `target`'s flow once, the whole run bounded by `timeout` (a probe never outlasts
/// its interval). Up when every step passed, with the last step's status; down with the
/// failing step's number, label and reason (masked by the runner). Latency is the flow's
/// total time either way.
pub async fn probe_flow(net: &Net, target: &FlowTarget, timeout: Duration) -> ProbeResult {
    let values = match &target.values {
        Ok(v) => v,
        Err(e) => {
            return ProbeResult::Down {
                reason: e.clone(),
                latency_ms: None,
            };
        }
    };
    let run = smoke::run(
        net,
        &target.flow,
        target.base.as_deref(),
        values,
        timeout,
        Instant::now() + timeout,
    )
    .await;
    let e = &run.evidence;
    match e.failed() {
        None => ProbeResult::Up {
            status: e.steps.last().and_then(|s| s.status).unwrap_or(0),
            latency_ms: e.total_ms,
        },
        Some((i, step)) => ProbeResult::Down {
            reason: format!(
                "step {} ({}): {}",
                i + 1,
                step.name,
                step.failure.as_deref().unwrap_or("failed")
            ),
            latency_ms: Some(e.total_ms),
        },
    }
}
