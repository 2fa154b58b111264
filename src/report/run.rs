//! Runs every automated check of a session to completion, headless, and records the
//! results into the session as the TUI does: what `demo --report` needs before it writes
//! the pack. The jobs come from the one planner (`plan::jobs`), so the checks run here are
//! the ones the TUI's "run all" starts.

use launch_ready_checks::engine::{Engine, EngineEvent, Scope};
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
/// operator, or the targets are the tool's own lab). Must run inside a tokio runtime.
pub async fn run_all(runbook: &Runbook, session: &mut Session, confirmed: bool) -> RunSummary {
    let planned = launch_ready_checks::plan::jobs(runbook.checks().map(|(_, c)| c), confirmed);
    let mut scope = Scope::new(
        session.targets.clone(),
        session.network.clone(),
        runbook.targets.clone(),
    );
    let needs_keyring = session.targets.alert_route.is_some()
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
    while !waiting.is_empty() {
        match events.recv().await {
            Some(EngineEvent::Finished { check_id, evidence }) => {
                waiting.remove(&check_id);
                summary.finished += 1;
                let now = OffsetDateTime::now_utc();
                let state = session.state_mut(&check_id);
                state.status = evidence.status;
                state.skip_reason = None;
                state.updated_at = Some(now);
                state.push_evidence(evidence);
            }
            Some(EngineEvent::Cancelled { check_id }) => {
                waiting.remove(&check_id);
                summary.cancelled += 1;
            }
            Some(
                EngineEvent::Started { .. }
                | EngineEvent::Progress { .. }
                | EngineEvent::LoadSample { .. },
            ) => {}
            None => break,
        }
    }
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
