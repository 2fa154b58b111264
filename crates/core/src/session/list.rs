//! Listing the sessions in the data dir for `launch-ready sessions` and the TUI picker.
//!
//! Listing reads files without taking their locks, so a session open in another process
//! still shows up (a save replaces the file by rename, so a read never sees half a file).
//! A file that cannot be read is listed with the reason instead of being dropped: the user
//! must learn that a session needs attention, not find it silently missing.

use super::files::{file_stem, session_files};
use super::resolve::ResolveError;
use super::store::{self, StoreError};
use crate::runbook::library::Library;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// One row of the sessions table / picker.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionSummary {
    pub path: PathBuf,
    pub name: String,
    pub client: String,
    pub runbook_id: String,
    /// `(done, total)` checks, or `None` when the runbook is unknown.
    pub progress: Option<(usize, usize)>,
    /// Hours since the sprint started.
    pub sprint_hour: i64,
    pub updated_at: OffsetDateTime,
    /// Set when the file could not be read; the other fields are then best effort.
    pub problem: Option<String>,
}

fn modified(path: &Path) -> OffsetDateTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_or(OffsetDateTime::UNIX_EPOCH, OffsetDateTime::from)
}

fn problem_text(e: &StoreError) -> String {
    let base = match e {
        StoreError::Io { source, .. } => format!("cannot read the file: {source}"),
        StoreError::Corrupt {
            line,
            column,
            message,
            ..
        } => format!("damaged at line {line}, column {column}: {message}"),
        StoreError::TooNew {
            found, supported, ..
        } => format!(
            "written by a newer launch-ready (format {found}, this build reads up to {supported})"
        ),
        StoreError::NotAFile { kind, .. } => format!("cannot be opened: it is {kind}"),
        StoreError::DanglingLink { target, .. } => format!(
            "a symbolic link to {}, which does not exist",
            target.display()
        ),
        StoreError::Locked { .. } | StoreError::ReadOnly { .. } | StoreError::HardLinked { .. } => {
            e.to_string()
        }
    };
    if e.backup().is_some() {
        format!("{base}; a backup exists (open it with --from-backup)")
    } else {
        base
    }
}

fn summarise(path: PathBuf, library: &Library, now: OffsetDateTime) -> SessionSummary {
    match store::read(&path) {
        Ok(session) => SessionSummary {
            name: file_stem(&path),
            client: session.client.clone(),
            runbook_id: session.runbook.id.clone(),
            progress: library
                .find(&session.runbook.id, session.runbook.path.as_deref())
                .ok()
                .map(|l| super::progress::progress(&l.runbook, &session)),
            sprint_hour: session.sprint_hour(now),
            updated_at: session.updated_at,
            problem: None,
            path,
        },
        Err(e) => SessionSummary {
            name: file_stem(&path),
            client: String::new(),
            runbook_id: String::new(),
            progress: None,
            sprint_hour: 0,
            updated_at: modified(&path),
            problem: Some(problem_text(&e)),
            path,
        },
    }
}

/// Sessions in `dir`, most recently active first.
pub fn list_sessions(dir: &Path, now: OffsetDateTime) -> Vec<SessionSummary> {
    let files = session_files(dir);
    if files.is_empty() {
        return Vec::new();
    }
    let library = Library::installed();
    let mut rows: Vec<SessionSummary> = files
        .into_iter()
        .map(|p| summarise(p, &library, now))
        .collect();
    rows.sort_by(|a, b| {
        b.updated_at
            .cmp(&a.updated_at)
            .then_with(|| a.name.cmp(&b.name))
    });
    rows
}

/// Resolves a session name, client name or path to a session file path (see
/// [`super::resolve::resolve_name`]).
pub fn resolve(name_or_path: &str) -> Result<PathBuf, ResolveError> {
    super::resolve::resolve_name(name_or_path)
}

/// [`resolve`] against an explicit sessions folder.
pub fn resolve_in(name_or_path: &str, dir: Option<&Path>) -> Result<PathBuf, ResolveError> {
    super::resolve::resolve_name_in(name_or_path, dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_session_files_are_listed() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in [
            "acme.ron",
            "acme.ron.bak",
            "acme.ron.lock",
            "acme.ron.corrupt",
            ".acme.ron.abc123.tmp",
            ".hidden.ron",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(name), "x").expect("write");
        }
        std::fs::create_dir(dir.path().join("folder.ron")).expect("mkdir");
        let mut files = session_files(dir.path());
        files.sort();
        // The folder is listed (with its reason, by `summarise`), not silently dropped.
        assert_eq!(
            files,
            vec![dir.path().join("acme.ron"), dir.path().join("folder.ron")]
        );
    }

    #[test]
    fn resolve_names_paths_and_unknowns() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("acme.ron");
        std::fs::write(&file, "x").expect("write");
        std::fs::write(dir.path().join("beta.ron"), "x").expect("write");
        assert_eq!(resolve_in("acme", Some(dir.path())), Ok(file.clone()));
        let as_text = file.to_string_lossy().into_owned();
        assert_eq!(resolve_in(&as_text, None), Ok(file));
        assert_eq!(
            resolve_in("gamma", Some(dir.path())).map_err(|e| e.to_string()),
            Err("no session named `gamma`; known sessions: acme, beta".into())
        );
        assert_eq!(
            resolve_in("missing/x.ron", Some(dir.path())).map_err(|e| e.to_string()),
            Err("no session file at `missing/x.ron`".into())
        );
        let empty = tempfile::tempdir().expect("tempdir");
        let err = resolve_in("acme", Some(empty.path()))
            .expect_err("no sessions")
            .to_string();
        assert!(err.contains("there are no sessions in"), "{err}");
    }
}
