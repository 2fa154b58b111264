//! Evidence of the `email` family.

use serde::{Deserialize, Serialize};

/// `email.spf` and `email.dmarc`: the record as published, and SPF's lookup budget.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailRecordEvidence {
    pub name: Option<String>,
    pub record: Option<String>,
    pub totals: Option<LookupTotals>,
}

/// SPF's DNS lookup count against its limits (RFC 7208 §4.6.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LookupTotals {
    pub dns_lookups: u64,
    pub lookup_limit: u64,
    pub void_lookups: u64,
    pub void_limit: u64,
}

/// `email.dkim`: the keys found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DkimEvidence {
    pub selectors_tried: Vec<String>,
    pub found: Vec<DkimKey>,
}

/// One published DKIM key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DkimKey {
    pub selector: String,
    pub name: Option<String>,
    pub key_type: Option<String>,
    pub bits: Option<u64>,
}
