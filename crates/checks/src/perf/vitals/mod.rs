//! `perf.web_vitals`: Lighthouse's mobile performance audit of a page, judged against the
//! runbook's web-vitals targets.
//!
//! Lighthouse is a Node program and drives a real browser, so it runs as two child
//! processes we own (`browser`, `run`): nothing blocks the engine's threads, every run
//! has a time limit, and dropping the check (cancel, the engine's deadline) kills both.
//! Pages are measured one at a time in the whole process: two browsers sharing a
//! machine's cores would each measure the other's load. `lighthouse` reads the report,
//! `judge` turns runs into evidence and findings without any IO, and `tools` finds the
//! programs or says how to install them.

pub mod browser;
pub mod judge;
pub mod lighthouse;
pub mod run;
pub mod tools;

use browser::{Browser, Launch};
use launch_ready_core::evidence::{VitalsEvidence, VitalsTargets};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// One page at a time per process (see the module docs).
fn one_at_a_time() -> &'static Semaphore {
    static GATE: OnceLock<Semaphore> = OnceLock::new();
    GATE.get_or_init(|| Semaphore::new(1))
}

/// What to measure and how.
#[derive(Debug, Clone)]
pub struct PagePlan {
    pub url: String,
    pub runs: u32,
    /// Limit of each Lighthouse run.
    pub per_run: Duration,
    /// Limit of all runs of the page together (browser start included).
    pub within: Duration,
    pub targets: VitalsTargets,
    pub launch: Launch,
    pub chromium: PathBuf,
    pub lighthouse: PathBuf,
}

/// Why a page could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum VitalsError {
    #[error(transparent)]
    Browser(#[from] browser::BrowserError),
    #[error("run {n} of {of}: {source}")]
    Run {
        n: u32,
        of: u32,
        #[source]
        source: run::RunError,
    },
    #[error("no run finished within the page's {0:?}")]
    OutOfTime(Duration),
}

/// Timings of one page, for progress and benchmarks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings {
    /// Browser start.
    pub browser_ms: u128,
    /// Each run, in order (the first in a fresh browser, the others warm).
    pub runs_ms: Vec<u128>,
}

/// Measures `plan.url` `plan.runs` times in one browser and judges the median. `progress`
/// hears one line per run.
pub async fn measure(
    plan: &PagePlan,
    progress: impl Fn(String),
) -> Result<(VitalsEvidence, Timings), VitalsError> {
    let _turn = one_at_a_time().acquire().await;
    let started = Instant::now();
    let mut timings = Timings::default();
    let browser = Browser::start(&plan.chromium, &plan.launch).await?;
    timings.browser_ms = started.elapsed().as_millis();
    let mut runs = Vec::new();
    let mut failure = None;
    for n in 1..=plan.runs {
        let left = plan.within.saturating_sub(started.elapsed());
        if left < Duration::from_secs(5) {
            break;
        }
        progress(format!("{}: Lighthouse run {n} of {}", plan.url, plan.runs));
        let t = Instant::now();
        match run::once(
            &plan.lighthouse,
            &browser,
            &plan.url,
            plan.per_run.min(left),
        )
        .await
        {
            Ok(r) => {
                timings.runs_ms.push(t.elapsed().as_millis());
                runs.push(r);
            }
            Err(source) => {
                failure = Some(VitalsError::Run {
                    n,
                    of: plan.runs,
                    source,
                });
                break;
            }
        }
    }
    browser.close().await;
    // A page that failed once is not judged on the runs before: the failure says more.
    if let Some(e) = failure {
        return Err(e);
    }
    if runs.is_empty() {
        return Err(VitalsError::OutOfTime(plan.within));
    }
    Ok((judge::evidence(&plan.url, &runs, plan.targets), timings))
}
