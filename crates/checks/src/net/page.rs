//! Reaching a page: redirect chains followed by hand, up to the final response.
//!
//! The client never follows redirects itself: each hop is fetched and recorded (URL,
//! status, `Location`, time) so the evidence shows the chain as a browser would walk it,
//! and a loop is caught by URL rather than by a counter hidden in the client. The page
//! checks of the http family, the edge and Cloudflare checks reach their page through
//! `fetch_page`; `http.redirects` judges the chains `follow` records.

use super::fetch::{FetchError, Fetched, HttpLimits, fetch};
use launch_ready_core::evidence::{ChainEndEvidence, ChainEvidence, HopEvidence};
use reqwest::{Client, Method, Url};
use tokio::time::Instant;

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

    /// The chain as evidence: each hop, and how it ended.
    pub fn evidence(&self) -> ChainEvidence {
        ChainEvidence {
            entry: self.entry.as_str().to_string(),
            hops: self
                .hops
                .iter()
                .map(|h| HopEvidence {
                    url: h.url.clone(),
                    status: Some(h.status),
                    location: h.location.clone(),
                    ms: Some(h.elapsed_ms),
                })
                .collect(),
            end: Some(match &self.end {
                ChainEnd::Final { url, status } => ChainEndEvidence::Final {
                    url: url.as_str().to_string(),
                    status: *status,
                },
                ChainEnd::Loop { revisited } => ChainEndEvidence::Loop {
                    revisited: revisited.clone(),
                },
                ChainEnd::TooManyHops => ChainEndEvidence::TooManyHops {
                    too_many_hops: MAX_HOPS,
                },
                ChainEnd::BadLocation(l) => ChainEndEvidence::BadLocation {
                    bad_location: l.clone(),
                },
                ChainEnd::Failed(e) => ChainEndEvidence::Error {
                    error: e.to_string(),
                },
            }),
        }
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

/// Why a check's URL argument is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("`{url}` is not a URL: {source}")]
    NotUrl {
        url: String,
        #[source]
        source: url::ParseError,
    },
    #[error("`{0}` is not an http(s) URL with a host")]
    NotHttp(String),
}

/// Why a page could not be reached.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PageError {
    /// The check's URL argument is not an http(s) URL.
    #[error(transparent)]
    BadUrl(#[from] UrlError),
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
    let parsed = parse_url(url)?;
    fetch_page(client, &parsed, limits)
        .await
        .map(|(_, page)| page)
}

/// Parses a check's URL argument, quoting it when it is not an http(s) URL.
pub fn parse_url(url: &str) -> Result<Url, UrlError> {
    let parsed = Url::parse(url).map_err(|source| UrlError::NotUrl {
        url: url.to_string(),
        source,
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(UrlError::NotHttp(url.to_string()));
    }
    Ok(parsed)
}
