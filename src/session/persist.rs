//! The persistence actor: the single owner of a session file's writes. The UI hands it
//! snapshots without waiting; it coalesces bursts and writes the newest snapshot on a
//! blocking thread within a second of the change, in order, and reports the outcome.
//!
//! Interface fixed here; bodies to be completed.

use super::model::Session;
use super::store::{SessionFile, StoreError};
use time::OffsetDateTime;

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

/// Handle to the actor. Must be created inside a tokio runtime.
pub struct Persister {
    _private: (),
}

impl Persister {
    pub fn spawn(file: SessionFile) -> Persister {
        let _ = file;
        unimplemented!("persist actor")
    }

    /// Queues `snapshot` to be written; never blocks.
    pub fn save(&self, snapshot: Session) {
        let _ = snapshot;
        unimplemented!("persist actor")
    }

    /// Watches the save status.
    pub fn status(&self) -> tokio::sync::watch::Receiver<SaveStatus> {
        unimplemented!("persist actor")
    }

    /// Writes anything pending and stops the actor (releasing the lock).
    pub async fn flush(self) -> Result<(), StoreError> {
        unimplemented!("persist actor")
    }
}
