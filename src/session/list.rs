//! Listing the sessions in the data dir for `launch-ready sessions` and the TUI picker.
//!
//! Interface fixed here; bodies to be completed.

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

/// Sessions in `dir`, most recently active first.
pub fn list_sessions(dir: &Path, now: OffsetDateTime) -> Vec<SessionSummary> {
    let _ = (dir, now);
    unimplemented!("session list")
}

/// Resolves a session name (file stem in the sessions dir) or a path to a session file path.
pub fn resolve(name_or_path: &str) -> Result<PathBuf, String> {
    let _ = name_or_path;
    unimplemented!("session list")
}
