//! A small, tolerant HTML tag scanner and `http.mixed_content`.
//!
//! The checks only need the sub-resources a page references (scripts, stylesheets, frames,
//! images, media, form actions), not a DOM, so a scanner over `<tag attr=value …>` is
//! enough and keeps an HTML parser out of the build. It skips comments, accepts quoted and
//! unquoted values in any case, and never fails: what it cannot read it passes over.

use super::body::HttpLimits;
use super::redirects::fetch_final_page;
use crate::checks::judged::Judged;
use crate::finding::{Finding, Severity};
use crate::session::model::CheckOutcome;
use reqwest::{Client, Url};
use serde_json::json;

/// One start tag: lower-cased name and attributes (names lower-cased, values as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a page loads a resource as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    Script,
    Stylesheet,
    Frame,
    Image,
    Media,
    Font,
    Icon,
    Form,
}

impl ResourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Script => "script",
            ResourceKind::Stylesheet => "stylesheet",
            ResourceKind::Frame => "frame",
            ResourceKind::Image => "image",
            ResourceKind::Media => "media",
            ResourceKind::Font => "font",
            ResourceKind::Icon => "icon",
            ResourceKind::Form => "form",
        }
    }

    /// Static assets whose caching `http.cache` judges.
    pub fn is_static(self) -> bool {
        matches!(
            self,
            ResourceKind::Script
                | ResourceKind::Stylesheet
                | ResourceKind::Image
                | ResourceKind::Font
                | ResourceKind::Icon
        )
    }
}

/// A sub-resource reference resolved against the page URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub kind: ResourceKind,
    pub url: Url,
    /// The attribute value as written.
    pub raw: String,
}

/// Every start tag of `html`, in order.
pub fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |e| i + e + 3);
            continue;
        }
        let name_end = html[i..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(html.len(), |e| i + e);
        if name_end == i || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let name = html[i..name_end].to_ascii_lowercase();
        let (attrs, end) = attributes(html, name_end);
        i = end;
        out.push(Tag { name, attrs });
    }
    out
}

/// Reads attributes from `start` up to the closing `>`; returns them and the index after.
fn attributes(html: &str, start: usize) -> (Vec<(String, String)>, usize) {
    let b = html.as_bytes();
    let mut attrs = Vec::new();
    let mut i = start;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, i);
        }
        if b[i] == b'>' {
            return (attrs, i + 1);
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vstart = i + 1;
                let vend = b[vstart..]
                    .iter()
                    .position(|&c| c == q)
                    .map_or(b.len(), |p| vstart + p);
                value = html[vstart..vend].to_string();
                i = (vend + 1).min(b.len());
            } else {
                let vstart = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = html[vstart..i].to_string();
            }
        }
        if !name.is_empty() {
            attrs.push((name, value.replace("&amp;", "&").trim().to_string()));
        }
    }
}

/// The sub-resources `html` references, resolved against `base`; unparsable references
/// and non-http(s) schemes (data:, javascript:, mailto:) are left out.
pub fn resources(html: &str, base: &Url) -> Vec<Resource> {
    let mut out = Vec::new();
    for tag in tags(html) {
        let mut push = |kind: ResourceKind, raw: &str| {
            if raw.is_empty() {
                return;
            }
            if let Ok(url) = base.join(raw)
                && matches!(url.scheme(), "http" | "https")
            {
                out.push(Resource {
                    kind,
                    url,
                    raw: raw.to_string(),
                });
            }
        };
        match tag.name.as_str() {
            "script" => push(ResourceKind::Script, tag.attr("src").unwrap_or("")),
            "iframe" | "frame" => push(ResourceKind::Frame, tag.attr("src").unwrap_or("")),
            "img" => {
                push(ResourceKind::Image, tag.attr("src").unwrap_or(""));
                for candidate in tag.attr("srcset").unwrap_or("").split(',') {
                    let url = candidate.split_whitespace().next().unwrap_or("");
                    push(ResourceKind::Image, url);
                }
            }
            "video" | "audio" | "source" | "track" | "embed" => {
                push(ResourceKind::Media, tag.attr("src").unwrap_or(""));
            }
            "object" => push(ResourceKind::Media, tag.attr("data").unwrap_or("")),
            "form" => push(ResourceKind::Form, tag.attr("action").unwrap_or("")),
            "link" => {
                let rel = tag.attr("rel").unwrap_or("").to_ascii_lowercase();
                let href = tag.attr("href").unwrap_or("");
                let as_ = tag.attr("as").unwrap_or("").to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "stylesheet") || as_ == "style" {
                    push(ResourceKind::Stylesheet, href);
                } else if as_ == "script" || rel.contains("modulepreload") {
                    push(ResourceKind::Script, href);
                } else if as_ == "font" {
                    push(ResourceKind::Font, href);
                } else if rel
                    .split_whitespace()
                    .any(|r| r == "icon" || r == "apple-touch-icon")
                {
                    push(ResourceKind::Icon, href);
                }
            }
            _ => {}
        }
    }
    out
}

/// `http.mixed_content`: the HTTPS page at `url` must load nothing over `http://`.
pub async fn check_mixed_content(client: &Client, url: &str, limits: &HttpLimits) -> CheckOutcome {
    let mut judged = Judged::start("http.mixed_content", url);
    let page = match fetch_final_page(client, url, limits).await {
        Ok(page) => page,
        Err(e) => return judged.unreachable(&e),
    };
    judged.evidence("final_url", json!(page.url.as_str()));
    if page.url.scheme() != "https" {
        judged.evidence("note", json!("the page is not served over HTTPS"));
        return judged.finish(&format!("{}: not an HTTPS page", page.url));
    }
    let all = resources(&page.text(), &page.url);
    let insecure: Vec<&Resource> = all.iter().filter(|r| r.url.scheme() == "http").collect();
    judged.evidence("resources", json!(all.len()));
    if !insecure.is_empty() {
        let list: Vec<_> = insecure
            .iter()
            .map(|r| json!({ "kind": r.kind.as_str(), "url": r.url.as_str() }))
            .collect();
        judged.push(
            Finding::new(
                "http.mixed_content",
                Severity::High,
                format!(
                    "{}: the HTTPS page loads {} resource(s) over plain HTTP (first: {} {})",
                    page.url,
                    insecure.len(),
                    insecure[0].kind.as_str(),
                    insecure[0].url
                ),
            )
            .with_evidence(json!({ "insecure": list })),
        );
    }
    judged.finish(&format!(
        "{}: all {} sub-resources load over HTTPS",
        page.url,
        all.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_tags_with_any_quoting_and_skips_comments() {
        let html = r#"<!doctype html><!-- <script src="/hidden.js"> -->
            <SCRIPT SRC='/a.js' defer></SCRIPT><link rel=stylesheet href=/s.css>
            <img src="x.png" srcset="a.png 1x, http://cdn.test/b.png 2x" alt="a > b">
            <form action="http://pay.test/submit" method=post><iframe src=//frames.test/f></iframe>
            <a href="http://not-a-resource.test/">x</a><link rel="icon" href="/favicon.ico">"#;
        let base = Url::parse("https://site.test/page/").unwrap();
        let r = resources(html, &base);
        let got: Vec<(&str, &str)> = r
            .iter()
            .map(|r| (r.kind.as_str(), r.url.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("script", "https://site.test/a.js"),
                ("stylesheet", "https://site.test/s.css"),
                ("image", "https://site.test/page/x.png"),
                ("image", "https://site.test/page/a.png"),
                ("image", "http://cdn.test/b.png"),
                ("form", "http://pay.test/submit"),
                ("frame", "https://frames.test/f"),
                ("icon", "https://site.test/favicon.ico"),
            ]
        );
    }

    #[test]
    fn survives_broken_markup() {
        assert!(tags("<<<>>> <script src=\"unterminated").len() <= 1);
        assert!(resources("<img src>", &Url::parse("https://a.test/").unwrap()).is_empty());
        assert!(
            resources(
                "<img src=\"data:image/png;base64,AAAA\">",
                &Url::parse("https://a.test/").unwrap()
            )
            .is_empty()
        );
    }
}
