//! Quitting while saves fail, and notes over the size limit: nothing the operator typed is
//! dropped without their say.

use super::state::Modal;
use super::tests::{act, app, type_text};
use super::{Action, Effect, Msg, update};
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::session::model::MAX_NOTE_BYTES;
use launch_ready_core::session::persist::SaveStatus;

fn quits(fx: &[Effect]) -> bool {
    fx.iter().any(|e| matches!(e, Effect::Quit))
}

fn note_of_modal(app: &super::App) -> Option<String> {
    match &app.modal {
        Some(Modal::Unsaved { note, .. }) => note.clone(),
        _ => None,
    }
}

#[test]
fn quit_after_a_failed_save_asks_instead_of_leaving() {
    let mut app = app();
    act(&mut app, Action::SetStatus(CheckStatus::Fail));
    update(
        &mut app,
        Msg::Saved(SaveStatus::Failed("No space left on device".into())),
    );
    // A newer change queues another save: the disk is still behind.
    act(&mut app, Action::SetStatus(CheckStatus::Pass));
    update(&mut app, Msg::Saved(SaveStatus::Pending));

    let fx = act(&mut app, Action::Quit);
    assert!(!quits(&fx) && !app.quitting);
    assert!(matches!(app.modal, Some(Modal::Unsaved { .. })));

    // Esc stays in the session.
    act(&mut app, Action::Close);
    assert!(app.modal.is_none() && !app.quitting);

    // w asks for a copy of the current session and shows where it went.
    act(&mut app, Action::Quit);
    let fx = act(&mut app, Action::WriteCopy);
    assert!(fx.iter().any(
        |e| matches!(e, Effect::WriteCopy(s) if s.status("deploy-check") == CheckStatus::Pass)
    ));
    update(
        &mut app,
        Msg::CopyWritten(Ok("/tmp/acme-unsaved-x.ron".into())),
    );
    assert!(note_of_modal(&app).is_some_and(|n| n.contains("/tmp/acme-unsaved-x.ron")));

    // r writes again; a failure is reported in the question, a success quits.
    let fx = act(&mut app, Action::RetrySave);
    assert!(fx.iter().any(|e| matches!(e, Effect::Save)));
    update(&mut app, Msg::Saved(SaveStatus::Pending));
    update(
        &mut app,
        Msg::Saved(SaveStatus::Failed("still full".into())),
    );
    assert!(note_of_modal(&app).is_some_and(|n| n.contains("failed again: still full")));
    assert!(!app.quitting);
    act(&mut app, Action::RetrySave);
    let now = app.now;
    let fx = update(&mut app, Msg::Saved(SaveStatus::Saved(now)));
    assert!(quits(&fx) && app.quitting && !app.discard_unsaved);
}

#[test]
fn discarding_is_explicit() {
    let mut app = app();
    act(&mut app, Action::SetStatus(CheckStatus::Fail));
    update(&mut app, Msg::Saved(SaveStatus::Failed("disk full".into())));
    act(&mut app, Action::Quit);
    let fx = act(&mut app, Action::DiscardQuit);
    assert!(quits(&fx) && app.quitting && app.discard_unsaved);
}

#[test]
fn quit_without_a_failure_leaves_at_once() {
    let mut app = app();
    act(&mut app, Action::SetStatus(CheckStatus::Fail));
    update(&mut app, Msg::Saved(SaveStatus::Failed("disk full".into())));
    let now = app.now;
    update(&mut app, Msg::Saved(SaveStatus::Saved(now)));
    let fx = act(&mut app, Action::Quit);
    assert!(quits(&fx) && app.modal.is_none());
}

#[test]
fn a_note_over_the_limit_is_refused_not_cut() {
    let mut app = app();
    act(&mut app, Action::EditNote);
    type_text(&mut app, "short");
    // Stand in for a paste over the limit.
    if let Some(Modal::Note { editor, .. }) = &mut app.modal {
        editor.insert_str("x".repeat(MAX_NOTE_BYTES));
    }
    let fx = act(&mut app, Action::Commit);
    assert!(
        matches!(app.modal, Some(Modal::Note { .. })),
        "the editor stays open"
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::Save)));
    assert!(
        app.status
            .as_deref()
            .is_some_and(|s| s.contains("over the 1.0 MiB limit"))
    );
    assert_eq!(
        app.session
            .state("deploy-check")
            .map_or("", |s| s.note.as_str()),
        ""
    );
    // Quitting does not lose it silently either: the editor stays.
    act(&mut app, Action::Quit);
    assert!(!app.quitting);
    act(&mut app, Action::Discard);
    assert!(app.modal.is_none());
}

#[test]
fn a_loaded_note_over_the_limit_is_not_opened_in_the_editor() {
    let mut app = app();
    app.session.state_mut("deploy-check").note = "y".repeat(MAX_NOTE_BYTES + 1);
    act(&mut app, Action::EditNote);
    assert!(app.modal.is_none());
    assert!(
        app.status
            .as_deref()
            .is_some_and(|s| s.contains("cannot be edited"))
    );
}

#[test]
fn export_asks_for_the_pack_of_a_snapshot_and_reports_where_it_went() {
    let mut app = app();
    let fx = act(&mut app, Action::Export);
    assert!(
        matches!(&fx[..], [Effect::ExportPack { session, .. }] if session.name == app.session.name),
        "{fx:?}"
    );
    assert_eq!(app.status.as_deref(), Some("writing the handover pack…"));
    update(&mut app, Msg::PackWritten(Ok("/tmp/acme-handover".into())));
    assert_eq!(
        app.status.as_deref(),
        Some("handover pack written: /tmp/acme-handover (handover.md, .html, .json)")
    );
    update(&mut app, Msg::PackWritten(Err("disk full".into())));
    assert_eq!(
        app.status.as_deref(),
        Some("handover pack not written: disk full")
    );
}
