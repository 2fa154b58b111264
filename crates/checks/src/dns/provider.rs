//! `dns.provider`: who hosts the domain's DNS, from its NS names. A known provider is
//! reported as an informational finding (the handover names it); unknown name servers
//! are listed in the evidence without a finding, since "not a well-known host" is not a
//! fact about the product worth flagging.

use crate::net::{LookupFailure, Net};
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{DnsProviderEvidence, NameServersDetail, Observed};
use launch_ready_core::finding::Finding;
use launch_ready_core::outcome;
use launch_ready_core::session::model::CheckOutcome;

/// NS name suffixes (or fragments) and the provider they belong to.
const PROVIDERS: &[(&str, &str)] = &[
    (".ns.cloudflare.com", "Cloudflare"),
    ("awsdns-", "Amazon Route 53"),
    (".googledomains.com", "Google Cloud DNS"),
    ("azure-dns.", "Azure DNS"),
    (".digitalocean.com", "DigitalOcean"),
    (".vercel-dns.com", "Vercel"),
    (".nsone.net", "NS1 (Netlify DNS)"),
    (".netlify.com", "Netlify"),
    (".domaincontrol.com", "GoDaddy"),
    (".registrar-servers.com", "Namecheap"),
    (".hetzner.com", "Hetzner"),
    (".ovh.net", "OVH"),
    (".gandi.net", "Gandi"),
    (".dnsimple.com", "DNSimple"),
    (".porkbun.com", "Porkbun"),
    (".akam.net", "Akamai"),
    (".ultradns.", "UltraDNS"),
];

/// The provider an NS name belongs to, if known.
pub fn provider_of(ns: &str) -> Option<&'static str> {
    let ns = ns.to_ascii_lowercase();
    PROVIDERS
        .iter()
        .find(|(pat, _)| ns.contains(pat))
        .map(|(_, name)| *name)
}

pub async fn provider(net: &Net, apex: &str) -> CheckOutcome {
    let ns = match net.resolver.ns(apex).await {
        Ok(ns) => ns,
        Err(LookupFailure::NoData) => {
            return outcome::judged(
                format!("{apex} has no NS records"),
                Vec::new(),
                Observed::DnsProvider(DnsProviderEvidence::default()),
            );
        }
        Err(LookupFailure::NxDomain) => {
            return outcome::error(format!("{apex} does not exist in DNS"));
        }
        Err(LookupFailure::Failed(e)) => {
            return outcome::error(format!("NS lookup for {apex} failed: {e}"));
        }
    };
    let mut providers: Vec<&str> = ns.iter().filter_map(|n| provider_of(n)).collect();
    providers.dedup();
    let evidence = Observed::DnsProvider(DnsProviderEvidence {
        ns: ns.clone(),
        providers: providers.iter().map(|p| (*p).to_string()).collect(),
    });
    if providers.is_empty() {
        return outcome::judged(
            format!("name servers: {} (provider not recognised)", ns.join(", ")),
            Vec::new(),
            evidence,
        );
    }
    let names = providers.join(" + ");
    outcome::judged(
        format!("DNS hosted at {names}"),
        vec![
            Finding::new(
                Code::DnsProvider,
                format!("{apex} DNS is hosted at {names} ({})", ns.join(", ")),
            )
            .with_detail(&NameServersDetail { ns: ns.clone() }),
        ],
        evidence,
    )
}
