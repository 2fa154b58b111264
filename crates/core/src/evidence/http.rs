//! Evidence of the `http` family, and the details its findings carry.

use super::Observed;
use serde::{Deserialize, Serialize};

/// `http.redirects`: each entry URL followed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RedirectEvidence {
    pub chains: Vec<ChainEvidence>,
    /// The apex or www sibling probed although nobody named it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovered: Option<String>,
    /// Most hops allowed from an entry URL to the canonical one (the runbook's
    /// `redirect_hops_max`, else one), a same-host `http→https` upgrade not counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hops_max: Option<u32>,
}

/// One followed chain (of `http.redirects`, `http.availability`, and the detail of the
/// redirect findings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChainEvidence {
    pub entry: String,
    pub hops: Vec<HopEvidence>,
    /// How it ended (absent in evidence written before it was recorded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<ChainEndEvidence>,
}

/// One response of a chain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HopEvidence {
    pub url: String,
    pub status: Option<u16>,
    pub location: Option<String>,
    pub ms: Option<u64>,
}

/// How a chain ended; on the wire an object with one key naming the ending.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ChainEndEvidence {
    /// `{"final": URL, "status": N}`: a response that is not a redirect.
    Final {
        #[serde(rename = "final")]
        url: String,
        status: u16,
    },
    /// `{"loop": URL}`: a redirect back to a URL already visited.
    Loop {
        #[serde(rename = "loop")]
        revisited: String,
    },
    /// `{"too_many_hops": N}`: still redirecting after N redirects.
    TooManyHops { too_many_hops: usize },
    /// `{"bad_location": L}`: a redirect without a usable `Location`.
    BadLocation { bad_location: String },
    /// `{"error": …}`: a hop that got no response.
    Error { error: String },
}

/// `http.availability`: the entry URL's chain, and the final response when it ended on one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AvailabilityEvidence {
    pub chain: ChainEvidence,
    /// Why the final page's certificate was not trusted, when the page was read anyway
    /// (the run's fallback client): the verdict wants a certificate finding to explain it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unverified_certificate: Option<String>,
    /// Status of the final response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Time over every hop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_bytes_read: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_truncated: Option<bool>,
}

/// `http.headers`: the final page and the security headers it sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HeadersEvidence {
    pub final_url: String,
    pub status: u16,
    pub headers: SecurityHeaders,
    /// Why part of the judgement did not apply (HSTS on a plain-HTTP page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The security headers of a response as sent (`None`: absent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecurityHeaders {
    #[serde(rename = "strict-transport-security")]
    pub strict_transport_security: Option<String>,
    #[serde(rename = "x-content-type-options")]
    pub x_content_type_options: Option<String>,
    #[serde(rename = "x-frame-options")]
    pub x_frame_options: Option<String>,
    #[serde(rename = "content-security-policy")]
    pub content_security_policy: Option<String>,
    #[serde(rename = "referrer-policy")]
    pub referrer_policy: Option<String>,
}

/// `http.mixed_content`: the final page and how many sub-resources it references.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MixedContentEvidence {
    pub final_url: String,
    /// Sub-resources referenced (absent when the page is not HTTPS and was not read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `http.cache`: the final page's caching and how many static assets were read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CacheEvidence {
    pub final_url: String,
    /// Every `Cache-Control` header of the page, as sent.
    #[serde(rename = "cache-control")]
    pub cache_control: Vec<String>,
    /// Static assets that answered 2xx.
    pub assets_checked: usize,
    /// Asset URLs the run's guard kept from being requested.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<LeftOutUrl>,
}

/// `http.cors`: the origin sent and what the answer allowed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CorsEvidence {
    pub origin_sent: String,
    #[serde(rename = "access-control-allow-origin")]
    pub allow_origin: Option<String>,
    #[serde(rename = "access-control-allow-credentials")]
    pub allow_credentials: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The answer's status (what says whether the URL asks for credentials).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The answer set a cookie.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sets_cookie: bool,
    /// Why the session allows a wildcard here, when it recorded a reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_reason: Option<String>,
}

/// `http.exposure`: every path probed and how it answered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExposureEvidence {
    pub probed: Vec<ProbedPath>,
}

/// One probed path: its status, or why it got none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProbedPath {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `http.bundle`: every file scanned, and the URLs not fetched.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BundleEvidence {
    pub scanned: Vec<ScannedFile>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<LeftOutUrl>,
}

/// One file `http.bundle` scanned (the page, an asset, a source map).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScannedFile {
    pub url: String,
    /// Bytes read (at most the body cap).
    pub bytes: usize,
    /// The body was longer than the cap.
    pub truncated: bool,
}

/// A URL a page named that the run's guard kept from being requested, and why (the page
/// checks that follow a page's references: `http.cache`, `http.bundle`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeftOutUrl {
    pub url: String,
    pub reason: String,
}

impl Observed {
    /// Why the certificate of the page an outcome read was not trusted, when it was read
    /// anyway: the verdict counts such a page as not checked until a certificate finding
    /// on the host says why.
    pub fn unverified_certificate(&self) -> Option<&str> {
        match self {
            Observed::Availability(a) => a.unverified_certificate.as_deref(),
            _ => None,
        }
    }

    /// The URLs an outcome's page named that were not fetched.
    pub fn left_out(&self) -> &[LeftOutUrl] {
        match self {
            Observed::Cache(c) => &c.left_out,
            Observed::Bundle(b) => &b.left_out,
            Observed::Payload(p) => &p.left_out,
            _ => &[],
        }
    }
}

// Details of the family's findings (`Finding::with_detail`, `Finding::detail`).

/// `http.timeout`: the bound and the hop (0-based) that got no answer in time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeoutDetail {
    pub timeout_ms: u64,
    pub hop: usize,
}

/// `http.down`: why the URL could not be reached.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DownDetail {
    pub error: String,
}

/// `http.no_canonical_host`: the two hosts that both serve content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CanonicalDetail {
    pub hosts: Vec<String>,
}

/// `http.hsts_weak`: the header value judged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HstsDetail {
    pub value: String,
}

/// `http.security_headers_missing`: what the response lacks, by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MissingHeadersDetail {
    pub missing: Vec<String>,
}

/// `http.mixed_content`: the sub-resources loaded over plain HTTP.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MixedContentDetail {
    pub insecure: Vec<PageResource>,
}

/// A sub-resource a page references: what it loads it as and its URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageResource {
    pub kind: String,
    pub url: String,
}

/// `http.private_cached`: the `Cache-Control` headers that let shared caches store it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CacheControlDetail {
    #[serde(rename = "cache-control")]
    pub cache_control: Vec<String>,
}

/// `http.static_uncached`: the static assets without a caching lifetime.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UncachedDetail {
    pub assets: Vec<UncachedAsset>,
}

/// A static asset without a caching lifetime.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UncachedAsset {
    pub url: String,
    pub kind: String,
    #[serde(rename = "cache-control")]
    pub cache_control: Option<String>,
}

/// `http.cors_permissive`: the origin the probe sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CorsDetail {
    pub origin_sent: String,
}

/// `http.cors_wildcard`: why the wildcard matters here, and the reason recorded for it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CorsWildcardDetail {
    /// `sets a cookie`, `answers 401 without credentials`, `the route sends credentials`.
    pub because: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_reason: Option<String>,
}

/// `http.env_exposed` and `http.git_exposed`: the path served and what it gives away
/// (variable or key names, never values; the start of a `.git/HEAD`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExposedDetail {
    pub path: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
    /// Secrets the shared rules found in an env file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets_found: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
}

/// `http.secret_in_bundle`: where the secret is, its rule and a redacted preview.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BundleSecretDetail {
    pub url: String,
    pub line: usize,
    pub column: usize,
    pub rule: String,
    pub preview: String,
}

/// `http.sourcemap_exposed`: the asset and its map, inline or served (and whether the
/// asset named it or it was found beside it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceMapDetail {
    pub asset: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inline: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::KindId;
    use serde_json::json;

    #[test]
    fn every_chain_ending_reads_as_its_variant_and_writes_back_the_same() {
        for (end, want) in [
            (
                json!({ "final": "https://a.test/", "status": 200 }),
                ChainEndEvidence::Final {
                    url: "https://a.test/".into(),
                    status: 200,
                },
            ),
            (
                json!({ "loop": "http://a.test/" }),
                ChainEndEvidence::Loop {
                    revisited: "http://a.test/".into(),
                },
            ),
            (
                json!({ "too_many_hops": 10 }),
                ChainEndEvidence::TooManyHops { too_many_hops: 10 },
            ),
            (
                json!({ "bad_location": "::" }),
                ChainEndEvidence::BadLocation {
                    bad_location: "::".into(),
                },
            ),
            (
                json!({ "error": "connection refused" }),
                ChainEndEvidence::Error {
                    error: "connection refused".into(),
                },
            ),
        ] {
            let v = json!({ "chains": [{ "entry": "http://a.test/", "hops": [], "end": end }] });
            let Observed::Redirects(r) = Observed::read(Some(KindId::HttpRedirects), v.clone())
            else {
                panic!("{v}");
            };
            assert_eq!(r.chains[0].end.as_ref(), Some(&want));
            assert_eq!(Observed::Redirects(r).to_json(), v);
        }
    }

    #[test]
    fn an_outcome_that_observed_nothing_has_no_evidence() {
        for kind in [
            KindId::HttpHeaders,
            KindId::HttpAvailability,
            KindId::HttpCache,
        ] {
            assert_eq!(Observed::read(Some(kind), json!({})), Observed::None);
        }
    }

    #[test]
    fn page_level_facts_are_read_from_the_type() {
        let o = Observed::read(
            Some(KindId::HttpAvailability),
            json!({ "chain": { "entry": "https://a.test/", "hops": [] }, "unverified_certificate": "UnknownIssuer" }),
        );
        assert_eq!(o.unverified_certificate(), Some("UnknownIssuer"));
        let o = Observed::read(
            Some(KindId::HttpBundle),
            json!({ "scanned": [], "left_out": [{ "url": "http://cdn.a.test/x.js", "reason": "loopback" }] }),
        );
        assert_eq!(o.left_out()[0].url, "http://cdn.a.test/x.js");
        assert!(Observed::None.left_out().is_empty());
    }
}
