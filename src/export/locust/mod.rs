//! `export locust`: a locustfile for load beyond one machine. The session's routes become
//! one user class's tasks and each flow a user class of its own whose iteration runs the
//! flow's steps in order; the runbook's budgets are the pass/fail rule checked when Locust
//! quits (p95 per route and per flow step, error rate overall), so a distributed run ends
//! with the same judgement `launch-ready load` makes. Routes, flows and budgets are
//! embedded as JSON in the file, so it runs alone; auth values and flow credentials come
//! from environment variables named in it.

pub mod flows;

use super::plan::route_budget;
use super::{ExportError, File};
use launch_ready_checks::engine::targets;
use launch_ready_core::evidence::Budgets;
use launch_ready_core::plan::Plan;
use serde_json::json;

const TEMPLATE: &str = include_str!("../../../assets/export/locustfile.py");

/// Virtual users when the runbook names none.
pub const DEFAULT_USERS: u32 = 10;

/// Seconds a request may take before Locust counts it failed (the product's own default).
const TIMEOUT_S: u64 = launch_ready_core::settings::DEFAULT_TIMEOUT_SECS;

/// Exit code of the locustfile when a variable a flow needs is not set.
pub const EXIT_UNSET: i32 = 2;

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
    let scenarios = flows::scenarios(t, base.as_deref(), &budgets);
    notes.extend(scenarios.notes.iter().cloned());
    if routes.is_empty() && scenarios.flows.is_empty() {
        notes.push(
            "the session has no routes and no flows: the locustfile has nothing to call".into(),
        );
    }
    let first_step = |f: &serde_json::Value| f["steps"][0]["url"].as_str().map(str::to_string);
    let host = base.clone().or_else(|| {
        routes
            .iter()
            .filter_map(|r| r["url"].as_str().map(str::to_string))
            .chain(scenarios.flows.iter().filter_map(first_step))
            .find_map(|u| {
                let u = reqwest::Url::parse(&u).ok()?;
                Some(u.origin().ascii_serialization())
            })
    });
    let mut variables: Vec<String> = t
        .routes
        .iter()
        .filter_map(|r| {
            let a = r.auth.as_ref()?;
            Some(format!(
                "{}  (the {} header of route `{}`; left out when unset)",
                crate::tui::executor::env_var_for(&a.credential),
                a.header,
                r.name
            ))
        })
        .collect();
    variables.extend(
        scenarios
            .needs
            .iter()
            .map(|n| format!("{}  ({}, read by the flows; required)", n.var, n.what)),
    );
    let users = plan
        .runbook
        .targets
        .concurrent_users
        .unwrap_or(DEFAULT_USERS);
    let data = json!({
        "host": host.unwrap_or_default(),
        "wait_s": [1, 3],
        "timeout_s": TIMEOUT_S,
        "exit_unset": EXIT_UNSET,
        "error_rate_pct": budgets.error_rate_pct,
        "routes": routes,
        "flows": scenarios.flows,
        "secrets": scenarios.secrets,
        "needs": scenarios.needs.iter().map(|n| json!({"var": n.var, "for": n.what})).collect::<Vec<_>>(),
    });
    // A JSON string literal is a valid Python one, escapes included.
    let literal = serde_json::to_string(&serde_json::to_string_pretty(&data).unwrap_or_default())
        .unwrap_or_default();
    // Names land in the file's docstring: no quote may close it, no backslash start an
    // escape.
    let one_line = |s: &str| s.replace(['\n', '\r', '"', '\\'], " ");
    let variable_lines = if variables.is_empty() {
        "    (none)".to_string()
    } else {
        variables
            .iter()
            .map(|v| format!("    {}", one_line(v)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let text = substitute(
        TEMPLATE,
        &[
            ("__PLAN_JSON__", literal),
            ("__CLIENT__", one_line(&plan.client)),
            ("__SESSION__", one_line(&plan.session)),
            ("__USERS__", users.to_string()),
            ("__VARIABLES__", variable_lines),
        ],
    );
    let flow_steps: Vec<String> = scenarios
        .flows
        .iter()
        .flat_map(|f| f["steps"].as_array().cloned().unwrap_or_default())
        .map(|s| {
            format!(
                "{} {} ms",
                s["name"].as_str().unwrap_or(""),
                s["p95_budget_ms"]
            )
        })
        .collect();
    let flows_part = if scenarios.flows.is_empty() {
        String::new()
    } else {
        format!(
            "\n\nEach flow is a user class of its own whose iteration sends the flow's steps in order, \
stopping at the first that fails, as `launch-ready smoke` does; each step is a row in Locust's stats \
named `flow › step`, judged at p95 ({flow_steps}). Locust shares the users evenly between the routes' \
class (when there are routes) and each flow's class. Set these variables first (the file stops with exit code {EXIT_UNSET} \
when one is missing, before any request):\n\n{vars}",
            flow_steps = flow_steps.join(", "),
            vars = scenarios
                .needs
                .iter()
                .map(|n| format!("- `{}`: {}", n.var, n.what))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    };
    let readme = format!(
        "# Load test for {client}\n\n\
`locustfile.py` calls the session's routes and judges the run against the runbook: p95 per route ({budgets}) and at most {err} % errors. It exits 0 within budget, 1 over it.{flows_part}\n\n\
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

/// `template` with each `__KEY__` replaced in one pass, so a value that happens to hold
/// another key is written as it is.
fn substitute(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some((at, key, value)) = values
        .iter()
        .filter_map(|(k, v)| rest.find(k).map(|at| (at, *k, v)))
        .min_by_key(|(at, _, _)| *at)
    {
        out.push_str(&rest[..at]);
        out.push_str(value);
        rest = &rest[at + key.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::session::Session;
    use launch_ready_lab::web::flows::{PASSWORD_CREDENTIAL, demo_password};

    fn demo_plan(client: &str) -> Plan {
        let runbook = crate::commands::runbooks::library()
            .resolve(crate::commands::demo::DEMO_RUNBOOK)
            .unwrap();
        let s = Session::new(
            "locust-unit",
            client,
            &runbook,
            launch_ready_lab::demo_targets(),
            time::OffsetDateTime::now_utc(),
        );
        super::super::plan::build(&s, &runbook.runbook, false)
    }

    /// The JSON the file embeds, read back as the file reads it.
    fn embedded(file: &str) -> serde_json::Value {
        let line = file
            .lines()
            .find_map(|l| l.strip_prefix("PLAN = json.loads("))
            .expect("the plan line");
        let literal: String = serde_json::from_str(line.strip_suffix(')').unwrap()).unwrap();
        serde_json::from_str(&literal).unwrap()
    }

    #[test]
    fn the_flows_travel_as_json_and_only_variable_names_are_written() {
        // The password is at hand in this process, as on the machine that ran the sprint.
        launch_ready_checks::credentials::remember(
            "locust-unit",
            PASSWORD_CREDENTIAL,
            &demo_password(),
        );
        let out = export(&demo_plan("Brightdesk")).unwrap();
        let file = &out.files[0].text;
        let readme = &out.files[1].text;
        let var = crate::tui::executor::env_var_for(PASSWORD_CREDENTIAL);
        for text in [file, readme] {
            assert!(!text.contains(&demo_password()));
            assert!(text.contains(&var), "{text}");
        }
        let plan = embedded(file);
        assert_eq!(plan["secrets"][PASSWORD_CREDENTIAL], var.as_str());
        assert_eq!(plan["needs"][0]["var"], var.as_str());
        let steps = plan["flows"][0]["steps"].as_array().unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0]["name"], "log in then protected route › log in");
        assert_eq!(
            steps[0]["body"]["fields"][1],
            serde_json::json!(["password", format!("{{{{secret:{PASSWORD_CREDENTIAL}}}}}")])
        );
        assert_eq!(steps[0]["capture"][0]["from"], "cookie");
        assert_eq!(steps[1]["expect"]["json"][0]["pointer"], "/email");
        assert_eq!(plan["routes"].as_array().unwrap().len(), 5);
        assert!(readme.contains("log in then protected route › protected route"));
    }

    #[test]
    fn names_cannot_break_out_of_the_files_docstring() {
        let out = export(&demo_plan("Acme \"\"\" \\N{x} __PLAN_JSON__")).unwrap();
        let file = &out.files[0].text;
        let doc_end = file.find("\"\"\"\n").unwrap();
        assert!(!file[..doc_end].contains('\\'), "{file}");
        assert_eq!(file.matches("PLAN = json.loads(").count(), 1);
        // The one-pass substitution leaves a key inside a value alone.
        assert!(file[..doc_end].contains("__PLAN_JSON__"));
        embedded(file);
    }

    #[test]
    fn substitution_is_one_pass() {
        let s = substitute(
            "a __X__ b __Y__",
            &[("__X__", "__Y__".into()), ("__Y__", "y".into())],
        );
        assert_eq!(s, "a __Y__ b y");
    }
}
