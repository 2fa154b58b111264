//! Sessions: the data model (`model`) and its persistence (`store`).

pub mod alert_routes;
pub mod clock;
pub mod create;
pub mod error;
pub mod exports;
mod files;
pub mod list;
pub mod migrate;
pub mod minimum_bar;
pub mod model;
pub mod monitor_log;
pub mod naming;
pub mod persist;
pub mod progress;
pub mod redact;
pub mod rescue;
pub mod resolve;
pub mod store;

pub use model::{CheckState, Session};
