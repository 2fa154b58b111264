//! Evidence of the `email` family, and the details its findings carry.

use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, Ipv6Addr};

/// `email.mx`: the domain's mail exchanges, each with what its name resolves to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MxEvidence {
    /// By preference; empty when there is none, or for a null MX.
    pub mx: Vec<MxEntry>,
    /// A null MX (`0 .`, RFC 7505): the domain takes no mail.
    pub null_mx: bool,
    /// "CNAME|A/AAAA NAME: error" for each exchange lookup that failed.
    pub lookup_failures: Vec<String>,
    /// The MX lookup itself failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One MX record of `email.mx`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MxEntry {
    pub preference: u16,
    pub exchange: String,
    /// The exchange's CNAME target (RFC 5321 wants none).
    pub cname: Option<String>,
    /// Its A and AAAA addresses; `None` when that lookup failed.
    pub addresses: Option<Vec<String>>,
}

/// `email.spf`: what the domain publishes, by what was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SpfEvidence {
    /// One SPF record, parsed and walked.
    Evaluated(Box<SpfEvaluation>),
    /// Several SPF records (receivers return permerror): their texts.
    Several { records: Vec<String> },
    /// No SPF record: the TXT records found instead.
    Missing { txt_records: Vec<String> },
    /// The TXT lookup failed.
    Failed { error: String },
}

impl SpfEvidence {
    /// The SPF record judged, when there was exactly one.
    pub fn record(&self) -> Option<&str> {
        match self {
            SpfEvidence::Evaluated(e) => Some(&e.record),
            _ => None,
        }
    }
}

/// `email.spf` for one record: its terms, its ending, the include/redirect tree and the
/// lookup budget it spends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpfEvaluation {
    pub record: String,
    #[serde(default)]
    pub terms: Vec<SpfTerm>,
    /// "-all", "~all", "?all", "+all", "no all" or "unknown ending".
    #[serde(default)]
    pub ends_with: String,
    #[serde(default)]
    pub tree: SpfNode,
    #[serde(default)]
    pub totals: LookupTotals,
    /// "NAME: error" for each lookup of the walk that failed.
    #[serde(default)]
    pub lookup_failures: Vec<String>,
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

/// What an SPF mechanism yields when it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpfQualifier {
    /// `+` (also the default).
    Pass,
    /// `-`
    Fail,
    /// `~`
    SoftFail,
    /// `?`
    Neutral,
}

impl SpfQualifier {
    pub fn symbol(self) -> char {
        match self {
            SpfQualifier::Pass => '+',
            SpfQualifier::Fail => '-',
            SpfQualifier::SoftFail => '~',
            SpfQualifier::Neutral => '?',
        }
    }
}

/// One term of an SPF record, as parsed (domains as written, macros unexpanded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "term", rename_all = "lowercase")]
pub enum SpfTerm {
    /// A qualified mechanism.
    Directive {
        qualifier: SpfQualifier,
        #[serde(flatten)]
        mechanism: SpfMechanism,
    },
    /// `redirect=domain`
    Redirect { domain: String },
    /// `exp=domain`
    Exp { domain: String },
    /// Any other `name=value`, ignored by receivers.
    Unknown { name: String, value: String },
}

/// An SPF mechanism with its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mechanism", rename_all = "lowercase")]
pub enum SpfMechanism {
    All,
    Include {
        domain: String,
    },
    A {
        domain: Option<String>,
        cidr: SpfCidr,
    },
    Mx {
        domain: Option<String>,
        cidr: SpfCidr,
    },
    Ptr {
        domain: Option<String>,
    },
    Ip4 {
        addr: Ipv4Addr,
        prefix: Option<u8>,
    },
    Ip6 {
        addr: Ipv6Addr,
        prefix: Option<u8>,
    },
    Exists {
        domain: String,
    },
}

/// Prefix lengths of `a` and `mx` (`/24//64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SpfCidr {
    pub v4: Option<u8>,
    pub v6: Option<u8>,
}

/// How the SPF walk reached a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpfVia {
    /// The checked domain's own record.
    #[default]
    Root,
    /// An `include:` mechanism.
    Include,
    /// A `redirect=` modifier.
    Redirect,
}

/// One record in the SPF lookup tree, so the operator sees where each DNS lookup comes
/// from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SpfNode {
    pub domain: String,
    pub via: SpfVia,
    /// The record text (control characters escaped), when one was found.
    pub record: Option<String>,
    /// DNS-querying terms of this record alone.
    pub lookups: u32,
    /// This record's lookups plus those of everything it pulls in.
    pub subtree_lookups: u32,
    /// Names asked by this record's terms that answered with nothing.
    pub void_lookups: Vec<String>,
    /// The qualifier of the record's `all`, if it has one.
    pub all: Option<SpfQualifier>,
    /// The record's `redirect=` domain, if it has one.
    pub redirect: Option<String>,
    /// Counted terms that depend on the message (macros, `ptr`), so were not asked.
    pub unresolved: Vec<String>,
    /// Counted terms not asked because the walk's question budget was spent.
    pub skipped: Vec<String>,
    /// Why the walk did not (fully) read this record.
    pub problem: Option<String>,
    pub children: Vec<SpfNode>,
}

/// `email.dmarc`: the name asked (`_dmarc.DOMAIN`) and what was found there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DmarcEvidence {
    #[serde(default)]
    pub name: String,
    #[serde(flatten)]
    pub found: DmarcFound,
}

impl DmarcEvidence {
    /// The DMARC record judged, when there was exactly one.
    pub fn record(&self) -> Option<&str> {
        match &self.found {
            DmarcFound::Record { record, .. } => Some(record),
            _ => None,
        }
    }
}

/// What `email.dmarc` found at its name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DmarcFound {
    /// One DMARC record and its tags.
    Record {
        record: String,
        #[serde(default)]
        tags: DmarcTags,
    },
    /// Several DMARC records (receivers ignore them all): their texts.
    Several { records: Vec<String> },
    /// No DMARC record: the TXT records found instead.
    Missing { txt_records: Vec<String> },
    /// The TXT lookup failed.
    Failed { error: String },
}

/// A parsed DMARC record (RFC 7489 §6.3). Tags that were absent or invalid are
/// `None`/empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DmarcTags {
    pub p: Option<DmarcPolicy>,
    pub sp: Option<DmarcPolicy>,
    pub adkim: Option<DmarcAlignment>,
    pub aspf: Option<DmarcAlignment>,
    pub pct: Option<u8>,
    pub fo: Vec<String>,
    pub rf: Vec<String>,
    pub ri: Option<u32>,
    pub rua: Vec<DmarcReportUri>,
    pub ruf: Vec<DmarcReportUri>,
    /// Tags present in the record (valid or not), in order.
    pub tags_present: Vec<String>,
    /// Unknown tags, ignored as RFC 7489 §6.3 asks.
    pub ignored: Vec<String>,
    pub errors: Vec<DmarcTagError>,
}

/// What receivers do with mail that fails DMARC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DmarcPolicy {
    None,
    Quarantine,
    Reject,
}

/// DMARC identifier alignment mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DmarcAlignment {
    Relaxed,
    Strict,
}

/// One `rua`/`ruf` destination.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DmarcReportUri {
    pub uri: String,
    /// The `!size` limit as written (`10m`), if any.
    pub max_size: Option<String>,
}

/// A DMARC tag whose name or value is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DmarcTagError {
    pub tag: String,
    pub value: String,
    pub reason: String,
}

/// Detail of `email.spf_multiple` and of `email.dmarc_syntax` for several records: their
/// texts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordsDetail {
    pub records: Vec<String>,
}

/// `email.dkim`: the selectors asked and the keys found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DkimEvidence {
    pub selectors_tried: Vec<String>,
    pub found: Vec<DkimKey>,
    /// "TXT NAME: error" for each selector lookup that failed.
    pub lookup_failures: Vec<String>,
    /// A configured selector that is not a DNS name (nothing was asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_selector: Option<String>,
}

/// One published DKIM key record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DkimKey {
    pub selector: String,
    /// `SELECTOR._domainkey.DOMAIN`.
    pub name: String,
    pub record: String,
    /// "RSA 2048", "ed25519", "revoked", "invalid" or "unparsable record".
    pub key: String,
    /// `k=` (`rsa` when absent); not set when the record does not parse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_type: Option<String>,
    /// `t=y`: the domain is testing DKIM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub testing: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<DkimTags>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bits: Option<u64>,
}

/// The tags of a DKIM key record (RFC 6376 §3.6.1), the key itself left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DkimTags {
    pub v: Option<String>,
    pub k: String,
    pub h: Vec<String>,
    pub s: Vec<String>,
    pub t: Vec<String>,
    pub n: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::KindId;
    use crate::evidence::Observed;
    use serde_json::json;

    /// Each shape a check writes reads back as its variant and writes out the same JSON.
    fn round_trip(kind: KindId, v: serde_json::Value) -> Observed {
        let o = Observed::read(Some(kind), v.clone());
        assert!(!matches!(o, Observed::Unread(_)), "{kind:?}: {v}");
        assert_eq!(o.to_json(), v, "{kind:?}");
        o
    }

    #[test]
    fn spf_shapes_read_as_their_variants() {
        let evaluated = json!({
            "record": "v=spf1 a:%{d} ip4:192.0.2.0/24 include:_spf.example.net ~all",
            "terms": [
                { "term": "directive", "qualifier": "pass", "mechanism": "a", "domain": "%{d}", "cidr": { "v4": null, "v6": null } },
                { "term": "directive", "qualifier": "pass", "mechanism": "ip4", "addr": "192.0.2.0", "prefix": 24 },
                { "term": "directive", "qualifier": "pass", "mechanism": "include", "domain": "_spf.example.net" },
                { "term": "directive", "qualifier": "softfail", "mechanism": "all" },
                { "term": "redirect", "domain": "example.net" },
                { "term": "unknown", "name": "x", "value": "y" },
            ],
            "ends_with": "~all",
            "tree": { "domain": "example.com", "via": "root", "record": "v=spf1", "lookups": 2,
                      "subtree_lookups": 3, "void_lookups": [], "all": "softfail", "redirect": null,
                      "unresolved": [], "skipped": [], "problem": null,
                      "children": [{ "domain": "_spf.example.net", "via": "include", "record": null,
                                     "lookups": 1, "subtree_lookups": 1, "void_lookups": ["x.test"],
                                     "all": null, "redirect": null, "unresolved": [], "skipped": [],
                                     "problem": "no record", "children": [] }] },
            "totals": { "dns_lookups": 3, "lookup_limit": 10, "void_lookups": 1, "void_limit": 2 },
            "lookup_failures": [],
        });
        let Observed::Spf(spf) = round_trip(KindId::EmailSpf, evaluated) else {
            panic!("spf");
        };
        let SpfEvidence::Evaluated(e) = spf else {
            panic!("evaluated");
        };
        assert_eq!(e.tree.children[0].via, SpfVia::Include);
        assert!(matches!(
            e.terms[3],
            SpfTerm::Directive {
                qualifier: SpfQualifier::SoftFail,
                mechanism: SpfMechanism::All
            }
        ));
        for (v, want) in [
            (
                json!({ "records": ["v=spf1 -all", "v=spf1 ~all"] }),
                "several",
            ),
            (json!({ "txt_records": [] }), "missing"),
            (json!({ "error": "SERVFAIL" }), "failed"),
        ] {
            let Observed::Spf(spf) = round_trip(KindId::EmailSpf, v) else {
                panic!("spf");
            };
            let got = match spf {
                SpfEvidence::Evaluated(_) => "evaluated",
                SpfEvidence::Several { .. } => "several",
                SpfEvidence::Missing { .. } => "missing",
                SpfEvidence::Failed { .. } => "failed",
            };
            assert_eq!(got, want);
        }
        // A term this build does not know keeps the evidence as it was.
        let unknown = json!({ "record": "v=spf1", "terms": [{ "term": "directive", "qualifier": "pass", "mechanism": "new" }] });
        assert!(matches!(
            Observed::read(Some(KindId::EmailSpf), unknown),
            Observed::Unread(_)
        ));
    }

    #[test]
    fn dmarc_shapes_keep_their_name() {
        let record = json!({
            "name": "_dmarc.example.com",
            "record": "v=DMARC1; p=reject; rua=mailto:d@example.com!10m",
            "tags": { "p": "reject", "sp": null, "adkim": "strict", "aspf": null, "pct": 50,
                      "fo": ["1"], "rf": [], "ri": 3600,
                      "rua": [{ "uri": "mailto:d@example.com", "max_size": "10m" }], "ruf": [],
                      "tags_present": ["v", "p", "rua"], "ignored": [],
                      "errors": [{ "tag": "x", "value": "", "reason": "bad" }] },
        });
        let Observed::Dmarc(d) = round_trip(KindId::EmailDmarc, record) else {
            panic!("dmarc");
        };
        assert_eq!(d.name, "_dmarc.example.com");
        let DmarcFound::Record { tags, .. } = &d.found else {
            panic!("record");
        };
        assert_eq!(tags.p, Some(DmarcPolicy::Reject));
        for v in [
            json!({ "name": "_dmarc.a.test", "records": ["v=DMARC1; p=none", "v=DMARC1; p=reject"] }),
            json!({ "name": "_dmarc.a.test", "txt_records": ["other"] }),
            json!({ "name": "_dmarc.a.test", "error": "timeout" }),
        ] {
            let Observed::Dmarc(d) = round_trip(KindId::EmailDmarc, v) else {
                panic!("dmarc");
            };
            assert_eq!(d.record(), None);
        }
    }

    #[test]
    fn mx_and_dkim_read_every_shape() {
        round_trip(
            KindId::EmailMx,
            json!({ "mx": [
                { "preference": 10, "exchange": "mx.a.test", "cname": null, "addresses": ["192.0.2.1"] },
                { "preference": 20, "exchange": "mx2.a.test", "cname": "x.test", "addresses": null },
            ], "null_mx": false, "lookup_failures": ["A/AAAA mx2.a.test: timeout"] }),
        );
        // Shapes with fewer fields (no MX, a null MX, a failed lookup) read too.
        for v in [
            json!({ "mx": [] }),
            json!({ "mx": [], "null_mx": true }),
            json!({ "error": "SERVFAIL" }),
        ] {
            let o = Observed::read(Some(KindId::EmailMx), v.clone());
            assert!(matches!(o, Observed::Mx(_)), "{v}");
        }
        round_trip(
            KindId::EmailDkim,
            json!({ "selectors_tried": ["s1"], "lookup_failures": [], "found": [
                { "selector": "s1", "name": "s1._domainkey.a.test", "record": "v=DKIM1; p=", "key": "revoked",
                  "key_type": "rsa", "testing": false,
                  "tags": { "v": "DKIM1", "k": "rsa", "h": [], "s": [], "t": [], "n": null } },
                { "selector": "s1", "name": "s1._domainkey.a.test", "record": "p=x;;", "key": "unparsable record" },
            ] }),
        );
        let o = Observed::read(
            Some(KindId::EmailDkim),
            json!({ "invalid_selector": "a b" }),
        );
        assert!(matches!(o, Observed::Dkim(_)));
    }
}
