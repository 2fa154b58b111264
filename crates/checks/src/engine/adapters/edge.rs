//! `edge.provider` from a `CheckInput`: the three kinds of signal the edge judge reads are
//! gathered here, concurrently and each under the session's timeout — the response
//! headers of the host's page (`https://<host>/`, redirects followed), the NS names of the
//! nearest zone cut at or above the host (walking up to the apex), and the host's
//! addresses. A page that cannot be fetched leaves the header signal empty and is noted in
//! the evidence; the other signals are still judged.

use super::error::SitePageError;
use super::http::{client_and_limits, site_url};
use super::reach::host_ready;
use crate::edge::check_edge;
use crate::engine::registry::{CheckInput, Registry};
use crate::net::page::{PageError, fetch_page, parse_url};
use crate::net::{LookupFailure, Net};
use launch_ready_core::catalog::KindId;
use launch_ready_core::evidence::{Observed, PageFetch};
use reqwest::header::HeaderMap;

pub fn register(r: &mut Registry) {
    r.insert(KindId::EdgeProvider, |i: CheckInput| async move {
        let host = i.target.name.clone();
        // Judging "no edge in front" needs to know where the host points.
        if let Err(o) = host_ready(&i.net, &host, &[80, 443]).await {
            return *o;
        }
        let (page, ns, addrs) = tokio::join!(
            page_headers(&i, &host),
            // One timeout for the whole walk: each name may take one, and there can be
            // several.
            tokio::time::timeout(
                i.net.resolver.timeout(),
                ns_names(&i.net, &host, &i.scope.targets.apex)
            ),
            i.net.resolver.ips(&host),
        );
        let addrs = addrs.unwrap_or_default();
        let ns = ns.unwrap_or_default();
        let (headers, page) = match page {
            Ok(h) => (h, PageFetch::Fetched),
            Err(e) => (HeaderMap::new(), PageFetch::Error(e.to_string())),
        };
        let mut out = check_edge(&host, &headers, &ns, &addrs);
        if let Observed::Edge(e) = &mut out.evidence {
            e.page = Some(page);
            e.ns_names = Some(ns);
        }
        out
    });
}

/// The response headers of the host's page, after redirects (the exchange the page
/// checks read too).
async fn page_headers(i: &CheckInput, host: &str) -> Result<HeaderMap, SitePageError> {
    let (client, limits) = client_and_limits(i)?;
    let url = parse_url(&site_url(host)).map_err(PageError::from)?;
    let (_, page) = fetch_page(&client, &url, &limits).await?;
    Ok(page.headers)
}

/// Names to ask for NS, from the host up to the apex (or up to two labels when the host is
/// not under the session's apex).
pub fn zone_candidates(host: &str, apex: &str) -> Vec<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let apex = apex.trim_end_matches('.').to_ascii_lowercase();
    let under_apex = !apex.is_empty() && (host == apex || host.ends_with(&format!(".{apex}")));
    let mut out = Vec::new();
    let mut name = host.as_str();
    loop {
        out.push(name.to_string());
        if (under_apex && name == apex) || name.split('.').count() <= 2 {
            break;
        }
        match name.split_once('.') {
            Some((_, parent)) => name = parent,
            None => break,
        }
    }
    out
}

/// NS names of the nearest zone cut: the first candidate with NS records. Lookup failures
/// count as "no NS here" so one slow name cannot hide the apex's answer.
async fn ns_names(net: &Net, host: &str, apex: &str) -> Vec<String> {
    for name in zone_candidates(host, apex) {
        match net.resolver.ns(&name).await {
            Ok(ns) if !ns.is_empty() => return ns,
            Ok(_) | Err(LookupFailure::NoData | LookupFailure::NxDomain) => {}
            Err(LookupFailure::Failed(_)) => {}
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::zone_candidates;

    #[test]
    fn zone_walk_stops_at_the_apex() {
        assert_eq!(
            zone_candidates("a.b.example.co.uk", "example.co.uk"),
            ["a.b.example.co.uk", "b.example.co.uk", "example.co.uk"]
        );
        assert_eq!(
            zone_candidates("www.example.com.", ""),
            ["www.example.com", "example.com"]
        );
        assert_eq!(
            zone_candidates("example.com", "example.com"),
            ["example.com"]
        );
    }
}
