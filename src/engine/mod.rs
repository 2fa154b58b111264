//! The check engine: runs automated checks as tokio tasks with per-operation timeouts, a
//! global concurrency limit and cancellation, streaming `EngineEvent`s to whoever drives it
//! (the TUI event loop or the headless command).
//!
//! The handle is cheap to clone and owns nothing but shared state: the table of running
//! jobs (one cancellation token per check id), the semaphore every target acquires, and
//! the network stack of the last settings seen, so consecutive jobs share one resolver and
//! its HTTP clients. The work itself lives in `runner`; which kinds exist, in `registry`.

pub mod adapters;
pub mod event;
pub mod registry;
pub mod runner;
pub mod targets;

pub use event::{EngineEvent, Job};
pub use registry::Registry;

use crate::checks::catalog::CheckKind;
use crate::net::Net;
use crate::net::settings::NetworkSettings;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::Semaphore;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// True when this build can run `kind`; the TUI shows "not available yet" otherwise.
pub fn is_available(kind: &CheckKind) -> bool {
    static BUILTIN: OnceLock<Registry> = OnceLock::new();
    BUILTIN.get_or_init(Registry::builtin).contains(kind.name)
}

/// What a job runs against: a snapshot of the session's targets and settings at the time
/// the run was asked for, so editing targets mid-run cannot tear a result.
#[derive(Debug, Clone)]
pub struct Scope {
    pub targets: crate::session::model::Targets,
    pub network: crate::net::settings::NetworkSettings,
    /// Thresholds from the runbook (p95 budgets, certificate warning days…).
    pub thresholds: crate::runbook::model::Targets,
}

struct RunningJob {
    generation: u64,
    token: CancellationToken,
    handle: JoinHandle<()>,
}

struct Inner {
    tx: UnboundedSender<EngineEvent>,
    registry: Registry,
    jobs: Mutex<HashMap<String, RunningJob>>,
    next_generation: AtomicU64,
    net: Mutex<Option<(NetworkSettings, Arc<Net>)>>,
    limiter: Mutex<Option<(usize, Arc<Semaphore>)>>,
}

/// Handle to the engine. Cheap to clone; must be created inside a tokio runtime.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

impl Engine {
    /// A new engine and the stream of its events.
    pub fn new() -> (Engine, UnboundedReceiver<EngineEvent>) {
        Engine::with_registry(Registry::builtin())
    }

    /// An engine running the checks of `registry` (tests swap entries in).
    pub fn with_registry(registry: Registry) -> (Engine, UnboundedReceiver<EngineEvent>) {
        let (tx, rx) = unbounded_channel();
        let inner = Inner {
            tx,
            registry,
            jobs: Mutex::new(HashMap::new()),
            next_generation: AtomicU64::new(1),
            net: Mutex::new(None),
            limiter: Mutex::new(None),
        };
        (
            Engine {
                inner: Arc::new(inner),
            },
            rx,
        )
    }

    /// The network stack for `settings`, reusing the last one when they are unchanged.
    fn net_for(&self, settings: &NetworkSettings) -> Result<Arc<Net>, String> {
        let mut slot = self
            .inner
            .net
            .lock()
            .map_err(|_| "the engine's network state is poisoned".to_string())?;
        if let Some((s, n)) = slot.as_ref()
            && s == settings
        {
            return Ok(n.clone());
        }
        let net = Arc::new(Net::new(settings)?);
        *slot = Some((settings.clone(), net.clone()));
        Ok(net)
    }

    /// The global limiter; a new concurrency setting takes effect for jobs started after it.
    fn limiter_for(&self, concurrency: usize) -> Arc<Semaphore> {
        let n = concurrency.max(1);
        let Ok(mut slot) = self.inner.limiter.lock() else {
            return Arc::new(Semaphore::new(n));
        };
        match slot.as_ref() {
            Some((c, s)) if *c == n => s.clone(),
            _ => {
                let s = Arc::new(Semaphore::new(n));
                *slot = Some((n, s.clone()));
                s
            }
        }
    }

    /// Starts `job` against `scope`. A job already running for the same check is
    /// cancelled first.
    pub fn run(&self, job: Job, scope: Arc<Scope>) {
        let cx = runner::JobContext {
            tx: self.inner.tx.clone(),
            registry: self.inner.registry.clone(),
            net: self.net_for(&scope.network),
            limiter: self.limiter_for(scope.network.concurrency),
        };
        let token = CancellationToken::new();
        let generation = self.inner.next_generation.fetch_add(1, Ordering::Relaxed);
        let check_id = job.check_id.clone();
        let Ok(mut jobs) = self.inner.jobs.lock() else {
            return;
        };
        let previous = jobs.remove(&check_id).map(|old| {
            old.token.cancel();
            old.handle
        });
        let inner = self.inner.clone();
        let job_token = token.clone();
        let id = check_id.clone();
        let handle = tokio::spawn(async move {
            // The old run reports `Cancelled` before this one reports `Started`.
            if let Some(h) = previous {
                let _ = h.await;
            }
            if !job_token.is_cancelled() {
                runner::run_job(cx, job, scope, job_token).await;
            } else {
                let _ = cx.tx.send(EngineEvent::Cancelled {
                    check_id: id.clone(),
                });
            }
            if let Ok(mut jobs) = inner.jobs.lock()
                && jobs.get(&id).is_some_and(|j| j.generation == generation)
            {
                jobs.remove(&id);
            }
        });
        jobs.insert(
            check_id,
            RunningJob {
                generation,
                token,
                handle,
            },
        );
    }

    /// Cancels the job of one check, if running.
    pub fn cancel(&self, check_id: &str) {
        if let Ok(jobs) = self.inner.jobs.lock()
            && let Some(j) = jobs.get(check_id)
        {
            j.token.cancel();
        }
    }

    /// Cancels every running job.
    pub fn cancel_all(&self) {
        if let Ok(jobs) = self.inner.jobs.lock() {
            for j in jobs.values() {
                j.token.cancel();
            }
        }
    }

    /// Number of jobs started and not yet finished or cancelled.
    pub fn running(&self) -> usize {
        self.inner.jobs.lock().map_or(0, |j| j.len())
    }
}
