//! Evidence of the `dns` family, and the details its findings carry.

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

/// Detail of `dns.unresolvable` (a CNAME loop or an over-long chain) and
/// `dns.dangling_cname`: the names visited, and the alias target that does not exist.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CnameChainDetail {
    pub chain: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
}

/// `dns.apex_www`: how the apex and its www sibling resolve.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApexWwwEvidence {
    pub apex: HostResolution,
    pub www: HostResolution,
}

/// One host of `dns.apex_www`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HostResolution {
    pub host: String,
    /// A and AAAA addresses at the end of the CNAME chain.
    pub addresses: u64,
    /// The aliases followed (every name after the host).
    pub cname_chain: Vec<String>,
}

/// `dns.caa`: the apex's CAA records (empty when it has none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaaEvidence {
    pub caa: Vec<String>,
}

/// `dns.provider`: the apex's name servers and the providers recognised in them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DnsProviderEvidence {
    pub ns: Vec<String>,
    pub providers: Vec<String>,
}

/// Detail of `dns.provider`: the name servers that named the provider.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NameServersDetail {
    pub ns: Vec<String>,
}

/// `dns.staging`: whether a staging host resolves publicly and what a plain GET gets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StagingEvidence {
    pub host: String,
    pub resolves: bool,
    /// The URL that answered (HTTPS tried first, then HTTP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The answer's `Location` header ("" when it had none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// "URL: error" for each URL that did not answer.
    pub attempts: Vec<String>,
}

/// Detail of `dns.staging_exposed`: the URL that answered without credentials.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StagingExposedDetail {
    pub url: String,
    pub status: u16,
}
