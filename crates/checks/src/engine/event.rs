//! Messages between the engine and its driver.

use launch_ready_core::catalog::CheckKind;
use launch_ready_core::finding::Severity;
use launch_ready_core::session::model::Evidence;
use std::collections::BTreeMap;

/// One runbook check to run: the engine expands it over the session's targets.
#[derive(Debug, Clone)]
pub struct Job {
    /// The runbook check id the results belong to.
    pub check_id: String,
    pub kind: &'static CheckKind,
    /// Finding-code severity overrides from the runbook.
    pub severity: BTreeMap<String, Severity>,
    /// Kind-specific parameters from the runbook.
    pub params: BTreeMap<String, String>,
}

/// What the engine reports while it works. Every started check ends with exactly one
/// `Finished` or `Cancelled`.
#[derive(Debug, Clone)]
pub enum EngineEvent {
    /// A job was accepted and its first target started.
    Started { check_id: String },
    /// Human-readable progress line for a running job (target being probed, hop followed…).
    Progress { check_id: String, message: String },
    /// One interval of a running load test, already aggregated (one a second), for the
    /// live view.
    LoadSample {
        check_id: String,
        /// The target (route URL) the run loads; a job runs its targets side by side.
        target: String,
        snapshot: Box<crate::perf::Snapshot>,
    },
    /// A job completed: one evidence entry aggregating every target it ran against.
    Finished {
        check_id: String,
        evidence: Evidence,
    },
    /// A job was cancelled before it completed; nothing is recorded.
    Cancelled { check_id: String },
}
