//! launch-ready: a terminal runbook for a 48-hour launch-readiness sprint.
//!
//! This crate is the top of the house: the command line, the headless runs, the handover
//! report, the app's pure update and the terminal UI, and the OS keyring. The layers below
//! it are crates of their own (`launch-ready-core`, `launch-ready-checks`,
//! `launch-ready-lab`), so none of them can import this one.

pub mod app;
pub mod cli;
pub mod commands;
pub mod credentials;
pub mod export;
pub mod failure;
pub mod headless;
pub mod report;
pub mod tui;
