//! Arguments of `launch-ready monitor`, and the durations it takes (`500ms`, `30s`, `2m`).

use super::network::NetworkArgs;
use clap::Args;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct MonitorArgs {
    /// URLs to probe; a session adds its pages and routes.
    pub urls: Vec<String>,
    /// Take targets, network settings and the alert route's credential name from this session.
    #[arg(long, value_name = "NAME|FILE")]
    pub session: Option<String>,
    /// Time between probes (500ms, 30s, 1m); default the session's chosen interval, else
    /// its runbook's `probe_interval_min`, else 60s.
    #[arg(long)]
    pub interval: Option<String>,
    /// Stop after this long (default: until interrupted).
    #[arg(long)]
    pub duration: Option<String>,
    /// Status every probe must get (default: any 2xx or 3xx, and 401 or 403 for a host
    /// the session marks protected or gives a staging / preview role).
    #[arg(long)]
    pub expect_status: Option<u16>,
    /// Text the response body must contain.
    #[arg(long)]
    pub expect_text: Option<String>,
    /// Latency budget per probe in milliseconds (`uptime.slow` after two probes over it);
    /// default the session runbook's `p95_broken_ms`, else 2000.
    #[arg(long)]
    pub slow_ms: Option<u64>,
    /// Payload of the alert webhook: json (documented payload) or slack (`{"text"}`);
    /// default slack for hooks.slack.com, json otherwise.
    #[arg(long)]
    pub alert_format: Option<String>,
    /// Network flags; a probe's timeout never exceeds the interval.
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Alert drill instead of monitoring: send a marked test alert, stage an outage on a
    /// loopback route the drill controls, and measure detection, delivery and recovery.
    #[arg(long)]
    pub drill: bool,
}

/// Parses `500ms`, `30s`, `2m`, `1h` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("`{s}` is not a duration like 30s or 2m"))?;
    let d = match unit {
        "ms" => Duration::from_millis(n),
        "" | "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        "h" => Duration::from_secs(n.saturating_mul(3600)),
        _ => return Err(format!("`{s}` is not a duration like 30s or 2m")),
    };
    if d.is_zero() {
        return Err(format!("`{s}` must be more than zero"));
    }
    Ok(d)
}
