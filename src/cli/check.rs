//! Arguments of the headless `check` command, as `checks.md` specifies them.

use super::network::NetworkArgs;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Hosts, URLs or paths to check; a session supplies them all.
    pub targets: Vec<String>,
    /// Take targets, runbook, network settings and answers from this session (a name, as
    /// `open` takes it, or a path to its file).
    #[arg(long, value_name = "NAME|FILE")]
    pub session: Option<String>,
    /// Take targets, runbook budgets and credential names from this plan file (written by
    /// `export`), instead of a session: the same checks `--session` would run.
    #[arg(long, value_name = "FILE", conflicts_with = "session")]
    pub plan: Option<PathBuf>,
    /// Runbook whose targets (thresholds) apply.
    #[arg(long)]
    pub runbook: Option<String>,
    /// Run only these families (dns,email,tls,http,edge,perf,uptime,secrets,env,cloudflare).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    #[command(flatten)]
    pub network: NetworkArgs,
    /// DKIM selector to look up (repeatable).
    #[arg(long = "dkim-selector")]
    pub dkim_selectors: Vec<String>,
    /// Base URL of the Cloudflare API v4 (default https://api.cloudflare.com/client/v4).
    #[arg(long = "cloudflare-api", value_name = "URL")]
    pub cloudflare_api: Option<String>,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Exit 1 when a finding is at or above this severity (blocker, high, medium, low, info,
    /// never). `never` still exits 1 on an incomplete verdict (a requested check could not
    /// run or was skipped for a missing credential); add --allow-incomplete for that.
    #[arg(long, default_value = "blocker")]
    pub fail_on: String,
    /// Exit 0 on an incomplete verdict, for a report-only CI step: the report still says
    /// incomplete and why. A no-go still exits 1 unless --fail-on never.
    #[arg(long)]
    pub allow_incomplete: bool,
    /// A key route as 'METHOD URL' (repeatable); perf checks measure it.
    #[arg(long = "route", value_name = "'METHOD URL'")]
    pub routes: Vec<String>,
    /// Body of the n-th --route: the text itself, or @FILE.
    #[arg(long = "route-body", value_name = "TEXT|@FILE")]
    pub route_bodies: Vec<String>,
    /// The reference list of variable names for the env checks (instead of the session's
    /// or a `.env.example` beside the env files).
    #[arg(long, value_name = "FILE")]
    pub env_reference: Option<PathBuf>,
    /// Run the checks that send load (perf.load) without asking.
    #[arg(long)]
    pub yes: bool,
    /// Judge as a CI build: the runbook's ci_p95_budget_ms becomes every route's p95
    /// budget. On by itself where CI=true (as CI services set it); CI=false turns it off.
    #[arg(long, env = "CI")]
    pub ci: bool,
}
