//! `launch-ready secrets baseline PATH`: scans PATH (working tree, history, build
//! folders) and accepts what it finds now in PATH's baseline file, so later scans report
//! only new secrets. The file names who accepted each one, why, and until when.

use super::{Failure, Outcome};
use crate::checks::secrets::baseline::Baseline;
use crate::checks::secrets::history::scan_history;
use crate::checks::secrets::tree::{BUILD_DIRS, scan_build, scan_tree};
use crate::checks::secrets::{Cancel, ScanError};
use clap::{Args, Subcommand};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// Accept the secrets a scan of PATH finds now; later scans report only new ones.
    Baseline(BaselineArgs),
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The repository (or folder) to scan; the baseline is written at its root.
    pub path: PathBuf,
    /// Why these findings are accepted (recorded with each one).
    #[arg(long)]
    pub reason: String,
    /// Who accepts them (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
    /// Last day the acceptance holds; after it the findings are reported again.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub expires: Option<String>,
}

pub fn run(cmd: &SecretsCommand, out: &mut String) -> Outcome {
    let SecretsCommand::Baseline(args) = cmd;
    let root = &args.path;
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
    for d in BUILD_DIRS {
        let dir = root.join(d);
        if dir.is_dir() {
            hits.extend(scan_build(&dir, &cancel, &quiet).map_err(failed)?.hits);
        }
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
