//! The ignore rules of a working-tree scan (`.gitignore` and `.ignore` in every folder,
//! `.git/info/exclude` at the root), read through the guarded file reader.
//!
//! The `ignore` crate's walker reads those files itself, with a plain open and a read to
//! the end: a `.gitignore` that is a FIFO hangs the scan, one linked to `/dev/zero` reads
//! until memory runs out. So the walker runs with its own ignore handling off, and the
//! rules are built here from the text the guarded reader returns, with the crate's own
//! gitignore matcher. A file the reader refuses is reported and its rules are left out:
//! a scan that reads a little more than git would is safe, one that hangs is not.

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use launch_ready_core::files::{FileError, Root};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// An ignore file is a few hundred lines; anything far larger is not one.
const MAX_IGNORE_BYTES: u64 = 1024 * 1024;

/// The per-folder ignore files, the one that takes precedence first (as ripgrep and the
/// `ignore` crate order them).
const NAMES: [&str; 2] = [".ignore", ".gitignore"];

/// The ignore rules below one root, read folder by folder as the walk reaches them.
pub struct IgnoreRules {
    root: PathBuf,
    reader: Root,
    per_dir: Mutex<HashMap<PathBuf, Arc<Vec<Gitignore>>>>,
    exclude: Option<Gitignore>,
    refused: Mutex<Vec<FileError>>,
}

impl std::fmt::Debug for IgnoreRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IgnoreRules({})", self.root.display())
    }
}

impl IgnoreRules {
    /// The rules of `root` (the path the walk starts from, as the walk will name it).
    pub fn new(root: &Path) -> Result<IgnoreRules, FileError> {
        let reader = Root::new(root)?;
        let mut refused = Vec::new();
        // `.git/info/exclude` when `.git` is the repository's own folder (a linked worktree's
        // `.git` is a file naming another place, whose exclude file is not this tree's).
        let git_dir = root.join(".git");
        let exclude = if std::fs::symlink_metadata(&git_dir).is_ok_and(|m| m.is_dir()) {
            build(&reader, root, &[git_dir.join("info/exclude")], &mut refused)
        } else {
            None
        };
        Ok(IgnoreRules {
            root: root.to_path_buf(),
            reader,
            per_dir: Mutex::new(HashMap::new()),
            exclude,
            refused: Mutex::new(refused),
        })
    }

    /// Whether the rules ignore `path` (below the root), or a folder it is in.
    pub fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        let mut dir = path.parent();
        while let Some(d) = dir {
            if !d.starts_with(&self.root) {
                break;
            }
            // Rules of a deeper folder override those above it; within a folder `.ignore`
            // overrides `.gitignore`.
            for m in self.matchers(d).iter() {
                match m.matched_path_or_any_parents(path, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
            if d == self.root {
                break;
            }
            dir = d.parent();
        }
        self.exclude
            .as_ref()
            .is_some_and(|m| m.matched_path_or_any_parents(path, is_dir).is_ignore())
    }

    /// The ignore files the reader refused so far, each once.
    pub fn take_refused(&self) -> Vec<FileError> {
        std::mem::take(&mut *self.refused.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn matchers(&self, dir: &Path) -> Arc<Vec<Gitignore>> {
        let mut cache = self.per_dir.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(m) = cache.get(dir) {
            return Arc::clone(m);
        }
        let mut refused = Vec::new();
        let matchers: Vec<Gitignore> = NAMES
            .iter()
            .filter_map(|n| build(&self.reader, dir, &[dir.join(n)], &mut refused))
            .collect();
        if !refused.is_empty() {
            self.refused
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend(refused);
        }
        let m = Arc::new(matchers);
        cache.insert(dir.to_path_buf(), Arc::clone(&m));
        m
    }
}

/// A matcher rooted at `dir` from the lines of `files`; `None` when none of them exists
/// or holds a rule. A file the reader refuses goes to `refused`.
fn build(
    reader: &Root,
    dir: &Path,
    files: &[PathBuf],
    refused: &mut Vec<FileError>,
) -> Option<Gitignore> {
    let mut builder = GitignoreBuilder::new(dir);
    let mut any = false;
    for file in files {
        let text = match reader.read_text(file, MAX_IGNORE_BYTES) {
            Ok(t) => t,
            Err(e) if e.is_not_found() => continue,
            Err(e) => {
                refused.push(e);
                continue;
            }
        };
        for line in text.lines() {
            // A pattern the glob syntax rejects is skipped, as git skips it.
            if builder.add_line(Some(file.clone()), line).is_ok() {
                any = true;
            }
        }
    }
    if !any {
        return None;
    }
    builder.build().ok().filter(|m| !m.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_rules_negation_and_the_exclude_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git/info")).unwrap();
        std::fs::create_dir_all(root.join("web/dist")).unwrap();
        std::fs::write(root.join(".gitignore"), "dist/\n*.log\n!keep.log\n").unwrap();
        std::fs::write(root.join("web/.gitignore"), "local.json\n").unwrap();
        std::fs::write(root.join(".git/info/exclude"), "notes.txt\n").unwrap();
        let rules = IgnoreRules::new(root).unwrap();
        let ignored = |p: &str, dir: bool| rules.is_ignored(&root.join(p), dir);
        assert!(ignored("web/dist", true));
        assert!(ignored("web/dist/app.js", false));
        assert!(ignored("a.log", false));
        assert!(!ignored("keep.log", false));
        assert!(ignored("web/local.json", false));
        assert!(!ignored("local.json", false), "a folder's rules stay in it");
        assert!(ignored("notes.txt", false));
        assert!(!ignored("src/app.ts", false));
        assert!(rules.take_refused().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_hostile_ignore_file_is_refused_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::os::unix::fs::symlink("/dev/zero", root.join(".gitignore")).unwrap();
        let rules = IgnoreRules::new(root).unwrap();
        assert!(!rules.is_ignored(&root.join("a.txt"), false));
        let refused = rules.take_refused();
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert!(refused[0].to_string().contains(".gitignore"));
        // Asked again, the folder's rules come from the cache: one refusal, reported once.
        assert!(!rules.is_ignored(&root.join("b.txt"), false));
        assert!(rules.take_refused().is_empty());
    }
}
