//! What can go wrong with a session file, each saying what the user can do about it.

use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file does not parse; line and column point at the problem.
    #[error("{path}:{line}:{column}: {message}")]
    Corrupt {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        /// A backup that can be opened instead, when one exists.
        backup: Option<PathBuf>,
    },
    /// Written by a newer launch-ready.
    #[error(
        "{path} was written by a newer launch-ready (format {found}, this build reads up to {supported})"
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
        backup: Option<PathBuf>,
    },
    /// Another process holds the session's lock.
    #[error("{path} is open in another launch-ready process; close it there first")]
    Locked { path: PathBuf },
    /// Something other than a regular file sits at the path (a FIFO, a folder, a device).
    #[error("{path} is {kind}, not a session file; move it away or open another session")]
    NotAFile { path: PathBuf, kind: &'static str },
    /// A symbolic link whose target does not exist.
    #[error(
        "{path} is a symbolic link to {}, which does not exist; restore the file there or remove the link",
        .target.display()
    )]
    DanglingLink { path: PathBuf, target: PathBuf },
    /// The file is read-only: someone protected it, so it is not replaced.
    #[error(
        "{path} is read-only, so launch-ready will not change it; make it writable (chmod u+w) to edit it, or copy it and open the copy"
    )]
    ReadOnly { path: PathBuf },
    /// The file has another name (a hard link): two names would take two locks, and the
    /// first save would split them into two files.
    #[error(
        "{path} is also reachable as {others} (a hard link), so two launch-ready processes could edit it at once and a save would split the names into two files; remove the other name, or copy the file and open the copy"
    )]
    HardLinked { path: PathBuf, others: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    /// The backup the user can fall back to, when the error is about the file's content.
    pub fn backup(&self) -> Option<&Path> {
        match self {
            StoreError::Corrupt { backup, .. } | StoreError::TooNew { backup, .. } => {
                backup.as_deref()
            }
            _ => None,
        }
    }

    /// What the user can do next, when the error alone does not say: the backup to open
    /// instead, or that a damaged file without one is left as it is. One text for every
    /// front end (the TUI's open, `check`, `report`, `monitor`), so none of them leaves the
    /// way back out.
    pub fn hint(&self) -> Option<String> {
        match self {
            StoreError::Corrupt {
                path,
                backup: Some(b),
                ..
            }
            | StoreError::TooNew {
                path,
                backup: Some(b),
                ..
            } => Some(format!(
                "a backup exists at {}: open it with `launch-ready open {} --from-backup`",
                b.display(),
                path.display()
            )),
            StoreError::Corrupt { backup: None, .. } => {
                Some("the file is damaged and has no backup; it is left untouched".to_string())
            }
            _ => None,
        }
    }

    /// The error followed by its hint on the next line, as every front end shows it.
    pub fn explained(&self) -> String {
        match self.hint() {
            Some(h) => format!("{self}\n{h}"),
            None => self.to_string(),
        }
    }

    pub(crate) fn io(path: &Path, source: io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
