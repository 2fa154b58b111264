//! What the store needs to know about a path before it trusts it: where a symbolic link
//! really points, whether the thing there is a regular file, and the text inside it.
//!
//! Why it is shaped this way:
//! - A session reached through a symbolic link is the file the link points at. Locking,
//!   saving and backing up all use that real path, so a second process opening the link is
//!   locked out, and a save replaces the target instead of turning the link into a fork.
//! - A FIFO, a device or a directory where a session should be is refused before anything
//!   reads from it: reading a FIFO with no writer would block forever. On Unix the file is
//!   opened non-blocking and checked on the open descriptor, so nothing can swap it between
//!   the check and the read.
//! - Text that is not UTF-8 is damage like any other: it is reported with the line and
//!   column of the first bad byte, so it reaches the same backup hint as a truncated file.

use super::error::StoreError;
use std::fs::Metadata;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

pub(crate) use crate::files::kind_name;

/// The error for a path that does not exist: a dangling symbolic link says where it points.
fn missing(path: &Path, source: io::Error) -> StoreError {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => StoreError::DanglingLink {
            path: path.to_path_buf(),
            target: std::fs::read_link(path).unwrap_or_default(),
        },
        _ => StoreError::Io {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// The real location of `path` with every symbolic link resolved. A path that does not exist
/// yet resolves through its folder (for `create`); a dangling link is an error.
pub(crate) fn real_path(path: &Path) -> Result<PathBuf, StoreError> {
    match std::fs::canonicalize(path) {
        Ok(p) => Ok(p),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(missing(path, e));
            }
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            match (std::fs::canonicalize(dir), path.file_name()) {
                (Ok(d), Some(name)) => Ok(d.join(name)),
                _ => Err(StoreError::Io {
                    path: path.to_path_buf(),
                    source: e,
                }),
            }
        }
        Err(e) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source: e,
        }),
    }
}

/// Checks that `path` is a regular file (following links) without opening it.
pub(crate) fn ensure_regular(path: &Path) -> Result<Metadata, StoreError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            missing(path, e)
        } else {
            StoreError::Io {
                path: path.to_path_buf(),
                source: e,
            }
        }
    })?;
    if meta.is_file() {
        Ok(meta)
    } else {
        Err(StoreError::NotAFile {
            path: path.to_path_buf(),
            kind: kind_name(&meta),
        })
    }
}

/// The bytes of the regular file at `path`; anything else is refused with what it is.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, StoreError> {
    let io_err = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = crate::files::open_nonblocking(path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            missing(path, e)
        } else {
            io_err(e)
        }
    })?;
    let meta = file.metadata().map_err(io_err)?;
    if !meta.is_file() {
        return Err(StoreError::NotAFile {
            path: path.to_path_buf(),
            kind: kind_name(&meta),
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes).map_err(io_err)?;
    Ok(bytes)
}

/// Where bytes stop being UTF-8: 1-based line and column (in characters) of the first bad
/// byte, and that byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadUtf8 {
    pub line: usize,
    pub column: usize,
    pub byte: u8,
}

/// `bytes` as text, or where the first byte that is not UTF-8 sits.
pub(crate) fn decode(bytes: Vec<u8>) -> Result<String, BadUtf8> {
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let good = e.utf8_error().valid_up_to();
        // The prefix is valid UTF-8 by definition of `valid_up_to`.
        let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
        let line_start = prefix.rfind('\n').map_or(0, |i| i + 1);
        BadUtf8 {
            line: prefix.matches('\n').count() + 1,
            column: prefix[line_start..].chars().count() + 1,
            byte: bytes.get(good).copied().unwrap_or_default(),
        }
    })
}

/// Session files in `dir`: `*.ron`, skipping hidden names (temp files being written) and the
/// `.bak`, `.lock` and `.corrupt` sidecars, which do not end in `.ron`. Entries that are not
/// regular files (a folder, a FIFO, a dangling link) are kept: the listing shows why they
/// cannot be opened instead of hiding them.
pub(crate) fn session_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "ron")
                && p.file_name()
                    .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
        })
        .collect()
}

pub(crate) fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_utf8_is_located_by_line_and_character_column() {
        let bytes = b"ab\nc\xc3\xa9d\xffe".to_vec();
        assert_eq!(
            decode(bytes),
            Err(BadUtf8 {
                line: 2,
                column: 4,
                byte: 0xff
            })
        );
        assert_eq!(decode(b"ok".to_vec()), Ok("ok".to_string()));
        // A sequence cut short at the very end is still located.
        let cut = decode(b"x\n\xe2\x82".to_vec()).expect_err("cut");
        assert_eq!((cut.line, cut.column, cut.byte), (2, 1, 0xe2));
    }
}
