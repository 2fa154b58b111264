//! Folder scans: a repository's working tree (gitignore respected) and a build output
//! folder (gitignore off: `dist/` is usually ignored, which is the point). Symlinks are
//! never followed, so a link cannot lead the scan out of the tree; binaries and files
//! over `MAX_FILE_BYTES` are skipped. Inside source maps the embedded `sourcesContent`
//! is scanned, one original file at a time, so lines point into the original source.

use super::own_values::OwnValues;
use super::{Cancel, Hit, MAX_FILE_BYTES, ProgressFn, ScanError, parallel_map, scan_bytes};
use std::path::{Path, PathBuf};

/// What a folder scan found.
#[derive(Debug, Default)]
pub struct FolderScan {
    pub hits: Vec<Hit>,
    pub files_scanned: usize,
    pub bytes_scanned: u64,
    /// Files skipped as binary or too large.
    pub skipped: usize,
}

/// Folders of build output, scanned by `secrets.build` and left out of `secrets.repo`'s
/// walk only when git ignores them anyway.
pub const BUILD_DIRS: &[&str] = &["dist", ".next", "build", "out", ".output", ".svelte-kit"];

/// The working tree of `root`, honouring `.gitignore` (also outside a git repository).
pub fn scan_tree(
    root: &Path,
    cancel: &Cancel,
    progress: ProgressFn<'_>,
) -> Result<FolderScan, ScanError> {
    scan_folder(root, true, None, cancel, progress)
}

/// A build output folder, every file (gitignore off).
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
    let files = list_files(root, respect_ignores, cancel)?;
    let per_file = parallel_map(&files, cancel, progress, |(path, len)| {
        if *len > MAX_FILE_BYTES {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        let rel = relative(root, path);
        let hits = if rel.ends_with(".map") {
            scan_source_map(&bytes, &rel, own)
        } else {
            None
        };
        let hits = match hits {
            Some(h) => h,
            None => {
                let mut hits: Vec<Hit> = scan_bytes(&bytes)?
                    .into_iter()
                    .map(|m| Hit::from_match(m, &rel, None))
                    .collect();
                add_own(&mut hits, own, &String::from_utf8_lossy(&bytes), &rel, None);
                hits
            }
        };
        Some((hits, bytes.len() as u64))
    })?;
    let mut out = FolderScan::default();
    for r in per_file {
        match r {
            Some((hits, n)) => {
                out.files_scanned += 1;
                out.bytes_scanned += n;
                out.hits.extend(hits);
            }
            None => out.skipped += 1,
        }
    }
    Ok(out)
}

/// Every regular file under `root` with its size, `.git` excluded, links not followed.
fn list_files(
    root: &Path,
    respect_ignores: bool,
    cancel: &Cancel,
) -> Result<Vec<(PathBuf, u64)>, ScanError> {
    let walk = ignore::WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .git_ignore(respect_ignores)
        .git_exclude(respect_ignores)
        .git_global(false)
        .ignore(respect_ignores)
        .parents(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    let mut files = Vec::new();
    for entry in walk {
        if cancel.is_cancelled() {
            return Err(ScanError::Cancelled);
        }
        // An unreadable entry (permissions, a race with a deletion) is skipped, not fatal.
        let Ok(entry) = entry else { continue };
        let Some(ft) = entry.file_type() else {
            continue;
        };
        if !ft.is_file() {
            continue;
        }
        let len = entry.metadata().map_or(0, |m| m.len());
        files.push((entry.into_path(), len));
    }
    files.sort();
    Ok(files)
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

/// Adds the own-value hits of `text`, except on lines a rule already reported (the
/// rule's finding says more) and inside env files (where the values come from).
pub fn add_own(
    hits: &mut Vec<Hit>,
    own: Option<&OwnValues>,
    text: &str,
    path: &str,
    commit: Option<&str>,
) {
    let Some(own) = own else { return };
    let name = path.rsplit('/').next().unwrap_or(path);
    if super::is_dotenv_name(name) {
        return;
    }
    for h in own.scan(text, path, commit) {
        if !hits.iter().any(|r| r.line == h.line && r.path == h.path) {
            hits.push(h);
        }
    }
}
