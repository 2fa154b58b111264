//! Evidence of the `secrets` family. Never a secret: rule names, paths, line numbers,
//! fingerprints and redacted previews only.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `secrets.repo`, `secrets.history` and `secrets.build`: how much the scan read, and
/// what it could not read or did not list. The counts a kind does not take are absent:
/// files for the working tree and the build output (`files_skipped`, binaries, for the
/// tree only), commits and blobs for the history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecretScanEvidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files_scanned: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files_skipped: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commits: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blobs_scanned: Option<usize>,
    pub bytes_scanned: u64,
    /// Hits the repository's baseline accepts, left out of the findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by_baseline: Option<usize>,
    /// Hits past the findings cap, counted only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings_not_listed: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_read: Option<NotReadSummary>,
}

/// What a `secrets.*` scan could not read: how many, the largest, how many per reason and
/// the first few (largest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotReadSummary {
    pub count: usize,
    /// Null when no unread item has a known size.
    pub largest: Option<NotScanned>,
    pub reasons: BTreeMap<Unreadable, usize>,
    pub listed: Vec<NotScanned>,
}

/// One file or blob a `secrets.*` scan did not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotScanned {
    pub path: String,
    /// The commit that introduced it (history scans only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Its size, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    pub reason: Unreadable,
    /// The reader's own words.
    #[serde(default)]
    pub why: String,
}

/// Why some content was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unreadable {
    /// Over the scan's size limit.
    TooLarge,
    /// Refused by the file reader: a FIFO, a device, a link out of the tree.
    Refused,
    /// The path is longer than the system lets a program name.
    PathTooLong,
    /// A git object that does not decode.
    Corrupt,
    /// Any other read error (permissions, a race with a deletion).
    Failed,
}

/// Finding detail of a credential a `secrets.*` scan found (`secrets.exposed`,
/// `secrets.in_history`, `secrets.in_build_output`): where, by which rule, and the
/// fingerprint a baseline accepts it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretHit {
    pub rule: String,
    /// Path relative to the scanned root (for a source map: `app.js.map!src/x.ts`).
    pub path: String,
    pub line: usize,
    /// The commit that introduced the blob (history scans only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    pub redacted: String,
    pub fingerprint: String,
    /// For an own value (`env-value`): the variable it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
}

/// Finding detail of a `secrets.*` scan that could not read everything: a blind spot,
/// which the verdict counts as not checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotReadDetail {
    pub not_read: NotReadSummary,
}

/// Finding detail of `secrets.dotenv_committed`: the env file git tracks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedEnvFile {
    pub path: String,
}
