//! Evidence of the `tls` family, and the details its findings carry.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `tls.certificate`: the handshake and the chain as sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CertificateEvidence {
    /// The address dialled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher_suite: Option<String>,
    /// "not verified: …" when the handshake's signature could not be checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handshake_signature: Option<String>,
    /// "trusted", "untrusted: …", "incomplete chain: …", "rejected for a weak key: …",
    /// "not judged".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_to_expiry: Option<i64>,
    /// Leaf first; empty when the server sent none.
    pub chain: Vec<CertSummary>,
}

/// One certificate of a chain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CertSummary {
    pub subject: String,
    pub issuer: Option<String>,
    /// DNS names, then IP addresses.
    pub sans: Vec<String>,
    pub serial: Option<String>,
    /// RFC 3339.
    pub not_before: Option<String>,
    /// RFC 3339.
    pub not_after: Option<String>,
    pub key_type: Option<String>,
    pub key_bits: Option<u64>,
    pub is_ca: bool,
}

/// Detail of `tls.unreachable`: the address dialled and the error.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TlsUnreachableDetail {
    pub addr: String,
    pub error: String,
}

/// Detail of `tls.expired`, `tls.not_yet_valid` and `tls.expiring_soon`: the leaf's dates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CertDatesDetail {
    pub not_before: String,
    pub not_after: String,
    pub days_to_expiry: i64,
}

/// Detail of `tls.hostname_mismatch`: the host and the names the certificate holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HostnameMismatchDetail {
    pub host: String,
    pub sans: Vec<String>,
}

/// Detail of `tls.weak_key`: which certificate of the chain (0 is the leaf) and its key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WeakKeyDetail {
    pub position: u64,
    pub subject: String,
    pub key_type: String,
    pub key_bits: Option<u64>,
}

/// Detail of `tls.untrusted` and `tls.incomplete_chain`: the leaf's issuer, the
/// verifier's reason and (for an incomplete chain) how many certificates were sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChainTrustDetail {
    pub issuer: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent: Option<u64>,
}

/// `tls.protocols`: the address probed and how each old version offered was answered,
/// by version name ("TLS 1.0", "TLS 1.1").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProtocolsEvidence {
    pub addr: String,
    pub versions: BTreeMap<String, VersionOffer>,
}

/// How a server answered one old protocol version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "lowercase")]
pub enum VersionOffer {
    /// The server completed a hello with this cipher suite (`0x002f`).
    Accepted {
        cipher_suite: String,
    },
    Refused {
        detail: String,
    },
    /// The answer said neither (no answer, not TLS).
    Unknown {
        detail: String,
    },
}

/// Detail of `tls.old_protocol`: the versions accepted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OldProtocolDetail {
    pub accepted: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::KindId;
    use crate::evidence::Observed;
    use serde_json::json;

    #[test]
    fn protocol_offers_read_by_their_result() {
        let v = json!({ "addr": "192.0.2.1:443", "versions": {
            "TLS 1.0": { "result": "accepted", "cipher_suite": "0x002f" },
            "TLS 1.1": { "result": "refused", "detail": "alert protocol_version" },
        } });
        let o = Observed::read(Some(KindId::TlsProtocols), v.clone());
        let Observed::Protocols(p) = &o else {
            panic!("protocols: {o:?}");
        };
        assert!(matches!(
            p.versions["TLS 1.0"],
            VersionOffer::Accepted { .. }
        ));
        assert_eq!(o.to_json(), v);
    }

    #[test]
    fn an_unreachable_host_keeps_only_the_address() {
        let v = json!({ "addr": "192.0.2.1:443", "chain": [] });
        let o = Observed::read(Some(KindId::TlsCertificate), v.clone());
        assert!(matches!(o, Observed::Certificate(_)));
        assert_eq!(o.to_json(), v);
    }
}
