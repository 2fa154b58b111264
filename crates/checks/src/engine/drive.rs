//! Driving a batch of jobs to their end: what every caller that is not the TUI (headless
//! `check`, the report's "run everything", tests) needs from the engine's event stream.
//! The TUI keeps its own loop, as it redraws between events.

use super::EngineEvent;
use launch_ready_core::session::model::Evidence;
use std::collections::BTreeSet;
use tokio::sync::mpsc::UnboundedReceiver;

/// How one job ended.
#[derive(Debug)]
pub enum Ended {
    Finished(Evidence),
    /// Cancelled before it completed; nothing to record.
    Cancelled,
}

/// Receives `events` until every job in `waiting` has ended (or the engine closed),
/// handing each end to `on_end` with the number of jobs ended so far, in the order they
/// end. Progress and load samples are dropped: these callers report per job, not per
/// line. Returns the ids that never ended (the engine closed first).
pub async fn to_end(
    events: &mut UnboundedReceiver<EngineEvent>,
    mut waiting: BTreeSet<String>,
    mut on_end: impl FnMut(String, Ended, usize),
) -> BTreeSet<String> {
    let mut ended = 0;
    while !waiting.is_empty() {
        let (check_id, end) = match events.recv().await {
            Some(EngineEvent::Finished { check_id, evidence }) => {
                (check_id, Ended::Finished(evidence))
            }
            Some(EngineEvent::Cancelled { check_id }) => (check_id, Ended::Cancelled),
            Some(
                EngineEvent::Started { .. }
                | EngineEvent::Progress { .. }
                | EngineEvent::LoadSample { .. },
            ) => continue,
            None => break,
        };
        if waiting.remove(&check_id) {
            ended += 1;
            on_end(check_id, end, ended);
        }
    }
    waiting
}
