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
use launch_ready_core::session::model::AlertRoute;
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

/// The routes of `specs`, in order, as `creds` resolve their credentials; each route that
/// cannot be built is left out and returned with its label and why.
pub async fn build_all(
    net: &Net,
    creds: &Credentials,
    specs: &[AlertRoute],
    format: Option<Format>,
) -> (Vec<Route>, Vec<(String, RouteError)>) {
    let (mut ok, mut failed) = (Vec::new(), Vec::new());
    for spec in specs {
        match build(net, creds, spec, format).await {
            Ok(r) => ok.push(r),
            Err(e) => failed.push((spec.label(), e)),
        }
    }
    (ok, failed)
}

/// The route `spec` describes, named by its label.
pub async fn build(
    net: &Net,
    creds: &Credentials,
    spec: &AlertRoute,
    format: Option<Format>,
) -> Result<Route, RouteError> {
    match spec {
        AlertRoute::Webhook { credential } => Ok(from_credentials(net, creds, credential, format)
            .await?
            .named(spec.label())),
        AlertRoute::Email(mail) => {
            let env = crate::credentials::env_var(&mail.password);
            let password = match creds.get(&mail.password, Some(&env)).await {
                Ok(p) => p,
                Err(CredentialError::NotFound(_)) => {
                    return Err(RouteError::NoPassword {
                        name: mail.password.clone(),
                        env,
                    });
                }
                Err(e) => return Err(e.into()),
            };
            let route = super::email::EmailRoute::new(net, mail, password).await?;
            Ok(Route::email(spec.label(), route))
        }
    }
}

/// `build_all` with the CI variables, the values this process remembers and the OS
/// keyring (opened only when a route needs it), for `session` first.
pub async fn lookup_all(
    net: &Net,
    specs: &[AlertRoute],
    session: Option<&str>,
    format: Option<Format>,
) -> Result<(Vec<Route>, Vec<(String, RouteError)>), RouteError> {
    let creds = Credentials::os(session.map(str::to_string));
    Ok(build_all(net, &creds, specs, format).await)
}

/// One line saying which routes are ready and which are not (never a secret).
pub fn status(routes: &[Route], failed: &[(String, RouteError)]) -> String {
    let mut parts: Vec<String> = routes
        .iter()
        .map(|r| format!("{} ({:?})", r.name, r.format).to_lowercase())
        .collect();
    parts.extend(failed.iter().map(|(name, e)| format!("{name}: none: {e}")));
    if parts.is_empty() {
        "none: no alert route is set".into()
    } else if routes.is_empty() {
        format!("none: {}", parts.join("; "))
    } else {
        format!("configured: {}", parts.join(" → "))
    }
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
