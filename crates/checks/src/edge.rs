//! The edge family: which CDN / edge / DDoS layer fronts a host (`edge.provider`), or that
//! none does (`edge.unprotected`).
//!
//! Pure: the caller passes the response headers of the host's page, the apex's NS names and
//! the host's addresses, all gathered by other checks, so no request is repeated. Signals
//! are each provider's own response headers (the most reliable), NS names and published
//! address ranges; every signal that matched is listed in the evidence.
//!
//! NS names say where the zone is hosted, not where traffic goes: a provider's DNS can
//! serve records that point straight at the origin (Cloudflare's "DNS only" records). So
//! when the page's headers were read, a provider fronts the host only if its headers or
//! address ranges say so; NS names alone decide only when no page could be fetched.

use crate::judged::Judged;
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{EdgeEvidence, EdgeInputs, EdgeSignalsDetail, Observed};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::header::HeaderMap;
use std::net::IpAddr;

/// How one provider shows itself.
struct Provider {
    name: &'static str,
    /// Header names whose presence alone identifies the provider.
    headers: &'static [&'static str],
    /// (header, lower-case substring of its value).
    header_values: &'static [(&'static str, &'static str)],
    /// Suffixes of NS host names.
    ns_suffixes: &'static [&'static str],
}

const PROVIDERS: &[Provider] = &[
    Provider {
        name: "Cloudflare",
        headers: &["cf-ray", "cf-cache-status"],
        header_values: &[("server", "cloudflare")],
        ns_suffixes: &[".ns.cloudflare.com"],
    },
    Provider {
        name: "Fastly",
        headers: &["x-fastly-request-id"],
        header_values: &[
            ("x-served-by", "cache-"),
            ("via", "varnish"),
            ("server", "fastly"),
        ],
        ns_suffixes: &[],
    },
    Provider {
        name: "Akamai",
        headers: &["x-akamai-transformed", "akamai-grn", "x-akamai-request-id"],
        header_values: &[("server", "akamaighost"), ("server", "akamainetstorage")],
        ns_suffixes: &[".akam.net", ".akamaiedge.net"],
    },
    Provider {
        name: "Amazon CloudFront",
        headers: &["x-amz-cf-id", "x-amz-cf-pop"],
        header_values: &[
            ("via", "cloudfront"),
            ("x-cache", "cloudfront"),
            ("server", "cloudfront"),
        ],
        ns_suffixes: &[],
    },
    Provider {
        name: "Vercel",
        headers: &["x-vercel-id", "x-vercel-cache"],
        header_values: &[("server", "vercel")],
        ns_suffixes: &[".vercel-dns.com"],
    },
    Provider {
        name: "Netlify",
        headers: &["x-nf-request-id"],
        header_values: &[("server", "netlify")],
        ns_suffixes: &[".netlify.com"],
    },
    Provider {
        name: "Fly.io",
        headers: &["fly-request-id"],
        header_values: &[("server", "fly/"), ("via", "fly.io")],
        ns_suffixes: &[],
    },
    Provider {
        name: "Google Cloud",
        headers: &[],
        header_values: &[
            ("via", "1.1 google"),
            ("server", "google frontend"),
            ("server", "gws"),
        ],
        ns_suffixes: &[".googledomains.com"],
    },
    Provider {
        name: "Azure Front Door",
        headers: &["x-azure-ref", "x-fd-healthprobe"],
        header_values: &[],
        ns_suffixes: &[],
    },
    Provider {
        name: "Bunny CDN",
        headers: &["cdn-pullzone", "cdn-requestid"],
        header_values: &[("server", "bunnycdn")],
        ns_suffixes: &[".bunny.net"],
    },
    Provider {
        name: "Sucuri",
        headers: &["x-sucuri-id", "x-sucuri-cache"],
        header_values: &[("server", "sucuri")],
        ns_suffixes: &[],
    },
    Provider {
        name: "Imperva",
        headers: &["x-iinfo"],
        header_values: &[
            ("x-cdn", "imperva"),
            ("x-cdn", "incapsula"),
            ("set-cookie", "incap_ses_"),
            ("set-cookie", "visid_incap_"),
        ],
        ns_suffixes: &[".incapdns.net"],
    },
];

/// Cloudflare's published ranges, from https://www.cloudflare.com/ips-v4 and
/// https://www.cloudflare.com/ips-v6 (as published in 2024; they change rarely).
const CLOUDFLARE_V4: &[(&str, u8)] = &[
    ("173.245.48.0", 20),
    ("103.21.244.0", 22),
    ("103.22.200.0", 22),
    ("103.31.4.0", 22),
    ("141.101.64.0", 18),
    ("108.162.192.0", 18),
    ("190.93.240.0", 20),
    ("188.114.96.0", 20),
    ("197.234.240.0", 22),
    ("198.41.128.0", 17),
    ("162.158.0.0", 15),
    ("104.16.0.0", 13),
    ("104.24.0.0", 14),
    ("172.64.0.0", 13),
    ("131.0.72.0", 22),
];
const CLOUDFLARE_V6: &[(&str, u8)] = &[
    ("2400:cb00::", 32),
    ("2606:4700::", 32),
    ("2803:f800::", 32),
    ("2405:b500::", 32),
    ("2405:8100::", 32),
    ("2a06:98c0::", 29),
    ("2c0f:f248::", 32),
];

/// True when `ip` lies in `net/prefix`.
fn in_range(ip: IpAddr, net: &str, prefix: u8) -> bool {
    match (ip, net.parse::<IpAddr>()) {
        (IpAddr::V4(a), Ok(IpAddr::V4(n))) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), Ok(IpAddr::V6(n))) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// The providers detected, each with the signals that matched.
pub fn detect(
    headers: &HeaderMap,
    ns: &[String],
    addrs: &[IpAddr],
) -> Vec<(&'static str, Vec<String>)> {
    let mut out: Vec<(&'static str, Vec<String>)> = Vec::new();
    for p in PROVIDERS {
        let mut signals = Vec::new();
        for h in p.headers {
            if headers.contains_key(*h) {
                signals.push(format!("header {h}"));
            }
        }
        for (h, needle) in p.header_values {
            if headers.get_all(*h).iter().any(|v| {
                String::from_utf8_lossy(v.as_bytes())
                    .to_ascii_lowercase()
                    .contains(needle)
            }) {
                signals.push(format!("header {h} contains `{needle}`"));
            }
        }
        for n in ns {
            let n = n.trim_end_matches('.').to_ascii_lowercase();
            if p.ns_suffixes.iter().any(|s| n.ends_with(s)) {
                signals.push(format!("NS {n}"));
            }
        }
        if p.name == "Cloudflare" {
            for ip in addrs {
                let hit = CLOUDFLARE_V4
                    .iter()
                    .chain(CLOUDFLARE_V6)
                    .any(|(net, prefix)| in_range(*ip, net, *prefix));
                if hit {
                    signals.push(format!("address {ip} in Cloudflare's ranges"));
                }
            }
        }
        if !signals.is_empty() {
            out.push((p.name, signals));
        }
    }
    out
}

/// `edge.provider` for `host`.
pub fn check_edge(
    host: &str,
    headers: &HeaderMap,
    ns: &[String],
    addrs: &[IpAddr],
) -> CheckOutcome {
    let mut judged = Judged::start(KindId::EdgeProvider, host);
    let mut found = detect(headers, ns, addrs);
    let dns_only: Vec<&'static str> = if headers.is_empty() {
        Vec::new()
    } else {
        let (traffic, dns_only): (Vec<_>, Vec<_>) = found
            .into_iter()
            .partition(|(_, signals)| signals.iter().any(|s| !s.starts_with("NS ")));
        found = traffic;
        dns_only.into_iter().map(|(name, _)| name).collect()
    };
    judged.observed(Observed::Edge(EdgeEvidence {
        dns_only_providers: dns_only.iter().map(|p| (*p).to_string()).collect(),
        inputs: EdgeInputs {
            ns: ns.to_vec(),
            addresses: addrs.iter().map(ToString::to_string).collect(),
            headers: headers.len() as u64,
        },
        page: None,
        ns_names: None,
    }));
    if found.is_empty() {
        let note = if dns_only.is_empty() {
            String::new()
        } else {
            format!(
                " (its DNS is hosted at {}, but responses do not come through that edge: the record is not proxied)",
                dns_only.join(", ")
            )
        };
        judged.push(Finding::new(
            Code::EdgeUnprotected,
            format!("{host}: no CDN, edge or DDoS protection detected in front of the host{note}"),
        ));
    } else {
        for (name, signals) in &found {
            judged.push(
                Finding::new(Code::EdgeProvider, format!("{host} is behind {name}")).with_detail(
                    &EdgeSignalsDetail {
                        provider: (*name).to_string(),
                        signals: signals.clone(),
                    },
                ),
            );
        }
    }
    judged.finish("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_cidr_ranges_at_their_edges() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(in_range(ip("104.16.0.1"), "104.16.0.0", 13));
        assert!(in_range(ip("104.23.255.255"), "104.16.0.0", 13));
        assert!(!in_range(ip("104.24.0.0"), "104.16.0.0", 13));
        assert!(in_range(ip("2606:4700::6810:84e5"), "2606:4700::", 32));
        assert!(!in_range(ip("2606:4701::1"), "2606:4700::", 32));
        assert!(!in_range(ip("104.16.0.1"), "2606:4700::", 32));
    }
}
