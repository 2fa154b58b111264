//! `dns.staging`: a staging or preview host that resolves publicly and answers a plain
//! GET with 2xx is open to anyone who guesses its name. A 401/403 or a redirect to a
//! login page counts as protected. HTTPS is tried first, then HTTP.

use crate::net::Net;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{Observed, StagingEvidence, StagingExposedDetail};
use launch_ready_core::finding::Finding;
use launch_ready_core::outcome;
use launch_ready_core::session::model::CheckOutcome;

/// Words in a redirect target that mean "go and log in".
const AUTH_HINTS: &[&str] = &[
    "login", "signin", "sign-in", "sso", "auth", "oauth", "account",
];

pub async fn staging(net: &Net, host: &str) -> CheckOutcome {
    match net.resolver.ips(host).await {
        Ok(v) if !v.is_empty() => {}
        Ok(_) | Err(crate::net::LookupFailure::NxDomain | crate::net::LookupFailure::NoData) => {
            return outcome::judged(
                format!("{host} does not resolve publicly"),
                Vec::new(),
                Observed::Staging(StagingEvidence {
                    host: host.to_string(),
                    ..StagingEvidence::default()
                }),
            );
        }
        Err(crate::net::LookupFailure::Failed(e)) => {
            return outcome::error(format!("DNS lookup for {host} failed: {e}"));
        }
    }
    let mut attempts = Vec::new();
    for scheme in ["https", "http"] {
        let url = format!("{scheme}://{host}/");
        let Ok(parsed) = reqwest::Url::parse(&url) else {
            return outcome::error(format!("`{host}` does not make a valid URL"));
        };
        let client = match net.client_for(&parsed) {
            Ok(c) => c,
            Err(e) => return outcome::error(e),
        };
        match client.get(parsed).send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let location = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let evidence = Observed::Staging(StagingEvidence {
                    host: host.to_string(),
                    resolves: true,
                    url: Some(url.clone()),
                    status: Some(status),
                    location: Some(location.clone()),
                    attempts,
                });
                if (200..300).contains(&status) {
                    return outcome::judged(
                        format!("{url} answers {status} without authentication"),
                        vec![Finding::new(
                            Code::DnsStagingExposed,
                            format!("{host} is public and {url} answers {status} without asking for credentials"))
                        .with_detail(&StagingExposedDetail { url: url.clone(), status })],
                        evidence,
                    );
                }
                let lower = location.to_ascii_lowercase();
                let why = if status == 401 || status == 403 {
                    format!("asks for credentials ({status})")
                } else if (300..400).contains(&status)
                    && AUTH_HINTS.iter().any(|h| lower.contains(h))
                {
                    format!("redirects to a login page ({status})")
                } else {
                    format!("answers {status}")
                };
                return outcome::judged(format!("{url} {why}"), Vec::new(), evidence);
            }
            Err(e) => attempts.push(format!("{url}: {}", error_chain(&e))),
        }
    }
    outcome::judged(
        format!("{host} resolves but does not answer HTTP"),
        Vec::new(),
        Observed::Staging(StagingEvidence {
            host: host.to_string(),
            resolves: true,
            attempts,
            ..StagingEvidence::default()
        }),
    )
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        out.push_str(": ");
        out.push_str(&s.to_string());
        src = s.source();
    }
    out
}
