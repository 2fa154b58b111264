//! `http.headers`: HSTS and the security headers on the final HTTPS page.
//!
//! Judged on the page a visitor ends on (redirects followed), because that is the response
//! whose headers the browser applies.

use crate::judged::Judged;
use crate::net::fetch::{Fetched, HttpLimits};
use crate::net::page::fetch_final_page;
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{
    HeadersEvidence, HstsDetail, MissingHeadersDetail, Observed, SecurityHeaders,
};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::Client;

/// Six months, the floor `checks.md` sets for HSTS `max-age`.
pub const HSTS_MIN_MAX_AGE: u64 = 15_768_000;

/// The `max-age` of an HSTS header value, if it has a readable one.
pub fn hsts_max_age(value: &str) -> Option<u64> {
    value.split(';').find_map(|d| {
        let (k, v) = d.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| v.trim().trim_matches('"').parse().ok())
            .flatten()
    })
}

/// Why the HSTS header `value` is too weak, if it is: a `max-age` under six months, or
/// none that can be read (absent, not a number), which browsers treat as no HSTS at all.
/// The value comes from the server, so it is quoted escaped and cut short.
pub fn hsts_weakness(value: &str) -> Option<String> {
    match hsts_max_age(value) {
        Some(age) if age >= HSTS_MIN_MAX_AGE => None,
        Some(age) => Some(format!(
            "HSTS max-age is {age} s, under six months ({HSTS_MIN_MAX_AGE} s)"
        )),
        None => {
            const SHOWN: usize = 80;
            let mut quoted: String = value.chars().take(SHOWN).collect();
            if value.chars().nth(SHOWN).is_some() {
                quoted.push('…');
            }
            Some(format!(
                "HSTS max-age cannot be read from `{}`",
                quoted.escape_debug()
            ))
        }
    }
}

/// The security headers a response lacks, by name.
pub fn missing_security_headers(page: &Fetched) -> Vec<&'static str> {
    let mut missing = Vec::new();
    let nosniff = page
        .header("x-content-type-options")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("nosniff"));
    if !nosniff {
        missing.push("X-Content-Type-Options: nosniff");
    }
    let csp_frames = page
        .header_all("content-security-policy")
        .iter()
        .any(|v| v.to_ascii_lowercase().contains("frame-ancestors"));
    let xfo = page.header("x-frame-options").is_some_and(|v| {
        let v = v.trim().to_ascii_uppercase();
        v == "DENY" || v == "SAMEORIGIN"
    });
    if !csp_frames && !xfo {
        missing.push("framing protection (CSP frame-ancestors or X-Frame-Options)");
    }
    if page
        .header("referrer-policy")
        .is_none_or(|v| v.trim().is_empty())
    {
        missing.push("Referrer-Policy");
    }
    missing
}

/// `http.headers` for the page at `url`.
pub async fn check_headers(client: &Client, url: &str, limits: &HttpLimits) -> CheckOutcome {
    let mut judged = Judged::start(KindId::HttpHeaders, url);
    let page = match fetch_final_page(client, url, limits).await {
        Ok(page) => page,
        Err(e) => return judged.unreachable(&e),
    };
    let hsts = page.header("strict-transport-security");
    let mut evidence = HeadersEvidence {
        final_url: page.url.as_str().to_string(),
        status: page.status,
        headers: SecurityHeaders {
            strict_transport_security: hsts.clone(),
            x_content_type_options: page.header("x-content-type-options"),
            x_frame_options: page.header("x-frame-options"),
            content_security_policy: page.header("content-security-policy"),
            referrer_policy: page.header("referrer-policy"),
        },
        note: None,
    };
    if page.url.scheme() == "https" {
        match hsts.as_deref().map(|v| (v, hsts_weakness(v))) {
            None => judged.push(Finding::new(
                Code::HttpHstsMissing,
                format!("{}: no Strict-Transport-Security header", page.url),
            )),
            Some((v, Some(why))) => judged.push(
                Finding::new(Code::HttpHstsWeak, format!("{}: {why}", page.url)).with_detail(
                    &HstsDetail {
                        value: v.to_string(),
                    },
                ),
            ),
            Some((_, None)) => {}
        }
    } else {
        evidence.note = Some("HSTS is judged on HTTPS pages only".into());
    }
    let missing = missing_security_headers(&page);
    if !missing.is_empty() {
        judged.push(
            Finding::new(
                Code::HttpSecurityHeadersMissing,
                format!("{}: missing {}", page.url, missing.join(", ")),
            )
            .with_detail(&MissingHeadersDetail {
                missing: missing.iter().map(|m| (*m).to_string()).collect(),
            }),
        );
    }
    judged.observed(Observed::Headers(Box::new(evidence)));
    judged.finish(&format!("{}: HSTS and security headers present", page.url))
}

#[cfg(test)]
mod tests {
    use super::{hsts_max_age, hsts_weakness};

    #[test]
    fn reads_max_age_in_any_case_and_order() {
        assert_eq!(
            hsts_max_age("max-age=31536000; includeSubDomains"),
            Some(31_536_000)
        );
        assert_eq!(
            hsts_max_age("includeSubDomains; Max-Age=\"600\""),
            Some(600)
        );
        assert_eq!(hsts_max_age("includeSubDomains"), None);
        assert_eq!(hsts_max_age("max-age=abc"), None);
    }

    #[test]
    fn weak_hsts_is_explained() {
        assert_eq!(hsts_weakness("max-age=31536000"), None);
        assert_eq!(
            hsts_weakness("max-age=600").as_deref(),
            Some("HSTS max-age is 600 s, under six months (15768000 s)")
        );
        assert_eq!(
            hsts_weakness("max-age=abc; includeSubDomains").as_deref(),
            Some("HSTS max-age cannot be read from `max-age=abc; includeSubDomains`")
        );
        assert_eq!(
            hsts_weakness("includeSubDomains").as_deref(),
            Some("HSTS max-age cannot be read from `includeSubDomains`")
        );
        let hostile = format!("\u{1b}]0;x\u{7}{}", "a".repeat(500));
        let why = hsts_weakness(&hostile).unwrap();
        assert!(!why.contains('\u{1b}') && !why.contains('\u{7}'), "{why:?}");
        assert!(why.len() < 200 && why.ends_with("…`"), "{why}");
    }
}
