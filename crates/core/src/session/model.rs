//! What a session file holds: one sprint for one client. Pure data plus small derived
//! helpers; saving, locking and migration live in `store.rs`.

use crate::catalog::KindId;
use crate::evidence::Observed;
use crate::finding::{CheckStatus, Finding, Severity};
pub use crate::session::alert_routes::{AlertRoute, EmailRoute};
use crate::session::monitor_log::MonitorLog;
use crate::settings::NetworkSettings;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use time::{Duration, OffsetDateTime};

/// Version of the session file format written by this build. Older files are migrated on
/// load; newer files are refused (never overwritten).
pub const SCHEMA_VERSION: u32 = 1;

/// How long a check result counts as current; older results are shown as stale.
pub const FRESHNESS: Duration = Duration::hours(12);

/// Largest note the note editor accepts (1 MiB of UTF-8). A bigger note is refused with a
/// message, never cut: notes are for the operator's words, and every change is written to
/// disk within a second, so an unbounded note would make each save and redraw crawl. A
/// file that already holds a bigger note still loads; it is shown bounded and cannot be
/// edited in the TUI.
pub const MAX_NOTE_BYTES: usize = 1024 * 1024;

/// Evidence entries kept per check (newest first); older runs are dropped.
pub const EVIDENCE_HISTORY: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// File format version (`SCHEMA_VERSION` when written by this build).
    pub version: u32,
    /// Short name, also the file stem (`acme-corp`).
    pub name: String,
    /// The client's display name.
    pub client: String,
    pub runbook: RunbookRef,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Hour 0 of the 48-hour sprint.
    #[serde(with = "time::serde::rfc3339")]
    pub sprint_start: OffsetDateTime,
    pub targets: Targets,
    #[serde(default)]
    pub network: NetworkSettings,
    /// Per-check state keyed by the runbook's check id.
    #[serde(default)]
    pub checks: BTreeMap<String, CheckState>,
    /// Free-form sprint journal, oldest first.
    #[serde(default)]
    pub journal: Vec<JournalEntry>,
    /// Go / no-go decisions taken, oldest first.
    #[serde(default)]
    pub decisions: Vec<Decision>,
    /// Names of the credentials this session uses (values live in the OS keyring only).
    #[serde(default)]
    pub credentials: Vec<String>,
    /// Where the operator was, restored on reopen.
    #[serde(default)]
    pub ui: UiState,
    /// Risks the operator accepted (with reason and owner): they stay listed but no longer
    /// decide the verdict. Removing an entry reverses the acceptance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepted: Vec<AcceptedRisk>,
    /// Stretches of wall-clock time that do not count toward the 48 sprint hours (nights),
    /// oldest first; the last may still be open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pauses: Vec<Pause>,
    /// Uptime history of the monitored URLs and the alert drills, bounded.
    #[serde(default, skip_serializing_if = "MonitorLog::is_empty")]
    pub monitor: MonitorLog,
    /// What was exported to other engines, where, and how to start it (newest last).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exports: Vec<crate::session::exports::ExportRecord>,
}

/// A risk the operator accepted instead of fixing before launch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptedRisk {
    /// The risk's key: its finding code, or `check:<id>` for a check left unpassed
    /// (see `verdict::Risk::key`).
    pub key: String,
    /// The target the finding is about (empty for an unpassed check).
    #[serde(default)]
    pub target: String,
    pub reason: String,
    /// Who owns the risk from now on.
    pub owner: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

pub use super::clock::Pause;

/// Which runbook the session follows, and the hash of its text when the session began.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunbookRef {
    pub id: String,
    pub hash: String,
    /// The file the runbook was loaded from, when it was given by path rather than being
    /// bundled or in the user runbooks folder, so the session can find it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
}

/// What the checks run against.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Registrable apex domain (`example.com`).
    pub apex: String,
    /// Role hosts: www, app, api, admin, staging, …
    #[serde(default)]
    pub hosts: Vec<HostTarget>,
    /// Key routes to probe (paths on the canonical host, or full URLs).
    #[serde(default)]
    pub routes: Vec<Route>,
    #[serde(default)]
    pub repo: Option<PathBuf>,
    #[serde(default)]
    pub build_dir: Option<PathBuf>,
    #[serde(default)]
    pub env_files: Vec<EnvFile>,
    /// Name of the credential holding the alert webhook URL: the one route of sessions
    /// written before routes were a list (see `alert_routes`).
    #[serde(default)]
    pub alert_route: Option<String>,
    /// The alert routes in escalation order; when empty, `alert_route` is the only one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alert_routes: Vec<AlertRoute>,
    /// DKIM selectors to look up besides the common ones.
    #[serde(default)]
    pub dkim_selectors: Vec<String>,
    /// Flows run after each deploy (`smoke.flow`, `launch-ready smoke`). Files written
    /// before flows existed have none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<crate::flow::Flow>,
}

impl Targets {
    /// The alert routes in escalation order: `alert_routes`, or the one webhook of an
    /// older session's `alert_route`.
    pub fn routes(&self) -> Vec<AlertRoute> {
        if !self.alert_routes.is_empty() {
            return self.alert_routes.clone();
        }
        self.alert_route
            .iter()
            .map(|c| AlertRoute::Webhook {
                credential: c.clone(),
            })
            .collect()
    }

    /// Replaces the routes; a single webhook is kept in the older one-route field, so a
    /// session that never uses more stays readable by builds that know only that field.
    pub fn set_routes(&mut self, routes: Vec<AlertRoute>) {
        match routes.as_slice() {
            [] => {
                self.alert_route = None;
                self.alert_routes.clear();
            }
            [AlertRoute::Webhook { credential }] => {
                self.alert_route = Some(credential.clone());
                self.alert_routes.clear();
            }
            _ => {
                self.alert_route = None;
                self.alert_routes = routes;
            }
        }
    }

    /// Whether `host` is a host of these targets that is meant to be behind a login (see
    /// `HostTarget::is_protected`). A host the targets do not declare is not.
    pub fn is_protected(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.');
        self.hosts
            .iter()
            .any(|h| h.host.trim_end_matches('.').eq_ignore_ascii_case(host) && h.is_protected())
    }
}

/// Roles (and first labels) that mark a staging / preview host: one meant to be behind a
/// login, never open to the public.
pub const STAGING_ROLES: &[&str] = &["staging", "stage", "dev", "preview", "test", "qa", "uat"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostTarget {
    pub role: String,
    pub host: String,
    /// The session marks the host as behind a login (an admin or a customer area), besides
    /// the hosts whose role marks them as staging / preview: see `is_protected`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub protected: bool,
}

impl HostTarget {
    /// Whether the host is meant to be behind a login: its role is a staging / preview one
    /// (`STAGING_ROLES`), or the session marked it `protected`. Such a host answering 401
    /// or 403 is up: asking for credentials is it working.
    pub fn is_protected(&self) -> bool {
        self.protected || STAGING_ROLES.contains(&self.role.to_ascii_lowercase().as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub name: String,
    /// A path (`/login`) on the canonical host, or a full URL.
    pub path: String,
    #[serde(default = "default_method")]
    pub method: String,
    /// Extra request headers (not secret: an auth header goes in `auth`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<RouteHeader>,
    /// Request body sent with the route (a login form, a JSON write).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Which p95 budget applies; by default GET/HEAD/OPTIONS are reads, the rest writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<RouteBudget>,
    /// An auth header whose value is a keyring credential: only its name is stored here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<RouteAuth>,
    /// Why this route may answer `Access-Control-Allow-Origin: *` although it sets cookies
    /// or asks for credentials (a public read API, say): with a reason recorded, the
    /// wildcard is reported for information, not as a defect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors_public_reason: Option<String>,
}

impl Default for Route {
    fn default() -> Self {
        Route {
            name: String::new(),
            path: String::new(),
            method: default_method(),
            headers: Vec::new(),
            body: None,
            budget: None,
            auth: None,
            cors_public_reason: None,
        }
    }
}

/// Words in a route's path or name that mark a sign-in, sign-up or password-reset
/// endpoint: the ones bots hammer, so the ones a rate limit must cover.
const AUTH_WORDS: &[&str] = &[
    "login",
    "log-in",
    "log_in",
    "signin",
    "sign-in",
    "sign_in",
    "signup",
    "sign-up",
    "sign_up",
    "register",
    "reset",
    "forgot",
    "password",
    "session",
    "auth",
    "otp",
    "magic-link",
];

impl Route {
    /// Whether the route sends a body to the server (POST, PUT, PATCH): a write an
    /// upload limit should bound.
    pub fn is_write(&self) -> bool {
        matches!(
            self.method.trim().to_ascii_uppercase().as_str(),
            "POST" | "PUT" | "PATCH"
        )
    }

    /// Whether the route's path or name says it signs in, signs up or resets a password.
    pub fn is_auth(&self) -> bool {
        let path = self.path.to_ascii_lowercase();
        // Only the path counts, not the host a full URL names (`auth.example.com/` is not
        // itself a login endpoint).
        let path = match path.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]).to_string(),
            None => path,
        };
        let name = self.name.to_ascii_lowercase();
        AUTH_WORDS
            .iter()
            .any(|w| path.contains(w) || name.contains(w))
    }
}

/// One extra header of a route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteHeader {
    pub name: String,
    pub value: String,
}

/// The budget a route is judged against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouteBudget {
    /// The runbook's read budget (`target.p95_read_ms`).
    Read,
    /// The runbook's write budget (`target.p95_write_ms`).
    Write,
    /// Its own p95 budget, in milliseconds.
    P95Ms(u32),
}

/// An auth header of a route, its value read from the keyring when the check runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteAuth {
    /// Header name (`authorization` when not given).
    #[serde(default = "default_auth_header")]
    pub header: String,
    /// Name of the keyring credential holding the header's value.
    pub credential: String,
}

fn default_auth_header() -> String {
    "authorization".into()
}

fn default_method() -> String {
    "GET".into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvFile {
    /// Environment name (`production`, `staging`, `example`).
    pub environment: String,
    pub path: PathBuf,
}

/// The state of one checklist item.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckState {
    pub status: CheckStatus,
    #[serde(default)]
    pub note: String,
    /// Why the check was skipped, when it was.
    #[serde(default)]
    pub skip_reason: Option<String>,
    /// The operator's severity for this check's findings and for it being unpassed.
    #[serde(default)]
    pub severity_override: Option<Severity>,
    /// Automated results, newest first, at most `EVIDENCE_HISTORY`.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
}

impl CheckState {
    pub fn latest(&self) -> Option<&Evidence> {
        self.evidence.first()
    }

    /// Records a finished automated run: its status becomes the check's, an operator's
    /// skip no longer holds, and the run joins the history. The one way every front end
    /// (TUI, headless, the report's run) records a result.
    pub fn record(&mut self, ev: Evidence, now: OffsetDateTime) {
        self.status = ev.status;
        self.skip_reason = None;
        self.updated_at = Some(now);
        self.push_evidence(ev);
    }

    /// Adds a run to the history, newest first, trimming it.
    pub fn push_evidence(&mut self, ev: Evidence) {
        self.evidence.insert(0, ev);
        self.evidence.truncate(EVIDENCE_HISTORY);
    }

    /// True when the latest result is older than the freshness window.
    pub fn is_stale(&self, now: OffsetDateTime) -> bool {
        self.latest().is_some_and(|e| now - e.at > FRESHNESS)
    }
}

/// One automated run of a check: the results for each target it ran against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub duration_ms: u64,
    pub status: CheckStatus,
    pub summary: String,
    pub results: Vec<CheckOutcome>,
}

impl Evidence {
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.results.iter().flat_map(|r| r.findings.iter())
    }
}

/// The result of one check against one target; the same shape as one element of the
/// headless JSON `results` array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "CheckOutcomeWire")]
pub struct CheckOutcome {
    /// Engine check name (`tls.certificate`).
    pub check: String,
    pub family: String,
    pub target: String,
    pub status: CheckStatus,
    pub duration_ms: u64,
    pub summary: String,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub evidence: Observed,
    /// For a check skipped because its precondition failed: the finding code that explains
    /// it (`dns.unresolvable` for a host with no address). `tls.*` means any certificate
    /// finding on the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explained_by: Option<String>,
    /// For a check skipped because a credential it needs is not set: the credential's
    /// name (`cloudflare-token`). A check asked for and skipped for it is not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_credential: Option<String>,
}

/// `CheckOutcome` as written, before its evidence is read by its kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "CheckOutcome")]
struct CheckOutcomeWire {
    check: String,
    family: String,
    target: String,
    status: CheckStatus,
    duration_ms: u64,
    summary: String,
    #[serde(default)]
    findings: Vec<Finding>,
    #[serde(default)]
    evidence: serde_json::Value,
    #[serde(default)]
    explained_by: Option<String>,
    #[serde(default)]
    needs_credential: Option<String>,
}

impl CheckOutcome {
    /// The typed observation, for display. Evidence its kind's type cannot hold whole
    /// (written by another build) is still shown through that type, leaving out what the
    /// type does not know.
    /// Typed evidence is borrowed, so the detail pane can call this on every frame.
    pub fn observed(&self) -> std::borrow::Cow<'_, Observed> {
        use std::borrow::Cow;
        match &self.evidence {
            Observed::Unread(v) => {
                Cow::Owned(Observed::typed(KindId::parse(&self.check), v).unwrap_or(Observed::None))
            }
            typed => Cow::Borrowed(typed),
        }
    }
}

impl From<CheckOutcomeWire> for CheckOutcome {
    fn from(w: CheckOutcomeWire) -> CheckOutcome {
        let evidence = Observed::read(KindId::parse(&w.check), w.evidence);
        CheckOutcome {
            check: w.check,
            family: w.family,
            target: w.target,
            status: w.status,
            duration_ms: w.duration_ms,
            summary: w.summary,
            findings: w.findings,
            evidence,
            explained_by: w.explained_by,
            needs_credential: w.needs_credential,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalEntry {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub text: String,
    /// What wrote the entry: the operator, or the app recording an event.
    #[serde(default, skip_serializing_if = "JournalKind::is_note")]
    pub kind: JournalKind,
}

/// The source of a journal entry; everything but `Note` is recorded automatically and
/// feeds the handover pack's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JournalKind {
    /// Typed by the operator.
    #[default]
    Note,
    /// A check's status changed.
    Status,
    /// A check or batch ran, with its outcome.
    Run,
    /// A go / no-go decision was recorded.
    Decision,
    /// A risk was accepted or an acceptance withdrawn.
    Acceptance,
    /// The sprint clock was started, moved, paused or resumed.
    Clock,
}

impl JournalKind {
    pub fn is_note(&self) -> bool {
        *self == JournalKind::Note
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every check ran or was answered, and no blocker is open.
    Go,
    /// A blocker is open.
    NoGo,
    /// No blocker found, but some check did not run, could not run, or is not answered:
    /// a go would be claimed on checks that were not made.
    Incomplete,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Go => "go",
            Verdict::NoGo => "no-go",
            Verdict::Incomplete => "incomplete",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub verdict: Verdict,
    pub reason: String,
}

/// The screens of the TUI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Screen {
    #[default]
    Checklist,
    Timeline,
    Risks,
    Targets,
    Monitor,
}

/// Where the operator was; restored when the session is reopened.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiState {
    #[serde(default)]
    pub screen: Screen,
    #[serde(default)]
    pub stage: usize,
    #[serde(default)]
    pub check: usize,
    #[serde(default)]
    pub presenter: bool,
    /// The journal entry being typed, kept on every clock tick so a killed process does
    /// not lose it; empty when no entry is in progress (and then not written at all).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub journal_draft: String,
}

impl Session {
    /// A fresh session for `runbook`, starting the sprint clock at `now`.
    pub fn new(
        name: &str,
        client: &str,
        runbook: &crate::runbook::Loaded,
        mut targets: Targets,
        now: OffsetDateTime,
    ) -> Session {
        // The runbook's flow templates, unless the caller brought flows of its own.
        if targets.flows.is_empty() {
            targets.flows = runbook.runbook.flows.clone();
        }
        let runbook = RunbookRef {
            id: runbook.runbook.id.clone(),
            hash: runbook.hash.clone(),
            path: match &runbook.origin {
                crate::runbook::Origin::File(p) => Some(p.clone()),
                crate::runbook::Origin::Bundled(_) => None,
            },
        };
        Session::blank(name, client, runbook, targets, now)
    }

    /// A bare session for unit tests: no targets, no checks, every clock at `now`.
    #[cfg(test)]
    pub(crate) fn for_test(
        name: &str,
        client: &str,
        runbook_id: &str,
        now: OffsetDateTime,
    ) -> Session {
        let runbook = RunbookRef {
            id: runbook_id.into(),
            hash: "sha256:00".into(),
            path: None,
        };
        Session::blank(name, client, runbook, Targets::default(), now)
    }

    /// A session with nothing done yet: every clock at `now`, every list empty.
    fn blank(
        name: &str,
        client: &str,
        runbook: RunbookRef,
        targets: Targets,
        now: OffsetDateTime,
    ) -> Session {
        Session {
            version: SCHEMA_VERSION,
            name: name.to_string(),
            client: client.to_string(),
            runbook,
            created_at: now,
            updated_at: now,
            sprint_start: now,
            targets,
            network: NetworkSettings::default(),
            checks: BTreeMap::new(),
            journal: Vec::new(),
            decisions: Vec::new(),
            credentials: Vec::new(),
            ui: UiState::default(),
            accepted: Vec::new(),
            pauses: Vec::new(),
            monitor: Default::default(),
            exports: Vec::new(),
        }
    }

    pub fn state(&self, check_id: &str) -> Option<&CheckState> {
        self.checks.get(check_id)
    }

    pub fn state_mut(&mut self, check_id: &str) -> &mut CheckState {
        self.checks.entry(check_id.to_string()).or_default()
    }

    pub fn status(&self, check_id: &str) -> CheckStatus {
        self.checks
            .get(check_id)
            .map_or(CheckStatus::Todo, |s| s.status)
    }

    /// Whole sprint hours gone, pauses left out (may exceed 48, never negative).
    pub fn sprint_hour(&self, now: OffsetDateTime) -> i64 {
        super::clock::elapsed(self.sprint_start, &self.pauses, now).whole_hours()
    }

    /// The sprint clock at `now` ("hour 13 of 48", "over by 3h").
    pub fn clock(&self, now: OffsetDateTime) -> super::clock::Reading {
        super::clock::read(self.sprint_start, &self.pauses, now)
    }

    /// Every host of the session: the apex, then each role host, without repeats.
    pub fn hosts(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for h in std::iter::once(self.targets.apex.as_str())
            .chain(self.targets.hosts.iter().map(|h| h.host.as_str()))
        {
            if !h.is_empty() && !out.contains(&h) {
                out.push(h);
            }
        }
        out
    }
}
