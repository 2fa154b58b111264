//! Keys that act on the checklist's checks (statuses, skip, note, severity, runs) and the
//! engine's reports on those runs. Kept apart from `update` because these are the only
//! transitions that start or finish work outside the process: a run's lifetime (started,
//! progress, finished, cancelled) is tracked here, with the tally that tells the operator
//! how a batch of runs ended once the last one is in.

use super::edit::{changed, journal, refuse_in_presenter};
use super::effect::Effect;
use super::msg::Action;
use super::state::{App, Modal, Prompt, PromptPurpose};
use launch_ready_checks::engine::EngineEvent;
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::runbook::{Check, Run};
use launch_ready_core::session::model::JournalKind;

pub(super) fn on_check_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::RunAll => {
            let checks: Vec<Check> = app.runbook.checks().map(|(_, c)| c.clone()).collect();
            run(app, &checks, "the runbook", Skipped::Keep, fx);
            return;
        }
        Action::RunStage => {
            let checks = app.stage().map(|s| s.checks.clone()).unwrap_or_default();
            run(app, &checks, "this stage", Skipped::Keep, fx);
            return;
        }
        _ => {}
    }
    let Some(check) = app.selected_check().cloned() else {
        return;
    };
    match action {
        Action::SetStatus(status) => set_status(app, &check, status, None, fx),
        Action::Skip => {
            let reason = app
                .session
                .state(&check.id)
                .and_then(|s| s.skip_reason.clone())
                .unwrap_or_default();
            app.modal = Some(Modal::Prompt(Prompt::new(
                PromptPurpose::SkipReason { check_id: check.id },
                &reason,
            )));
        }
        Action::EditNote | Action::Edit | Action::Confirm => {
            if refuse_in_presenter(app, "the note editor") {
                return;
            }
            let note = app
                .session
                .state(&check.id)
                .map(|s| s.note.clone())
                .unwrap_or_default();
            let editor = super::edit::editor(&note);
            app.modal = Some(Modal::Note {
                check_id: check.id,
                editor,
                original: note,
            });
        }
        Action::Run => {
            if let Run::Manual { .. } = check.run {
                app.status = Some("a manual check: answer it with p, w, f, b or s".into());
            } else {
                run(
                    app,
                    std::slice::from_ref(&check),
                    "this check",
                    Skipped::Run,
                    fx,
                );
            }
        }
        Action::Cancel => {
            if app.running.contains(&check.id) {
                fx.push(Effect::Cancel(Some(check.id)));
            } else {
                app.status = Some(format!("{} is not running", check.title));
            }
        }
        Action::Severity => {
            let current = app
                .session
                .state(&check.id)
                .and_then(|s| s.severity_override);
            let selected = current
                .and_then(|c| {
                    launch_ready_core::finding::Severity::ALL
                        .iter()
                        .position(|s| *s == c)
                })
                .map_or(0, |i| i + 1);
            app.modal = Some(Modal::Severity {
                check_id: check.id,
                selected,
            });
        }
        _ => {}
    }
}

/// Sets a check's status by hand. A running check must be cancelled first so a late result
/// cannot silently overwrite the operator's answer.
pub(super) fn set_status(
    app: &mut App,
    check: &Check,
    status: CheckStatus,
    skip_reason: Option<String>,
    fx: &mut Vec<Effect>,
) {
    if app.running.contains(&check.id) {
        app.status = Some(format!("{} is running: c cancels it first", check.title));
        return;
    }
    if matches!(check.run, Run::Auto { .. })
        && super::update_risks::ask_before_passing(app, &check.id, status)
    {
        return;
    }
    apply_status(app, check, status, skip_reason, fx);
}

/// Sets a check's status and journals the change, with no question asked.
pub(super) fn apply_status(
    app: &mut App,
    check: &Check,
    status: CheckStatus,
    skip_reason: Option<String>,
    fx: &mut Vec<Effect>,
) {
    let now = app.now;
    let state = app.session.state_mut(&check.id);
    let before = state.status;
    state.status = status;
    let reason = skip_reason
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    state.skip_reason = skip_reason;
    state.updated_at = Some(now);
    app.status = Some(format!("{}: {status}", check.title));
    changed(app, fx);
    if before != status {
        let text = format!("{}: {before} → {status}{reason}", check.title);
        journal(app, JournalKind::Status, &check.title, text, fx);
    }
}

/// Whether a batch run (`R`, `A`) leaves a check alone: the operator skipped it with a
/// reason, and only an explicit `r` on that check overrides that answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Skipped {
    Keep,
    Run,
}

/// Starts every runnable automated check among `checks`, reporting what could not start.
fn run(app: &mut App, checks: &[Check], what: &str, skipped: Skipped, fx: &mut Vec<Effect>) {
    let mut jobs = Vec::new();
    let mut unavailable = Vec::new();
    let mut sends_load = Vec::new();
    let mut load_checks = Vec::new();
    let mut kept = 0;
    for check in checks {
        if skipped == Skipped::Keep
            && matches!(check.run, Run::Auto { .. })
            && app.session.status(&check.id) == CheckStatus::Skipped
        {
            kept += 1;
            continue;
        }
        match launch_ready_checks::plan::job_for(check) {
            Some(Ok(job)) => jobs.push(job),
            // Built but sending load (or a burst, an upload): it starts only after the
            // confirmation dialog.
            Some(Err(kind)) if kind.profile.built && kind.profile.confirm => {
                sends_load.push(kind.name);
                if !app.running.contains(&check.id) {
                    load_checks.push(check.clone());
                }
            }
            Some(Err(kind)) => unavailable.push(kind.name),
            None => {}
        }
    }
    sends_load.sort_unstable();
    sends_load.dedup();
    unavailable.sort_unstable();
    unavailable.dedup();
    let mut message = match (jobs.len(), unavailable.is_empty()) {
        (0, true) if kept == 0 => format!("{what} has no automated checks"),
        (0, true) => "nothing to run".to_string(),
        (0, false) => format!(
            "not available yet in this build: {} — answer by hand with p, w, f, b or s",
            unavailable.join(", ")
        ),
        (n, true) => format!("started {n} check(s)"),
        (n, false) => format!(
            "started {n} check(s); not available yet: {}",
            unavailable.join(", ")
        ),
    };
    if kept > 0 {
        message.push_str(&format!(
            "; {kept} skipped check(s) left alone (r runs one)"
        ));
    }
    if !sends_load.is_empty() {
        let asking = format!("{} sends load: asking first", sends_load.join(", "));
        if jobs.is_empty() && unavailable.is_empty() && kept == 0 {
            message = asking;
        } else {
            message.push_str(&format!("; {asking}"));
        }
    }
    app.status = Some(message);
    super::load_run::ask(app, &load_checks);
    if !jobs.is_empty() {
        if app.running.is_empty() {
            app.batch.clear();
        }
        let scope = launch_ready_checks::plan::scope(
            &app.session.name,
            app.session.targets.clone(),
            app.session.network.clone(),
            app.runbook.targets.clone(),
        );
        fx.push(Effect::RunChecks { jobs, scope });
    }
}

pub(super) fn on_engine(app: &mut App, event: EngineEvent, fx: &mut Vec<Effect>) {
    match event {
        EngineEvent::Started { check_id } => {
            let before = app.session.status(&check_id);
            if app.running.insert(check_id.clone()) {
                app.previous.insert(check_id.clone(), before);
            }
            app.session.state_mut(&check_id).status = CheckStatus::Running;
            changed(app, fx);
        }
        EngineEvent::Progress { check_id, message } => {
            if app.running.contains(&check_id) {
                app.progress.insert(check_id, message);
            }
        }
        EngineEvent::LoadSample {
            check_id,
            target,
            snapshot,
        } => super::load_run::on_sample(app, check_id, target, *snapshot),
        EngineEvent::Finished { check_id, evidence } => {
            super::load_run::on_ended(app, &check_id);
            app.running.remove(&check_id);
            app.previous.remove(&check_id);
            app.progress.remove(&check_id);
            let now = app.now;
            app.batch.push(evidence.status);
            let single = format!("{check_id}: {} — {}", evidence.status, evidence.summary);
            app.session.state_mut(&check_id).record(evidence, now);
            changed(app, fx);
            if app.running.is_empty() {
                let summary = batch_summary(&app.batch);
                app.status = Some(summary.clone());
                // One entry per run the operator started, not one per result.
                let text = if app.batch.len() == 1 {
                    let title = app
                        .runbook
                        .check(&check_id)
                        .map_or(check_id.clone(), |(_, c)| c.title.clone());
                    single.replacen(&check_id, &title, 1)
                } else {
                    summary
                };
                journal(app, JournalKind::Run, "", text, fx);
            }
        }
        EngineEvent::Cancelled { check_id } => {
            super::load_run::on_ended(app, &check_id);
            app.running.remove(&check_id);
            app.progress.remove(&check_id);
            let back = app.previous.remove(&check_id).unwrap_or_else(|| {
                app.session
                    .state(&check_id)
                    .and_then(|s| s.latest())
                    .map_or(CheckStatus::Todo, |e| e.status)
            });
            app.session.state_mut(&check_id).status = back;
            app.status = Some(cancelled_message(app, &check_id));
            changed(app, fx);
        }
    }
}

/// How the runs since the running set was last empty ended, worst outcomes first.
fn batch_summary(batch: &[CheckStatus]) -> String {
    let order = [
        CheckStatus::Fail,
        CheckStatus::Error,
        CheckStatus::Warn,
        CheckStatus::Pass,
        CheckStatus::Skipped,
    ];
    let counts: Vec<String> = order
        .iter()
        .map(|s| (s, batch.iter().filter(|b| *b == s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    if counts.is_empty() {
        format!("{} run(s) finished", batch.len())
    } else {
        format!("{} run(s) finished: {}", batch.len(), counts.join(", "))
    }
}

/// The status line after a run reports cancelled (`running` no longer holds it): the
/// check's id for a single `c`, a running count during `C` and the total once it is done.
fn cancelled_message(app: &mut App, check_id: &str) -> String {
    let Some(done) = app.cancel_all.as_mut() else {
        return format!("{check_id}: run cancelled");
    };
    *done += 1;
    let done = *done;
    if app.running.is_empty() {
        app.cancel_all = None;
        format!("{done} run(s) cancelled")
    } else {
        format!(
            "cancelling: {done} of {} run(s) cancelled",
            done + app.running.len()
        )
    }
}
