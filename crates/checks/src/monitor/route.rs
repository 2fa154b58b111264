//! Finding the alert route: the webhook URL is a credential read through
//! `Credentials::get` (the CI variable, then the session's keyring entry, then the global
//! one), so the TUI monitor, `monitor --session` and the `uptime.alert_route` check agree
//! on which route a session alerts. The keyring may take seconds to answer, so it is
//! opened on the blocking pool. Errors say why there is no route, never the URL.

use super::alert::{self, Alert, DeliveryError, Event, Format, Retry, Route};
use super::error::RouteError;
use crate::credentials::Credentials;
use crate::net::Net;
use launch_ready_core::credentials::CredentialError;
use time::OffsetDateTime;

/// The route held by credential `name`, looked up for `session` first when given.
pub async fn lookup(
    net: &Net,
    name: &str,
    session: Option<&str>,
    format: Option<Format>,
) -> Result<Route, RouteError> {
    let from_env = std::env::var(alert::ENV_VAR).is_ok_and(|v| !v.is_empty());
    let creds = if from_env {
        Credentials::default()
    } else {
        let store = tokio::task::spawn_blocking(launch_ready_core::credentials::os_store)
            .await
            .map_err(RouteError::Keyring)??;
        Credentials::new(store, session.map(str::to_string))
    };
    from_credentials(net, &creds, name, format).await
}

/// The route held by credential `name` as `creds` resolve it.
pub async fn from_credentials(
    net: &Net,
    creds: &Credentials,
    name: &str,
    format: Option<Format>,
) -> Result<Route, RouteError> {
    let url = match creds.get(name, Some(alert::ENV_VAR)).await {
        Ok(u) => u,
        Err(CredentialError::NotFound(_)) => {
            return Err(RouteError::NoCredential(name.to_string()));
        }
        Err(e) => return Err(e.into()),
    };
    let parsed =
        reqwest::Url::parse(url.trim()).map_err(|_| RouteError::NotUrl(name.to_string()))?;
    let client = net.client_for(&parsed)?;
    Ok(Route::new(&url, format, client)?)
}

/// Sends one marked test alert about `target`; its delivery time in ms, or why it failed.
pub async fn send_test(route: &Route, target: &str, retry: Retry) -> Result<u64, DeliveryError> {
    let alert = Alert {
        event: Event::Test,
        target: target.to_string(),
        state: "up",
        since: OffsetDateTime::now_utc(),
        reason: "alert route test".into(),
        test: true,
    };
    route
        .deliver(&alert, retry)
        .await
        .map(|d| super::secs_ms(d.elapsed))
}
