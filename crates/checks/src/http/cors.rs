//! `http.cors`: does the URL grant credentialed access to any origin, or open a private
//! API to every origin?
//!
//! Sends a request from an origin nobody would allow-list; if the answer allows that
//! origin (reflected or `*`) together with credentials, any site a signed-in user visits
//! can read their data from this endpoint (`http.cors_permissive`). A bare `*` is fine
//! for public data, but on a URL that sets a cookie or asks for credentials it usually
//! means the allow-list was never written (`http.cors_wildcard`), unless the session
//! records why that URL is public: then the finding is kept for information only.

use crate::judged::Judged;
use crate::net::fetch::{HttpLimits, fetch};
use crate::net::page::parse_url;
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{CorsDetail, CorsEvidence, CorsWildcardDetail, Observed};
use launch_ready_core::finding::{Finding, Severity};
use launch_ready_core::session::model::CheckOutcome;
use reqwest::{Client, Method};

/// The origin sent by the probe (a reserved, never-registrable name).
pub const PROBE_ORIGIN: &str = "https://evil.launch-ready.invalid";

/// What the session says about a URL `http.cors` judges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorsContext {
    /// The session's route sends credentials (an auth header from the keyring).
    pub sends_credentials: bool,
    /// Why a wildcard is allowed here, when the session recorded a reason.
    pub public_reason: Option<String>,
}

/// `http.cors` for `url`, knowing nothing of it from the session.
pub async fn check_cors(client: &Client, url: &str, limits: &HttpLimits) -> CheckOutcome {
    check_cors_with(client, url, &CorsContext::default(), limits).await
}

/// `http.cors` for `url` with what the session says about it.
pub async fn check_cors_with(
    client: &Client,
    url: &str,
    context: &CorsContext,
    limits: &HttpLimits,
) -> CheckOutcome {
    let mut judged = Judged::start(KindId::HttpCors, url);
    let parsed = match parse_url(url) {
        Ok(u) => u,
        Err(e) => return judged.error(e),
    };
    let resp = match fetch(
        client,
        Method::GET,
        &parsed,
        &[("origin", PROBE_ORIGIN)],
        limits,
        None,
    )
    .await
    {
        Ok(r) => r,
        Err(error) => {
            return judged.unreachable(&crate::net::page::PageError::Fetch {
                url: url.to_string(),
                error,
            });
        }
    };
    let allow_origin = resp.header("access-control-allow-origin");
    let allow_credentials = resp
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let sets_cookie = !resp.header_all("set-cookie").is_empty();
    let mut evidence = CorsEvidence {
        origin_sent: PROBE_ORIGIN.to_string(),
        allow_origin: allow_origin.clone(),
        allow_credentials,
        note: None,
        status: Some(resp.status),
        sets_cookie,
        public_reason: context.public_reason.clone(),
    };
    let any_origin = allow_origin
        .as_deref()
        .map(str::trim)
        .is_some_and(|o| o == "*" || o == PROBE_ORIGIN);
    if any_origin && allow_credentials {
        judged.push(
            Finding::new(
                Code::HttpCorsPermissive,
                format!(
                    "{url} allows origin `{}` with credentials",
                    allow_origin.unwrap_or_default()
                ),
            )
            .with_detail(&CorsDetail {
                origin_sent: PROBE_ORIGIN.to_string(),
            }),
        );
    } else if allow_origin.as_deref().map(str::trim) == Some("*") {
        let mut because = Vec::new();
        if sets_cookie {
            because.push("sets a cookie".to_string());
        }
        if matches!(resp.status, 401 | 403) {
            because.push(format!("answers {} without credentials", resp.status));
        }
        if context.sends_credentials {
            because.push("the session's route sends credentials".to_string());
        }
        if because.is_empty() {
            evidence.note = Some("any origin may read, but without credentials".into());
        } else {
            let reason = context
                .public_reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty());
            let message = match reason {
                Some(r) => format!(
                    "{url} allows any origin (`*`) and {}; recorded as public: {r}",
                    because.join(", ")
                ),
                None => format!(
                    "{url} allows any origin (`*`) and {}, with no reason recorded",
                    because.join(", ")
                ),
            };
            let mut finding =
                Finding::new(Code::HttpCorsWildcard, message).with_detail(&CorsWildcardDetail {
                    because,
                    public_reason: reason.map(str::to_string),
                });
            if reason.is_some() {
                finding = finding.with_severity(Severity::Info);
            }
            judged.push(finding);
        }
    } else if any_origin {
        evidence.note = Some("any origin may read, but without credentials".into());
    }
    judged.observed(Observed::Cors(evidence));
    judged.finish(&format!(
        "{url}: CORS opens no credentialed or private answer to any origin"
    ))
}
