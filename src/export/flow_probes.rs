//! Which steps of the session's flows the blackbox exporter can probe. It sends one
//! request per probe, with no cookies kept and no value carried from an answer to the
//! next request, so only a flow's first step can be expressed, and only when it needs no
//! credential or captured value and asks nothing a blackbox module cannot check (a JSON
//! value). Every other step is named with the reason; `launch-ready smoke` (the CI
//! export's smoke job) and `launch-ready monitor` run whole flows.

use launch_ready_checks::engine::targets;
use launch_ready_checks::smoke::exchange::{BuildError, Request};
use launch_ready_core::flow::Flow;
use launch_ready_core::plan::Plan;

/// One flow step as a blackbox http probe.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowProbe {
    /// `flow:NAME`, as the product's monitor names the flow.
    pub instance: String,
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// Statuses that pass the step.
    pub statuses: Vec<u16>,
    /// Texts the body must contain.
    pub contains: Vec<String>,
}

/// The probes, and a note for every flow that is not wholly one.
pub fn flow_probes(plan: &Plan) -> (Vec<FlowProbe>, Vec<String>) {
    let base = targets::canonical_host(&plan.targets).map(|h| format!("https://{h}"));
    let mut probes = Vec::new();
    let mut notes = Vec::new();
    for flow in &plan.targets.flows {
        match first_step(flow, base.as_deref()) {
            Ok(p) => {
                probes.push(p);
                if flow.steps.len() > 1 {
                    notes.push(format!(
                        "flow `{}`: only step 1 is probed; steps 2–{} need what earlier steps set (cookies, captured values), which a blackbox probe cannot carry: `launch-ready smoke` runs the whole flow",
                        flow.name,
                        flow.steps.len()
                    ));
                }
            }
            Err(why) => notes.push(format!(
                "flow `{}` is not probed by the blackbox exporter: step 1 {why}; `launch-ready smoke` runs it",
                flow.name
            )),
        }
    }
    (probes, notes)
}

fn first_step(flow: &Flow, base: Option<&str>) -> Result<FlowProbe, String> {
    let step = flow.steps.first().ok_or("is missing")?;
    if !step.expect.json.is_empty() {
        return Err("checks a JSON value, which a blackbox module cannot".into());
    }
    // Built with no values at all: a step naming a credential or a capture fails here.
    let request = Request::build(step, base, |_| None).map_err(|e| match e {
        BuildError::Missing(_) => {
            "needs a credential or a value captured earlier, which a probe cannot fill".to_string()
        }
        other => format!("cannot be sent as written ({other})"),
    })?;
    let headers = request
        .headers
        .iter()
        .map(|(k, v)| {
            Ok((
                k.to_string(),
                v.to_str().map_err(|_| "has a binary header")?.to_string(),
            ))
        })
        .collect::<Result<Vec<_>, &str>>()?;
    let mut headers = headers;
    let body = match request.body {
        Some((content_type, bytes)) => {
            headers.push(("Content-Type".into(), content_type));
            Some(String::from_utf8(bytes).map_err(|_| "has a binary body")?)
        }
        None => None,
    };
    let statuses = if step.expect.status.is_empty() {
        (200..=208).chain([226]).chain(300..=308).collect()
    } else {
        step.expect.status.clone()
    };
    Ok(FlowProbe {
        instance: format!("flow:{}", flow.name),
        method: request.method.to_string(),
        url: request.url.to_string(),
        headers,
        body,
        statuses,
        contains: step.expect.contains.clone(),
    })
}

/// `text` as an RE2 pattern matching it literally.
pub fn literal_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::flow::{Body, Expect, Step};

    fn plan(flows: Vec<Flow>) -> Plan {
        let mut p = crate::export::test_plan::bare();
        p.targets
            .hosts
            .push(launch_ready_core::session::model::HostTarget {
                role: "www".into(),
                host: "www.acme.test".into(),
                protected: false,
            });
        p.targets.flows = flows;
        p
    }

    #[test]
    fn only_a_first_step_that_needs_nothing_is_probed_and_the_rest_is_named() {
        let sign_up = Flow {
            name: "sign up".into(),
            steps: vec![
                Step {
                    method: "POST".into(),
                    body: Some(Body::Form(vec![("email".into(), "probe@acme.test".into())])),
                    expect: Expect {
                        status: vec![201],
                        contains: vec!["Thanks (really)".into()],
                        json: Vec::new(),
                    },
                    ..Step::get("/signup")
                },
                Step::get("/welcome"),
            ],
        };
        let login = Flow {
            name: "login".into(),
            steps: vec![Step {
                method: "POST".into(),
                body: Some(Body::Form(vec![(
                    "password".into(),
                    "{{secret:pw}}".into(),
                )])),
                ..Step::get("/login")
            }],
        };
        let (probes, notes) = flow_probes(&plan(vec![sign_up, login]));
        assert_eq!(probes.len(), 1);
        let p = &probes[0];
        assert_eq!(p.instance, "flow:sign up");
        assert_eq!(p.url, "https://www.acme.test/signup");
        assert_eq!(p.method, "POST");
        assert_eq!(p.body.as_deref(), Some("email=probe%40acme.test"));
        assert!(p.headers.contains(&(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into()
        )));
        assert_eq!(p.statuses, [201]);
        assert_eq!(literal_pattern(&p.contains[0]), "Thanks \\(really\\)");
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("only step 1") && notes[0].contains("steps 2–2"));
        assert!(
            notes[1].contains("`login` is not probed") && notes[1].contains("needs a credential"),
            "{notes:?}"
        );
    }
}
