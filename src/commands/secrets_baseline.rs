//! `launch-ready secrets baseline [--session S] [PATH]`: scans PATH, or the session's
//! repository (working tree, history, build folders, the session's build folder), and
//! accepts what it finds now in the repository's baseline file, so later scans — headless
//! `check` and the TUI alike — report only new secrets and say how many were suppressed.
//! The file names who accepted each one, why, and until when.
//!
//! Accepting is a decision about each secret, so the command lists every finding it is
//! about to accept (redacted), and when a blocker (a live key in the tree or the build) is
//! among them it accepts nothing until told `--all`, or narrowed with `--rule`/`--path`.

use super::{Failure, Outcome};
use crate::cli::secrets::{BaselineArgs, SecretsCommand};
use launch_ready_checks::secrets::baseline::Baseline;
use launch_ready_checks::secrets::history::{git_user, scan_history};
use launch_ready_checks::secrets::tree::{BUILD_DIRS, scan_build, scan_tree};
use launch_ready_checks::secrets::{Cancel, Hit, ScanError};
use launch_ready_core::finding::Severity;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One finding the command may accept.
struct Candidate {
    hit: Hit,
    /// The severity its check reports it at.
    severity: Severity,
    /// Where it is, relative to the repository (a build folder's files under its name).
    shown: String,
}

impl Candidate {
    fn line(&self) -> String {
        let commit = self
            .hit
            .commit
            .as_deref()
            .map(|c| format!(" (commit {})", &c[..c.len().min(12)]))
            .unwrap_or_default();
        format!(
            "  {:<7} {}  {}:{}{commit}  {}",
            self.severity.as_str(),
            self.hit.rule,
            self.shown,
            self.hit.line,
            self.hit.redacted
        )
    }

    fn selected(&self, args: &BaselineArgs) -> bool {
        let rule_ok = args.rules.is_empty() || args.rules.iter().any(|r| r == self.hit.rule);
        let path_ok = args.paths.is_empty()
            || args.paths.iter().any(|p| {
                let p = p.trim_start_matches("./").trim_end_matches('/');
                self.shown == p
                    || self.shown.starts_with(&format!("{p}/"))
                    || self.shown.starts_with(&format!("{p}!"))
            });
        rule_ok && path_ok
    }
}

pub fn run(cmd: &SecretsCommand, out: &mut String) -> Outcome {
    let SecretsCommand::Baseline(args) = cmd;
    let session = match &args.session {
        Some(name) => Some(crate::headless::load_session(name).map_err(Failure::usage)?),
        None => None,
    };
    let root = match (&args.path, &session) {
        (Some(p), _) => p.clone(),
        (None, Some(s)) => s.targets.repo.clone().ok_or_else(|| {
            Failure::usage("--session: the session names no repository; give PATH")
        })?,
        (None, None) => return Err(Failure::usage("give PATH or --session")),
    };
    let root = &root;
    if !root.is_dir() {
        return Err(Failure::usage(format!(
            "{} is not a folder",
            root.display()
        )));
    }
    let expires = match &args.expires {
        None => None,
        Some(e) => Some(
            time::Date::parse(e, time::macros::format_description!("[year]-[month]-[day]"))
                .map_err(|_| Failure::usage(format!("--expires: `{e}` is not YYYY-MM-DD")))?,
        ),
    };
    let by = args
        .by
        .clone()
        .or_else(|| git_user(root))
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into());
    let mut baseline = Baseline::load(root).map_err(|e| Failure::usage(e.to_string()))?;
    let found = scan_all(root, session.as_ref())?;
    let (chosen, already): (Vec<Candidate>, Vec<Candidate>) = found
        .into_iter()
        .filter(|c| c.selected(args))
        .partition(|c| {
            !baseline
                .accepted
                .iter()
                .any(|a| a.fingerprint == c.hit.fingerprint)
        });
    if chosen.is_empty() {
        let _ = writeln!(
            out,
            "nothing new to accept ({} already in the baseline)",
            already.len()
        );
        return Ok(0);
    }
    let blockers = chosen
        .iter()
        .filter(|c| c.severity == Severity::Blocker)
        .count();
    let narrowed = !args.rules.is_empty() || !args.paths.is_empty();
    if blockers > 0 && !args.all && !narrowed {
        let _ = writeln!(out, "{} finding(s) found:", chosen.len());
        for c in &chosen {
            let _ = writeln!(out, "{}", c.line());
        }
        return Err(Failure::usage(format!(
            "{blockers} blocker(s) among them: nothing accepted. Rotate what is live, then \
             accept with --all (every finding listed) or choose with --rule RULE / --path PATH"
        )));
    }
    let _ = writeln!(out, "accepting {} finding(s):", chosen.len());
    for c in &chosen {
        let _ = writeln!(out, "{}", c.line());
    }
    let hits: Vec<Hit> = chosen.into_iter().map(|c| c.hit).collect();
    let added = baseline.accept(&hits, &by, &args.reason, expires);
    let path = baseline
        .save(root)
        .map_err(|e| Failure::runtime(e.to_string()))?;
    let _ = writeln!(
        out,
        "{added} finding(s) accepted by {by}, {} in {}",
        baseline.accepted.len(),
        path.display()
    );
    Ok(0)
}

/// Every finding of the working tree, the history and the build folders, each at the
/// severity its check reports it at.
fn scan_all(
    root: &Path,
    session: Option<&launch_ready_core::session::Session>,
) -> Result<Vec<Candidate>, Failure> {
    let cancel = Cancel::default();
    let quiet = |_: usize, _: usize| {};
    let failed = |e: ScanError| Failure::runtime(e.to_string());
    let mut found = Vec::new();
    let tree = scan_tree(root, &cancel, &quiet).map_err(failed)?;
    for hit in tree.hits {
        let file = hit.path.split('!').next().unwrap_or(&hit.path);
        let severity = if tree.local_only.contains(file) {
            Severity::Low
        } else {
            Severity::Blocker
        };
        found.push(Candidate {
            shown: hit.path.clone(),
            hit,
            severity,
        });
    }
    match scan_history(root, &cancel, &quiet) {
        Ok(h) => found.extend(h.hits.into_iter().map(|hit| Candidate {
            shown: hit.path.clone(),
            hit,
            severity: Severity::High,
        })),
        Err(ScanError::NotARepo(_)) => {}
        Err(e) => return Err(failed(e)),
    }
    let mut build_dirs: Vec<PathBuf> = BUILD_DIRS
        .iter()
        .map(|d| root.join(d))
        .filter(|d| d.is_dir())
        .collect();
    if let Some(b) = session.and_then(|s| s.targets.build_dir.clone())
        && b.is_dir()
        && !build_dirs.contains(&b)
    {
        build_dirs.push(b);
    }
    for dir in &build_dirs {
        let prefix = dir
            .strip_prefix(root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| dir.display().to_string());
        let scan = scan_build(dir, &cancel, &quiet).map_err(failed)?;
        found.extend(scan.hits.into_iter().map(|hit| Candidate {
            shown: format!("{prefix}/{}", hit.path),
            hit,
            severity: Severity::Blocker,
        }));
    }
    Ok(found)
}
