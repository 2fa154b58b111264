//! How a command ends when it cannot do its job: the exit code and one line for a person.
//! Every front end (the commands, the TUI, headless runs) ends the same way, so this sits
//! below all of them.

use std::fmt;

/// A command that could not do its job, with the exit code to use.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    /// Usage or configuration error (exit 2). Takes any error (or text): its `Display` is
    /// the line the user reads.
    pub fn usage(message: impl fmt::Display) -> Self {
        Failure {
            code: 2,
            message: message.to_string(),
        }
    }

    /// Runtime failure (exit 1).
    pub fn runtime(message: impl fmt::Display) -> Self {
        Failure {
            code: 1,
            message: message.to_string(),
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
