//! Small transitions every part of `update` shares: marking the session changed, the
//! presenter-mode refusal, bounded scrolling arithmetic and a fresh editor. They live
//! apart so that `update`, `update_checks` and `update_modal` depend on this module and
//! on nothing of each other's but the entry points `update` dispatches to.

use super::effect::Effect;
use super::state::App;
use launch_ready_core::session::model::{JournalEntry, JournalKind};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

/// Marks the session changed: bumps `updated_at` and signals one save for this message.
/// The signal carries no copy: the event loop snapshots the session when it hands it to
/// the persister, at most once per save interval, so a held arrow key does not clone the
/// whole session (notes, evidence) on every step.
pub(super) fn changed(app: &mut App, fx: &mut Vec<Effect>) {
    app.session.updated_at = app.now;
    if !fx.iter().any(|e| matches!(e, Effect::Save)) {
        fx.push(Effect::Save);
    }
}

/// `value` moved by `delta`, saturating at both ends.
pub(super) fn clamp_add(value: usize, delta: i32) -> usize {
    let d = usize::try_from(delta.unsigned_abs()).unwrap_or(usize::MAX);
    if delta < 0 {
        value.saturating_sub(d)
    } else {
        value.saturating_add(d)
    }
}

/// Refuses an editor in presenter mode (nothing typed may reach a shared screen), saying
/// how to leave it; true when refused.
pub(super) fn refuse_in_presenter(app: &mut App, what: &str) -> bool {
    if app.presenter() {
        app.status = Some(format!(
            "{what} stays closed in presenter mode (P leaves it)"
        ));
    }
    app.presenter()
}

/// A multi-line editor holding `text`, with the cursor at its end. Long lines wrap at word
/// boundaries (or mid-word when a word is wider than the box, as a URL can be), so what
/// the operator wrote is all in view instead of scrolling sideways out of it.
pub(super) fn editor(text: &str) -> TextArea<'static> {
    let mut editor = if text.is_empty() {
        TextArea::default()
    } else {
        TextArea::new(text.split('\n').map(str::to_string).collect())
    };
    editor.set_wrap_mode(WrapMode::WordOrGlyph);
    editor.move_cursor(CursorMove::Bottom);
    editor.move_cursor(CursorMove::End);
    editor
}

/// Automatic journal entries kept at most; beyond it the oldest automatic entry goes (the
/// operator's own entries are never dropped), so a long sprint of runs cannot bury them.
pub const MAX_AUTO_JOURNAL: usize = 300;

/// A status change to the same check within this long replaces the previous entry rather
/// than adding one: `p` then `w` on a check is one answer, not two events.
const STATUS_COALESCE: time::Duration = time::Duration::minutes(2);

/// Records an event in the sprint journal (never a typed note: those come from the
/// journal editor). `subject` names what the entry is about (a check id), so a quick
/// correction of the same check's status replaces the entry before it.
pub(super) fn journal(
    app: &mut App,
    kind: JournalKind,
    subject: &str,
    text: String,
    fx: &mut Vec<Effect>,
) {
    let entry = JournalEntry {
        at: app.now,
        text,
        kind,
    };
    let journal = &mut app.session.journal;
    let replace = kind == JournalKind::Status
        && journal.last().is_some_and(|last| {
            last.kind == JournalKind::Status
                && !subject.is_empty()
                && last.text.starts_with(&format!("{subject}:"))
                && app.now - last.at < STATUS_COALESCE
        });
    if replace {
        journal.pop();
    }
    journal.push(entry);
    let automatic = journal.iter().filter(|e| !e.kind.is_note()).count();
    if automatic > MAX_AUTO_JOURNAL
        && let Some(i) = journal.iter().position(|e| !e.kind.is_note())
    {
        journal.remove(i);
    }
    changed(app, fx);
}
