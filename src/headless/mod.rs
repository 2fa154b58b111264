//! Headless mode (`launch-ready check`): turn the command line (or a session file) into
//! scopes and jobs, drive the same engine the TUI uses to completion, and hand back a
//! report. Planning is separate from running so every usage or configuration error is
//! found before any network traffic, and exits 2 with one line.

pub mod classify;
pub mod error;
pub mod report;
pub mod shared;
mod source;
pub mod text;

pub use error::{NetworkArgError, PlanError, SessionArgError, TargetArgError};
use launch_ready_checks::engine::drive::{self, Ended};
use launch_ready_checks::engine::{Engine, Job, Scope};
use launch_ready_checks::net::Net;
use launch_ready_checks::plan;
use launch_ready_core::catalog::Family;
use launch_ready_core::finding::Severity;
use launch_ready_core::runbook::Runbook;
use launch_ready_core::session::model::Route;
use launch_ready_core::session::model::{CheckOutcome, Session};
use launch_ready_core::session::model::{CheckState, Verdict};
use launch_ready_core::settings::{NetworkOverrides, NetworkSettings};
use report::Report;
use source::Source;
use std::collections::BTreeMap;
use std::path::Path;
use std::path::PathBuf;
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

/// What `check` is asked to do, as plain values: the command line builds it from its flags
/// (`cli::check::CheckArgs::request`), and any other caller can build it the same way.
#[derive(Debug, Clone, Default)]
pub struct CheckRequest {
    /// Hosts, URLs or paths.
    pub targets: Vec<String>,
    /// A session, named as `open` takes it.
    pub session: Option<String>,
    /// A plan file (`export`'s `launch-ready.plan.ron`), standing in for a session.
    pub plan: Option<PathBuf>,
    /// Runbook id or file whose thresholds apply.
    pub runbook: Option<String>,
    /// Family names to run (empty: the default families, or the session's runbook).
    pub only: Vec<String>,
    pub network: NetworkOverrides,
    pub dkim_selectors: Vec<String>,
    pub cloudflare_api: Option<String>,
    /// `text` or `json`.
    pub format: String,
    /// A severity name, or `never`.
    pub fail_on: String,
    /// Exit 0 on an incomplete verdict (a report-only step).
    pub allow_incomplete: bool,
    /// Key routes with their method and body; their URLs are targets too.
    pub routes: Vec<Route>,
    pub env_reference: Option<PathBuf>,
    /// Run the checks that send load without asking.
    pub yes: bool,
    /// A CI run: the runbook's `ci_p95_budget_ms` is every route's p95 budget.
    pub ci: bool,
}

/// Everything `check` will do, validated.
#[derive(Debug)]
pub struct Plan {
    /// One scope per group of targets (a session, or a registrable domain).
    pub scopes: Vec<(String, Arc<Scope>)>,
    /// The checks the verdict covers: the session's runbook (narrowed by `--only`), the
    /// `--runbook`'s automated checks, or one check per catalog kind.
    pub runbook: Runbook,
    /// The session's recorded answers (manual checks, operator skips and overrides), which
    /// the verdict reads as the TUI does.
    pub states: BTreeMap<String, CheckState>,
    pub format: Format,
    /// `None` for `--fail-on never`.
    pub fail_on: Option<Severity>,
    /// `--allow-incomplete`: an incomplete verdict exits 0.
    pub allow_incomplete: bool,
    /// Checks left out because they send load and `--yes` was not given.
    pub unconfirmed: Vec<(String, &'static launch_ready_core::catalog::CheckKind)>,
    /// The checks the verdict judges: `runbook`, plus for a whole session the checks
    /// left unconfirmed, which stay in it as not checked (as when the TUI's operator
    /// declines a load test) so a session never reads "go" on a test that was not run.
    pub judged: Runbook,
}

/// The runbook's numbers for a run, in CI or not. A CI run judges every route's p95 by
/// the runbook's `ci_p95_budget_ms` where it sets one: that number is the regression line
/// a build fails past, and shared CI runners are not the sprint's measuring machine, so
/// the tighter read and write budgets stay with the sprint's own runs.
pub fn ci_thresholds(
    mut t: launch_ready_core::runbook::model::Targets,
    ci: bool,
) -> launch_ready_core::runbook::model::Targets {
    if ci && let Some(budget) = t.ci_p95_budget_ms {
        t.p95_read_ms = Some(budget);
        t.p95_write_ms = Some(budget);
    }
    t
}

/// Validates the arguments and builds the plan. Errors are one line quoting the bad value.
pub fn plan(args: &CheckRequest) -> Result<Plan, PlanError> {
    let format = match args.format.as_str() {
        "text" => Format::Text,
        "json" => Format::Json,
        other => return Err(PlanError::Format(other.to_string())),
    };
    let fail_on = if args.fail_on.eq_ignore_ascii_case("never") {
        None
    } else {
        Some(
            args.fail_on
                .parse::<Severity>()
                .map_err(PlanError::FailOn)?,
        )
    };
    let families: Vec<Family> = if args.only.is_empty() {
        let mut v = DEFAULT_FAMILIES.to_vec();
        // The zone audit runs unasked only when CI handed it a token.
        if std::env::var(launch_ready_checks::cloudflare::ENV_VAR)
            .is_ok_and(|t| !t.trim().is_empty())
        {
            v.push(Family::Cloudflare);
        }
        v
    } else {
        let mut v = Vec::new();
        for f in &args.only {
            let fam =
                Family::parse(f.trim()).ok_or_else(|| PlanError::Family { family: f.clone() })?;
            if !v.contains(&fam) {
                v.push(fam);
            }
        }
        v
    };
    let source = Source::load(args)?;
    let mut groups = match &source {
        Some(s) => vec![classify::Group {
            key: s.name.clone(),
            targets: s.targets.clone(),
        }],
        None => Vec::new(),
    };
    // A --route URL is a target too; its method and body are set on it below.
    let route_urls: Vec<String> = args.routes.iter().map(|r| r.path.clone()).collect();
    groups.extend(classify::classify(
        &[args.targets.clone(), route_urls].concat(),
    )?);
    if groups.is_empty() {
        return Err(PlanError::NoTargets);
    }
    add_routes(&mut groups, &args.routes);
    add_env_reference(&mut groups, args.env_reference.as_deref())?;
    let network = merge_network(args, source.as_ref().map(|s| &s.network))?;
    // The checks (and thresholds: p95 budgets, certificate warning days…) come from
    // --runbook, else from the session's (or plan's) runbook, else from the catalog.
    let lib = launch_ready_core::runbook::library::Library::installed();
    let runbook = match (args.runbook.as_deref(), &source) {
        (Some(id), _) => lib.resolve(id).map_err(PlanError::Runbook)?.runbook,
        (None, Some(s)) => s.runbook(&lib)?,
        (None, None) => plan::catalog_runbook(&families, Default::default()),
    };
    // A session's own answers count only when its whole runbook is judged; --only, or a
    // runbook without a session, judges the automated checks of the asked families.
    let whole_session = source.is_some() && args.only.is_empty() && args.runbook.is_none();
    let runbook = if whole_session {
        runbook
    } else {
        plan::restrict(&runbook, &families)
    };
    // Checks that send load run only when confirmed; without --yes they leave the plan,
    // and the command says so on stderr. A whole session's verdict still counts them, as
    // not checked; an ad-hoc run judges only what it ran.
    let judged = runbook.clone();
    let (runbook, unconfirmed) = if args.yes {
        (runbook, Vec::new())
    } else {
        plan::without_confirm(&runbook)
    };
    let states = match (&source, whole_session) {
        (Some(s), true) => s.states.clone(),
        _ => BTreeMap::new(),
    };
    let thresholds = ci_thresholds(runbook.targets.clone(), args.ci);
    // The keyring is opened only for routes with an auth credential (perf checks); a box
    // without one then reports those checks as errors, naming the credential.
    let needs_keyring = groups.iter().any(|g| {
        g.targets.routes.iter().any(|r| r.auth.is_some())
            || g.targets.flows.iter().any(|f| !f.secrets().is_empty())
    }) || runbook.checks().any(|(_, c)| {
        c.run
            .kind()
            .is_some_and(|k| !k.profile.credentials.is_empty())
    });
    // Opened when a check first asks, so a CI variable spares the keyring probe.
    let credentials = needs_keyring.then(|| {
        launch_ready_checks::credentials::Credentials::os(source.as_ref().map(|s| s.name.clone()))
    });
    let scopes: Vec<(String, Arc<Scope>)> = groups
        .into_iter()
        .map(|mut g| {
            for s in &args.dkim_selectors {
                if !g.targets.dkim_selectors.contains(s) {
                    g.targets.dkim_selectors.push(s.clone());
                }
            }
            let scope = Scope::new(g.targets, network.clone(), thresholds.clone());
            let scope = match &credentials {
                Some(c) => scope.with_credentials(c.clone()),
                None => scope,
            };
            (g.key, Arc::new(scope))
        })
        .collect();
    // A held-back kind with nothing to aim at (a burst with no login route) would not run
    // with --yes either: saying it waits for --yes would mislead.
    let unconfirmed: Vec<_> = unconfirmed
        .into_iter()
        .filter(|(_, k)| {
            scopes.iter().any(|(_, s)| {
                !launch_ready_checks::engine::targets::for_kind(k, &s.targets).is_empty()
            })
        })
        .collect();
    let applies = scopes.iter().any(|(_, scope)| {
        runbook.checks().any(|(_, c)| {
            c.run.kind().is_some_and(|k| {
                !launch_ready_checks::engine::targets::for_kind(k, &scope.targets).is_empty()
            })
        })
    });
    // Reading the CA file and building the resolver now turns a bad setting into exit 2,
    // when a network kind will run: a scan of local files alone never reads them.
    if launch_ready_checks::plan::needs_network(&runbook, scopes.iter().map(|(_, s)| s.as_ref())) {
        Net::new(&network)?;
    }
    if !applies {
        return Err(PlanError::NothingApplies(families));
    }
    Ok(Plan {
        scopes,
        judged: if whole_session {
            judged
        } else {
            runbook.clone()
        },
        runbook,
        states,
        format,
        fail_on,
        allow_incomplete: args.allow_incomplete,
        unconfirmed,
    })
}

/// Gives each `--route` its method and body on the target `classify` made of its URL.
fn add_routes(groups: &mut [classify::Group], routes: &[Route]) {
    for r in routes {
        for g in groups.iter_mut() {
            if let Some(t) = g.targets.routes.iter_mut().find(|t| t.path == r.path) {
                *t = r.clone();
            }
        }
    }
}

/// Puts `--env-reference FILE` first among the env files of every group that has env
/// files (the first group when none has), so the env checks compare against it.
fn add_env_reference(groups: &mut [classify::Group], file: Option<&Path>) -> Result<(), PlanError> {
    let Some(file) = file else {
        return Ok(());
    };
    if !file.is_file() {
        return Err(PlanError::EnvReference(file.to_path_buf()));
    }
    let reference = launch_ready_core::session::model::EnvFile {
        environment: "reference".into(),
        path: file.to_path_buf(),
    };
    let with_env: Vec<usize> = (0..groups.len())
        .filter(|&i| !groups[i].targets.env_files.is_empty())
        .collect();
    let chosen = if with_env.is_empty() {
        vec![0]
    } else {
        with_env
    };
    for i in chosen {
        let files = &mut groups[i].targets.env_files;
        files.retain(|f| !launch_ready_checks::env::is_reference(&f.environment));
        files.insert(0, reference.clone());
    }
    Ok(())
}

/// The network settings of a run: `base` (a session's) with the request's flags.
pub fn merge_network(
    args: &CheckRequest,
    base: Option<&NetworkSettings>,
) -> Result<NetworkSettings, NetworkArgError> {
    let mut n = args.network.apply(base.cloned().unwrap_or_default())?;
    if let Some(url) = &args.cloudflare_api {
        n.cloudflare_api = Some(
            launch_ready_core::settings::parse_cloudflare_api(url)
                .map_err(NetworkArgError::CloudflareApi)?,
        );
    } else if let Some(url) = &n.cloudflare_api {
        // A session's base is held to the same rule before the run starts, so a plain-http
        // remote base is a usage error rather than a token sent in the clear.
        launch_ready_core::settings::parse_cloudflare_api(url)
            .map_err(NetworkArgError::SessionCloudflareApi)?;
    }
    Ok(n)
}

/// Reads a session, named as `open` takes it (a name in the sessions folder, or a path),
/// for its targets, settings and answers. Read-only: the headless run never writes the
/// session, so it takes no lock and can run beside an open TUI.
pub fn load_session(name: &str) -> Result<Session, SessionArgError> {
    let path = launch_ready_core::session::list::resolve(name)?;
    Ok(launch_ready_core::session::store::read(&path)?)
}

/// Runs the plan to completion and builds the report. Must run inside a tokio runtime.
pub async fn run(plan: &Plan) -> Report {
    let started_at = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    let start = Instant::now();
    let (engine, mut events) = Engine::new();
    // Load checks are still in the plan only when --yes confirmed them.
    let planned = plan::jobs(plan.runbook.checks().map(|(_, c)| c), true);
    // (engine check id, runbook check id, parameters) in planning order.
    let mut order: Vec<(String, String, shared::Params)> = Vec::new();
    for (key, scope) in &plan.scopes {
        for job in &planned.jobs {
            let engine_id = format!("{key}/{}", job.check_id);
            order.push((engine_id.clone(), job.check_id.clone(), job.params.clone()));
            engine.run(
                Job {
                    check_id: engine_id,
                    ..job.clone()
                },
                scope.clone(),
            );
        }
    }
    let mut done: BTreeMap<String, Vec<CheckOutcome>> = BTreeMap::new();
    let waiting = order
        .iter()
        .map(|(engine_id, _, _)| engine_id.clone())
        .collect();
    drive::to_end(&mut events, waiting, |check_id, end, _| {
        let results = match end {
            Ended::Finished(evidence) => evidence.results,
            Ended::Cancelled => Vec::new(),
        };
        done.insert(check_id, results);
    })
    .await;
    // Every group's results land in the states of the runbook check they belong to, and
    // the verdict is the one the TUI computes over those states.
    let mut per_check: BTreeMap<String, Vec<CheckOutcome>> = BTreeMap::new();
    let mut ran = Vec::new();
    for (engine_id, check_id, params) in &order {
        let results = done.remove(engine_id).unwrap_or_default();
        per_check
            .entry(check_id.clone())
            .or_default()
            .extend(results.iter().cloned());
        // A family whose subject is absent from the given targets does not apply.
        ran.extend(
            results
                .into_iter()
                .filter(|o| {
                    !(o.target.is_empty()
                        && o.status == launch_ready_core::finding::CheckStatus::Skipped)
                })
                .map(|o| (params.clone(), o)),
        );
    }
    // Two checks sharing a run list it once.
    let mut outcomes = shared::fold(ran);
    let mut states = plan.states.clone();
    let now = OffsetDateTime::now_utc();
    for (check_id, results) in per_check {
        let evidence = launch_ready_checks::engine::runner::aggregate(results, start.elapsed());
        states.entry(check_id).or_default().record(evidence, now);
    }
    for (check_id, kind) in &planned.unavailable {
        outcomes.push(not_run(
            kind,
            format!(
                "{check_id}: {}",
                launch_ready_checks::engine::runner::NOT_AVAILABLE
            ),
        ));
    }
    // Left out for want of --yes: in the results too, so a JSON reader sees what was not
    // measured and why, not only a CI log's stderr.
    for (check_id, kind) in &plan.unconfirmed {
        outcomes.push(not_run(
            kind,
            format!(
                "{check_id}: not run, as it sends {}; pass --yes to run it",
                sends(kind.id)
            ),
        ));
    }
    let assessment = launch_ready_core::verdict::assess_states(&plan.judged, &states, now);
    let ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    Report::new(started_at, ms, &outcomes, &assessment)
}

/// What a confirm-gated kind sends, for the reason it was left out.
fn sends(kind: launch_ready_core::catalog::KindId) -> &'static str {
    use launch_ready_core::catalog::KindId;
    match kind {
        KindId::EdgeRateLimit => "a burst of requests to login routes",
        KindId::HttpPayloadLimit => "an oversized upload to write routes",
        _ => "load",
    }
}

/// A planned check that did not run, as a skipped result saying why.
fn not_run(kind: &launch_ready_core::catalog::CheckKind, summary: String) -> CheckOutcome {
    CheckOutcome {
        check: kind.name.to_string(),
        family: kind.family.as_str().to_string(),
        target: String::new(),
        status: launch_ready_core::finding::CheckStatus::Skipped,
        duration_ms: 0,
        summary,
        findings: Vec::new(),
        evidence: Default::default(),
        explained_by: None,
        needs_credential: None,
    }
}

/// Exit code for `report` under `fail_on`: 1 when the verdict is incomplete (something
/// asked for was not checked) unless `allow_incomplete`, whatever `fail_on` says; else 1
/// when a finding is at or above `fail_on` (a no-go counts when any threshold is set).
pub fn exit_code(report: &Report, fail_on: Option<Severity>, allow_incomplete: bool) -> u8 {
    if report.verdict == Verdict::Incomplete.as_str() && !allow_incomplete {
        return 1;
    }
    match (fail_on, report.worst()) {
        (Some(threshold), Some(worst)) if worst.at_least(threshold) => 1,
        (Some(_), _) if report.verdict == Verdict::NoGo.as_str() => 1,
        _ => 0,
    }
}
