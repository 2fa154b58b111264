//! Which URLs named by a page a check may fetch.
//!
//! A page under audit chooses the script, stylesheet and image URLs it names; fetching
//! them blindly lets a hostile page make the machine running the audit (a CI runner, a
//! consultant's laptop) request addresses inside its own network: loopback services, the
//! office LAN, the cloud metadata endpoint. So a URL a page names is fetched only when its
//! host is one of the session's own hosts (the targets of the run, the page's own host,
//! and hosts the operator allowed), or when every address it resolves to is public.
//!
//! Own hosts stay fetchable whatever they resolve to: the demo lab and any `connect_to`
//! or `resolve` setup send them to loopback on purpose. The addresses of other hosts are
//! looked up the way the connection will be made (address overrides first, then the run's
//! resolver); the resolver keeps one answer per question for the run, so the connection
//! gets the very addresses judged here and a second, different answer cannot slip in.

use super::resolver::Resolver;
use launch_ready_core::evidence::LeftOutUrl;
use reqwest::Url;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

/// Why a page-named URL was not fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeftOut {
    /// The host is not the session's and resolves to an address inside a network.
    #[error("{host} is not a host of this session and resolves to {addr} ({class})")]
    NonPublic {
        host: String,
        addr: IpAddr,
        class: &'static str,
    },
    /// The host is not the session's and its address could not be looked up, so whether
    /// it is public cannot be told.
    #[error("{host} is not a host of this session and its address could not be checked: {why}")]
    Unresolved { host: String, why: String },
    /// The URL has no host to judge (not http or https).
    #[error("{0} has no host name")]
    NoHost(String),
}

/// The class of a non-public address, or `None` for a public one.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => {
            // An IPv4-mapped or -compatible address reaches the IPv4 host it carries.
            if let Some(v4) = v6.to_ipv4_mapped() {
                return non_public_v4(v4);
            }
            non_public_v6(v6)
        }
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    Some(if ip == Ipv4Addr::new(169, 254, 169, 254) {
        "cloud metadata"
    } else if ip.is_loopback() {
        "loopback"
    } else if ip.is_private() {
        "private"
    } else if ip.is_link_local() {
        "link-local"
    } else if a == 100 && (64..128).contains(&b) {
        "carrier-grade NAT"
    } else if a == 0 || ip.is_unspecified() {
        "this network"
    } else if ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        "reserved"
    } else {
        return None;
    })
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    Some(if ip.is_loopback() {
        "loopback"
    } else if ip.is_unspecified() {
        "unspecified"
    } else if first & 0xfe00 == 0xfc00 {
        // fd00:ec2::254 (the AWS metadata endpoint over IPv6) is in here too.
        "unique-local"
    } else if first & 0xffc0 == 0xfe80 {
        "link-local"
    } else if ip.is_multicast() {
        "multicast"
    } else {
        return None;
    })
}

/// The rule for page-named URLs of one run (see the module text).
#[derive(Debug, Clone, Default)]
pub struct HostGuard {
    /// The session's own hosts and those the operator allowed, lower case.
    own: BTreeSet<String>,
    /// Addresses hosts are sent to whatever DNS says (`connect_to`, a lab client's map):
    /// consulted first, as the client does.
    overrides: Vec<(String, IpAddr)>,
    /// The run's resolver; `None` asks the system, as a client without one does.
    resolver: Option<Arc<Resolver>>,
}

fn norm(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

impl HostGuard {
    /// A guard for a run whose own hosts are `own`, whose client sends the hosts of
    /// `overrides` to the given addresses and resolves the rest with `resolver`.
    pub fn new(
        own: impl IntoIterator<Item = impl AsRef<str>>,
        overrides: impl IntoIterator<Item = (impl AsRef<str>, IpAddr)>,
        resolver: Option<Arc<Resolver>>,
    ) -> HostGuard {
        HostGuard {
            own: own.into_iter().map(|h| norm(h.as_ref())).collect(),
            overrides: overrides
                .into_iter()
                .map(|(h, ip)| (norm(h.as_ref()), ip))
                .collect(),
            resolver,
        }
    }

    /// Whether `url`, named by the page at `page`, may be fetched.
    pub async fn admit(&self, url: &Url, page: &Url) -> Result<(), LeftOut> {
        let Some(host) = url.host_str().map(norm) else {
            return Err(LeftOut::NoHost(url.to_string()));
        };
        if self.own.contains(&host) || page.host_str().map(norm).as_deref() == Some(&host) {
            return Ok(());
        }
        let addrs = self.addresses(&host, url).await?;
        if addrs.is_empty() {
            return Err(LeftOut::Unresolved {
                host,
                why: "no address".into(),
            });
        }
        // Every address must be public: the client may try any of them.
        for addr in addrs {
            if let Some(class) = non_public(addr) {
                return Err(LeftOut::NonPublic { host, addr, class });
            }
        }
        Ok(())
    }

    /// `wanted`, named by the page at `page`, split into the URLs to fetch (in order) and
    /// those left out with the reason.
    pub async fn sort(&self, wanted: Vec<Url>, page: &Url) -> (Vec<Url>, Vec<(Url, LeftOut)>) {
        let verdicts = futures::future::join_all(wanted.iter().map(|u| self.admit(u, page))).await;
        let (mut ok, mut out) = (Vec::with_capacity(wanted.len()), Vec::new());
        for (u, v) in wanted.into_iter().zip(verdicts) {
            match v {
                Ok(()) => ok.push(u),
                Err(why) => out.push((u, why)),
            }
        }
        (ok, out)
    }

    /// The addresses a connection to `host` would try.
    async fn addresses(&self, host: &str, url: &Url) -> Result<Vec<IpAddr>, LeftOut> {
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(vec![ip]);
        }
        let pinned: Vec<IpAddr> = self
            .overrides
            .iter()
            .filter(|(h, _)| h == host)
            .map(|(_, ip)| *ip)
            .collect();
        if !pinned.is_empty() {
            return Ok(pinned);
        }
        let unresolved = |why: String| LeftOut::Unresolved {
            host: host.to_string(),
            why,
        };
        match &self.resolver {
            Some(r) => r.ips(host).await.map_err(|e| unresolved(e.to_string())),
            None => {
                let port = url.port_or_known_default().unwrap_or(443);
                tokio::net::lookup_host((host, port))
                    .await
                    .map(|it| it.map(|a| a.ip()).collect())
                    .map_err(|e| unresolved(e.to_string()))
            }
        }
    }
}

/// The `left_out` evidence of a check: each URL not fetched and why.
pub fn left_out_evidence(left_out: &[(Url, LeftOut)]) -> Vec<LeftOutUrl> {
    left_out
        .iter()
        .map(|(u, why)| LeftOutUrl {
            url: u.as_str().to_string(),
            reason: why.to_string(),
        })
        .collect()
}

/// The clause a summary ends with when URLs were left out, so the one line a reader sees
/// never presents a partial reading as complete.
pub fn left_out_note(left_out: &[(Url, LeftOut)]) -> Option<String> {
    let (first, why) = left_out.first()?;
    let more = match left_out.len() - 1 {
        0 => String::new(),
        n => format!(" (+{n} more)"),
    };
    Some(format!("; not fetched: {first}{more}, as {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(s: &str) -> Option<&'static str> {
        non_public(s.parse().unwrap())
    }

    #[test]
    fn inner_networks_are_not_public() {
        assert_eq!(class("127.0.0.1"), Some("loopback"));
        assert_eq!(class("10.1.2.3"), Some("private"));
        assert_eq!(class("172.31.0.1"), Some("private"));
        assert_eq!(class("192.168.1.1"), Some("private"));
        assert_eq!(class("169.254.169.254"), Some("cloud metadata"));
        assert_eq!(class("169.254.1.1"), Some("link-local"));
        assert_eq!(class("100.64.0.1"), Some("carrier-grade NAT"));
        assert_eq!(class("100.127.255.255"), Some("carrier-grade NAT"));
        assert_eq!(class("0.0.0.0"), Some("this network"));
        assert_eq!(class("::1"), Some("loopback"));
        assert_eq!(class("fd00:ec2::254"), Some("unique-local"));
        assert_eq!(class("fe80::1"), Some("link-local"));
        assert_eq!(class("::ffff:127.0.0.1"), Some("loopback"));
        assert_eq!(class("93.184.216.34"), None);
        assert_eq!(class("100.128.0.1"), None);
        assert_eq!(class("2606:4700::1111"), None);
    }

    #[tokio::test]
    async fn own_hosts_pass_and_other_hosts_on_inner_addresses_do_not() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        let g = HostGuard::new(
            ["app.example.test"],
            [("app.example.test", lo), ("evil.test", lo)],
            None,
        );
        let page = Url::parse("https://www.example.test/").unwrap();
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(
            g.admit(&u("https://app.example.test/a.js"), &page)
                .await
                .is_ok()
        );
        assert!(
            g.admit(&u("https://WWW.example.test./a.js"), &page)
                .await
                .is_ok()
        );
        let e = g
            .admit(&u("https://evil.test/a.js"), &page)
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "evil.test is not a host of this session and resolves to 127.0.0.1 (loopback)"
        );
        assert!(matches!(
            g.admit(&u("http://169.254.169.254/latest/meta-data/"), &page)
                .await,
            Err(LeftOut::NonPublic {
                class: "cloud metadata",
                ..
            })
        ));
        assert!(g.admit(&u("http://[::1]:8080/x.js"), &page).await.is_err());
        assert!(
            g.admit(&u("https://93.184.216.34/x.js"), &page)
                .await
                .is_ok()
        );
    }
}
