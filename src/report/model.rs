//! The handover pack as data: built once from the runbook, the session and the verdict,
//! then rendered to Markdown, HTML and JSON, so the three formats cannot disagree. The JSON
//! format is this model serialised (schema `assets/schema/handover-v2.json`).
//!
//! The JSON starts with the fields of the headless `check` report (`checks.md` "JSON
//! output": tool, version, started_at, duration_ms, verdict, reasons, results, summary,
//! the same values `check` would give for the session's latest evidence), so a pipeline
//! reading either finds the verdict in the same place; the handover sections follow.
//!
//! Every string that came from the network, a file or the operator has been sanitised and
//! passed through the secret rules before it lands here (see `clean`); renderers only
//! escape for their format.

use serde::Serialize;

/// Version of the handover JSON; bump it (and the schema file) on an incompatible change.
pub const HANDOVER_VERSION: u32 = 2;

#[derive(Debug, Clone, Serialize)]
pub struct Handover {
    /// The headless report's fields, at the top level.
    #[serde(flatten)]
    pub check: crate::headless::report::Report,
    /// Always `launch-ready/handover`.
    pub schema: &'static str,
    /// `HANDOVER_VERSION`.
    pub schema_version: u32,
    /// RFC 3339, UTC.
    pub generated_at: String,
    pub session: SessionInfo,
    pub verdict_detail: VerdictSection,
    /// Open risks, ranked (severity, stage, age).
    pub risks: Vec<RiskRow>,
    /// The same risks grouped by defect (one finding code, or one unpassed check), in the
    /// rank of their first risk: what the page shows, with the places inside each group.
    pub risk_groups: Vec<RiskGroupRow>,
    /// Risks the operator accepted, with reason and owner; they do not decide the verdict.
    pub accepted: Vec<AcceptedRow>,
    pub dns: Section<Vec<HostRecords>>,
    pub redirects: Section<Vec<RedirectChain>>,
    pub certificates: Section<Vec<CertificateRow>>,
    pub email: Section<Vec<EmailDomain>>,
    pub env: Section<EnvInventory>,
    pub secrets: Section<Vec<SecretRow>>,
    pub performance: Section<Performance>,
    pub monitoring: Section<Monitoring>,
    pub ownership: Section<Vec<HandoverAnswer>>,
    /// What was exported to other engines and how to start it; what was not, with the
    /// command.
    pub handoff: super::handoff::Handoff,
    /// What the operator wrote on the other checks (registrar accounts, decisions, who
    /// holds what), beside the check it belongs to.
    pub notes: Vec<CheckNote>,
    pub next_steps: Vec<String>,
    /// The runbook's deliverables: stages, by hand against automatic, first run against
    /// last, deploy and rollback.
    pub deliverables: super::deliverables::Deliverables,
    /// What was set up where: the deployment map and the edge's configuration.
    pub setup: super::setup::Setup,
    pub timeline: Timeline,
}

/// A section's data, or why there is none and which checks produce it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Section<T> {
    /// True when the section holds data from the session.
    pub available: bool,
    /// What is missing and what fills it, when `available` is false (or the data is
    /// partial).
    pub missing: Option<String>,
    /// The check kinds whose evidence this section reads.
    pub sources: Vec<String>,
    pub data: T,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SessionInfo {
    pub name: String,
    pub client: String,
    pub apex: String,
    pub runbook_id: String,
    pub runbook_title: String,
    pub sprint_start: String,
    /// Hour of the 48-hour sprint when the pack was written.
    pub sprint_hour: i64,
    /// Checks done of checks in the runbook.
    pub progress_done: usize,
    pub progress_total: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VerdictSection {
    /// `go`, `no-go` or `incomplete`.
    pub verdict: String,
    /// One line saying what the verdict means.
    pub headline: String,
    pub reasons: Vec<String>,
    /// The top of the verdict in plain words (no finding codes, no file paths): the
    /// blockers for a no-go, what was not checked for an incomplete.
    pub summary: Vec<SummaryLine>,
    /// Titles of the checks not run or not answered, whatever the verdict: a no-go's
    /// blockers are not the whole story while these stay open.
    pub not_checked: Vec<String>,
    /// Open risks by severity, counted by defect (`risk_groups`), as every screen counts.
    pub counts: SeverityCounts,
    /// The last go / no-go decision recorded by the operator, if any.
    pub last_decision: Option<DecisionRow>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SeverityCounts {
    pub blocker: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DecisionRow {
    pub at: String,
    pub verdict: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RiskRow {
    pub severity: String,
    /// Finding code, or `check:<id>` for a check left unpassed.
    pub key: String,
    pub check: String,
    pub stage: String,
    pub target: String,
    /// Plain-language headline, what breaks, and the fix.
    pub headline: String,
    pub impact: String,
    pub fix: String,
    /// The check's own words about this instance (the evidence).
    pub evidence: String,
    /// Something was not checked, rather than a defect found.
    pub unchecked: bool,
    pub stale: bool,
}

/// One defect and every place it was found.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RiskGroupRow {
    pub severity: String,
    /// Finding code, or `check:<id>` for a check left unpassed.
    pub key: String,
    pub headline: String,
    pub impact: String,
    pub fix: String,
    /// The runbook checks that report it.
    pub checks: Vec<String>,
    pub places: Vec<RiskPlace>,
    pub unchecked: bool,
    pub stale: bool,
}

/// Where a defect was found, and the check's own words about it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RiskPlace {
    pub target: String,
    pub evidence: String,
}

/// A line of the verdict's summary, in plain words: what is wrong, what it breaks, the
/// fix, and in how many places.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SummaryLine {
    pub severity: String,
    pub headline: String,
    pub impact: String,
    pub fix: String,
    pub places: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AcceptedRow {
    pub severity: String,
    pub key: String,
    pub check: String,
    pub target: String,
    pub headline: String,
    pub reason: String,
    pub owner: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HostRecords {
    pub host: String,
    pub role: String,
    pub cname_chain: Vec<String>,
    pub a: Vec<String>,
    pub aaaa: Vec<String>,
    pub mx: Vec<String>,
    pub ns: Vec<String>,
    pub caa: Vec<String>,
    pub txt: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RedirectChain {
    pub entry: String,
    pub hops: Vec<RedirectHop>,
    /// Where it ended: the final URL and status, a loop, or an error.
    pub end: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RedirectHop {
    pub url: String,
    pub status: Option<u16>,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CertificateRow {
    pub host: String,
    pub subject: String,
    pub issuer: String,
    pub not_after: String,
    pub days_left: Option<i64>,
    pub trust: String,
    pub protocol: String,
    /// `ok`, `warn` (inside the runbook's warning window) or `expired`.
    pub state: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EmailDomain {
    pub domain: String,
    pub spf: EmailMechanism,
    pub dkim: EmailMechanism,
    pub dmarc: EmailMechanism,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EmailMechanism {
    /// The check's status (`pass`, `warn`, `fail`, `error`, `skipped`), or `not run`.
    pub status: String,
    /// The record as published, or the keys found (for DKIM).
    pub detail: String,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct EnvInventory {
    /// Environment names, in the session's order (columns).
    pub environments: Vec<String>,
    /// One row per variable name.
    pub keys: Vec<EnvKey>,
    /// Env files that could not be read, with why.
    pub unreadable: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EnvKey {
    pub name: String,
    /// One cell per environment: `present`, `missing` or `shared` (the same secret value
    /// as another environment, as the env check reported).
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SecretRow {
    pub rule: String,
    pub severity: String,
    /// File path, URL or environment where it was found.
    pub location: String,
    pub line: Option<u64>,
    pub commit: Option<String>,
    /// Redacted preview (a few leading chars and the length), never the value.
    pub preview: String,
    pub code: String,
    /// Who accepted this risk and why, when it was accepted; `None` while it is open.
    pub accepted: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Performance {
    pub routes: Vec<RouteLatency>,
    /// The slowest routes before and after, and where the first bottleneck appeared.
    pub bottlenecks: super::bottlenecks::Bottlenecks,
    /// Web vitals per page (`perf.web_vitals`), beside the latency table.
    pub vitals: Vec<PageVitals>,
    /// Inline SVG bar chart of p95 against budget (HTML only; empty without routes).
    #[serde(skip)]
    pub chart_svg: String,
}

/// One page's web vitals on a phone, against the targets they were judged by.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PageVitals {
    pub url: String,
    /// `-` when Lighthouse did not measure it.
    pub score: String,
    pub lcp: String,
    pub cls: String,
    pub tbt: String,
    /// `score 85, LCP 2.5 s, CLS 0.10, TBT 200 ms`.
    pub targets: String,
    /// Runs judged (their median).
    pub runs: u32,
    /// Every figure measured and within its target.
    pub within_targets: bool,
    /// The largest opportunity, in words (`Serve images in next-gen formats: 2.6 s, 2656 KiB`).
    pub top_opportunity: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RouteLatency {
    pub name: String,
    pub method: String,
    pub url: String,
    pub requests: u64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub budget_ms: u32,
    pub error_rate_pct: f64,
    /// The run's error budget in percent (the runbook's, else 1 %).
    pub error_budget_pct: f64,
    /// p95 within its budget and the error rate within the error budget: a route that
    /// answers fast with errors is not within budget.
    pub within_budget: bool,
    /// `perf.latency` (baseline) or `perf.load`.
    pub kind: String,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Monitoring {
    /// What is (or, when no probe has run, would be) watched.
    pub targets: Vec<MonitoredTarget>,
    /// Alert routes by credential name only: a webhook URL is a credential.
    pub alert_routes: Vec<AlertRoute>,
    /// The measured outage → alert delay from a drill, when one was recorded.
    pub alert_delay_ms: Option<u64>,
    /// The latest drill recorded in the session, with every measured delay.
    pub drill: Option<DrillSummary>,
    pub alert_delay_target_min: Option<u32>,
    /// Inline SVG of probe history (HTML only; empty without data).
    #[serde(skip)]
    pub chart_svg: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonitoredTarget {
    pub target: String,
    /// Latest probe status, or `not probed`.
    pub status: String,
    pub detail: String,
    /// What the monitor recorded in the session for this URL, when it watched it.
    pub history: Option<UptimeHistory>,
}

/// The session's monitor history of one URL (bounded: totals plus the recent probes).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UptimeHistory {
    pub probes: u64,
    pub failures: u64,
    pub outages: u64,
    pub uptime_pct: Option<f64>,
    pub p95_ms: Option<u64>,
    pub last_failure: Option<String>,
    /// The recent probes, oldest first: `true` when up.
    pub recent_up: Vec<bool>,
}

/// The latest alert drill's measured delays.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DrillSummary {
    pub at: String,
    pub passed: bool,
    pub detection_ms: Option<u64>,
    pub alert_ms: Option<u64>,
    pub recovery_ms: Option<u64>,
    pub recovery_alert_ms: Option<u64>,
    pub problems: Vec<String>,
    /// One line per alert route with its own figures (route named by its label, never
    /// a secret); empty for drills recorded before routes were kept.
    pub routes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AlertRoute {
    /// The credential's name (`alert-webhook`), never its value.
    pub name: String,
    /// `pass`, `fail`, … of the last test alert, or `not tested`.
    pub status: String,
    pub detail: String,
}

/// One manual check of the handover stage (ownership, rollback, documentation).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HandoverAnswer {
    pub check: String,
    pub question: String,
    pub status: String,
    /// The operator's note, redacted; empty when none was written.
    pub note: String,
}

/// An operator's note on a check, redacted.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CheckNote {
    pub stage: String,
    pub check: String,
    pub status: String,
    pub note: String,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Timeline {
    /// The runbook's stages with their hour windows and progress.
    pub stages: Vec<StageRow>,
    /// Journal entries (events and notes) and decisions, oldest first.
    pub events: Vec<TimelineEvent>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StageRow {
    pub title: String,
    pub hours: String,
    pub done: usize,
    pub total: usize,
    pub deliverables: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TimelineEvent {
    pub at: String,
    /// Sprint hour of the event (may be negative before the start).
    pub hour: i64,
    /// `note`, `status`, `run`, `decision`, `acceptance` or `clock`.
    pub kind: String,
    pub text: String,
}
