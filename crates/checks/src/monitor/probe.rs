//! One probe of a monitored URL: a bounded GET through the run's network (its overrides,
//! resolver and trust roots), judged against the expected status and optional text; and,
//! for `https://` targets, the certificate's days to expiry from a TLS handshake.

use super::state::ProbeResult;
use crate::net::Net;
use crate::net::cert_info::CertInfo;
use crate::net::fetch::{HttpLimits, fetch};
use crate::net::handshake::{TlsTarget, handshake};
use reqwest::{Method, Url};
use std::time::Duration;
use time::OffsetDateTime;

/// Bytes of a response body read to look for the expected text: enough for a health
/// page, and a bound on what a hostile endpoint can make us hold.
const MAX_BODY: usize = 256 * 1024;

/// What a probe expects of one URL (by default: any 2xx or 3xx, any body).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expect {
    /// The status to see; `None` accepts any 2xx or 3xx (redirects are not followed).
    pub status: Option<u16>,
    /// Text the body must contain.
    pub text: Option<String>,
}

/// Probes `url` once, bounded by `timeout`.
pub async fn probe(net: &Net, url: &Url, expect: &Expect, timeout: Duration) -> ProbeResult {
    let client = match net.client_for(url) {
        Ok(c) => c,
        Err(reason) => {
            return ProbeResult::Down {
                reason,
                latency_ms: None,
            };
        }
    };
    let limits = HttpLimits {
        timeout,
        max_body: if expect.text.is_some() { MAX_BODY } else { 0 },
        memo: None,
    };
    match fetch(&client, Method::GET, url, &[], &limits, None).await {
        Err(e) => ProbeResult::Down {
            reason: e.to_string(),
            latency_ms: None,
        },
        Ok(f) => {
            let status_ok = match expect.status {
                Some(s) => f.status == s,
                None => (200..400).contains(&f.status),
            };
            if !status_ok {
                return ProbeResult::Down {
                    reason: format!("status {}", f.status),
                    latency_ms: Some(f.elapsed_ms),
                };
            }
            if let Some(text) = &expect.text
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
    Some(leaf_expiry(net, &host, port, timeout).await)
}

async fn leaf_expiry(
    net: &Net,
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<CertSeen, String> {
    let addr = tokio::time::timeout(timeout, net.tls_addr(host, port))
        .await
        .map_err(|_| format!("{host}: no address within {} s", timeout.as_secs()))??;
    let hs = handshake(&TlsTarget {
        host: host.to_string(),
        addr,
        timeout,
    })
    .await
    .map_err(|e| e.to_string())?;
    let leaf = hs.chain.first().ok_or("the server sent no certificate")?;
    let info = CertInfo::parse(leaf.as_ref())?;
    Ok(CertSeen {
        host: host.to_string(),
        days_left: info.days_to_expiry(OffsetDateTime::now_utc()),
        not_after: info.not_after,
    })
}
