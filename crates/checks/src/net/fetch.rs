//! One bounded HTTP exchange: every request of the http family and every monitor probe
//! goes through `fetch`.
//!
//! A server under audit may be slow, silent or hostile, so the whole exchange (connect,
//! headers and body) runs under one deadline, and the body is read chunk by chunk and
//! dropped past a size cap instead of being buffered whole. The caller gets the status,
//! the headers, at most `max_body` bytes and whether the body was cut.

use super::guard::HostGuard;
use super::memo::Memo;
use reqwest::header::HeaderMap;
use reqwest::{Client, Method, Url};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{Instant, timeout_at};

/// Default cap on bodies read by the checks.
pub const DEFAULT_MAX_BODY: usize = 2 * 1024 * 1024;
/// Default bound on one exchange.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Bounds applied to every request of a check, and the run's shared answers.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    /// Bound on one exchange (connect, headers and the capped body); a redirect chain or a
    /// set of probes of one check shares one such bound.
    pub timeout: Duration,
    /// Body bytes kept; the rest is not read.
    pub max_body: usize,
    /// The run's shared exchanges (`None`: every request goes out, as in unit tests).
    pub memo: Option<Arc<PageMemo>>,
    /// Which URLs a page names may be fetched (see `guard`). The default knows no session
    /// host but the page's own and asks the system resolver, so a check run without a
    /// session still refuses inner addresses.
    pub guard: Arc<HostGuard>,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            timeout: DEFAULT_TIMEOUT,
            max_body: DEFAULT_MAX_BODY,
            memo: None,
            guard: Arc::default(),
        }
    }
}

/// One request shape: what makes two requests the same exchange.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestShape {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub max_body: usize,
}

/// The exchanges of one run, by request shape, and the client a page with an untrusted
/// certificate is fetched again with.
#[derive(Debug)]
pub struct PageMemo {
    answers: Memo<RequestShape, Result<Fetched, FetchError>>,
    unverified: Option<Client>,
}

impl PageMemo {
    /// A new table; `unverified` (certificate checks off) is the fallback client for pages
    /// whose certificate fails verification, `None` to report those as unreachable.
    pub fn new(unverified: Option<Client>) -> PageMemo {
        PageMemo {
            answers: Memo::default(),
            unverified,
        }
    }

    /// Exchanges sent, and exchanges shared instead of sent again.
    pub fn stats(&self) -> (u64, u64) {
        self.answers.stats()
    }
}

/// A response read within the limits.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The body was longer than the cap and was cut.
    pub truncated: bool,
    pub elapsed_ms: u64,
    /// Why the certificate was not trusted, when this response came over an unverified
    /// connection (see `PageMemo`).
    pub unverified: Option<String>,
}

impl Fetched {
    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value as text, when present and readable.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    }

    /// Every value of a repeated header.
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }

    pub fn is_redirect(&self) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308)
    }
}

/// Why an exchange gave no response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Nothing (or not all of the headers and capped body) arrived before the deadline.
    /// Shown to a tenth of a second: the budget left under a shared deadline is not a
    /// round number, and `999.992289ms` reads as noise.
    #[error("no response within {:.1} s", .0.as_secs_f64())]
    Timeout(Duration),
    /// Refused, reset, DNS failure, TLS failure: the server could not be talked to.
    #[error("{0}")]
    Unreachable(String),
    /// The certificate failed verification (and no unverified retry was possible).
    #[error("certificate not trusted: {0}")]
    Untrusted(String),
}

impl FetchError {
    /// The finding that explains why a page could not be judged: `http.availability`
    /// reports the down or silent URL, `tls.certificate` the untrusted certificate.
    pub fn see(&self) -> &'static str {
        match self {
            FetchError::Timeout(_) => "http.timeout",
            FetchError::Unreachable(_) => "http.down",
            FetchError::Untrusted(_) => "tls.untrusted",
        }
    }
}

impl HttpLimits {
    /// The end of a request begun at `started`: its own timeout, or the caller's shared
    /// deadline when that comes first.
    fn deadline_from(&self, started: Instant, shared: Option<Instant>) -> Instant {
        let own = started + self.timeout;
        shared.map_or(own, |d| d.min(own))
    }
}

/// Sends one request and reads the response within `limits`, ending no later than
/// `deadline` when one is given (so several requests can share one bound). With a memo,
/// an exchange of the same shape already sent (or in flight) in this run is shared.
pub async fn fetch(
    client: &Client,
    method: Method,
    url: &Url,
    headers: &[(&str, &str)],
    limits: &HttpLimits,
    deadline: Option<Instant>,
) -> Result<Fetched, FetchError> {
    let Some(memo) = limits.memo.clone() else {
        return fetch_once(client, method, url, headers, limits, deadline).await;
    };
    let started = Instant::now();
    let deadline = limits.deadline_from(started, deadline);
    let shape = RequestShape {
        method: method.clone(),
        url: url.as_str().to_string(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_string()))
            .collect(),
        max_body: limits.max_body,
    };
    // The shared exchange runs on its own full budget, so a caller that joins late with
    // little time left does not cut it short for the others; each caller still waits no
    // longer than its own deadline.
    let full = HttpLimits {
        memo: None,
        ..limits.clone()
    };
    let exchange = memo.answers.get_or_compute(shape, || async {
        match fetch_once(client, method.clone(), url, headers, &full, None).await {
            Err(FetchError::Untrusted(why)) => match &memo.unverified {
                Some(insecure) => fetch_once(insecure, method, url, headers, &full, None)
                    .await
                    .map(|mut f| {
                        f.unverified = Some(why);
                        f
                    }),
                None => Err(FetchError::Untrusted(why)),
            },
            other => other,
        }
    });
    let budget = deadline.saturating_duration_since(started);
    timeout_at(deadline, exchange)
        .await
        .unwrap_or(Err(FetchError::Timeout(budget)))
}

/// One exchange on the wire.
async fn fetch_once(
    client: &Client,
    method: Method,
    url: &Url,
    headers: &[(&str, &str)],
    limits: &HttpLimits,
    deadline: Option<Instant>,
) -> Result<Fetched, FetchError> {
    let started = Instant::now();
    let deadline = limits.deadline_from(started, deadline);
    let budget = deadline.saturating_duration_since(started);
    let mut req = client.request(method, url.clone()).timeout(budget);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let exchange = async {
        let mut resp = req.send().await.map_err(|e| classify(&e, budget))?;
        let status = resp.status().as_u16();
        let resp_headers = resp.headers().clone();
        let mut body = Vec::new();
        let mut truncated = false;
        while let Some(chunk) = resp.chunk().await.map_err(|e| classify(&e, budget))? {
            let room = limits.max_body.saturating_sub(body.len());
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            url: url.clone(),
            status,
            headers: resp_headers,
            body,
            truncated,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            unverified: None,
        })
    };
    timeout_at(deadline, exchange)
        .await
        .unwrap_or(Err(FetchError::Timeout(budget)))
}

/// Names the failure with the whole error chain (reqwest's top-level text alone says
/// little more than "error sending request").
pub(crate) fn classify(e: &reqwest::Error, budget: Duration) -> FetchError {
    if e.is_timeout() {
        return FetchError::Timeout(budget);
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    let mut certificate = None;
    while let Some(s) = source {
        // io::Error's `source` skips the error it wraps, so look inside it too.
        let inner = s
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|e| e as &(dyn std::error::Error + 'static));
        for candidate in [Some(s), inner].into_iter().flatten() {
            if let Some(rustls::Error::InvalidCertificate(c)) =
                candidate.downcast_ref::<rustls::Error>()
            {
                certificate = Some(format!("{c:?}"));
            }
        }
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    // The connector may box the TLS error in a type of its own; rustls's wording is the
    // stable marker then.
    const MARKER: &str = "invalid peer certificate: ";
    if certificate.is_none()
        && let Some(at) = text.find(MARKER)
    {
        certificate = Some(text[at + MARKER.len()..].to_string());
    }
    match certificate {
        Some(why) => FetchError::Untrusted(why),
        None => FetchError::Unreachable(text),
    }
}

#[cfg(test)]
mod tests {
    use super::FetchError;
    use std::time::Duration;

    #[test]
    fn timeouts_read_in_tenths_of_a_second() {
        let e = FetchError::Timeout(Duration::from_micros(999_992));
        assert_eq!(e.to_string(), "no response within 1.0 s");
    }
}
