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
use serde::{Deserialize, Serialize};

/// Version of the evidence shapes below; bump it (and teach `observed` the old shape)
/// when one changes incompatibly.
pub const EVIDENCE_VERSION: u32 = 1;

mod cloudflare;
mod dns;
mod edge;
mod email;
mod env;
mod http;
mod perf;
mod probes;
mod secrets;
mod smoke;
mod tls;
mod uptime;
mod vitals;

pub use cloudflare::*;
pub use dns::*;
pub use edge::*;
pub use email::*;
pub use env::*;
pub use http::*;
pub use perf::*;
pub use probes::*;
pub use secrets::*;
pub use smoke::*;
pub use tls::*;
pub use uptime::*;
pub use vitals::*;

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
    Availability(Box<AvailabilityEvidence>),
    Headers(Box<HeadersEvidence>),
    MixedContent(MixedContentEvidence),
    Cache(CacheEvidence),
    Cors(CorsEvidence),
    Exposure(ExposureEvidence),
    Bundle(BundleEvidence),
    Payload(PayloadEvidence),
    Perf(Box<LoadReport>),
    Vitals(Box<VitalsEvidence>),
    Probe(ProbeEvidence),
    AlertRoute(AlertRouteEvidence),
    SecretScan(SecretScanEvidence),
    EnvInventory(EnvInventoryEvidence),
    Debug(DebugEvidence),
    PayloadLimit(PayloadLimitEvidence),
    Burst(BurstEvidence),
    ErrorTracking(ErrorTrackingEvidence),
    Flow(Box<FlowEvidence>),
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
        // An empty object observed nothing either (what an error wrote as a free-form map).
        if value.is_null() || value.as_object().is_some_and(serde_json::Map::is_empty) {
            return Observed::None;
        }
        match Observed::typed(kind, &value) {
            Some(t) if covers(&t.to_json(), &value) => t,
            // `{}` is how the JSON report writes "nothing recorded".
            None if value.as_object().is_some_and(serde_json::Map::is_empty) => Observed::None,
            _ => Observed::Unread(value),
        }
    }

    /// The value read as `kind`'s type, whatever it drops on the way.
    pub fn typed(kind: Option<KindId>, v: &serde_json::Value) -> Option<Observed> {
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
            KindId::HttpAvailability => typed(v, |a| Observed::Availability(Box::new(a))),
            KindId::HttpHeaders => typed(v, |h| Observed::Headers(Box::new(h))),
            KindId::HttpMixedContent => typed(v, Observed::MixedContent),
            KindId::HttpCache => typed(v, Observed::Cache),
            KindId::HttpCors => typed(v, Observed::Cors),
            KindId::HttpExposure => typed(v, Observed::Exposure),
            KindId::HttpBundle => typed(v, Observed::Bundle),
            KindId::HttpPayload => typed(v, Observed::Payload),
            KindId::PerfLatency | KindId::PerfLoad => typed(v, |p| Observed::Perf(Box::new(p))),
            KindId::PerfWebVitals => typed(v, |p| Observed::Vitals(Box::new(p))),
            KindId::UptimeProbe => typed(v, Observed::Probe),
            KindId::UptimeAlertRoute => typed(v, Observed::AlertRoute),
            KindId::SecretsRepo | KindId::SecretsHistory | KindId::SecretsBuild => {
                typed(v, Observed::SecretScan)
            }
            KindId::EnvInventory => typed(v, Observed::EnvInventory),
            KindId::HttpDebug => typed(v, Observed::Debug),
            KindId::HttpPayloadLimit => typed(v, Observed::PayloadLimit),
            KindId::EdgeRateLimit => typed(v, Observed::Burst),
            KindId::UptimeErrorTracking => typed(v, Observed::ErrorTracking),
            KindId::SmokeFlow => typed(v, |f| Observed::Flow(Box::new(f))),
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
            Observed::Perf(e) => e.serialize(s),
            Observed::Vitals(e) => e.serialize(s),
            Observed::Availability(e) => e.serialize(s),
            Observed::Headers(e) => e.serialize(s),
            Observed::MixedContent(e) => e.serialize(s),
            Observed::Cache(e) => e.serialize(s),
            Observed::Cors(e) => e.serialize(s),
            Observed::Exposure(e) => e.serialize(s),
            Observed::Bundle(e) => e.serialize(s),
            Observed::Payload(e) => e.serialize(s),
            Observed::Probe(e) => e.serialize(s),
            Observed::AlertRoute(e) => e.serialize(s),
            Observed::SecretScan(e) => e.serialize(s),
            Observed::EnvInventory(e) => e.serialize(s),
            Observed::Debug(e) => e.serialize(s),
            Observed::PayloadLimit(e) => e.serialize(s),
            Observed::Burst(e) => e.serialize(s),
            Observed::ErrorTracking(e) => e.serialize(s),
            Observed::Flow(e) => e.serialize(s),
            Observed::Unread(v) => v.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::CheckStatus;
    use crate::session::model::CheckOutcome;

    fn observed(o: &CheckOutcome) -> Observed {
        o.observed().into_owned()
    }
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
    fn perf_figures_and_env_names_read() {
        let o = outcome(
            "perf.latency",
            json!({ "requests": 50, "routes": [{ "name": "home", "method": "GET", "url": "https://a.test/", "requests": 50, "rps": 252.47, "error_rate_pct": 0.0, "p95_budget_ms": 300, "latency_ms": { "p50": 3.263, "p95": 8.575, "p99": 12.2 }, "histogram": [] }] }),
        );
        let Observed::Perf(p) = observed(&o) else {
            panic!("perf");
        };
        assert_eq!(p.routes[0].latency_ms.p95, 8.575);
        assert_eq!(p.routes[0].p95_budget_ms, 300);
        let names = EnvNames::of(
            &json!({ "environment": "production", "names": ["SENTRY_DSN"], "reference": "example" }),
        );
        assert_eq!(names.names, ["SENTRY_DSN"]);
        assert_eq!(names.reference.as_deref(), Some("example"));
        assert_eq!(EnvNames::of(&json!(null)), EnvNames::default());
    }

    #[test]
    fn an_empty_object_of_a_kind_without_a_type_is_nothing_recorded() {
        assert_eq!(
            Observed::read(Some(KindId::EnvGitignore), json!({})),
            Observed::None
        );
        let kept = json!({ "x": 1 });
        assert_eq!(
            Observed::read(Some(KindId::EnvGitignore), kept.clone()),
            Observed::Unread(kept)
        );
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
