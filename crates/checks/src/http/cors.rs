//! `http.cors`: does the URL grant credentialed access to any origin?
//!
//! Sends a request from an origin nobody would allow-list; if the answer allows that
//! origin (reflected or `*`) together with credentials, any site a signed-in user visits
//! can read their data from this endpoint.

use crate::judged::Judged;
use crate::net::fetch::{HttpLimits, fetch};
use crate::net::page::parse_url;
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{CorsDetail, CorsEvidence, Observed};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::{Client, Method};

/// The origin sent by the probe (a reserved, never-registrable name).
pub const PROBE_ORIGIN: &str = "https://evil.launch-ready.invalid";

/// `http.cors` for `url`.
pub async fn check_cors(client: &Client, url: &str, limits: &HttpLimits) -> CheckOutcome {
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
    let mut evidence = CorsEvidence {
        origin_sent: PROBE_ORIGIN.to_string(),
        allow_origin: allow_origin.clone(),
        allow_credentials,
        note: None,
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
    } else if any_origin {
        evidence.note = Some("any origin may read, but without credentials".into());
    }
    judged.observed(Observed::Cors(evidence));
    judged.finish(&format!(
        "{url}: CORS does not grant credentialed access to any origin"
    ))
}
