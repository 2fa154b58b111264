//! The one way the product opens a file on a user's behalf: ignore files, baselines, env
//! files, runbooks and every file a scan reads. Those files sit in folders someone else
//! controls (a cloned repository, a downloaded build), so each read assumes the path may
//! be hostile:
//!
//! - A FIFO would block the open or the read forever, and a device (`/dev/zero`, reached
//!   through a link) never ends: the file is opened non-blocking and checked on the open
//!   descriptor, so nothing can swap it between the check and the read, and anything but a
//!   regular file is refused with what it is.
//! - A symbolic link inside a repository may point anywhere on the machine: below a root,
//!   a link that leads out of it is refused, and a dangling one says where it points.
//! - A regular file may be huge: reads stop at a limit the caller gives, and a file over it
//!   is refused with its size rather than read in part, so a scan can say what it skipped.
//!
//! Writes go through a temporary file in the destination's folder, synced and renamed
//! over the destination, so a crash leaves the old file or the new one, never half of one;
//! a link is written through only when its target stays below the root.

use std::fs::{File, Metadata};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Why a file was not read or written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{}: no such file", .path.display())]
    NotFound { path: PathBuf },
    #[error("{} is {kind}, not a regular file: not read", .path.display())]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error("{} is a symbolic link to {}, which does not exist: not followed", .path.display(), .target.display())]
    DanglingLink { path: PathBuf, target: PathBuf },
    #[error("{} is a symbolic link to {}, outside {}: not followed", .path.display(), .target.display(), .root.display())]
    OutsideRoot {
        path: PathBuf,
        target: PathBuf,
        root: PathBuf,
    },
    #[error("{} is {}, over the {} limit: not read", .path.display(), human_bytes(*.size), human_bytes(*.limit))]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl FileError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, FileError::NotFound { .. })
    }

    /// The path the caller asked for.
    pub fn path(&self) -> &Path {
        match self {
            FileError::NotFound { path }
            | FileError::NotAFile { path, .. }
            | FileError::DanglingLink { path, .. }
            | FileError::OutsideRoot { path, .. }
            | FileError::TooLarge { path, .. }
            | FileError::Io { path, .. } => path,
        }
    }

    fn io(path: &Path, source: io::Error) -> FileError {
        if source.kind() == io::ErrorKind::NotFound {
            FileError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            FileError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    }
}

/// `n` bytes as a person reads them: `812 B`, `4 MiB`, `12.5 MiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    #[allow(clippy::cast_precision_loss)] // a size shown to one decimal
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    let shown = format!("{v:.1}");
    let shown = shown.strip_suffix(".0").unwrap_or(&shown);
    format!("{shown} {}", UNITS[unit])
}

/// A plain name for what kind of file system object `meta` describes.
pub fn kind_name(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// Opens `path` for reading without waiting: a FIFO with no writer returns at once instead
/// of blocking the open; for a regular file the flag changes nothing.
#[cfg(unix)]
pub fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
pub fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Where `path` really is, every link resolved; a dangling link is refused with its
/// target, and with a `root` (canonical) a target outside it is refused too.
fn resolve(path: &Path, root: Option<&Path>) -> Result<PathBuf, FileError> {
    let real = match std::fs::canonicalize(path) {
        Ok(p) => p,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(match std::fs::symlink_metadata(path) {
                Ok(m) if m.file_type().is_symlink() => FileError::DanglingLink {
                    path: path.to_path_buf(),
                    target: std::fs::read_link(path).unwrap_or_default(),
                },
                _ => FileError::io(path, e),
            });
        }
        Err(e) => return Err(FileError::io(path, e)),
    };
    if let Some(root) = root
        && !real.starts_with(root)
    {
        return Err(FileError::OutsideRoot {
            path: path.to_path_buf(),
            target: real,
            root: root.to_path_buf(),
        });
    }
    Ok(real)
}

/// The open regular file at `real` (a resolved path) and its metadata; errors name `path`,
/// the path the caller gave.
fn open_resolved(real: &Path, path: &Path) -> Result<(File, Metadata), FileError> {
    let file = open_nonblocking(real).map_err(|e| FileError::io(path, e))?;
    let meta = file.metadata().map_err(|e| FileError::io(path, e))?;
    if !meta.is_file() {
        return Err(FileError::NotAFile {
            path: path.to_path_buf(),
            kind: kind_name(&meta),
        });
    }
    Ok((file, meta))
}

/// Reads at most `limit` bytes of `file`; more than that is refused as too large (the
/// file may have grown since its size was read).
fn read_capped(path: &Path, file: File, meta: &Metadata, limit: u64) -> Result<Vec<u8>, FileError> {
    let too_large = |size| FileError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| FileError::io(path, e))?;
    let read = bytes.len() as u64;
    if read > limit {
        return Err(too_large(read));
    }
    Ok(bytes)
}

/// The bytes of the regular file at `path`, wherever it is (a file the operator named),
/// up to `limit`.
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let (file, meta) = open_resolved(&resolve(path, None)?, path)?;
    read_capped(path, file, &meta, limit)
}

/// `read` as text; bytes that are not UTF-8 become U+FFFD (env and ignore files are
/// judged line by line, a stray byte must not hide the rest).
pub fn read_text(path: &Path, limit: u64) -> Result<String, FileError> {
    read(path, limit).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// A folder whose files are read and written on a user's behalf: nothing below it may
/// lead out of it.
#[derive(Debug, Clone)]
pub struct Root {
    /// As given, for messages.
    shown: PathBuf,
    /// With every link resolved, for the containment test.
    real: PathBuf,
}

impl Root {
    pub fn new(root: &Path) -> Result<Root, FileError> {
        let real = std::fs::canonicalize(root).map_err(|e| FileError::io(root, e))?;
        Ok(Root {
            shown: root.to_path_buf(),
            real,
        })
    }

    pub fn path(&self) -> &Path {
        &self.shown
    }

    fn resolve(&self, path: &Path) -> Result<PathBuf, FileError> {
        resolve(path, Some(&self.real)).map_err(|e| match e {
            FileError::OutsideRoot { path, target, .. } => FileError::OutsideRoot {
                path,
                target,
                root: self.shown.clone(),
            },
            e => e,
        })
    }

    /// The bytes of the regular file at `path` below the root, up to `limit`.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
        let (file, meta) = open_resolved(&self.resolve(path)?, path)?;
        read_capped(path, file, &meta, limit)
    }

    /// `read` as text (see `read_text`).
    pub fn read_text(&self, path: &Path, limit: u64) -> Result<String, FileError> {
        self.read(path, limit)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    /// The first `n` bytes of the regular file at `path` below the root, whatever its
    /// size: enough to tell text from binary.
    pub fn read_head(&self, path: &Path, n: u64) -> Result<Vec<u8>, FileError> {
        let (file, _) = open_resolved(&self.resolve(path)?, path)?;
        let mut bytes = Vec::new();
        file.take(n)
            .read_to_end(&mut bytes)
            .map_err(|e| FileError::io(path, e))?;
        Ok(bytes)
    }

    /// `Ok(true)` when `path` below the root is a regular file another program may read,
    /// `Ok(false)` when there is nothing there; anything else is refused. For files a
    /// library opens itself (git reads ignore files on its own).
    pub fn check_regular(&self, path: &Path) -> Result<bool, FileError> {
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(FileError::io(path, e)),
            Ok(_) => {}
        }
        let real = self.resolve(path)?;
        let meta = std::fs::metadata(&real).map_err(|e| FileError::io(path, e))?;
        if meta.is_file() {
            Ok(true)
        } else {
            Err(FileError::NotAFile {
                path: path.to_path_buf(),
                kind: kind_name(&meta),
            })
        }
    }

    /// Replaces the file at `path` below the root with `bytes`, atomically: a temporary
    /// file in the same folder, synced, renamed over it. A link is written through to its
    /// target when that stays below the root; a dangling link, a link out of the root and
    /// anything but a regular file are refused. Returns the file written.
    pub fn write_atomic(&self, path: &Path, bytes: &[u8]) -> Result<PathBuf, FileError> {
        let dest = match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => self.resolve(path)?,
            Ok(m) if !m.is_file() => {
                return Err(FileError::NotAFile {
                    path: path.to_path_buf(),
                    kind: kind_name(&m),
                });
            }
            Ok(_) => path.to_path_buf(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => path.to_path_buf(),
            Err(e) => return Err(FileError::io(path, e)),
        };
        let existing = match std::fs::metadata(&dest) {
            Ok(m) if m.is_file() => Some(m),
            Ok(m) => {
                return Err(FileError::NotAFile {
                    path: path.to_path_buf(),
                    kind: kind_name(&m),
                });
            }
            Err(_) => None,
        };
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // The folder itself must be below the root (a path with `..` or a linked folder).
        self.resolve(&dir)?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let io_err = |e| FileError::io(path, e);
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(io_err)?;
        tmp.write_all(bytes).map_err(io_err)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // A temporary file is private (0600); the file it replaces keeps its mode, a new
            // one gets a plain file's.
            let mode = existing.as_ref().map_or(0o644, |m| m.permissions().mode());
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(io_err)?;
        }
        #[cfg(not(unix))]
        let _ = existing;
        tmp.as_file().sync_all().map_err(io_err)?;
        tmp.persist(&dest).map_err(|e| io_err(e.error))?;
        // The rename is durable once the folder is synced; a folder that cannot be
        // opened for that (some platforms) still holds the complete new file.
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(dest)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mkfifo(path: &Path) {
        let ok = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .expect("mkfifo");
        assert!(ok.success());
    }

    #[test]
    fn special_files_links_out_and_large_files_are_refused_by_what_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let root = Root::new(dir.path()).unwrap();
        let fifo = dir.path().join("pipe");
        mkfifo(&fifo);
        let e = root.read(&fifo, 1024).unwrap_err();
        assert!(
            matches!(e, FileError::NotAFile { kind, .. } if kind.contains("FIFO")),
            "{e}"
        );
        let e = read(&fifo, 1024).unwrap_err();
        assert!(e.to_string().contains("named pipe"), "{e}");

        let zero = dir.path().join("zero");
        symlink("/dev/zero", &zero).unwrap();
        let e = root.read(&zero, 1024).unwrap_err();
        assert!(matches!(e, FileError::OutsideRoot { .. }), "{e}");
        let e = read(&zero, 1024).unwrap_err();
        assert!(e.to_string().contains("a device"), "{e}");

        let dangling = dir.path().join("gone");
        symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(matches!(
            root.read(&dangling, 10).unwrap_err(),
            FileError::DanglingLink { .. }
        ));
        assert!(
            root.read(&dir.path().join("absent"), 10)
                .unwrap_err()
                .is_not_found()
        );

        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; 2048]).unwrap();
        let e = root.read(&big, 1024).unwrap_err();
        assert!(
            matches!(
                e,
                FileError::TooLarge {
                    size: 2048,
                    limit: 1024,
                    ..
                }
            ),
            "{e}"
        );
        assert_eq!(
            e.to_string(),
            format!("{} is 2 KiB, over the 1 KiB limit: not read", big.display())
        );
        assert_eq!(root.read_head(&big, 4).unwrap(), b"aaaa");

        let inside = dir.path().join("link-inside");
        symlink(&big, &inside).unwrap();
        assert_eq!(root.read(&inside, 4096).unwrap().len(), 2048);
        assert!(root.check_regular(&inside).unwrap());
        assert!(!root.check_regular(&dir.path().join("absent")).unwrap());
        assert!(root.check_regular(&fifo).is_err());
    }

    #[test]
    fn atomic_writes_replace_the_file_and_never_leave_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir(&repo).unwrap();
        let root = Root::new(&repo).unwrap();
        let file = repo.join("baseline.json");
        assert_eq!(root.write_atomic(&file, b"one").unwrap(), file);
        assert_eq!(root.write_atomic(&file, b"two").unwrap(), file);
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        let names: Vec<String> = std::fs::read_dir(&repo)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["baseline.json"], "no temporary file left");

        let outside = dir.path().join("other.json");
        std::fs::write(&outside, b"theirs").unwrap();
        let link = repo.join("linked.json");
        symlink(&outside, &link).unwrap();
        assert!(matches!(
            root.write_atomic(&link, b"mine").unwrap_err(),
            FileError::OutsideRoot { .. }
        ));
        assert_eq!(std::fs::read(&outside).unwrap(), b"theirs");

        let dangling = repo.join("dangling.json");
        symlink(dir.path().join("planted.json"), &dangling).unwrap();
        assert!(matches!(
            root.write_atomic(&dangling, b"mine").unwrap_err(),
            FileError::DanglingLink { .. }
        ));
        assert!(!dir.path().join("planted.json").exists());

        let fifo = repo.join("pipe.json");
        mkfifo(&fifo);
        assert!(matches!(
            root.write_atomic(&fifo, b"x").unwrap_err(),
            FileError::NotAFile { .. }
        ));

        let inner = repo.join("inner-link.json");
        symlink(&file, &inner).unwrap();
        assert_eq!(
            root.write_atomic(&inner, b"three").unwrap(),
            std::fs::canonicalize(&file).unwrap()
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"three");
        assert!(
            std::fs::symlink_metadata(&inner)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(human_bytes(812), "812 B");
        assert_eq!(human_bytes(4 * 1024 * 1024), "4 MiB");
        assert_eq!(human_bytes(5_200_000), "5 MiB");
        assert_eq!(human_bytes(12 * 1024 * 1024 + 600 * 1024), "12.6 MiB");
    }
}
