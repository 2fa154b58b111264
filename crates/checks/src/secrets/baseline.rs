//! Accepted findings: a JSON file at the root of the scanned repository
//! (`.launch-ready-baseline.json`) listing secrets by fingerprint (a hash of rule and
//! value, so moving a line does not revive a finding), each with who accepted it, why,
//! and an optional expiry date after which it is reported again. The file holds no
//! secret: the fingerprint, the rule, the path where it was first seen and the redacted
//! preview.
//!
//! The file sits in a repository someone else may control: it is read through the guarded
//! reader (no FIFO, device or link out of the repository; a size cap) and written
//! atomically through a temporary file, never through a link that leaves the repository.

use super::Hit;
use launch_ready_core::evidence::SecretHit;
use launch_ready_core::files::{FileError, Root};
use launch_ready_core::finding::Finding;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use time::Date;

/// The file name, at the root of the repository.
pub const FILE_NAME: &str = ".launch-ready-baseline.json";

/// Baselines larger than this are refused rather than parsed.
const MAX_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a baseline file: {source}")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
    /// Refused by the file reader or writer (a FIFO, a device, a link out of the
    /// repository, a file over the size cap) or an IO error on it.
    #[error(transparent)]
    File(#[from] FileError),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    pub fingerprint: String,
    pub rule: String,
    pub path: String,
    pub redacted: String,
    pub accepted_by: String,
    pub reason: String,
    /// Last day the acceptance holds (`YYYY-MM-DD`); none = until removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub accepted: Vec<Accepted>,
}

impl Baseline {
    pub fn path_for(root: &Path) -> PathBuf {
        root.join(FILE_NAME)
    }

    /// The baseline of `root`; an absent file is an empty baseline.
    pub fn load(root: &Path) -> Result<Baseline, BaselineError> {
        let path = Self::path_for(root);
        let bytes = match Root::new(root)?.read(&path, MAX_BYTES) {
            Ok(b) => b,
            Err(e) if e.is_not_found() => return Ok(Baseline::default()),
            Err(e) => return Err(e.into()),
        };
        serde_json::from_slice(&bytes).map_err(|source| BaselineError::Parse {
            path: path.display().to_string(),
            source,
        })
    }

    /// Writes the baseline of `root` atomically; returns the file written (the target
    /// when the baseline is a link within the repository).
    pub fn save(&self, root: &Path) -> Result<PathBuf, BaselineError> {
        let text = serde_json::to_string_pretty(self).unwrap_or_default() + "\n";
        Ok(Root::new(root)?.write_atomic(&Self::path_for(root), text.as_bytes())?)
    }

    /// Accepts `hits` not accepted yet; returns how many were added.
    pub fn accept(&mut self, hits: &[Hit], by: &str, reason: &str, expires: Option<Date>) -> usize {
        let entries: Vec<Entry> = hits.iter().map(Entry::from_hit).collect();
        self.accept_entries(&entries, by, reason, expires)
    }

    /// Accepts `entries` not accepted yet; returns how many were added.
    pub fn accept_entries(
        &mut self,
        entries: &[Entry],
        by: &str,
        reason: &str,
        expires: Option<Date>,
    ) -> usize {
        self.version = 1;
        let mut added = 0;
        for e in entries {
            if self.accepted.iter().any(|a| a.fingerprint == e.fingerprint) {
                continue;
            }
            self.accepted.push(Accepted {
                fingerprint: e.fingerprint.clone(),
                rule: e.rule.clone(),
                path: e.path.clone(),
                redacted: e.redacted.clone(),
                accepted_by: by.to_string(),
                reason: reason.to_string(),
                expires: expires.map(|d| d.to_string()),
            });
            added += 1;
        }
        added
    }

    /// Whether `hit` is accepted on `today` (an unreadable expiry counts as expired).
    pub fn covers(&self, hit: &Hit, today: Date) -> bool {
        self.accepted.iter().any(|a| {
            a.fingerprint == hit.fingerprint
                && a.expires.as_deref().is_none_or(|e| {
                    Date::parse(e, time::macros::format_description!("[year]-[month]-[day]"))
                        .is_ok_and(|d| d >= today)
                })
        })
    }

    /// Drops the accepted hits; returns how many were suppressed.
    pub fn filter(&self, hits: &mut Vec<Hit>, today: Date) -> usize {
        let before = hits.len();
        hits.retain(|h| !self.covers(h, today));
        before - hits.len()
    }
}

/// One finding to accept, as a scan's evidence records it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub path: String,
    pub redacted: String,
}

impl Entry {
    pub fn from_hit(h: &Hit) -> Entry {
        Entry {
            fingerprint: h.fingerprint.clone(),
            rule: h.rule.to_string(),
            path: h.path.clone(),
            redacted: h.redacted.clone(),
        }
    }

    /// The entry a finding's detail (`Hit::detail`) describes; `None` when it has no
    /// hit's detail (a tracked `.env` file) or a fingerprint that is not a fingerprint's 16
    /// hex chars (an edited session file).
    pub fn from_finding(f: &Finding) -> Option<Entry> {
        let hit = f.detail::<SecretHit>()?;
        let fingerprint = hit.fingerprint;
        if fingerprint.len() != 16 || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(Entry {
            fingerprint,
            rule: hit.rule,
            path: hit.path,
            redacted: hit.redacted,
        })
    }
}

/// Where the baseline of a scanned folder lives: at the folder, except for a build folder
/// without a baseline of its own, which shares its repository's (the folder above it).
pub fn root_for(check: &str, scanned: &Path) -> PathBuf {
    match scanned.parent() {
        Some(p) if check == "secrets.build" && !Baseline::path_for(scanned).exists() => {
            p.to_path_buf()
        }
        _ => scanned.to_path_buf(),
    }
}

/// Accepts `entries` found by `check` in `scanned` in the baseline they belong to (see
/// `root_for`): what the Risks screen's acceptance writes, off the UI thread.
pub fn accept_found(
    check: &str,
    scanned: &Path,
    entries: &[Entry],
    by: &str,
    reason: &str,
) -> Result<Appended, BaselineError> {
    append(&root_for(check, scanned), entries, by, reason)
}

/// What `append` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The baseline file.
    pub path: PathBuf,
    /// Entries written.
    pub added: usize,
    /// Entries the file already held.
    pub already: usize,
}

/// Adds `entries` to the baseline of `root` (created when absent), accepted by `by` for
/// `reason` with no expiry, and writes it back through a temporary file, so a crash
/// never leaves half a file. Appends within one process run one at a time, so two quick
/// acceptances do not lose each other's entries.
pub fn append(
    root: &Path,
    entries: &[Entry],
    by: &str,
    reason: &str,
) -> Result<Appended, BaselineError> {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !root.is_dir() {
        return Err(BaselineError::Io {
            path: root.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder"),
        });
    }
    let mut baseline = Baseline::load(root)?;
    let added = baseline.accept_entries(entries, by, reason, None);
    baseline.save(root)?;
    Ok(Appended {
        path: Baseline::path_for(root),
        added,
        already: entries.len() - added,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::code::Code;
    use time::macros::date;

    fn hit(fp: &str, line: usize) -> Hit {
        Hit {
            rule: "github-token",
            path: "a.ts".into(),
            line,
            commit: None,
            redacted: "ghp_…(40 chars)".into(),
            fingerprint: fp.into(),
            variable: None,
            value_id: String::new(),
        }
    }

    #[test]
    fn accepted_by_fingerprint_not_line_until_expiry() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = Baseline::load(dir.path()).unwrap();
        assert_eq!(
            b.accept(
                &[hit("aa", 3)],
                "ana",
                "test fixture",
                Some(date!(2026 - 12 - 31))
            ),
            1
        );
        assert_eq!(b.accept(&[hit("aa", 9)], "ana", "again", None), 0);
        b.save(dir.path()).unwrap();
        let b = Baseline::load(dir.path()).unwrap();
        let mut hits = vec![hit("aa", 40), hit("bb", 1)];
        assert_eq!(b.filter(&mut hits, date!(2026 - 12 - 01)), 1);
        assert_eq!(hits, [hit("bb", 1)]);
        let mut later = vec![hit("aa", 40)];
        assert_eq!(b.filter(&mut later, date!(2027 - 01 - 01)), 0, "expired");
    }

    #[test]
    fn a_broken_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "{ nope").unwrap();
        assert!(matches!(
            Baseline::load(dir.path()),
            Err(BaselineError::Parse { .. })
        ));
    }

    #[test]
    fn append_adds_entries_from_evidence_once_and_keeps_what_was_there() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = Baseline::default();
        b.accept(&[hit("aa00aa00aa00aa00", 1)], "ana", "fixture", None);
        b.save(dir.path()).unwrap();
        let finding = Finding::new(Code::SecretsExposed, "a secret")
            .with_detail(&hit("bb11bb11bb11bb11", 7).detail());
        let entry = Entry::from_finding(&finding).expect("a fingerprinted finding");
        assert_eq!(entry.rule, "github-token");
        let again = Entry::from_hit(&hit("aa00aa00aa00aa00", 2));
        let done = append(dir.path(), &[entry, again], "Dana", "rotation booked").unwrap();
        assert_eq!((done.added, done.already), (1, 1));
        assert_eq!(done.path, dir.path().join(FILE_NAME));
        let b = Baseline::load(dir.path()).unwrap();
        assert_eq!(b.accepted.len(), 2);
        assert_eq!(b.accepted[0].accepted_by, "ana");
        assert_eq!(
            b.accepted[1],
            Accepted {
                fingerprint: "bb11bb11bb11bb11".into(),
                rule: "github-token".into(),
                path: "a.ts".into(),
                redacted: "ghp_…(40 chars)".into(),
                accepted_by: "Dana".into(),
                reason: "rotation booked".into(),
                expires: None,
            }
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn a_finding_without_a_fingerprint_is_no_entry() {
        let tracked = Finding::new(Code::SecretsDotenvCommitted, ".env is tracked").with_detail(
            &launch_ready_core::evidence::TrackedEnvFile {
                path: ".env".into(),
            },
        );
        assert_eq!(Entry::from_finding(&tracked), None);
        let mut edited = hit("aa", 1).detail();
        edited.fingerprint = "not-a-hash".into();
        let edited = Finding::new(Code::SecretsExposed, "a secret").with_detail(&edited);
        assert_eq!(Entry::from_finding(&edited), None);
    }

    #[test]
    fn append_to_a_missing_or_broken_baseline_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = append(&dir.path().join("gone"), &[], "a", "b").unwrap_err();
        assert!(e.to_string().contains("gone"), "{e}");
        std::fs::write(dir.path().join(FILE_NAME), "{ nope").unwrap();
        let e = append(dir.path(), &[], "a", "b").unwrap_err();
        assert!(matches!(e, BaselineError::Parse { .. }), "{e}");
    }

    #[test]
    fn a_build_folder_shares_its_repositorys_baseline_unless_it_has_one() {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        std::fs::create_dir(&dist).unwrap();
        assert_eq!(root_for("secrets.build", &dist), dir.path());
        assert_eq!(root_for("secrets.repo", &dist), dist);
        std::fs::write(dist.join(FILE_NAME), "{}").unwrap();
        assert_eq!(root_for("secrets.build", &dist), dist);
    }
}
