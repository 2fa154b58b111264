//! The values a flow reads from outside itself: keyring credentials (`{{secret:NAME}}`,
//! the CI variable first, as for every credential) and environment variables
//! (`{{env:NAME}}`). They are read once, before the first request, so a missing one stops
//! the run as a setup problem rather than failing a step; and every value read or
//! captured is masked in what the run records.

use crate::credentials::{Credentials, env_var};
use launch_ready_core::credentials::CredentialError;
use launch_ready_core::evidence::StepEvidence;
use launch_ready_core::flow::template::{self, Var};
use launch_ready_core::flow::{Flow, FlowError};
use std::collections::HashMap;

/// What masked values are replaced with.
pub const MASK: &str = "••••";

/// Credential and environment values of one flow, by placeholder.
#[derive(Default, Clone)]
pub struct Values {
    map: HashMap<Var, String>,
}

impl std::fmt::Debug for Values {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.map.keys().map(template::placeholder).collect();
        f.debug_struct("Values").field("names", &names).finish()
    }
}

/// Why a flow's values could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ValueError {
    #[error(transparent)]
    Invalid(#[from] FlowError),
    #[error(
        "flow `{flow}` needs the `{name}` credential (set it with `launch-ready secret set {name}` or in {var})"
    )]
    MissingCredential {
        flow: String,
        name: String,
        var: String,
    },
    #[error("flow `{flow}` cannot read the `{name}` credential: {source}")]
    Credential {
        flow: String,
        name: String,
        #[source]
        source: CredentialError,
    },
    #[error("flow `{flow}` needs the environment variable {name}")]
    MissingEnv { flow: String, name: String },
}

impl ValueError {
    /// The credential a run could not do without, for a skipped outcome.
    pub fn credential(&self) -> Option<&str> {
        match self {
            ValueError::MissingCredential { name, .. } => Some(name),
            _ => None,
        }
    }
}

impl Values {
    /// Values given directly (tests, callers that read them elsewhere).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Var, String)>) -> Values {
        Values {
            map: pairs.into_iter().collect(),
        }
    }

    pub fn get(&self, v: &Var) -> Option<&str> {
        self.map.get(v).map(String::as_str)
    }

    /// A mask hiding every value held here.
    pub fn mask(&self) -> Mask {
        let mut m = Mask::default();
        for v in self.map.values() {
            m.add(v.clone());
        }
        m
    }
}

/// Checks `flow` and reads every credential and variable it names.
pub async fn read(flow: &Flow, credentials: &Credentials) -> Result<Values, ValueError> {
    flow.validate()?;
    let mut map = HashMap::new();
    for step in &flow.steps {
        for text in step.templates() {
            let pieces = template::parse(text).map_err(|e| {
                ValueError::Invalid(FlowError::Step {
                    flow: flow.name.clone(),
                    step: 0,
                    reason: e.to_string(),
                })
            })?;
            for v in template::vars(&pieces) {
                if map.contains_key(v) {
                    continue;
                }
                let value = match v {
                    Var::Capture(_) => continue,
                    Var::Env(name) => std::env::var(name)
                        .ok()
                        .filter(|s| !s.is_empty())
                        .ok_or_else(|| ValueError::MissingEnv {
                            flow: flow.name.clone(),
                            name: name.clone(),
                        })?,
                    Var::Secret(name) => match credentials.get(name, Some(&env_var(name))).await {
                        Ok(s) => s,
                        Err(CredentialError::NotFound(_) | CredentialError::Unavailable(_)) => {
                            return Err(ValueError::MissingCredential {
                                flow: flow.name.clone(),
                                name: name.clone(),
                                var: env_var(name),
                            });
                        }
                        Err(source) => {
                            return Err(ValueError::Credential {
                                flow: flow.name.clone(),
                                name: name.clone(),
                                source,
                            });
                        }
                    },
                };
                map.insert(v.clone(), value);
            }
        }
    }
    Ok(Values { map })
}

/// Replaces known secret values in text a run records.
#[derive(Debug, Default, Clone)]
pub struct Mask {
    values: Vec<String>,
}

impl Mask {
    /// Masks `value` from now on, as written and as a form or URL would encode it.
    pub fn add(&mut self, value: String) {
        if value.is_empty() {
            return;
        }
        let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        let escaped = serde_json::to_string(&value)
            .map(|s| s.trim_matches('"').to_string())
            .unwrap_or_default();
        for v in [value, encoded, escaped] {
            if !v.is_empty() && !self.values.contains(&v) {
                self.values.push(v);
            }
        }
        // Longest first, so a value containing another is masked whole.
        self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }

    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for v in &self.values {
            if out.contains(v.as_str()) {
                out = out.replace(v.as_str(), MASK);
            }
        }
        out
    }

    /// `e` with every text field masked.
    pub fn step(&self, mut e: StepEvidence) -> StepEvidence {
        e.name = self.text(&e.name);
        e.url = self.text(&e.url);
        e.failure = e.failure.map(|f| self.text(&f));
        e.excerpt = e.excerpt.map(|x| self.text(&x));
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_masked_as_written_and_encoded() {
        let mut m = Mask::default();
        m.add("p@ss w\"rd".into());
        m.add(String::new());
        assert_eq!(m.text("pw=p@ss w\"rd"), format!("pw={MASK}"));
        assert_eq!(m.text("password=p%40ss+w%22rd"), format!("password={MASK}"));
        assert_eq!(
            m.text(r#"{"p":"p@ss w\"rd"}"#),
            format!("{{\"p\":\"{MASK}\"}}")
        );
        assert_eq!(m.text("nothing here"), "nothing here");
    }

    #[test]
    fn debug_names_placeholders_never_values() {
        let v = Values::from_pairs([(Var::Secret("pw".into()), "hunter2".into())]);
        let d = format!("{v:?}");
        assert!(d.contains("{{secret:pw}}") && !d.contains("hunter2"), "{d}");
    }
}
