//! Arguments of `launch-ready load`.

use super::network::NetworkArgs;
use clap::Args;

#[derive(Debug, Args)]
#[command(
    after_help = "Sends load: only to targets you run, after a confirmation (--yes when not on a terminal).\n\nExamples:\n  launch-ready load https://app.example.com/ --connections 20 --duration 30\n  launch-ready load --route 'POST https://app.example.com/api/login' --route-body @login.json --rate 50 --duration 60\n  launch-ready load https://app.example.com/ --steps 5,10,20,40 --duration 10\n  launch-ready load --session shop --flow 'log in then protected route' --connections 20 --duration 30\n\nWith --flow (or --flows), each connection is a virtual user running the session's flow again and again, steps in order, with its own cookies and captured values; a failed step ends that iteration and the next starts afresh. Each step is reported as a route `flow › step` (p95, req/s, failures by kind: status, assertion, capture, timeout, connect, setup) and each flow by iterations completed, failed (at which step) and per second. Credentials are read before any request. Flows run closed loop only: --rate, --steps, --live and --http2 are refused with them."
)]
pub struct LoadArgs {
    /// URLs to load (GET); see --route for other methods.
    pub urls: Vec<String>,
    /// A route as 'METHOD URL' (repeatable).
    #[arg(long = "route", value_name = "'METHOD URL'")]
    pub routes: Vec<String>,
    /// Body of the n-th --route: the text itself, or @FILE.
    #[arg(long = "route-body", value_name = "TEXT|@FILE")]
    pub route_bodies: Vec<String>,
    /// Load the routes of this session (name or file); URLs given must be on its hosts.
    #[arg(long, value_name = "NAME|FILE")]
    pub session: Option<String>,
    /// Run this flow of the session under load (repeatable); see below.
    #[arg(long = "flow", value_name = "NAME")]
    pub flows: Vec<String>,
    /// Run every flow of the session under load, users shared out among them.
    #[arg(long = "flows", conflicts_with = "flows")]
    pub all_flows: bool,
    /// Runbook whose p95 and error-rate targets judge the run.
    #[arg(long)]
    pub runbook: Option<String>,
    /// Concurrent connections (closed loop), or the most in flight with --rate; default
    /// the runbook's `concurrent_users`, else 10.
    #[arg(long)]
    pub connections: Option<usize>,
    /// Run length in seconds (default 10 unless --requests is given).
    #[arg(long, value_name = "SECS", conflicts_with = "requests")]
    pub duration: Option<u64>,
    /// Stop after this many requests (within 600 s).
    #[arg(long, value_name = "N")]
    pub requests: Option<u64>,
    /// Fixed arrival rate in requests/s over all routes (open loop; latency from each
    /// request's scheduled send time).
    #[arg(long, value_name = "R")]
    pub rate: Option<f64>,
    /// First-bottleneck step test: closed-loop steps of these connection counts, each
    /// for --duration, stopping at the first step over budget.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "N,N,…",
        conflicts_with = "rate"
    )]
    pub steps: Vec<usize>,
    /// HTTP/2 instead of HTTP/1.1: by ALPN over TLS, with prior knowledge over plain
    /// http://; each connection keeps one request in flight.
    #[arg(long)]
    pub http2: bool,
    /// Confirm sending load (needed when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Show requests/s, p95, the latency histogram and errors live while it runs (on a
    /// terminal; Tab switches route, q or Esc cancels).
    #[arg(long, conflicts_with = "steps")]
    pub live: bool,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Network flags; a request's timeout is capped at 60 seconds.
    #[command(flatten)]
    pub network: NetworkArgs,
}

impl LoadArgs {
    /// Whether the run loads the session's flows rather than routes.
    pub fn runs_flows(&self) -> bool {
        !self.flows.is_empty() || self.all_flows
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command};
    use clap::Parser;

    fn load(args: &[&str]) -> Result<Box<super::LoadArgs>, clap::Error> {
        let all = ["launch-ready", "load"].iter().chain(args);
        match Cli::try_parse_from(all)?.command {
            Some(Command::Load(a)) => Ok(a),
            _ => unreachable!("`load` parses as the load command"),
        }
    }

    #[test]
    fn flows_are_named_one_by_one_or_all_at_once_never_both() {
        let a = load(&["--session", "s", "--flow", "log in", "--flow", "sign up"]).unwrap();
        assert_eq!(a.flows, ["log in", "sign up"]);
        assert!(!a.all_flows);
        let a = load(&["--session", "s", "--flows"]).unwrap();
        assert!(a.all_flows && a.flows.is_empty());
        let e = load(&["--flows", "--flow", "x"]).unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}
