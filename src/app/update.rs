//! The pure transition `update(&mut App, Msg) -> Vec<Effect>`: no IO, no awaits, no clock
//! reads (time arrives with `Msg::Tick`). Keys with no modal open are handled here; keys
//! aimed at an open modal go to `update_modal`. Every change to the session bumps its
//! `updated_at` and asks for one save per message.

use super::edit::{changed, clamp_add, refuse_in_presenter};
use super::effect::Effect;
use super::msg::{Action, KeyringReport, Msg};
use super::state::{
    App, BriefPage, CredentialsForm, Focus, KeyringState, Modal, Prompt, PromptPurpose, Removed,
    SCREENS, credential_names,
};
use super::targets;
use super::update_checks::{on_check_action, on_engine};
use super::update_clock;
use super::update_modal;
use super::update_monitor;
use super::update_risks;
use launch_ready_core::session::model::{Screen, Verdict};
use launch_ready_core::verdict;
use time::Duration;

/// How long a one-line message stays in the status line. Live facts (running count, save
/// state) have their own places in the footer, so a message only has to be read once.
pub const STATUS_TTL: Duration = Duration::seconds(8);

/// Applies one message to the model and returns what the outside world must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let before = app.status.clone();
    let fx = dispatch(app, msg);
    if app.status != before {
        app.status_at = app.now;
    }
    fx
}

fn dispatch(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        // Quitting from an editor keeps what was typed: commit first, then leave.
        Msg::Action(Action::Quit)
            if matches!(app.modal, Some(Modal::Note { .. } | Modal::Journal { .. })) =>
        {
            update_modal::action(app, Action::Close, &mut fx);
            // An editor that refused to close (a note over the size limit) keeps its text.
            if app.modal.is_none() {
                on_action(app, Action::Quit, &mut fx);
            }
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
        Msg::ScrollDetail(delta) => scroll_detail(app, delta),
        Msg::ScrollList(delta) => scroll_list(app, delta, &mut fx),
        Msg::Engine(event) => on_engine(app, event, &mut fx),
        Msg::Tick(now) => {
            app.now = now;
            if !app.running.is_empty() {
                app.spinner = app.spinner.wrapping_add(1);
            }
            if app.status.is_some() && now - app.status_at >= STATUS_TTL {
                app.status = None;
            }
            update_modal::keep_note_draft(app, &mut fx);
            update_modal::keep_journal_draft(app, &mut fx);
        }
        Msg::Saved(status) => update_modal::on_saved(app, status, &mut fx),
        Msg::CopyWritten(result) => update_modal::on_copy_written(app, result),
        Msg::PackWritten(result) => {
            app.status = Some(match result {
                Ok(dir) => format!(
                    "handover pack written: {} (handover.md, .html, .json)",
                    dir.display()
                ),
                Err(e) => format!("handover pack not written: {e}"),
            });
            app.status_at = app.now;
        }
        Msg::BaselineWritten(result) => update_risks::on_baseline_written(app, result),
        Msg::Monitor(event) => update_monitor::on_event(app, &event, &mut fx),
        Msg::MonitorTestAlert(result) => update_monitor::on_test_alert(app, result),
        Msg::MonitorDrill(report) => update_monitor::on_drill(app, &report, &mut fx),
        Msg::MonitorRoute(route) => app.monitor.route = Some(route),
        Msg::LabAlerts(lines) => app.lab_alerts = lines,
        Msg::Keyring(result) => {
            if let Some(Modal::Credentials(form)) = &mut app.modal {
                form.keyring = match result {
                    Ok(KeyringReport { backend, held }) => {
                        KeyringState::Available { backend, held }
                    }
                    Err(why) => KeyringState::Unavailable(why),
                };
            }
        }
        Msg::CredentialDone {
            name,
            stored,
            result,
        } => on_credential_done(app, name, stored, result, &mut fx),
        Msg::CloudflareVerified(result) => {
            app.status = Some(match result {
                Ok(line) | Err(line) => line,
            });
        }
        Msg::Resize(w, h) => app.size = (w, h),
        Msg::SelectStage(_) | Msg::SelectCheck(_) | Msg::SelectTargetRow(_) => {}
    }
    fx
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
        app.risk_row = 0;
        changed(app, fx);
    }
}

/// Scrolls the detail pane, stopping where its text ends (as measured by the last draw).
fn scroll_detail(app: &mut App, delta: i32) {
    let room = usize::from(app.scroll_room.detail.get());
    app.detail_scroll = clamp_add(usize::from(app.detail_scroll), delta)
        .min(room)
        .try_into()
        .unwrap_or(u16::MAX);
}

fn scroll_list(app: &mut App, delta: i32, fx: &mut Vec<Effect>) {
    match app.screen() {
        Screen::Checklist => move_vertical(app, delta, fx),
        Screen::Targets => {
            let len = targets::rows(&app.session).len();
            app.target_row = step(app.target_row, delta, len);
        }
        Screen::Risks => update_risks::move_row(app, delta),
        Screen::Timeline | Screen::Monitor => {
            app.list_scroll = clamp_add(app.list_scroll, delta).min(app.scroll_room.list.get());
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
        Action::Monitor => update_monitor::toggle(app, fx),
        Action::WhatNow => update_clock::what_now(app, fx),
        Action::NextTheme => {
            app.theme = app.theme.next();
            app.status = Some(if app.presenter() {
                format!(
                    "theme: {} (presenter mode draws high-contrast until P)",
                    app.theme.as_str()
                )
            } else {
                format!("theme: {}", app.theme.as_str())
            });
        }
        Action::PauseClock if screen == Screen::Timeline => update_clock::toggle_pause(app, fx),
        Action::ClockEarlier if screen == Screen::Timeline => {
            update_clock::shift_start(app, 1, fx);
        }
        Action::ClockLater if screen == Screen::Timeline => update_clock::shift_start(app, -1, fx),
        Action::SwitchDemoRoute => update_monitor::switch_demo_route(app, fx),
        Action::MonitorSlower => update_monitor::step_interval(app, true, fx),
        Action::MonitorFaster => update_monitor::step_interval(app, false, fx),
        Action::TestAlert => update_monitor::test_alert(app, fx),
        Action::Drill => update_monitor::drill(app, fx),
        // Quitting while the disk is behind asks first: the changes would otherwise be
        // lost without a word when the final save fails too.
        Action::Quit if app.save_error.is_some() => {
            app.modal = Some(Modal::Unsaved {
                retrying: false,
                note: None,
            });
        }
        Action::Quit => {
            app.quitting = true;
            fx.push(Effect::Quit);
        }
        Action::Help => app.modal = Some(Modal::Help { scroll: 0 }),
        Action::StageBrief if screen == Screen::Checklist => {
            app.modal = Some(Modal::Brief {
                page: BriefPage::Stage(app.stage_index()),
                scroll: 0,
            });
        }
        Action::MinimumBar => {
            app.modal = Some(Modal::Brief {
                page: BriefPage::MinimumBar,
                scroll: 0,
            });
        }
        Action::LiveView => super::load_run::toggle(app),
        // From any screen: a load test must be stoppable wherever its figures show.
        Action::CancelAll => {
            if app.running.is_empty() {
                app.status = Some("nothing is running".into());
            } else {
                app.cancel_all = Some(0);
                app.status = Some(format!("cancelling {} run(s)…", app.running.len()));
                fx.push(Effect::Cancel(None));
            }
        }
        Action::Export => {
            app.status = Some("writing the handover pack…".into());
            app.status_at = app.now;
            fx.push(Effect::ExportPack {
                session: Box::new(app.session.clone()),
                runbook: app.runbook.clone(),
            });
        }
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
            // A draft left by a killed process (or a quit) comes back to be finished.
            let mut editor = super::edit::editor(&app.session.ui.journal_draft);
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
            fx.push(Effect::ProbeKeyring {
                session: app.session.name.clone(),
                names: credential_names(&app.session, &app.runbook),
            });
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
                scroll_detail(app, delta);
            } else {
                scroll_list(app, delta, fx);
            }
        }
        Action::GoToCheck if screen == Screen::Risks => update_risks::go_to_check(app, fx),
        Action::AcceptRisk if screen == Screen::Risks => update_risks::accept(app),
        Action::RiskCard if screen == Screen::Risks => {
            let defects = verdict::assess(&app.runbook, &app.session, app.now)
                .defects()
                .len();
            if defects == 0 {
                app.status = Some("no open risks to show".into());
            } else {
                // Start on the selected risk when the selection is on an open one (the
                // rows and the cards are the same defects, in the same order).
                let index = if app.risk_row < defects {
                    app.risk_row
                } else {
                    0
                };
                app.modal = Some(Modal::RiskCard { index });
            }
        }
        Action::WithdrawRisk if screen == Screen::Risks => update_risks::withdraw(app, fx),
        Action::Severity if screen == Screen::Risks => update_risks::severity(app),
        Action::Decide if screen == Screen::Risks => {
            // A decision is go or no-go: an incomplete verdict proposes no-go.
            let verdict = match verdict::assess(&app.runbook, &app.session, app.now).verdict {
                Verdict::Go => Verdict::Go,
                Verdict::NoGo | Verdict::Incomplete => Verdict::NoGo,
            };
            app.modal = Some(Modal::Prompt(Prompt::new(
                PromptPurpose::Decision { verdict },
                "",
            )));
        }
        Action::Edit | Action::Add | Action::Delete | Action::Undo if screen == Screen::Targets => {
            on_targets_action(app, action, fx);
        }
        Action::EditNote | Action::Edit | Action::Confirm
            if screen == Screen::Checklist && update_modal::note_too_large(app) => {}
        _ if screen == Screen::Checklist => on_check_action(app, action, fx),
        _ => {}
    }
}

fn on_targets_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    if action == Action::Undo {
        undo_removal(app, fx);
        return;
    }
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
            let before = Removed {
                targets: app.session.targets.clone(),
                network: app.session.network.clone(),
                row: app.target_row,
                what: targets::value(&app.session, field),
            };
            if targets::remove(&mut app.session, field) {
                app.status = Some(format!(
                    "{} `{}` removed — u puts it back",
                    field.label(),
                    before.what
                ));
                app.removed = Some(before);
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

/// Puts back the entry the last `x` removed (one level: there is no redo).
fn undo_removal(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(removed) = app.removed.take() else {
        app.status = Some("nothing to undo: u puts back the entry x last removed".into());
        return;
    };
    app.session.targets = removed.targets;
    app.session.network = removed.network;
    app.target_row = removed.row;
    app.status = Some(format!("`{}` is back", removed.what));
    changed(app, fx);
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
            if let Some(Modal::Credentials(CredentialsForm {
                keyring: KeyringState::Available { held, .. },
                ..
            })) = &mut app.modal
            {
                held.insert(name.clone(), stored);
            }
            let known = app.session.credentials.contains(&name);
            app.status = Some(if stored {
                format!("credential `{name}` stored in the keyring")
            } else {
                format!("credential `{name}` deleted")
            });
            if stored && name == launch_ready_checks::cloudflare::CREDENTIAL {
                app.status = Some(format!(
                    "credential `{name}` stored in the keyring; asking Cloudflare whether it is valid…"
                ));
                fx.push(Effect::VerifyCloudflareToken {
                    session: app.session.name.clone(),
                    network: app.session.network.clone(),
                });
            }
            let names = &mut app.session.credentials;
            if stored && !known {
                names.push(name);
                names.sort();
                changed(app, fx);
            } else if !stored && known {
                names.retain(|n| *n != name);
                let rows = credential_names(&app.session, &app.runbook).len();
                if let Some(Modal::Credentials(form)) = &mut app.modal {
                    form.selected = form.selected.min(rows.saturating_sub(1));
                }
                changed(app, fx);
            }
        }
        Err(why) => app.status = Some(format!("credential `{name}`: {why}")),
    }
}
