//! Arguments of `launch-ready export`: hand a session's plan to other engines.

use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write: prometheus (blackbox exporter, Prometheus, Alertmanager), ci (a
    /// GitHub Actions workflow), locust (a locustfile) or plan (the plan file alone).
    pub target: ExportTarget,
    /// Session name (as listed by `sessions`) or path to a session file.
    pub session: String,
    /// Folder to write into (created when missing).
    pub dir: PathBuf,
    /// Carry the session's network settings (nameserver, connect-to, CA file) into the
    /// export; by default the exported files use public DNS and the system's trust store.
    #[arg(long)]
    pub with_network: bool,
    /// Probe interval of the Prometheus export (500ms, 30s, 1m); default the runbook's
    /// `probe_interval_min`, else 1m. Alert durations are derived from it.
    #[arg(long, value_name = "DURATION")]
    pub interval: Option<String>,
    /// Escalation delay of the Prometheus export (30s, 10m): an outage still down this long
    /// after its alert goes to the session's next alert route, then the next; default the
    /// runbook's `escalate_after_min`, else 15m, as the product's monitor escalates.
    #[arg(long, value_name = "DURATION")]
    pub escalate_after: Option<String>,
    /// Alertmanager version the Prometheus export targets: from 0.26 a webhook URL is read
    /// from a file; for an older one it is written into alertmanager.yml (mode 0600).
    #[arg(long, value_name = "VERSION", default_value = "0.26")]
    pub alertmanager_version: String,
    /// Replace files that already exist in DIR.
    #[arg(long)]
    pub force: bool,
}

/// The engines a session can be handed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportTarget {
    /// Blackbox exporter modules, a Prometheus config with alert rules, an Alertmanager
    /// config, a docker-compose.yml and a README.
    Prometheus,
    /// A GitHub Actions workflow running `check --plan` on pushes and on a schedule.
    Ci,
    /// A locustfile with the runbook's budgets as its pass/fail rule.
    Locust,
    /// The plan file alone (`launch-ready.plan.ron`).
    Plan,
}

impl ExportTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportTarget::Prometheus => "prometheus",
            ExportTarget::Ci => "ci",
            ExportTarget::Locust => "locust",
            ExportTarget::Plan => "plan",
        }
    }
}
