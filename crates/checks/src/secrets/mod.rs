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
pub mod ignores;
pub mod own_values;
pub mod tree;

pub use launch_ready_core::evidence::{NotReadSummary, NotScanned, SecretHit, Unreadable};
use launch_ready_core::files::{FileError, human_bytes};
use launch_ready_core::secret_rules;
use launch_ready_core::secret_rules::SecretMatch;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Files and blobs larger than this are not read: minified bundles are well under it, and
/// the bound keeps one huge artefact from stalling a scan.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// How many leading bytes decide whether a file is binary (a NUL among them).
pub(crate) const BINARY_SNIFF: usize = 8000;

/// Whether `head` (a file's first bytes) is binary: a NUL among the first
/// `BINARY_SNIFF` bytes, as git decides it.
pub fn is_binary(head: &[u8]) -> bool {
    head[..head.len().min(BINARY_SNIFF)].contains(&0)
}

/// Why a scan could not run.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{0} is not a readable folder")]
    NotAFolder(String),
    #[error("{0} is not a git repository")]
    NotARepo(String),
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error(transparent)]
    File(#[from] FileError),
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
    /// The hash of the value alone (`secret_rules::value_id`), to tell that a rule and
    /// an env file's value found the same credential. Kept out of the evidence: the
    /// fingerprint already identifies the finding.
    #[serde(skip)]
    pub value_id: String,
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
            value_id: m.value_id,
        }
    }

    /// The finding's detail: path, line, commit, rule and the redacted preview.
    pub fn detail(&self) -> SecretHit {
        SecretHit {
            rule: self.rule.to_string(),
            path: self.path.clone(),
            line: self.line,
            commit: self.commit.clone(),
            redacted: self.redacted.clone(),
            fingerprint: self.fingerprint.clone(),
            variable: self.variable.clone(),
        }
    }
}

/// Scans one file's bytes: `None` when they are binary.
pub fn scan_bytes(bytes: &[u8]) -> Option<Vec<SecretMatch>> {
    if is_binary(bytes) {
        return None;
    }
    Some(secret_rules::scan(&String::from_utf8_lossy(bytes)))
}

/// Drops the own-value hits (`env-value`) whose value a rule also found in the same scan:
/// one credential is one finding, and the rule's says more (which provider issued it).
pub fn drop_values_found_by_rules(hits: &mut Vec<Hit>) {
    let by_rules: HashSet<String> = hits
        .iter()
        .filter(|h| h.rule != own_values::RULE)
        .map(|h| h.value_id.clone())
        .collect();
    hits.retain(|h| h.rule != own_values::RULE || !by_rules.contains(&h.value_id));
}

/// The reason a `FileError` stands for.
pub fn unreadable(e: &FileError) -> Unreadable {
    match e {
        FileError::TooLarge { .. } => Unreadable::TooLarge,
        FileError::NotAFile { .. }
        | FileError::DanglingLink { .. }
        | FileError::OutsideRoot { .. } => Unreadable::Refused,
        FileError::Io { source, .. } if is_name_too_long(source) => Unreadable::PathTooLong,
        FileError::NotFound { .. } | FileError::Io { .. } => Unreadable::Failed,
    }
}

/// A path longer than the system lets a program name (ENAMETOOLONG).
pub fn is_name_too_long(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::InvalidFilename
}

/// What a scan could not read. A scan that skips content must say so: a credential in an
/// unread file is a credential not found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotRead(pub Vec<NotScanned>);

/// How many unread items the evidence lists by name.
const NOT_READ_LISTED: usize = 10;

impl NotRead {
    pub fn push(
        &mut self,
        path: impl Into<String>,
        bytes: Option<u64>,
        reason: Unreadable,
        why: impl Into<String>,
    ) {
        self.0.push(NotScanned {
            path: path.into(),
            commit: None,
            bytes,
            reason,
            why: why.into(),
        });
    }

    /// Records a reader's refusal of `path`.
    pub fn push_error(&mut self, path: impl Into<String>, e: &FileError) {
        let bytes = match e {
            FileError::TooLarge { size, .. } => Some(*size),
            _ => None,
        };
        self.push(path, bytes, unreadable(e), e.to_string());
    }

    /// Records a blob of history introduced by `commit` that was not read.
    pub fn push_blob(
        &mut self,
        path: impl Into<String>,
        commit: String,
        bytes: Option<u64>,
        reason: Unreadable,
        why: impl Into<String>,
    ) {
        self.push(path, bytes, reason, why);
        if let Some(last) = self.0.last_mut() {
            last.commit = Some(commit);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn extend(&mut self, other: NotRead) {
        self.0.extend(other.0);
    }

    /// The largest item of known size.
    pub fn largest(&self) -> Option<&NotScanned> {
        self.0
            .iter()
            .filter(|u| u.bytes.is_some())
            .max_by_key(|u| u.bytes)
    }

    /// The evidence: how many, the largest, how many per reason and the first few.
    pub fn evidence(&self) -> NotReadSummary {
        let mut reasons: BTreeMap<Unreadable, usize> = BTreeMap::new();
        for u in &self.0 {
            *reasons.entry(u.reason).or_default() += 1;
        }
        let mut listed: Vec<NotScanned> = self.0.clone();
        listed.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
        listed.truncate(NOT_READ_LISTED);
        NotReadSummary {
            count: self.0.len(),
            largest: self.largest().cloned(),
            reasons,
            listed,
        }
    }

    /// One line: how many, then per reason how many with the largest or the first named,
    /// e.g. `2 files not scanned: 1 over the 4 MiB limit (largest: dump.sql, 5 MiB);
    /// 1 refused (…/.gitignore is a named pipe (FIFO), not a regular file: not read)`.
    pub fn summary(&self, noun: &str) -> String {
        let n = self.0.len();
        let mut parts = Vec::new();
        for reason in [
            Unreadable::TooLarge,
            Unreadable::Refused,
            Unreadable::PathTooLong,
            Unreadable::Corrupt,
            Unreadable::Failed,
        ] {
            let of: Vec<&NotScanned> = self.0.iter().filter(|u| u.reason == reason).collect();
            let Some(first) = of.first() else { continue };
            let at = |u: &NotScanned| match &u.commit {
                Some(c) => format!("{} (commit {})", shorten(&u.path), &c[..c.len().min(12)]),
                None => shorten(&u.path),
            };
            let part = match reason {
                Unreadable::TooLarge => {
                    let largest = of.iter().max_by_key(|u| u.bytes).unwrap_or(first);
                    format!(
                        "{} over the {} limit (largest: {}, {})",
                        of.len(),
                        human_bytes(MAX_FILE_BYTES),
                        at(largest),
                        human_bytes(largest.bytes.unwrap_or(0))
                    )
                }
                Unreadable::Refused => format!("{} refused ({})", of.len(), first.why),
                Unreadable::PathTooLong => {
                    format!("{} with a path too long to open ({})", of.len(), at(first))
                }
                Unreadable::Corrupt => {
                    format!("{} corrupt ({}: {})", of.len(), at(first), first.why)
                }
                Unreadable::Failed => format!("{} unreadable ({})", of.len(), first.why),
            };
            parts.push(part);
        }
        format!(
            "{n} {noun}{} not scanned: {}",
            if n == 1 { "" } else { "s" },
            parts.join("; ")
        )
    }
}

/// A path for a one-line summary: a path past the system's limit is thousands of chars,
/// so a long one keeps its start and its end (the evidence keeps it whole).
fn shorten(path: &str) -> String {
    const KEEP: usize = 40;
    let chars: Vec<char> = path.chars().collect();
    if chars.len() <= 2 * KEEP + 1 {
        return path.to_string();
    }
    let head: String = chars[..KEEP].iter().collect();
    let tail: String = chars[chars.len() - KEEP..].iter().collect();
    format!("{head}…{tail}")
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
    fn what_was_not_read_is_counted_by_reason_with_the_largest_named() {
        let mut nr = NotRead::default();
        nr.push(
            "small.sql",
            Some(5 * 1024 * 1024),
            Unreadable::TooLarge,
            "too large",
        );
        nr.push(
            "dump.sql",
            Some(12 * 1024 * 1024),
            Unreadable::TooLarge,
            "too large",
        );
        nr.push(
            ".gitignore",
            None,
            Unreadable::Refused,
            ".gitignore is a device",
        );
        assert_eq!(
            nr.summary("file"),
            "3 files not scanned: 2 over the 4 MiB limit (largest: dump.sql, 12 MiB); \
             1 refused (.gitignore is a device)"
        );
        let e = nr.evidence();
        assert_eq!(e.count, 3);
        assert_eq!(
            e.largest.as_ref().map(|u| u.path.as_str()),
            Some("dump.sql")
        );
        // On the wire: reasons keyed by name, the largest first.
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["reasons"]["too_large"], 2);
        assert_eq!(v["reasons"]["refused"], 1);
        assert_eq!(v["listed"][0]["path"], "dump.sql");
        assert_eq!(serde_json::from_value::<NotReadSummary>(v).unwrap(), e);
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
