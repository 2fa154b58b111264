//! Keeps secrets out of the session file. The operator types notes, journal entries,
//! decision reasons and acceptances by hand, and a pasted key is easy to miss: before any
//! text reaches disk, everything the secret rules recognise in those fields is replaced by
//! its redacted preview (`sk_l…(32 chars)`), the form the reports use. The running app keeps
//! what was typed until the editor closes, then shows the stored form too.

use super::Session;
use crate::secret_rules::redact_text;

/// `text` with its secrets redacted, or `None` when it holds none.
fn redacted(text: &str) -> Option<String> {
    let out = redact_text(text);
    (out != text).then_some(out)
}

/// Redacts `text` in place; true when something was hidden.
pub fn redact_in_place(text: &mut String) -> bool {
    match redacted(text) {
        Some(out) => {
            *text = out;
            true
        }
        None => false,
    }
}

/// A copy of `session` with every secret in the operator's free text redacted, or `None`
/// when there is none (the common case costs no copy).
pub fn for_disk(session: &Session) -> Option<Session> {
    if !holds_secret(session) {
        return None;
    }
    let mut copy = session.clone();
    scrub(&mut copy);
    Some(copy)
}

fn holds_secret(session: &Session) -> bool {
    free_text(session).any(|t| redacted(t).is_some())
}

fn free_text(session: &Session) -> impl Iterator<Item = &str> {
    let checks = session
        .checks
        .values()
        .flat_map(|c| std::iter::once(c.note.as_str()).chain(c.skip_reason.as_deref()));
    let journal = session.journal.iter().map(|e| e.text.as_str());
    let decisions = session.decisions.iter().map(|d| d.reason.as_str());
    let accepted = session
        .accepted
        .iter()
        .flat_map(|a| [a.reason.as_str(), a.owner.as_str()]);
    checks
        .chain(journal)
        .chain(decisions)
        .chain(accepted)
        .chain(std::iter::once(session.ui.journal_draft.as_str()))
}

/// Redacts every free-text field of `session` in place; the number of fields changed.
pub fn scrub(session: &mut Session) -> usize {
    let mut n = 0;
    for c in session.checks.values_mut() {
        n += usize::from(redact_in_place(&mut c.note));
        if let Some(r) = &mut c.skip_reason {
            n += usize::from(redact_in_place(r));
        }
    }
    for e in &mut session.journal {
        n += usize::from(redact_in_place(&mut e.text));
    }
    for d in &mut session.decisions {
        n += usize::from(redact_in_place(&mut d.reason));
    }
    for a in &mut session.accepted {
        n += usize::from(redact_in_place(&mut a.reason));
        n += usize::from(redact_in_place(&mut a.owner));
    }
    n += usize::from(redact_in_place(&mut session.ui.journal_draft));
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::model::{JournalEntry, JournalKind};
    use time::macros::datetime;

    fn key() -> String {
        ["sk", "_live_", "51HqLyjWDarjtT1zdp7dcXq9"].concat()
    }

    #[test]
    fn a_key_in_any_free_text_never_reaches_the_written_text() {
        let now = datetime!(2026-11-30 09:00 UTC);
        let mut s = Session::for_test("acme", "Acme", "x", now);
        assert!(for_disk(&s).is_none(), "nothing to hide, no copy");
        s.state_mut("deploy").note = format!("prod key {} in vault", key());
        s.journal.push(JournalEntry {
            at: now,
            text: format!("rotated {}", key()),
            kind: JournalKind::Note,
        });
        s.ui.journal_draft = format!("half typed {}", key());
        let disk = for_disk(&s).expect("a copy to write");
        let text = crate::session::store::to_ron(&disk).unwrap();
        assert!(!text.contains(&key()), "{text}");
        assert!(text.contains("prod key sk_l…"), "{text}");
        assert!(text.contains("in vault"), "the rest of the note stays");
        // The live session is untouched: the editor still holds what was typed.
        assert!(s.state("deploy").unwrap().note.contains(&key()));
    }
}
