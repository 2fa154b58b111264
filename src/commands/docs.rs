//! `launch-ready completions SHELL` and `launch-ready man`: both are generated from the clap
//! definitions in `cli.rs`, so they can never drift from the real flags.

use super::{Failure, Outcome};
use crate::cli::Cli;
use clap::CommandFactory as _;
use std::io::Write;

/// Writes the completion script for `shell` to `to`.
pub fn completions(shell: clap_complete::Shell, to: &mut dyn Write) -> Outcome {
    let mut cmd = Cli::command();
    let name = cmd.get_name().to_string();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, name, &mut buf);
    write_all(to, &buf)
}

/// Writes the roff man page to `to`.
pub fn man(to: &mut dyn Write) -> Outcome {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| Failure::runtime(format!("could not render the man page: {e}")))?;
    write_all(to, &buf)
}

fn write_all(to: &mut dyn Write, bytes: &[u8]) -> Outcome {
    to.write_all(bytes)
        .and_then(|()| to.flush())
        .map_err(|e| Failure::runtime(format!("could not write to stdout: {e}")))?;
    Ok(0)
}
