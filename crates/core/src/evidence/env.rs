//! Evidence of the `env` family.

use serde::{Deserialize, Serialize};

/// The evidence of an `env.*` finding about variables: which environment, which names
/// (never values) and, for a missing one, the list it is missing from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnvNames {
    pub environment: String,
    pub names: Vec<String>,
    pub reference: Option<String>,
}

impl EnvNames {
    /// The names of a finding's evidence (empty when it has none of this shape).
    pub fn of(evidence: &serde_json::Value) -> EnvNames {
        if !evidence.is_object() {
            return EnvNames::default();
        }
        EnvNames::deserialize(evidence).unwrap_or_default()
    }
}
