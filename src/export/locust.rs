//! `export locust`: a locustfile for load beyond one machine. The session's routes become
//! the users' tasks and the runbook's budgets the pass/fail rule checked when Locust quits
//! (p95 per route, error rate overall), so a distributed run ends with the same judgement
//! `launch-ready load` makes. The routes and budgets are embedded as JSON in the file, so
//! it runs alone; auth values come from environment variables named in it.

use super::plan::route_budget;
use super::{ExportError, File};
use launch_ready_checks::engine::targets;
use launch_ready_core::evidence::Budgets;
use launch_ready_core::plan::Plan;
use serde_json::json;

const TEMPLATE: &str = include_str!("../../assets/export/locustfile.py");

/// Virtual users when the runbook names none.
pub const DEFAULT_USERS: u32 = 10;

pub fn export(plan: &Plan) -> Result<super::Export, ExportError> {
    let t = &plan.targets;
    let budgets = Budgets::from_targets(&plan.runbook.targets);
    let base = targets::canonical_host(t).map(|h| format!("https://{h}"));
    let mut notes = Vec::new();
    let routes: Vec<serde_json::Value> = t
        .routes
        .iter()
        .filter_map(|r| {
            let url = targets::route_url(&r.path, base.as_deref());
            if url.is_none() {
                notes.push(format!("route `{}` has no host to call: left out", r.name));
            }
            let auth = r.auth.as_ref().map(|a| {
                json!({"header": a.header, "env": crate::tui::executor::env_var_for(&a.credential)})
            });
            Some(json!({
                "name": if r.name.is_empty() { r.path.clone() } else { r.name.clone() },
                "method": r.method.trim().to_ascii_uppercase(),
                "url": url?,
                "headers": r.headers.iter().map(|h| (h.name.clone(), json!(h.value))).collect::<serde_json::Map<_, _>>(),
                "body": r.body,
                "auth": auth,
                "p95_budget_ms": route_budget(r, &budgets),
            }))
        })
        .collect();
    if routes.is_empty() {
        notes.push("the session has no routes: the locustfile has nothing to call".into());
    }
    let host = base.clone().or_else(|| {
        routes.first().and_then(|r| {
            let u = reqwest::Url::parse(r["url"].as_str()?).ok()?;
            Some(u.origin().ascii_serialization())
        })
    });
    let users = plan
        .runbook
        .targets
        .concurrent_users
        .unwrap_or(DEFAULT_USERS);
    let data = json!({
        "host": host.unwrap_or_default(),
        "wait_s": [1, 3],
        "error_rate_pct": budgets.error_rate_pct,
        "routes": routes,
    });
    // A JSON string literal is a valid Python one, escapes included.
    let literal = serde_json::to_string(&serde_json::to_string_pretty(&data).unwrap_or_default())
        .unwrap_or_default();
    let one_line = |s: &str| s.replace(['\n', '\r', '"'], " ");
    let text = TEMPLATE
        .replace("__PLAN_JSON__", &literal)
        .replace("__CLIENT__", &one_line(&plan.client))
        .replace("__SESSION__", &one_line(&plan.session))
        .replace("__USERS__", &users.to_string());
    let readme = format!(
        "# Load test for {client}\n\n\
`locustfile.py` calls the session's routes and judges the run against the runbook: p95 per route ({budgets}) and at most {err} % errors. It exits 0 within budget, 1 over it.\n\n\
```sh\npip install locust\nlocust -f locustfile.py --headless -u {users} -r {users} -t 5m --csv results\n```\n\n\
For more than one machine, start `locust -f locustfile.py --master` here and `locust -f locustfile.py --worker --master-host HOST` on each load machine.\n",
        client = plan.client,
        budgets = if t.routes.is_empty() {
            "no routes".to_string()
        } else {
            t.routes
                .iter()
                .map(|r| format!("{} {} ms", r.name, route_budget(r, &budgets)))
                .collect::<Vec<_>>()
                .join(", ")
        },
        err = budgets.error_rate_pct,
    );
    Ok(super::Export {
        files: vec![
            File::new("locustfile.py", text),
            File::new("LOCUST.md", readme),
        ],
        notes,
    })
}
