//! Evidence of the `env` family: variable and environment names only, never a value.

use serde::{Deserialize, Serialize};

/// `env.inventory`: the env file's environment and how many names it sets (a reference
/// list such as `.env.example` has no environment recorded).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnvInventoryEvidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// How many variable names the file sets.
    pub names: usize,
}

/// Finding detail of `env.missing_var`: names of the reference list an environment lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingVars {
    pub environment: String,
    pub reference: String,
    pub names: Vec<String>,
}

/// Finding detail of `env.client_exposed_secret`: secret-looking values under names the
/// framework inlines into client code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientExposedNames {
    pub environment: String,
    pub names: Vec<String>,
}

/// Finding detail of `env.shared_secret`: the two environments (earlier file first) and
/// the names whose secret values they share.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedSecretNames {
    pub environments: Vec<String>,
    pub names: Vec<String>,
}

/// Finding detail of `env.not_gitignored`: the env files git does not ignore.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotIgnored {
    pub paths: Vec<String>,
}

/// The names of an `env.*` finding's evidence, whichever detail type it has (for the
/// detail pane, which lists the names whatever the finding).
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
