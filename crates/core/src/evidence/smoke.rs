//! Evidence of the `smoke` family: one flow's run, step by step. URLs and excerpts have
//! every credential and captured value replaced before they get here, so this may be
//! stored and shown as it is (after sanitising, as all remote text).

use serde::{Deserialize, Serialize};

/// `smoke.flow`: the steps run, in order; the run stops at the first failure, so only the
/// last step can have failed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowEvidence {
    pub flow: String,
    pub steps: Vec<StepEvidence>,
    /// Steps left unrun after a failure.
    #[serde(default)]
    pub not_run: usize,
    #[serde(default)]
    pub total_ms: u64,
}

impl FlowEvidence {
    /// The step that failed, if one did.
    pub fn failed(&self) -> Option<(usize, &StepEvidence)> {
        self.steps.iter().enumerate().find(|(_, s)| !s.passed)
    }

    pub fn passed(&self) -> bool {
        self.failed().is_none() && self.not_run == 0
    }
}

/// One step as it went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StepEvidence {
    pub name: String,
    pub method: String,
    /// The URL sent, credentials and captured values masked.
    pub url: String,
    /// The answer's status; none when no answer came.
    #[serde(default)]
    pub status: Option<u16>,
    pub ms: u64,
    pub passed: bool,
    /// Which expectation failed, in words ("status 401, expected 200").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// The start of the answer's body for a failed step, masked; never for a passed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
}

/// Finding detail of `smoke.step_failed`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StepFailedDetail {
    pub flow: String,
    /// 1-based.
    pub step: usize,
    pub name: String,
    #[serde(default)]
    pub status: Option<u16>,
    pub failure: String,
}
