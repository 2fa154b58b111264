//! Flows: short scripted visits (log in, open a protected page, send a form) that prove the
//! deployed product still works end to end. A flow is data in the session file, so the
//! TUI, `check` and `smoke` all run the same steps; running them is the checks layer's
//! business (`launch_ready_checks::smoke`).
//!
//! Credentials are never part of a flow: a step names them in a placeholder
//! (`{{secret:NAME}}` for a keyring credential, `{{env:NAME}}` for an environment
//! variable), and the runner reads the value when the step goes out. Values a step
//! captures (a token, a CSRF field) are named placeholders too (`{{token}}`), so the file
//! holds only the recipe, never what a run saw.

pub mod template;

use serde::{Deserialize, Serialize};

/// Most steps a flow may have: a smoke flow is a few requests, and the bound keeps one
/// flow inside its check's budget.
pub const MAX_STEPS: usize = 20;

/// A named sequence of requests run in order, stopping at the first that fails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    pub name: String,
    pub steps: Vec<Step>,
}

/// One request of a flow and what its answer must show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What the step does, in words ("log in"); the method and URL when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default = "default_method")]
    pub method: String,
    /// A full URL, or a path on the session's canonical host; may hold placeholders.
    pub url: String,
    /// Extra request headers; values may hold placeholders (`Bearer {{token}}`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<Header>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    #[serde(default, skip_serializing_if = "Expect::is_default")]
    pub expect: Expect,
    /// Values read from the answer for later steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capture: Vec<Capture>,
}

fn default_method() -> String {
    "GET".into()
}

impl Step {
    /// A GET of `url` expecting any 2xx or 3xx.
    pub fn get(url: impl Into<String>) -> Step {
        Step {
            name: String::new(),
            method: default_method(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
            expect: Expect::default(),
            capture: Vec::new(),
        }
    }

    /// The step's name, or `METHOD URL` when it has none.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            format!("{} {}", self.method.to_ascii_uppercase(), self.url)
        } else {
            self.name.clone()
        }
    }
}

/// One request header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// A request body; every string may hold placeholders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Body {
    /// Sent as written, with this content type (`text/plain` when absent).
    Raw {
        #[serde(default)]
        content_type: Option<String>,
        text: String,
    },
    /// `application/x-www-form-urlencoded` fields, in order.
    Form(Vec<(String, String)>),
    /// A JSON document; placeholders are filled in its strings.
    Json(serde_json::Value),
}

/// What the answer must show for the step to pass.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Accepted statuses; any 2xx or 3xx when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<u16>,
    /// Texts the body must contain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contains: Vec<String>,
    /// JSON values the body must hold, by JSON pointer (`/user/email`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub json: Vec<JsonEquals>,
}

impl Expect {
    pub fn is_default(&self) -> bool {
        *self == Expect::default()
    }

    /// Whether `status` is one the step accepts.
    pub fn accepts(&self, status: u16) -> bool {
        if self.status.is_empty() {
            (200..400).contains(&status)
        } else {
            self.status.contains(&status)
        }
    }
}

/// A JSON pointer and the value found there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonEquals {
    pub pointer: String,
    pub equals: serde_json::Value,
}

/// A value kept from an answer under `name`, for `{{name}}` in later steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capture {
    pub name: String,
    pub from: Source,
}

/// Where a captured value is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// A cookie the answer set (the flow's cookie jar sends it on anyway).
    Cookie(String),
    /// A response header.
    Header(String),
    /// A JSON pointer into the body (`/token`).
    Json(String),
    /// The value of the HTML form input with this name (a CSRF token).
    FormInput(String),
}

/// Why a flow cannot be run as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    #[error("a flow needs a name")]
    NoName,
    #[error("flow `{0}` has no steps")]
    NoSteps(String),
    #[error("flow `{flow}` has {count} steps; at most {MAX_STEPS} are run")]
    TooManySteps { flow: String, count: usize },
    #[error("flow `{flow}`, step {step}: {reason}")]
    Step {
        flow: String,
        step: usize,
        reason: String,
    },
}

impl Flow {
    /// Checks what can be checked before a run: names, step count, placeholders, and that
    /// each `{{name}}` is captured by an earlier step.
    pub fn validate(&self) -> Result<(), FlowError> {
        if self.name.trim().is_empty() {
            return Err(FlowError::NoName);
        }
        if self.steps.is_empty() {
            return Err(FlowError::NoSteps(self.name.clone()));
        }
        if self.steps.len() > MAX_STEPS {
            return Err(FlowError::TooManySteps {
                flow: self.name.clone(),
                count: self.steps.len(),
            });
        }
        let mut captured: Vec<&str> = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            let err = |reason: String| FlowError::Step {
                flow: self.name.clone(),
                step: i + 1,
                reason,
            };
            if step.url.trim().is_empty() {
                return Err(err("the URL is empty".into()));
            }
            for text in step.templates() {
                let pieces = template::parse(text).map_err(|e| err(e.to_string()))?;
                for v in template::vars(&pieces) {
                    if let template::Var::Capture(name) = v
                        && !captured.contains(&name.as_str())
                    {
                        return Err(err(format!(
                            "`{{{{{name}}}}}` is not captured by an earlier step"
                        )));
                    }
                }
            }
            if let Some(field) = step.literal_secret() {
                return Err(err(format!(
                    "`{field}` holds a secret as written; name a credential instead, as \
                     {{{{secret:NAME}}}} or {{{{env:NAME}}}}, so the session file never holds it"
                )));
            }
            for c in &step.capture {
                if !template::is_name(&c.name) {
                    return Err(err(format!(
                        "capture name `{}` must be letters, digits, `-`, `_` or `.`",
                        c.name
                    )));
                }
                captured.push(&c.name);
            }
        }
        Ok(())
    }

    /// Names of every keyring credential the flow reads.
    pub fn secrets(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for step in &self.steps {
            for text in step.templates() {
                let Ok(pieces) = template::parse(text) else {
                    continue;
                };
                for v in template::vars(&pieces) {
                    if let template::Var::Secret(n) = v
                        && !out.contains(n)
                    {
                        out.push(n.clone());
                    }
                }
            }
        }
        out
    }
}

impl Flow {
    /// One line for lists: the name and each step's method and URL.
    pub fn summary(&self) -> String {
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(|s| format!("{} {}", s.method.to_ascii_uppercase(), s.url))
            .collect();
        format!("{}: {}", self.name, steps.join(" → "))
    }
}

/// Names of fields and headers whose value is a credential.
fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "password", "passwd", "secret", "token", "api-key", "api_key", "apikey",
    ]
    .iter()
    .any(|w| k.contains(w))
        || matches!(
            k.as_str(),
            "authorization" | "proxy-authorization" | "cookie"
        )
}

impl Step {
    /// The first form field, JSON key or header that looks like a credential and holds a
    /// literal value rather than a placeholder: typed there, it would be saved in the
    /// session file.
    pub fn literal_secret(&self) -> Option<String> {
        let literal = |v: &str| !v.trim().is_empty() && !v.contains("{{");
        for h in &self.headers {
            if is_secret_key(&h.name) && literal(&h.value) {
                return Some(h.name.clone());
            }
        }
        match &self.body {
            Some(Body::Form(fields)) => fields
                .iter()
                .find(|(k, v)| is_secret_key(k) && literal(v))
                .map(|(k, _)| k.clone()),
            Some(Body::Json(v)) => json_secret(v, &literal),
            _ => None,
        }
    }

    /// Every text of the step that may hold placeholders.
    pub fn templates(&self) -> Vec<&str> {
        let mut out = vec![self.url.as_str()];
        out.extend(self.headers.iter().map(|h| h.value.as_str()));
        match &self.body {
            Some(Body::Raw { text, .. }) => out.push(text),
            Some(Body::Form(fields)) => out.extend(fields.iter().map(|(_, v)| v.as_str())),
            Some(Body::Json(v)) => json_strings(v, &mut out),
            None => {}
        }
        out
    }
}

fn json_secret(v: &serde_json::Value, literal: &impl Fn(&str) -> bool) -> Option<String> {
    match v {
        serde_json::Value::Object(m) => m.iter().find_map(|(k, x)| match x {
            serde_json::Value::String(s) if is_secret_key(k) && literal(s) => Some(k.clone()),
            other => json_secret(other, literal),
        }),
        serde_json::Value::Array(a) => a.iter().find_map(|x| json_secret(x, literal)),
        _ => None,
    }
}

fn json_strings<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match v {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| json_strings(x, out)),
        _ => {}
    }
}

/// The flow runbooks offer for "log in, then open a protected route": a form login with
/// the `smoke-user` and `smoke-password` credentials, then a GET of the route that must
/// answer 200 only to a signed-in visitor. Paths are the common ones; the Targets screen
/// edits them for the product at hand.
pub fn login_then_protected(login: &str, protected: &str) -> Flow {
    Flow {
        name: "log in then protected route".into(),
        steps: vec![
            Step {
                name: "log in".into(),
                method: "POST".into(),
                body: Some(Body::Form(vec![
                    ("email".into(), "{{secret:smoke-user}}".into()),
                    ("password".into(), "{{secret:smoke-password}}".into()),
                ])),
                expect: Expect {
                    status: vec![200, 302, 303],
                    ..Expect::default()
                },
                ..Step::get(login)
            },
            Step {
                name: "protected route".into(),
                expect: Expect {
                    status: vec![200],
                    ..Expect::default()
                },
                ..Step::get(protected)
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Flow {
        let mut f = login_then_protected("/session", "/api/me");
        f.steps[0].capture.push(Capture {
            name: "token".into(),
            from: Source::Json("/token".into()),
        });
        f.steps[1].headers.push(Header {
            name: "authorization".into(),
            value: "Bearer {{token}}".into(),
        });
        f
    }

    #[test]
    fn a_flow_round_trips_through_ron() {
        let f = sample();
        let text = ron::ser::to_string_pretty(&f, ron::ser::PrettyConfig::default()).unwrap();
        let back: Flow = ron::from_str(&text).unwrap();
        assert_eq!(back, f);
        assert!(f.validate().is_ok());
        assert_eq!(f.secrets(), ["smoke-user", "smoke-password"]);
    }

    #[test]
    fn json_bodies_read_as_ron_maps() {
        let s: Step = ron::from_str(
            r#"Step(method: "POST", url: "/api/login",
                   body: Some(Json({"email": "{{secret:u}}", "n": 3})),
                   expect: Expect(status: [200], json: [JsonEquals(pointer: "/ok", equals: true)]),
                   capture: [Capture(name: "token", from: Json("/token"))])"#,
        )
        .unwrap();
        assert_eq!(s.templates(), ["/api/login", "{{secret:u}}"]);
        assert!(s.expect.accepts(200) && !s.expect.accepts(201));
    }

    #[test]
    fn a_placeholder_must_be_captured_before_it_is_used() {
        let mut f = sample();
        f.steps.swap(0, 1);
        let e = f.validate().unwrap_err().to_string();
        assert!(e.contains("step 1") && e.contains("{{token}}"), "{e}");
        let mut f = sample();
        f.steps[1].url = "/x/{{".into();
        assert!(f.validate().unwrap_err().to_string().contains("step 2"));
        let empty = Flow {
            name: "x".into(),
            steps: vec![],
        };
        assert_eq!(empty.validate(), Err(FlowError::NoSteps("x".into())));
    }

    #[test]
    fn a_password_typed_into_a_step_is_refused() {
        let mut f = sample();
        f.steps[0].body = Some(Body::Form(vec![("password".into(), "hunter2".into())]));
        let e = f.validate().unwrap_err().to_string();
        assert!(
            e.contains("`password` holds a secret") && !e.contains("hunter2"),
            "{e}"
        );
        f.steps[0].body = Some(Body::Json(serde_json::json!({"user": {"api_token": "t"}})));
        assert!(f.validate().is_err());
        f.steps[0].body = None;
        f.steps[1].headers[0].value = "Bearer abc".into();
        assert!(f.validate().is_err());
        f.steps[1].headers[0].value = "Bearer {{token}}".into();
        assert!(f.validate().is_ok());
    }

    #[test]
    fn default_expectation_is_any_2xx_or_3xx() {
        let e = Expect::default();
        assert!(e.accepts(200) && e.accepts(302) && !e.accepts(401) && !e.accepts(500));
    }
}
