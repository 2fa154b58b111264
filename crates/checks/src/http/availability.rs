//! `http.availability`: does a configured URL answer, and without a server error?
//!
//! The URL's redirects are followed (each hop bounded, the chain within the timeout)
//! because a visitor ends where they lead: a redirect to a host that is down, or a chain
//! that loops, is an outage of this URL too. The hops are the same exchanges the page
//! checks read, so within a run they are fetched once.

use crate::judged::Judged;
use crate::net::fetch::{FetchError, HttpLimits};
use crate::net::page::{ChainEnd, follow, parse_url};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{AvailabilityEvidence, DownDetail, Observed, TimeoutDetail};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::Client;

/// `http.availability` for `url`: `http.down` when it (or a hop it redirects to) cannot be
/// reached, `http.timeout` when nothing arrives in time, `http.server_error` on a 5xx,
/// `http.redirect_loop` when its redirects never end.
pub async fn check_availability(client: &Client, url: &str, limits: &HttpLimits) -> CheckOutcome {
    let mut judged = Judged::start(KindId::HttpAvailability, url);
    let parsed = match parse_url(url) {
        Ok(u) => u,
        Err(e) => return judged.error(e),
    };
    let chain = follow(client, &parsed, limits).await;
    let mut evidence = AvailabilityEvidence {
        chain: chain.evidence(),
        unverified_certificate: chain.last.as_ref().and_then(|p| p.unverified.clone()),
        ..AvailabilityEvidence::default()
    };
    let outcome = match &chain.end {
        ChainEnd::Final { url: last, status } => {
            let ms: u64 = chain.hops.iter().map(|h| h.elapsed_ms).sum();
            if let Some(resp) = &chain.last {
                evidence.status = Some(resp.status);
                evidence.ms = Some(ms);
                evidence.body_bytes_read = Some(resp.body.len());
                evidence.body_truncated = Some(resp.truncated);
            }
            if *status >= 500 {
                judged.push(Finding::new(
                    Code::HttpServerError,
                    format!("{last} answers {status} (server error)"),
                ));
            }
            let via = match chain.redirects() {
                0 => String::new(),
                n => format!(" after {n} redirect(s)"),
            };
            Ok(format!("{url} answers {status}{via} in {ms} ms"))
        }
        ChainEnd::Loop { revisited } => {
            judged.push(
                Finding::new(
                    Code::HttpRedirectLoop,
                    format!("{url} redirects in a loop back to {revisited}"),
                )
                .with_detail(&evidence.chain),
            );
            Ok(String::new())
        }
        ChainEnd::TooManyHops => {
            judged.push(
                Finding::new(
                    Code::HttpRedirectLoop,
                    format!(
                        "{url} is still redirecting after {} hops",
                        crate::net::page::MAX_HOPS
                    ),
                )
                .with_detail(&evidence.chain),
            );
            Ok(String::new())
        }
        ChainEnd::BadLocation(l) => Err(format!("{url}: redirect to unusable location `{l}`")),
        ChainEnd::Failed(FetchError::Timeout(t)) => {
            let at = chain.hops.len();
            judged.push(
                Finding::new(
                    Code::HttpTimeout,
                    format!(
                        "{}: no response within {:.1} s",
                        hop_url(&chain, url),
                        t.as_secs_f64()
                    ),
                )
                .with_detail(&TimeoutDetail {
                    timeout_ms: u64::try_from(t.as_millis()).unwrap_or(u64::MAX),
                    hop: at,
                }),
            );
            Ok(String::new())
        }
        ChainEnd::Failed(FetchError::Unreachable(why)) => {
            judged.push(
                Finding::new(
                    Code::HttpDown,
                    format!("{} is down: {why}", hop_url(&chain, url)),
                )
                .with_detail(&DownDetail { error: why.clone() }),
            );
            Ok(String::new())
        }
        ChainEnd::Failed(e @ FetchError::Untrusted(_)) => Err(format!("{url}: {e}")),
    };
    judged.observed(Observed::Availability(Box::new(evidence)));
    match outcome {
        Ok(summary) => judged.finish(&summary),
        Err(reason) => judged.error(reason),
    }
}

/// The URL of the hop that failed: the entry, or where the last redirect pointed.
fn hop_url(chain: &crate::net::page::Chain, entry: &str) -> String {
    chain
        .hops
        .last()
        .and_then(|h| {
            let base = reqwest::Url::parse(&h.url).ok()?;
            Some(base.join(h.location.as_deref()?).ok()?.to_string())
        })
        .unwrap_or_else(|| entry.to_string())
}
