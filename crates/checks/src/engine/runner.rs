//! One job from start to end: expand the kind over the scope's targets, run each target
//! as its own task (so a panic is contained to it) under the global concurrency limit and
//! a deadline, apply the runbook's severity overrides, and fold the outcomes into one
//! `Evidence`. Cancellation drops the task set, which aborts every in-flight request.
//! A target run is the scope's shared run of its (kind, target, parameters), so two jobs
//! asking the same question probe once; the overrides are each job's own.

use super::registry::{Check, CheckFuture, CheckInput, LocalInput, Registry};
use super::targets::{self, Target};
use super::{EngineEvent, Job, Scope};
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_core::outcome;
use launch_ready_core::session::model::{CheckOutcome, Evidence};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Summary of a kind this build does not implement.
pub const NOT_AVAILABLE: &str = "not available in this build";

/// The time one target of `kind` may take in all: the kind's budget in the settings'
/// per-operation timeouts (checks bound their own operations by it), plus a second of
/// slack before the engine cuts the check off and reports it as an error.
pub fn target_deadline(
    kind: &launch_ready_core::catalog::CheckKind,
    timeout_secs: u64,
) -> Duration {
    kind.profile
        .budget
        .for_timeout(Duration::from_secs(timeout_secs.max(1)))
        + Duration::from_secs(1)
}

/// Everything a job needs from the engine.
pub struct JobContext {
    pub tx: UnboundedSender<EngineEvent>,
    pub registry: Registry,
    pub limiter: Arc<Semaphore>,
}

pub async fn run_job(cx: JobContext, job: Job, scope: Arc<Scope>, token: CancellationToken) {
    let check_id = job.check_id.clone();
    let started = Instant::now();
    let _ = cx.tx.send(EngineEvent::Started {
        check_id: check_id.clone(),
    });
    let work = collect(&cx, &job, &scope);
    let results = tokio::select! {
        () = token.cancelled() => {
            let _ = cx.tx.send(EngineEvent::Cancelled { check_id });
            return;
        }
        results = work => results,
    };
    let evidence = aggregate(results, started.elapsed());
    let _ = cx.tx.send(EngineEvent::Finished { check_id, evidence });
}

fn stamp(mut o: CheckOutcome, job: &Job, target: &str, elapsed: Duration) -> CheckOutcome {
    o.check = job.kind.name.to_string();
    o.family = job.kind.family.as_str().to_string();
    o.target = target.to_string();
    o.duration_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
    // Evidence built before the kind was known reads now as the kind's type, as it would
    // from the session file.
    if let launch_ready_core::evidence::Observed::Unread(v) = o.evidence {
        o.evidence = launch_ready_core::evidence::Observed::read(Some(job.kind.id), v);
    }
    o
}

async fn collect(cx: &JobContext, job: &Job, scope: &Arc<Scope>) -> Vec<CheckOutcome> {
    let kind = job.kind;
    let list: Vec<Target> = targets::for_job(kind, &job.params, &scope.targets);
    if list.is_empty() {
        let reason = targets::missing_reason(kind.subject);
        return vec![stamp(outcome::skipped(reason), job, "", Duration::ZERO)];
    }
    let Some(check) = cx.registry.get(kind.id) else {
        return list
            .iter()
            .map(|t| {
                stamp(
                    outcome::skipped(NOT_AVAILABLE),
                    job,
                    &t.name,
                    Duration::ZERO,
                )
            })
            .collect();
    };
    let deadline = target_deadline(kind, scope.network.timeout_secs);
    let params = Arc::new(job.params.clone());
    let progress = Arc::new(super::access::Progress::new(
        job.check_id.clone(),
        cx.tx.clone(),
    ));
    // The network stack is built for network checks only: a bad CA file or nameserver is
    // an error on the kinds that would use it, and a repository scan runs regardless.
    let start: Arc<dyn Fn(Target) -> CheckFuture + Send + Sync> = match check {
        Check::Network(check) => {
            let net = match scope.net() {
                Ok(n) => n,
                Err(e) => {
                    return list
                        .iter()
                        .map(|t| {
                            stamp(
                                outcome::error(format!("network settings: {e}")),
                                job,
                                &t.name,
                                Duration::ZERO,
                            )
                        })
                        .collect();
                }
            };
            let scope = scope.clone();
            let params = params.clone();
            Arc::new(move |target| {
                check(CheckInput {
                    net: net.clone(),
                    target,
                    scope: scope.clone(),
                    params: params.clone(),
                    progress: progress.clone(),
                })
            })
        }
        Check::Local(check) => {
            let scope = scope.clone();
            let params = params.clone();
            Arc::new(move |target| {
                check(LocalInput {
                    target,
                    scope: scope.clone(),
                    params: params.clone(),
                    progress: progress.clone(),
                })
            })
        }
    };
    let mut set = JoinSet::new();
    let mut index_of = HashMap::new();
    for (i, target) in list.iter().enumerate() {
        // Another job of this scope with the same kind, target and parameters runs it
        // once for both: whichever asks first runs it, the other waits for the outcome.
        let shared = scope.shared_run(kind.id, target, &params);
        let start = start.clone();
        let target = target.clone();
        let limiter = cx.limiter.clone();
        let handle = set.spawn(async move {
            let ran = shared
                .get_or_init(|| async move {
                    // The semaphore is never closed, so acquiring only fails if the engine
                    // is gone.
                    let _permit = limiter.acquire_owned().await;
                    let begun = Instant::now();
                    let out = match tokio::time::timeout(deadline, start(target)).await {
                        Ok(o) => o,
                        Err(_) => outcome::error(format!(
                            "no result within {:.1} s (the check's budget ran out)",
                            deadline.as_secs_f64()
                        )),
                    };
                    (out, begun.elapsed())
                })
                .await;
            ran.clone()
        });
        index_of.insert(handle.id(), i);
    }
    let mut results: Vec<Option<CheckOutcome>> = vec![None; list.len()];
    while let Some(joined) = set.join_next_with_id().await {
        let (i, out) = match joined {
            Ok((id, (out, elapsed))) => {
                let i = index_of.get(&id).copied().unwrap_or_default();
                (i, stamp(out, job, &list[i].name, elapsed))
            }
            Err(e) => {
                let i = index_of.get(&e.id()).copied().unwrap_or_default();
                let reason = if e.is_panic() {
                    format!("the check crashed: {}", panic_message(e.into_panic()))
                } else {
                    "the check was stopped".to_string()
                };
                (
                    i,
                    stamp(outcome::error(reason), job, &list[i].name, Duration::ZERO),
                )
            }
        };
        let out = apply_overrides(out, &job.severity);
        let _ = cx.tx.send(EngineEvent::Progress {
            check_id: job.check_id.clone(),
            message: format!("{}: {} ({} ms)", out.target, out.status, out.duration_ms),
        });
        results[i] = Some(out);
    }
    results.into_iter().flatten().collect()
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Replaces finding severities named in the runbook and re-judges the status.
pub fn apply_overrides(
    mut o: CheckOutcome,
    overrides: &BTreeMap<String, Severity>,
) -> CheckOutcome {
    if overrides.is_empty() {
        return o;
    }
    let mut changed = false;
    for f in &mut o.findings {
        if let Some(s) = overrides.get(f.code.as_str()) {
            f.severity = *s;
            changed = true;
        }
    }
    if changed
        && matches!(
            o.status,
            CheckStatus::Pass | CheckStatus::Warn | CheckStatus::Fail
        )
    {
        o.status = outcome::status_for(&o.findings);
    }
    o
}

/// Folds per-target outcomes into one evidence entry: the worst status wins (skipped only
/// when everything was skipped).
pub fn aggregate(results: Vec<CheckOutcome>, elapsed: Duration) -> Evidence {
    let status = results
        .iter()
        .map(|r| r.status)
        .filter(|s| *s != CheckStatus::Skipped)
        .max_by_key(|s| s.badness())
        .unwrap_or(CheckStatus::Skipped);
    let summary = match results.as_slice() {
        [one] => one.summary.clone(),
        many => {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for r in many {
                *counts.entry(r.status.as_str()).or_default() += 1;
            }
            let findings: Vec<_> = many.iter().flat_map(|r| r.findings.iter()).collect();
            let worst = findings.iter().map(|f| f.severity).min();
            let status_part = counts
                .iter()
                .map(|(s, n)| format!("{n} {s}"))
                .collect::<Vec<_>>()
                .join(", ");
            match worst {
                Some(w) => format!(
                    "{} targets: {status_part}; {} findings (worst {w})",
                    many.len(),
                    findings.len()
                ),
                None => format!("{} targets: {status_part}", many.len()),
            }
        }
    };
    Evidence {
        at: OffsetDateTime::now_utc(),
        duration_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        status,
        summary,
        results,
    }
}
