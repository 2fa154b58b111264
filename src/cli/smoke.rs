//! Arguments of `smoke`, the after-deploy run of a session's flows.

use clap::Args;

#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when every flow passed, 1 when a step failed, 2 on a usage or setup error (no such session, no flows, a credential not set).\n\nIn a deploy pipeline:\n  launch-ready smoke --session acme --format json > smoke.json\n  launch-ready smoke --plan launch-ready.plan.ron"
)]
pub struct SmokeArgs {
    /// The session whose flows run (a name, as `open` takes it, or a path to its file).
    #[arg(
        long,
        value_name = "NAME|FILE",
        required_unless_present = "plan",
        conflicts_with = "plan"
    )]
    pub session: Option<String>,
    /// A plan written by `export plan` (or `export ci`): its flows run, with its network
    /// settings when it carries them.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<std::path::PathBuf>,
    /// Run only the flow with this name (repeatable); every flow when absent.
    #[arg(long = "flow", value_name = "NAME")]
    pub flows: Vec<String>,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
}
