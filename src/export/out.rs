//! Writing an export to its folder: parents created, an existing file replaced only with
//! `--force`, and a file holding a secret created with mode 0600 from the start (never
//! written first and narrowed after, which would leave a window where others can read it).

use super::{ExportError, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes every file under `dir`; returns the paths written, in order. Nothing is written
/// when one of them exists and `force` is not set.
pub fn write_all(dir: &Path, files: &[File], force: bool) -> Result<Vec<PathBuf>, ExportError> {
    let dest: Vec<PathBuf> = files.iter().map(|f| dir.join(&f.path)).collect();
    if !force && let Some(p) = dest.iter().find(|p| p.exists()) {
        return Err(ExportError::Exists(p.clone()));
    }
    for (f, path) in files.iter().zip(&dest) {
        let io = |source| ExportError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        write_one(path, f).map_err(io)?;
    }
    Ok(dest)
}

fn write_one(path: &Path, f: &File) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if f.secret {
        use std::os::unix::fs::OpenOptionsExt;
        // A replaced file keeps its old mode, so the mode is also set below.
        opts.mode(0o600);
    }
    let mut file = opts.open(path)?;
    #[cfg(unix)]
    if f.secret {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(f.text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_private_and_nothing_is_replaced_unasked() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            File::new("a/readme.md", "hello"),
            File::secret("a/secrets/hook", "https://hook.example/x"),
        ];
        write_all(dir.path(), &files, false).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("a/secrets/hook"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let err = write_all(dir.path(), &files, false).unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        write_all(dir.path(), &files, true).unwrap();
    }
}
