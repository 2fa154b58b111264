//! How far a session is through its runbook: checks done per stage and overall, and
//! whether the audit has overrun the time box the runbook gives it.

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

/// The audit stage running past the runbook's time box (`audit_hours`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditOverrun {
    /// The runbook's time box, in hours.
    pub box_hours: u32,
    /// Sprint time gone, in started hours (2h01m is 3).
    pub elapsed_hours: i64,
    /// Checks of the audit stage not done yet.
    pub open: usize,
}

impl AuditOverrun {
    /// The warning as the footer and the timeline say it.
    pub fn message(&self) -> String {
        format!(
            "the audit is past its {} h time box (sprint hour {}, {} check(s) open)",
            self.box_hours, self.elapsed_hours, self.open
        )
    }
}

/// Whether the audit stage (`audit`, else the first stage) has overrun the runbook's
/// `audit_hours` at `now`: sprint time past the box with some of its checks not done.
pub fn audit_overrun(
    runbook: &Runbook,
    session: &Session,
    now: time::OffsetDateTime,
) -> Option<AuditOverrun> {
    let box_hours = runbook.targets.audit_hours?;
    let index = runbook.stage_index("audit").unwrap_or(0);
    let (done, total) = *stage_progress(runbook, session).get(index)?;
    let gone = super::clock::elapsed(session.sprint_start, &session.pauses, now);
    if gone <= time::Duration::hours(i64::from(box_hours)) || done == total {
        return None;
    }
    let started = gone.whole_hours() + i64::from(gone.whole_seconds() % 3600 != 0);
    Some(AuditOverrun {
        box_hours,
        elapsed_hours: started,
        open: total - done,
    })
}
