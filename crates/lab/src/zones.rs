//! The lab's DNS data: the fictional Brightdesk product under `brightdesk.test`, one
//! correctly configured domain (`good.lab.test`), and one small domain per defect under
//! `lab.test`, each built from the good template with exactly one thing broken so a test
//! can point at it and expect that finding code.
//!
//! Records are kept as plain (name, data) pairs rather than zone files: the lab is code,
//! its addresses are filled in at start, and each defect reads as one line of difference.

use hickory_proto::rr::rdata::{A, AAAA, CAA, CNAME, MX, NS, SOA, TXT};
use hickory_proto::rr::{Name, RData, Record};
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The apex of the demo product.
pub const BRIGHTDESK: &str = "brightdesk.test";
/// The zone holding the good domain and the one-defect domains.
pub const LAB_ZONE: &str = "lab.test";
/// The correctly configured domain: no check should report anything about it.
pub const GOOD_DOMAIN: &str = "good.lab.test";

const DKIM_2048: &str = include_str!("keys/dkim-rsa-2048.b64");
const DKIM_1024: &str = include_str!("keys/dkim-rsa-1024.b64");

/// One domain the lab serves to show a defect, with the finding code it must produce.
#[derive(Debug, Clone, Copy)]
pub struct DefectDomain {
    pub domain: &'static str,
    pub code: &'static str,
    /// Role hosts (besides apex and www) to put in the targets when checking it.
    pub hosts: &'static [(&'static str, &'static str)],
}

/// Every one-defect domain with its expected code.
pub const DEFECT_DOMAINS: &[DefectDomain] = &[
    d("no-www.lab.test", "dns.no_www"),
    d("no-apex.lab.test", "dns.no_apex"),
    d("caa-missing.lab.test", "dns.caa_missing"),
    d("no-ipv6.lab.test", "dns.no_ipv6"),
    d("dangling-cname.lab.test", "dns.dangling_cname"),
    DefectDomain {
        domain: "unresolvable.lab.test",
        code: "dns.unresolvable",
        hosts: &[("app", "app.unresolvable.lab.test")],
    },
    d("provider.lab.test", "dns.provider"),
    d("mx-missing.lab.test", "email.mx_missing"),
    d("mx-cname.lab.test", "email.mx_cname"),
    d("mx-unresolvable.lab.test", "email.mx_unresolvable"),
    d("spf-missing.lab.test", "email.spf_missing"),
    d("spf-multiple.lab.test", "email.spf_multiple"),
    d("spf-syntax.lab.test", "email.spf_syntax"),
    d("spf-permissive-all.lab.test", "email.spf_permissive_all"),
    d(
        "spf-too-many-lookups.lab.test",
        "email.spf_too_many_lookups",
    ),
    d("spf-void-lookups.lab.test", "email.spf_void_lookups"),
    d("spf-softfail.lab.test", "email.spf_softfail"),
    d("dmarc-missing.lab.test", "email.dmarc_missing"),
    d("dmarc-syntax.lab.test", "email.dmarc_syntax"),
    d("dmarc-policy-none.lab.test", "email.dmarc_policy_none"),
    d("dmarc-no-reports.lab.test", "email.dmarc_no_reports"),
    d("dkim-missing.lab.test", "email.dkim_missing"),
    d("dkim-invalid-key.lab.test", "email.dkim_invalid_key"),
    d("dkim-weak-key.lab.test", "email.dkim_weak_key"),
    d("dkim-revoked.lab.test", "email.dkim_revoked"),
];

/// Hostile shapes: the checks must end quickly with a finding or an error.
pub const HOSTILE_DOMAINS: &[&str] = &["cname-loop.lab.test", "cname-long.lab.test"];

const fn d(domain: &'static str, code: &'static str) -> DefectDomain {
    DefectDomain {
        domain,
        code,
        hosts: &[],
    }
}

/// The lab's records, keyed by lowercase owner name without trailing dot.
#[derive(Debug, Default)]
pub struct ZoneData {
    pub records: BTreeMap<String, Vec<Record>>,
    /// Zone apexes the server is authoritative for; other names are refused.
    pub zones: Vec<String>,
}

impl ZoneData {
    fn add(&mut self, owner: &str, data: RData) {
        let owner = owner.trim_end_matches('.').to_ascii_lowercase();
        let rec = Record::from_rdata(name(&owner), 300, data);
        self.records.entry(owner).or_default().push(rec);
    }

    fn remove(&mut self, owner: &str, pred: impl Fn(&RData) -> bool) {
        if let Some(v) = self.records.get_mut(owner) {
            v.retain(|r| !pred(&r.data));
            if v.is_empty() {
                self.records.remove(owner);
            }
        }
    }

    fn a(&mut self, owner: &str) {
        self.add(owner, RData::A(A(Ipv4Addr::LOCALHOST)));
    }

    fn aaaa(&mut self, owner: &str) {
        self.add(owner, RData::AAAA(AAAA(Ipv6Addr::LOCALHOST)));
    }

    fn cname(&mut self, owner: &str, target: &str) {
        self.add(owner, RData::CNAME(CNAME(name(target))));
    }

    fn txt(&mut self, owner: &str, text: &str) {
        self.add(owner, RData::TXT(TXT::new(split_txt(text))));
    }

    fn mx(&mut self, owner: &str, pref: u16, exchange: &str) {
        self.add(owner, RData::MX(MX::new(pref, name(exchange))));
    }

    fn ns(&mut self, owner: &str, server: &str) {
        self.add(owner, RData::NS(NS(name(server))));
    }

    fn caa_issue(&mut self, owner: &str, ca: &str) {
        self.add(
            owner,
            RData::CAA(CAA::new_issue(false, Some(name(ca)), vec![])),
        );
    }

    /// The zone apex SOA, used in negative answers.
    pub fn soa(zone: &str) -> Record {
        Record::from_rdata(
            name(zone),
            300,
            RData::SOA(SOA::new(
                name(&format!("ns1.{zone}")),
                name(&format!("hostmaster.{zone}")),
                1,
                3600,
                600,
                86400,
                60,
            )),
        )
    }

    /// The zone `owner` belongs to, if the lab serves it.
    pub fn zone_of(&self, owner: &str) -> Option<&str> {
        self.zones
            .iter()
            .find(|z| owner == z.as_str() || owner.ends_with(&format!(".{z}")))
            .map(String::as_str)
    }

    /// True when `owner` has an address here, directly or through its CNAME chain.
    pub fn has_address(&self, owner: &str) -> bool {
        let mut name = owner.trim_end_matches('.').to_ascii_lowercase();
        for _ in 0..8 {
            let Some(records) = self.records.get(&name) else {
                return false;
            };
            if records
                .iter()
                .any(|r| matches!(&r.data, RData::A(_) | RData::AAAA(_)))
            {
                return true;
            }
            match records.iter().find_map(|r| match &r.data {
                RData::CNAME(c) => Some(c.0.to_ascii()),
                _ => None,
            }) {
                Some(next) => name = next.trim_end_matches('.').to_ascii_lowercase(),
                None => return false,
            }
        }
        false
    }

    /// True when `owner` has records, or names below it do (an empty non-terminal such as
    /// `_domainkey.example.test`), so the answer is NODATA rather than NXDOMAIN.
    pub fn name_exists(&self, owner: &str) -> bool {
        let suffix = format!(".{owner}");
        self.records.contains_key(owner) || self.records.keys().any(|k| k.ends_with(&suffix))
    }
}

fn name(s: &str) -> Name {
    let fqdn = format!("{}.", s.trim_end_matches('.'));
    // Every name here is a literal of this file; a bad one is a bug caught by the lab tests.
    Name::from_ascii(&fqdn).unwrap_or_else(|_| Name::root())
}

/// Character-strings are at most 255 bytes: longer texts are served split, as real
/// zones publish long SPF and DKIM records.
fn split_txt(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    bytes
        .chunks(255)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}

/// A correctly configured domain: apex and www with A and AAAA, CAA, NS, MX that resolves,
/// strict SPF, DMARC reject with reports, a 2048-bit DKIM key under `default`.
fn good_template(z: &mut ZoneData, dom: &str) {
    z.ns(dom, &format!("ns1.{dom}"));
    z.ns(dom, &format!("ns2.{dom}"));
    z.a(dom);
    z.aaaa(dom);
    z.a(&format!("www.{dom}"));
    z.aaaa(&format!("www.{dom}"));
    z.caa_issue(dom, "letsencrypt.org");
    z.mx(dom, 10, &format!("mx.{dom}"));
    z.a(&format!("mx.{dom}"));
    z.txt(dom, "v=spf1 ip4:192.0.2.10 mx -all");
    z.txt(
        &format!("_dmarc.{dom}"),
        &format!("v=DMARC1; p=reject; rua=mailto:dmarc@{dom}"),
    );
    z.txt(
        &format!("default._domainkey.{dom}"),
        &format!("v=DKIM1; k=rsa; p={}", DKIM_2048.trim()),
    );
}

fn is_spf(r: &RData) -> bool {
    matches!(r, RData::TXT(t) if t.txt_data.first().is_some_and(|p| p.starts_with(b"v=spf1")))
}

/// Builds all lab zones.
pub fn build() -> ZoneData {
    let mut z = ZoneData {
        zones: vec![BRIGHTDESK.to_string(), LAB_ZONE.to_string()],
        ..ZoneData::default()
    };
    brightdesk(&mut z);
    good_template(&mut z, GOOD_DOMAIN);
    for dd in DEFECT_DOMAINS {
        good_template(&mut z, dd.domain);
        apply_defect(&mut z, dd.domain, dd.code);
    }
    for dom in HOSTILE_DOMAINS {
        good_template(&mut z, dom);
        let www = format!("www.{dom}");
        z.remove(&www, |_| true);
    }
    web_hosts(&mut z);
    z.cname("www.cname-loop.lab.test", "loop-a.cname-loop.lab.test");
    z.cname("loop-a.cname-loop.lab.test", "loop-b.cname-loop.lab.test");
    z.cname("loop-b.cname-loop.lab.test", "www.cname-loop.lab.test");
    z.cname("www.cname-long.lab.test", "hop1.cname-long.lab.test");
    for i in 1..20 {
        z.cname(
            &format!("hop{i}.cname-long.lab.test"),
            &format!("hop{}.cname-long.lab.test", i + 1),
        );
    }
    z.a("hop20.cname-long.lab.test");
    z
}

/// Every web lab host gets an address so DNS resolves it like the sites it stands for;
/// a name that already has records (such as Brightdesk's dangling `help` CNAME, kept for
/// `dns.dangling_cname`) keeps them, since an address beside a CNAME is not allowed.
fn web_hosts(z: &mut ZoneData) {
    for spec in super::web::site::HOSTS {
        if !z.records.contains_key(spec.host) {
            z.a(spec.host);
        }
    }
}

fn apply_defect(z: &mut ZoneData, dom: &str, code: &str) {
    let www = format!("www.{dom}");
    match code {
        "dns.no_www" => z.remove(&www, |_| true),
        "dns.no_apex" => z.remove(dom, |r| matches!(r, RData::A(_) | RData::AAAA(_))),
        "dns.caa_missing" => z.remove(dom, |r| matches!(r, RData::CAA(_))),
        "dns.no_ipv6" => {
            z.remove(dom, |r| matches!(r, RData::AAAA(_)));
            z.remove(&www, |r| matches!(r, RData::AAAA(_)));
        }
        "dns.dangling_cname" => {
            z.remove(&www, |_| true);
            z.cname(&www, "gone.pages-host.lab.test");
        }
        "dns.unresolvable" => {
            // The name exists (it has a TXT) but has no address: NODATA, not NXDOMAIN.
            z.txt(&format!("app.{dom}"), "app retired");
        }
        "dns.provider" => {
            z.remove(dom, |r| matches!(r, RData::NS(_)));
            z.ns(dom, "ada.ns.cloudflare.com");
            z.ns(dom, "bob.ns.cloudflare.com");
        }
        "email.mx_missing" => z.remove(dom, |r| matches!(r, RData::MX(_))),
        "email.mx_cname" => {
            z.remove(dom, |r| matches!(r, RData::MX(_)));
            z.mx(dom, 10, &format!("mail.{dom}"));
            z.cname(&format!("mail.{dom}"), &format!("mx.{dom}"));
        }
        "email.mx_unresolvable" => {
            z.remove(dom, |r| matches!(r, RData::MX(_)));
            z.mx(dom, 10, &format!("mx-old.{dom}"));
        }
        "email.spf_missing" => {
            z.remove(dom, is_spf);
            z.txt(dom, "site-verification=lab-4f2a9c");
        }
        "email.spf_multiple" => z.txt(dom, "v=spf1 include:_spf.mailer.lab.test -all"),
        "email.spf_syntax" => set_spf(z, dom, "v=spf1 ip4:999.12.0.1/33 -all"),
        "email.spf_permissive_all" => set_spf(z, dom, "v=spf1 ip4:192.0.2.10 +all"),
        "email.spf_too_many_lookups" => {
            // Eleven includes, long enough to be served as two character-strings.
            let mut spf = String::from("v=spf1");
            for i in 1..=11 {
                let inc = format!("_spf-{i:02}.{dom}");
                z.txt(&inc, &format!("v=spf1 ip4:192.0.2.{i} -all"));
                spf.push_str(&format!(" include:{inc}"));
            }
            spf.push_str(" -all");
            set_spf(z, dom, &spf);
        }
        "email.spf_void_lookups" => set_spf(
            z,
            dom,
            &format!("v=spf1 a:void-1.{dom} a:void-2.{dom} a:void-3.{dom} ip4:192.0.2.10 -all"),
        ),
        "email.spf_softfail" => set_spf(z, dom, "v=spf1 ip4:192.0.2.10 mx ~all"),
        "email.dmarc_missing" => z.remove(&format!("_dmarc.{dom}"), |_| true),
        "email.dmarc_syntax" => set_dmarc(z, dom, "v=DMARC1; p=maybe; rua=mailto:d@lab.test"),
        "email.dmarc_policy_none" => {
            set_dmarc(z, dom, &format!("v=DMARC1; p=none; rua=mailto:dmarc@{dom}"));
        }
        "email.dmarc_no_reports" => set_dmarc(z, dom, "v=DMARC1; p=reject"),
        "email.dkim_missing" => z.remove(&format!("default._domainkey.{dom}"), |_| true),
        "email.dkim_invalid_key" => set_dkim(z, dom, "v=DKIM1; k=rsa; p=not*base64!!"),
        "email.dkim_weak_key" => {
            set_dkim(z, dom, &format!("v=DKIM1; k=rsa; p={}", DKIM_1024.trim()));
        }
        "email.dkim_revoked" => set_dkim(z, dom, "v=DKIM1; k=rsa; p="),
        _ => {}
    }
}

fn set_spf(z: &mut ZoneData, dom: &str, spf: &str) {
    z.remove(dom, is_spf);
    z.txt(dom, spf);
}

fn set_dmarc(z: &mut ZoneData, dom: &str, text: &str) {
    let owner = format!("_dmarc.{dom}");
    z.remove(&owner, |_| true);
    z.txt(&owner, text);
}

fn set_dkim(z: &mut ZoneData, dom: &str, text: &str) {
    let owner = format!("default._domainkey.{dom}");
    z.remove(&owner, |_| true);
    z.txt(&owner, text);
}

/// Brightdesk: a realistic mix. Hosted at Cloudflare; www is a CNAME to the apex; api
/// and admin have no IPv6; staging answers without auth; preview asks for a login; help
/// is a CNAME left pointing at a help-desk account that no longer exists; no CAA; a
/// soft-failing SPF, DMARC at `p=none` without reports, a 1024-bit DKIM key.
fn brightdesk(z: &mut ZoneData) {
    let b = BRIGHTDESK;
    z.ns(b, "ada.ns.cloudflare.com");
    z.ns(b, "bob.ns.cloudflare.com");
    z.a(b);
    z.aaaa(b);
    z.cname(&format!("www.{b}"), b);
    for h in ["app", "staging", "preview"] {
        z.a(&format!("{h}.{b}"));
        z.aaaa(&format!("{h}.{b}"));
    }
    for h in ["api", "admin"] {
        z.a(&format!("{h}.{b}"));
    }
    z.cname(&format!("help.{b}"), "brightdesk.helpdesk-host.lab.test");
    z.mx(b, 10, &format!("mx1.{b}"));
    z.mx(b, 20, &format!("mx2.{b}"));
    z.a(&format!("mx1.{b}"));
    z.a(&format!("mx2.{b}"));
    z.txt(b, "v=spf1 include:_spf.mailer.lab.test ~all");
    z.txt(b, "brightdesk-domain-verification=7c1e0b");
    z.txt(&format!("_dmarc.{b}"), "v=DMARC1; p=none");
    z.txt(
        &format!("default._domainkey.{b}"),
        &format!("v=DKIM1; k=rsa; p={}", DKIM_1024.trim()),
    );
    z.txt(
        "_spf.mailer.lab.test",
        "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all",
    );
}
