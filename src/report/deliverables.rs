//! The runbook's own deliverables in the pack: each stage with what it was meant to deliver
//! and whether its checks say it did, what was checked by hand once against what keeps
//! being checked automatically (and the commands that do it), what changed between the
//! first and the last run of each automated check, and the deploy and rollback answers
//! wherever the runbook asks for them.
//!
//! Everything here is read from the runbook and the session's check states (statuses,
//! answers, notes and the run history), never from evidence, so each statement follows
//! the state the operator and the engine left.

use launch_ready_core::clean::{clean, clean_line};
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::runbook::{Run, Runbook};
use launch_ready_core::session::Session;
use serde::Serialize;

/// The deliverables part of the pack.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Deliverables {
    pub stages: Vec<StageRow>,
    pub coverage: Coverage,
    pub changes: Vec<ChangeRow>,
    /// Checks about deploying and rolling back, from any stage, with their answers.
    pub deploy_rollback: Vec<AnswerRow>,
}

/// One stage of the runbook and how far the sprint got with it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StageRow {
    pub title: String,
    pub goal: String,
    /// Sprint hours, as `0–6 h`.
    pub hours: String,
    /// What the runbook says the stage delivers.
    pub deliverables: Vec<String>,
    /// `delivered` (every check done), `in progress` (some run or answered) or `not
    /// started`.
    pub state: String,
    pub checks_done: usize,
    pub checks_total: usize,
    /// Titles of the checks not done yet, with their status.
    pub open: Vec<String>,
}

/// What was checked once by hand and what is checked automatically.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Coverage {
    pub by_hand: Vec<AnswerRow>,
    pub automatic: Vec<AutoRow>,
    /// Commands that repeat the automatic checks after the sprint.
    pub commands: Vec<String>,
}

/// A check answered (or not) by the operator.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnswerRow {
    pub check: String,
    pub stage: String,
    /// The answer as a word: `yes` (pass), `no` (fail), `blocked`, `not applicable`,
    /// `not answered`; for an automated check, its last status.
    pub answer: String,
    pub note: String,
}

/// An automated check and its last result.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AutoRow {
    pub check: String,
    pub stage: String,
    pub kind: String,
    /// `pass`, `warn`, `fail`, … or `never run`.
    pub last: String,
    pub runs: usize,
}

/// An automated check's first and last run of the sprint.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChangeRow {
    pub check: String,
    pub first: String,
    pub first_findings: usize,
    pub last: String,
    pub last_findings: usize,
    pub runs: usize,
    /// `fixed`, `better`, `worse`, `unchanged` or `run once`.
    pub change: String,
}

/// The answer word of a manual check's status.
fn answer(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "yes",
        CheckStatus::Warn => "yes, with reservations",
        CheckStatus::Fail => "no",
        CheckStatus::Blocked => "blocked",
        CheckStatus::Skipped => "not applicable",
        CheckStatus::Error => "could not be answered",
        CheckStatus::Todo | CheckStatus::Running => "not answered",
    }
}

/// The words for a run's status in the change table.
fn status_word(status: CheckStatus) -> String {
    status.as_str().to_string()
}

/// Whether the check is about deploying or rolling back: by its title (a stage id such as
/// `deploy-` in every check id of a stage says nothing), or a rollback in its id.
fn about_deploy(id: &str, title: &str) -> bool {
    let title = title.to_ascii_lowercase();
    id.contains("rollback")
        || ["rollback", "roll back", "deploy", "release"]
            .iter()
            .any(|w| title.contains(w))
}

pub fn build(runbook: &Runbook, session: &Session) -> Deliverables {
    let state = |id: &str| session.checks.get(id);
    let status = |id: &str| state(id).map_or(CheckStatus::Todo, |s| s.status);
    let note = |id: &str| state(id).map(|s| clean(s.note.trim())).unwrap_or_default();

    let stages = runbook
        .stages
        .iter()
        .map(|stage| {
            let total = stage.checks.len();
            let done = stage
                .checks
                .iter()
                .filter(|c| status(&c.id).is_done())
                .count();
            let open = stage
                .checks
                .iter()
                .filter(|c| !status(&c.id).is_done())
                .map(|c| format!("{} ({})", c.title, status(&c.id)))
                .collect();
            // Started once any check was run or answered, passing or not.
            let started = stage
                .checks
                .iter()
                .any(|c| status(&c.id) != CheckStatus::Todo);
            let state = if total > 0 && done == total {
                "delivered"
            } else if started {
                "in progress"
            } else {
                "not started"
            };
            StageRow {
                title: stage.title.clone(),
                goal: stage.goal.clone(),
                hours: format!("{}–{} h", stage.hours.0, stage.hours.1),
                deliverables: stage.deliverables.clone(),
                state: state.to_string(),
                checks_done: done,
                checks_total: total,
                open,
            }
        })
        .collect();

    let mut by_hand = Vec::new();
    let mut automatic = Vec::new();
    let mut changes = Vec::new();
    let mut deploy_rollback = Vec::new();
    for (i, check) in runbook.checks() {
        let stage = runbook.stages[i].title.clone();
        let st = status(&check.id);
        match &check.run {
            Run::Manual { .. } => by_hand.push(AnswerRow {
                check: check.title.clone(),
                stage: stage.clone(),
                answer: answer(st).to_string(),
                note: note(&check.id),
            }),
            Run::Auto { kind, .. } => {
                let history = state(&check.id).map_or(&[][..], |s| s.evidence.as_slice());
                automatic.push(AutoRow {
                    check: check.title.clone(),
                    stage: stage.clone(),
                    kind: kind.0.name.to_string(),
                    last: history
                        .first()
                        .map_or_else(|| "never run".to_string(), |e| status_word(e.status)),
                    runs: history.len(),
                });
                // History is newest first.
                if let (Some(last), Some(first)) = (history.first(), history.last()) {
                    let count = |e: &launch_ready_core::session::model::Evidence| {
                        e.findings()
                            .filter(|f| {
                                f.severity
                                    .at_least(launch_ready_core::finding::Severity::Low)
                            })
                            .count()
                    };
                    let (fa, la) = (count(first), count(last));
                    let change = if history.len() == 1 {
                        "run once"
                    } else if !first.status.is_done() && last.status.is_done() {
                        "fixed"
                    } else if first.status.is_done() && !last.status.is_done() {
                        "worse"
                    } else if la < fa {
                        "better"
                    } else if la > fa {
                        "worse"
                    } else {
                        "unchanged"
                    };
                    changes.push(ChangeRow {
                        check: check.title.clone(),
                        first: status_word(first.status),
                        first_findings: fa,
                        last: status_word(last.status),
                        last_findings: la,
                        runs: history.len(),
                        change: change.to_string(),
                    });
                }
            }
        }
        if about_deploy(&check.id, &check.title) {
            deploy_rollback.push(AnswerRow {
                check: check.title.clone(),
                stage,
                answer: match check.run {
                    Run::Manual { .. } => answer(st).to_string(),
                    Run::Auto { .. } => status_word(st),
                },
                note: note(&check.id),
            });
        }
    }
    let name = clean_line(&session.name);
    let commands = vec![
        format!("launch-ready check --session {name} --fail-on high"),
        format!("launch-ready monitor --session {name}"),
    ];
    Deliverables {
        stages,
        coverage: Coverage {
            by_hand,
            automatic,
            commands,
        },
        changes,
        deploy_rollback,
    }
}
