//! One Lighthouse run as a child process: mobile form factor with Lighthouse's default
//! simulated throttling, the performance category only, the report on stdout. The child
//! is killed when its future is dropped (a cancelled check) or its time runs out.

use super::browser::Browser;
use super::lighthouse::{self, LighthouseRun, ReportError};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// Most bytes of report read (a report with its trace summary is well under 2 MiB).
const MAX_REPORT: usize = 32 * 1024 * 1024;
/// Characters of Lighthouse's stderr quoted when it fails.
const STDERR_QUOTED: usize = 300;

/// Why a run gave no report.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot start Lighthouse at {path}: {source}")]
    Spawn {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("Lighthouse gave no report within {0:?}")]
    Timeout(Duration),
    #[error("Lighthouse failed ({status}): {stderr}")]
    Failed { status: String, stderr: String },
    #[error("Lighthouse's report is larger than {MAX_REPORT} bytes")]
    TooLarge,
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// Runs Lighthouse at `lighthouse` against `url` in `browser`, within `limit`.
pub async fn once(
    lighthouse: &Path,
    browser: &Browser,
    url: &str,
    limit: Duration,
) -> Result<LighthouseRun, RunError> {
    // Lighthouse's own page-load wait stays inside our limit, so it reports a slow page
    // instead of being killed mid-report.
    let max_wait_ms = limit
        .saturating_sub(Duration::from_secs(15))
        .max(Duration::from_secs(5))
        .as_millis();
    let child = tokio::process::Command::new(lighthouse)
        .arg(url)
        .arg(format!("--port={}", browser.port))
        .args([
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            "--only-categories=performance",
            "--form-factor=mobile",
            "--throttling-method=simulate",
        ])
        .arg(format!("--max-wait-for-load={max_wait_ms}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| RunError::Spawn {
            path: lighthouse.display().to_string(),
            source,
        })?;
    let out = match tokio::time::timeout(limit, child.wait_with_output()).await {
        Ok(Ok(o)) => o,
        Ok(Err(source)) => {
            return Err(RunError::Spawn {
                path: lighthouse.display().to_string(),
                source,
            });
        }
        // Dropping the wait dropped the child: kill_on_drop ended it.
        Err(_) => return Err(RunError::Timeout(limit)),
    };
    if out.stdout.len() > MAX_REPORT {
        return Err(RunError::TooLarge);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() && text.trim().is_empty() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: String = stderr
            .trim()
            .chars()
            .rev()
            .take(STDERR_QUOTED)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        return Err(RunError::Failed {
            status: out.status.to_string(),
            stderr: launch_ready_core::sanitize::sanitize(&tail),
        });
    }
    Ok(lighthouse::parse(&text)?)
}
