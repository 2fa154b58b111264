//! What the load dialog and the live load view hold; `load_run` changes them, the state
//! keeps them and the TUI draws them.

use launch_ready_checks::engine::Job;
use launch_ready_checks::engine::adapters::perf::LoadCaps;
use launch_ready_checks::perf::live::LiveLoad;

/// The confirmation asked before a load test starts.
#[derive(Debug, Clone)]
pub struct LoadConfirm {
    /// The jobs that start on yes.
    pub jobs: Vec<Job>,
    /// What each job will do, for the dialog.
    pub plans: Vec<LoadPlanView>,
}

/// One check's load as the dialog shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadPlanView {
    pub title: String,
    /// The URLs loaded (the session's routes), side by side.
    pub targets: Vec<String>,
    pub caps: LoadCaps,
    /// For an active probe (a burst, an oversized upload) rather than a load test: the
    /// exact number of requests each target gets, which the run never exceeds.
    pub requests_per_target: Option<u32>,
}

/// The live view of the load test running (or last run) from the checklist.
#[derive(Debug, Clone)]
pub struct LoadView {
    pub check_id: String,
    /// One view per target, in the order their first interval came in.
    pub targets: Vec<LiveLoad>,
    /// The target on screen.
    pub selected: usize,
    /// Whether the panel is drawn (`v` hides and shows it).
    pub shown: bool,
}

/// Keys shown under the live view in the TUI.
pub const KEYS: &str = "L next / hide · C cancel all";

impl LoadView {
    /// The latest interval over every target still running: requests/s summed, the worst
    /// p95 in ms. `None` once every target finished or before the first interval.
    pub fn running_figures(&self) -> Option<(f64, f64)> {
        let mut rps = 0.0;
        let mut p95 = 0.0_f64;
        let mut any = false;
        for t in self.targets.iter().filter(|t| !t.finished) {
            let Some(last) = t.points.back() else {
                continue;
            };
            any = true;
            for r in &last.routes {
                rps += r.requests as f64 / last.interval_s.max(1e-3);
                p95 = p95.max(r.p95_ms);
            }
        }
        any.then_some((rps, p95))
    }
}
