//! The interactive model of a session, with no terminal IO: the state (`state`), what can
//! happen to it (`msg`), what it asks the outside world to do (`effect`) and the pure
//! transition between them (`update`). Keeping this free of IO is what lets every key's
//! behaviour be tested without a terminal or a runtime; `crate::tui` is the only place that
//! talks to the terminal and runs effects.

mod edit;
pub mod effect;
pub mod load_run;
pub mod load_view;
pub mod msg;
pub mod picker;
pub(crate) mod route_line;
pub mod state;
mod target_error;
pub mod targets;
pub mod update;
mod update_checks;
mod update_clock;
mod update_modal;
mod update_monitor;
pub mod update_risks;

pub use effect::Effect;
pub use msg::{Action, KeyringReport, Msg};
pub use state::App;
pub use update::update;
pub use update_monitor::interval as monitor_interval;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_clock;
#[cfg(test)]
mod tests_drafts;
#[cfg(test)]
mod tests_quit;
#[cfg(test)]
mod tests_risks;
#[cfg(test)]
mod tests_runs;
