//! Connections the checks make: HTTP clients and raw TCP, both honouring the session's
//! `resolve` and `connect_to` overrides and the explicit nameserver.
//!
//! reqwest keys its own overrides by host only, while `connect_to` is keyed by host *and*
//! port, so a client is built per destination port and carries only the `connect_to`
//! entries for that port. Everything else (timeouts, trust, user agent, no redirects, no
//! proxy) is the same for every client, so checks see one consistent network.

use super::error::{CaFileError, ClientError, ConnectError};
use super::resolver::{LookupFailure, Resolver};
use launch_ready_core::settings::{ConnectTo, NetworkSettings};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

/// The user agent every request sends, naming the tool and its version.
pub const USER_AGENT: &str = concat!("launch-ready/", env!("CARGO_PKG_VERSION"));

/// Extra trusted roots read from `ca_file`, checked when the settings are loaded so that a
/// bad file is a configuration error rather than a failed check.
#[derive(Clone, Default)]
pub struct ExtraRoots {
    /// DER of each certificate found in the file.
    pub der: Vec<Vec<u8>>,
}

impl std::fmt::Debug for ExtraRoots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExtraRoots({} certificates)", self.der.len())
    }
}

impl ExtraRoots {
    /// Reads every PEM certificate of `path`; an unreadable file, a file that does not
    /// parse or one holding no certificate is an error naming the path.
    pub fn load(path: &Path) -> Result<ExtraRoots, CaFileError> {
        // Through the guarded reader: a FIFO or a device named as the CA file must not
        // hang or exhaust the run. A bundle of every public root is well under the cap.
        let bytes = launch_ready_core::files::read(path, 16 * 1024 * 1024).map_err(|source| {
            CaFileError::Unreadable {
                path: path.to_path_buf(),
                source,
            }
        })?;
        let mut der = Vec::new();
        for item in CertificateDer::pem_slice_iter(&bytes) {
            let cert = item.map_err(|source| CaFileError::NotPem {
                path: path.to_path_buf(),
                source,
            })?;
            der.push(cert.as_ref().to_vec());
        }
        if der.is_empty() {
            return Err(CaFileError::NoCertificate(path.to_path_buf()));
        }
        for (i, d) in der.iter().enumerate() {
            reqwest::Certificate::from_der(d).map_err(|source| CaFileError::NotX509 {
                path: path.to_path_buf(),
                number: i + 1,
                source,
            })?;
        }
        Ok(ExtraRoots { der })
    }
}

/// reqwest's DNS hook over the shared resolver, so HTTP requests use the same nameserver
/// and `resolve` overrides as the DNS checks. The client's `connect_to` entries answer
/// with their port, which the connector keeps unless the URL names one: an exact entry
/// without a lookup (as curl does), a wildcard (`*.example.test`) once the name resolves.
/// Done here rather than with reqwest's per-host overrides because no fixed list of names
/// covers a wildcard.
struct SharedResolve {
    resolver: Arc<Resolver>,
    overrides: Overrides,
}

/// Which `connect_to` entries a client honours.
enum Overrides {
    /// Those for one destination port.
    Port(u16, Vec<ConnectTo>),
    /// Both web ports, for a client whose requests cross schemes.
    CrossScheme(Vec<ConnectTo>),
}

impl Overrides {
    fn target(&self, host: &str, wildcard: bool) -> Option<SocketAddr> {
        match self {
            Overrides::Port(port, c) => pick(c, host, *port, wildcard),
            Overrides::CrossScheme(c) => cross_scheme_target(c, host, wildcard),
        }
    }
}

impl Resolve for SharedResolve {
    fn resolve(&self, name: Name) -> Resolving {
        if let Some(to) = self.overrides.target(name.as_str(), false) {
            let addrs: Addrs = Box::new(std::iter::once(to));
            return Box::pin(async move { Ok(addrs) });
        }
        let resolver = self.resolver.clone();
        let wildcard = self.overrides.target(name.as_str(), true);
        Box::pin(async move {
            let ips = resolver.ips(name.as_str()).await.map_err(|e| match e {
                LookupFailure::NxDomain => format!("{}: no such domain", name.as_str()),
                LookupFailure::NoData => format!("{}: no A/AAAA records", name.as_str()),
                LookupFailure::Failed(m) => format!("{}: {m}", name.as_str()),
            })?;
            if let Some(to) = wildcard {
                let addrs: Addrs = Box::new(std::iter::once(to));
                return Ok(addrs);
            }
            let addrs: Addrs = Box::new(
                ips.into_iter()
                    .map(|ip| SocketAddr::new(ip, 0))
                    .collect::<Vec<_>>()
                    .into_iter(),
            );
            Ok(addrs)
        })
    }
}

/// Builds an HTTP client for requests to `port` (80 for `http://`, 443 for `https://`).
pub fn http_client(
    settings: &NetworkSettings,
    resolver: &Arc<Resolver>,
    roots: &ExtraRoots,
    port: u16,
) -> Result<reqwest::Client, ClientError> {
    let overrides = Overrides::Port(port, settings.connect_to.clone());
    base_builder(settings, resolver, roots, overrides)?
        .build()
        .map_err(ClientError::Build)
}

/// Everything every client shares: timeouts, no redirects, no proxy, the user agent, the
/// shared resolver and the extra roots.
fn base_builder(
    settings: &NetworkSettings,
    resolver: &Arc<Resolver>,
    roots: &ExtraRoots,
    overrides: Overrides,
) -> Result<reqwest::ClientBuilder, ClientError> {
    super::install_crypto_provider();
    let timeout = Duration::from_secs(settings.timeout_secs.max(1));
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .no_proxy()
        .user_agent(USER_AGENT)
        .dns_resolver(Arc::new(SharedResolve {
            resolver: resolver.clone(),
            overrides,
        }));
    let mut certs = Vec::with_capacity(roots.der.len());
    for d in &roots.der {
        certs.push(reqwest::Certificate::from_der(d).map_err(ClientError::Root)?);
    }
    if !certs.is_empty() {
        builder = builder.tls_certs_merge(certs);
    }
    Ok(builder)
}

/// Where a client whose requests cross schemes (a redirect chain from `http://` to
/// `https://`, a page and its assets) connects for `host`, since the resolver is asked for
/// a name, not a port. When the host's ports 80 and 443 go to the same address, that
/// address; when they go to ports 80 and 443 of one IP, that IP with port 0 (each scheme
/// then takes its own port); otherwise the port-443 entry, because HTTPS is where pages
/// are judged, and only `http://` requests to that host are misdirected.
/// `wildcard` picks the `*.DOMAIN` entries rather than the exact ones.
pub fn cross_scheme_target(
    connect_to: &[ConnectTo],
    host: &str,
    wildcard: bool,
) -> Option<SocketAddr> {
    let plain = pick(connect_to, host, 80, wildcard);
    let secure = pick(connect_to, host, 443, wildcard);
    match (plain, secure) {
        (Some(p), Some(s)) if p == s => Some(p),
        (Some(p), Some(s)) if p.ip() == s.ip() && p.port() == 80 && s.port() == 443 => {
            Some(SocketAddr::new(s.ip(), 0))
        }
        (_, Some(s)) => Some(s),
        (Some(p), None) => Some(p),
        // Entries for other ports only: the per-port clients handle those.
        (None, None) => None,
    }
}

/// Builds the cross-scheme HTTP client (see `cross_scheme_target`): same timeouts,
/// trust, user agent and resolver as the per-port clients, redirects off.
pub fn web_client(
    settings: &NetworkSettings,
    resolver: &Arc<Resolver>,
    roots: &ExtraRoots,
) -> Result<reqwest::Client, ClientError> {
    let overrides = Overrides::CrossScheme(settings.connect_to.clone());
    base_builder(settings, resolver, roots, overrides)?
        .build()
        .map_err(ClientError::Build)
}

/// The cross-scheme client with certificate verification off: only for reading a page
/// whose certificate `tls.certificate` already reports as untrusted, so the http family
/// can still judge its headers and content. Never used to decide trust.
pub fn unverified_web_client(
    settings: &NetworkSettings,
    resolver: &Arc<Resolver>,
    roots: &ExtraRoots,
) -> Result<reqwest::Client, ClientError> {
    let overrides = Overrides::CrossScheme(settings.connect_to.clone());
    base_builder(settings, resolver, roots, overrides)?
        .danger_accept_invalid_certs(true)
        .build()
        .map_err(ClientError::Build)
}

/// The exact `connect_to` destination for `host:port`, taken without a lookup.
pub fn connect_target(connect_to: &[ConnectTo], host: &str, port: u16) -> Option<SocketAddr> {
    pick(connect_to, host, port, false)
}

/// The `*.DOMAIN` destination for `host:port`, taken once `host` resolves.
pub fn wildcard_target(connect_to: &[ConnectTo], host: &str, port: u16) -> Option<SocketAddr> {
    pick(connect_to, host, port, true)
}

fn pick(connect_to: &[ConnectTo], host: &str, port: u16, wildcard: bool) -> Option<SocketAddr> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    connect_to
        .iter()
        .filter(|c| c.is_wildcard() == wildcard)
        .find(|c| c.matches(&host, port))
        .map(|c| c.to)
}

/// Opens a TCP connection to `host:port` under the settings' timeout: a `connect_to`
/// entry wins, else each resolved address is tried in turn.
pub async fn connect_tcp(
    settings: &NetworkSettings,
    resolver: &Resolver,
    host: &str,
    port: u16,
) -> Result<TcpStream, ConnectError> {
    let timeout = Duration::from_secs(settings.timeout_secs.max(1));
    // An IP literal (`127.0.0.1`, `[::1]`) needs no lookup.
    let literal = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .ok();
    let addrs: Vec<SocketAddr> = match connect_target(&settings.connect_to, host, port) {
        Some(a) => vec![a],
        None if literal.is_some() => literal
            .map(|ip| SocketAddr::new(ip, port))
            .into_iter()
            .collect(),
        None => {
            let ips = resolver
                .ips(host)
                .await
                .map_err(|source| ConnectError::Lookup {
                    host: host.to_string(),
                    source,
                })?;
            match wildcard_target(&settings.connect_to, host, port) {
                Some(a) => vec![a],
                None => ips
                    .into_iter()
                    .map(|ip| SocketAddr::new(ip, port))
                    .collect(),
            }
        }
    };
    let mut last = ConnectError::NoAddress(host.to_string());
    for addr in addrs {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => return Ok(s),
            Ok(Err(source)) => {
                last = ConnectError::Refused {
                    host: host.to_string(),
                    port,
                    addr,
                    source,
                };
            }
            Err(_) => {
                last = ConnectError::Timeout {
                    host: host.to_string(),
                    port,
                    addr,
                    secs: timeout.as_secs(),
                };
            }
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(list: &[&str]) -> Vec<ConnectTo> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn cross_scheme_targets_pick_one_address_per_host() {
        let list = entries(&[
            "same.test:80:127.0.0.1:9000",
            "same.test:443:127.0.0.1:9000",
            "std.test:80:10.0.0.5:80",
            "std.test:443:10.0.0.5:443",
            "split.test:80:127.0.0.1:8080",
            "split.test:443:127.0.0.1:8443",
            "plain.test:80:127.0.0.1:8081",
            "other.test:8443:127.0.0.1:1",
        ]);
        let get = |h: &str| cross_scheme_target(&list, h, false).map(|a| a.to_string());
        assert_eq!(get("same.test").as_deref(), Some("127.0.0.1:9000"));
        assert_eq!(get("std.test").as_deref(), Some("10.0.0.5:0"));
        assert_eq!(get("split.test").as_deref(), Some("127.0.0.1:8443"));
        assert_eq!(get("plain.test").as_deref(), Some("127.0.0.1:8081"));
        assert_eq!(get("other.test"), None);
    }

    #[test]
    fn a_wildcard_covers_every_name_under_its_domain_and_an_exact_entry_listed_first_wins() {
        let list = entries(&[
            "old.lab.test:443:127.0.0.1:7000",
            "*.lab.test:443:127.0.0.1:8443",
            "*.lab.test:80:127.0.0.1:8080",
        ]);
        let at = |h: &str, p: u16| wildcard_target(&list, h, p).map(|a| a.to_string());
        assert_eq!(at("www.lab.test", 443).as_deref(), Some("127.0.0.1:8443"));
        assert_eq!(at("a.b.lab.test.", 80).as_deref(), Some("127.0.0.1:8080"));
        assert_eq!(at("WWW.Lab.Test", 80).as_deref(), Some("127.0.0.1:8080"));
        // The exact entry is taken first, without a lookup; the wildcard only after one.
        assert_eq!(
            connect_target(&list, "old.lab.test", 443).map(|a| a.to_string()),
            Some("127.0.0.1:7000".into())
        );
        assert_eq!(connect_target(&list, "www.lab.test", 443), None);
        // Not the domain itself, not a look-alike, not another port.
        assert_eq!(at("lab.test", 443), None);
        assert_eq!(at("evillab.test", 443), None);
        assert_eq!(at("www.lab.test", 8443), None);
        assert_eq!(
            cross_scheme_target(&list, "app.lab.test", true).map(|a| a.to_string()),
            Some("127.0.0.1:8443".into())
        );
    }
}
