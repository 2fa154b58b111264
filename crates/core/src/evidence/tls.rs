//! Evidence of the `tls` family.

use serde::{Deserialize, Serialize};

/// `tls.certificate`: the handshake and the chain as sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CertificateEvidence {
    pub addr: Option<String>,
    pub protocol: Option<String>,
    pub cipher_suite: Option<String>,
    /// "trusted", "untrusted: …", "incomplete chain: …".
    pub trust: Option<String>,
    pub days_to_expiry: Option<i64>,
    pub chain: Vec<CertSummary>,
}

/// One certificate of a chain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CertSummary {
    pub subject: String,
    pub issuer: Option<String>,
    pub sans: Vec<String>,
    pub serial: Option<String>,
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    pub key_type: Option<String>,
    pub key_bits: Option<u64>,
    pub is_ca: bool,
}
