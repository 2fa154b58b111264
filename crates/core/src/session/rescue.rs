//! Somewhere else to put a session when its own file cannot be written (a full disk, its
//! folder gone): a new, timestamped file in the sessions folder, or failing that in the
//! temp folder (often another file system). The copy is a complete session file, so it can
//! be opened with `launch-ready open PATH` and nothing needs converting.
//!
//! A copy never replaces anything: names are taken with `create_new`, and a clash gets
//! the next number. Like a session file, a copy is readable by its owner only.

use super::model::Session;
use super::store::to_ron;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// Why no copy could be written: each folder tried, with its error.
#[derive(Debug, thiserror::Error)]
#[error("no copy could be written ({})", .tried.iter().map(|(d, e)| format!("{}: {e}", d.display())).collect::<Vec<_>>().join("; "))]
pub struct RescueError {
    pub tried: Vec<(PathBuf, std::io::Error)>,
}

/// The folders a copy is tried in, in order: the sessions folder, then the temp folder.
pub fn copy_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = crate::paths::sessions_dir().into_iter().collect();
    let tmp = std::env::temp_dir();
    if !dirs.contains(&tmp) {
        dirs.push(tmp);
    }
    dirs
}

/// Writes `session` to a new file in the first of [`copy_dirs`] that takes it.
pub fn write_copy(session: &Session, now: OffsetDateTime) -> Result<PathBuf, RescueError> {
    write_copy_in(session, &copy_dirs(), now)
}

/// [`write_copy`] with explicit folders.
pub fn write_copy_in(
    session: &Session,
    dirs: &[PathBuf],
    now: OffsetDateTime,
) -> Result<PathBuf, RescueError> {
    let mut tried = Vec::new();
    let text = match to_ron(session) {
        Ok(t) => t,
        Err(e) => {
            let first = dirs.first().cloned().unwrap_or_default();
            tried.push((first, std::io::Error::other(e)));
            return Err(RescueError { tried });
        }
    };
    for dir in dirs {
        match write_in(dir, &session.name, text.as_bytes(), now) {
            Ok(path) => return Ok(path),
            Err(e) => tried.push((dir.clone(), e)),
        }
    }
    Err(RescueError { tried })
}

fn stamp(now: OffsetDateTime) -> String {
    format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

fn write_in(dir: &Path, name: &str, bytes: &[u8], now: OffsetDateTime) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let base = format!("{name}-unsaved-{}", stamp(now));
    for n in 1..100u32 {
        let file_name = if n == 1 {
            format!("{base}.ron")
        } else {
            format!("{base}-{n}.ron")
        };
        let path = dir.join(file_name);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        // Private from its creation, as session files are (0600): the copy holds the whole
        // session and usually lands in the shared temp folder.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = match options.open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        if let Err(e) = written {
            // A half-written copy would look like a session; leave nothing behind.
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        return Ok(path);
    }
    Err(std::io::Error::other(
        "too many copies with this name already",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn session() -> Session {
        let now = datetime!(2026-03-01 09:00 UTC);
        Session::for_test("acme", "Acme", "x", now)
    }

    #[test]
    fn a_copy_skips_an_unusable_folder_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, "a file, not a folder").expect("write");
        let good = dir.path().join("good");
        let now = datetime!(2026-03-01 10:11:12 UTC);
        let dirs = [blocked.clone(), good.clone()];
        let first = write_copy_in(&session(), &dirs, now).expect("copy");
        assert_eq!(first, good.join("acme-unsaved-20260301-101112.ron"));
        let second = write_copy_in(&session(), &dirs, now).expect("copy");
        assert_eq!(second, good.join("acme-unsaved-20260301-101112-2.ron"));
        let text = std::fs::read_to_string(&first).expect("read");
        assert_eq!(
            crate::session::migrate::load(&text).expect("parses"),
            session()
        );
        let err = write_copy_in(&session(), &[blocked], now).expect_err("nowhere");
        assert!(
            err.to_string().contains("no copy could be written"),
            "{err}"
        );
    }

    /// A copy holds the whole session (targets, notes, findings) and often lands in the
    /// shared temp folder: it is as private as the session file itself.
    #[cfg(unix)]
    #[test]
    fn a_copy_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let now = datetime!(2026-03-01 10:11:12 UTC);
        let path = write_copy_in(&session(), &[dir.path().to_path_buf()], now).expect("copy");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
}
