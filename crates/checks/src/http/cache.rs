//! `http.cache`: private responses must not be cached by shared caches, and static assets
//! should carry a caching lifetime.
//!
//! A response counts as private when it sets a cookie or asks for authentication; marking
//! such a response `public` or giving it `s-maxage` lets a CDN serve one user's page to
//! another. Static assets are the scripts, stylesheets, fonts, images and icons the page
//! references; their headers are read with a small body cap, at most `MAX_ASSETS` of them,
//! concurrently, within the check's timeout.

use super::html::resources;
use crate::judged::Judged;
use crate::net::fetch::{Fetched, HttpLimits, fetch};
use crate::net::guard::{LeftOut, left_out_evidence, left_out_note};
use crate::net::page::fetch_final_page;
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{
    CacheControlDetail, CacheEvidence, Observed, UncachedAsset, UncachedDetail,
};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::{Client, Method, Url};
use tokio::time::Instant;

/// Assets whose headers are read per page.
pub const MAX_ASSETS: usize = 20;

/// Cache-Control directives as lower-cased (name, value) pairs.
pub fn directives(page: &Fetched) -> Vec<(String, Option<String>)> {
    page.header_all("cache-control")
        .iter()
        .flat_map(|v| v.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter_map(|d| {
            let d = d.trim().to_ascii_lowercase();
            if d.is_empty() {
                return None;
            }
            Some(match d.split_once('=') {
                Some((k, v)) => (
                    k.trim().to_string(),
                    Some(v.trim().trim_matches('"').to_string()),
                ),
                None => (d, None),
            })
        })
        .collect()
}

fn seconds(dirs: &[(String, Option<String>)], name: &str) -> Option<u64> {
    dirs.iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.as_deref()?.parse().ok())
}

/// True when shared caches may store `page`.
pub fn publicly_cacheable(page: &Fetched) -> bool {
    let d = directives(page);
    let has = |n: &str| d.iter().any(|(k, _)| k == n);
    if has("private") || has("no-store") {
        return false;
    }
    has("public") || seconds(&d, "s-maxage").is_some_and(|s| s > 0)
}

/// True when `asset` has a caching lifetime (positive max-age / s-maxage, or an Expires).
pub fn has_lifetime(asset: &Fetched) -> bool {
    let d = directives(asset);
    if d.iter().any(|(k, _)| k == "no-store" || k == "no-cache") {
        return false;
    }
    if seconds(&d, "max-age").is_some_and(|s| s > 0)
        || seconds(&d, "s-maxage").is_some_and(|s| s > 0)
    {
        return true;
    }
    if d.iter().any(|(k, _)| k == "max-age") {
        return false;
    }
    asset
        .header("expires")
        .is_some_and(|e| !matches!(e.trim(), "" | "0" | "-1"))
}

/// `http.cache` for the page at `url` and its static assets.
pub async fn check_cache(client: &Client, url: &str, limits: &HttpLimits) -> CheckOutcome {
    let mut judged = Judged::start(KindId::HttpCache, url);
    // The page and its assets share one deadline: the check's whole budget.
    let deadline = Instant::now() + limits.timeout;
    let page = match fetch_final_page(client, url, limits).await {
        Ok(page) => page,
        Err(e) => return judged.unreachable(&e),
    };
    let sets_cookie = page.headers.contains_key("set-cookie");
    let behind_auth = page.status == 401 || page.headers.contains_key("www-authenticate");
    let mut evidence = CacheEvidence {
        final_url: page.url.as_str().to_string(),
        cache_control: page.header_all("cache-control"),
        ..CacheEvidence::default()
    };
    if (sets_cookie || behind_auth) && publicly_cacheable(&page) {
        let why = if sets_cookie {
            "sets a cookie"
        } else {
            "asks for authentication"
        };
        judged.push(
            Finding::new(
                Code::HttpPrivateCached,
                format!(
                    "{}: the response {why} but is marked publicly cacheable",
                    page.url
                ),
            )
            .with_detail(&CacheControlDetail {
                cache_control: evidence.cache_control.clone(),
            }),
        );
    }

    let StaticLifetimes {
        checked,
        uncached,
        left_out,
    } = static_lifetimes(client, &page, limits, deadline).await;
    evidence.assets_checked = checked;
    evidence.left_out = left_out_evidence(&left_out);
    if !uncached.is_empty() {
        judged.push(
            Finding::new(
                Code::HttpStaticUncached,
                format!(
                    "{}: {} static asset(s) have no caching lifetime",
                    page.url,
                    uncached.len()
                ),
            )
            .with_detail(&UncachedDetail { assets: uncached }),
        );
    }
    judged.observed(Observed::Cache(evidence));
    let mut out = judged.finish(&format!(
        "{}: private responses are not shared-cached; {checked} static assets cached",
        page.url
    ));
    if let Some(note) = left_out_note(&left_out) {
        out.summary.push_str(&note);
    }
    out
}

/// What `static_lifetimes` read.
#[derive(Debug, Default)]
pub struct StaticLifetimes {
    /// Assets that answered 2xx.
    pub checked: usize,
    /// Those without a caching lifetime.
    pub uncached: Vec<UncachedAsset>,
    /// Asset URLs the run's guard kept from being requested, with the reason.
    pub left_out: Vec<(Url, LeftOut)>,
}

/// The static assets `page` references (at most `MAX_ASSETS`), read with a small body cap
/// by `deadline`: how many answered 2xx, and those without a caching lifetime. The page
/// names these URLs, so only those the run's guard admits are requested.
pub async fn static_lifetimes(
    client: &Client,
    page: &Fetched,
    limits: &HttpLimits,
    deadline: Instant,
) -> StaticLifetimes {
    let named: Vec<_> = {
        let mut seen = Vec::new();
        resources(&page.text(), &page.url)
            .into_iter()
            .filter(|r| r.kind.is_static())
            .filter(|r| {
                let new = !seen.contains(&r.url);
                seen.push(r.url.clone());
                new
            })
            .take(MAX_ASSETS)
            .collect()
    };
    let (admitted, left_out) = limits
        .guard
        .sort(named.iter().map(|r| r.url.clone()).collect(), &page.url)
        .await;
    let assets: Vec<_> = named
        .into_iter()
        .filter(|r| admitted.contains(&r.url))
        .collect();
    let small = HttpLimits {
        max_body: 64 * 1024,
        ..limits.clone()
    };
    let fetched = futures::future::join_all(
        assets
            .iter()
            .map(|a| fetch(client, Method::GET, &a.url, &[], &small, Some(deadline))),
    )
    .await;
    let mut uncached = Vec::new();
    let mut checked = 0;
    for (asset, resp) in assets.iter().zip(fetched) {
        let Ok(resp) = resp else { continue };
        if !(200..300).contains(&resp.status) {
            continue;
        }
        checked += 1;
        if !has_lifetime(&resp) {
            uncached.push(UncachedAsset {
                url: asset.url.as_str().to_string(),
                kind: asset.kind.as_str().to_string(),
                cache_control: resp.header("cache-control"),
            });
        }
    }
    StaticLifetimes {
        checked,
        uncached,
        left_out,
    }
}
