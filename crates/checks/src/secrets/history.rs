//! Git history through libgit2 (no `git log -p` subprocess): every commit reachable from
//! any branch, tag or remote ref is walked parents-first, each tree is entered once, and
//! each unique blob is scanned once and attributed to the first commit that introduced
//! it. A secret whose fingerprint is also in the HEAD tree is the working tree's finding
//! (`secrets.exposed`), so history reports only what is gone from HEAD.

use super::own_values::OwnValues;
use super::own_values::add_own;
use super::{
    Cancel, Hit, MAX_FILE_BYTES, NotRead, ProgressFn, ScanError, Unreadable, parallel_map_with,
    scan_bytes,
};
use git2::{ObjectType, Oid, Repository, Sort, Tree};
use launch_ready_core::files::Root;
use launch_ready_core::secret_rules::SecretMatch;
use std::collections::{BTreeSet, HashSet};
use std::path::Path;

/// What a history scan found.
#[derive(Debug, Default)]
pub struct HistoryScan {
    /// Secrets present only in history, one per fingerprint, at their first commit.
    pub hits: Vec<Hit>,
    pub commits: usize,
    pub blobs_scanned: usize,
    pub bytes_scanned: u64,
    /// Blobs that could not be read (too large, corrupt), each at its first path.
    pub not_read: NotRead,
}

/// What became of one blob.
enum Blob {
    Scanned(Vec<SecretMatch>, Vec<Hit>, u64),
    /// Binary content, or a large blob whose name says it is binary.
    Binary,
    Unread(Unreadable, Option<u64>, String),
}

/// Extensions of formats that are binary by nature: a blob over the size limit with one
/// of them is skipped as a binary, since reading it to look for a NUL would mean inflating
/// all of it.
const BINARY_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "bmp", "tif", "tiff", "psd", "mp4", "mov",
    "webm", "mkv", "avi", "mp3", "wav", "ogg", "flac", "m4a", "zip", "gz", "tgz", "bz2", "xz",
    "zst", "7z", "rar", "jar", "war", "pdf", "woff", "woff2", "ttf", "otf", "eot", "exe", "dll",
    "so", "dylib", "a", "o", "wasm", "bin", "iso", "dmg", "sqlite", "db", "parquet",
];

fn binary_by_name(path: &str) -> bool {
    path.rsplit_once('.').is_some_and(|(_, ext)| {
        BINARY_EXTENSIONS
            .iter()
            .any(|b| ext.eq_ignore_ascii_case(b))
    })
}

/// The files of a repository that libgit2 reads on its own when it opens one, reads its
/// index or asks its ignore rules. A FIFO or a device there would hang or exhaust that
/// read, so each must be a regular file below the repository (or absent) first.
fn guard_git_files(root: &Root, rel: Option<&str>) -> Result<(), ScanError> {
    let base = root.path();
    let git = base.join(".git");
    let Ok(meta) = std::fs::symlink_metadata(&git) else {
        return Ok(());
    };
    let mut files = Vec::new();
    if meta.is_dir() {
        for f in ["HEAD", "config", "index", "commondir", "info/exclude"] {
            files.push(git.join(f));
        }
    } else {
        // A linked worktree or a submodule: `.git` is a file naming the real folder.
        files.push(git);
    }
    // The ignore files of the folders down to `rel`, which git reads to judge it.
    if let Some(rel) = rel {
        files.push(base.join(".gitignore"));
        let mut dir = base.to_path_buf();
        let parts: Vec<&str> = rel.split('/').collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            dir.push(part);
            files.push(dir.join(".gitignore"));
        }
    }
    for f in files {
        root.check_regular(&f)?;
    }
    Ok(())
}

/// A blob to scan: where it first appeared.
struct Introduced {
    blob: Oid,
    path: String,
    commit: usize,
}

/// Opens exactly `root` as a repository (never a parent folder's), once the files git
/// reads on opening are known to be regular files.
pub fn open(root: &Path) -> Result<Repository, ScanError> {
    if let Ok(r) = Root::new(root) {
        guard_git_files(&r, None)?;
    }
    Repository::open(root).map_err(|e| {
        if e.code() == git2::ErrorCode::NotFound {
            ScanError::NotARepo(root.display().to_string())
        } else {
            ScanError::Git(e)
        }
    })
}

/// Scans every unique blob of the history of the repository at `root`.
pub fn scan_history(
    root: &Path,
    cancel: &Cancel,
    progress: ProgressFn<'_>,
) -> Result<HistoryScan, ScanError> {
    scan_history_with(root, None, cancel, progress)
}

/// `scan_history` that also looks for the operator's own values. Those are reported
/// even when HEAD still holds them: no working-tree rule would name them.
pub fn scan_history_with(
    root: &Path,
    own: Option<&OwnValues>,
    cancel: &Cancel,
    progress: ProgressFn<'_>,
) -> Result<HistoryScan, ScanError> {
    let repo = open(root)?;
    let mut walk = repo.revwalk()?;
    // Each glob may match nothing (no tags, no remotes): that is not an error.
    for glob in ["refs/heads", "refs/remotes", "refs/tags"] {
        let _ = walk.push_glob(glob);
    }
    let _ = walk.push_head();
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;

    let mut commits: Vec<Oid> = Vec::new();
    let mut seen_trees: HashSet<Oid> = HashSet::new();
    let mut seen_blobs: HashSet<Oid> = HashSet::new();
    let mut blobs: Vec<Introduced> = Vec::new();
    for oid in walk {
        if cancel.is_cancelled() {
            return Err(ScanError::Cancelled);
        }
        let commit = repo.find_commit(oid?)?;
        let tree = commit.tree()?;
        commits.push(commit.id());
        let index = commits.len() - 1;
        if seen_trees.insert(tree.id()) {
            collect_new_blobs(
                &repo,
                &tree,
                "",
                index,
                &mut seen_trees,
                &mut seen_blobs,
                &mut blobs,
            )?;
        }
    }
    let head_blobs = head_blobs(&repo)?;

    let git_dir = repo.path().to_path_buf();
    let scanned = parallel_map_with(
        &blobs,
        cancel,
        progress,
        || Repository::open(&git_dir).ok(),
        |repo, item| {
            let corrupt =
                |e: git2::Error| Blob::Unread(Unreadable::Corrupt, None, e.message().to_string());
            let (size, _) = match repo.odb().and_then(|odb| odb.read_header(item.blob)) {
                Ok(h) => h,
                Err(e) => return corrupt(e),
            };
            let size = size as u64;
            if size > MAX_FILE_BYTES {
                if binary_by_name(&item.path) {
                    return Blob::Binary;
                }
                return Blob::Unread(
                    Unreadable::TooLarge,
                    Some(size),
                    format!(
                        "{} is {}, over the {} limit: not read",
                        item.path,
                        launch_ready_core::files::human_bytes(size),
                        launch_ready_core::files::human_bytes(MAX_FILE_BYTES)
                    ),
                );
            }
            let blob = match repo.find_blob(item.blob) {
                Ok(b) => b,
                Err(e) => return corrupt(e),
            };
            let Some(matches) = scan_bytes(blob.content()) else {
                return Blob::Binary;
            };
            let mut own_hits = Vec::new();
            if own.is_some() {
                let commit = commits[item.commit].to_string();
                let text = String::from_utf8_lossy(blob.content());
                add_own(&mut own_hits, own, &text, &item.path, Some(&commit));
            }
            Blob::Scanned(matches, own_hits, size)
        },
    )?;

    let mut out = HistoryScan {
        commits: commits.len(),
        ..HistoryScan::default()
    };
    // Values are compared by `value_id`, whichever rule (or env file) found them: the
    // values a rule finds in HEAD belong to the working-tree check, and a value a rule
    // finds anywhere in history is that rule's finding, never also an env value's.
    let mut current: HashSet<&str> = HashSet::new();
    let mut by_rules: HashSet<&str> = HashSet::new();
    for (item, r) in blobs.iter().zip(&scanned) {
        if let Blob::Scanned(matches, _, _) = r {
            by_rules.extend(matches.iter().map(|m| m.value_id.as_str()));
            if head_blobs.contains(&item.blob) {
                current.extend(matches.iter().map(|m| m.value_id.as_str()));
            }
        }
    }
    let mut reported: HashSet<String> = HashSet::new();
    let mut hits = Vec::new();
    for (item, r) in blobs.iter().zip(&scanned) {
        let (matches, own_hits, size) = match r {
            Blob::Scanned(m, o, s) => (m, o, *s),
            Blob::Binary => continue,
            Blob::Unread(reason, size, why) => {
                out.not_read.push_blob(
                    item.path.clone(),
                    commits[item.commit].to_string(),
                    *size,
                    *reason,
                    why.clone(),
                );
                continue;
            }
        };
        out.blobs_scanned += 1;
        out.bytes_scanned += size;
        let commit = commits[item.commit].to_string();
        for m in matches {
            if current.contains(m.value_id.as_str()) || !reported.insert(m.value_id.clone()) {
                continue;
            }
            hits.push(Hit::from_match(m.clone(), &item.path, Some(&commit)));
        }
        for h in own_hits {
            if by_rules.contains(h.value_id.as_str()) || !reported.insert(h.value_id.clone()) {
                continue;
            }
            hits.push(h.clone());
        }
    }
    out.hits = hits;
    Ok(out)
}

/// Records the blobs of `tree` not seen before, entering only subtrees not seen before.
#[allow(clippy::too_many_arguments)] // one recursive walk's accumulators, kept explicit
fn collect_new_blobs(
    repo: &Repository,
    tree: &Tree<'_>,
    prefix: &str,
    commit: usize,
    seen_trees: &mut HashSet<Oid>,
    seen_blobs: &mut HashSet<Oid>,
    out: &mut Vec<Introduced>,
) -> Result<(), ScanError> {
    for entry in tree.iter() {
        let name = String::from_utf8_lossy(entry.name_bytes());
        let path = if prefix.is_empty() {
            name.into_owned()
        } else {
            format!("{prefix}/{name}")
        };
        match entry.kind() {
            // Symlinks are blobs holding a path: nothing to scan.
            Some(ObjectType::Blob)
                if entry.filemode() != 0o120000 && seen_blobs.insert(entry.id()) =>
            {
                out.push(Introduced {
                    blob: entry.id(),
                    path,
                    commit,
                });
            }
            Some(ObjectType::Tree) if seen_trees.insert(entry.id()) => {
                let sub = repo.find_tree(entry.id())?;
                collect_new_blobs(repo, &sub, &path, commit, seen_trees, seen_blobs, out)?;
            }
            // Submodule commits and trees already entered.
            _ => {}
        }
    }
    Ok(())
}

/// Every blob of the HEAD tree (empty for a repository without commits).
fn head_blobs(repo: &Repository) -> Result<HashSet<Oid>, ScanError> {
    let mut out = HashSet::new();
    let Ok(head) = repo.head() else {
        return Ok(out);
    };
    let tree = head.peel_to_tree()?;
    tree.walk(git2::TreeWalkMode::PreOrder, |_, e| {
        if e.kind() == Some(ObjectType::Blob) {
            out.insert(e.id());
        }
        git2::TreeWalkResult::Ok
    })?;
    Ok(out)
}

/// Every path of the index (tracked files), relative to `root`.
fn index_paths(repo: &Repository) -> Result<Vec<String>, ScanError> {
    let index = repo.index()?;
    Ok(index
        .iter()
        .map(|e| String::from_utf8_lossy(&e.path).into_owned())
        .collect())
}

/// The tracked files of the repository at `root`; none when it is not one (a plain folder)
/// or its index cannot be read.
pub fn tracked_paths(root: &Path) -> Vec<String> {
    open(root)
        .and_then(|repo| index_paths(&repo))
        .unwrap_or_default()
}

/// Tracked files of the index whose name is a real env file (`.env`, `.env.production`).
pub fn tracked_dotenv_files(root: &Path) -> Result<Vec<String>, ScanError> {
    let repo = open(root)?;
    let mut out: Vec<String> = index_paths(&repo)?
        .into_iter()
        .filter(|p| super::is_dotenv_name(p.rsplit('/').next().unwrap_or(p)))
        .collect();
    out.sort();
    Ok(out)
}

/// Whether git would ignore `rel` (a path relative to the repository root). git reads the
/// ignore files on the way to `rel` itself, so they are checked first.
pub fn is_ignored(root: &Path, rel: &str) -> Result<bool, ScanError> {
    let repo = open(root)?;
    guard_git_files(&Root::new(root)?, Some(rel))?;
    Ok(repo.status_should_ignore(Path::new(rel))?)
}

/// Of `paths` (relative to `root`), those git ignores and does not track: files on this
/// machine, not in the repository. Empty for a folder that is not a repository, and a
/// path git cannot be asked about is not counted as local (the stricter reading).
pub fn local_only(root: &Path, paths: &BTreeSet<&str>) -> BTreeSet<String> {
    let Ok(repo) = open(root) else {
        return BTreeSet::new();
    };
    let Ok(reader) = Root::new(root) else {
        return BTreeSet::new();
    };
    let tracked: HashSet<String> = index_paths(&repo).unwrap_or_default().into_iter().collect();
    paths
        .iter()
        .filter(|p| !tracked.contains(**p))
        .filter(|p| {
            guard_git_files(&reader, Some(p)).is_ok()
                && repo.status_should_ignore(Path::new(p)).unwrap_or(false)
        })
        .map(|p| (*p).to_string())
        .collect()
}

/// Who the repository at `root` says its user is (`user.name` and `user.email` of its git
/// configuration, the repository's own over the global one): `Name <email>`, or whichever
/// of the two is set.
pub fn git_user(root: &Path) -> Option<String> {
    let repo = open(root).ok()?;
    let config = repo.config().ok()?;
    let get = |k: &str| {
        config
            .get_string(k)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    match (get("user.name"), get("user.email")) {
        (Some(n), Some(e)) => Some(format!("{n} <{e}>")),
        (Some(n), None) => Some(n),
        (None, Some(e)) => Some(e),
        (None, None) => None,
    }
}
