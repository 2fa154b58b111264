//! `edge.rate_limit`: does a login, signup or reset route push back on a burst?
//!
//! Exactly the announced number of requests (the runbook's `rate_limit_burst`, 30 by
//! default), one after the other, each the route's own request. The burst stops at the
//! first sign of a limit, so a protected route gets fewer, never more. Signs: a 429, a
//! challenge (Cloudflare's `cf-mitigated` header or its challenge page), a connection the
//! server stopped answering after it had answered, or a clear slowdown (the last answers
//! several times slower than the first). None of them → the finding.

use super::send::{Answer, Probe, send};
use crate::judged::Judged;
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{BurstDetail, BurstEvidence, Observed};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::{Client, Method, Url};
use std::time::{Duration, Instant};

/// Requests in a burst when the runbook sets none.
pub const DEFAULT_BURST: u32 = 30;
/// Most requests one burst may send, whatever the runbook says.
pub const MAX_BURST: u32 = 500;
/// Answers compared at each end of the burst to tell a slowdown.
const ENDS: usize = 5;

/// What one burst sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BurstPlan {
    pub method: Method,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// Requests announced and at most sent.
    pub requests: u32,
}

/// Why the burst stopped early, or how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    TooManyRequests,
    Challenge,
    Dropped,
    Slowdown,
}

impl Signal {
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::TooManyRequests => "429",
            Signal::Challenge => "challenge",
            Signal::Dropped => "dropped",
            Signal::Slowdown => "slowdown",
        }
    }
}

/// Whether an answer is an edge's challenge rather than the route's own.
pub fn is_challenge(a: &Answer) -> bool {
    if a.header("cf-mitigated")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("challenge"))
    {
        return true;
    }
    if !matches!(a.status, 403 | 503) {
        return false;
    }
    let text = a.text();
    [
        "challenge-platform",
        "cf-chl-",
        "Just a moment...",
        "cf_chl_opt",
    ]
    .iter()
    .any(|m| text.contains(m))
}

fn median(ms: &mut [u64]) -> u64 {
    ms.sort_unstable();
    ms.get(ms.len() / 2).copied().unwrap_or(0)
}

/// Median latency of the first and the last `ENDS` answers, and whether the end is
/// clearly slower: three times the start and at least 250 ms more.
pub fn slowdown(latencies_ms: &[u64]) -> (u64, u64, bool) {
    if latencies_ms.len() < 2 * ENDS {
        let all = median(&mut latencies_ms.to_vec());
        return (all, all, false);
    }
    let first = median(&mut latencies_ms[..ENDS].to_vec());
    let last = median(&mut latencies_ms[latencies_ms.len() - ENDS..].to_vec());
    (first, last, last >= first * 3 && last >= first + 250)
}

/// `edge.rate_limit` for the route at `url`.
pub async fn check_burst(
    client: &Client,
    url: &str,
    plan: &BurstPlan,
    timeout: Duration,
) -> CheckOutcome {
    let mut judged = Judged::start(KindId::EdgeRateLimit, url);
    let parsed = match Url::parse(url) {
        Ok(u) => u,
        Err(e) => return judged.error(format!("`{url}` is not a URL: {e}")),
    };
    let started = Instant::now();
    let mut evidence = BurstEvidence {
        url: url.to_string(),
        method: plan.method.to_string(),
        announced: plan.requests,
        ..BurstEvidence::default()
    };
    let mut latencies = Vec::new();
    let mut signal = None;
    let mut first_error = None;
    for n in 1..=plan.requests {
        let probe = Probe {
            method: plan.method.clone(),
            url: parsed.clone(),
            headers: plan.headers.clone(),
            body: plan.body.clone().map(reqwest::Body::from),
        };
        evidence.sent = n;
        match send(client, probe, timeout).await {
            Ok(a) => {
                evidence.statuses.push(a.status);
                latencies.push(u64::try_from(a.elapsed.as_millis()).unwrap_or(u64::MAX));
                let s = if a.status == 429 {
                    Some(Signal::TooManyRequests)
                } else if is_challenge(&a) {
                    Some(Signal::Challenge)
                } else {
                    None
                };
                if s.is_some() {
                    signal = s;
                    evidence.limited_at = Some(n);
                    break;
                }
            }
            Err(e) if latencies.is_empty() => {
                // The very first request failed: nothing was measured.
                first_error = Some(e);
                break;
            }
            Err(_) => {
                // It answered, then stopped answering: the server (or its edge) dropped us.
                evidence.statuses.push(0);
                signal = Some(Signal::Dropped);
                evidence.limited_at = Some(n);
                break;
            }
        }
    }
    let (first, last, slower) = slowdown(&latencies);
    evidence.first_ms = first;
    evidence.last_ms = last;
    if signal.is_none() && slower {
        signal = Some(Signal::Slowdown);
    }
    evidence.signal = signal.map(|s| s.as_str().to_string());
    evidence.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let sent = evidence.sent;
    if let Some(e) = first_error {
        judged.observed(Observed::Burst(evidence));
        return judged.error(format!("{url}: the first request got no answer: {e}"));
    }
    let summary = match (signal, evidence.limited_at) {
        (Some(Signal::Slowdown), _) => format!(
            "{url}: slowed down over {sent} requests (median {first} ms at the start, {last} ms at the end)"
        ),
        (Some(s), Some(at)) => format!(
            "{url}: limited at request {at} of {} ({})",
            plan.requests,
            match s {
                Signal::TooManyRequests => "429 Too Many Requests",
                Signal::Challenge => "an edge challenge",
                _ => "the connection was no longer answered",
            }
        ),
        _ => String::new(),
    };
    if signal.is_none() {
        judged.push(
            Finding::new(
                Code::EdgeNoRateLimit,
                format!(
                    "{} {url} took {sent} requests in {:.1} s with no 429, challenge or slowdown",
                    plan.method,
                    started.elapsed().as_secs_f64()
                ),
            )
            .with_detail(&BurstDetail {
                url: url.to_string(),
                method: plan.method.to_string(),
                sent,
                first_ms: first,
                last_ms: last,
            }),
        );
    }
    judged.observed(Observed::Burst(evidence));
    judged.finish(&summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slowdown_needs_both_a_ratio_and_a_margin() {
        let flat = [5u64; 30];
        assert!(!slowdown(&flat).2);
        let mut tarpit = vec![5u64; 25];
        tarpit.extend([900; 5]);
        assert_eq!(slowdown(&tarpit), (5, 900, true));
        // Three times slower but only a few ms: loopback noise, not a limit.
        let mut noisy = vec![2u64; 25];
        noisy.extend([9; 5]);
        assert!(!slowdown(&noisy).2);
        assert!(!slowdown(&[1, 2, 3]).2);
        assert_eq!(slowdown(&[]), (0, 0, false));
    }
}
