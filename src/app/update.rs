//! The pure transition `update(&mut App, Msg) -> Vec<Effect>`: no IO, no awaits, no clock
//! reads (time arrives with `Msg::Tick`). Keys with no modal open are handled here; keys
//! aimed at an open modal go to `update_modal`. Every change to the session bumps its
//! `updated_at` and asks for one save per message.

use super::effect::Effect;
use super::msg::{Action, Msg};
use super::state::{
    App, CredentialsForm, Focus, KeyringState, Modal, Prompt, PromptPurpose, SCREENS,
};
use super::targets;
use super::update_modal;
use crate::engine::{self, EngineEvent, Job, Scope};
use crate::finding::CheckStatus;
use crate::runbook::{Check, Run};
use crate::session::model::Screen;
use crate::verdict;
use ratatui_textarea::TextArea;
use std::sync::Arc;

/// Applies one message to the model and returns what the outside world must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        // Quitting from an editor keeps what was typed: commit first, then leave.
        Msg::Action(Action::Quit)
            if matches!(app.modal, Some(Modal::Note { .. } | Modal::Journal { .. })) =>
        {
            update_modal::action(app, Action::Close, &mut fx);
            on_action(app, Action::Quit, &mut fx);
        }
        Msg::Action(action) if app.modal.is_some() => update_modal::action(app, action, &mut fx),
        Msg::Action(action) => on_action(app, action, &mut fx),
        Msg::Text(input) => update_modal::text(app, input),
        Msg::SelectStage(i) if app.modal.is_none() && i < app.runbook.stages.len() => {
            app.focus = Focus::Stages;
            select_stage(app, i, &mut fx);
        }
        Msg::SelectCheck(i)
            if app.modal.is_none() && app.stage().is_some_and(|s| i < s.checks.len()) =>
        {
            app.focus = Focus::Checks;
            select_check(app, i, &mut fx);
        }
        Msg::SelectTargetRow(i) if app.modal.is_none() => {
            app.target_row = i.min(targets::rows(&app.session).len().saturating_sub(1));
        }
        Msg::ScrollDetail(delta) => {
            app.detail_scroll = clamp_add(usize::from(app.detail_scroll), delta)
                .try_into()
                .unwrap_or(u16::MAX);
        }
        Msg::ScrollList(delta) => scroll_list(app, delta, &mut fx),
        Msg::Engine(event) => on_engine(app, event, &mut fx),
        Msg::Tick(now) => {
            app.now = now;
            if !app.running.is_empty() {
                app.spinner = app.spinner.wrapping_add(1);
            }
        }
        Msg::Saved(status) => app.save = status,
        Msg::Keyring(result) => {
            if let Some(Modal::Credentials(form)) = &mut app.modal {
                form.keyring = match result {
                    Ok(backend) => KeyringState::Available { backend },
                    Err(why) => KeyringState::Unavailable(why),
                };
            }
        }
        Msg::CredentialDone {
            name,
            stored,
            result,
        } => on_credential_done(app, name, stored, result, &mut fx),
        Msg::Resize(w, h) => app.size = (w, h),
        Msg::SelectStage(_) | Msg::SelectCheck(_) | Msg::SelectTargetRow(_) => {}
    }
    fx
}

/// Marks the session changed: bumps `updated_at` and queues one save for this message.
pub(super) fn changed(app: &mut App, fx: &mut Vec<Effect>) {
    app.session.updated_at = app.now;
    fx.retain(|e| !matches!(e, Effect::Save(_)));
    fx.push(Effect::Save(Box::new(app.session.clone())));
}

fn clamp_add(value: usize, delta: i32) -> usize {
    let d = usize::try_from(delta.unsigned_abs()).unwrap_or(usize::MAX);
    if delta < 0 {
        value.saturating_sub(d)
    } else {
        value.saturating_add(d)
    }
}

fn step(value: usize, delta: i32, len: usize) -> usize {
    clamp_add(value, delta).min(len.saturating_sub(1))
}

fn select_stage(app: &mut App, i: usize, fx: &mut Vec<Effect>) {
    if app.session.ui.stage != i {
        app.session.ui.stage = i;
        app.session.ui.check = 0;
        app.detail_scroll = 0;
        changed(app, fx);
    }
}

fn select_check(app: &mut App, i: usize, fx: &mut Vec<Effect>) {
    if app.session.ui.check != i {
        app.session.ui.check = i;
        app.detail_scroll = 0;
        changed(app, fx);
    }
}

fn set_screen(app: &mut App, screen: Screen, fx: &mut Vec<Effect>) {
    if app.session.ui.screen != screen {
        app.session.ui.screen = screen;
        app.list_scroll = 0;
        changed(app, fx);
    }
}

fn scroll_list(app: &mut App, delta: i32, fx: &mut Vec<Effect>) {
    match app.screen() {
        Screen::Checklist => move_vertical(app, delta, fx),
        Screen::Targets => {
            let len = targets::rows(&app.session).len();
            app.target_row = step(app.target_row, delta, len);
        }
        Screen::Timeline | Screen::Risks | Screen::Monitor => {
            app.list_scroll = clamp_add(app.list_scroll, delta);
        }
    }
}

fn move_vertical(app: &mut App, delta: i32, fx: &mut Vec<Effect>) {
    match app.focus {
        Focus::Stages => {
            let i = step(app.stage_index(), delta, app.runbook.stages.len());
            select_stage(app, i, fx);
        }
        Focus::Checks => {
            let len = app.stage().map_or(0, |s| s.checks.len());
            let i = step(app.check_index(), delta, len);
            select_check(app, i, fx);
        }
    }
}

fn on_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let screen = app.screen();
    match action {
        Action::Quit => {
            app.quitting = true;
            fx.push(Effect::Quit);
        }
        Action::Help => app.modal = Some(Modal::Help { scroll: 0 }),
        Action::Presenter => {
            app.session.ui.presenter = !app.session.ui.presenter;
            app.status = Some(if app.presenter() {
                "presenter mode: sensitive notes and evidence are hidden".into()
            } else {
                "presenter mode off".into()
            });
            changed(app, fx);
        }
        Action::Journal => {
            if refuse_in_presenter(app, "the journal") {
                return;
            }
            let mut editor = TextArea::default();
            editor.set_placeholder_text("What happened? Esc adds the entry, Ctrl-X discards.");
            app.modal = Some(Modal::Journal { editor });
        }
        Action::Credentials => {
            if refuse_in_presenter(app, "the credentials form") {
                return;
            }
            app.modal = Some(Modal::Credentials(CredentialsForm {
                keyring: KeyringState::Checking,
                selected: 0,
                entry: None,
            }));
            fx.push(Effect::ProbeKeyring);
        }
        Action::Screen(s) => set_screen(app, s, fx),
        Action::NextScreen | Action::PrevScreen => {
            let i = SCREENS.iter().position(|s| *s == screen).unwrap_or(0);
            let n = SCREENS.len();
            let next = if action == Action::NextScreen {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            set_screen(app, SCREENS[next], fx);
        }
        Action::Up | Action::Down => {
            let delta = if action == Action::Up { -1 } else { 1 };
            scroll_list(app, delta, fx);
        }
        Action::Left => app.focus = Focus::Stages,
        Action::Right => app.focus = Focus::Checks,
        Action::ToggleFocus => {
            app.focus = match app.focus {
                Focus::Stages => Focus::Checks,
                Focus::Checks => Focus::Stages,
            };
        }
        Action::PageUp | Action::PageDown => {
            let delta = if action == Action::PageUp { -10 } else { 10 };
            if screen == Screen::Checklist {
                app.detail_scroll = clamp_add(usize::from(app.detail_scroll), delta)
                    .try_into()
                    .unwrap_or(u16::MAX);
            } else {
                scroll_list(app, delta, fx);
            }
        }
        Action::Decide if screen == Screen::Risks => {
            let verdict = verdict::assess(&app.runbook, &app.session, app.now).verdict;
            app.modal = Some(Modal::Prompt(Prompt::new(
                PromptPurpose::Decision { verdict },
                "",
            )));
        }
        Action::Edit | Action::Add | Action::Delete if screen == Screen::Targets => {
            on_targets_action(app, action, fx);
        }
        _ if screen == Screen::Checklist => on_check_action(app, action, fx),
        _ => {}
    }
}

fn refuse_in_presenter(app: &mut App, what: &str) -> bool {
    if app.presenter() {
        app.status = Some(format!(
            "{what} stays closed in presenter mode (P leaves it)"
        ));
    }
    app.presenter()
}

fn on_targets_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let rows = targets::rows(&app.session);
    let Some(&field) = rows.get(app.target_row) else {
        return;
    };
    match action {
        Action::Edit => {
            let current = targets::value(&app.session, field);
            app.modal = Some(Modal::Prompt(Prompt::new(
                PromptPurpose::Target { field },
                &current,
            )));
        }
        Action::Add => match field.add_row() {
            Some(add) => {
                app.modal = Some(Modal::Prompt(Prompt::new(
                    PromptPurpose::Target { field: add },
                    "",
                )));
            }
            None => {
                app.status = Some(format!(
                    "{} is a single value: Enter edits it",
                    field.label()
                ));
            }
        },
        _ => {
            if targets::remove(&mut app.session, field) {
                app.status = Some(format!("{} removed", field.label()));
                app.target_row = app
                    .target_row
                    .min(targets::rows(&app.session).len().saturating_sub(1));
                changed(app, fx);
            } else {
                app.status = Some(format!(
                    "{} cannot be removed; Enter edits it",
                    field.label()
                ));
            }
        }
    }
}

fn on_check_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::RunAll => {
            let checks: Vec<Check> = app.runbook.checks().map(|(_, c)| c.clone()).collect();
            run(app, &checks, "the runbook", fx);
            return;
        }
        Action::RunStage => {
            let checks = app.stage().map(|s| s.checks.clone()).unwrap_or_default();
            run(app, &checks, "this stage", fx);
            return;
        }
        Action::CancelAll => {
            if app.running.is_empty() {
                app.status = Some("nothing is running".into());
            } else {
                fx.push(Effect::Cancel(None));
            }
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
            let mut editor = TextArea::new(note.split('\n').map(str::to_string).collect());
            editor.move_cursor(ratatui_textarea::CursorMove::Bottom);
            editor.move_cursor(ratatui_textarea::CursorMove::End);
            app.modal = Some(Modal::Note {
                check_id: check.id,
                editor,
            });
        }
        Action::Run => {
            if let Run::Manual { .. } = check.run {
                app.status = Some("a manual check: answer it with p, w, f, b or s".into());
            } else {
                run(app, std::slice::from_ref(&check), "this check", fx);
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
                .and_then(|c| crate::finding::Severity::ALL.iter().position(|s| *s == c))
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
    let now = app.now;
    let state = app.session.state_mut(&check.id);
    state.status = status;
    state.skip_reason = skip_reason;
    state.updated_at = Some(now);
    app.status = Some(format!("{}: {status}", check.title));
    changed(app, fx);
}

/// Starts every runnable automated check among `checks`, reporting what could not start.
fn run(app: &mut App, checks: &[Check], what: &str, fx: &mut Vec<Effect>) {
    let mut jobs = Vec::new();
    let mut unavailable = Vec::new();
    for check in checks {
        if let Run::Auto {
            kind,
            severity,
            params,
        } = &check.run
        {
            if engine::is_available(kind.0) {
                jobs.push(Job {
                    check_id: check.id.clone(),
                    kind: kind.0,
                    severity: severity.clone(),
                    params: params.clone(),
                });
            } else {
                unavailable.push(kind.0.name);
            }
        }
    }
    unavailable.dedup();
    app.status = Some(match (jobs.len(), unavailable.is_empty()) {
        (0, true) => format!("{what} has no automated checks"),
        (0, false) => format!(
            "not available yet in this build: {} — answer by hand with p, w, f, b or s",
            unavailable.join(", ")
        ),
        (n, true) => format!("running {n} check(s)"),
        (n, false) => format!(
            "running {n} check(s); not available yet: {}",
            unavailable.join(", ")
        ),
    });
    if !jobs.is_empty() {
        let scope = Arc::new(Scope {
            targets: app.session.targets.clone(),
            network: app.session.network.clone(),
            thresholds: app.runbook.targets.clone(),
        });
        fx.push(Effect::RunChecks { jobs, scope });
    }
}

fn on_engine(app: &mut App, event: EngineEvent, fx: &mut Vec<Effect>) {
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
        EngineEvent::Finished { check_id, evidence } => {
            app.running.remove(&check_id);
            app.previous.remove(&check_id);
            app.progress.remove(&check_id);
            let now = app.now;
            let state = app.session.state_mut(&check_id);
            state.status = evidence.status;
            state.skip_reason = None;
            state.updated_at = Some(now);
            state.push_evidence(evidence);
            changed(app, fx);
        }
        EngineEvent::Cancelled { check_id } => {
            app.running.remove(&check_id);
            app.progress.remove(&check_id);
            let back = app.previous.remove(&check_id).unwrap_or_else(|| {
                app.session
                    .state(&check_id)
                    .and_then(|s| s.latest())
                    .map_or(CheckStatus::Todo, |e| e.status)
            });
            app.session.state_mut(&check_id).status = back;
            app.status = Some(format!("{check_id}: run cancelled"));
            changed(app, fx);
        }
    }
}

fn on_credential_done(
    app: &mut App,
    name: String,
    stored: bool,
    result: Result<(), String>,
    fx: &mut Vec<Effect>,
) {
    match result {
        Ok(()) => {
            let names = &mut app.session.credentials;
            let known = names.contains(&name);
            app.status = Some(if stored {
                format!("credential `{name}` stored in the keyring")
            } else {
                format!("credential `{name}` deleted")
            });
            if stored && !known {
                names.push(name);
                names.sort();
                changed(app, fx);
            } else if !stored && known {
                names.retain(|n| *n != name);
                if let Some(Modal::Credentials(form)) = &mut app.modal {
                    form.selected = form.selected.min(names.len().saturating_sub(1));
                }
                changed(app, fx);
            }
        }
        Err(why) => app.status = Some(format!("credential `{name}`: {why}")),
    }
}
