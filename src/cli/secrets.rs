//! Arguments of `launch-ready secrets`.

use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// Accept the secrets a scan of PATH finds now; later scans report only new ones.
    Baseline(BaselineArgs),
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The repository (or folder) to scan; the baseline is written at its root. Default:
    /// the session's repository.
    pub path: Option<PathBuf>,
    /// Take the repository and build folder from this session (a name, as `open` takes
    /// it, or a path to its file).
    #[arg(long, value_name = "NAME|FILE")]
    pub session: Option<String>,
    /// Why these findings are accepted (recorded with each one).
    #[arg(long)]
    pub reason: String,
    /// Who accepts them (default: the repository's git user.name and user.email, else $USER).
    #[arg(long)]
    pub by: Option<String>,
    /// Last day the acceptance holds; after it the findings are reported again.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub expires: Option<String>,
    /// Accept every finding listed, blockers included.
    #[arg(long)]
    pub all: bool,
    /// Accept only the findings of this rule (repeatable), e.g. stripe-secret-key.
    #[arg(long = "rule", value_name = "RULE")]
    pub rules: Vec<String>,
    /// Accept only the findings in this file or under this folder, relative to the
    /// repository (repeatable).
    #[arg(long = "path", value_name = "PATH")]
    pub paths: Vec<String>,
}
