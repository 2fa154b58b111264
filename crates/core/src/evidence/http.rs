//! Evidence of the `http` family.

use serde::{Deserialize, Serialize};

/// `http.redirects` (and `http.availability`'s one chain): each entry URL followed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RedirectEvidence {
    pub chains: Vec<ChainEvidence>,
    /// The apex or www sibling probed although nobody named it.
    pub discovered: Option<String>,
}

/// One followed chain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChainEvidence {
    pub entry: String,
    pub hops: Vec<HopEvidence>,
    /// How it ended: `{"final": URL, "status": N}`, `{"loop": URL}`, `{"error": …}`…
    pub end: serde_json::Value,
}

/// One response of a chain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HopEvidence {
    pub url: String,
    pub status: Option<u16>,
    pub location: Option<String>,
    pub ms: Option<u64>,
}
