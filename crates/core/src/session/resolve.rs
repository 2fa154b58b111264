//! From what a user types (`acme-corp`, `Acme Corp`, `ACME-CORP`, `./x.ron`) to the session
//! file it means. One function for every command that takes a session, so `open` and
//! `check --session` accept the same names.
//!
//! Order, most specific first: an existing path; the exact file stem in the sessions
//! folder; then the stem ignoring case, the client name's file-name form (`slug`) and the
//! client name itself ignoring case. The client names are only read when the cheap matches
//! found nothing, and several matches are reported rather than guessed between.

use super::files::{file_stem, session_files};
use super::store;
use std::path::{Path, PathBuf};

/// Why a name could not be turned into a session file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// A path (it has a `/` or ends in `.ron`) with nothing at it.
    #[error("no session file at `{0}`")]
    NoFile(String),
    /// No data folder, so names cannot be looked up.
    #[error(
        "no session named `{name}`: there is no data folder (set {})",
        crate::paths::DATA_DIR_ENV
    )]
    NoDataDir { name: String },
    /// The sessions folder is empty.
    #[error("no session named `{name}`, and there are no sessions in {} yet", .dir.display())]
    NoSessions { name: String, dir: PathBuf },
    /// Nothing matches; `known` are the session names there are.
    #[error("no session named `{name}`; known sessions: {}", .known.join(", "))]
    Unknown { name: String, known: Vec<String> },
    /// Several sessions match a client name.
    #[error("`{name}` matches several sessions: {}; open one by its name", .matches.join(", "))]
    Ambiguous { name: String, matches: Vec<String> },
    /// The session's file is a symbolic link to nothing.
    #[error(
        "session `{name}` is a symbolic link ({}) to {}, which does not exist; restore the file or remove the link",
        .path.display(),
        .target.display()
    )]
    DanglingLink {
        name: String,
        path: PathBuf,
        target: PathBuf,
    },
}

/// The session file meant by `name`: a path, a session name (file stem) in any case, or a
/// client name in any case, looked up in the user's sessions folder.
pub fn resolve_name(name: &str) -> Result<PathBuf, ResolveError> {
    resolve_name_in(name, crate::paths::sessions_dir().as_deref())
}

/// [`resolve_name`] against an explicit sessions folder (`None`: there is none).
pub fn resolve_name_in(name: &str, dir: Option<&Path>) -> Result<PathBuf, ResolveError> {
    let as_path = Path::new(name);
    let looks_like_path = name.contains(['/', '\\']) || name.ends_with(".ron");
    if looks_like_path {
        // Whatever is there (a folder, a FIFO, a dangling link), the store says what is wrong.
        return match std::fs::symlink_metadata(as_path) {
            Ok(_) => Ok(as_path.to_path_buf()),
            Err(_) => Err(ResolveError::NoFile(name.to_string())),
        };
    }
    if as_path.is_file() {
        return Ok(as_path.to_path_buf());
    }
    let Some(dir) = dir else {
        return Err(ResolveError::NoDataDir {
            name: name.to_string(),
        });
    };
    let candidate = dir.join(format!("{name}.ron"));
    if let Ok(meta) = std::fs::symlink_metadata(&candidate) {
        if meta.file_type().is_symlink() && !candidate.exists() {
            return Err(ResolveError::DanglingLink {
                name: name.to_string(),
                target: std::fs::read_link(&candidate).unwrap_or_default(),
                path: candidate,
            });
        }
        return Ok(candidate);
    }
    let files = session_files(dir);
    let matches = loose_matches(name, &files);
    match matches.as_slice() {
        [one] => Ok(one.clone()),
        [] => {
            let mut known: Vec<String> = files.iter().map(|p| file_stem(p)).collect();
            known.sort();
            if known.is_empty() {
                Err(ResolveError::NoSessions {
                    name: name.to_string(),
                    dir: dir.to_path_buf(),
                })
            } else {
                Err(ResolveError::Unknown {
                    name: name.to_string(),
                    known,
                })
            }
        }
        several => Err(ResolveError::Ambiguous {
            name: name.to_string(),
            matches: several.iter().map(|p| file_stem(p)).collect(),
        }),
    }
}

/// Sessions whose stem matches `name` ignoring case or as a slug; failing that, those whose
/// client is `name` ignoring case. Sorted by stem.
fn loose_matches(name: &str, files: &[PathBuf]) -> Vec<PathBuf> {
    let wanted = name.trim().to_lowercase();
    let slug = super::naming::slug(name);
    let mut by_stem: Vec<PathBuf> = files
        .iter()
        .filter(|p| {
            let stem = file_stem(p);
            stem.to_lowercase() == wanted || (!slug.is_empty() && stem == slug)
        })
        .cloned()
        .collect();
    if by_stem.is_empty() {
        // Reading every session is the slow path, taken only when no file name matched.
        by_stem = files
            .iter()
            .filter(|p| store::read(p).is_ok_and(|s| s.client.trim().to_lowercase() == wanted))
            .cloned()
            .collect();
    }
    by_stem.sort_by_key(|p| file_stem(p));
    by_stem
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::store::SessionFile;
    use time::macros::datetime;

    fn session(name: &str, client: &str) -> crate::session::Session {
        let now = datetime!(2026-03-01 09:00 UTC);
        crate::session::Session::for_test(name, client, "b2b-demo-to-launch", now)
    }

    fn make(dir: &Path, name: &str, client: &str) -> PathBuf {
        let path = dir.join(format!("{name}.ron"));
        drop(SessionFile::create(&path, &session(name, client)).expect("create"));
        path
    }

    #[test]
    fn client_names_and_stems_match_in_any_case() {
        let dir = tempfile::tempdir().expect("tempdir");
        let acme = make(dir.path(), "acme", "Acme");
        let corp = make(dir.path(), "zeta-2", "Zeta Corp");
        let d = Some(dir.path());
        assert_eq!(resolve_name_in("acme", d), Ok(acme.clone()));
        assert_eq!(resolve_name_in("Acme", d), Ok(acme.clone()));
        assert_eq!(resolve_name_in("ACME", d), Ok(acme));
        // The stem is not the client's slug here: the client name is read from the file.
        assert_eq!(resolve_name_in("zeta corp", d), Ok(corp.clone()));
        assert_eq!(resolve_name_in("ZETA-2", d), Ok(corp));
    }

    #[test]
    fn a_client_with_two_sessions_is_ambiguous() {
        let dir = tempfile::tempdir().expect("tempdir");
        make(dir.path(), "one", "Beta");
        make(dir.path(), "two", "beta");
        assert_eq!(
            resolve_name_in("BETA", Some(dir.path())),
            Err(ResolveError::Ambiguous {
                name: "BETA".into(),
                matches: vec!["one".into(), "two".into()]
            })
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_says_where_it_points() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("gone/x.ron");
        std::os::unix::fs::symlink(&target, dir.path().join("x.ron")).expect("symlink");
        let err = resolve_name_in("x", Some(dir.path())).expect_err("dangling");
        assert!(matches!(&err, ResolveError::DanglingLink { target: t, .. } if t == &target));
        let shown = err.to_string();
        assert!(shown.contains("symbolic link"), "{shown}");
        assert!(shown.contains(&target.display().to_string()), "{shown}");
        assert!(!shown.contains("known sessions"), "{shown}");
    }
}
