//! `http.availability`: does a configured URL answer, and without a server error?
//!
//! One GET, redirects not followed (a redirect is an answer), bounded by the timeout.

use super::body::{FetchError, HttpLimits, fetch};
use super::redirects::parse_url;
use crate::checks::judged::Judged;
use crate::finding::{Finding, Severity};
use crate::session::model::CheckOutcome;
use reqwest::{Client, Method};
use serde_json::json;

/// `http.availability` for `url`: `http.down` when it cannot be reached, `http.timeout`
/// when nothing arrives in time, `http.server_error` on a 5xx.
pub async fn check_availability(client: &Client, url: &str, limits: &HttpLimits) -> CheckOutcome {
    let mut judged = Judged::start("http.availability", url);
    let parsed = match parse_url(url) {
        Ok(u) => u,
        Err(e) => return judged.error(e),
    };
    match fetch(client, Method::GET, &parsed, &[], limits, None).await {
        Ok(resp) => {
            judged.evidence("status", json!(resp.status));
            judged.evidence("ms", json!(resp.elapsed_ms));
            judged.evidence("body_bytes_read", json!(resp.body.len()));
            judged.evidence("body_truncated", json!(resp.truncated));
            if resp.status >= 500 {
                judged.push(Finding::new(
                    "http.server_error",
                    Severity::High,
                    format!("{url} answers {} (server error)", resp.status),
                ));
            }
            judged.finish(&format!(
                "{url} answers {} in {} ms",
                resp.status, resp.elapsed_ms
            ))
        }
        Err(FetchError::Timeout(t)) => {
            judged.push(
                Finding::new(
                    "http.timeout",
                    Severity::Blocker,
                    format!("{url}: no response within {:.1} s", t.as_secs_f64()),
                )
                .with_evidence(json!({ "timeout_ms": t.as_millis() })),
            );
            judged.finish("")
        }
        Err(FetchError::Unreachable(why)) => {
            judged.push(
                Finding::new(
                    "http.down",
                    Severity::Blocker,
                    format!("{url} is down: {why}"),
                )
                .with_evidence(json!({ "error": why })),
            );
            judged.finish("")
        }
    }
}
