//! The runbook schema: what a `runbooks/*.ron` file holds. Pure data; loading and
//! validation live in `load.rs` so this file reads as the format's reference.
//!
//! A runbook file looks like this (abridged):
//!
//! ```ron
//! Runbook(
//!   id: "b2b-demo-to-launch",
//!   title: "…", product_kind: "…", maturity: "…", summary: "…",
//!   targets: Targets(p95_read_ms: Some(300), cert_warn_days: 14, …),
//!   minimum_bar: [Bar(area: "Speed", requirement: "…", kinds: ["perf.latency"])],
//!   stages: [Stage(id: "audit", title: "…", goal: "…", hours: (0, 4),
//!     checks: [
//!       Check(id: "audit-dns", title: "…", why: "…", severity: high,
//!             run: Auto(kind: "dns.records")),
//!       Check(id: "audit-owner", title: "…", why: "…", severity: medium,
//!             run: Manual(question: "…")),
//!     ],
//!     deliverables: ["…"], failure_signals: ["…"])],
//!   automation: [Automation(area: "DNS", what: "…", why: "…", kinds: ["dns.records"])],
//!   do_not_overbuild: [Overbuild(what: "…", why: "…")],
//!   sprint_map: [SprintItem(item: "Domain setup", stages: ["audit", "edge"], outcome: "…")],
//!   sequence: [Step(hours: (0, 4), title: "…", stages: ["audit"])],
//! )
//! ```

use crate::catalog;
use crate::catalog::CheckKind;
use crate::finding::Severity;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// Length of the sprint every runbook plans for.
pub const SPRINT_HOURS: u8 = 48;
/// Number of stages every runbook has.
pub const STAGE_COUNT: usize = 7;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runbook {
    /// Stable identifier, lowercase words joined by `-`.
    pub id: String,
    pub title: String,
    /// The kind of product this runbook fits (e.g. "marketplace / community platform").
    pub product_kind: String,
    /// The maturity step it takes the product through (e.g. "demo to launch").
    pub maturity: String,
    /// Why this sprint matters for this kind of product, in a few sentences.
    pub summary: String,
    /// The minimum bar as typed numbers; checks read thresholds from here.
    pub targets: Targets,
    /// The minimum bar as plain statements, grouped by area.
    pub minimum_bar: Vec<Bar>,
    /// Exactly seven stages, in delivery order.
    pub stages: Vec<Stage>,
    /// What is worth automating, and which check kinds do it.
    pub automation: Vec<Automation>,
    /// Numbers worth watching every day after launch.
    #[serde(default)]
    pub daily_metrics: Vec<String>,
    /// Things not to build at this stage, and why.
    pub do_not_overbuild: Vec<Overbuild>,
    /// How the sprint's deliverable items map onto the stages.
    pub sprint_map: Vec<SprintItem>,
    /// The hour-by-hour delivery sequence of the 48-hour sprint.
    pub sequence: Vec<Step>,
    /// Flow templates a new session of this runbook starts with ("log in then protected
    /// route"): paths on the session's host and credentials by name, edited on the
    /// Targets screen to fit the product.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<crate::flow::Flow>,
}

/// The minimum bar in numbers. Absent values mean the source sets no number for it.
///
/// Every number is typed and read by a check or a tool (`readers::READERS` says which);
/// there is no free-form list, so a number nothing applies cannot sit in a runbook
/// looking like a promise. "Zero exposed secrets" has no field: any finding of the
/// secrets checks (and `http.secret_in_bundle`) already misses the bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// p95 latency budget for reads (GET), in milliseconds.
    #[serde(default)]
    pub p95_read_ms: Option<u32>,
    /// p95 latency budget for writes, in milliseconds.
    #[serde(default)]
    pub p95_write_ms: Option<u32>,
    /// Latency above which a core flow counts as broken, in milliseconds.
    #[serde(default)]
    pub p95_broken_ms: Option<u32>,
    /// Highest acceptable error rate, in percent of requests.
    #[serde(default)]
    pub error_rate_pct: Option<f64>,
    /// Uptime goal, in percent.
    #[serde(default)]
    pub uptime_pct: Option<f64>,
    /// Longest acceptable time between an outage and the alert, in minutes.
    #[serde(default)]
    pub alert_delay_min: Option<u32>,
    /// Days before certificate expiry at which a warning is raised.
    #[serde(default = "default_cert_warn_days")]
    pub cert_warn_days: u32,
    /// Lighthouse performance score goal (0-100), where the source sets one.
    #[serde(default)]
    pub lighthouse_score: Option<u8>,
    /// Largest Contentful Paint budget on mobile, in milliseconds (`perf.web_vitals`).
    #[serde(default)]
    pub lcp_ms: Option<u32>,
    /// Cumulative Layout Shift budget (`perf.web_vitals`).
    #[serde(default)]
    pub cls: Option<f64>,
    /// Total Blocking Time budget on mobile, in milliseconds (`perf.web_vitals`).
    #[serde(default)]
    pub tbt_ms: Option<u32>,
    /// Lighthouse runs per page; the median is judged (`perf.web_vitals`).
    #[serde(default)]
    pub lighthouse_runs: Option<u8>,
    /// Largest acceptable response body, in KiB.
    #[serde(default = "default_payload_kib")]
    pub payload_budget_kib: u32,
    /// Minutes between uptime probes.
    #[serde(default)]
    pub probe_interval_min: Option<u32>,
    /// Failed probes in a row before a host counts as down and an alert goes out.
    #[serde(default)]
    pub probes_before_alert: Option<u32>,
    /// Minutes an alert may stay unresolved before it goes to the next route.
    #[serde(default)]
    pub escalate_after_min: Option<u32>,
    /// p95 budget a CI run fails past, in milliseconds.
    #[serde(default)]
    pub ci_p95_budget_ms: Option<u32>,
    /// Most redirect hops to the canonical URL.
    #[serde(default)]
    pub redirect_hops_max: Option<u32>,
    /// Time box of the audit stage, in hours.
    #[serde(default)]
    pub audit_hours: Option<u32>,
    /// Users working at once that the product must stay usable for (the load test's
    /// virtual users).
    #[serde(default)]
    pub concurrent_users: Option<u32>,
    /// Requests in the burst that probes a login, sign-up or reset route for a rate limit.
    #[serde(default)]
    pub rate_limit_burst: Option<u32>,
}

fn default_cert_warn_days() -> u32 {
    14
}

fn default_payload_kib() -> u32 {
    1024
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            p95_read_ms: None,
            p95_write_ms: None,
            p95_broken_ms: None,
            error_rate_pct: None,
            uptime_pct: None,
            alert_delay_min: None,
            cert_warn_days: default_cert_warn_days(),
            lighthouse_score: None,
            lcp_ms: None,
            cls: None,
            tbt_ms: None,
            lighthouse_runs: None,
            payload_budget_kib: default_payload_kib(),
            probe_interval_min: None,
            probes_before_alert: None,
            escalate_after_min: None,
            ci_p95_budget_ms: None,
            redirect_hops_max: None,
            audit_hours: None,
            concurrent_users: None,
            rate_limit_burst: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bar {
    pub area: String,
    pub requirement: String,
    /// The check kinds whose checks decide this requirement; every one must be run by a
    /// check of the runbook. Empty when no check decides it (it is then shown as not
    /// checked automatically, never as met).
    #[serde(default)]
    pub kinds: Vec<KindName>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Unique within the runbook; referenced by `sprint_map` and `sequence`.
    pub id: String,
    pub title: String,
    pub goal: String,
    /// Start and end hour of this stage in the 48-hour sprint (`0 <= start < end <= 48`).
    pub hours: (u8, u8),
    pub checks: Vec<Check>,
    pub deliverables: Vec<String>,
    pub failure_signals: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Unique within the runbook; the session keys state by it.
    pub id: String,
    pub title: String,
    /// Why it matters, in plain words a founder understands.
    pub why: String,
    /// How much an unpassed check weighs in the risk list. A `blocker` check that is not
    /// passed makes the verdict no-go.
    pub severity: Severity,
    pub run: Run,
    /// Hide this check's note and evidence in presenter mode.
    #[serde(default)]
    pub sensitive: bool,
}

/// How a check is answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Run {
    /// The operator answers a question and records a status and a note.
    Manual { question: String },
    /// The engine runs a check kind of the catalog.
    Auto {
        kind: KindName,
        /// Finding-code severity overrides (`"tls.expiring_soon": blocker`).
        #[serde(default)]
        severity: BTreeMap<String, Severity>,
        /// Kind-specific parameters.
        #[serde(default)]
        params: BTreeMap<String, String>,
    },
}

impl Run {
    pub fn kind(&self) -> Option<&'static CheckKind> {
        match self {
            Run::Manual { .. } => None,
            Run::Auto { kind, .. } => Some(kind.0),
        }
    }
}

/// A check kind name checked against the catalog while parsing, so that an unknown kind is
/// reported at its line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindName(pub &'static CheckKind);

impl<'de> Deserialize<'de> for KindName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        catalog::kind(&name).map(KindName).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown check kind `{name}`; known kinds: {}",
                catalog::KINDS
                    .iter()
                    .map(|k| k.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }
}

impl Serialize for KindName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Automation {
    pub area: String,
    pub what: String,
    pub why: String,
    /// The check kinds that carry this automation out, if any.
    #[serde(default)]
    pub kinds: Vec<KindName>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overbuild {
    pub what: String,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SprintItem {
    pub item: String,
    /// Stage ids this item supports.
    pub stages: Vec<String>,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Start and end hour (`0 <= start < end <= 48`).
    pub hours: (u8, u8),
    pub title: String,
    #[serde(default)]
    pub detail: Vec<String>,
    /// Stage ids worked on in this step.
    #[serde(default)]
    pub stages: Vec<String>,
}

impl Runbook {
    /// The runbook with `kind` marked as not built: every kind of the catalog is built,
    /// so tests of what happens to a kind a build leaves out use this stand-in (public for
    /// the tests of the layers above; it leaks the changed kind, which a test can afford).
    #[doc(hidden)]
    pub fn with_unbuilt(mut self, kind: &str) -> Runbook {
        for stage in &mut self.stages {
            for check in &mut stage.checks {
                if let Run::Auto { kind: k, .. } = &mut check.run
                    && k.0.name == kind
                {
                    let mut unbuilt = *k.0;
                    unbuilt.profile = crate::catalog::Profile::PLANNED;
                    k.0 = Box::leak(Box::new(unbuilt));
                }
            }
        }
        self
    }

    /// All checks with their stage index, in runbook order.
    pub fn checks(&self) -> impl Iterator<Item = (usize, &Check)> {
        self.stages
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.checks.iter().map(move |c| (i, c)))
    }

    pub fn check(&self, id: &str) -> Option<(usize, &Check)> {
        self.checks().find(|(_, c)| c.id == id)
    }

    pub fn stage_index(&self, id: &str) -> Option<usize> {
        self.stages.iter().position(|s| s.id == id)
    }

    pub fn check_count(&self) -> usize {
        self.stages.iter().map(|s| s.checks.len()).sum()
    }
}
