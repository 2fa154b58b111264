//! The check engine: runs automated checks as tokio tasks with per-operation timeouts, a
//! global concurrency limit and cancellation, streaming `EngineEvent`s to whoever drives it
//! (the TUI event loop or the headless command).
//!
//! This file fixes the interface the TUI and the headless command program against; the
//! families plug in behind `registry`.

pub mod event;

pub use event::{EngineEvent, Job};

use crate::checks::catalog::CheckKind;

/// True when this build can run `kind`; the TUI shows "not available yet" otherwise.
pub fn is_available(kind: &CheckKind) -> bool {
    let _ = kind;
    false
}
