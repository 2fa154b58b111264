//! Runs every automated check of a session to completion, headless, and records the
//! results into the session as the TUI does: what `demo --report` needs before it writes
//! the pack. The jobs come from the one planner (`plan::jobs`), so the checks run here are
//! the ones the TUI's "run all" starts.

use launch_ready_checks::engine::drive::{self, Ended};
use launch_ready_checks::engine::{Engine, Scope};
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::runbook::Runbook;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{JournalEntry, JournalKind};
use std::collections::BTreeSet;
use std::sync::Arc;
use time::OffsetDateTime;

/// What a run did: jobs finished, and checks this build cannot run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub finished: usize,
    pub cancelled: usize,
    pub unavailable: Vec<String>,
}

/// Runs every automated check of `runbook` against `session`'s targets and records each
/// result in `session`. `confirmed` lets checks that send load run (the caller asked the
/// operator, or the targets are the tool's own lab). `progress` gets one line per job as it
/// ends (`[3/28] dns-records: pass`). Must run inside a tokio runtime.
pub async fn run_all(
    runbook: &Runbook,
    session: &mut Session,
    confirmed: bool,
    progress: &dyn Fn(&str),
) -> RunSummary {
    let planned = launch_ready_checks::plan::jobs(runbook.checks().map(|(_, c)| c), confirmed);
    let mut scope = Scope::new(
        session.targets.clone(),
        session.network.clone(),
        runbook.targets.clone(),
    );
    let needs_keyring = !session.targets.routes().is_empty()
        || session.targets.routes.iter().any(|r| r.auth.is_some());
    if needs_keyring && let Ok(store) = crate::credentials::os_store() {
        scope = scope.with_credentials(launch_ready_checks::credentials::Credentials::new(
            store,
            Some(session.name.clone()),
        ));
    }
    let scope = Arc::new(scope);
    let (engine, mut events) = Engine::new();
    let mut waiting: BTreeSet<String> = BTreeSet::new();
    for job in planned.jobs {
        // A runbook may name the same check id once only; the set guards the count.
        waiting.insert(job.check_id.clone());
        engine.run(job, scope.clone());
    }
    let mut summary = RunSummary {
        unavailable: planned
            .unavailable
            .iter()
            .map(|(id, _)| id.clone())
            .collect(),
        ..RunSummary::default()
    };
    let total = waiting.len();
    drive::to_end(&mut events, waiting, |check_id, end, n| match end {
        Ended::Finished(evidence) => {
            summary.finished += 1;
            progress(&format!(
                "[{n}/{total}] {check_id}: {}",
                evidence.status.as_str()
            ));
            session
                .state_mut(&check_id)
                .record(evidence, OffsetDateTime::now_utc());
        }
        Ended::Cancelled => {
            summary.cancelled += 1;
            progress(&format!("[{n}/{total}] {check_id}: cancelled"));
        }
    })
    .await;
    let now = OffsetDateTime::now_utc();
    let failed = session
        .checks
        .values()
        .filter(|s| s.status == CheckStatus::Fail)
        .count();
    session.journal.push(JournalEntry {
        at: now,
        text: format!(
            "ran {} automated check(s) headless; {failed} failed",
            summary.finished
        ),
        kind: JournalKind::Run,
    });
    session.updated_at = now;
    summary
}
