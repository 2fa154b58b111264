//! Accepted findings: a JSON file at the root of the scanned repository
//! (`.launch-ready-baseline.json`) listing secrets by fingerprint (a hash of rule and
//! value, so moving a line does not revive a finding), each with who accepted it, why,
//! and an optional expiry date after which it is reported again. The file holds no
//! secret: the fingerprint, the rule, the path where it was first seen and the redacted
//! preview.

use super::Hit;
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
    #[error("{0}: larger than a baseline can be")]
    TooLarge(String),
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
        let shown = path.display().to_string();
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Baseline::default()),
            Err(source) => {
                return Err(BaselineError::Io {
                    path: shown,
                    source,
                });
            }
        };
        if meta.len() > MAX_BYTES {
            return Err(BaselineError::TooLarge(shown));
        }
        let bytes = std::fs::read(&path).map_err(|source| BaselineError::Io {
            path: shown.clone(),
            source,
        })?;
        serde_json::from_slice(&bytes).map_err(|source| BaselineError::Parse {
            path: shown,
            source,
        })
    }

    pub fn save(&self, root: &Path) -> Result<PathBuf, BaselineError> {
        let path = Self::path_for(root);
        let text = serde_json::to_string_pretty(self).unwrap_or_default() + "\n";
        std::fs::write(&path, text).map_err(|source| BaselineError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Ok(path)
    }

    /// Accepts `hits` not accepted yet; returns how many were added.
    pub fn accept(&mut self, hits: &[Hit], by: &str, reason: &str, expires: Option<Date>) -> usize {
        self.version = 1;
        let mut added = 0;
        for h in hits {
            if self.accepted.iter().any(|a| a.fingerprint == h.fingerprint) {
                continue;
            }
            self.accepted.push(Accepted {
                fingerprint: h.fingerprint.clone(),
                rule: h.rule.to_string(),
                path: h.path.clone(),
                redacted: h.redacted.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;
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
}
