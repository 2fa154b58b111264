//! The check engine: runs automated checks as tokio tasks with per-operation timeouts, a
//! global concurrency limit and cancellation, streaming `EngineEvent`s to whoever drives it
//! (the TUI event loop or the headless command).
//!
//! This file fixes the interface the TUI and the headless command program against; the
//! families plug in behind `registry`.

pub mod event;

pub use event::{EngineEvent, Job};

use crate::checks::catalog::CheckKind;

/// True when this build can run `kind`; the TUI shows "not available yet" otherwise.
pub fn is_available(kind: &CheckKind) -> bool {
    let _ = kind;
    false
}

/// What a job runs against: a snapshot of the session's targets and settings at the time
/// the run was asked for, so editing targets mid-run cannot tear a result.
#[derive(Debug, Clone)]
pub struct Scope {
    pub targets: crate::session::model::Targets,
    pub network: crate::net::settings::NetworkSettings,
    /// Thresholds from the runbook (p95 budgets, certificate warning days…).
    pub thresholds: crate::runbook::model::Targets,
}

/// Handle to the engine. Cheap to clone; must be created inside a tokio runtime.
#[derive(Clone)]
pub struct Engine {
    _private: (),
}

impl Engine {
    /// A new engine and the stream of its events.
    pub fn new() -> (Engine, tokio::sync::mpsc::UnboundedReceiver<EngineEvent>) {
        unimplemented!("engine")
    }

    /// Starts `job` against `scope`. A job already running for the same check is
    /// cancelled first.
    pub fn run(&self, job: Job, scope: std::sync::Arc<Scope>) {
        let _ = (job, scope);
        unimplemented!("engine")
    }

    /// Cancels the job of one check, if running.
    pub fn cancel(&self, check_id: &str) {
        let _ = check_id;
        unimplemented!("engine")
    }

    /// Cancels every running job.
    pub fn cancel_all(&self) {
        unimplemented!("engine")
    }
}
