//! Folder scans: a repository's working tree (ignore rules respected) and a build output
//! folder (ignore rules off: `dist/` is usually ignored, which is the point). Symlinks are
//! never followed, so a link cannot lead the scan out of the tree; every file is read
//! through the guarded reader (`launch_ready_core::files`), which refuses special files and
//! stops at `MAX_FILE_BYTES`. Binaries are skipped; what could not be read is counted with
//! the reason (`FolderScan::not_read`), never dropped in silence. Inside source maps the
//! embedded `sourcesContent` is scanned, one original file at a time, so lines point into
//! the original source.

use super::ignores::IgnoreRules;
use super::own_values::OwnValues;
use super::own_values::add_own;
use super::{
    BINARY_SNIFF, Cancel, Hit, MAX_FILE_BYTES, NotRead, ProgressFn, ScanError, Unreadable,
    drop_values_found_by_rules, is_binary, is_name_too_long, parallel_map, scan_bytes,
};
use launch_ready_core::files::{FileError, Root};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a folder scan found.
#[derive(Debug, Default)]
pub struct FolderScan {
    pub hits: Vec<Hit>,
    pub files_scanned: usize,
    pub bytes_scanned: u64,
    /// Files skipped as binary.
    pub skipped: usize,
    /// What could not be read (too large, refused, unreadable), and why.
    pub not_read: NotRead,
    /// Paths of hits in files that git ignores and does not track: secrets on this
    /// machine, not in the repository (working-tree scans of a repository only).
    pub local_only: BTreeSet<String>,
}

/// Folders of build output, scanned by `secrets.build` and left out of `secrets.repo`'s
/// walk only when git ignores them anyway.
pub const BUILD_DIRS: &[&str] = &["dist", ".next", "build", "out", ".output", ".svelte-kit"];

/// The working tree of `root`, honouring its ignore files (also outside a git repository)
/// except for files git tracks: ignoring a committed file leaves it in the repository.
pub fn scan_tree(
    root: &Path,
    cancel: &Cancel,
    progress: ProgressFn<'_>,
) -> Result<FolderScan, ScanError> {
    let mut scan = scan_folder(root, true, None, cancel, progress)?;
    let paths: BTreeSet<&str> = scan
        .hits
        .iter()
        .map(|h| h.path.split('!').next().unwrap_or(&h.path))
        .collect();
    scan.local_only = super::history::local_only(root, &paths);
    Ok(scan)
}

/// A build output folder, every file (ignore rules off).
pub fn scan_build(
    root: &Path,
    cancel: &Cancel,
    progress: ProgressFn<'_>,
) -> Result<FolderScan, ScanError> {
    scan_folder(root, false, None, cancel, progress)
}

/// `scan_build` that also looks for the operator's own values.
pub fn scan_build_with(
    root: &Path,
    own: Option<&OwnValues>,
    cancel: &Cancel,
    progress: ProgressFn<'_>,
) -> Result<FolderScan, ScanError> {
    scan_folder(root, false, own, cancel, progress)
}

/// What became of one listed file.
enum Read {
    Scanned(Vec<Hit>, u64),
    Binary,
    Unread(FileError),
}

fn scan_folder(
    root: &Path,
    respect_ignores: bool,
    own: Option<&OwnValues>,
    cancel: &Cancel,
    progress: ProgressFn<'_>,
) -> Result<FolderScan, ScanError> {
    if !root.is_dir() {
        return Err(ScanError::NotAFolder(root.display().to_string()));
    }
    let reader = Root::new(root)?;
    let (files, mut not_read) = list_files(root, respect_ignores, cancel)?;
    let per_file = parallel_map(&files, cancel, progress, |path| {
        let bytes = match reader.read(path, MAX_FILE_BYTES) {
            Ok(b) => b,
            // A large binary (a video, an archive) is skipped like any binary; only text
            // too large to read is a blind spot.
            Err(e @ FileError::TooLarge { .. }) => {
                return match reader.read_head(path, BINARY_SNIFF as u64) {
                    Ok(head) if is_binary(&head) => Read::Binary,
                    _ => Read::Unread(e),
                };
            }
            Err(e) => return Read::Unread(e),
        };
        let rel = relative(root, path);
        let hits = if rel.ends_with(".map") {
            scan_source_map(&bytes, &rel, own)
        } else {
            None
        };
        let hits = match hits {
            Some(h) => h,
            None => {
                let Some(matches) = scan_bytes(&bytes) else {
                    return Read::Binary;
                };
                let mut hits: Vec<Hit> = matches
                    .into_iter()
                    .map(|m| Hit::from_match(m, &rel, None))
                    .collect();
                add_own(&mut hits, own, &String::from_utf8_lossy(&bytes), &rel, None);
                hits
            }
        };
        Read::Scanned(hits, bytes.len() as u64)
    })?;
    let mut out = FolderScan::default();
    for (path, r) in files.iter().zip(per_file) {
        match r {
            Read::Scanned(hits, n) => {
                out.files_scanned += 1;
                out.bytes_scanned += n;
                out.hits.extend(hits);
            }
            Read::Binary => out.skipped += 1,
            Read::Unread(e) => not_read.push_error(relative(root, path), &e),
        }
    }
    drop_values_found_by_rules(&mut out.hits);
    out.not_read = not_read;
    Ok(out)
}

/// Every regular file under `root`, `.git` excluded, links not followed; and what the
/// walk could not enter or read (an ignore file refused, a path too long to name).
fn list_files(
    root: &Path,
    respect_ignores: bool,
    cancel: &Cancel,
) -> Result<(Vec<PathBuf>, NotRead), ScanError> {
    let mut not_read = NotRead::default();
    let rules = if respect_ignores {
        Some(Arc::new(IgnoreRules::new(root)?))
    } else {
        None
    };
    let tracked = if respect_ignores {
        super::history::tracked_paths(root)
    } else {
        Vec::new()
    };
    let tracked_files: HashSet<PathBuf> = tracked.iter().map(|p| root.join(p)).collect();
    let tracked_dirs: HashSet<PathBuf> = tracked_files
        .iter()
        .flat_map(|p| p.ancestors().skip(1))
        .filter(|a| a.starts_with(root))
        .map(Path::to_path_buf)
        .collect();
    let filter_rules = rules.clone();
    // The walker's own ignore handling is off: it would read the ignore files itself,
    // unguarded (see `ignores`).
    let walk = ignore::WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .git_ignore(false)
        .git_exclude(false)
        .git_global(false)
        .ignore(false)
        .parents(false)
        .require_git(false)
        .filter_entry(move |e| {
            if e.file_name() == ".git" {
                return false;
            }
            let Some(rules) = &filter_rules else {
                return true;
            };
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if !rules.is_ignored(e.path(), is_dir) {
                return true;
            }
            if is_dir {
                tracked_dirs.contains(e.path())
            } else {
                tracked_files.contains(e.path())
            }
        })
        .build();
    let mut files = Vec::new();
    for entry in walk {
        if cancel.is_cancelled() {
            return Err(ScanError::Cancelled);
        }
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = error_path(&e)
                    .map_or_else(|| root.display().to_string(), |p| relative(root, p));
                let reason = match e.io_error() {
                    Some(io) if is_name_too_long(io) => Unreadable::PathTooLong,
                    _ => Unreadable::Failed,
                };
                not_read.push(path, None, reason, e.to_string());
                continue;
            }
        };
        let Some(ft) = entry.file_type() else {
            continue;
        };
        // FIFOs, sockets and devices hold no source; links are not followed.
        if ft.is_file() {
            files.push(entry.into_path());
        }
    }
    if let Some(rules) = rules {
        for e in rules.take_refused() {
            not_read.push_error(relative(root, e.path()), &e);
        }
    }
    files.sort();
    Ok((files, not_read))
}

/// The path an error of the walk is about, through its wrappers.
fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The hits inside a source map's `sourcesContent`, each at `map!source` and its line in
/// that source. `None` when the file is not a source map (then it is scanned as text).
pub fn scan_source_map(bytes: &[u8], rel: &str, own: Option<&OwnValues>) -> Option<Vec<Hit>> {
    #[derive(serde::Deserialize)]
    struct Map {
        #[serde(default)]
        sources: Vec<Option<String>>,
        #[serde(default, rename = "sourcesContent")]
        sources_content: Vec<Option<String>>,
    }
    let map: Map = serde_json::from_slice(bytes).ok()?;
    let mut hits = Vec::new();
    for (i, content) in map.sources_content.iter().enumerate() {
        let Some(content) = content else { continue };
        let source = map
            .sources
            .get(i)
            .cloned()
            .flatten()
            .unwrap_or_else(|| format!("source {i}"));
        let at = format!("{rel}!{source}");
        let mut found: Vec<Hit> = launch_ready_core::secret_rules::scan(content)
            .into_iter()
            .map(|m| Hit::from_match(m, &at, None))
            .collect();
        add_own(&mut found, own, content, &at, None);
        hits.extend(found);
    }
    Some(hits)
}
