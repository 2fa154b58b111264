//! Reading a session file of any supported format version into today's [`Session`].
//!
//! The version is read first, with a lenient probe that ignores every other field, so a file
//! from a newer build is reported as newer (not as corrupt because of fields this build does
//! not know). Older formats then pass through a chain of steps, one per version, before the
//! strict parse (`deny_unknown_fields`) of the current model.
//!
//! A step maps the RON text of version N to the RON text of version N + 1. Text, rather than
//! `ron::Value`, because `ron::Value` drops the names of unit enum variants (`status: pass`
//! reads back as `()`), so a value-based step would silently destroy every check status. A
//! real step parses the old text into a frozen copy of the old model, converts it, and writes
//! the new one; the chain only orders the steps and checks that each one advanced.
//!
//! Format 1 is the first format, so the chain is empty today.

use super::model::{SCHEMA_VERSION, Session};
use serde::Deserialize;

/// Converts the RON text of one format version into the text of the next.
pub type Step = fn(&str) -> Result<String, String>;

/// The oldest format this build knows.
pub const FIRST_VERSION: u32 = 1;

/// `STEPS[i]` migrates format `FIRST_VERSION + i` to `FIRST_VERSION + i + 1`.
pub const STEPS: &[Step] = &[];

/// Why a session text could not be turned into a [`Session`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrateError {
    /// The text does not parse, or does not match the model; located in the text.
    #[error("{line}:{column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// The text has no usable `version` field.
    #[error("{0}")]
    BadVersion(String),
    /// Written by a newer build.
    #[error("format {found} is newer than this build reads (up to {supported})")]
    TooNew { found: u32, supported: u32 },
    /// A migration step failed or did not advance the version.
    #[error("migrating from format {from} to {to}: {message}")]
    Step { from: u32, to: u32, message: String },
}

/// Just the version of a session file; every other field is skipped unread.
#[derive(Deserialize)]
#[serde(rename = "Session")]
struct VersionProbe {
    // RON would want `Some(1)` for a plain `Option`; the file holds a bare number.
    #[serde(default, deserialize_with = "present")]
    version: Option<u32>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    u32::deserialize(d).map(Some)
}

fn syntax(e: &ron::error::SpannedError) -> MigrateError {
    MigrateError::Syntax {
        line: e.span.start.line,
        column: e.span.start.col,
        message: e.code.to_string(),
    }
}

/// The `version` field of a session text.
pub fn read_version(text: &str) -> Result<u32, MigrateError> {
    let probe: VersionProbe = ron::Options::default()
        .from_str(text)
        .map_err(|e| syntax(&e))?;
    match probe.version {
        None => Err(MigrateError::BadVersion(
            "the file has no `version` field, so its format is unknown".into(),
        )),
        Some(v) if v < FIRST_VERSION => Err(MigrateError::BadVersion(format!(
            "`version: {v}` is not a session format (formats start at {FIRST_VERSION})"
        ))),
        Some(v) => Ok(v),
    }
}

/// Parses a session text of any supported version into the current model.
pub fn load(text: &str) -> Result<Session, MigrateError> {
    load_with(text, STEPS, SCHEMA_VERSION)
}

/// [`load`] with an explicit chain and target, so the mechanism can be exercised with steps
/// that exist only in tests.
pub fn load_with(text: &str, steps: &[Step], target: u32) -> Result<Session, MigrateError> {
    let found = read_version(text)?;
    if found > target {
        return Err(MigrateError::TooNew {
            found,
            supported: target,
        });
    }
    let mut current = std::borrow::Cow::Borrowed(text);
    let mut version = found;
    while version < target {
        let next = version + 1;
        let step = usize::try_from(version - FIRST_VERSION)
            .ok()
            .and_then(|i| steps.get(i))
            .ok_or_else(|| MigrateError::Step {
                from: version,
                to: next,
                message: "this build has no migration for this format".into(),
            })?;
        let migrated = step(&current).map_err(|message| MigrateError::Step {
            from: version,
            to: next,
            message,
        })?;
        // A step that forgets to bump the version would make the chain loop or skip steps.
        let written = read_version(&migrated).map_err(|e| MigrateError::Step {
            from: version,
            to: next,
            message: format!("the migrated text is unreadable: {e}"),
        })?;
        if written != next {
            return Err(MigrateError::Step {
                from: version,
                to: next,
                message: format!("the step wrote format {written}"),
            });
        }
        current = std::borrow::Cow::Owned(migrated);
        version = next;
    }
    // Untouched text keeps its own line numbers in errors, which is what the user can fix.
    ron::Options::default()
        .from_str(&current)
        .map_err(|e| syntax(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::CheckStatus;
    use crate::session::model::JournalEntry;
    use time::macros::datetime;

    fn sample() -> Session {
        let mut s = Session::for_test(
            "acme",
            "Acme",
            "b2b-demo-to-launch",
            datetime!(2026-03-01 09:00 UTC),
        );
        s.version = 1;
        s.updated_at = datetime!(2026-03-01 10:00 UTC);
        s.targets.apex = "acme.test".into();
        s.state_mut("dns-apex").status = CheckStatus::Pass;
        s.state_mut("tls-cert").status = CheckStatus::Blocked;
        s
    }

    fn text(s: &Session) -> String {
        ron::ser::to_string_pretty(s, ron::ser::PrettyConfig::new().struct_names(true))
            .expect("serialise")
    }

    /// A test-only step standing in for a future format 2: it parses the old text, keeps
    /// everything and records a journal line, as a real step converting the model would.
    fn one_to_two(text: &str) -> Result<String, String> {
        let mut s: Session = ron::from_str(text).map_err(|e| e.to_string())?;
        s.version = 2;
        s.journal.push(JournalEntry {
            at: s.updated_at,
            text: "migrated from format 1".into(),
            kind: Default::default(),
        });
        ron::to_string(&s).map_err(|e| e.to_string())
    }

    fn forgets_to_bump(text: &str) -> Result<String, String> {
        Ok(text.to_string())
    }

    fn refuses(_: &str) -> Result<String, String> {
        Err("field `hosts` has an unexpected shape".into())
    }

    #[test]
    fn current_version_loads_without_steps() {
        let s = sample();
        assert_eq!(load(&text(&s)), Ok(s));
    }

    #[test]
    fn the_chain_runs_each_step_and_keeps_enum_values() {
        let s = sample();
        let got = load_with(&text(&s), &[one_to_two], 2).expect("migrates");
        assert_eq!(got.version, 2);
        assert_eq!(got.journal.len(), 1);
        assert_eq!(got.journal[0].text, "migrated from format 1");
        // The statuses survive the step: the reason steps take text, not ron::Value.
        assert_eq!(got.status("dns-apex"), CheckStatus::Pass);
        assert_eq!(got.status("tls-cert"), CheckStatus::Blocked);
    }

    #[test]
    fn a_missing_step_is_named() {
        let err = load_with(&text(&sample()), &[one_to_two], 3).expect_err("no 2 to 3 step");
        assert_eq!(
            err.to_string(),
            "migrating from format 2 to 3: this build has no migration for this format"
        );
    }

    #[test]
    fn a_step_that_does_not_advance_is_caught() {
        let err = load_with(&text(&sample()), &[forgets_to_bump], 2).expect_err("no bump");
        assert_eq!(
            err.to_string(),
            "migrating from format 1 to 2: the step wrote format 1"
        );
    }

    #[test]
    fn a_failing_step_reports_its_reason() {
        let err = load_with(&text(&sample()), &[refuses], 2).expect_err("step fails");
        assert!(
            err.to_string()
                .contains("field `hosts` has an unexpected shape"),
            "{err}"
        );
    }

    #[test]
    fn version_zero_and_missing_version_are_refused() {
        let zero = text(&sample()).replacen("version: 1", "version: 0", 1);
        assert_eq!(
            load(&zero),
            Err(MigrateError::BadVersion(
                "`version: 0` is not a session format (formats start at 1)".into()
            ))
        );
        let missing = text(&sample()).replacen("version: 1,", "", 1);
        assert!(
            matches!(load(&missing), Err(MigrateError::BadVersion(m)) if m.contains("no `version` field"))
        );
    }

    #[test]
    fn a_newer_file_with_unknown_fields_is_too_new_not_corrupt() {
        let newer =
            text(&sample()).replacen("version: 1,", "version: 99, teleporter: (on: true),", 1);
        assert_eq!(
            load(&newer),
            Err(MigrateError::TooNew {
                found: 99,
                supported: SCHEMA_VERSION
            })
        );
    }

    #[test]
    fn an_unknown_field_in_a_current_file_is_located() {
        let bad = text(&sample()).replacen("client:", "colour: \"red\",\n    client:", 1);
        match load(&bad) {
            Err(MigrateError::Syntax { line, message, .. }) => {
                assert_eq!(line, 4, "{message}");
                assert!(message.contains("colour"), "{message}");
            }
            other => panic!("expected a located error, got {other:?}"),
        }
    }
}
