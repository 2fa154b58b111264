//! The persistence actor: the single owner of a session file's writes. The UI hands it
//! snapshots without waiting; it coalesces bursts and writes the newest snapshot on a
//! blocking thread within a second of the change, in order, and reports the outcome.
//!
//! Why it is shaped this way:
//! - The pending snapshot is one slot behind a mutex, not a queue: a burst of keystrokes
//!   replaces the slot, so memory stays bounded and only the newest state is written. The
//!   mutex is held only to swap the slot, so `save` never waits on the disk.
//! - One task owns the [`SessionFile`] and awaits each blocking write before starting the
//!   next, so two writes can never interleave and they land in the order taken.
//! - The first change after a quiet spell starts a short debounce; later changes do not push
//!   the deadline back, so a steady stream of edits is still written every `DEBOUNCE`.
//! - A failed write keeps its snapshot and is retried after `RETRY_DELAY`, or sooner when a
//!   newer change arrives; the status says why it failed meanwhile.
//! - Stopping either writes what is pending and, when that fails, hands the snapshot back
//!   ([`Persister::finish`]) so the caller can put it somewhere safe; or drops it when the
//!   operator chose to discard it ([`Persister::abandon`]). Nothing is lost without a word.

use super::model::Session;
use super::store::{SessionFile, StoreError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::{Notify, mpsc, oneshot, watch};
use tokio::time::Instant;

/// How long a burst of changes is gathered before writing.
pub const DEBOUNCE: Duration = Duration::from_millis(200);
/// How long to wait before retrying a failed write when nothing else changes.
pub const RETRY_DELAY: Duration = Duration::from_secs(2);

/// What the actor last did, for the status line.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveStatus {
    /// Nothing to save since opening.
    Idle,
    /// A snapshot is waiting to be written.
    Pending,
    /// The newest snapshot is on disk.
    Saved(OffsetDateTime),
    /// The last write failed; the snapshot is kept and retried on the next change.
    Failed(String),
}

/// State shared by the handle and the task: the newest unwritten snapshot and the status,
/// updated together under one lock so a status never contradicts the slot.
struct Shared {
    slot: Mutex<Option<Session>>,
    changed: Notify,
    status: watch::Sender<SaveStatus>,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Session>> {
        // A panic while holding the slot cannot leave it half-written (it is a plain swap).
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Changes the actor could not write when it stopped.
#[derive(Debug)]
pub struct Unsaved {
    pub error: StoreError,
    /// The newest snapshot that did not reach the disk (absent only if the writing thread
    /// itself died with it).
    pub snapshot: Option<Box<Session>>,
}

/// How the actor is asked to stop: write what is pending (`true`) or drop it.
type StopRequest = (bool, oneshot::Sender<Result<(), Unsaved>>);

/// Handle to the actor. Must be created inside a tokio runtime.
pub struct Persister {
    path: std::path::PathBuf,
    shared: Arc<Shared>,
    flush: mpsc::Sender<StopRequest>,
    task: tokio::task::JoinHandle<()>,
}

impl Persister {
    pub fn spawn(file: SessionFile) -> Persister {
        let (status, _) = watch::channel(SaveStatus::Idle);
        let shared = Arc::new(Shared {
            slot: Mutex::new(None),
            changed: Notify::new(),
            status,
        });
        let (flush, flush_rx) = mpsc::channel(1);
        let path = file.path.clone();
        let task = tokio::spawn(run(Arc::new(file), Arc::clone(&shared), flush_rx));
        Persister {
            path,
            shared,
            flush,
            task,
        }
    }

    /// Queues `snapshot` to be written; never blocks.
    /// The session file this persister writes.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub fn save(&self, snapshot: Session) {
        let mut slot = self.shared.lock();
        *slot = Some(snapshot);
        self.shared.status.send_replace(SaveStatus::Pending);
        drop(slot);
        self.shared.changed.notify_one();
    }

    /// Watches the save status.
    pub fn status(&self) -> tokio::sync::watch::Receiver<SaveStatus> {
        self.shared.status.subscribe()
    }

    /// Writes anything pending and stops the actor (releasing the lock).
    pub async fn flush(self) -> Result<(), StoreError> {
        self.finish().await.map_err(|u| u.error)
    }

    /// Writes anything pending and stops the actor; when that write fails, the unwritten
    /// snapshot comes back with the error.
    pub async fn finish(self) -> Result<(), Unsaved> {
        self.stop(true).await
    }

    /// Stops the actor without writing what is pending: the operator chose to discard it.
    pub async fn abandon(self) {
        let _ = self.stop(false).await;
    }

    async fn stop(self, write: bool) -> Result<(), Unsaved> {
        let (reply, answer) = oneshot::channel();
        let stopped = || Unsaved {
            error: StoreError::Io {
                path: self.path.clone(),
                source: std::io::Error::other("the session saver stopped unexpectedly"),
            },
            snapshot: None,
        };
        self.flush
            .send((write, reply))
            .await
            .map_err(|_| stopped())?;
        let result = answer.await.map_err(|_| stopped())?;
        // The task drops the file (and its lock) before it ends.
        self.task.await.map_err(|_| stopped())?;
        result
    }
}

/// Writes `snapshot` on a blocking thread and waits for it. The snapshot comes back for a
/// retry (unless the writing thread itself died with it).
async fn write(
    file: &Arc<SessionFile>,
    snapshot: Session,
) -> (Option<Session>, Result<(), StoreError>) {
    let file = Arc::clone(file);
    let path = file.path.clone();
    let joined = tokio::task::spawn_blocking(move || {
        let result = file.save(&snapshot);
        (Some(snapshot), result)
    })
    .await;
    joined.unwrap_or_else(|e| {
        let source = std::io::Error::other(format!("the save thread failed: {e}"));
        (None, Err(StoreError::Io { path, source }))
    })
}

async fn run(file: Arc<SessionFile>, shared: Arc<Shared>, mut flush: mpsc::Receiver<StopRequest>) {
    // The snapshot being worked on, kept across failed attempts.
    let mut pending: Option<Session> = None;
    let mut deadline: Option<Instant> = None;
    loop {
        tokio::select! {
            request = flush.recv() => {
                // A dropped handle (no request) still gets its last changes written.
                let (write_it, reply) = request.map_or((true, None), |(w, r)| (w, Some(r)));
                let result = if write_it {
                    write_pending(&file, &shared, &mut pending).await.map_err(|error| {
                        let newest = shared.lock().take().or_else(|| pending.take());
                        Unsaved { error, snapshot: newest.map(Box::new) }
                    })
                } else {
                    Ok(())
                };
                if let Some(reply) = reply {
                    let _ = reply.send(result);
                }
                break;
            }
            () = shared.changed.notified() => {
                let soon = Instant::now() + DEBOUNCE;
                deadline = Some(deadline.map_or(soon, |d| d.min(soon)));
            }
            () = sleep_until(deadline), if deadline.is_some() => {
                deadline = match write_pending(&file, &shared, &mut pending).await {
                    Ok(()) => None,
                    Err(_) => Some(Instant::now() + RETRY_DELAY),
                };
            }
        }
    }
    drop(file);
}

async fn sleep_until(deadline: Option<Instant>) {
    if let Some(d) = deadline {
        tokio::time::sleep_until(d).await;
    }
}

/// Writes the newest snapshot (from the slot, else the one a failed attempt kept) and sets
/// the status. On failure the snapshot stays in `pending` unless a newer one has arrived.
async fn write_pending(
    file: &Arc<SessionFile>,
    shared: &Shared,
    pending: &mut Option<Session>,
) -> Result<(), StoreError> {
    if let Some(newer) = shared.lock().take() {
        *pending = Some(newer);
    }
    let Some(snapshot) = pending.take() else {
        return Ok(());
    };
    let (kept, result) = write(file, snapshot).await;
    let slot = shared.lock();
    match result {
        Ok(()) => {
            if slot.is_none() {
                shared
                    .status
                    .send_replace(SaveStatus::Saved(OffsetDateTime::now_utc()));
            }
            Ok(())
        }
        Err(e) => {
            if pending.is_none() {
                *pending = kept;
            }
            shared
                .status
                .send_replace(SaveStatus::Failed(e.to_string()));
            Err(e)
        }
    }
}
