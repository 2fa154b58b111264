//! The names-only index of stored credentials (`credentials.ron` in the config folder).
//!
//! Keyrings cannot be enumerated reliably: the kernel keyutils store has no search by
//! service, and the Secret Service search needs an unlocked collection and differs between
//! daemons. `secret list` and the TUI still need to show which credentials exist, so every
//! `set` records the name here and every `delete` removes it. The file holds scopes and
//! names only — never a value — and is replaced atomically (temp file, fsync, rename) so a
//! crash leaves either the old list or the new one.
//!
//! A name can outlive its value (a keyutils keyring forgets values at reboot); `get` then
//! reports the credential as not found, which is the truth the user needs.

use super::name::{scope_key, validate_name, validate_session};
use super::{CredentialError, Scope};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// File name of the index inside the config folder.
pub const INDEX_FILE: &str = "credentials.ron";

const VERSION: u32 = 1;

/// On-disk shape: scope key (`global`, `session/NAME`) → sorted names.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexFile {
    version: u32,
    scopes: BTreeMap<String, BTreeSet<String>>,
}

/// Handle on one index file; every call reads the file afresh so that two processes (the
/// TUI and `secret set` in another terminal) see each other's changes.
#[derive(Debug, Clone)]
pub struct NameIndex {
    path: PathBuf,
}

impl NameIndex {
    /// The index at an explicit path (tests, or a custom config folder).
    pub fn at(path: impl Into<PathBuf>) -> Self {
        NameIndex { path: path.into() }
    }

    /// The index in `crate::paths::config_dir()`, when there is a config folder.
    pub fn in_config_dir() -> Option<Self> {
        crate::paths::config_dir().map(|d| Self::at(d.join(INDEX_FILE)))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sorted names recorded for `scope`.
    pub fn names(&self, scope: &Scope) -> Result<Vec<String>, CredentialError> {
        let key = scope_key(scope)?;
        let file = self.load()?;
        Ok(file
            .scopes
            .get(&key)
            .map(|names| names.iter().cloned().collect())
            .unwrap_or_default())
    }

    /// Every scope that holds at least one name: global first, then sessions by name. Keys
    /// that are not a valid scope (a hand-edited file) are left out rather than guessed at.
    pub fn scopes(&self) -> Result<Vec<Scope>, CredentialError> {
        let file = self.load()?;
        let mut scopes: Vec<Scope> = file
            .scopes
            .iter()
            .filter(|(_, names)| !names.is_empty())
            .filter_map(|(key, _)| match key.split_once('/') {
                None if key == "global" => Some(Scope::Global),
                Some(("session", s)) if validate_session(s).is_ok() => {
                    Some(Scope::Session(s.to_string()))
                }
                _ => None,
            })
            .collect();
        scopes.sort_by_key(|s| s != &Scope::Global);
        Ok(scopes)
    }

    /// Fails if the index cannot be read, so callers can refuse before touching the keyring.
    pub fn check_readable(&self) -> Result<(), CredentialError> {
        self.load().map(|_| ())
    }

    /// Records `name` in `scope`; writes only when the name is new.
    pub fn add(&self, scope: &Scope, name: &str) -> Result<(), CredentialError> {
        validate_name(name)?;
        let key = scope_key(scope)?;
        let mut file = self.load()?;
        if file.scopes.entry(key).or_default().insert(name.to_string()) {
            self.save(&file)?;
        }
        Ok(())
    }

    /// Forgets `name` in `scope`; writes only when the name was there.
    pub fn remove(&self, scope: &Scope, name: &str) -> Result<(), CredentialError> {
        let key = scope_key(scope)?;
        let mut file = self.load()?;
        let Some(names) = file.scopes.get_mut(&key) else {
            return Ok(());
        };
        if names.remove(name) {
            if names.is_empty() {
                file.scopes.remove(&key);
            }
            self.save(&file)?;
        }
        Ok(())
    }

    fn broken(&self, why: impl std::fmt::Display) -> CredentialError {
        CredentialError::Backend(format!(
            "the credential name index {} {why}; it holds names only, so it can be deleted \
             and rebuilt by setting the credentials again",
            self.path.display()
        ))
    }

    fn load(&self) -> Result<IndexFile, CredentialError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(IndexFile {
                    version: VERSION,
                    scopes: BTreeMap::new(),
                });
            }
            Err(e) => return Err(self.broken(format_args!("cannot be read: {e}"))),
        };
        let file: IndexFile = ron::from_str(&text)
            .map_err(|e| self.broken(format_args!("is not a valid index: {e}")))?;
        if file.version > VERSION {
            return Err(self.broken(format_args!(
                "was written by a newer launch-ready (version {}, this build reads {VERSION})",
                file.version
            )));
        }
        for (scope, names) in &file.scopes {
            if let Some(bad) = names.iter().find(|n| validate_name(n).is_err()) {
                return Err(self.broken(format_args!(
                    "lists an invalid name `{}` under `{scope}`",
                    bad.escape_debug()
                )));
            }
        }
        Ok(file)
    }

    fn save(&self, file: &IndexFile) -> Result<(), CredentialError> {
        let dir = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            self.broken(format_args!("could not be written ({what}: {e})"))
        };
        std::fs::create_dir_all(dir).map_err(|e| fail("creating its folder", &e))?;
        let text = ron::ser::to_string_pretty(file, ron::ser::PrettyConfig::new().indentor("  "))
            .map_err(|e| fail("encoding", &e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail("temp file", &e))?;
        tmp.write_all(text.as_bytes())
            .and_then(|()| tmp.write_all(b"\n"))
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| fail("writing", &e))?;
        tmp.persist(&self.path)
            .map_err(|e| fail("renaming into place", &e.error))?;
        // The rename is durable only once the folder entry is; failure here loses no data.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> (tempfile::TempDir, NameIndex) {
        let dir = tempfile::tempdir().unwrap();
        let idx = NameIndex::at(dir.path().join("sub").join(INDEX_FILE));
        (dir, idx)
    }

    #[test]
    fn missing_file_is_an_empty_index() {
        let (_d, idx) = index();
        assert!(idx.names(&Scope::Global).unwrap().is_empty());
        assert!(!idx.path().exists());
    }

    #[test]
    fn add_keeps_names_sorted_per_scope_and_remove_forgets() {
        let (_d, idx) = index();
        let acme = Scope::Session("acme".into());
        idx.add(&Scope::Global, "zeta").unwrap();
        idx.add(&Scope::Global, "alpha").unwrap();
        idx.add(&Scope::Global, "alpha").unwrap();
        idx.add(&acme, "hook").unwrap();
        assert_eq!(idx.names(&Scope::Global).unwrap(), ["alpha", "zeta"]);
        assert_eq!(idx.names(&acme).unwrap(), ["hook"]);

        idx.remove(&Scope::Global, "alpha").unwrap();
        idx.remove(&acme, "hook").unwrap();
        idx.remove(&acme, "never-there").unwrap();
        assert_eq!(idx.names(&Scope::Global).unwrap(), ["zeta"]);
        assert!(idx.names(&acme).unwrap().is_empty());

        let text = std::fs::read_to_string(idx.path()).unwrap();
        assert!(!text.contains("acme"), "empty scopes are dropped: {text}");
        assert!(text.contains("\"zeta\""), "{text}");
    }

    #[test]
    fn no_temp_files_are_left_behind() {
        let (_d, idx) = index();
        idx.add(&Scope::Global, "one").unwrap();
        idx.add(&Scope::Global, "two").unwrap();
        let dir = idx.path().parent().unwrap();
        let entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(entries, [INDEX_FILE]);
    }

    #[test]
    fn corrupt_or_newer_files_are_reported_not_overwritten() {
        let (_d, idx) = index();
        std::fs::create_dir_all(idx.path().parent().unwrap()).unwrap();
        std::fs::write(idx.path(), "(version: 1, scopes: {").unwrap();
        let err = idx.add(&Scope::Global, "x").unwrap_err().to_string();
        assert!(err.contains("is not a valid index"), "{err}");
        assert!(err.contains(INDEX_FILE), "{err}");
        assert_eq!(
            std::fs::read_to_string(idx.path()).unwrap(),
            "(version: 1, scopes: {"
        );

        std::fs::write(idx.path(), "(version: 9, scopes: {})").unwrap();
        let err = idx.names(&Scope::Global).unwrap_err().to_string();
        assert!(err.contains("newer launch-ready (version 9"), "{err}");

        std::fs::write(idx.path(), "(version: 1, scopes: {\"global\": [\"a b\"]})").unwrap();
        let err = idx.names(&Scope::Global).unwrap_err().to_string();
        assert!(err.contains("invalid name `a b`"), "{err}");
    }
}
