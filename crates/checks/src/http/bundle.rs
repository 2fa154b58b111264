//! `http.bundle`: the scripts and stylesheets a page serves, and their source maps, must
//! not hold secrets; production source maps should not be public.
//!
//! The page itself, each referenced script and stylesheet (at most `MAX_ASSETS`), and each
//! asset's source map are fetched with the body cap and scanned with the shared rule set.
//! A map is looked for where the asset's `sourceMappingURL` comment points, else at the
//! `.map` sibling; it counts as exposed only when the body really is a source map (JSON
//! with `mappings`). Findings carry URL, line, rule id and a redacted preview.
//!
//! The page names those URLs, so each passes the run's guard first (`net::guard`): a
//! script on a host that is not the session's and resolves to a loopback or private
//! address is not requested, and is listed under `left_out` and in the summary.

use super::html::{ResourceKind, resources};
use crate::judged::Judged;
use crate::net::fetch::{Fetched, HttpLimits, fetch};
use crate::net::guard::{left_out_evidence, left_out_note};
use crate::net::page::fetch_final_page;
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{
    BundleEvidence, BundleSecretDetail, Observed, ScannedFile, SourceMapDetail,
};
use launch_ready_core::finding::Finding;
use launch_ready_core::secret_rules;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::{Client, Method, Url};
use tokio::time::Instant;

/// Scripts and stylesheets fetched per page.
pub const MAX_ASSETS: usize = 20;

/// Where an asset says its source map is: the last `sourceMappingURL` comment.
pub fn source_mapping_url(text: &str) -> Option<String> {
    let at = text.rfind("sourceMappingURL=")?;
    let before = text[..at].trim_end_matches(['#', '@', ' ']);
    if !(before.ends_with("//") || before.ends_with("/*")) {
        return None;
    }
    let rest = &text[at + "sourceMappingURL=".len()..];
    let url: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '*' && *c != '"' && *c != '\'')
        .collect();
    (!url.is_empty()).then_some(url)
}

/// True when `body` is a source map (a JSON object with `mappings`).
pub fn is_source_map(body: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .is_some_and(|v| v.get("mappings").is_some())
}

fn secret_findings(url: &Url, body: &Fetched, judged: &mut Judged) -> usize {
    let matches = secret_rules::scan(&body.text());
    for m in &matches {
        judged.push(
            Finding::new(
                Code::HttpSecretInBundle,
                format!("{url} line {}: {} ({})", m.line, m.rule, m.redacted),
            )
            .with_detail(&BundleSecretDetail {
                url: url.as_str().to_string(),
                line: m.line,
                column: m.column,
                rule: m.rule.to_string(),
                preview: m.redacted.clone(),
            }),
        );
    }
    matches.len()
}

/// What was read of one file: its URL, the bytes read and whether the body was cut.
fn scanned_file(url: &Url, body: &Fetched) -> ScannedFile {
    ScannedFile {
        url: url.as_str().to_string(),
        bytes: body.body.len(),
        truncated: body.truncated,
    }
}

/// `http.bundle` for the page at `url`.
pub async fn check_bundle(client: &Client, url: &str, limits: &HttpLimits) -> CheckOutcome {
    let mut judged = Judged::start(KindId::HttpBundle, url);
    // The page and its assets share one deadline: the check's whole budget.
    let deadline = Instant::now() + limits.timeout;
    let page = match fetch_final_page(client, url, limits).await {
        Ok(page) => page,
        Err(e) => return judged.unreachable(&e),
    };
    let mut scanned = vec![scanned_file(&page.url, &page)];
    secret_findings(&page.url, &page, &mut judged);

    let mut named: Vec<Url> = Vec::new();
    for r in resources(&page.text(), &page.url) {
        if matches!(r.kind, ResourceKind::Script | ResourceKind::Stylesheet)
            && !named.contains(&r.url)
            && named.len() < MAX_ASSETS
        {
            named.push(r.url);
        }
    }
    // The page chose these URLs: only those the run's guard admits are requested, and
    // the rest are said, so a clean result never hides what was not read.
    let (assets, mut left_out) = limits.guard.sort(named, &page.url).await;
    let fetched = futures::future::join_all(
        assets
            .iter()
            .map(|u| fetch(client, Method::GET, u, &[], limits, Some(deadline))),
    )
    .await;

    let mut map_urls: Vec<(Url, Url, bool)> = Vec::new();
    for (asset, resp) in assets.iter().zip(fetched) {
        let Ok(resp) = resp else { continue };
        if !(200..300).contains(&resp.status) {
            continue;
        }
        scanned.push(scanned_file(asset, &resp));
        secret_findings(asset, &resp, &mut judged);
        let text = resp.text();
        match source_mapping_url(&text) {
            Some(m) if m.starts_with("data:") => {
                judged.push(
                    Finding::new(
                        Code::HttpSourcemapExposed,
                        format!("{asset} embeds its source map inline"),
                    )
                    .with_detail(&SourceMapDetail {
                        asset: asset.as_str().to_string(),
                        inline: true,
                        ..SourceMapDetail::default()
                    }),
                );
            }
            Some(m) => {
                if let Ok(u) = asset.join(&m) {
                    map_urls.push((asset.clone(), u, true));
                }
            }
            None => {
                if let Ok(u) = Url::parse(&format!(
                    "{}.map",
                    asset.as_str().split(['?', '#']).next().unwrap_or("")
                )) {
                    map_urls.push((asset.clone(), u, false));
                }
            }
        }
    }
    let map_urls: Vec<(Url, Url, bool)> = {
        let wanted: Vec<Url> = map_urls.iter().map(|(_, u, _)| u.clone()).collect();
        let (ok, refused) = limits.guard.sort(wanted, &page.url).await;
        left_out.extend(refused);
        map_urls
            .into_iter()
            .filter(|(_, u, _)| ok.contains(u))
            .collect()
    };
    let maps = futures::future::join_all(
        map_urls
            .iter()
            .map(|(_, u, _)| fetch(client, Method::GET, u, &[], limits, Some(deadline))),
    )
    .await;
    for ((asset, map_url, declared), resp) in map_urls.iter().zip(maps) {
        let Ok(resp) = resp else { continue };
        if !(200..300).contains(&resp.status) || !is_source_map(&resp.text()) {
            continue;
        }
        scanned.push(scanned_file(map_url, &resp));
        judged.push(
            Finding::new(
                Code::HttpSourcemapExposed,
                format!("{map_url} serves the source map of {asset}"),
            )
            .with_detail(&SourceMapDetail {
                asset: asset.as_str().to_string(),
                inline: false,
                map: Some(map_url.as_str().to_string()),
                declared: Some(*declared),
            }),
        );
        secret_findings(map_url, &resp, &mut judged);
    }
    let files = scanned.len();
    judged.observed(Observed::Bundle(BundleEvidence {
        scanned,
        left_out: left_out_evidence(&left_out),
    }));
    let mut out = judged.finish(&format!(
        "{}: {files} file(s) scanned, no secret and no public source map",
        page.url,
    ));
    if let Some(note) = left_out_note(&left_out) {
        out.summary.push_str(&note);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_last_source_mapping_comment() {
        assert_eq!(
            source_mapping_url("a();\n//# sourceMappingURL=app.js.map\n").as_deref(),
            Some("app.js.map")
        );
        assert_eq!(
            source_mapping_url("a{}\n/*# sourceMappingURL=site.css.map */").as_deref(),
            Some("site.css.map")
        );
        assert_eq!(source_mapping_url("var s = 'sourceMappingURL=x';"), None);
        assert_eq!(source_mapping_url("nothing here"), None);
    }
}
