//! The secrets family: the shared rule set (`checks::secret_rules`) run over a
//! repository's working tree (`tree`), every blob of its history (`history`) and its
//! built frontend with source maps (`tree::scan_build`).
//!
//! Everything here is blocking CPU and file work: the engine adapters run it under
//! `spawn_blocking`, and each scan checks a cancellation flag between files or blobs.
//! Hits leave this module with a redacted preview and a fingerprint only; the secret
//! itself is dropped as soon as the rules have judged it.

pub mod baseline;
pub mod history;
pub mod own_values;
pub mod tree;

use launch_ready_core::secret_rules;
use launch_ready_core::secret_rules::SecretMatch;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Files and blobs larger than this are not read: minified bundles are well under it, and
/// the bound keeps one huge artefact from stalling a scan.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// How many leading bytes decide whether a file is binary (a NUL among them).
const BINARY_SNIFF: usize = 8000;

/// Why a scan could not run.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{0} is not a readable folder")]
    NotAFolder(String),
    #[error("{0} is not a git repository")]
    NotARepo(String),
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error("scan cancelled")]
    Cancelled,
}

/// A cancellation flag checked between files and blobs.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Progress callback: (items done, items total).
pub type ProgressFn<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// One secret at one place.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Hit {
    pub rule: &'static str,
    /// Path relative to the scanned root (for a source map: `app.js.map!src/x.ts`).
    pub path: String,
    pub line: usize,
    /// The commit that introduced the blob (history scans only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    pub redacted: String,
    pub fingerprint: String,
    /// For an own value (`env-value`): the variable it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
}

impl Hit {
    fn from_match(m: SecretMatch, path: &str, commit: Option<&str>) -> Hit {
        Hit {
            rule: m.rule,
            path: path.to_string(),
            line: m.line,
            commit: commit.map(str::to_string),
            redacted: m.redacted,
            fingerprint: m.fingerprint,
            variable: None,
        }
    }

    /// The finding's evidence: path, line, commit, rule and the redacted preview.
    pub fn evidence(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// Scans one file's bytes: `None` when they are binary.
pub fn scan_bytes(bytes: &[u8]) -> Option<Vec<SecretMatch>> {
    if bytes[..bytes.len().min(BINARY_SNIFF)].contains(&0) {
        return None;
    }
    Some(secret_rules::scan(&String::from_utf8_lossy(bytes)))
}

/// Whether a file name is an env file that holds real values (`.env`, `.env.production`),
/// as opposed to a template of names (`.env.example`).
pub fn is_dotenv_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(".env") else {
        return false;
    };
    if !(rest.is_empty() || rest.starts_with('.')) {
        return false;
    }
    let suffix = rest.trim_start_matches('.').to_ascii_lowercase();
    !matches!(
        suffix.as_str(),
        "example" | "sample" | "template" | "dist" | "defaults" | "schema" | "tpl"
    )
}

/// Runs `work` over `items` on the machine's cores, stopping at cancellation; results
/// keep the order of `items`.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    cancel: &Cancel,
    progress: ProgressFn<'_>,
    work: impl Fn(&T) -> R + Sync,
) -> Result<Vec<R>, ScanError> {
    parallel_map_with(items, cancel, progress, || Some(()), |_, t| work(t))
}

/// `parallel_map` with per-worker state made by `init` (a git repository handle, which
/// cannot be shared between threads). A worker whose `init` fails does no work; the
/// items it would have taken go to the others, and when none starts the result is empty.
pub fn parallel_map_with<T: Sync, R: Send, S>(
    items: &[T],
    cancel: &Cancel,
    progress: ProgressFn<'_>,
    init: impl Fn() -> Option<S> + Sync,
    work: impl Fn(&mut S, &T) -> R + Sync,
) -> Result<Vec<R>, ScanError> {
    use std::sync::Mutex;
    use std::sync::atomic::AtomicUsize;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let Some(mut state) = init() else { return };
                loop {
                    if cancel.is_cancelled() {
                        return;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { return };
                    let r = work(&mut state, item);
                    if let Ok(mut v) = results.lock() {
                        v[i] = Some(r);
                    }
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, items.len());
                }
            });
        }
    });
    if cancel.is_cancelled() {
        return Err(ScanError::Cancelled);
    }
    let v = results.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok(v.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_names() {
        for n in [".env", ".env.local", ".env.production"] {
            assert!(is_dotenv_name(n), "{n}");
        }
        for n in [".env.example", ".env.sample", ".envrc", "env", "x.env"] {
            assert!(!is_dotenv_name(n), "{n}");
        }
    }

    #[test]
    fn binary_bytes_are_not_scanned() {
        assert!(scan_bytes(b"\x00\x01ghp_").is_none());
        assert_eq!(scan_bytes(b"hello").map(|v| v.len()), Some(0));
    }

    #[test]
    fn parallel_map_keeps_order_and_stops_on_cancel() {
        let items: Vec<usize> = (0..100).collect();
        let c = Cancel::default();
        let out = parallel_map(&items, &c, &|_, _| {}, |i| i * 2).unwrap();
        assert_eq!(out, (0..100).map(|i| i * 2).collect::<Vec<_>>());
        c.cancel();
        assert!(matches!(
            parallel_map(&items, &c, &|_, _| {}, |i| *i),
            Err(ScanError::Cancelled)
        ));
    }
}
