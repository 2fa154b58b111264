//! Uptime monitoring: probes of the monitored URLs on an interval, `uptime.*` findings and
//! alerts to a webhook. `config` is how every caller sets a monitor up, `state` the pure
//! bookkeeping (tested with a fake clock), `probe` one bounded probe, `alert` the webhook
//! payloads and delivery, `run` the actor that ties them together for the headless command
//! and the TUI.

pub mod alert;
pub mod board;
pub mod clock;
pub mod config;
pub mod dispatch;
pub mod drill;
pub mod email;
pub mod error;
pub mod message;
pub mod probe;
pub mod route;
pub mod run;
pub mod state;
pub mod target;

use launch_ready_core::code::Code;
use launch_ready_core::finding::Finding;
use std::time::Duration;

/// A finding of the uptime family at its catalog severity.
pub fn finding(code: Code, message: String) -> Finding {
    Finding::new(code, message)
}

/// Whole milliseconds of `d`, saturating.
pub fn secs_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
