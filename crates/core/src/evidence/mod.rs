//! Typed evidence: what a check observed, as types every reader shares.
//!
//! A check builds its kind's evidence type and the outcome carries it as `Observed`; the
//! session file, `check --format json`, the TUI and the handover pack read the same type.
//! On the wire it is the inner shape alone, so files keep the format they had when
//! evidence was a free-form map. Reading is by the outcome's kind (`Observed::read`), and
//! only when the type holds the whole value: evidence from another build with a field this
//! one does not know stays `Unread`, kept verbatim so a save loses nothing.
//!
//! One submodule per family holds its shapes. Strings here come from the network: whoever
//! prints them sanitises them.

use crate::catalog::KindId;
use crate::session::model::CheckOutcome;
use serde::{Deserialize, Serialize};

/// Version of the evidence shapes below; bump it (and teach `observed` the old shape)
/// when one changes incompatibly.
pub const EVIDENCE_VERSION: u32 = 1;

mod cloudflare;
mod dns;
mod edge;
mod email;
mod http;
mod tls;

pub use cloudflare::*;
pub use dns::*;
pub use edge::*;
pub use email::*;
pub use http::*;
pub use tls::*;

/// What one outcome observed, typed by its kind. Checks build it; the session file, the
/// JSON output, the TUI and the pack all read it. It is written as its inner shape alone
/// (no tag), so files and JSON look as they did when evidence was a free-form map; reading
/// goes through `Observed::read` with the outcome's kind.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Observed {
    /// Nothing recorded (an error or a skip).
    #[default]
    None,
    Certificate(CertificateEvidence),
    Redirects(RedirectEvidence),
    Records(RecordMap),
    ApexWww(ApexWwwEvidence),
    Caa(CaaEvidence),
    DnsProvider(DnsProviderEvidence),
    Staging(StagingEvidence),
    Mx(MxEvidence),
    Spf(SpfEvidence),
    Dmarc(DmarcEvidence),
    Dkim(DkimEvidence),
    Protocols(ProtocolsEvidence),
    Edge(EdgeEvidence),
    Cloudflare(Box<CloudflareEvidence>),
    /// Evidence of a kind without a type yet, or that does not fit its kind's type (written
    /// by another build). Kept as read, so saving the session loses nothing; no reader picks
    /// fields out of it.
    Unread(serde_json::Value),
}

impl Observed {
    /// The typed evidence of `kind` in `value`. A value its kind's type cannot hold whole
    /// (a field this build does not know, a shape from another build) stays `Unread`, so
    /// reading and saving a session never drops what was observed.
    pub fn read(kind: Option<KindId>, value: serde_json::Value) -> Observed {
        if value.is_null() {
            return Observed::None;
        }
        match Observed::typed(kind, &value) {
            Some(t) if covers(&t.to_json(), &value) => t,
            _ => Observed::Unread(value),
        }
    }

    /// The value read as `kind`'s type, whatever it drops on the way.
    fn typed(kind: Option<KindId>, v: &serde_json::Value) -> Option<Observed> {
        fn typed<T: for<'de> Deserialize<'de>>(
            v: &serde_json::Value,
            wrap: impl FnOnce(T) -> Observed,
        ) -> Option<Observed> {
            if !v.is_object() {
                return None;
            }
            T::deserialize(v).ok().map(wrap)
        }
        kind.and_then(|kind| match kind {
            KindId::TlsCertificate => typed(v, Observed::Certificate),
            KindId::HttpRedirects => typed(v, Observed::Redirects),
            KindId::DnsRecords => typed(v, Observed::Records),
            KindId::DnsApexWww => typed(v, Observed::ApexWww),
            KindId::DnsCaa => typed(v, Observed::Caa),
            KindId::DnsProvider => typed(v, Observed::DnsProvider),
            KindId::DnsStaging => typed(v, Observed::Staging),
            KindId::EmailMx => typed(v, Observed::Mx),
            KindId::EmailSpf => typed(v, Observed::Spf),
            KindId::EmailDmarc => typed(v, Observed::Dmarc),
            KindId::EmailDkim => typed(v, Observed::Dkim),
            KindId::TlsProtocols => typed(v, Observed::Protocols),
            KindId::EdgeProvider => typed(v, Observed::Edge),
            KindId::CloudflareZone => typed(v, |c| Observed::Cloudflare(Box::new(c))),
            _ => None,
        })
    }

    /// The evidence as JSON: what the session file and `check --format json` hold.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Observed::None)
    }

    /// The evidence with one more top-level field, read again as `kind`. For adapters
    /// that add what only they know (the apex sibling probed, the API host) to a family's
    /// evidence; a kind whose type has the field sets it directly instead.
    #[must_use]
    pub fn with_field(self, kind: KindId, key: &str, value: serde_json::Value) -> Observed {
        let mut v = self.to_json();
        if !v.is_object() {
            v = serde_json::Value::Object(serde_json::Map::new());
        }
        if let Some(map) = v.as_object_mut() {
            map.insert(key.to_string(), value);
        }
        Observed::read(Some(kind), v)
    }
}

/// Whether `typed` holds everything `original` says: each field of an object, each item
/// of a list, each scalar as it was. Fields only `typed` has (defaults) do not matter.
fn covers(typed: &serde_json::Value, original: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (typed, original) {
        (Value::Object(t), Value::Object(o)) => o.iter().all(|(k, v)| {
            t.get(k).is_some_and(|tv| covers(tv, v)) || (v.is_null() && !t.contains_key(k))
        }),
        (Value::Array(t), Value::Array(o)) => {
            t.len() == o.len() && t.iter().zip(o).all(|(t, o)| covers(t, o))
        }
        (t, o) => t == o,
    }
}

/// The evidence as its JSON text (for messages and logs).
impl std::fmt::Display for Observed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

/// Evidence built as JSON, not yet typed: read by its kind once the engine names it.
impl From<serde_json::Value> for Observed {
    fn from(v: serde_json::Value) -> Observed {
        if v.is_null() {
            Observed::None
        } else {
            Observed::Unread(v)
        }
    }
}

impl Serialize for Observed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Observed::None => s.serialize_unit(),
            Observed::Certificate(e) => e.serialize(s),
            Observed::Redirects(e) => e.serialize(s),
            Observed::Records(e) => e.serialize(s),
            Observed::ApexWww(e) => e.serialize(s),
            Observed::Caa(e) => e.serialize(s),
            Observed::DnsProvider(e) => e.serialize(s),
            Observed::Staging(e) => e.serialize(s),
            Observed::Mx(e) => e.serialize(s),
            Observed::Spf(e) => e.serialize(s),
            Observed::Dmarc(e) => e.serialize(s),
            Observed::Dkim(e) => e.serialize(s),
            Observed::Protocols(e) => e.serialize(s),
            Observed::Edge(e) => e.serialize(s),
            Observed::Cloudflare(e) => e.serialize(s),
            Observed::Unread(v) => v.serialize(s),
        }
    }
}

/// The typed observation of `outcome`, for display. Evidence its kind's type cannot hold
/// whole is still shown through that type (what the type does not know is left out).
pub fn observed(outcome: &CheckOutcome) -> Observed {
    match &outcome.evidence {
        Observed::Unread(v) => {
            Observed::typed(KindId::parse(&outcome.check), v).unwrap_or(Observed::None)
        }
        typed => typed.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::CheckStatus;
    use serde_json::json;

    fn outcome(check: &str, evidence: serde_json::Value) -> CheckOutcome {
        CheckOutcome {
            check: check.into(),
            family: check.split('.').next().unwrap_or_default().into(),
            target: "a.test".into(),
            status: CheckStatus::Pass,
            duration_ms: 0,
            summary: String::new(),
            findings: Vec::new(),
            evidence: Observed::read(KindId::parse(check), evidence),
            explained_by: None,
            needs_credential: None,
        }
    }

    #[test]
    fn shapes_read_with_missing_and_extra_fields() {
        let o = outcome(
            "dns.records",
            json!({ "host": "a.test", "a": ["192.0.2.1"], "new_field": 3 }),
        );
        let Observed::Records(map) = observed(&o) else {
            panic!("records");
        };
        assert_eq!(map.a, ["192.0.2.1"]);
        assert!(map.aaaa.is_empty());

        let o = outcome(
            "http.redirects",
            json!({ "chains": [{ "entry": "http://a.test/", "hops": [{ "url": "http://a.test/", "status": 301, "location": "https://a.test/", "ms": 3 }], "end": { "final": "https://a.test/", "status": 200 } }], "discovered": "www.a.test" }),
        );
        let Observed::Redirects(r) = observed(&o) else {
            panic!("redirects");
        };
        assert_eq!(r.chains[0].hops[0].status, Some(301));
        assert_eq!(r.discovered.as_deref(), Some("www.a.test"));
    }

    #[test]
    fn a_shape_that_does_not_fit_is_other_never_a_panic() {
        for ev in [
            json!(null),
            json!("x"),
            json!({ "a": "not a list" }),
            json!([1]),
        ] {
            assert_eq!(observed(&outcome("dns.records", ev)), Observed::None);
        }
        assert_eq!(
            observed(&outcome("http.headers", json!({}))),
            Observed::None
        );
    }
}
