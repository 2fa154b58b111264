//! Session persistence: strict RON files written atomically (temp file, fsync, rename) with
//! the previous version kept as `NAME.ron.bak`, an advisory lock against a second editor,
//! and schema migration on load (`migrate.rs`). A corrupt or newer file is never overwritten.
//!
//! Why it is shaped this way:
//! - Every replacement is a rename of a fully written, fsynced file, so after a crash the
//!   session file is either the old version or the new one, never a torn mix. The directory
//!   is fsynced after the renames so they survive a power cut too.
//! - The backup is refreshed by hard-linking the current file to a temp name and renaming
//!   that over `.bak`: the backup also flips atomically from one good version to the next, and
//!   the main file and the backup are never both in doubt.
//! - Only [`SessionFile`] writes, and it exists only after a successful, locked open: a file
//!   that does not parse or comes from a newer build cannot be opened, so nothing saves over
//!   it. Opening the backup instead is explicit, and the unreadable file is then set aside as
//!   `NAME.ron.corrupt` rather than becoming the new backup.
//! - The lock lives in a sidecar `NAME.ron.lock` that is never deleted: the session file
//!   itself is replaced on every save, so a lock on it would not outlive the first rename.
//! - Everything works on the real path (symbolic links resolved, see `files.rs`), so two
//!   names for one file share one lock and a save never replaces a link with a copy.
//! - Nothing a user set aside is overwritten: a second recovery numbers its `.corrupt` file,
//!   a read-only session is refused rather than replaced, and a save keeps the file's mode.

use super::files;
use super::migrate::{self, MigrateError};
use super::model::Session;
use std::ffi::OsString;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

pub use super::error::StoreError;

/// An open, locked session file. Dropping it releases the lock.
#[derive(Debug)]
pub struct SessionFile {
    pub path: PathBuf,
    /// Holds the advisory lock for as long as this value lives.
    _lock: File,
    /// Opened from the backup: the main file is unreadable and must not become the backup.
    main_unreadable: AtomicBool,
}

/// `NAME.ron` → `NAME.ron<suffix>` in the same folder.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.file_name().map(OsString::from).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Where the previous version of `path` is kept.
pub fn backup_path(path: &Path) -> PathBuf {
    sibling(path, ".bak")
}

/// The sidecar file that carries the advisory lock for `path`.
pub fn lock_path(path: &Path) -> PathBuf {
    sibling(path, ".lock")
}

/// Where an unreadable file is set aside when the session is restored from its backup (the
/// first time; later recoveries use [`free_corrupt_path`]).
pub fn corrupt_path(path: &Path) -> PathBuf {
    sibling(path, ".corrupt")
}

/// The first of `NAME.ron.corrupt`, `NAME.ron.corrupt.2`, `NAME.ron.corrupt.3`, … that does
/// not exist yet, so an earlier damaged file that was set aside is never overwritten.
pub fn free_corrupt_path(path: &Path) -> PathBuf {
    let taken = |p: &Path| std::fs::symlink_metadata(p).is_ok();
    let first = corrupt_path(path);
    if !taken(&first) {
        return first;
    }
    (2u32..)
        .map(|n| sibling(path, &format!(".corrupt.{n}")))
        .find(|p| !taken(p))
        .unwrap_or(first)
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn lock(path: &Path) -> Result<File, StoreError> {
    let lock_file = lock_path(path);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_file)
        .map_err(|e| StoreError::io(&lock_file, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(StoreError::Locked {
            path: path.to_path_buf(),
        }),
        Err(TryLockError::Error(e)) => Err(StoreError::io(&lock_file, e)),
    }
}

/// Decodes and parses the bytes read from `path`. Bytes that are not UTF-8 are damage like
/// a syntax error: same error, located at the first bad byte, with the same backup hint.
pub(crate) fn parse_bytes(
    bytes: Vec<u8>,
    path: &Path,
    backup: Option<PathBuf>,
) -> Result<Session, StoreError> {
    match files::decode(bytes) {
        Ok(text) => parse(&text, path, backup),
        Err(bad) => Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            line: bad.line,
            column: bad.column,
            message: format!("the file is not valid UTF-8 text (byte 0x{:02x})", bad.byte),
            backup,
        }),
    }
}

/// Parses `text` read from `path`, mapping problems to errors that name the file and offer
/// `backup` when there is one.
pub(crate) fn parse(
    text: &str,
    path: &Path,
    backup: Option<PathBuf>,
) -> Result<Session, StoreError> {
    migrate::load(text).map_err(|e| match e {
        MigrateError::Syntax {
            line,
            column,
            message,
        } => StoreError::Corrupt {
            path: path.to_path_buf(),
            line,
            column,
            message,
            backup,
        },
        MigrateError::TooNew { found, supported } => StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            supported,
            backup,
        },
        other @ (MigrateError::BadVersion(_) | MigrateError::Step { .. }) => StoreError::Corrupt {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: other.to_string(),
            backup,
        },
    })
}

/// Reads and parses `path` without locking it (for listings and `check --session`). Only a
/// regular file is read: a FIFO, folder or device is refused at once instead of blocking.
pub fn read(path: &Path) -> Result<Session, StoreError> {
    let bytes = files::read_bytes(path)?;
    let bak = backup_path(path);
    parse_bytes(bytes, path, bak.is_file().then_some(bak))
}

/// Refuses a session file that is read-only: replacing it would undo that protection.
/// Refuses a session file that has another name than `real` (and its own backup, which is a
/// link to it for a moment during a save). The lock is a sidecar of one name, so a second
/// name would get a second lock.
#[cfg(unix)]
fn ensure_one_name(given: &Path, real: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(real) else {
        return Ok(());
    };
    if meta.nlink() <= 1 {
        return Ok(());
    }
    let ours = backup_path(real);
    let mut others: Vec<String> = Vec::new();
    let mut ours_linked = false;
    if let Ok(entries) = std::fs::read_dir(parent_dir(real)) {
        for e in entries.flatten() {
            let p = e.path();
            if p == real {
                continue;
            }
            let same = std::fs::symlink_metadata(&p)
                .is_ok_and(|m| m.is_file() && m.ino() == meta.ino() && m.dev() == meta.dev());
            if !same {
                continue;
            }
            let is_tmp = p.extension().is_some_and(|x| x == "tmp");
            if p == ours || is_tmp {
                ours_linked = true;
            } else {
                others.push(p.display().to_string());
            }
        }
    }
    let explained = 1 + u64::from(ours_linked) + others.len() as u64;
    if others.is_empty() && explained >= meta.nlink() {
        return Ok(());
    }
    if explained < meta.nlink() {
        others.push("a name in another folder".to_string());
    }
    Err(StoreError::HardLinked {
        path: given.to_path_buf(),
        others: others.join(", "),
    })
}

#[cfg(not(unix))]
fn ensure_one_name(_given: &Path, _real: &Path) -> Result<(), StoreError> {
    Ok(())
}

fn ensure_writable(path: &Path, meta: &std::fs::Metadata) -> Result<(), StoreError> {
    if meta.permissions().readonly() {
        Err(StoreError::ReadOnly {
            path: path.to_path_buf(),
        })
    } else {
        Ok(())
    }
}

/// The text written for `session`: struct names on, two-space indent, fields in model order
/// and maps in key order (the model uses `BTreeMap`), so diffs between saves stay small.
pub fn to_ron(session: &Session) -> Result<String, ron::Error> {
    // Secrets typed into notes and reasons are redacted on the way to disk.
    let scrubbed = super::redact::for_disk(session);
    let session = scrubbed.as_ref().unwrap_or(session);
    let config = ron::ser::PrettyConfig::new()
        .struct_names(true)
        .indentor("  ");
    let mut text = ron::ser::to_string_pretty(session, config)?;
    text.push('\n');
    Ok(text)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Directories cannot be opened for syncing here; the renames are still atomic.
    Ok(())
}

/// Writes `bytes` to a new temp file beside `target` and fsyncs it.
fn write_temp(target: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, StoreError> {
    let dir = parent_dir(target);
    let stem = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{stem}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| StoreError::io(dir, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| StoreError::io(tmp.path(), e))?;
    Ok(tmp)
}

/// Points `.bak` at the current content of `path`, atomically. No current file: nothing to do.
fn refresh_backup(path: &Path) -> Result<(), StoreError> {
    let bak = backup_path(path);
    let dir = parent_dir(path);
    let staging = tempfile::Builder::new()
        .prefix(".bak.")
        .suffix(".tmp")
        .make_in(dir, |p| std::fs::hard_link(path, p));
    match staging {
        Ok(link) => link
            .persist(&bak)
            .map(drop)
            .map_err(|e| StoreError::io(&bak, e.error)),
        Err(e) if e.kind() == io::ErrorKind::NotFound && !path.exists() => Ok(()),
        // No hard links on this file system: fall back to a copy written the same safe way.
        Err(_) => {
            let bytes = std::fs::read(path).map_err(|e| StoreError::io(path, e))?;
            write_temp(&bak, &bytes)?
                .persist(&bak)
                .map(drop)
                .map_err(|e| StoreError::io(&bak, e.error))
        }
    }
}

/// `e` about the path the user gave rather than the resolved one, where it names a path.
fn named(e: StoreError, given: &Path) -> StoreError {
    match e {
        StoreError::Locked { .. } => StoreError::Locked {
            path: given.to_path_buf(),
        },
        other => other,
    }
}

impl SessionFile {
    /// Locks and loads `path` (the file a symbolic link points at, if it is one), migrating
    /// older formats.
    pub fn open(path: &Path) -> Result<(SessionFile, Session), StoreError> {
        // Checked first so a wrong name is reported as such and leaves no stray lock file.
        let meta = files::ensure_regular(path)?;
        ensure_writable(path, &meta)?;
        let real = files::real_path(path)?;
        ensure_one_name(path, &real)?;
        let lock = lock(&real).map_err(|e| named(e, path))?;
        let session = read(&real).map_err(|e| named(e, path))?;
        Ok((SessionFile::locked(&real, lock, false), session))
    }

    /// Locks `path` and loads its backup instead (after a corrupt or newer file). The next
    /// save writes `path` again; the unreadable file is then kept as `NAME.ron.corrupt`.
    pub fn open_backup(path: &Path) -> Result<(SessionFile, Session), StoreError> {
        let real = files::real_path(path)?;
        if let Ok(meta) = std::fs::metadata(&real) {
            if !meta.is_file() {
                return Err(StoreError::NotAFile {
                    path: path.to_path_buf(),
                    kind: files::kind_name(&meta),
                });
            }
            ensure_writable(path, &meta)?;
        }
        ensure_one_name(path, &real)?;
        // Locked first: if another process has the session open, that is what to fix.
        let lock = lock(&real).map_err(|e| named(e, path))?;
        let bak = backup_path(&real);
        let bytes = files::read_bytes(&bak)?;
        let session = parse_bytes(bytes, &bak, None)?;
        let main_readable = files::read_bytes(&real)
            .ok()
            .and_then(|b| files::decode(b).ok())
            .is_some_and(|t| migrate::load(&t).is_ok());
        Ok((SessionFile::locked(&real, lock, !main_readable), session))
    }

    /// Creates `path` for a new session (fails if it exists) and locks it.
    pub fn create(path: &Path, session: &Session) -> Result<SessionFile, StoreError> {
        let dir = parent_dir(path);
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        let path = &files::real_path(path)?;
        let dir = parent_dir(path);
        let lock = lock(path)?;
        let text = to_ron(session).map_err(|e| StoreError::io(path, io::Error::other(e)))?;
        let tmp = write_temp(path, text.as_bytes())?;
        // `persist_noclobber` refuses an existing target, so a session is never replaced here.
        tmp.persist_noclobber(path)
            .map_err(|e| StoreError::io(path, e.error))?;
        sync_dir(dir).map_err(|e| StoreError::io(dir, e))?;
        Ok(SessionFile::locked(path, lock, false))
    }

    fn locked(path: &Path, lock: File, main_unreadable: bool) -> SessionFile {
        SessionFile {
            path: path.to_path_buf(),
            _lock: lock,
            main_unreadable: AtomicBool::new(main_unreadable),
        }
    }

    /// Writes `session` atomically, keeping the previous version as the backup and the
    /// file's permissions as they were.
    pub fn save(&self, session: &Session) -> Result<(), StoreError> {
        let path = self.path.as_path();
        let dir = parent_dir(path);
        let current = std::fs::metadata(path).ok();
        // Made read-only while open: the protection wins over this save.
        if let Some(meta) = &current {
            ensure_writable(path, meta)?;
        }
        let text = to_ron(session).map_err(|e| StoreError::io(path, io::Error::other(e)))?;
        let tmp = write_temp(path, text.as_bytes())?;
        if let Some(meta) = &current {
            // The temp file is created private (0600); the session keeps the mode it had.
            tmp.as_file()
                .set_permissions(meta.permissions())
                .map_err(|e| StoreError::io(tmp.path(), e))?;
        }
        if self.main_unreadable.load(Ordering::Acquire) {
            let aside = free_corrupt_path(path);
            match std::fs::rename(path, &aside) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::io(&aside, e)),
            }
        } else {
            refresh_backup(path)?;
        }
        tmp.persist(path)
            .map_err(|e| StoreError::io(path, e.error))?;
        sync_dir(dir).map_err(|e| StoreError::io(dir, e))?;
        self.main_unreadable.store(false, Ordering::Release);
        Ok(())
    }
}
