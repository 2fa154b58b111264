//! `uptime.error_tracking`: is an error tracker wired into the product's frontend?
//!
//! Reads the site's entry page (and the app host's, when the session has one), their
//! headers, and the scripts they load: the same exchanges `http.bundle` makes, shared
//! through the run's memo, so a run that has both sends nothing twice. A known SDK seen
//! anywhere is recorded as evidence. Only when the runbook asks for error tracking does
//! its absence become `uptime.error_tracking_missing`; without that ask, the check says
//! what it saw and passes.

use super::sdk_marks::sdks;
use crate::http::bundle::MAX_ASSETS;
use crate::http::html::{ResourceKind, resources};
use crate::judged::Judged;
use crate::net::fetch::{Fetched, HttpLimits, fetch};
use crate::net::page::fetch_final_page;
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{ErrorTrackingDetail, ErrorTrackingEvidence, Observed, SdkSeen};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::{Client, Method, Url};
use tokio::time::Instant;

fn note(seen: &mut Vec<SdkSeen>, text: &str, at: &str) {
    for sdk in sdks(text) {
        if !seen.iter().any(|s| s.sdk == sdk) {
            seen.push(SdkSeen {
                sdk: sdk.to_string(),
                at: at.to_string(),
            });
        }
    }
}

fn note_headers(seen: &mut Vec<SdkSeen>, page: &Fetched) {
    for (name, value) in &page.headers {
        let text = format!(
            "{}: {}",
            name.as_str(),
            String::from_utf8_lossy(value.as_bytes())
        );
        note(
            seen,
            &text,
            &format!("header {} of {}", name.as_str(), page.url),
        );
    }
}

/// `uptime.error_tracking` for the site at `url` (and the further `pages`), with
/// `required` saying whether the runbook asks for error tracking.
pub async fn check_error_tracking(
    client: &Client,
    url: &str,
    pages: &[String],
    required: bool,
    limits: &HttpLimits,
) -> CheckOutcome {
    let mut judged = Judged::start(KindId::UptimeErrorTracking, url);
    let deadline = Instant::now() + limits.timeout * 2;
    let mut evidence = ErrorTrackingEvidence {
        required,
        ..ErrorTrackingEvidence::default()
    };
    let mut read_any = false;
    let mut first_error = None;
    let mut named: Vec<(Url, Url)> = Vec::new();
    for page_url in std::iter::once(url.to_string()).chain(pages.iter().cloned()) {
        let page = match fetch_final_page(client, &page_url, limits).await {
            Ok(p) => p,
            Err(e) => {
                first_error.get_or_insert(e);
                continue;
            }
        };
        read_any = true;
        evidence.scanned.push(page.url.to_string());
        note(&mut evidence.seen, &page.text(), page.url.as_str());
        note_headers(&mut evidence.seen, &page);
        for r in resources(&page.text(), &page.url) {
            if r.kind == ResourceKind::Script
                && !named.iter().any(|(u, _)| *u == r.url)
                && named.len() < MAX_ASSETS
            {
                named.push((r.url, page.url.clone()));
            }
        }
    }
    if !read_any {
        return match first_error {
            Some(e) => judged.unreachable(&e),
            None => judged.error("no page to read"),
        };
    }
    let mut scripts = Vec::new();
    for (script, page) in named {
        let (ok, _) = limits.guard.sort(vec![script], &page).await;
        scripts.extend(ok);
    }
    let fetched = futures::future::join_all(
        scripts
            .iter()
            .map(|u| fetch(client, Method::GET, u, &[], limits, Some(deadline))),
    )
    .await;
    for (script, resp) in scripts.iter().zip(fetched) {
        let Ok(resp) = resp else { continue };
        if !(200..300).contains(&resp.status) {
            continue;
        }
        evidence.scanned.push(script.to_string());
        note(&mut evidence.seen, &resp.text(), script.as_str());
    }
    let summary = match evidence.seen.first() {
        Some(s) => format!(
            "{url}: error tracking seen ({} at {})",
            evidence
                .seen
                .iter()
                .map(|s| s.sdk.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            s.at
        ),
        None if required => String::new(),
        None => format!(
            "{url}: no error-tracking SDK seen in {} file(s); the runbook does not ask for one",
            evidence.scanned.len()
        ),
    };
    if evidence.seen.is_empty() && required {
        judged.push(
            Finding::new(
                Code::UptimeErrorTrackingMissing,
                format!(
                    "{url}: no error-tracking SDK or header in {} page(s) and script(s) read",
                    evidence.scanned.len()
                ),
            )
            .with_detail(&ErrorTrackingDetail {
                scanned: evidence.scanned.clone(),
            }),
        );
    }
    judged.observed(Observed::ErrorTracking(evidence));
    judged.finish(&summary)
}
