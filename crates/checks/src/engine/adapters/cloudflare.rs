//! `cloudflare.zone` from a `CheckInput`: the token from `Credentials::get` (the CI
//! variable first), the API base from the session's network settings (or
//! `--cloudflare-api`), the HTTP client of the run for that URL, and the session's hosts
//! as the web hosts whose records must be proxied. No token is `skipped`, never a pass.

use super::error::{ApiSetupError, SitePageError, VerifyError};
use super::http::{client_and_limits, site_url};
use crate::cloudflare;
use crate::cloudflare::{Audit, CREDENTIAL, DEFAULT_API, ENV_VAR, OriginStatic, api};
use crate::credentials::Credentials;
use crate::engine::registry::{CheckInput, Registry};
use crate::engine::targets;
use crate::http::cache::static_lifetimes;
use crate::net::Net;
use crate::net::page::fetch_final_page;
use launch_ready_core::catalog::KindId;
use launch_ready_core::credentials::CredentialError;
use launch_ready_core::settings::NetworkSettings;
use std::time::Duration;

const KIND: KindId = KindId::CloudflareZone;

pub fn register(r: &mut Registry) {
    r.insert(KindId::CloudflareZone, |i: CheckInput| async move {
        zone(&i).await
    });
}

async fn zone(i: &CheckInput) -> launch_ready_core::session::model::CheckOutcome {
    let apex = i.target.name.clone();
    let token = match i.scope.credentials.get(CREDENTIAL, Some(ENV_VAR)).await {
        Ok(t) if !t.trim().is_empty() => api::Token::new(t),
        Ok(_) | Err(CredentialError::NotFound(_)) => {
            return cloudflare::no_token(&apex, "none is set");
        }
        Err(CredentialError::Unavailable(e)) => {
            return cloudflare::no_token(&apex, &format!("no keyring to read it from ({e})"));
        }
        Err(e) => {
            return crate::judged::Judged::start(KIND, apex)
                .error(format!("the `{CREDENTIAL}` credential cannot be read: {e}"));
        }
    };
    let api = match api_for(&i.net, token) {
        Ok(a) => a,
        Err(e) => return crate::judged::Judged::start(KIND, apex).error(e),
    };
    // The session's hosts, and the usual web names under the apex even when only the
    // apex was given (a headless run): a record that does not exist is not judged.
    let mut web_hosts: Vec<String> = targets::hosts(&i.scope.targets)
        .into_iter()
        .map(|t| t.name)
        .collect();
    for usual in [
        apex.clone(),
        format!("www.{apex}"),
        format!("app.{apex}"),
        format!("api.{apex}"),
    ] {
        if !web_hosts.iter().any(|h| h.eq_ignore_ascii_case(&usual)) {
            web_hosts.push(usual);
        }
    }
    let audit = Audit {
        apex: &apex,
        web_hosts,
        origin: i.net.http_client(80).ok(),
    };
    // The family keeps why the origin could not be read as its reason text.
    let origin = async { origin_static(i, &apex).await.map_err(|e| e.to_string()) };
    cloudflare::audit(&api, &audit, Some(Box::pin(origin))).await
}

/// The caching lifetimes the origin gives the static assets of the site's page (the
/// canonical host's), read as `http.cache` reads them.
async fn origin_static(i: &CheckInput, apex: &str) -> Result<OriginStatic, SitePageError> {
    let (client, limits) = client_and_limits(i)?;
    let host = targets::canonical_host(&i.scope.targets).unwrap_or_else(|| apex.to_string());
    let deadline = tokio::time::Instant::now() + limits.timeout;
    let page = fetch_final_page(&client, &site_url(&host), &limits).await?;
    let read = static_lifetimes(&client, &page, &limits, deadline).await;
    Ok(OriginStatic {
        page: page.url.to_string(),
        checked: read.checked,
        uncached: read.uncached.len(),
    })
}

/// The API client for the run's network: its `cloudflare_api` base (the public API when
/// unset) over the run's HTTP client for that URL. The base is checked again here, before
/// the token goes anywhere: a session file may have been edited by hand, and this is the
/// one place every run (TUI, headless, the credentials form) passes through.
fn api_for(net: &Net, token: api::Token) -> Result<api::Api, ApiSetupError> {
    let base = match net
        .settings
        .cloudflare_api
        .as_deref()
        .filter(|b| !b.trim().is_empty())
    {
        Some(b) => {
            launch_ready_core::settings::parse_cloudflare_api(b).map_err(ApiSetupError::Refused)?
        }
        None => DEFAULT_API.to_string(),
    };
    let url = reqwest::Url::parse(&base).map_err(|source| ApiSetupError::NotUrl {
        base: base.clone(),
        source,
    })?;
    let client = net.client_for(&url)?;
    let timeout = Duration::from_secs(net.settings.timeout_secs.max(1));
    // Retries after a 429 may use what is left of the kind's budget once a round of reads
    // (two timeouts' worth) is kept aside.
    let budget = KIND
        .kind()
        .profile
        .budget
        .for_timeout(timeout)
        .saturating_sub(timeout * 2);
    Ok(api::Api::new(client, &base, token, budget).with_timeout(timeout))
}

/// Verifies the `cloudflare-token` stored for `session` (the credentials form's check
/// after a save): a line to show either way, never the value.
pub async fn verify_stored(
    session: String,
    network: NetworkSettings,
) -> Result<String, VerifyError> {
    let credentials = Credentials::os(Some(session));
    // The stored value, not a CI variable that may shadow it.
    let token = credentials
        .get(CREDENTIAL, None)
        .await
        .map_err(VerifyError::Read)?;
    let net = Net::new(&network)?;
    let api = api_for(&net, api::Token::new(token))?;
    // The form names a base other than the public API in every answer: the token was
    // sent there, whatever it said.
    let api_at = api.elsewhere();
    match cloudflare::verify(&api).await {
        Ok(cloudflare::Verified::Active) => Ok(format!(
            "Cloudflare accepts the token (active){}; the zone audit can run",
            super::error::at_note(api_at.as_deref())
        )),
        Ok(cloudflare::Verified::Inactive(status)) => Err(VerifyError::Inactive { status, api_at }),
        Ok(cloudflare::Verified::Rejected(message)) => {
            Err(VerifyError::Rejected { message, api_at })
        }
        Err(source) => Err(VerifyError::Unreachable { source, api_at }),
    }
}
