//! Editors and the text being typed in them: soft wrap, and the journal draft that
//! survives a killed process the way a note draft does.

use super::state::Modal;
use super::tests::{act, app, loaded, type_text};
use super::{Action, App, Effect, Msg, update};
use launch_ready_core::session::Session;
use launch_ready_core::session::migrate;
use launch_ready_core::session::store::to_ron;
use ratatui_textarea::WrapMode;
use std::sync::Arc;
use time::Duration;

/// The session the loop will snapshot, when `fx` signals a save.
fn saved<'a>(app: &'a App, fx: &[Effect]) -> Option<&'a Session> {
    fx.iter()
        .any(|e| matches!(e, Effect::Save))
        .then_some(&app.session)
}

fn journal_text(app: &App) -> Option<String> {
    match &app.modal {
        Some(Modal::Journal { editor }) => Some(editor.lines().join("\n")),
        _ => None,
    }
}

#[test]
fn a_journal_entry_being_typed_is_saved_on_tick_and_comes_back() {
    let mut app = app();
    act(&mut app, Action::Journal);
    type_text(&mut app, "Registrar call booked for 14:00");
    let tick = app.now + Duration::seconds(1);
    let fx = update(&mut app, Msg::Tick(tick));
    let draft = saved(&app, &fx).expect("the tick saves the draft").clone();
    assert_eq!(draft.ui.journal_draft, "Registrar call booked for 14:00");
    assert!(draft.journal.is_empty(), "a draft is not an entry yet");
    // Nothing new typed: the next tick saves nothing.
    let fx = update(&mut app, Msg::Tick(tick + Duration::seconds(1)));
    assert!(saved(&app, &fx).is_none());

    // The process dies; the saved file is read back by a new one.
    let text = to_ron(&draft).expect("serialise");
    let reread = migrate::load(&text).expect("the draft round-trips");
    assert_eq!(reread.ui.journal_draft, draft.ui.journal_draft);
    let mut reopened = App::new(reread, Arc::new(loaded().runbook), tick);
    act(&mut reopened, Action::Journal);
    assert_eq!(
        journal_text(&reopened).as_deref(),
        Some("Registrar call booked for 14:00")
    );
    type_text(&mut reopened, ", confirmed");
    let fx = act(&mut reopened, Action::Close);
    let after = saved(&reopened, &fx).expect("closing saves");
    assert_eq!(after.ui.journal_draft, "");
    assert_eq!(
        after.journal.last().map(|e| e.text.as_str()),
        Some("Registrar call booked for 14:00, confirmed")
    );
}

#[test]
fn discarding_a_journal_entry_drops_its_draft() {
    let mut app = app();
    act(&mut app, Action::Journal);
    type_text(&mut app, "never mind");
    let tick = app.now + Duration::seconds(1);
    update(&mut app, Msg::Tick(tick));
    assert_eq!(app.session.ui.journal_draft, "never mind");
    let fx = act(&mut app, Action::Discard);
    assert!(app.modal.is_none());
    assert_eq!(
        saved(&app, &fx).map(|s| s.ui.journal_draft.as_str()),
        Some("")
    );
    assert!(app.session.journal.is_empty());
    act(&mut app, Action::Journal);
    assert_eq!(journal_text(&app).as_deref(), Some(""));
}

#[test]
fn an_empty_draft_is_not_written_and_older_files_load_without_it() {
    let app = app();
    let text = to_ron(&app.session).expect("serialise");
    assert!(!text.contains("journal_draft"), "{text}");
    let back = migrate::load(&text).expect("a file without the field loads");
    assert_eq!(back.ui.journal_draft, "");
}

#[test]
fn note_and_journal_editors_wrap_long_lines() {
    let mut app = app();
    act(&mut app, Action::EditNote);
    let Some(Modal::Note { editor, .. }) = &app.modal else {
        panic!("the note editor opens");
    };
    assert_eq!(editor.wrap_mode(), WrapMode::WordOrGlyph);
    act(&mut app, Action::Close);
    act(&mut app, Action::Journal);
    let Some(Modal::Journal { editor }) = &app.modal else {
        panic!("the journal opens");
    };
    assert_eq!(editor.wrap_mode(), WrapMode::WordOrGlyph);
}
