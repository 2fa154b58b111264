//! The DNS resolver every check shares. It wraps hickory's `TokioResolver` with the three
//! things a diagnostic tool needs and a general-purpose resolver does not give by default:
//! a hard deadline on every lookup (hickory's own timeout applies per transport, so a
//! blackholed server can take twice as long), the session's `resolve` overrides answered
//! without asking DNS, and answers classified as `NxDomain` / `NoData` / `Failed` because
//! the checks treat "does not exist" and "could not ask" very differently.

use super::memo::Memo;
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use launch_ready_core::settings::NetworkSettings;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

/// Why the shared resolver could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ResolverError {
    #[error("cannot read the system resolver configuration: {0}")]
    SystemConfig(#[source] hickory_resolver::net::NetError),
    #[error("cannot build the resolver: {0}")]
    Build(#[source] hickory_resolver::net::NetError),
}

/// Why a lookup produced no records.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupFailure {
    /// The name does not exist (NXDOMAIN).
    #[error("no such domain")]
    NxDomain,
    /// The name exists but has no records of the asked type.
    #[error("no records of that type")]
    NoData,
    /// The question could not be answered: timeout, SERVFAIL, refused, malformed answer.
    #[error("{0}")]
    Failed(String),
}

/// A resolver built from the session's network settings.
pub struct Resolver {
    inner: TokioResolver,
    overrides: BTreeMap<String, Vec<IpAddr>>,
    timeout: Duration,
    /// Where the answers come from, for evidence ("127.0.0.1:5353" or "system").
    source: String,
    /// Answers of this run by (name, type): every check asking the same question shares
    /// one lookup. A resolver lives for one run, so a re-run asks DNS again.
    answers: Memo<(String, RecordType), Result<Vec<RData>, LookupFailure>>,
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolver")
            .field("source", &self.source)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Resolver {
    /// Builds the resolver: the explicit nameserver (UDP, then TCP on the same port) when one
    /// is set, otherwise the system configuration. hickory's cache is off and the run's own
    /// table of answers dies with the run, so a re-run sees a DNS change at once.
    pub fn new(settings: &NetworkSettings) -> Result<Resolver, ResolverError> {
        let timeout = Duration::from_secs(settings.timeout_secs.max(1));
        let (mut builder, source) = match settings.nameserver {
            Some(ns) => {
                let (mut udp, mut tcp) = (ConnectionConfig::udp(), ConnectionConfig::tcp());
                udp.port = ns.0.port();
                tcp.port = ns.0.port();
                let server = NameServerConfig::new(ns.0.ip(), true, vec![udp, tcp]);
                let config = ResolverConfig::from_parts(None, vec![], vec![server]);
                (
                    TokioResolver::builder_with_config(config, TokioRuntimeProvider::default()),
                    ns.to_string(),
                )
            }
            None => (
                TokioResolver::builder_tokio().map_err(ResolverError::SystemConfig)?,
                "system".to_string(),
            ),
        };
        let opts: &mut ResolverOpts = builder.options_mut();
        // Half the budget per transport so UDP then TCP fits inside the hard deadline.
        opts.timeout = (timeout / 2).max(Duration::from_millis(500));
        opts.attempts = 1;
        opts.cache_size = 0;
        opts.preserve_intermediates = true;
        opts.use_hosts_file = ResolveHosts::Never;
        opts.ndots = 0;
        let inner = builder.build().map_err(ResolverError::Build)?;
        let mut overrides: BTreeMap<String, Vec<IpAddr>> = BTreeMap::new();
        for o in &settings.resolve {
            overrides.entry(o.host.clone()).or_default().push(o.addr);
        }
        Ok(Resolver {
            inner,
            overrides,
            timeout,
            source,
            answers: Memo::default(),
        })
    }

    /// Where answers come from: the nameserver address or `system`.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The hard deadline applied to each lookup.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The `resolve` override addresses for `host`, if any.
    pub fn override_for(&self, host: &str) -> Option<&[IpAddr]> {
        self.overrides
            .get(&host.trim_end_matches('.').to_ascii_lowercase())
            .map(Vec::as_slice)
    }

    /// Records of `rtype` in the answer to (`name`, `rtype`); CNAMEs on the way are dropped
    /// unless `rtype` is CNAME itself.
    pub async fn records(
        &self,
        name: &str,
        rtype: RecordType,
    ) -> Result<Vec<RData>, LookupFailure> {
        let key = (name.trim_end_matches('.').to_ascii_lowercase(), rtype);
        self.answers
            .get_or_compute(key, || self.ask(name, rtype))
            .await
    }

    /// Lookups this resolver sent, and answers it shared instead of asking again.
    pub fn lookup_stats(&self) -> (u64, u64) {
        self.answers.stats()
    }

    /// One question to DNS, under the hard deadline.
    async fn ask(&self, name: &str, rtype: RecordType) -> Result<Vec<RData>, LookupFailure> {
        let fqdn = to_fqdn(name)?;
        let answer = tokio::time::timeout(self.timeout, self.inner.lookup(fqdn, rtype)).await;
        let lookup = match answer {
            Err(_) => {
                return Err(LookupFailure::Failed(format!(
                    "no answer from {} within {} s",
                    self.source,
                    self.timeout.as_secs()
                )));
            }
            Ok(Err(e)) if e.is_nx_domain() => return Err(LookupFailure::NxDomain),
            Ok(Err(e)) if e.is_no_records_found() => return Err(LookupFailure::NoData),
            Ok(Err(e)) => return Err(LookupFailure::Failed(e.to_string())),
            Ok(Ok(l)) => l,
        };
        let out: Vec<RData> = lookup
            .answers()
            .iter()
            .filter(|r| r.record_type() == rtype)
            .map(|r| r.data.clone())
            .collect();
        if out.is_empty() {
            Err(LookupFailure::NoData)
        } else {
            Ok(out)
        }
    }

    /// IPv4 addresses of `name` (following CNAMEs); overrides answer without DNS.
    pub async fn a(&self, name: &str) -> Result<Vec<IpAddr>, LookupFailure> {
        self.addresses(name, RecordType::A).await
    }

    /// IPv6 addresses of `name` (following CNAMEs); overrides answer without DNS.
    pub async fn aaaa(&self, name: &str) -> Result<Vec<IpAddr>, LookupFailure> {
        self.addresses(name, RecordType::AAAA).await
    }

    /// Addresses of one family (`rtype` is A or AAAA): the override's addresses of that
    /// family when `name` has one, else the DNS answer.
    async fn addresses(&self, name: &str, rtype: RecordType) -> Result<Vec<IpAddr>, LookupFailure> {
        let want_v4 = rtype == RecordType::A;
        if let Some(addrs) = self.override_for(name) {
            return non_empty(
                addrs
                    .iter()
                    .copied()
                    .filter(|a| a.is_ipv4() == want_v4)
                    .collect(),
            );
        }
        let recs = self.records(name, rtype).await?;
        Ok(recs
            .into_iter()
            .filter_map(|r| match r {
                RData::A(a) => Some(IpAddr::V4(a.0)),
                RData::AAAA(a) => Some(IpAddr::V6(a.0)),
                _ => None,
            })
            .collect())
    }

    /// A and AAAA addresses together. `NxDomain` wins over `NoData` when both fail, and a
    /// failure of one family is reported only when the other gave nothing either.
    pub async fn ips(&self, name: &str) -> Result<Vec<IpAddr>, LookupFailure> {
        let (v4, v6) = tokio::join!(self.a(name), self.aaaa(name));
        match (v4, v6) {
            (Ok(mut a), Ok(b)) => {
                a.extend(b);
                Ok(a)
            }
            (Ok(a), Err(_)) | (Err(_), Ok(a)) => Ok(a),
            (Err(LookupFailure::NxDomain), _) | (_, Err(LookupFailure::NxDomain)) => {
                Err(LookupFailure::NxDomain)
            }
            (Err(LookupFailure::Failed(e)), _) | (_, Err(LookupFailure::Failed(e))) => {
                Err(LookupFailure::Failed(e))
            }
            (Err(LookupFailure::NoData), Err(LookupFailure::NoData)) => Err(LookupFailure::NoData),
        }
    }

    /// The CNAME target at exactly `name` (without trailing dot), or `None` when `name` is
    /// not an alias.
    pub async fn cname(&self, name: &str) -> Result<Option<String>, LookupFailure> {
        if self.override_for(name).is_some() {
            return Ok(None);
        }
        match self.records(name, RecordType::CNAME).await {
            Ok(recs) => Ok(recs.into_iter().find_map(|r| match r {
                RData::CNAME(c) => Some(strip_dot(&c.0.to_ascii())),
                _ => None,
            })),
            Err(LookupFailure::NoData) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// TXT records, each record's character-strings joined (lossy UTF-8).
    pub async fn txt(&self, name: &str) -> Result<Vec<String>, LookupFailure> {
        let recs = self.records(name, RecordType::TXT).await?;
        Ok(recs
            .into_iter()
            .filter_map(|r| match r {
                RData::TXT(t) => Some(
                    t.txt_data
                        .iter()
                        .map(|part| String::from_utf8_lossy(part).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect())
    }

    /// MX records as (preference, exchange without trailing dot).
    pub async fn mx(&self, name: &str) -> Result<Vec<(u16, String)>, LookupFailure> {
        let recs = self.records(name, RecordType::MX).await?;
        let mut out: Vec<(u16, String)> = recs
            .into_iter()
            .filter_map(|r| match r {
                RData::MX(mx) => Some((mx.preference, strip_dot(&mx.exchange.to_ascii()))),
                _ => None,
            })
            .collect();
        out.sort();
        Ok(out)
    }

    /// NS names without trailing dot, sorted.
    pub async fn ns(&self, name: &str) -> Result<Vec<String>, LookupFailure> {
        let recs = self.records(name, RecordType::NS).await?;
        let mut out: Vec<String> = recs
            .into_iter()
            .filter_map(|r| match r {
                RData::NS(ns) => Some(strip_dot(&ns.0.to_ascii())),
                _ => None,
            })
            .collect();
        out.sort();
        Ok(out)
    }

    /// CAA records in presentation form (`0 issue "letsencrypt.org"`).
    pub async fn caa(&self, name: &str) -> Result<Vec<String>, LookupFailure> {
        let recs = self.records(name, RecordType::CAA).await?;
        Ok(recs
            .into_iter()
            .filter_map(|r| match r {
                RData::CAA(c) => Some(c.to_string()),
                _ => None,
            })
            .collect())
    }
}

fn non_empty(addrs: Vec<IpAddr>) -> Result<Vec<IpAddr>, LookupFailure> {
    if addrs.is_empty() {
        Err(LookupFailure::NoData)
    } else {
        Ok(addrs)
    }
}

fn strip_dot(s: &str) -> String {
    s.trim_end_matches('.').to_ascii_lowercase()
}

/// An absolute name, so no search domain from the system configuration is ever appended.
fn to_fqdn(name: &str) -> Result<Name, LookupFailure> {
    let trimmed = name.trim().trim_end_matches('.');
    Name::from_ascii(format!("{trimmed}."))
        .map_err(|e| LookupFailure::Failed(format!("`{name}` is not a valid DNS name: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Overrides answer per address family without asking DNS: the nameserver here is a
    /// loopback port nobody answers on, so any question that reached it would fail.
    #[tokio::test]
    async fn overrides_answer_each_family_without_dns() {
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        let settings = NetworkSettings {
            nameserver: Some(
                silent
                    .local_addr()
                    .expect("addr")
                    .to_string()
                    .parse()
                    .expect("ns"),
            ),
            resolve: vec![
                "both.test:192.0.2.1".parse().expect("override"),
                "both.test:[2001:db8::1]".parse().expect("override"),
                "v4.test:192.0.2.2".parse().expect("override"),
            ],
            timeout_secs: 1,
            ..NetworkSettings::default()
        };
        let r = Resolver::new(&settings).expect("resolver");
        let v4: IpAddr = "192.0.2.1".parse().expect("ip");
        let v6: IpAddr = "2001:db8::1".parse().expect("ip");
        assert_eq!(r.a("both.test").await, Ok(vec![v4]));
        assert_eq!(r.aaaa("Both.Test.").await, Ok(vec![v6]));
        assert_eq!(r.ips("both.test").await, Ok(vec![v4, v6]));
        assert_eq!(r.aaaa("v4.test").await, Err(LookupFailure::NoData));
        assert_eq!(
            r.ips("v4.test").await,
            Ok(vec!["192.0.2.2".parse::<IpAddr>().expect("ip")])
        );
        assert!(matches!(
            r.a("absent.test").await,
            Err(LookupFailure::Failed(_))
        ));
    }
}
