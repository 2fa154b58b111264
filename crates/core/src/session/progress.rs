//! How far a session is through its runbook: checks done per stage and overall.

use super::Session;
use crate::runbook::model::Runbook;

/// Share of checks done (pass, warn, skipped) in each stage: `(done, total)`.
pub fn stage_progress(runbook: &Runbook, session: &Session) -> Vec<(usize, usize)> {
    runbook
        .stages
        .iter()
        .map(|s| {
            let done = s
                .checks
                .iter()
                .filter(|c| session.status(&c.id).is_done())
                .count();
            (done, s.checks.len())
        })
        .collect()
}

/// Overall `(done, total)`.
pub fn progress(runbook: &Runbook, session: &Session) -> (usize, usize) {
    stage_progress(runbook, session)
        .into_iter()
        .fold((0, 0), |(d, t), (sd, st)| (d + sd, t + st))
}
