//! The check engine: runs automated checks as tokio tasks with per-operation timeouts, a
//! global concurrency limit and cancellation, streaming `EngineEvent`s to whoever drives it
//! (the TUI event loop or the headless command).
//!
//! The handle is cheap to clone and owns nothing but shared state: the table of running
//! jobs (one cancellation token per check id) and the semaphore every target acquires.
//! The network stack belongs to the run's `Scope`, so the jobs of one run share its
//! resolver, clients and answers, and the next run starts fresh. The work itself lives in `runner`; which kinds exist, in `registry`.
//!
//! A scope also holds one run per (kind, target, parameters): two runbook checks that name
//! the same kind (a redirect check in the audit stage and another in the edge stage) get
//! the same outcome from one probe, each with its own severity overrides applied, instead
//! of probing twice and reporting the same defect twice with different severities.

pub mod access;
pub mod adapters;
pub mod drive;
pub mod event;
pub mod registry;
pub mod runner;
pub mod targets;

pub use event::{EngineEvent, Job};
pub use registry::Registry;

use crate::net::fetch::PageMemo;
use crate::net::{Net, NetError};
use launch_ready_core::catalog::{CheckKind, KindId};
use launch_ready_core::session::model::CheckOutcome;
use launch_ready_core::settings::NetworkSettings;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::{OnceCell, Semaphore};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// True when this build can run `kind`; the TUI shows "not available yet" otherwise. The
/// kind table says so, and a registry test holds the table to the truth.
pub fn is_available(kind: &CheckKind) -> bool {
    kind.profile.built
}

/// What a job runs against: a snapshot of the session's targets and settings at the time
/// the run was asked for, so editing targets mid-run cannot tear a result.
///
/// A scope is also the unit of sharing: every job started with the same `Arc<Scope>` uses
/// one network stack, so one DNS answer per question and one exchange per request shape
/// serve them all. A new run (a new scope) asks again.
#[derive(Debug)]
pub struct Scope {
    pub targets: launch_ready_core::session::model::Targets,
    pub network: launch_ready_core::settings::NetworkSettings,
    /// Thresholds from the runbook (p95 budgets, certificate warning days…).
    pub thresholds: launch_ready_core::runbook::model::Targets,
    /// Keyring access for kinds that read credentials (none without a keyring).
    pub credentials: crate::credentials::Credentials,
    /// Shared: every network job of the run reports the same bad setting.
    net: OnceLock<Result<Arc<Net>, Arc<NetError>>>,
    pages: OnceLock<Arc<PageMemo>>,
    runs: Mutex<HashMap<RunKey, Arc<SharedRun>>>,
}

/// What makes two target runs the same run: the kind, the target and the runbook
/// parameters (severity overrides are applied per check afterwards, so they are not part
/// of it).
type RunKey = (KindId, targets::Target, BTreeMap<String, String>);

/// The one run of a (kind, target, parameters) in a scope: the first job to ask runs it,
/// the others wait for its outcome (and how long it took). A run whose job is cancelled
/// leaves the cell empty, so the next job that asks runs it itself.
pub type SharedRun = OnceCell<(CheckOutcome, Duration)>;

impl Scope {
    pub fn new(
        targets: launch_ready_core::session::model::Targets,
        network: NetworkSettings,
        thresholds: launch_ready_core::runbook::model::Targets,
    ) -> Scope {
        Scope {
            targets,
            network,
            thresholds,
            credentials: crate::credentials::Credentials::default(),
            net: OnceLock::new(),
            pages: OnceLock::new(),
            runs: Mutex::new(HashMap::new()),
        }
    }

    /// The shared run of `kind` on `target` with `params` in this scope (see `SharedRun`).
    pub fn shared_run(
        &self,
        kind: KindId,
        target: &targets::Target,
        params: &BTreeMap<String, String>,
    ) -> Arc<SharedRun> {
        let key = (kind, target.clone(), params.clone());
        match self.runs.lock() {
            Ok(mut runs) => runs.entry(key).or_default().clone(),
            // A poisoned table only costs the sharing: this job runs on its own.
            Err(_) => Arc::default(),
        }
    }

    /// The same scope with keyring access for the kinds that read credentials.
    pub fn with_credentials(mut self, credentials: crate::credentials::Credentials) -> Scope {
        self.credentials = credentials;
        self
    }

    /// The run's network stack, built when the first network check asks (inside the
    /// runtime); local checks never do, so bad settings cannot fail them.
    pub fn net(&self) -> Result<Arc<Net>, Arc<NetError>> {
        self.net
            .get_or_init(|| Net::new(&self.network).map(Arc::new).map_err(Arc::new))
            .clone()
    }

    /// The run's shared HTTP exchanges; pages with an untrusted certificate are read again
    /// over an unverified connection (see `net::fetch`).
    pub fn pages(&self, net: &Net) -> Arc<PageMemo> {
        self.pages
            .get_or_init(|| Arc::new(PageMemo::new(net.unverified_web_client().ok())))
            .clone()
    }
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
        Engine::with_registry(adapters::builtin())
    }

    /// An engine running the checks of `registry` (tests swap entries in).
    pub fn with_registry(registry: Registry) -> (Engine, UnboundedReceiver<EngineEvent>) {
        let (tx, rx) = unbounded_channel();
        let inner = Inner {
            tx,
            registry,
            jobs: Mutex::new(HashMap::new()),
            next_generation: AtomicU64::new(1),
            limiter: Mutex::new(None),
        };
        (
            Engine {
                inner: Arc::new(inner),
            },
            rx,
        )
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
