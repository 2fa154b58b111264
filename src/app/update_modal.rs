//! Keys aimed at an open modal: the note and journal editors, one-line prompts, the
//! severity picker, the help overlay and the credentials form. Editors keep their text in
//! UI state and only put plain strings into the session (a draft on each clock tick, the
//! final text when they close), so the session never holds widget state yet a killed
//! process loses at most a tick of typing.

use super::edit::{changed, clamp_add, journal};
use super::effect::{Effect, SecretValue};
use super::msg::Action;
use super::state::{
    App, CredentialsForm, KeyringState, Modal, Prompt, PromptPurpose, credential_names,
};
use super::targets;
use super::update_checks::set_status;
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_core::session::model::{
    Decision, JournalEntry, JournalKind, MAX_NOTE_BYTES, Verdict,
};
use launch_ready_core::session::persist::SaveStatus;
use launch_ready_core::session::redact::redact_in_place;
use launch_ready_core::verdict;
use ratatui_textarea::{Input, Key};

/// Feeds a typed key to the open editor or prompt. Prompts are one line, so Enter never
/// reaches them as text (the keymap turns it into `Confirm`).
pub(super) fn text(app: &mut App, input: Input) {
    match &mut app.modal {
        Some(Modal::Note { editor, .. } | Modal::Journal { editor }) => {
            editor.input(input);
        }
        Some(
            Modal::Prompt(prompt)
            | Modal::Credentials(CredentialsForm {
                entry: Some(prompt),
                ..
            }),
        ) if input.key != Key::Enter => {
            prompt.input.input(input);
            prompt.error = None;
        }
        _ => {}
    }
}

pub(super) fn action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let Some(modal) = app.modal.take() else {
        return;
    };
    app.modal = match modal {
        Modal::Note {
            check_id,
            editor,
            original,
        } => match action {
            Action::Close | Action::Commit => {
                let mut note = trim_lines(editor.lines());
                if let Some(refusal) = note_size_refusal(note.len()) {
                    app.status = Some(format!("{refusal}: shorten it, or Ctrl-X to discard"));
                    Some(Modal::Note {
                        check_id,
                        editor,
                        original,
                    })
                } else {
                    let hid = redact_in_place(&mut note);
                    if put_note(app, &check_id, note, fx) || note_differs(app, &check_id, &original)
                    {
                        app.status = Some(saved_message("note saved", hid));
                    }
                    None
                }
            }
            Action::Discard => {
                put_note(app, &check_id, original, fx);
                app.status = Some("note edit discarded".into());
                None
            }
            _ => Some(Modal::Note {
                check_id,
                editor,
                original,
            }),
        },
        Modal::Journal { editor } => match action {
            Action::Close | Action::Commit => {
                let mut text = trim_lines(editor.lines());
                put_journal_draft(app, String::new(), fx);
                if !text.is_empty() {
                    let hid = redact_in_place(&mut text);
                    app.session.journal.push(JournalEntry {
                        at: app.now,
                        text,
                        kind: Default::default(),
                    });
                    app.status = Some(saved_message("journal entry added", hid));
                    changed(app, fx);
                }
                None
            }
            Action::Discard => {
                put_journal_draft(app, String::new(), fx);
                None
            }
            _ => Some(Modal::Journal { editor }),
        },
        Modal::Prompt(prompt) => on_prompt(app, prompt, action, fx).map(Modal::Prompt),
        Modal::Severity { check_id, selected } => match action {
            Action::Up => Some(Modal::Severity {
                check_id,
                selected: selected.saturating_sub(1),
            }),
            Action::Down => Some(Modal::Severity {
                check_id,
                selected: (selected + 1).min(Severity::ALL.len()),
            }),
            Action::Confirm => {
                let chosen = selected
                    .checked_sub(1)
                    .and_then(|i| Severity::ALL.get(i))
                    .copied();
                let now = app.now;
                let state = app.session.state_mut(&check_id);
                if state.severity_override != chosen {
                    state.severity_override = chosen;
                    state.updated_at = Some(now);
                    changed(app, fx);
                }
                app.status = Some(match chosen {
                    Some(s) => format!("severity override: {s}"),
                    None => "severity: runbook default".into(),
                });
                None
            }
            Action::Close => None,
            _ => Some(Modal::Severity { check_id, selected }),
        },
        Modal::RiskCard { index } => {
            let len = verdict::assess(&app.runbook, &app.session, app.now)
                .defects()
                .len();
            match action {
                Action::Close | Action::Quit | Action::RiskCard => None,
                Action::Up | Action::Left | Action::PageUp => Some(Modal::RiskCard {
                    index: index.saturating_sub(1),
                }),
                Action::Down | Action::Right | Action::PageDown | Action::Confirm => {
                    Some(Modal::RiskCard {
                        index: (index + 1).min(len.saturating_sub(1)),
                    })
                }
                _ => Some(Modal::RiskCard { index }),
            }
        }
        Modal::Help { scroll } => {
            let delta = match action {
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -10,
                Action::PageDown => 10,
                _ => 0,
            };
            match action {
                Action::Close | Action::Help | Action::Quit => None,
                _ => {
                    let room = usize::from(app.scroll_room.help.get());
                    let scroll = clamp_add(usize::from(scroll), delta)
                        .min(room)
                        .try_into()
                        .unwrap_or(u16::MAX);
                    Some(Modal::Help { scroll })
                }
            }
        }
        Modal::Brief { page, scroll } => {
            let delta = match action {
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -10,
                Action::PageDown => 10,
                _ => 0,
            };
            match action {
                Action::Close | Action::Quit | Action::StageBrief | Action::MinimumBar => None,
                _ => {
                    let room = usize::from(app.scroll_room.brief.get());
                    let scroll = clamp_add(usize::from(scroll), delta)
                        .min(room)
                        .try_into()
                        .unwrap_or(u16::MAX);
                    Some(Modal::Brief { page, scroll })
                }
            }
        }
        Modal::Credentials(form) => on_credentials(app, form, action, fx).map(Modal::Credentials),
        Modal::Unsaved { retrying, note } => on_unsaved(app, action, retrying, note, fx),
        Modal::LoadConfirm(c) => match action {
            Action::Confirm => {
                super::load_run::confirmed(app, c, fx);
                None
            }
            Action::Close => {
                super::load_run::declined(app);
                None
            }
            _ => Some(Modal::LoadConfirm(c)),
        },
    };
}

/// A key in the "unsaved changes" question.
fn on_unsaved(
    app: &mut App,
    action: Action,
    retrying: bool,
    note: Option<String>,
    fx: &mut Vec<Effect>,
) -> Option<Modal> {
    match action {
        Action::RetrySave => {
            // A new save signal makes the persister write now; `on_saved` quits once it
            // lands.
            fx.push(Effect::Save);
            Some(Modal::Unsaved {
                retrying: true,
                note: Some("retrying the save…".into()),
            })
        }
        Action::WriteCopy => {
            fx.push(Effect::WriteCopy(Box::new(app.session.clone())));
            Some(Modal::Unsaved {
                retrying,
                note: Some("writing a copy…".into()),
            })
        }
        Action::DiscardQuit => {
            app.discard_unsaved = true;
            app.quitting = true;
            fx.push(Effect::Quit);
            None
        }
        Action::Close => None,
        _ => Some(Modal::Unsaved { retrying, note }),
    }
}

/// The persister's news. A save that lands while the quit question is open answers it:
/// nothing is unsaved any more, so the quit the operator asked for goes ahead.
pub(super) fn on_saved(app: &mut App, status: SaveStatus, fx: &mut Vec<Effect>) {
    match &status {
        SaveStatus::Failed(why) => {
            app.save_error = Some(why.clone());
            if let Some(Modal::Unsaved { retrying, note }) = &mut app.modal
                && *retrying
            {
                *retrying = false;
                *note = Some(format!("the save failed again: {why}"));
            }
        }
        SaveStatus::Saved(_) => {
            app.save_error = None;
            if matches!(app.modal, Some(Modal::Unsaved { .. })) {
                app.modal = None;
                app.quitting = true;
                fx.push(Effect::Quit);
            }
        }
        SaveStatus::Idle | SaveStatus::Pending => {}
    }
    app.save = status;
}

/// Where the copy asked for with `w` went, shown in the quit question.
pub(super) fn on_copy_written(app: &mut App, result: Result<std::path::PathBuf, String>) {
    let text = match &result {
        Ok(path) => format!(
            "copy written to {}; d quits (the session file keeps its last saved version)",
            path.display()
        ),
        Err(why) => format!("the copy failed: {why}"),
    };
    if let Some(Modal::Unsaved { note, .. }) = &mut app.modal {
        *note = Some(text.clone());
    }
    app.status = Some(text);
}

/// Copies the open note editor's text into the session as a draft, so that a killed
/// process loses at most the last tick of typing. Called on every clock tick.
pub(super) fn keep_note_draft(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(Modal::Note {
        check_id, editor, ..
    }) = &app.modal
    else {
        return;
    };
    let (check_id, note) = (check_id.clone(), trim_lines(editor.lines()));
    // Over the limit the draft is not kept: closing the editor will refuse it too.
    if note_size_refusal(note.len()).is_none() {
        put_note(app, &check_id, note, fx);
    }
}

/// The refusal for a note of `bytes`, when it is over [`MAX_NOTE_BYTES`].
fn note_size_refusal(bytes: usize) -> Option<String> {
    (bytes > MAX_NOTE_BYTES).then(|| {
        format!(
            "the note is {}, over the {} limit",
            human_size(bytes),
            human_size(MAX_NOTE_BYTES)
        )
    })
}

fn human_size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{} KiB", bytes.div_ceil(KIB))
    }
}

/// True (with a message in the status line) when the selected check's note is too large
/// to open in the editor: an oversized note, from a file edited by hand or an older build,
/// is shown bounded in the detail pane but never loaded into an editor.
pub(super) fn note_too_large(app: &mut App) -> bool {
    let Some(bytes) = app
        .selected_check()
        .and_then(|c| app.session.state(&c.id))
        .map(|s| s.note.len())
    else {
        return false;
    };
    match note_size_refusal(bytes) {
        Some(refusal) => {
            app.status = Some(format!("{refusal}, so it cannot be edited here"));
            true
        }
        None => false,
    }
}

/// Copies the open journal editor's text into the session, as `keep_note_draft` does for
/// notes; the entry itself is only added when the editor closes.
pub(super) fn keep_journal_draft(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(Modal::Journal { editor }) = &app.modal else {
        return;
    };
    let draft = trim_lines(editor.lines());
    put_journal_draft(app, draft, fx);
}

fn put_journal_draft(app: &mut App, draft: String, fx: &mut Vec<Effect>) {
    if app.session.ui.journal_draft != draft {
        app.session.ui.journal_draft = draft;
        changed(app, fx);
    }
}

/// The status after a note or journal entry is kept, saying when a secret in it was
/// hidden (the session file never holds one; credentials belong in the keyring).
fn saved_message(what: &str, hid_secret: bool) -> String {
    if hid_secret {
        format!("{what}; a secret in it was hidden (keep credentials in the keyring: K)")
    } else {
        what.to_string()
    }
}

/// Writes `note` into the check's state when it differs; true when it did.
fn put_note(app: &mut App, check_id: &str, note: String, fx: &mut Vec<Effect>) -> bool {
    let now = app.now;
    let state = app.session.state_mut(check_id);
    if state.note == note {
        return false;
    }
    state.note = note;
    state.updated_at = Some(now);
    changed(app, fx);
    true
}

fn note_differs(app: &App, check_id: &str, original: &str) -> bool {
    app.session
        .state(check_id)
        .is_some_and(|s| s.note != original)
}

/// Drops trailing blank lines and trailing spaces so an untouched editor compares equal.
fn trim_lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}

fn on_prompt(
    app: &mut App,
    mut prompt: Prompt,
    action: Action,
    fx: &mut Vec<Effect>,
) -> Option<Prompt> {
    match action {
        Action::Close => return None,
        Action::ToggleVerdict => {
            if let PromptPurpose::Decision { verdict } = &mut prompt.purpose {
                *verdict = match verdict {
                    Verdict::Go => Verdict::NoGo,
                    Verdict::NoGo | Verdict::Incomplete => Verdict::Go,
                };
                // A confirmation given for the other choice does not carry over.
                prompt.error = None;
            }
            return Some(prompt);
        }
        Action::Confirm => {}
        _ => return Some(prompt),
    }
    let text = prompt.text().trim().to_string();
    let outcome = match &prompt.purpose {
        PromptPurpose::SkipReason { check_id } => {
            if text.is_empty() {
                Err("a reason is needed to skip a check".to_string())
            } else if let Some((_, check)) = app.runbook.check(check_id) {
                let check = check.clone();
                set_status(app, &check, CheckStatus::Skipped, Some(text), fx);
                Ok(())
            } else {
                Ok(())
            }
        }
        PromptPurpose::Decision { verdict } => {
            let judged =
                launch_ready_core::verdict::assess(&app.runbook, &app.session, app.now).verdict;
            let over = *verdict == Verdict::Go && judged != Verdict::Go;
            // GO over open blockers (or checks not made) is the operator's call, but never
            // by accident: the first Enter warns, the second records it.
            let warning = format!(
                "the checks say {}: Enter again records GO over that",
                judged.as_str().to_uppercase()
            );
            if text.is_empty() {
                Err("a decision needs a reason".to_string())
            } else if over && prompt.error.as_deref() != Some(warning.as_str()) {
                Err(warning)
            } else {
                let verdict = *verdict;
                app.session.decisions.push(Decision {
                    at: app.now,
                    verdict,
                    reason: text.clone(),
                });
                let said = if over {
                    format!("decision recorded: go, over {}", judged.as_str())
                } else {
                    format!("decision recorded: {}", verdict.as_str())
                };
                app.status = Some(said.clone());
                changed(app, fx);
                journal(
                    app,
                    JournalKind::Decision,
                    "",
                    format!("{said} — {text}"),
                    fx,
                );
                Ok(())
            }
        }
        PromptPurpose::Target { field } => {
            let field = *field;
            targets::apply(&mut app.session, field, &text)
                .map(|()| {
                    app.removed = None;
                    app.status = Some(format!("{} updated", field.label()));
                    changed(app, fx);
                })
                .map_err(|e| e.to_string())
        }
        PromptPurpose::AcceptReason { risks, title, pass } => {
            if text.is_empty() {
                Err("a reason is needed to accept a risk".to_string())
            } else {
                let owner = Prompt::new(
                    PromptPurpose::AcceptOwner {
                        risks: risks.clone(),
                        title: title.clone(),
                        reason: text,
                        pass: pass.clone(),
                    },
                    "",
                );
                return Some(owner);
            }
        }
        PromptPurpose::AcceptOwner {
            risks,
            title,
            reason,
            pass,
        } => {
            if text.is_empty() {
                Err("an owner is needed: who carries this risk after launch?".to_string())
            } else {
                let (risks, title, reason, pass) =
                    (risks.clone(), title.clone(), reason.clone(), pass.clone());
                super::update_risks::record_acceptance(app, &risks, &title, &reason, &text, fx);
                if let Some((check_id, status)) = pass
                    && let Some((_, check)) = app.runbook.check(&check_id)
                {
                    let check = check.clone();
                    super::update_checks::apply_status(app, &check, status, None, fx);
                }
                Ok(())
            }
        }
        PromptPurpose::CredentialName | PromptPurpose::CredentialValue { .. } => Ok(()),
    };
    match outcome {
        Ok(()) => None,
        Err(e) => {
            prompt.error = Some(e);
            Some(prompt)
        }
    }
}

/// Checks a credential name with the same rule as the keyring layer.
fn valid_credential_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn on_credentials(
    app: &mut App,
    mut form: CredentialsForm,
    action: Action,
    fx: &mut Vec<Effect>,
) -> Option<CredentialsForm> {
    if let Some(mut entry) = form.entry.take() {
        match action {
            Action::Close => return Some(form),
            Action::Confirm => {}
            _ => {
                form.entry = Some(entry);
                return Some(form);
            }
        }
        let text = entry.text();
        match &entry.purpose {
            PromptPurpose::CredentialName => {
                let name = text.trim().to_string();
                if valid_credential_name(&name) {
                    form.entry = Some(Prompt::new(PromptPurpose::CredentialValue { name }, ""));
                } else {
                    entry.error = Some(format!(
                        "credential name `{name}` is invalid (use letters, digits, `-`, `_` and `.`)"
                    ));
                    form.entry = Some(entry);
                }
            }
            PromptPurpose::CredentialValue { name } => {
                if text.is_empty() {
                    entry.error = Some("the value is empty".into());
                    form.entry = Some(entry);
                } else {
                    app.status = Some(format!("storing `{name}`…"));
                    fx.push(Effect::SetSecret {
                        session: app.session.name.clone(),
                        name: name.clone(),
                        value: SecretValue(text),
                    });
                }
            }
            _ => {}
        }
        return Some(form);
    }
    let available = matches!(form.keyring, KeyringState::Available { .. });
    let names = &credential_names(&app.session, &app.runbook);
    match action {
        Action::Close | Action::Quit => return None,
        Action::Up => form.selected = form.selected.saturating_sub(1),
        Action::Down => form.selected = (form.selected + 1).min(names.len().saturating_sub(1)),
        Action::Add | Action::Confirm | Action::Edit if available => {
            form.entry = Some(match names.get(form.selected) {
                Some(name) if action != Action::Add => {
                    Prompt::new(PromptPurpose::CredentialValue { name: name.clone() }, "")
                }
                _ => Prompt::new(PromptPurpose::CredentialName, ""),
            });
        }
        Action::Delete if available => {
            if let Some(name) = names.get(form.selected) {
                fx.push(Effect::DeleteSecret {
                    session: app.session.name.clone(),
                    name: name.clone(),
                });
            }
        }
        Action::Add | Action::Confirm | Action::Edit | Action::Delete => {
            app.status = Some("no OS keyring is available: credentials cannot be changed".into());
        }
        _ => {}
    }
    Some(form)
}
