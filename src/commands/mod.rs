//! The work behind each subcommand. Each returns `Result<ExitStatus, Failure>` so `main`
//! maps outcomes to exit codes in one place: 0 success, 1 a check failed the threshold,
//! 2 usage or configuration errors.

pub mod check;
pub mod demo;
pub mod docs;
pub mod export;
pub mod lab;
pub mod load;
pub mod load_flow;
pub mod load_live;
pub mod load_text;
pub mod monitor;
pub mod report;
pub mod runbooks;
pub mod secret;
pub mod secrets_baseline;
pub mod sessions;
pub mod smoke;

pub use crate::failure::{Failure, Outcome};

/// The small runtime the network commands (`check`, `lab`) run on: two workers are plenty
/// for IO-bound checks and leave the machine to the servers being checked.
pub fn network_runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the runtime: {e}")))
}
