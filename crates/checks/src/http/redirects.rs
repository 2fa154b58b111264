//! Redirect chains, followed by hand, and `http.redirects`.
//!
//! The client never follows redirects itself: each hop is fetched and recorded (URL,
//! status, `Location`, time) so the evidence shows the chain as a browser would walk it,
//! and a loop is caught by URL rather than by a counter hidden in the client. The other
//! page checks use `fetch_page` to reach the final page the same way.

use super::body::{FetchError, Fetched, HttpLimits, fetch};
use crate::judged::Judged;
use launch_ready_core::catalog::KindId;
use launch_ready_core::finding::{Finding, Severity};
use launch_ready_core::session::model::CheckOutcome;
use reqwest::{Client, Method, Url};
use serde_json::json;
use tokio::time::{Instant, timeout_at};

/// Redirects followed before a chain counts as a loop (`checks.md`: more than 10 hops).
pub const MAX_HOPS: usize = 10;

/// One response of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub url: String,
    pub status: u16,
    pub location: Option<String>,
    pub elapsed_ms: u64,
}

/// How a chain ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ChainEnd {
    /// A response that is not a redirect.
    Final { url: Url, status: u16 },
    /// A redirect pointed back at a URL already visited.
    Loop { revisited: String },
    /// Still redirecting after `MAX_HOPS` redirects.
    TooManyHops,
    /// A redirect without a usable `Location`.
    BadLocation(String),
    /// A hop could not be fetched.
    Failed(FetchError),
}

/// A followed chain from one entry URL.
#[derive(Debug, Clone)]
pub struct Chain {
    pub entry: Url,
    pub hops: Vec<Hop>,
    pub end: ChainEnd,
    /// The final response (only when `end` is `Final`).
    pub last: Option<Fetched>,
}

impl Chain {
    /// Redirects taken (responses that sent the client on).
    pub fn redirects(&self) -> usize {
        self.hops.iter().filter(|h| h.location.is_some()).count()
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "entry": self.entry.as_str(),
            "hops": self.hops.iter().map(|h| json!({
                "url": h.url, "status": h.status, "location": h.location, "ms": h.elapsed_ms,
            })).collect::<Vec<_>>(),
            "end": match &self.end {
                ChainEnd::Final { url, status } => json!({"final": url.as_str(), "status": status}),
                ChainEnd::Loop { revisited } => json!({"loop": revisited}),
                ChainEnd::TooManyHops => json!({"too_many_hops": MAX_HOPS}),
                ChainEnd::BadLocation(l) => json!({"bad_location": l}),
                ChainEnd::Failed(e) => json!({"error": e.to_string()}),
            },
        })
    }
}

/// Follows redirects from `entry`, the whole chain within one `limits.timeout`.
pub async fn follow(client: &Client, entry: &Url, limits: &HttpLimits) -> Chain {
    let deadline = Instant::now() + limits.timeout;
    let mut chain = Chain {
        entry: entry.clone(),
        hops: Vec::new(),
        end: ChainEnd::TooManyHops,
        last: None,
    };
    let mut visited: Vec<String> = Vec::new();
    let mut url = entry.clone();
    for n in 0..=MAX_HOPS {
        visited.push(url.as_str().to_string());
        let resp = match fetch(client, Method::GET, &url, &[], limits, Some(deadline)).await {
            Ok(r) => r,
            Err(e) => {
                chain.end = ChainEnd::Failed(e);
                return chain;
            }
        };
        let location = resp
            .is_redirect()
            .then(|| resp.header("location"))
            .flatten();
        chain.hops.push(Hop {
            url: url.as_str().to_string(),
            status: resp.status,
            location: location.clone(),
            elapsed_ms: resp.elapsed_ms,
        });
        if !resp.is_redirect() {
            chain.end = ChainEnd::Final {
                url: url.clone(),
                status: resp.status,
            };
            chain.last = Some(resp);
            return chain;
        }
        let Some(next) = location.as_deref().and_then(|l| url.join(l.trim()).ok()) else {
            chain.end = ChainEnd::BadLocation(location.unwrap_or_default());
            return chain;
        };
        if visited.iter().any(|v| v == next.as_str()) {
            chain.end = ChainEnd::Loop {
                revisited: next.as_str().to_string(),
            };
            return chain;
        }
        if n == MAX_HOPS {
            break;
        }
        url = next;
    }
    chain.end = ChainEnd::TooManyHops;
    chain
}

/// Why a page could not be reached.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PageError {
    /// The check's URL argument is not an http(s) URL.
    #[error("{0}")]
    BadUrl(String),
    /// A hop of the chain got no response.
    #[error("{url}: {error}")]
    Fetch { url: String, error: FetchError },
    /// The chain came back to a URL it had visited.
    #[error("{url}: redirect loop back to {revisited}")]
    Loop { url: String, revisited: String },
    /// Still redirecting after `MAX_HOPS`.
    #[error("{url}: more than {MAX_HOPS} redirects")]
    TooManyHops { url: String },
    /// A redirect without a usable `Location`.
    #[error("{url}: redirect to unusable location `{location}`")]
    BadLocation { url: String, location: String },
}

impl PageError {
    /// The finding another check reports for this failure, when one does: the page checks
    /// are then skipped with a pointer to it instead of adding an error of their own.
    pub fn explained_by(&self) -> Option<&'static str> {
        match self {
            PageError::Fetch { error, .. } => Some(error.see()),
            PageError::Loop { .. } | PageError::TooManyHops { .. } => Some("http.redirect_loop"),
            PageError::BadUrl(_) | PageError::BadLocation { .. } => None,
        }
    }
}

/// Follows redirects from `url` to the final page; the error names how the chain failed.
pub async fn fetch_page(
    client: &Client,
    url: &Url,
    limits: &HttpLimits,
) -> Result<(Chain, Fetched), PageError> {
    let chain = follow(client, url, limits).await;
    let at = url.to_string();
    match (&chain.end, chain.last.clone()) {
        (ChainEnd::Final { .. }, Some(page)) => Ok((chain, page)),
        (ChainEnd::Failed(e), _) => Err(PageError::Fetch {
            url: at,
            error: e.clone(),
        }),
        (ChainEnd::Loop { revisited }, _) => Err(PageError::Loop {
            url: at,
            revisited: revisited.clone(),
        }),
        (ChainEnd::TooManyHops, _) => Err(PageError::TooManyHops { url: at }),
        (ChainEnd::BadLocation(l), _) => Err(PageError::BadLocation {
            url: at,
            location: l.clone(),
        }),
        (ChainEnd::Final { .. }, None) => Err(PageError::Fetch {
            url: at,
            error: FetchError::Unreachable("no final response".into()),
        }),
    }
}

/// The final page at the check's URL argument (redirects followed), or why it could not be
/// reached: the first step of every check judging one page.
pub async fn fetch_final_page(
    client: &Client,
    url: &str,
    limits: &HttpLimits,
) -> Result<Fetched, PageError> {
    let parsed = parse_url(url).map_err(PageError::BadUrl)?;
    fetch_page(client, &parsed, limits)
        .await
        .map(|(_, page)| page)
}

/// Parses a check's URL argument, quoting it when it is not an http(s) URL.
pub fn parse_url(url: &str) -> Result<Url, String> {
    let parsed = Url::parse(url).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!("`{url}` is not an http(s) URL with a host"));
    }
    Ok(parsed)
}

/// Redirects of a chain that count towards `http.redirect_chain_long`: all of them, less
/// one same-host `http→https` upgrade.
fn counted_redirects(chain: &Chain) -> usize {
    let mut count = chain.redirects();
    let upgrade = chain.hops.iter().any(|h| {
        let (Ok(from), Some(to)) = (
            Url::parse(&h.url),
            h.location
                .as_deref()
                .and_then(|l| Url::parse(&h.url).ok()?.join(l).ok()),
        ) else {
            return false;
        };
        from.scheme() == "http" && to.scheme() == "https" && from.host_str() == to.host_str()
    });
    if upgrade {
        count -= 1;
    }
    count
}

/// `http.redirects` for `hosts`: the first host is the target; with a second host (apex
/// and www), whether one redirects to the other is judged too. Entry URLs are `http://`
/// and `https://` of each host, followed concurrently, each within `limits.timeout`.
pub async fn check_redirects(client: &Client, hosts: &[&str], limits: &HttpLimits) -> CheckOutcome {
    let target = hosts.first().copied().unwrap_or_default();
    let mut judged = Judged::start(KindId::HttpRedirects, target);
    let mut entries = Vec::new();
    for host in hosts {
        for scheme in ["http", "https"] {
            match parse_url(&format!("{scheme}://{host}/")) {
                Ok(u) => entries.push(u),
                Err(e) => return judged.error(format!("host {e}")),
            }
        }
    }
    if entries.is_empty() {
        return judged.error("no host given");
    }
    let overall = Instant::now() + limits.timeout + std::time::Duration::from_millis(500);
    let chains = timeout_at(
        overall,
        futures::future::join_all(entries.iter().map(|u| follow(client, u, limits))),
    )
    .await
    .unwrap_or_default();
    judged.evidence(
        "chains",
        json!(chains.iter().map(Chain::to_json).collect::<Vec<_>>()),
    );
    if chains.iter().all(|c| matches!(c.end, ChainEnd::Failed(_))) {
        // Nothing answered: `http.availability` reports the host down or silent.
        let first = chains.first().and_then(|c| match &c.end {
            ChainEnd::Failed(e) => Some(e.clone()),
            _ => None,
        });
        return match first {
            Some(e) => judged.unreachable(&PageError::Fetch {
                url: format!("{target}: no entry URL answered"),
                error: e,
            }),
            None => judged.error(format!("{target}: no entry URL answered")),
        };
    }
    for chain in &chains {
        judge_chain(chain, &mut judged);
    }
    if hosts.len() >= 2 {
        judge_canonical(hosts[0], hosts[1], &chains, &mut judged);
    }
    judged.finish(&format!(
        "{target}: every entry URL reaches HTTPS in at most one hop"
    ))
}

fn judge_chain(chain: &Chain, judged: &mut Judged) {
    let entry = chain.entry.as_str();
    match &chain.end {
        ChainEnd::Loop { revisited } => judged.push(
            Finding::new(
                "http.redirect_loop",
                Severity::Blocker,
                format!("{entry} redirects in a loop back to {revisited}"),
            )
            .with_evidence(chain.to_json()),
        ),
        ChainEnd::TooManyHops => judged.push(
            Finding::new(
                "http.redirect_loop",
                Severity::Blocker,
                format!("{entry} is still redirecting after {MAX_HOPS} hops"),
            )
            .with_evidence(chain.to_json()),
        ),
        ChainEnd::Final { url, status } => {
            if url.scheme() == "http" && (200..300).contains(status) {
                judged.push(
                    Finding::new(
                        "http.not_redirected_to_https",
                        Severity::High,
                        format!("{url} serves content over plain HTTP instead of redirecting"),
                    )
                    .with_evidence(chain.to_json()),
                );
            }
            let counted = counted_redirects(chain);
            if counted > 1 {
                judged.push(
                    Finding::new(
                        "http.redirect_chain_long",
                        Severity::Medium,
                        format!(
                            "{entry} takes {} redirects to reach {url}",
                            chain.redirects()
                        ),
                    )
                    .with_evidence(chain.to_json()),
                );
            }
        }
        ChainEnd::BadLocation(_) | ChainEnd::Failed(_) => {}
    }
}

/// Apex and www both end on their own host with content: no canonical host.
fn judge_canonical(a: &str, b: &str, chains: &[Chain], judged: &mut Judged) {
    let serves_itself = |host: &str| {
        chains.iter().any(|c| {
            c.entry.host_str() == Some(host)
                && c.entry.scheme() == "https"
                && matches!(&c.end, ChainEnd::Final { url, status }
                    if url.host_str() == Some(host) && (200..300).contains(status))
        })
    };
    if serves_itself(a) && serves_itself(b) {
        judged.push(
            Finding::new(
                "http.no_canonical_host",
                Severity::Medium,
                format!("{a} and {b} both serve content; neither redirects to the other"),
            )
            .with_evidence(json!({ "hosts": [a, b] })),
        );
    }
}
