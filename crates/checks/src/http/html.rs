//! Sub-resource extraction from HTML, and `http.mixed_content`.
//!
//! The checks only need the sub-resources a page references (scripts, stylesheets, frames,
//! images, media, form actions), not a DOM, so a WHATWG tokenizer (`html5gum`) is enough.
//! A real tokenizer rather than a tag scanner matters because what looks like a tag is not
//! always one: the content of `<script>`, `<style>` and the other raw-text elements is text
//! (an `<img src=http://…>` inside a script string loads nothing), comments and CDATA are
//! skipped, and attribute values carry character references (`http&#58;//` is `http://`).
//! The tokenizer switches into the raw-text states by tag name, as a tree builder would for
//! the elements that matter here. It never fails: malformed markup is tokenized the way a
//! browser would recover from it.

use crate::judged::Judged;
use crate::net::fetch::HttpLimits;
use crate::net::page::fetch_final_page;
use html5gum::{DefaultEmitter, Token, Tokenizer};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{
    MixedContentDetail, MixedContentEvidence, Observed, PageResource,
};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::{Client, Url};

/// One start tag: lower-cased name and attributes (names lower-cased, values with
/// character references decoded and surrounding whitespace trimmed), attributes ordered
/// by name, the first of duplicated attributes kept (as browsers do).
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

/// Every start tag of `html`, in order; tags inside comments and inside the text of
/// `<script>`, `<style>`, `<textarea>`, `<title>` and the other raw-text elements are not
/// tags and are left out.
pub fn tags(html: &str) -> Vec<Tag> {
    let mut emitter = DefaultEmitter::default();
    // Without a tree builder the tokenizer does not know that `<script>` starts raw text;
    // switching by tag name is what a tree builder does for every element that matters here.
    emitter.naively_switch_states(true);
    let mut out = Vec::new();
    for token in Tokenizer::new_with_emitter(html, emitter) {
        let token = match token {
            Ok(token) => token,
            // Reading from a `&str` cannot fail.
            Err(never) => match never {},
        };
        if let Token::StartTag(tag) = token {
            out.push(Tag {
                name: lossy(&tag.name).to_ascii_lowercase(),
                attrs: tag
                    .attributes
                    .iter()
                    .map(|(k, v)| {
                        (
                            lossy(k).to_ascii_lowercase(),
                            lossy(&v.value).trim().to_string(),
                        )
                    })
                    .collect(),
            });
        }
    }
    out
}

/// The tokenizer works on bytes; invalid UTF-8 in a name or value is replaced, not an error.
fn lossy(s: &[u8]) -> String {
    String::from_utf8_lossy(s).into_owned()
}

/// The URL relative references of `tags` resolve against: the first `<base href>`, resolved
/// against the page URL, as the HTML standard specifies (only the first `<base>` with an
/// `href` counts, wherever it stands). A base that does not parse or is not http(s) (browsers
/// ignore `data:` and `javascript:` bases) leaves the page URL in force.
pub fn document_base(tags: &[Tag], page: &Url) -> Url {
    tags.iter()
        .filter(|t| t.name == "base")
        .find_map(|t| t.attr("href"))
        .and_then(|href| page.join(href).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .unwrap_or_else(|| page.clone())
}

/// The sub-resources `html` references, resolved against the document's base URL (its
/// `<base href>`, else `page`); unparsable references and non-http(s) schemes (data:,
/// javascript:, mailto:) are left out. An `http://` base makes every relative reference
/// an `http://` one, which is how a browser would load it.
pub fn resources(html: &str, page: &Url) -> Vec<Resource> {
    let tags = tags(html);
    let base = document_base(&tags, page);
    let mut out = Vec::new();
    for tag in tags {
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
    let mut judged = Judged::start(KindId::HttpMixedContent, url);
    let page = match fetch_final_page(client, url, limits).await {
        Ok(page) => page,
        Err(e) => return judged.unreachable(&e),
    };
    let mut evidence = MixedContentEvidence {
        final_url: page.url.as_str().to_string(),
        ..MixedContentEvidence::default()
    };
    if page.url.scheme() != "https" {
        evidence.note = Some("the page is not served over HTTPS".into());
        judged.observed(Observed::MixedContent(evidence));
        return judged.finish(&format!("{}: not an HTTPS page", page.url));
    }
    let all = resources(&page.text(), &page.url);
    let insecure: Vec<&Resource> = all.iter().filter(|r| r.url.scheme() == "http").collect();
    evidence.resources = Some(all.len());
    if !insecure.is_empty() {
        let list: Vec<PageResource> = insecure
            .iter()
            .map(|r| PageResource {
                kind: r.kind.as_str().to_string(),
                url: r.url.as_str().to_string(),
            })
            .collect();
        judged.push(
            Finding::new(
                Code::HttpMixedContent,
                format!(
                    "{}: the HTTPS page loads {} resource(s) over plain HTTP (first: {} {})",
                    page.url,
                    insecure.len(),
                    insecure[0].kind.as_str(),
                    insecure[0].url
                ),
            )
            .with_detail(&MixedContentDetail { insecure: list }),
        );
    }
    judged.observed(Observed::MixedContent(evidence));
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

    fn page() -> Url {
        Url::parse("https://site.test/page/").unwrap()
    }

    fn found(html: &str) -> Vec<(&'static str, String)> {
        resources(html, &page())
            .into_iter()
            .map(|r| (r.kind.as_str(), r.url.to_string()))
            .collect()
    }

    fn one(kind: &'static str, url: &str) -> Vec<(&'static str, String)> {
        vec![(kind, url.to_string())]
    }

    #[test]
    fn markup_inside_a_script_is_text_not_a_tag() {
        let html = r#"<script>
              document.write('<img src="http://cdn.test/pixel.gif">');
              var s = "<script src='http://evil.test/x.js'><\/script>";
            </script>
            <style>.a::after { content: "<iframe src=http://f.test/>"; }</style>
            <textarea><img src="http://typed.test/a.png"></textarea>
            <img src="/after.png">"#;
        assert_eq!(found(html), one("image", "https://site.test/after.png"));
    }

    #[test]
    fn external_script_is_found_and_its_body_ignored() {
        let html = r#"<script src="http://cdn.test/lib.js">"<img src=http://x.test/i>"</script>"#;
        assert_eq!(found(html), one("script", "http://cdn.test/lib.js"));
    }

    #[test]
    fn an_http_base_makes_relative_references_insecure() {
        let html = r#"<head><base href="http://static.test/assets/"></head>
            <script src="app.js"></script><img src="/logo.png">
            <img src="https://cdn.test/ok.png">"#;
        assert_eq!(
            found(html),
            [
                ("script", "http://static.test/assets/app.js".to_string()),
                ("image", "http://static.test/logo.png".to_string()),
                ("image", "https://cdn.test/ok.png".to_string()),
            ]
        );
    }

    #[test]
    fn only_the_first_base_with_an_href_counts_and_bad_bases_are_ignored() {
        let html = r#"<base target=_blank><base href="/v2/"><base href="http://x.test/">
            <img src="a.png">"#;
        assert_eq!(found(html), one("image", "https://site.test/v2/a.png"));
        let html = r#"<base href="javascript:alert(1)"><img src="a.png">"#;
        assert_eq!(found(html), one("image", "https://site.test/page/a.png"));
    }

    #[test]
    fn character_references_in_attribute_values_are_decoded() {
        assert_eq!(
            found(r#"<img src="http&#58;//cdn.test/a.png">"#),
            one("image", "http://cdn.test/a.png")
        );
        assert_eq!(
            found(r#"<script src="&#x68;ttp&colon;//cdn.test/a.js?x=1&amp;y=2"></script>"#),
            one("script", "http://cdn.test/a.js?x=1&y=2")
        );
    }

    #[test]
    fn every_kind_of_sub_resource_is_found() {
        let cases = [
            (r#"<script src="http://a.test/s.js"></script>"#, "script"),
            (
                r#"<link rel="preload" as="script" href="http://a.test/s.js">"#,
                "script",
            ),
            (
                r#"<link rel="Stylesheet alternate" href="http://a.test/s.css">"#,
                "stylesheet",
            ),
            (r#"<iframe src="http://a.test/f"></iframe>"#, "frame"),
            (
                r#"<frameset><frame src="http://a.test/f"></frameset>"#,
                "frame",
            ),
            (r#"<img src="http://a.test/i.png">"#, "image"),
            (r#"<video src="http://a.test/v.mp4"></video>"#, "media"),
            (
                r#"<audio><source src="http://a.test/v.mp4"></audio>"#,
                "media",
            ),
            (
                r#"<video><track src="http://a.test/v.mp4"></video>"#,
                "media",
            ),
            (r#"<embed src="http://a.test/v.mp4">"#, "media"),
            (r#"<object data="http://a.test/v.mp4"></object>"#, "media"),
            (
                r#"<form action="http://a.test/f" method="post"></form>"#,
                "form",
            ),
            (
                r#"<link rel=preload as=font href="http://a.test/f">"#,
                "font",
            ),
            (
                r#"<link rel="apple-touch-icon" href="http://a.test/f">"#,
                "icon",
            ),
        ];
        for (html, kind) in cases {
            let got = found(html);
            assert_eq!(got.len(), 1, "{html}: {got:?}");
            assert_eq!(got[0].0, kind, "{html}");
            assert!(got[0].1.starts_with("http://a.test/"), "{html}: {got:?}");
        }
    }

    #[test]
    fn tags_in_comments_and_links_are_not_resources() {
        let html = r#"<!-- <img src="http://a.test/i.png"> --><![CDATA[<img src="http://b.test/">]]>
            <a href="http://c.test/">c</a><link rel="canonical" href="http://d.test/">"#;
        assert_eq!(found(html), []);
    }

    proptest::proptest! {
        #[test]
        fn extraction_never_panics_on_arbitrary_text(html in "\\PC*") {
            let _ = resources(&html, &page());
        }

        #[test]
        fn extraction_never_panics_on_tag_soup(
            html in r#"(<|>|/|=|"|'|&|#|;|!|-|\\[|\\]| |x|img|script|base|src|href|http:|//|&#58;|&amp|\\u{0}|é){0,120}"#
        ) {
            let _ = tags(&html);
            let _ = resources(&html, &page());
        }
    }
}
