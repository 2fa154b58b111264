//! `launch-ready secrets baseline [--session S] [PATH]`: scans PATH, or the session's
//! repository (working tree, history, build folders, the session's build folder), and
//! accepts what it finds now in the repository's baseline file, so later scans — headless
//! `check` and the TUI alike — report only new secrets and say how many were suppressed.
//! The file names who accepted each one, why, and until when.

use super::{Failure, Outcome};
use crate::cli::secrets::SecretsCommand;
use launch_ready_checks::secrets::baseline::Baseline;
use launch_ready_checks::secrets::history::scan_history;
use launch_ready_checks::secrets::tree::{BUILD_DIRS, scan_build, scan_tree};
use launch_ready_checks::secrets::{Cancel, ScanError};
use std::fmt::Write as _;
use std::path::PathBuf;

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
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into());
    let cancel = Cancel::default();
    let quiet = |_: usize, _: usize| {};
    let failed = |e: ScanError| Failure::runtime(e.to_string());
    let mut hits = scan_tree(root, &cancel, &quiet).map_err(failed)?.hits;
    match scan_history(root, &cancel, &quiet) {
        Ok(h) => hits.extend(h.hits),
        Err(ScanError::NotARepo(_)) => {}
        Err(e) => return Err(failed(e)),
    }
    let mut build_dirs: Vec<PathBuf> = BUILD_DIRS
        .iter()
        .map(|d| root.join(d))
        .filter(|d| d.is_dir())
        .collect();
    if let Some(b) = session.as_ref().and_then(|s| s.targets.build_dir.clone())
        && b.is_dir()
        && !build_dirs.contains(&b)
    {
        build_dirs.push(b);
    }
    for dir in &build_dirs {
        hits.extend(scan_build(dir, &cancel, &quiet).map_err(failed)?.hits);
    }
    let mut baseline = Baseline::load(root).map_err(|e| Failure::usage(e.to_string()))?;
    let added = baseline.accept(&hits, &by, &args.reason, expires);
    let path = baseline
        .save(root)
        .map_err(|e| Failure::runtime(e.to_string()))?;
    let _ = writeln!(
        out,
        "{added} finding(s) accepted, {} in {}",
        baseline.accepted.len(),
        path.display()
    );
    Ok(0)
}
