//! Evidence of the `uptime` family.

use serde::{Deserialize, Serialize};

/// `uptime.probe`: a short, bounded run of the monitor against one URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProbeEvidence {
    /// The monitor's state at the end (`up`, `down`, `recovering`…).
    pub state: String,
    pub probes: u64,
    pub failures: u64,
    pub uptime_pct: f64,
    /// The last answer's latency; null when none came.
    pub last_latency_ms: Option<u64>,
    /// The latency over which an answer counts as slow.
    pub slow_budget_ms: u64,
    /// Days until the certificate expires, for an HTTPS URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_days_left: Option<i64>,
}

/// `uptime.alert_route`: the marked test alert sent through the route, when delivered (a
/// route that failed records none). `delivery_ms` is what makes it a delivery, so it is
/// the one field a value must have to read as this type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertRouteEvidence {
    #[serde(default)]
    pub attempts: u32,
    /// From the first attempt to the route's 2xx.
    pub delivery_ms: u64,
    /// The body sent: `slack` or `json`.
    #[serde(default)]
    pub format: String,
}

/// Finding detail of `uptime.down`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProbeDownDetail {
    pub url: String,
    pub reason: String,
}

/// Finding detail of `uptime.slow`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SlowDetail {
    pub url: String,
    pub latency_ms: u64,
    pub budget_ms: u64,
}

/// Finding detail of `uptime.cert_expiring`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CertExpiringDetail {
    pub host: String,
    pub days_left: i64,
    pub warn_days: i64,
}

/// Finding detail of `uptime.alert_route_failed` raised by the monitor: an alert that was
/// not delivered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UndeliveredDetail {
    pub url: String,
    pub event: String,
    pub attempts: u32,
}
