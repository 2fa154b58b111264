//! `dns.records`, `dns.apex_www` and `dns.caa`.

use super::CRITICAL_ROLES;
use super::chain::{self, Chain, ChainEnd};
use crate::net::{LookupFailure, Net, Resolver};
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{
    ApexWwwEvidence, CaaEvidence, CnameChainDetail, HostResolution, Observed, RecordMap,
};
use launch_ready_core::finding::{Finding, Severity};
use launch_ready_core::outcome;
use launch_ready_core::session::model::CheckOutcome;
use std::net::IpAddr;

/// What a host resolves to, after its CNAME chain.
struct Resolution {
    chain: Chain,
    v4: Result<Vec<IpAddr>, LookupFailure>,
    v6: Result<Vec<IpAddr>, LookupFailure>,
}

impl Resolution {
    fn addrs(&self) -> usize {
        self.v4.as_ref().map_or(0, Vec::len) + self.v6.as_ref().map_or(0, Vec::len)
    }

    /// How `host` resolved, for `dns.apex_www`.
    fn summary(&self, host: &str) -> HostResolution {
        HostResolution {
            host: host.to_string(),
            addresses: self.addrs() as u64,
            cname_chain: self.chain.hops().to_vec(),
        }
    }

    /// The CNAME chain walked, for findings about it.
    fn chain_detail(&self, missing: Option<&str>) -> CnameChainDetail {
        CnameChainDetail {
            chain: self.chain.names.clone(),
            missing: missing.map(str::to_string),
        }
    }

    /// The first lookup failure that is not "no such name / no data".
    fn failure(&self) -> Option<String> {
        if let ChainEnd::Failed(e) = &self.chain.end {
            return Some(e.clone());
        }
        for r in [&self.v4, &self.v6] {
            if let Err(LookupFailure::Failed(e)) = r {
                return Some(e.clone());
            }
        }
        None
    }
}

async fn resolve(resolver: &Resolver, host: &str) -> Resolution {
    // `resolve` overrides answer without DNS: no chain to walk.
    if resolver.override_for(host).is_some() {
        let (v4, v6) = tokio::join!(resolver.a(host), resolver.aaaa(host));
        return Resolution {
            chain: Chain {
                names: vec![host.to_string()],
                end: ChainEnd::Name(host.to_string()),
            },
            v4,
            v6,
        };
    }
    let chain = chain::walk(resolver, host).await;
    let (v4, v6) = match &chain.end {
        ChainEnd::Name(last) => tokio::join!(resolver.a(last), resolver.aaaa(last)),
        _ => (Err(LookupFailure::NoData), Err(LookupFailure::NoData)),
    };
    Resolution { chain, v4, v6 }
}

fn ips(r: &Result<Vec<IpAddr>, LookupFailure>) -> Vec<String> {
    r.as_ref()
        .map(|v| v.iter().map(ToString::to_string).collect())
        .unwrap_or_default()
}

fn or_empty<T: Default>(r: Result<T, LookupFailure>) -> T {
    r.unwrap_or_default()
}

/// `dns.records`: the host's record map, and whether it resolves.
pub async fn records(net: &Net, host: &str, role: &str) -> CheckOutcome {
    let resolver = &net.resolver;
    let (res, ns, caa, mx, txt) = tokio::join!(
        resolve(resolver, host),
        resolver.ns(host),
        resolver.caa(host),
        resolver.mx(host),
        resolver.txt(host),
    );
    let evidence = Observed::Records(RecordMap {
        host: host.to_string(),
        role: role.to_string(),
        resolver: resolver.source().to_string(),
        cname_chain: res.chain.hops().to_vec(),
        a: ips(&res.v4),
        aaaa: ips(&res.v6),
        ns: or_empty(ns),
        caa: or_empty(caa),
        mx: or_empty(mx)
            .into_iter()
            .map(|(p, h)| format!("{p} {h}"))
            .collect(),
        txt: or_empty(txt),
    });
    let unresolvable_sev = if CRITICAL_ROLES.contains(&role) {
        Severity::Blocker
    } else {
        Severity::High
    };
    let mut findings = Vec::new();
    match &res.chain.end {
        ChainEnd::Loop(name) => findings.push(
            Finding::new(
                Code::DnsUnresolvable,
                format!("{host} does not resolve: its CNAME chain loops back to {name} ({})", res.chain.display())).with_severity(unresolvable_sev)
            .with_detail(&res.chain_detail(None)),
        ),
        ChainEnd::TooLong => findings.push(
            Finding::new(
                Code::DnsUnresolvable,
                format!(
                    "{host} does not resolve: its CNAME chain is longer than {} hops",
                    chain::MAX_HOPS
                )).with_severity(unresolvable_sev)
            .with_detail(&res.chain_detail(None)),
        ),
        ChainEnd::Missing(target) if !res.chain.hops().is_empty() => findings.push(
            Finding::new(
                Code::DnsDanglingCname,
                format!(
                    "{host} is an alias of {target}, which does not exist: whoever registers it can serve content on {host}"
                ))
            .with_detail(&res.chain_detail(Some(target))),
        ),
        ChainEnd::Failed(_) | ChainEnd::Missing(_) | ChainEnd::Name(_) => {}
    }
    if findings.is_empty() {
        if res.addrs() == 0 {
            if let Some(reason) = res.failure() {
                return CheckOutcome {
                    evidence,
                    ..outcome::error(format!("DNS lookup failed for {host}: {reason}"))
                };
            }
            let why = if matches!(res.chain.end, ChainEnd::Missing(_)) {
                "the name does not exist"
            } else {
                "no A or AAAA record"
            };
            findings.push(
                Finding::new(
                    Code::DnsUnresolvable,
                    format!("{host} does not resolve: {why}"),
                )
                .with_severity(unresolvable_sev),
            );
        } else if matches!(res.v6, Err(LookupFailure::NoData | LookupFailure::NxDomain))
            || res.v6.as_ref().is_ok_and(Vec::is_empty)
        {
            findings.push(Finding::new(
                Code::DnsNoIpv6,
                format!("{host} has no AAAA record: IPv6-only clients cannot reach it"),
            ));
        }
    }
    let summary = if res.addrs() > 0 {
        let mut parts = Vec::new();
        if !res.chain.hops().is_empty() {
            parts.push(format!("CNAME {}", res.chain.hops().join(" → ")));
        }
        parts.push(format!("{} A", res.v4.as_ref().map_or(0, Vec::len)));
        parts.push(format!("{} AAAA", res.v6.as_ref().map_or(0, Vec::len)));
        format!("{host}: {}", parts.join(", "))
    } else {
        format!("{host} does not resolve")
    };
    outcome::judged(summary, findings, evidence)
}

/// `dns.apex_www`: apex and www should both resolve when either does.
pub async fn apex_www(net: &Net, apex: &str) -> CheckOutcome {
    let www = format!("www.{apex}");
    let (a, w) = tokio::join!(resolve(&net.resolver, apex), resolve(&net.resolver, &www));
    let evidence = Observed::ApexWww(ApexWwwEvidence {
        apex: a.summary(apex),
        www: w.summary(&www),
    });
    if a.addrs() == 0 && w.addrs() == 0 {
        if let Some(reason) = a.failure().or_else(|| w.failure()) {
            return CheckOutcome {
                evidence,
                ..outcome::error(format!("DNS lookup failed: {reason}"))
            };
        }
        return outcome::judged(
            format!("neither {apex} nor {www} resolves (see dns.records)"),
            Vec::new(),
            evidence,
        );
    }
    let mut findings = Vec::new();
    if w.addrs() == 0 {
        findings.push(Finding::new(
            Code::DnsNoWww,
            format!("{apex} resolves but {www} does not: visitors typing www get an error"),
        ));
    }
    if a.addrs() == 0 {
        findings.push(Finding::new(
            Code::DnsNoApex,
            format!(
                "{www} resolves but {apex} does not: visitors typing the bare domain get an error"
            ),
        ));
    }
    let summary = if findings.is_empty() {
        format!("{apex} and {www} both resolve")
    } else {
        format!("only one of {apex} and {www} resolves")
    };
    outcome::judged(summary, findings, evidence)
}

/// `dns.caa`: a CAA record on the apex limits which CAs may issue certificates.
pub async fn caa(net: &Net, apex: &str) -> CheckOutcome {
    match net.resolver.caa(apex).await {
        Ok(records) => outcome::judged(
            format!("CAA: {}", records.join("; ")),
            Vec::new(),
            Observed::Caa(CaaEvidence { caa: records }),
        ),
        Err(LookupFailure::NoData) => outcome::judged(
            format!("{apex} has no CAA record"),
            vec![Finding::new(
                Code::DnsCaaMissing,
                format!(
                    "{apex} has no CAA record: any certificate authority may issue certificates for it"
                ),
            )],
            Observed::Caa(CaaEvidence::default()),
        ),
        Err(LookupFailure::NxDomain) => outcome::error(format!("{apex} does not exist in DNS")),
        Err(LookupFailure::Failed(e)) => {
            outcome::error(format!("CAA lookup for {apex} failed: {e}"))
        }
    }
}
