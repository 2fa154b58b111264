//! Which steps of the session's flows the blackbox exporter can probe. It sends one
//! request per probe, with no cookies kept and no value carried from an answer to the
//! next request, so only a flow's first step can be expressed, and only when it is a read
//! (GET or HEAD: a probe repeats forever), needs no credential or captured value and asks
//! nothing a blackbox module cannot check (a JSON value). Every other step is named with the reason; `launch-ready smoke` (the CI
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
    flow.validate()
        .map_err(|e| format!("cannot run as written ({e})"))?;
    let step = flow.steps.first().ok_or("is missing")?;
    // A probe repeats forever: only a read, never a sign-up or an order every minute.
    if !matches!(
        step.method.trim().to_ascii_uppercase().as_str(),
        "GET" | "HEAD"
    ) {
        return Err(format!(
            "is a {} that a probe would repeat every interval",
            step.method.trim().to_ascii_uppercase()
        ));
    }
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
        launch_ready_core::plan::success_statuses()
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
    use launch_ready_core::flow::{Body, Expect, Header, Step};

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
    fn only_a_first_step_that_reads_and_needs_nothing_is_probed_and_the_rest_is_named() {
        let sign_up_page = Flow {
            name: "sign up".into(),
            steps: vec![
                Step {
                    headers: vec![Header {
                        name: "Accept".into(),
                        value: "text/html".into(),
                    }],
                    expect: Expect {
                        status: vec![200],
                        contains: vec!["Join (free)".into()],
                        json: Vec::new(),
                    },
                    ..Step::get("/signup")
                },
                Step {
                    method: "POST".into(),
                    body: Some(Body::Form(vec![("email".into(), "a@acme.test".into())])),
                    ..Step::get("/signup")
                },
            ],
        };
        let order = Flow {
            name: "order".into(),
            steps: vec![Step {
                method: "POST".into(),
                body: Some(Body::Form(vec![("sku".into(), "1".into())])),
                ..Step::get("/orders")
            }],
        };
        let account = Flow {
            name: "account".into(),
            steps: vec![Step {
                headers: vec![Header {
                    name: "Authorization".into(),
                    value: "Bearer {{secret:api-token}}".into(),
                }],
                ..Step::get("/account")
            }],
        };
        let (probes, notes) = flow_probes(&plan(vec![sign_up_page, order, account]));
        assert_eq!(probes.len(), 1);
        let p = &probes[0];
        assert_eq!(p.instance, "flow:sign up");
        assert_eq!(p.url, "https://www.acme.test/signup");
        assert_eq!(p.method, "GET");
        assert_eq!(p.body, None);
        assert!(
            p.headers.contains(&("accept".into(), "text/html".into())),
            "{:?}",
            p.headers
        );
        assert_eq!(p.statuses, [200]);
        assert_eq!(literal_pattern(&p.contains[0]), "Join \\(free\\)");
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(notes[0].contains("only step 1") && notes[0].contains("steps 2–2"));
        assert!(
            notes[1].contains("`order` is not probed") && notes[1].contains("a POST"),
            "{notes:?}"
        );
        assert!(
            notes[2].contains("`account` is not probed") && notes[2].contains("needs a credential"),
            "{notes:?}"
        );
    }
}
