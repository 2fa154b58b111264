//! The session's flows as the locustfile's scenarios: each flow's steps with their
//! placeholders left as written (the file fills them at run time, from earlier answers
//! and from environment variables), what each answer must show, what it captures and the
//! p95 budget its row in Locust's stats is judged against. Only variable names leave
//! here: the values stay in the keyring and the environment.

use super::super::plan::route_budget;
use launch_ready_checks::engine::targets;
use launch_ready_core::evidence::Budgets;
use launch_ready_core::flow::template::{self, Var};
use launch_ready_core::flow::{Body, Flow, Source, Step};
use launch_ready_core::session::model::{Route, Targets};
use serde_json::{Value, json};

/// Separates a flow's name from a step's label in the request names Locust shows.
pub const NAME_SEPARATOR: &str = " › ";

/// An environment variable a flow reads, and what it stands for (for the file's header
/// and the message when it is not set).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Needed {
    pub var: String,
    pub what: String,
}

/// The flows as the locustfile's JSON, the variables they need and notes on flows left
/// out.
pub struct Scenarios {
    pub flows: Vec<Value>,
    /// Credential name → the variable holding its value.
    pub secrets: serde_json::Map<String, Value>,
    pub needs: Vec<Needed>,
    pub notes: Vec<String>,
}

pub fn scenarios(t: &Targets, base: Option<&str>, budgets: &Budgets) -> Scenarios {
    let mut out = Scenarios {
        flows: Vec::new(),
        secrets: serde_json::Map::new(),
        needs: Vec::new(),
        notes: Vec::new(),
    };
    for (i, flow) in t.flows.iter().enumerate() {
        if let Err(e) = flow.validate() {
            out.notes.push(format!("{e}: left out of the locustfile"));
            continue;
        }
        for name in flow.secrets() {
            let var = crate::tui::executor::env_var_for(&name);
            out.secrets.insert(name.clone(), json!(var));
            push_need(&mut out.needs, var, format!("credential `{name}`"));
        }
        for name in env_names(flow) {
            push_need(
                &mut out.needs,
                name.clone(),
                format!("`{{{{env:{name}}}}}`"),
            );
        }
        out.flows.push(json!({
            "name": flow.name,
            "class": class_name(i, &flow.name),
            "steps": steps(flow, t, base, budgets),
        }));
    }
    out.needs.sort();
    out
}

fn push_need(needs: &mut Vec<Needed>, var: String, what: String) {
    if !needs.iter().any(|n| n.var == var) {
        needs.push(Needed { var, what });
    }
}

/// The `{{env:NAME}}` names of `flow`, in order of use.
fn env_names(flow: &Flow) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for step in &flow.steps {
        for text in step.templates() {
            let Ok(pieces) = template::parse(text) else {
                continue;
            };
            for v in template::vars(&pieces) {
                if let Var::Env(n) = v
                    && !out.contains(n)
                {
                    out.push(n.clone());
                }
            }
        }
    }
    out
}

/// A Python identifier for the flow's user class, unique by its index.
fn class_name(index: usize, name: &str) -> String {
    let words: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("Flow{}_{}", index + 1, words.trim_matches('_'))
}

fn steps(flow: &Flow, t: &Targets, base: Option<&str>, budgets: &Budgets) -> Vec<Value> {
    let mut names: Vec<String> = Vec::new();
    flow.steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let mut name = format!("{}{NAME_SEPARATOR}{}", flow.name, step.label());
            // Two steps with one label would share a row in Locust's stats.
            if names.contains(&name) {
                name = format!("{name} (step {})", i + 1);
            }
            names.push(name.clone());
            json!({
                "name": name,
                "method": step.method.trim().to_ascii_uppercase(),
                "url": step.url.trim(),
                "headers": step.headers.iter().map(|h| json!([h.name.trim(), h.value])).collect::<Vec<_>>(),
                "body": body(step.body.as_ref()),
                "expect": {
                    "status": step.expect.status,
                    "contains": step.expect.contains,
                    "json": step.expect.json.iter().map(|j| json!({"pointer": j.pointer, "equals": j.equals})).collect::<Vec<_>>(),
                },
                "capture": step.capture.iter().map(|c| {
                    let (from, key) = source(&c.from);
                    json!({"name": c.name, "from": from, "key": key})
                }).collect::<Vec<_>>(),
                "p95_budget_ms": step_budget(step, t, base, budgets),
            })
        })
        .collect()
}

fn body(b: Option<&Body>) -> Value {
    match b {
        None => Value::Null,
        Some(Body::Raw { content_type, text }) => {
            json!({"kind": "raw", "content_type": content_type, "text": text})
        }
        Some(Body::Form(fields)) => json!({"kind": "form", "fields": fields}),
        Some(Body::Json(doc)) => json!({"kind": "json", "doc": doc}),
    }
}

fn source(s: &Source) -> (&'static str, &str) {
    match s {
        Source::Cookie(n) => ("cookie", n),
        Source::Header(n) => ("header", n),
        Source::Json(p) => ("json", p),
        Source::FormInput(n) => ("form_input", n),
    }
}

/// The budget of the session route the step calls (same URL, written without
/// placeholders), else the runbook's read or write budget by the step's method.
fn step_budget(step: &Step, t: &Targets, base: Option<&str>, budgets: &Budgets) -> u32 {
    let url = (!step.url.contains("{{"))
        .then(|| targets::route_url(step.url.trim(), base))
        .flatten();
    let route = url.and_then(|u| {
        t.routes
            .iter()
            .find(|r| targets::route_url(&r.path, base).as_deref() == Some(u.as_str()))
    });
    match route {
        Some(r) => route_budget(r, budgets),
        None => route_budget(
            &Route {
                method: step.method.clone(),
                ..Route::default()
            },
            budgets,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::flow::{Capture, Expect, Header};
    use launch_ready_core::session::model::RouteBudget;

    fn budgets() -> Budgets {
        Budgets::from_targets(&Default::default())
    }

    fn flow() -> Flow {
        Flow {
            name: "checkout".into(),
            steps: vec![
                Step {
                    name: "sign in".into(),
                    method: "post".into(),
                    body: Some(Body::Json(
                        json!({"user": "{{env:SHOP_USER}}", "pw": "{{secret:shop-pw}}"}),
                    )),
                    capture: vec![Capture {
                        name: "token".into(),
                        from: Source::Json("/token".into()),
                    }],
                    ..Step::get("/api/login")
                },
                Step {
                    headers: vec![Header {
                        name: "authorization".into(),
                        value: "Bearer {{token}}".into(),
                    }],
                    expect: Expect {
                        status: vec![200],
                        ..Expect::default()
                    },
                    ..Step::get("/api/cart")
                },
                Step {
                    name: "sign in".into(),
                    ..Step::get("/api/cart")
                },
            ],
        }
    }

    #[test]
    fn steps_keep_their_placeholders_and_name_their_variables() {
        let t = Targets {
            flows: vec![flow()],
            routes: vec![Route {
                name: "cart".into(),
                path: "/api/cart".into(),
                method: "GET".into(),
                budget: Some(RouteBudget::P95Ms(123)),
                ..Route::default()
            }],
            ..Targets::default()
        };
        let s = scenarios(&t, Some("https://shop.test"), &budgets());
        assert!(s.notes.is_empty(), "{:?}", s.notes);
        assert_eq!(s.secrets["shop-pw"], "LAUNCH_READY_CREDENTIAL_SHOP_PW");
        let vars: Vec<&str> = s.needs.iter().map(|n| n.var.as_str()).collect();
        assert_eq!(vars, ["LAUNCH_READY_CREDENTIAL_SHOP_PW", "SHOP_USER"]);
        let f = &s.flows[0];
        assert_eq!(f["class"], "Flow1_checkout");
        let steps = f["steps"].as_array().unwrap();
        assert_eq!(steps[0]["name"], "checkout › sign in");
        assert_eq!(steps[0]["method"], "POST");
        assert_eq!(steps[0]["body"]["doc"]["pw"], "{{secret:shop-pw}}");
        assert_eq!(
            steps[0]["capture"][0],
            json!({"name": "token", "from": "json", "key": "/token"})
        );
        assert_eq!(steps[1]["name"], "checkout › GET /api/cart");
        assert_eq!(steps[1]["headers"][0][1], "Bearer {{token}}");
        // The route's own budget for the URL it calls; the runbook's by method otherwise.
        assert_eq!(steps[1]["p95_budget_ms"], 123);
        assert_eq!(steps[0]["p95_budget_ms"], budgets().p95_write_ms);
        assert_eq!(steps[2]["name"], "checkout › sign in (step 3)");
    }

    #[test]
    fn a_flow_that_cannot_run_is_left_out_with_a_note() {
        let mut bad = flow();
        bad.steps.swap(0, 1);
        let t = Targets {
            flows: vec![bad],
            ..Targets::default()
        };
        let s = scenarios(&t, None, &budgets());
        assert!(s.flows.is_empty() && s.needs.is_empty());
        assert!(s.notes[0].contains("{{token}}"), "{:?}", s.notes);
    }
}
