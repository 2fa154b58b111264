//! What the parts of the exported monitoring stack share: where each listens, the scrape
//! jobs' names, the export's options and how durations are written for them. A leaf
//! module, so the Prometheus, rules and Alertmanager writers can all read it.

use std::collections::BTreeMap;
use std::time::Duration;

/// The stack's ports on 127.0.0.1.
pub const BLACKBOX_ADDR: &str = "127.0.0.1:9115";
pub const PROMETHEUS_ADDR: &str = "127.0.0.1:9090";
pub const ALERTMANAGER_ADDR: &str = "127.0.0.1:9093";

/// Scrape jobs, named so rules and dashboards can select them.
pub const HTTP_JOB: &str = "launch-ready-http";
pub const TLS_JOB: &str = "launch-ready-tls";
pub const DNS_JOB: &str = "launch-ready-dns";

/// How the export is made.
#[derive(Debug, Clone)]
pub struct Options {
    /// Time between probes (scrape and rule evaluation interval).
    pub interval: Duration,
    /// An outage still down this long after its alert goes to the next route.
    pub escalate_after: Duration,
    /// Alertmanager version the config targets, as (major, minor).
    pub alertmanager: (u32, u32),
    /// Secret values of the alert routes that could be read, by credential name.
    pub secrets: BTreeMap<String, String>,
}

/// Go duration text for Prometheus and Alertmanager (`90s`, `1500ms`).
pub fn go_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}
