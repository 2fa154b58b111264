//! Typed evidence: what a check observed, as types every reader shares.
//!
//! Checks record their observations as JSON in `CheckOutcome::evidence`, because the same
//! value goes to the session file, the headless JSON report and (later) the handover
//! pack. Readers used to pick fields out of that JSON by check name, each in its own way;
//! here the shapes are declared once. `observed` turns an outcome into an `Observed`
//! value, and the TUI detail pane (and the report) render from that, never from raw JSON.
//!
//! Every field has a default and unknown fields are ignored, so evidence written by an
//! older build (or a field a newer one added) still reads; a value that does not fit the
//! type at all reads as `Observed::Other`, never a panic. Strings here come from the
//! network: whoever prints them sanitises them.

use crate::catalog::KindId;
use crate::session::model::CheckOutcome;
use serde::{Deserialize, Serialize};

/// Version of the evidence shapes below; bump it (and teach `observed` the old shape)
/// when one changes incompatibly.
pub const EVIDENCE_VERSION: u32 = 1;

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

/// `cloudflare.zone`: what the API gave about the apex's zone, and what it did not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CloudflareEvidence {
    pub zone: Option<String>,
    pub zone_status: Option<String>,
    pub plan: Option<String>,
    pub ssl_mode: Option<String>,
    pub min_tls_version: Option<String>,
    pub always_use_https: Option<String>,
    pub development_mode: Option<String>,
    pub security_level: Option<String>,
    pub browser_check: Option<String>,
    pub bot_fight_mode: Option<bool>,
    /// Address and alias records with their proxied state.
    pub records: Vec<ProxiedRecord>,
    /// More records than were read.
    pub records_partial: bool,
    /// Rules present, by description (or expression when undescribed).
    pub rate_limit_rules: Vec<String>,
    pub cache_rules: Vec<String>,
    pub page_rules: Vec<String>,
    /// Parts not read, with the reason; they were not judged.
    pub unread: Vec<UnreadPart>,
    /// API calls answered 429 and retried after `Retry-After`.
    pub api_retries: u32,
    /// `HOST[:PORT]` of the API the token was sent to, when not the public API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_host: Option<String>,
}

/// One A/AAAA/CNAME record of a zone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProxiedRecord {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub content: String,
    pub proxied: bool,
}

/// A part of a zone's configuration the audit could not read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnreadPart {
    pub part: String,
    pub reason: String,
}

/// `perf.latency` and `perf.load`: the measured figures of each route of the run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PerfEvidence {
    pub routes: Vec<RouteFigures>,
}

/// One route as measured: how many requests, how fast, how many failed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RouteFigures {
    pub name: String,
    pub method: String,
    pub url: String,
    pub requests: u64,
    /// Requests a second over the run.
    pub rps: f64,
    pub error_rate_pct: f64,
    /// The p95 budget the route was judged against (0: none).
    pub p95_budget_ms: u64,
    pub latency_ms: Percentiles,
}

/// Latency percentiles, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

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
        serde_json::from_value(evidence.clone()).unwrap_or_default()
    }
}

/// What one outcome observed, by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Observed {
    Certificate(CertificateEvidence),
    Redirects(RedirectEvidence),
    Records(RecordMap),
    EmailRecord(EmailRecordEvidence),
    Dkim(DkimEvidence),
    Cloudflare(Box<CloudflareEvidence>),
    Perf(PerfEvidence),
    /// A kind without typed evidence, or evidence that does not fit its type.
    Other,
}

/// The typed observation of `outcome`.
pub fn observed(outcome: &CheckOutcome) -> Observed {
    fn read<T: for<'de> Deserialize<'de>>(v: &serde_json::Value) -> Option<T> {
        if !v.is_object() {
            return None;
        }
        serde_json::from_value(v.clone()).ok()
    }
    let ev = &outcome.evidence;
    let typed = KindId::parse(&outcome.check).and_then(|kind| match kind {
        KindId::TlsCertificate => read(ev).map(Observed::Certificate),
        KindId::HttpRedirects => read(ev).map(Observed::Redirects),
        KindId::DnsRecords => read(ev).map(Observed::Records),
        KindId::EmailSpf | KindId::EmailDmarc => read(ev).map(Observed::EmailRecord),
        KindId::EmailDkim => read(ev).map(Observed::Dkim),
        KindId::CloudflareZone => read(ev).map(|c| Observed::Cloudflare(Box::new(c))),
        KindId::PerfLatency | KindId::PerfLoad => read(ev).map(Observed::Perf),
        _ => None,
    });
    typed.unwrap_or(Observed::Other)
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
            evidence,
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
    fn a_shape_that_does_not_fit_is_other_never_a_panic() {
        for ev in [
            json!(null),
            json!("x"),
            json!({ "a": "not a list" }),
            json!([1]),
        ] {
            assert_eq!(observed(&outcome("dns.records", ev)), Observed::Other);
        }
        assert_eq!(
            observed(&outcome("http.headers", json!({}))),
            Observed::Other
        );
    }
}
