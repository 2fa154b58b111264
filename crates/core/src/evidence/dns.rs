//! Evidence of the `dns` family.

use serde::{Deserialize, Serialize};

/// `dns.records`: the record map of one host.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordMap {
    pub host: String,
    pub role: String,
    pub resolver: String,
    pub cname_chain: Vec<String>,
    pub a: Vec<String>,
    pub aaaa: Vec<String>,
    pub ns: Vec<String>,
    pub caa: Vec<String>,
    /// "PREF HOST".
    pub mx: Vec<String>,
    pub txt: Vec<String>,
}
