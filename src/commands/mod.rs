//! The work behind each subcommand. Each returns `Result<ExitStatus, Failure>` so `main`
//! maps outcomes to exit codes in one place: 0 success, 1 a check failed the threshold,
//! 2 usage or configuration errors.

pub mod check;
pub mod check_args;
pub mod demo;
pub mod docs;
pub mod lab;
pub mod load;
pub mod load_args;
pub mod load_live;
pub mod load_text;
pub mod monitor;
pub mod report;
pub mod route_args;
pub mod runbooks;
pub mod secret;
pub mod secrets_baseline;
pub mod sessions;

use std::fmt;

/// A command that could not do its job, with the exit code to use.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    /// Usage or configuration error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    /// Runtime failure (exit 1).
    pub fn runtime(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

pub type Outcome = Result<u8, Failure>;

/// The small runtime the network commands (`check`, `lab`) run on: two workers are plenty
/// for IO-bound checks and leave the machine to the servers being checked.
pub fn network_runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the runtime: {e}")))
}
