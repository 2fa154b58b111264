//! Headless mode (`launch-ready check`): turn the command line (or a session file) into
//! scopes and jobs, drive the same engine the TUI uses to completion, and hand back a
//! report. Planning is separate from running so every usage or configuration error is
//! found before any network traffic, and exits 2 with one line.

pub mod classify;
pub mod report;
pub mod text;

use crate::checks::catalog::{self, CheckKind, Family};
use crate::commands::check_args::CheckArgs;
use crate::engine::{Engine, EngineEvent, Job, Scope};
use crate::finding::Severity;
use crate::net::Net;
use crate::net::settings::{ConnectTo, Nameserver, NetworkSettings, ResolveOverride};
use crate::session::model::{CheckOutcome, Session};
use report::Report;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Families that run when `--only` is not given (perf asks first and uptime is the
/// monitor's, so neither runs unasked).
pub const DEFAULT_FAMILIES: &[Family] = &[
    Family::Dns,
    Family::Email,
    Family::Tls,
    Family::Http,
    Family::Edge,
    Family::Secrets,
    Family::Env,
];

/// Output format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// Everything `check` will do, validated.
#[derive(Debug)]
pub struct Plan {
    pub scopes: Vec<(String, Arc<Scope>)>,
    pub kinds: Vec<&'static CheckKind>,
    pub format: Format,
    /// `None` for `--fail-on never`.
    pub fail_on: Option<Severity>,
}

fn parse_all<T: std::str::FromStr<Err = String>>(values: &[String]) -> Result<Vec<T>, String> {
    values.iter().map(|v| v.parse::<T>()).collect()
}

/// Validates the arguments and builds the plan. Errors are one line quoting the bad value.
pub fn plan(args: &CheckArgs) -> Result<Plan, String> {
    let format = match args.format.as_str() {
        "text" => Format::Text,
        "json" => Format::Json,
        other => return Err(format!("--format `{other}` is not text or json")),
    };
    let fail_on = if args.fail_on.eq_ignore_ascii_case("never") {
        None
    } else {
        Some(
            args.fail_on
                .parse::<Severity>()
                .map_err(|e| format!("--fail-on: {e} or never"))?,
        )
    };
    let families: Vec<Family> = if args.only.is_empty() {
        DEFAULT_FAMILIES.to_vec()
    } else {
        let mut v = Vec::new();
        for f in &args.only {
            let fam = Family::parse(f.trim()).ok_or_else(|| {
                format!(
                    "--only: unknown family `{f}` (expected {})",
                    Family::ALL.map(Family::as_str).join(", ")
                )
            })?;
            if !v.contains(&fam) {
                v.push(fam);
            }
        }
        v
    };
    let kinds: Vec<&'static CheckKind> = catalog::KINDS
        .iter()
        .filter(|k| families.contains(&k.family))
        .collect();

    let (session, mut groups) = match &args.session {
        Some(path) => {
            let s = load_session(path)?;
            let g = vec![classify::Group {
                key: s.name.clone(),
                targets: s.targets.clone(),
            }];
            (Some(s), g)
        }
        None => (None, Vec::new()),
    };
    groups.extend(classify::classify(&args.targets)?);
    if groups.is_empty() {
        return Err("nothing to check: give hosts, URLs or paths, or --session FILE".into());
    }
    let network = network_settings(args, session.as_ref().map(|s| &s.network))?;
    // Reading the CA file and building the resolver now turns a bad setting into exit 2.
    Net::new(&network)?;
    // Thresholds (p95 budgets, certificate warning days…) come from --runbook, else from
    // the session's runbook, else the defaults.
    let lib = crate::runbook::library::Library::load(crate::paths::user_runbooks_dir().as_deref());
    let thresholds = match (args.runbook.as_deref(), &session) {
        (Some(id), _) => {
            lib.resolve(id)
                .map_err(|e| format!("--runbook: {e}"))?
                .runbook
                .targets
        }
        (None, Some(s)) => {
            lib.find(&s.runbook.id, s.runbook.path.as_deref())
                .map_err(|e| format!("--session: its runbook cannot be loaded: {e}"))?
                .runbook
                .targets
        }
        (None, None) => crate::runbook::model::Targets::default(),
    };
    let scopes: Vec<(String, Arc<Scope>)> = groups
        .into_iter()
        .map(|mut g| {
            for s in &args.dkim_selectors {
                if !g.targets.dkim_selectors.contains(s) {
                    g.targets.dkim_selectors.push(s.clone());
                }
            }
            (
                g.key,
                Arc::new(Scope {
                    targets: g.targets,
                    network: network.clone(),
                    thresholds: thresholds.clone(),
                }),
            )
        })
        .collect();
    let applies = scopes.iter().any(|(_, scope)| {
        kinds
            .iter()
            .any(|k| !crate::engine::targets::for_kind(k, &scope.targets).is_empty())
    });
    if !applies {
        // A CI run that checks nothing would report "go": a misconfiguration, not a pass.
        return Err(format!(
            "nothing to check: none of the families asked for ({}) applies to the given targets (hosts get dns, email, tls, http and edge; URLs http; paths secrets and env)",
            families
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(Plan {
        scopes,
        kinds,
        format,
        fail_on,
    })
}

fn network_settings(
    args: &CheckArgs,
    base: Option<&NetworkSettings>,
) -> Result<NetworkSettings, String> {
    let mut n = base.cloned().unwrap_or_default();
    if let Some(ns) = &args.nameserver {
        n.nameserver = Some(
            ns.parse::<Nameserver>()
                .map_err(|e| format!("--nameserver: {e}"))?,
        );
    }
    n.resolve.extend(
        parse_all::<ResolveOverride>(&args.resolve).map_err(|e| format!("--resolve: {e}"))?,
    );
    n.connect_to.extend(
        parse_all::<ConnectTo>(&args.connect_to).map_err(|e| format!("--connect-to: {e}"))?,
    );
    if let Some(ca) = &args.ca_file {
        n.ca_file = Some(ca.clone());
    }
    if let Some(t) = args.timeout {
        if t == 0 || t > 600 {
            return Err(format!("--timeout `{t}` must be between 1 and 600 seconds"));
        }
        n.timeout_secs = t;
    }
    Ok(n)
}

/// Reads a session file for its targets and settings. Read-only: the headless run never
/// writes the session, so it takes no lock and can run beside an open TUI.
fn load_session(path: &std::path::Path) -> Result<Session, String> {
    crate::session::store::read(path).map_err(|e| format!("--session: {e}"))
}

/// Runs the plan to completion and builds the report. Must run inside a tokio runtime.
pub async fn run(plan: &Plan) -> Report {
    let started_at = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    let start = Instant::now();
    let (engine, mut events) = Engine::new();
    let mut order: Vec<String> = Vec::new();
    for (key, scope) in &plan.scopes {
        for kind in &plan.kinds {
            let check_id = format!("{key}/{}", kind.name);
            order.push(check_id.clone());
            engine.run(
                Job {
                    check_id,
                    kind,
                    severity: BTreeMap::new(),
                    params: BTreeMap::new(),
                },
                scope.clone(),
            );
        }
    }
    let mut done: BTreeMap<String, Vec<CheckOutcome>> = BTreeMap::new();
    while done.len() < order.len() {
        match events.recv().await {
            Some(EngineEvent::Finished { check_id, evidence }) => {
                done.insert(check_id, evidence.results);
            }
            Some(EngineEvent::Cancelled { check_id }) => {
                done.insert(check_id, Vec::new());
            }
            Some(EngineEvent::Started { .. } | EngineEvent::Progress { .. }) => {}
            None => break,
        }
    }
    let outcomes: Vec<CheckOutcome> = order
        .iter()
        .filter_map(|id| done.remove(id))
        .flatten()
        // A family whose subject is absent from the given targets does not apply.
        .filter(|o| !(o.target.is_empty() && o.status == crate::finding::CheckStatus::Skipped))
        .collect();
    let ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    Report::new(started_at, ms, &outcomes)
}

/// Exit code for `report` under `fail_on`: 1 when a finding is at or above it.
pub fn exit_code(report: &Report, fail_on: Option<Severity>) -> u8 {
    match (fail_on, report.worst()) {
        (Some(threshold), Some(worst)) if worst.at_least(threshold) => 1,
        _ => 0,
    }
}
