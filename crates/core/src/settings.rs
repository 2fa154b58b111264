//! Network settings shared by every check family, and the parsers for their curl-like
//! command-line forms. Pure: the resolver and clients built from these live in the engine.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;

mod error;
pub use error::{HostNameError, SettingError};

pub const DEFAULT_TIMEOUT_SECS: u64 = 5;
pub const DEFAULT_CONCURRENCY: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    /// Resolver to use instead of the system one (UDP with TCP fallback).
    #[serde(default)]
    pub nameserver: Option<Nameserver>,
    /// `HOST:ADDR` overrides, as curl's `--resolve` (without a port).
    #[serde(default)]
    pub resolve: Vec<ResolveOverride>,
    /// `HOST:PORT:ADDR:PORT` overrides, as curl's `--connect-to`.
    #[serde(default)]
    pub connect_to: Vec<ConnectTo>,
    /// Extra trusted roots (PEM), added to the OS trust store.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Timeout for each network operation, in seconds.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// Checks in flight at once.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Base URL of the Cloudflare API v4 (the public one when unset); the demo session
    /// points it at the lab's fake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudflare_api: Option<String>,
    /// Hosts besides the session's own whose page-named URLs (scripts, stylesheets,
    /// images) may be fetched although they resolve to a loopback, private or other inner
    /// address; every other host must be public (see `checks::net::guard`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fetch_hosts: Vec<String>,
}

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_SECS
}

fn default_concurrency() -> usize {
    DEFAULT_CONCURRENCY
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            nameserver: None,
            resolve: Vec::new(),
            connect_to: Vec::new(),
            ca_file: None,
            timeout_secs: DEFAULT_TIMEOUT_SECS,
            concurrency: DEFAULT_CONCURRENCY,
            cloudflare_api: None,
            fetch_hosts: Vec::new(),
        }
    }
}

/// The longest timeout a run accepts, in seconds.
pub const MAX_TIMEOUT_SECS: u64 = 600;

/// Network flags as a user typed them (`--nameserver`, `--resolve`, `--connect-to`,
/// `--ca-file`, `--timeout`), laid over a session's settings. One shape for `check`,
/// `load`, `monitor` and `new`, so each flag is parsed and refused the same way everywhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkOverrides {
    pub nameserver: Option<String>,
    pub resolve: Vec<String>,
    pub connect_to: Vec<String>,
    pub ca_file: Option<PathBuf>,
    pub timeout_secs: Option<u64>,
    /// `--fetch-host` entries, added to the session's `fetch_hosts`.
    pub fetch_hosts: Vec<String>,
}

/// A network flag that cannot be used, named as the user typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverrideError {
    #[error("--{flag}: {reason}")]
    Invalid {
        flag: &'static str,
        #[source]
        reason: SettingError,
    },
    #[error("--fetch-host: `{0}` is not a host name")]
    FetchHost(String),
    #[error("--timeout `{0}` must be between 1 and {MAX_TIMEOUT_SECS} seconds")]
    Timeout(u64),
}

impl NetworkOverrides {
    /// `base` with these flags applied: a nameserver or CA file replaces the session's,
    /// `--resolve` and `--connect-to` entries come after the session's (the first match
    /// wins, so the session's own entries still hold for their hosts).
    pub fn apply(&self, base: NetworkSettings) -> Result<NetworkSettings, OverrideError> {
        fn all<T: FromStr<Err = SettingError>>(
            flag: &'static str,
            values: &[String],
        ) -> Result<Vec<T>, OverrideError> {
            values
                .iter()
                .map(|v| {
                    v.parse::<T>()
                        .map_err(|reason| OverrideError::Invalid { flag, reason })
                })
                .collect()
        }
        let mut n = base;
        if let Some(ns) = &self.nameserver {
            n.nameserver =
                Some(
                    ns.parse::<Nameserver>()
                        .map_err(|reason| OverrideError::Invalid {
                            flag: "nameserver",
                            reason,
                        })?,
                );
        }
        n.resolve
            .extend(all::<ResolveOverride>("resolve", &self.resolve)?);
        n.connect_to
            .extend(all::<ConnectTo>("connect-to", &self.connect_to)?);
        if let Some(ca) = &self.ca_file {
            n.ca_file = Some(ca.clone());
        }
        for h in &self.fetch_hosts {
            let host = h.trim().trim_end_matches('.').to_ascii_lowercase();
            if host.is_empty() || host.contains(['/', ':', ' ']) {
                return Err(OverrideError::FetchHost(h.clone()));
            }
            n.fetch_hosts.push(host);
        }
        if let Some(t) = self.timeout_secs {
            if t == 0 || t > MAX_TIMEOUT_SECS {
                return Err(OverrideError::Timeout(t));
            }
            n.timeout_secs = t;
        }
        Ok(n)
    }
}

/// The host of the public Cloudflare API: a base elsewhere is named wherever the token is
/// used, since the token goes to whatever base the settings give.
pub const CLOUDFLARE_API_HOST: &str = "api.cloudflare.com";

/// Why a Cloudflare API base URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudflareApiError {
    #[error("`{text}` is not a URL: {reason}")]
    NotUrl { text: String, reason: String },
    #[error("`{0}` must be an http or https URL with a host")]
    Scheme(String),
    #[error("the Cloudflare API URL must not carry credentials")]
    Credentials,
    /// The token would cross the network in the clear; only a loopback base (the lab's
    /// fake, a local proxy) may be plain http.
    #[error(
        "`{0}` is plain http to a host that is not loopback: the API token would travel unencrypted (use https, or http only on 127.0.0.1, ::1 or localhost)"
    )]
    PlainHttp(String),
}

/// Reads a Cloudflare API base URL (`--cloudflare-api`, the targets screen, a session's
/// `cloudflare_api` before the token is sent): an https URL with a host, or an http one on
/// loopback, kept without its trailing slash.
pub fn parse_cloudflare_api(text: &str) -> Result<String, CloudflareApiError> {
    let t = text.trim();
    let url = url::Url::parse(t).map_err(|e| CloudflareApiError::NotUrl {
        text: t.to_string(),
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(CloudflareApiError::Scheme(t.to_string()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(CloudflareApiError::Credentials);
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(CloudflareApiError::PlainHttp(t.to_string()));
    }
    Ok(t.trim_end_matches('/').to_string())
}

/// 127.0.0.0/8, ::1 or `localhost` (which the run's resolver never sends elsewhere).
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d.trim_end_matches('.').eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// `HOST[:PORT]` of a Cloudflare API base that is not the public API, `None` for the
/// public one (or an unreadable base, which `parse_cloudflare_api` refuses anyway).
pub fn cloudflare_api_elsewhere(base: &str) -> Option<String> {
    let url = url::Url::parse(base.trim()).ok()?;
    let host = url.host_str()?;
    if url.scheme() == "https"
        && host
            .trim_end_matches('.')
            .eq_ignore_ascii_case(CLOUDFLARE_API_HOST)
        && url.port().is_none()
    {
        return None;
    }
    Some(match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    })
}

/// A nameserver address; port 53 when none is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nameserver(pub SocketAddr);

impl FromStr for Nameserver {
    type Err = SettingError;
    fn from_str(s: &str) -> Result<Self, SettingError> {
        let s = s.trim();
        if let Ok(sa) = s.parse::<SocketAddr>() {
            return Ok(Nameserver(sa));
        }
        if let Ok(ip) = s
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            return Ok(Nameserver(SocketAddr::new(ip, 53)));
        }
        Err(SettingError::Nameserver(s.to_string()))
    }
}

impl TryFrom<String> for Nameserver {
    type Error = SettingError;
    fn try_from(s: String) -> Result<Self, SettingError> {
        s.parse()
    }
}

impl From<Nameserver> for String {
    fn from(n: Nameserver) -> String {
        n.to_string()
    }
}

impl fmt::Display for Nameserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// `HOST:ADDR`: connect to ADDR whenever HOST is resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResolveOverride {
    pub host: String,
    pub addr: IpAddr,
}

impl FromStr for ResolveOverride {
    type Err = SettingError;
    fn from_str(s: &str) -> Result<Self, SettingError> {
        let (host, addr) = s
            .split_once(':')
            .ok_or_else(|| SettingError::ResolveForm(s.to_string()))?;
        let host = normalize_host(host)?;
        let addr = parse_bracketed_ip(addr).ok_or_else(|| SettingError::ResolveAddr {
            spec: s.to_string(),
            addr: addr.to_string(),
        })?;
        Ok(ResolveOverride { host, addr })
    }
}

impl TryFrom<String> for ResolveOverride {
    type Error = SettingError;
    fn try_from(s: String) -> Result<Self, SettingError> {
        s.parse()
    }
}

impl From<ResolveOverride> for String {
    fn from(r: ResolveOverride) -> String {
        r.to_string()
    }
}

impl fmt::Display for ResolveOverride {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.addr {
            IpAddr::V6(a) => write!(f, "{}:[{a}]", self.host),
            IpAddr::V4(a) => write!(f, "{}:{a}", self.host),
        }
    }
}

/// `HOST:PORT:ADDR:PORT`: a connection to HOST:PORT goes to ADDR:PORT instead, while TLS
/// and the Host header still name HOST. HOST may be `*.DOMAIN`: every name under DOMAIN
/// (not DOMAIN itself) that resolves, so a lab or a staging network is one entry per port
/// and a name that does not exist still fails as it would without the entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ConnectTo {
    pub host: String,
    pub port: u16,
    pub to: SocketAddr,
}

impl FromStr for ConnectTo {
    type Err = SettingError;
    fn from_str(s: &str) -> Result<Self, SettingError> {
        let bad = || SettingError::ConnectToForm(s.to_string());
        let bad_port = |port: &str| SettingError::ConnectToPort {
            spec: s.to_string(),
            port: port.to_string(),
        };
        let (host, rest) = s.split_once(':').ok_or_else(bad)?;
        let (port, to) = rest.split_once(':').ok_or_else(bad)?;
        let host = match host.strip_prefix("*.") {
            Some(domain) => format!("*.{}", normalize_host(domain)?),
            None => normalize_host(host)?,
        };
        let port = port.parse::<u16>().map_err(|_| bad_port(port))?;
        let (addr, to_port) = to.rsplit_once(':').ok_or_else(bad)?;
        let addr = parse_bracketed_ip(addr).ok_or_else(|| SettingError::ConnectToAddr {
            spec: s.to_string(),
            addr: addr.to_string(),
        })?;
        let to_port = to_port.parse::<u16>().map_err(|_| bad_port(to_port))?;
        Ok(ConnectTo {
            host,
            port,
            to: SocketAddr::new(addr, to_port),
        })
    }
}

impl ConnectTo {
    /// Whether the host is a `*.DOMAIN` pattern.
    pub fn is_wildcard(&self) -> bool {
        self.host.starts_with("*.")
    }

    /// Whether this entry sends `host:port` elsewhere (`host` lower case, no final dot).
    pub fn matches(&self, host: &str, port: u16) -> bool {
        if self.port != port {
            return false;
        }
        match self.host.strip_prefix("*.") {
            Some(domain) => host
                .strip_suffix(domain)
                .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
            None => self.host == host,
        }
    }
}

impl TryFrom<String> for ConnectTo {
    type Error = SettingError;
    fn try_from(s: String) -> Result<Self, SettingError> {
        s.parse()
    }
}

impl From<ConnectTo> for String {
    fn from(c: ConnectTo) -> String {
        c.to_string()
    }
}

impl fmt::Display for ConnectTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to {
            SocketAddr::V6(a) => write!(f, "{}:{}:[{}]:{}", self.host, self.port, a.ip(), a.port()),
            SocketAddr::V4(a) => write!(f, "{}:{}:{}:{}", self.host, self.port, a.ip(), a.port()),
        }
    }
}

/// An IP address, IPv6 optionally in brackets as curl writes it (`[::1]`), so the forms
/// users copy from curl commands parse as they are.
fn parse_bracketed_ip(text: &str) -> Option<IpAddr> {
    text.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// Checks a host name and returns it lowercased without a trailing dot. Rejects empty
/// labels, labels over 63 bytes, names over 253 bytes, characters outside LDH (plus `_`
/// for service labels such as `_dmarc`), and leading or trailing hyphens.
pub fn normalize_host(host: &str) -> Result<String, HostNameError> {
    let given = || host.to_string();
    let h = host.trim().trim_end_matches('.').to_lowercase();
    if h.is_empty() {
        return Err(HostNameError::Empty);
    }
    let h = if h.is_ascii() {
        h
    } else {
        to_ascii_name(&h).ok_or_else(|| HostNameError::NotIdna(given()))?
    };
    if h.len() > 253 {
        return Err(HostNameError::TooLong(given()));
    }
    if h.parse::<IpAddr>().is_ok() {
        return Err(HostNameError::IpAddress(given()));
    }
    for label in h.split('.') {
        if label.is_empty() {
            return Err(HostNameError::EmptyLabel(given()));
        }
        if label.len() > 63 {
            return Err(HostNameError::LongLabel(given()));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(HostNameError::Hyphen {
                host: given(),
                label: label.to_string(),
            });
        }
        if let Some(character) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(HostNameError::Character {
                host: given(),
                character,
            });
        }
    }
    Ok(h)
}

/// The ASCII (punycode) form of an internationalised name, as DNS and TLS see it; `None`
/// when the name is not valid under IDNA.
fn to_ascii_name(name: &str) -> Option<String> {
    if name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    // The URL parser applies IDNA (UTS #46) to the host; the label checks that follow in
    // `normalize_host` still apply to what it gives back.
    let url = url::Url::parse(&format!("http://{name}/")).ok()?;
    url.host_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloudflare_api_urls_are_http_with_a_host_and_no_credentials() {
        assert_eq!(
            parse_cloudflare_api(" http://127.0.0.1:8080/client/v4/ ").unwrap(),
            "http://127.0.0.1:8080/client/v4"
        );
        assert!(parse_cloudflare_api("ftp://api.example/").is_err());
        assert!(parse_cloudflare_api("not a url").is_err());
        let e = parse_cloudflare_api("https://user:pw@api.example/").unwrap_err();
        assert!(!e.to_string().contains("pw"), "{e}");
    }

    #[test]
    fn plain_http_is_refused_except_on_loopback() {
        for ok in [
            "http://127.0.0.1:9/client/v4",
            "http://127.8.9.10/client/v4",
            "http://[::1]:9/client/v4",
            "http://localhost:9/client/v4",
            "https://api.example/client/v4",
        ] {
            assert!(parse_cloudflare_api(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/client/v4",
            "http://api.cloudflare.com/client/v4",
            "http://10.0.0.1/client/v4",
            "http://localhost.example.com/",
        ] {
            let e = parse_cloudflare_api(bad).unwrap_err();
            assert!(matches!(e, CloudflareApiError::PlainHttp(_)), "{bad}: {e}");
            assert!(e.to_string().contains("plain http"), "{e}");
        }
    }

    #[test]
    fn only_the_public_api_goes_unnamed() {
        assert_eq!(
            cloudflare_api_elsewhere("https://api.cloudflare.com/client/v4"),
            None
        );
        assert_eq!(
            cloudflare_api_elsewhere("http://127.0.0.1:8080/client/v4").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(
            cloudflare_api_elsewhere("https://cf-proxy.example/client/v4").as_deref(),
            Some("cf-proxy.example")
        );
    }

    #[test]
    fn nameserver_forms() {
        assert_eq!("127.0.0.1".parse::<Nameserver>().unwrap().0.port(), 53);
        assert_eq!(
            "127.0.0.1:5353".parse::<Nameserver>().unwrap().0.port(),
            5353
        );
        assert_eq!("[::1]:5353".parse::<Nameserver>().unwrap().0.port(), 5353);
        assert!("ns.example.com".parse::<Nameserver>().is_err());
    }

    /// `--fetch-host` adds to the session's list as a bare host name; a URL is refused
    /// with the flag named, so an allowance cannot silently match nothing.
    #[test]
    fn fetch_hosts_are_host_names() {
        let base = NetworkSettings {
            fetch_hosts: vec!["cdn.a.test".into()],
            ..NetworkSettings::default()
        };
        let flags = NetworkOverrides {
            fetch_hosts: vec!["Assets.B.Test.".into()],
            ..NetworkOverrides::default()
        };
        let n = flags.apply(base.clone()).expect("applies");
        assert_eq!(n.fetch_hosts, ["cdn.a.test", "assets.b.test"]);
        let bad = NetworkOverrides {
            fetch_hosts: vec!["https://x.test/".into()],
            ..NetworkOverrides::default()
        };
        let e = bad.apply(base).expect_err("a URL");
        assert!(e.to_string().starts_with("--fetch-host:"), "{e}");
    }

    #[test]
    fn connect_to_round_trips() {
        let c: ConnectTo = "Example.com:443:127.0.0.1:8443".parse().unwrap();
        assert_eq!(c.host, "example.com");
        assert_eq!(c.to.port(), 8443);
        assert_eq!(c.to_string(), "example.com:443:127.0.0.1:8443");
        let c6: ConnectTo = "a.test:443:[::1]:9443".parse().unwrap();
        assert_eq!(c6.to_string().parse::<ConnectTo>().unwrap(), c6);
        assert!("a.test:443:127.0.0.1".parse::<ConnectTo>().is_err());
        assert!("a.test:99999:127.0.0.1:1".parse::<ConnectTo>().is_err());
        let w: ConnectTo = "*.Lab.Test.:443:127.0.0.1:8443".parse().unwrap();
        assert_eq!(w.to_string(), "*.lab.test:443:127.0.0.1:8443");
        assert_eq!(w.to_string().parse::<ConnectTo>().unwrap(), w);
        // Only a whole leading label is a wildcard.
        assert!("*lab.test:443:127.0.0.1:1".parse::<ConnectTo>().is_err());
        assert!("a.*.test:443:127.0.0.1:1".parse::<ConnectTo>().is_err());
        assert!("*.:443:127.0.0.1:1".parse::<ConnectTo>().is_err());
    }

    #[test]
    fn resolve_override_parses() {
        let r: ResolveOverride = "www.a.test:10.0.0.1".parse().unwrap();
        assert_eq!(r.to_string(), "www.a.test:10.0.0.1");
        assert!("www.a.test".parse::<ResolveOverride>().is_err());
        assert!("www.a.test:nope".parse::<ResolveOverride>().is_err());
    }

    #[test]
    fn host_validation() {
        assert_eq!(
            normalize_host("WWW.Example.COM.").unwrap(),
            "www.example.com"
        );
        assert!(normalize_host("exa mple.com").is_err());
        assert!(normalize_host("a..b").is_err());
        assert!(normalize_host("-a.com").is_err());
        assert!(normalize_host(&"a".repeat(64)).is_err());
        assert!(normalize_host("127.0.0.1").is_err());
        assert!(normalize_host("").is_err());
    }

    #[test]
    fn international_names_become_punycode() {
        assert_eq!(
            normalize_host("Bücher.Example").unwrap(),
            "xn--bcher-kva.example"
        );
        assert!(normalize_host("bü cher.example").is_err());
    }

    #[test]
    fn errors_escape_control_characters_of_the_bad_value() {
        let err = normalize_host("a\u{1b}[31m.com").unwrap_err().to_string();
        assert!(!err.contains('\u{1b}'), "{err:?}");
        assert!(err.contains("a\\u{1b}[31m.com"), "{err:?}");
    }
}
