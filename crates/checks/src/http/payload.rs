//! `http.payload`: how much a page and the scripts and stylesheets it loads weigh on the
//! wire, and whether text is compressed for a client that asks for it. No browser: each
//! file is requested once, the way a browser would, with `Accept-Encoding: gzip, br`.
//!
//! Our client has no decompression built in, so the body read is the body sent and the
//! `Content-Encoding` header is the server's own: the transfer size is the body's length
//! and an absent encoding means the text crossed the wire as is. The assets are found and
//! admitted as `http.bundle` finds them (`html::resources`, the run's guard), and every
//! exchange goes through the run's memo, so a page several kinds judge with this request
//! shape is fetched once.

use super::html::{ResourceKind, resources};
use crate::judged::Judged;
use crate::net::fetch::{Fetched, HttpLimits, fetch};
use crate::net::guard::{left_out_evidence, left_out_note};
use crate::net::page::fetch_final_page;
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{
    Observed, PayloadEvidence, PayloadFile, PayloadOverBudget, UncompressedDetail,
};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::{Client, Method, Url};
use tokio::time::Instant;

/// What the requests say they accept, as a browser does.
pub const ACCEPT_ENCODING: &str = "gzip, br";
/// Text bodies at or under this size are not worth compressing.
pub const COMPRESS_OVER_BYTES: u64 = 1024;
/// Scripts and stylesheets read per page.
pub const MAX_ASSETS: usize = super::bundle::MAX_ASSETS;
/// The most read of one body, whatever the budget: past it, `Content-Length` (or the
/// bytes read) says enough.
const READ_CAP: usize = 32 * 1024 * 1024;

/// Whether a response of `content_type` is text a server should compress: HTML, CSS,
/// JavaScript, JSON, SVG and other text.
pub fn is_text(content_type: &str) -> bool {
    let t = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    t.starts_with("text/")
        || t.ends_with("+json")
        || t.ends_with("+xml")
        || matches!(
            t.as_str(),
            "application/javascript"
                | "application/x-javascript"
                | "application/ecmascript"
                | "application/json"
                | "application/manifest+json"
                | "application/xml"
                | "image/svg+xml"
        )
}

/// The encoding a response was sent with: `None` when absent or `identity`.
fn encoding(f: &Fetched) -> Option<String> {
    f.header("content-encoding")
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e != "identity")
}

/// Bytes of the body as transferred: what was read, or the declared length of a body
/// that was cut.
fn transfer_bytes(f: &Fetched) -> u64 {
    let read = f.body.len() as u64;
    if !f.truncated {
        return read;
    }
    f.header("content-length")
        .and_then(|l| l.trim().parse::<u64>().ok())
        .map_or(read, |l| l.max(read))
}

fn file(url: &Url, role: &str, f: &Fetched) -> PayloadFile {
    PayloadFile {
        url: url.as_str().to_string(),
        role: role.to_string(),
        status: f.status,
        content_type: f.header("content-type"),
        encoding: encoding(f),
        bytes: transfer_bytes(f),
        truncated: f.truncated,
    }
}

/// The findings on one file against the budget.
fn judge(file: &PayloadFile, budget_bytes: u64, judged: &mut Judged) {
    let ct = file.content_type.as_deref().unwrap_or("");
    if file.encoding.is_none() && is_text(ct) && file.bytes > COMPRESS_OVER_BYTES {
        judged.push(
            Finding::new(
                Code::PerfUncompressed,
                format!(
                    "{} sends {} of {} uncompressed though the client accepts {ACCEPT_ENCODING}",
                    file.url,
                    kib(file.bytes),
                    ct.split(';').next().unwrap_or(ct).trim()
                ),
            )
            .with_detail(&UncompressedDetail {
                url: file.url.clone(),
                content_type: ct.to_string(),
                bytes: file.bytes,
                accept_encoding: ACCEPT_ENCODING.into(),
            }),
        );
    }
    if file.bytes > budget_bytes {
        judged.push(
            Finding::new(
                Code::PerfPayloadLarge,
                format!(
                    "{} is {} on the wire, over the {} budget",
                    file.url,
                    kib(file.bytes),
                    kib(budget_bytes)
                ),
            )
            .with_detail(&PayloadOverBudget {
                bytes: file.bytes,
                budget_bytes,
            }),
        );
    }
}

/// A byte count for people: `1.5 KiB`, `820 B`.
pub fn kib(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else {
        #[allow(clippy::cast_precision_loss)] // sizes far under 2^52
        let k = bytes as f64 / 1024.0;
        if k < 10.0 {
            format!("{k:.1} KiB")
        } else {
            format!("{k:.0} KiB")
        }
    }
}

/// `http.payload` for the page at `url`, each response held to `budget_kib`.
pub async fn check_payload(
    client: &Client,
    url: &str,
    limits: &HttpLimits,
    budget_kib: u32,
) -> CheckOutcome {
    let mut judged = Judged::start(KindId::HttpPayload, url);
    let deadline = Instant::now() + limits.timeout;
    let budget_bytes = u64::from(budget_kib) * 1024;
    // Read one byte past the budget (within a cap) so "over budget" is seen, not guessed.
    let read = HttpLimits {
        max_body: usize::try_from(budget_bytes + 1)
            .unwrap_or(READ_CAP)
            .clamp(limits.max_body, READ_CAP),
        ..limits.clone()
    };
    // Redirects are followed as every page kind follows them (shared through the memo);
    // the final page is then asked for as a browser asks.
    let page_url = match fetch_final_page(client, url, limits).await {
        Ok(page) => page.url,
        Err(e) => return judged.unreachable(&e),
    };
    let accept = [("accept-encoding", ACCEPT_ENCODING)];
    let page = match fetch(
        client,
        Method::GET,
        &page_url,
        &accept,
        &read,
        Some(deadline),
    )
    .await
    {
        Ok(p) => p,
        Err(e) => {
            return judged.unreachable(&crate::net::page::PageError::Fetch {
                url: page_url.to_string(),
                error: e,
            });
        }
    };
    let mut files = vec![file(&page_url, "page", &page)];
    // The markup is read from the plain exchange (a compressed page cannot be parsed
    // here); the memo already holds it.
    let markup = if encoding(&page).is_none() {
        page.text()
    } else {
        fetch_final_page(client, page_url.as_str(), limits)
            .await
            .map(|p| p.text())
            .unwrap_or_default()
    };
    let mut named: Vec<(Url, &'static str)> = Vec::new();
    for r in resources(&markup, &page_url) {
        let role = match r.kind {
            ResourceKind::Script => "script",
            ResourceKind::Stylesheet => "stylesheet",
            _ => continue,
        };
        if !named.iter().any(|(u, _)| *u == r.url) && named.len() < MAX_ASSETS {
            named.push((r.url, role));
        }
    }
    let (admitted, left_out) = limits
        .guard
        .sort(named.iter().map(|(u, _)| u.clone()).collect(), &page_url)
        .await;
    let fetched = futures::future::join_all(
        admitted
            .iter()
            .map(|u| fetch(client, Method::GET, u, &accept, &read, Some(deadline))),
    )
    .await;
    for (u, resp) in admitted.iter().zip(fetched) {
        let Ok(resp) = resp else { continue };
        if !(200..300).contains(&resp.status) {
            continue;
        }
        let role = named
            .iter()
            .find(|(n, _)| n == u)
            .map_or("asset", |(_, r)| *r);
        files.push(file(u, role, &resp));
    }
    for f in &files {
        judge(f, budget_bytes, &mut judged);
    }
    let total: u64 = files.iter().map(|f| f.bytes).sum();
    let count = files.len();
    // Only what was sent compressed is said to be: text under the 1 KiB floor is fine as
    // it is, and is called small, not compressed.
    let compressed = files.iter().filter(|f| f.encoding.is_some()).count();
    let text_words = match (compressed, count) {
        (0, _) => "no text over 1 KiB sent uncompressed".to_string(),
        (c, n) if c == n => "all of it compressed".to_string(),
        (c, _) => format!("{c} compressed, the rest under 1 KiB or not text"),
    };
    judged.observed(Observed::Payload(PayloadEvidence {
        budget_kib,
        accept_encoding: ACCEPT_ENCODING.into(),
        files,
        total_bytes: total,
        left_out: left_out_evidence(&left_out),
    }));
    let mut out = judged.finish(&format!(
        "{page_url}: {count} file(s), {} in all; each under the {} budget, {text_words}",
        kib(total),
        kib(budget_bytes)
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
    fn text_types_are_the_compressible_ones() {
        for t in [
            "text/html; charset=utf-8",
            "text/css",
            "application/javascript",
            "text/javascript",
            "application/json",
            "application/ld+json",
            "image/svg+xml",
        ] {
            assert!(is_text(t), "{t}");
        }
        for t in ["image/png", "font/woff2", "application/octet-stream", ""] {
            assert!(!is_text(t), "{t}");
        }
    }

    #[test]
    fn sizes_read_for_people() {
        assert_eq!(kib(820), "820 B");
        assert_eq!(kib(1536), "1.5 KiB");
        assert_eq!(kib(1536 * 1024), "1536 KiB");
    }
}
