//! launch-ready: a terminal runbook for a 48-hour launch-readiness sprint.
//!
//! Pure modules (`finding`, `runbook`, `session::model`, `verdict`, `checks::catalog`,
//! `net::settings`) hold no terminal or network IO so they can be tested directly; the TUI,
//! the check engine and persistence build on them.

pub mod app;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod credentials;
pub mod engine;
pub mod evidence;
pub mod finding;
pub mod headless;
pub mod lab;
pub mod monitor;
pub mod net;
pub mod paths;
pub mod plan;
pub mod report;
pub mod runbook;
pub mod sanitize;
pub mod session;
pub mod tui;
pub mod verdict;
