//! The secrets family from a `LocalInput` (no network): the target is a repository or build folder
//! path. The scan is blocking file and git work, so it runs under `spawn_blocking`; when
//! the engine cancels the job (the future is dropped) a guard raises the scan's flag, and
//! the scan stops at the next file or blob.

use crate::engine::registry::{LocalInput, Registry};
use crate::judged::Judged;
use crate::secrets;
use crate::secrets::baseline;
use crate::secrets::baseline::Baseline;
use crate::secrets::history::{scan_history_with, tracked_dotenv_files};
use crate::secrets::own_values::OwnValues;
use crate::secrets::tree::{scan_build_with, scan_tree};
use crate::secrets::{Cancel, Hit, NotRead, ScanError};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{NotReadDetail, Observed, SecretScanEvidence, TrackedEnvFile};
use launch_ready_core::finding::{Finding, Severity};
use launch_ready_core::outcome;
use launch_ready_core::session::model::CheckOutcome;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// At most this many findings per check: past it the summary counts the rest.
const MAX_FINDINGS: usize = 200;

pub fn register(r: &mut Registry) {
    r.insert_local(KindId::SecretsRepo, |i: LocalInput| blocking(i, repo));
    r.insert_local(KindId::SecretsHistory, |i: LocalInput| blocking(i, history));
    r.insert_local(KindId::SecretsBuild, |i: LocalInput| blocking(i, build));
}

/// A scan: the root, the operator's own values (from the run's env files), the flag and
/// the progress callback.
pub type Scan = fn(&Path, Option<&OwnValues>, &Cancel, secrets::ProgressFn<'_>) -> CheckOutcome;

/// Sets the flag when dropped: the job's future going away stops the blocking scan.
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Runs `scan` on the blocking pool with the job's progress line.
pub async fn blocking(i: LocalInput, scan: Scan) -> CheckOutcome {
    if i.target.name.is_empty() {
        return outcome::error("no path given");
    }
    let cancel = Cancel::default();
    let _guard = CancelOnDrop(cancel.clone());
    let path = PathBuf::from(&i.target.name);
    let progress = i.progress.clone();
    let env_files: Vec<(String, PathBuf)> = i
        .scope
        .targets
        .env_files
        .iter()
        .map(|f| (f.environment.clone(), f.path.clone()))
        .collect();
    let task = tokio::task::spawn_blocking(move || {
        let own = OwnValues::from_env_files(&env_files);
        scan(&path, own.as_ref(), &cancel, &|done, total| {
            progress.report(format!("{done}/{total} scanned"));
        })
    });
    task.await
        .unwrap_or_else(|e| outcome::error(format!("scan failed: {e}")))
}

fn repo(
    root: &Path,
    _own: Option<&OwnValues>,
    cancel: &Cancel,
    progress: secrets::ProgressFn<'_>,
) -> CheckOutcome {
    let mut j = Judged::start(KindId::SecretsRepo, root.display().to_string());
    let scan = match scan_tree(root, cancel, progress) {
        Ok(s) => s,
        Err(e) => return j.error(e.to_string()),
    };
    let mut ev = SecretScanEvidence {
        files_scanned: Some(scan.files_scanned),
        files_skipped: Some(scan.skipped),
        bytes_scanned: scan.bytes_scanned,
        ..SecretScanEvidence::default()
    };
    let (hits, note) = match baseline(&mut ev, root, scan.hits) {
        Ok(h) => h,
        Err(e) => return j.error(e),
    };
    push_hits(
        &mut j,
        &mut ev,
        &hits,
        Code::SecretsExposed,
        &scan.local_only,
    );
    push_not_read(
        &mut j,
        &mut ev,
        &scan.not_read,
        Code::SecretsExposed,
        "file",
    );
    let tracked = match tracked_dotenv_files(root) {
        Ok(t) => t,
        Err(ScanError::NotARepo(_)) => Vec::new(),
        Err(e) => return j.error(e.to_string()),
    };
    for path in &tracked {
        j.push(
            Finding::new(
                Code::SecretsDotenvCommitted,
                format!("{path} is tracked by git"),
            )
            .with_detail(&TrackedEnvFile { path: path.clone() }),
        );
    }
    j.observed(Observed::SecretScan(ev));
    j.finish(&format!(
        "no credentials in {} files of the working tree{note}",
        scan.files_scanned
    ))
}

fn history(
    root: &Path,
    own: Option<&OwnValues>,
    cancel: &Cancel,
    progress: secrets::ProgressFn<'_>,
) -> CheckOutcome {
    let j = Judged::start(KindId::SecretsHistory, root.display().to_string());
    match scan_history_with(root, own, cancel, progress) {
        Ok(scan) => {
            let mut j = j;
            let mut ev = SecretScanEvidence {
                commits: Some(scan.commits),
                blobs_scanned: Some(scan.blobs_scanned),
                bytes_scanned: scan.bytes_scanned,
                ..SecretScanEvidence::default()
            };
            let (hits, note) = match baseline(&mut ev, root, scan.hits) {
                Ok(h) => h,
                Err(e) => return j.error(e),
            };
            push_hits(
                &mut j,
                &mut ev,
                &hits,
                Code::SecretsInHistory,
                &BTreeSet::new(),
            );
            push_not_read(
                &mut j,
                &mut ev,
                &scan.not_read,
                Code::SecretsInHistory,
                "blob",
            );
            j.observed(Observed::SecretScan(ev));
            j.finish(&format!(
                "no credentials only in history ({} commits, {} blobs){note}",
                scan.commits, scan.blobs_scanned
            ))
        }
        Err(ScanError::NotARepo(p)) => outcome::skipped(format!("{p} is not a git repository")),
        Err(e) => j.error(e.to_string()),
    }
}

fn build(
    root: &Path,
    own: Option<&OwnValues>,
    cancel: &Cancel,
    progress: secrets::ProgressFn<'_>,
) -> CheckOutcome {
    let mut j = Judged::start(KindId::SecretsBuild, root.display().to_string());
    let scan = match scan_build_with(root, own, cancel, progress) {
        Ok(s) => s,
        Err(e) => return j.error(e.to_string()),
    };
    // A build folder inside the repository shares the repository's baseline.
    let base = baseline::root_for("secrets.build", root);
    let mut ev = SecretScanEvidence {
        files_scanned: Some(scan.files_scanned),
        bytes_scanned: scan.bytes_scanned,
        ..SecretScanEvidence::default()
    };
    let (hits, note) = match baseline(&mut ev, &base, scan.hits) {
        Ok(h) => h,
        Err(e) => return j.error(e),
    };
    push_hits(
        &mut j,
        &mut ev,
        &hits,
        Code::SecretsInBuildOutput,
        &BTreeSet::new(),
    );
    push_not_read(
        &mut j,
        &mut ev,
        &scan.not_read,
        Code::SecretsInBuildOutput,
        "file",
    );
    j.observed(Observed::SecretScan(ev));
    j.finish(&format!(
        "no credentials in {} files of the build output{note}",
        scan.files_scanned
    ))
}

/// Drops the hits the baseline of `root` accepts and records how many.
fn baseline(
    ev: &mut SecretScanEvidence,
    root: &Path,
    mut hits: Vec<Hit>,
) -> Result<(Vec<Hit>, String), baseline::BaselineError> {
    let b = Baseline::load(root)?;
    let suppressed = b.filter(&mut hits, time::OffsetDateTime::now_utc().date());
    let note = if suppressed > 0 {
        ev.suppressed_by_baseline = Some(suppressed);
        format!("; {suppressed} accepted in the baseline")
    } else {
        String::new()
    };
    Ok((hits, note))
}

/// The finding of each hit. A hit in a file git ignores and does not track (`local`) is
/// on this machine, not in the repository: the same code, at a low severity, saying so.
fn push_hits(
    j: &mut Judged,
    ev: &mut SecretScanEvidence,
    hits: &[Hit],
    code: Code,
    local: &BTreeSet<String>,
) {
    for h in hits.iter().take(MAX_FINDINGS) {
        let what = match &h.variable {
            Some(v) => format!("the value of {v} from the env files"),
            None => h.rule.to_string(),
        };
        let at = match &h.commit {
            Some(c) => format!("{}:{} (commit {})", h.path, h.line, &c[..c.len().min(12)]),
            None => format!("{}:{}", h.path, h.line),
        };
        let file = h.path.split('!').next().unwrap_or(&h.path);
        let (severity, message) = if local.contains(file) {
            (
                Severity::Low,
                format!(
                    "{what} at {at}: on this machine, not in the repository (git ignores the file and does not track it)"
                ),
            )
        } else {
            (code.default_severity(), format!("{what} at {at}"))
        };
        j.push(
            Finding::new(code, message)
                .with_severity(severity)
                .with_detail(&h.detail()),
        );
    }
    if hits.len() > MAX_FINDINGS {
        ev.findings_not_listed = Some(hits.len() - MAX_FINDINGS);
    }
}

/// What a scan could not read, as evidence and as a finding: a credential in an unread
/// file is a credential not found, so the scan must not read as a clean pass. The finding's
/// evidence carries `not_read`, which the verdict counts as something not checked.
fn push_not_read(
    j: &mut Judged,
    ev: &mut SecretScanEvidence,
    not_read: &NotRead,
    code: Code,
    noun: &str,
) {
    if not_read.is_empty() {
        return;
    }
    let evidence = not_read.evidence();
    ev.not_read = Some(evidence.clone());
    j.push(
        Finding::new(
            code,
            format!(
                "{}: a credential there would go unseen",
                not_read.summary(noun)
            ),
        )
        .with_severity(Severity::Medium)
        .with_detail(&NotReadDetail { not_read: evidence }),
    );
}
