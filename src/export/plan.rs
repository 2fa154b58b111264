//! Building a plan from a session: its targets, the URLs its monitor probes (with what
//! counts as up and the probe budget), its alert routes and credential names, and the
//! runbook's numbers. The session's notes, answers, evidence and journal stay behind.

use launch_ready_checks::engine::targets;
use launch_ready_core::catalog::Subject;
use launch_ready_core::evidence::Budgets;
use launch_ready_core::plan::{AlertRoute, Monitored, PLAN_VERSION, Plan, PlanRunbook};
use launch_ready_core::runbook::Runbook;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{Route, RouteBudget};

/// The plan of `session`, following `runbook`; its network settings only when asked.
pub fn build(session: &Session, runbook: &Runbook, with_network: bool) -> Plan {
    let t = &session.targets;
    let budgets = Budgets::from_targets(&runbook.targets);
    let base = targets::canonical_host(t).map(|h| format!("https://{h}"));
    let route_at = |url: &str| -> Option<&Route> {
        t.routes
            .iter()
            .find(|r| targets::route_url(&r.path, base.as_deref()).as_deref() == Some(url))
    };
    let monitored = targets::expand(Subject::Page, t)
        .into_iter()
        .map(|target| {
            let host = reqwest::Url::parse(&target.name)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            Monitored {
                protected: t.is_protected(&host),
                budget_ms: route_at(&target.name)
                    .map_or(budgets.p95_read_ms, |r| route_budget(r, &budgets)),
                url: target.name,
            }
        })
        .collect();
    // The routes in escalation order; a session that names none alerts through the default
    // webhook credential, as the monitor does.
    let mut alert_routes = t.routes();
    if alert_routes.is_empty() {
        alert_routes.push(AlertRoute::Webhook {
            credential: launch_ready_checks::monitor::alert::CREDENTIAL.to_string(),
        });
    }
    let mut credentials: Vec<String> = session.credentials.clone();
    credentials.extend(alert_routes.iter().map(|r| r.credential().to_string()));
    // The credentials the runbook's check kinds read (a Cloudflare token, the alert hook).
    credentials.extend(
        runbook
            .checks()
            .filter_map(|(_, c)| c.run.kind())
            .flat_map(|k| k.profile.credentials.iter().map(|c| (*c).to_string())),
    );
    credentials.extend(
        t.routes
            .iter()
            .filter_map(|r| r.auth.as_ref().map(|a| a.credential.clone())),
    );
    // The secrets the flows name (`{{secret:NAME}}`): `smoke --plan` reads them.
    credentials.extend(t.flows.iter().flat_map(|f| f.secrets()));
    credentials.sort();
    credentials.dedup();
    Plan {
        version: PLAN_VERSION,
        session: session.name.clone(),
        client: session.client.clone(),
        runbook: PlanRunbook {
            id: session.runbook.id.clone(),
            path: session.runbook.path.clone(),
            targets: runbook.targets.clone(),
        },
        targets: t.clone(),
        monitored,
        alert_routes,
        credentials,
        network: with_network.then(|| session.network.clone()),
    }
}

/// The p95 budget a route is judged against: its own, else read or write by its budget
/// or, when it names none, by its method.
pub fn route_budget(r: &Route, budgets: &Budgets) -> u32 {
    match r.budget {
        Some(RouteBudget::P95Ms(ms)) => ms,
        Some(RouteBudget::Read) => budgets.p95_read_ms,
        Some(RouteBudget::Write) => budgets.p95_write_ms,
        None if is_read(&r.method) => budgets.p95_read_ms,
        None => budgets.p95_write_ms,
    }
}

fn is_read(method: &str) -> bool {
    matches!(
        method.trim().to_ascii_uppercase().as_str(),
        "GET" | "HEAD" | "OPTIONS"
    )
}
