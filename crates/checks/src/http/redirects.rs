//! `http.redirects`: the chains from each entry URL (followed by `net::page::follow`),
//! judged for loops, plain-HTTP content, long chains and a missing canonical host.

use crate::judged::Judged;
use crate::net::fetch::HttpLimits;
use crate::net::page::{Chain, ChainEnd, MAX_HOPS, PageError, follow, parse_url};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{CanonicalDetail, Observed, RedirectEvidence};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::{Client, Url};
use tokio::time::{Instant, timeout_at};

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

/// Hops allowed from an entry URL to the canonical one where the runbook sets no number.
pub const DEFAULT_HOPS_MAX: u32 = 1;

/// `http.redirects` for `hosts`: the first host is the target; with a second host (apex
/// and www), whether one redirects to the other is judged too. Entry URLs are `http://`
/// and `https://` of each host, followed concurrently, each within `limits.timeout`.
pub async fn check_redirects(client: &Client, hosts: &[&str], limits: &HttpLimits) -> CheckOutcome {
    check_redirects_within(client, hosts, limits, DEFAULT_HOPS_MAX).await
}

/// `check_redirects` with the runbook's `redirect_hops_max`: a chain longer than
/// `hops_max` (not counting one same-host `http→https` upgrade) is
/// `http.redirect_chain_long`.
pub async fn check_redirects_within(
    client: &Client,
    hosts: &[&str],
    limits: &HttpLimits,
    hops_max: u32,
) -> CheckOutcome {
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
    judged.observed(Observed::Redirects(RedirectEvidence {
        chains: chains.iter().map(Chain::evidence).collect(),
        discovered: None,
        hops_max: Some(hops_max),
    }));
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
        judge_chain(chain, hops_max, &mut judged);
    }
    if hosts.len() >= 2 {
        judge_canonical(hosts[0], hosts[1], &chains, &mut judged);
    }
    judged.finish(&format!(
        "{target}: every entry URL reaches HTTPS in at most {hops_max} hop(s) (the budget)"
    ))
}

fn judge_chain(chain: &Chain, hops_max: u32, judged: &mut Judged) {
    let entry = chain.entry.as_str();
    match &chain.end {
        ChainEnd::Loop { revisited } => judged.push(
            Finding::new(
                Code::HttpRedirectLoop,
                format!("{entry} redirects in a loop back to {revisited}"),
            )
            .with_detail(&chain.evidence()),
        ),
        ChainEnd::TooManyHops => judged.push(
            Finding::new(
                Code::HttpRedirectLoop,
                format!("{entry} is still redirecting after {MAX_HOPS} hops"),
            )
            .with_detail(&chain.evidence()),
        ),
        ChainEnd::Final { url, status } => {
            if url.scheme() == "http" && (200..300).contains(status) {
                judged.push(
                    Finding::new(
                        Code::HttpNotRedirectedToHttps,
                        format!("{url} serves content over plain HTTP instead of redirecting"),
                    )
                    .with_detail(&chain.evidence()),
                );
            }
            let counted = counted_redirects(chain);
            if counted > hops_max as usize {
                judged.push(
                    Finding::new(
                        Code::HttpRedirectChainLong,
                        format!(
                            "{entry} takes {} redirects to reach {url}; the budget is {hops_max}",
                            chain.redirects()
                        ),
                    )
                    .with_detail(&chain.evidence()),
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
                Code::HttpNoCanonicalHost,
                format!("{a} and {b} both serve content; neither redirects to the other"),
            )
            .with_detail(&CanonicalDetail {
                hosts: vec![a.to_string(), b.to_string()],
            }),
        );
    }
}
