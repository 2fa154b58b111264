//! One probe of a monitored URL: a bounded GET through the run's network (its overrides,
//! resolver and trust roots), judged against the expected status and optional text; and,
//! for `https://` targets, the certificate's days to expiry from a TLS handshake.

use super::error::CertReadError;
use super::state::ProbeResult;
use crate::net::Net;
use crate::net::cert_info::CertInfo;
use crate::net::fetch::{HttpLimits, fetch};
use crate::net::handshake::{TlsTarget, handshake};
use launch_ready_core::session::model::Targets;
use reqwest::{Method, Url};
use std::time::Duration;
use time::OffsetDateTime;

/// Bytes of a response body read to look for the expected text: enough for a health
/// page, and a bound on what a hostile endpoint can make us hold.
const MAX_BODY: usize = 256 * 1024;

/// What "up" means for one monitored URL. The one place the rule lives: `check --only
/// uptime`, `launch-ready monitor`, the TUI Monitor screen and the alert drill all build
/// their expectation here and judge a probe with `accepts`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// The status to see; `None` accepts any 2xx or 3xx (redirects are not followed).
    pub status: Option<u16>,
    /// The host is meant to be behind a login: 401 and 403 mean up too (the host works,
    /// and asks for credentials the probe does not send).
    pub protected: bool,
    /// Text the body must contain (not looked for in a protected host's 401 or 403).
    pub text: Option<String>,
}

impl Default for Expect {
    fn default() -> Self {
        Expect::any()
    }
}

impl Expect {
    /// Any 2xx or 3xx.
    pub fn any() -> Expect {
        Expect {
            status: None,
            protected: false,
            text: None,
        }
    }

    /// Exactly `status`.
    pub fn exactly(status: u16) -> Expect {
        Expect {
            status: Some(status),
            ..Expect::any()
        }
    }

    /// What up means for `url` among the session's `targets`: any 2xx or 3xx, and 401 or
    /// 403 too when its host is protected (a staging / preview role, or marked so; see
    /// `Targets::is_protected`).
    pub fn for_url(url: &Url, targets: &Targets) -> Expect {
        Expect {
            protected: url.host_str().is_some_and(|h| targets.is_protected(h)),
            ..Expect::any()
        }
    }

    /// Whether `status` means up.
    pub fn accepts(&self, status: u16) -> bool {
        match self.status {
            Some(s) => status == s,
            None => (200..400).contains(&status) || self.asks_for_login(status),
        }
    }

    /// `status` is a protected host asking for credentials.
    fn asks_for_login(&self, status: u16) -> bool {
        self.protected && matches!(status, 401 | 403)
    }

    /// Why `status` is down, for the alert and the screen.
    pub fn reason(&self, status: u16) -> String {
        if self.status.is_none() && matches!(status, 401 | 403) {
            format!("status {status}: asks for a login (the host is not marked protected)")
        } else {
            format!("status {status}")
        }
    }
}

/// Probes `url` once, bounded by `timeout`.
pub async fn probe(net: &Net, url: &Url, expect: &Expect, timeout: Duration) -> ProbeResult {
    let client = match net.client_for(url) {
        Ok(c) => c,
        Err(e) => {
            return ProbeResult::Down {
                reason: e.to_string(),
                latency_ms: None,
            };
        }
    };
    let limits = HttpLimits {
        timeout,
        max_body: if expect.text.is_some() { MAX_BODY } else { 0 },
        memo: None,
        ..HttpLimits::default()
    };
    match fetch(&client, Method::GET, url, &[], &limits, None).await {
        Err(e) => ProbeResult::Down {
            reason: e.to_string(),
            latency_ms: None,
        },
        Ok(f) => {
            if !expect.accepts(f.status) {
                return ProbeResult::Down {
                    reason: expect.reason(f.status),
                    latency_ms: Some(f.elapsed_ms),
                };
            }
            if let Some(text) = &expect.text
                && !expect.asks_for_login(f.status)
                && !f.text().contains(text.as_str())
            {
                return ProbeResult::Down {
                    reason: "expected text not in the response".into(),
                    latency_ms: Some(f.elapsed_ms),
                };
            }
            ProbeResult::Up {
                status: f.status,
                latency_ms: f.elapsed_ms,
            }
        }
    }
}

/// The certificate of an `https://` URL as the probe saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct CertSeen {
    pub host: String,
    pub days_left: i64,
    pub not_after: OffsetDateTime,
}

/// Days to expiry of the leaf `url`'s server sends (`None` for `http://`). The handshake
/// records whatever chain is sent: trust is `tls.certificate`'s business, expiry ours.
pub async fn certificate(
    net: &Net,
    url: &Url,
    timeout: Duration,
) -> Option<Result<CertSeen, String>> {
    if url.scheme() != "https" {
        return None;
    }
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    let port = url.port_or_known_default()?;
    Some(
        leaf_expiry(net, &host, port, timeout)
            .await
            .map_err(|e| e.to_string()),
    )
}

async fn leaf_expiry(
    net: &Net,
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<CertSeen, CertReadError> {
    let addr = tokio::time::timeout(timeout, net.tls_addr(host, port))
        .await
        .map_err(|_| CertReadError::NoAddressInTime {
            host: host.to_string(),
            secs: timeout.as_secs(),
        })??;
    let hs = handshake(&TlsTarget {
        host: host.to_string(),
        addr,
        timeout,
    })
    .await?;
    let leaf = hs.chain.first().ok_or(CertReadError::NoCertificate)?;
    let info = CertInfo::parse(leaf.as_ref())?;
    Ok(CertSeen {
        host: host.to_string(),
        days_left: info.days_to_expiry(OffsetDateTime::now_utc()),
        not_after: info.not_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::session::model::HostTarget;

    fn targets() -> Targets {
        let host = |role: &str, host: &str, protected| HostTarget {
            role: role.into(),
            host: host.into(),
            protected,
        };
        Targets {
            apex: "a.test".into(),
            hosts: vec![
                host("www", "www.a.test", false),
                host("preview", "preview.a.test", false),
                host("admin", "admin.a.test", true),
            ],
            ..Targets::default()
        }
    }

    fn url(u: &str) -> Url {
        Url::parse(u).unwrap()
    }

    #[test]
    fn up_is_2xx_or_3xx_and_401_403_only_for_a_protected_host() {
        let t = targets();
        let plain = Expect::for_url(&url("https://www.a.test/"), &t);
        let by_role = Expect::for_url(&url("https://preview.a.test/login"), &t);
        let by_flag = Expect::for_url(&url("https://admin.a.test/"), &t);
        let unknown = Expect::for_url(&url("https://other.a.test/"), &t);
        for status in [200, 204, 301, 302, 304] {
            for e in [&plain, &by_role, &by_flag, &unknown] {
                assert!(e.accepts(status), "{status} {e:?}");
            }
        }
        for status in [401, 403] {
            assert!(by_role.accepts(status) && by_flag.accepts(status));
            assert!(!plain.accepts(status) && !unknown.accepts(status));
            assert!(
                plain
                    .reason(status)
                    .starts_with(&format!("status {status}"))
            );
        }
        for status in [404, 429, 500, 503] {
            for e in [&plain, &by_role, &by_flag] {
                assert!(!e.accepts(status), "{status} {e:?}");
                assert_eq!(e.reason(status), format!("status {status}"));
            }
        }
        let exact = Expect::exactly(204);
        assert!(exact.accepts(204) && !exact.accepts(200));
    }
}
