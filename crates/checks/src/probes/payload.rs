//! `http.payload_limit`: does a public write route take a body far above any sane limit?
//!
//! One request, announced before it is sent: the route's method with a JSON body a
//! little over the limit (10 MiB by default, 2 MiB more is sent), its length declared
//! up front so a server can refuse it before reading a byte. The body is streamed in
//! chunks and counted as the connection takes them, so the evidence says how much the
//! server read before it answered or hung up. A refusal of any kind (413, another 4xx,
//! a connection closed before the end) passes; a success after the whole body is the
//! finding. Nothing more is ever sent: no retry, no second size.

use super::send::{Probe, send};
use crate::judged::Judged;
use crate::net::fetch::FetchError;
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{Observed, PayloadLimitDetail, PayloadLimitEvidence};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::{Client, Method, Url};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The limit judged against when the check sets none: 10 MiB.
pub const DEFAULT_LIMIT: u64 = 10 * 1024 * 1024;
/// How far over the limit the body goes.
pub const OVER_BY: u64 = 2 * 1024 * 1024;
/// Size of each chunk handed to the connection.
const CHUNK: usize = 64 * 1024;

/// What is sent: one request of `body_bytes` to `url` with `method`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadPlan {
    pub method: Method,
    pub limit: u64,
}

impl PayloadPlan {
    /// Bytes in the body: the limit and a margin, so a limit set exactly at it still
    /// refuses.
    pub fn body_bytes(&self) -> u64 {
        self.limit + OVER_BY
    }

    /// Requests the check sends for one route.
    pub const REQUESTS: u32 = 1;
}

/// A JSON body of exactly `total` bytes, `{"launch_ready_probe":"aaaa…"}`, produced
/// chunk by chunk, counting what the connection has taken in `taken`.
fn body(total: u64, taken: Arc<AtomicU64>) -> reqwest::Body {
    const HEAD: &[u8] = b"{\"launch_ready_probe\":\"";
    const TAIL: &[u8] = b"\"}";
    let frame = (HEAD.len() + TAIL.len()) as u64;
    let filler = total.saturating_sub(frame);
    let mut produced: u64 = 0;
    let stream = futures::stream::iter(std::iter::from_fn(move || {
        let end = frame + filler;
        if produced >= end {
            return None;
        }
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK && produced < end {
            let pos = produced;
            if pos < HEAD.len() as u64 {
                chunk.push(HEAD[usize::try_from(pos).unwrap_or(0)]);
                produced += 1;
            } else if pos < HEAD.len() as u64 + filler {
                let run = (HEAD.len() as u64 + filler - pos).min((CHUNK - chunk.len()) as u64);
                chunk.resize(chunk.len() + usize::try_from(run).unwrap_or(0), b'a');
                produced += run;
            } else {
                chunk.push(TAIL[usize::try_from(pos - HEAD.len() as u64 - filler).unwrap_or(0)]);
                produced += 1;
            }
        }
        taken.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        Some(Ok::<_, std::io::Error>(bytes::Bytes::from(chunk)))
    }));
    reqwest::Body::wrap_stream(stream)
}

/// `http.payload_limit` for the write route at `url`.
pub async fn check_payload(
    client: &Client,
    url: &str,
    plan: &PayloadPlan,
    timeout: Duration,
) -> CheckOutcome {
    let mut judged = Judged::start(KindId::HttpPayloadLimit, url);
    let parsed = match Url::parse(url) {
        Ok(u) => u,
        Err(e) => return judged.error(format!("`{url}` is not a URL: {e}")),
    };
    let total = plan.body_bytes();
    let taken = Arc::new(AtomicU64::new(0));
    let probe = Probe {
        method: plan.method.clone(),
        url: parsed,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("content-length".into(), total.to_string()),
        ],
        body: Some(body(total, taken.clone())),
    };
    let started = Instant::now();
    let answer = send(client, probe, timeout).await;
    let sent = taken.load(Ordering::Relaxed).min(total);
    let mut evidence = PayloadLimitEvidence {
        url: url.to_string(),
        method: plan.method.to_string(),
        limit_bytes: plan.limit,
        body_bytes: total,
        sent_bytes: sent,
        status: None,
        verdict: String::new(),
        requests_sent: PayloadPlan::REQUESTS,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    let mib = |b: u64| format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0));
    let outcome_text = match answer {
        Ok(a) => {
            evidence.status = Some(a.status);
            match a.status {
                400..=499 => {
                    evidence.verdict = format!(
                        "refused with {} after {} of {}",
                        a.status,
                        mib(sent),
                        mib(total)
                    );
                    Ok(())
                }
                200..=399 => {
                    evidence.verdict = format!("accepted {} with {}", mib(total), a.status);
                    judged.push(
                        Finding::new(
                            Code::HttpNoPayloadLimit,
                            format!(
                                "{} {url} accepted a {} body ({} over the {} limit) with {}",
                                plan.method,
                                mib(total),
                                mib(total - plan.limit),
                                mib(plan.limit),
                                a.status
                            ),
                        )
                        .with_detail(&PayloadLimitDetail {
                            url: url.to_string(),
                            method: plan.method.to_string(),
                            accepted_bytes: total,
                            limit_bytes: plan.limit,
                            status: a.status,
                        }),
                    );
                    Ok(())
                }
                s => {
                    evidence.verdict = format!("answered {s} after {}", mib(sent));
                    Err(format!(
                        "{url} answered {s} to a {} body: whether a limit applies cannot be told",
                        mib(total)
                    ))
                }
            }
        }
        // Hung up before taking the whole body: the server would not read it.
        Err(FetchError::Unreachable(why)) if sent < total => {
            evidence.verdict = format!("closed the connection after {} ({why})", mib(sent));
            Ok(())
        }
        Err(e) => {
            evidence.verdict = format!("no answer after {}: {e}", mib(sent));
            Err(format!("{url}: no answer to a {} body: {e}", mib(total)))
        }
    };
    let verdict = evidence.verdict.clone();
    judged.observed(Observed::PayloadLimit(evidence));
    match outcome_text {
        Ok(()) => judged.finish(&format!("{url}: {verdict}")),
        Err(reason) => judged.error(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn the_body_is_exactly_as_long_as_announced_and_valid_json() {
        for total in [30u64, 64 * 1024, 64 * 1024 + 7, 300_001] {
            let taken = Arc::new(AtomicU64::new(0));
            let all = body(total, taken.clone())
                .collect()
                .await
                .unwrap()
                .to_bytes();
            assert_eq!(all.len() as u64, total);
            assert_eq!(taken.load(Ordering::Relaxed), total);
            let v: serde_json::Value = serde_json::from_slice(&all).unwrap();
            assert!(v["launch_ready_probe"].is_string());
        }
    }
}
