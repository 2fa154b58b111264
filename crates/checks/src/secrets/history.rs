//! Git history through libgit2 (no `git log -p` subprocess): every commit reachable from
//! any branch, tag or remote ref is walked parents-first, each tree is entered once, and
//! each unique blob is scanned once and attributed to the first commit that introduced
//! it. A secret whose fingerprint is also in the HEAD tree is the working tree's finding
//! (`secrets.exposed`), so history reports only what is gone from HEAD.

use super::own_values::OwnValues;
use super::tree::add_own;
use super::{Cancel, Hit, MAX_FILE_BYTES, ProgressFn, ScanError, parallel_map_with, scan_bytes};
use git2::{ObjectType, Oid, Repository, Sort, Tree};
use std::collections::HashSet;
use std::path::Path;

/// What a history scan found.
#[derive(Debug, Default)]
pub struct HistoryScan {
    /// Secrets present only in history, one per fingerprint, at their first commit.
    pub hits: Vec<Hit>,
    pub commits: usize,
    pub blobs_scanned: usize,
    pub bytes_scanned: u64,
}

/// A blob to scan: where it first appeared.
struct Introduced {
    blob: Oid,
    path: String,
    commit: usize,
}

/// Opens exactly `root` as a repository (never a parent folder's).
pub fn open(root: &Path) -> Result<Repository, ScanError> {
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
            let odb = repo.odb().ok()?;
            let (size, _) = odb.read_header(item.blob).ok()?;
            if size as u64 > MAX_FILE_BYTES {
                return None;
            }
            let blob = repo.find_blob(item.blob).ok()?;
            let matches = scan_bytes(blob.content())?;
            let mut own_hits = Vec::new();
            if own.is_some() {
                let commit = commits[item.commit].to_string();
                let text = String::from_utf8_lossy(blob.content());
                add_own(&mut own_hits, own, &text, &item.path, Some(&commit));
            }
            Some((matches, own_hits, size as u64))
        },
    )?;

    let mut out = HistoryScan {
        commits: commits.len(),
        ..HistoryScan::default()
    };
    // The fingerprints still in HEAD belong to the working-tree check.
    let mut current: HashSet<String> = HashSet::new();
    for (item, r) in blobs.iter().zip(&scanned) {
        if let Some((matches, _, _)) = r
            && head_blobs.contains(&item.blob)
        {
            current.extend(matches.iter().map(|m| m.fingerprint.clone()));
        }
    }
    let mut reported: HashSet<String> = HashSet::new();
    for (item, r) in blobs.iter().zip(scanned) {
        let Some((matches, own_hits, size)) = r else {
            continue;
        };
        out.blobs_scanned += 1;
        out.bytes_scanned += size;
        let commit = commits[item.commit].to_string();
        for m in matches {
            if current.contains(&m.fingerprint) || !reported.insert(m.fingerprint.clone()) {
                continue;
            }
            out.hits.push(Hit::from_match(m, &item.path, Some(&commit)));
        }
        for h in own_hits {
            if reported.insert(h.fingerprint.clone()) {
                out.hits.push(h);
            }
        }
    }
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

/// Tracked files of the index whose name is a real env file (`.env`, `.env.production`).
pub fn tracked_dotenv_files(root: &Path) -> Result<Vec<String>, ScanError> {
    let repo = open(root)?;
    let index = repo.index()?;
    let mut out: Vec<String> = index
        .iter()
        .map(|e| String::from_utf8_lossy(&e.path).into_owned())
        .filter(|p| super::is_dotenv_name(p.rsplit('/').next().unwrap_or(p)))
        .collect();
    out.sort();
    Ok(out)
}

/// Whether git would ignore `rel` (a path relative to the repository root).
pub fn is_ignored(root: &Path, rel: &str) -> Result<bool, ScanError> {
    let repo = open(root)?;
    Ok(repo.status_should_ignore(Path::new(rel))?)
}
