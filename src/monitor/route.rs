//! Finding the alert route: the webhook URL is a credential read through
//! `Credentials::get` (the CI variable, then the session's keyring entry, then the global
//! one), so the TUI monitor, `monitor --session` and the `uptime.alert_route` check agree
//! on which route a session alerts. The keyring may take seconds to answer, so it is
//! opened on the blocking pool. Errors say why there is no route, never the URL.

use super::alert::{self, Alert, Event, Format, Retry, Route};
use crate::credentials::CredentialError;
use crate::engine::access::Credentials;
use crate::net::Net;
use time::OffsetDateTime;

/// The route held by credential `name`, looked up for `session` first when given.
pub async fn lookup(
    net: &Net,
    name: &str,
    session: Option<&str>,
    format: Option<Format>,
) -> Result<Route, String> {
    let from_env = std::env::var(alert::ENV_VAR).is_ok_and(|v| !v.is_empty());
    let creds = if from_env {
        Credentials::default()
    } else {
        let store = tokio::task::spawn_blocking(crate::credentials::os_store)
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
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
) -> Result<Route, String> {
    let url = match creds.get(name, Some(alert::ENV_VAR)).await {
        Ok(u) => u,
        Err(CredentialError::NotFound(_)) => {
            return Err(format!(
                "no `{name}` credential and {} is not set",
                alert::ENV_VAR
            ));
        }
        Err(e) => return Err(e.to_string()),
    };
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|_| format!("the `{name}` credential does not hold a URL"))?;
    let client = net.client_for(&parsed)?;
    Route::new(&url, format, client).map_err(|e| e.to_string())
}

/// Sends one marked test alert about `target`; its delivery time in ms, or why it failed.
pub async fn send_test(route: &Route, target: &str, retry: Retry) -> Result<u64, String> {
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
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{CredentialStore, KeyringStore, NameIndex, Scope};
    use crate::lab::hook::HookReceiver;
    use crate::net::settings::NetworkSettings;
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn the_session_entry_comes_before_the_global_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store: Arc<dyn CredentialStore> = Arc::new(KeyringStore::with_backend(
            keyring_core::mock::Store::new().expect("mock keyring"),
            "mock keyring",
            NameIndex::at(dir.path().join("index")),
        ));
        let hook = HookReceiver::start().await.expect("receiver");
        // Nothing listens on the discard port: the global route cannot deliver.
        store
            .set(&Scope::Global, alert::CREDENTIAL, "http://127.0.0.1:9/hook")
            .expect("global");
        store
            .set(
                &Scope::Session("acme".into()),
                alert::CREDENTIAL,
                &hook.url(),
            )
            .expect("session");
        let net = Net::new(&NetworkSettings::default()).expect("net");
        let retry = Retry {
            attempts: 1,
            backoff: Duration::from_millis(10),
            timeout: Duration::from_secs(5),
        };
        let acme = Credentials::new(store.clone(), Some("acme".into()));
        let route = from_credentials(&net, &acme, alert::CREDENTIAL, None)
            .await
            .expect("a route");
        assert!(send_test(&route, "acme", retry).await.is_ok());
        let got = hook.received();
        assert_eq!(got.len(), 1);
        assert_eq!(
            (&got[0]["event"], &got[0]["test"]),
            (&"test".into(), &true.into())
        );
        // Another session has no entry of its own and falls back to the global route.
        let other = Credentials::new(store, Some("other".into()));
        let route = from_credentials(&net, &other, alert::CREDENTIAL, None)
            .await
            .expect("a route");
        let err = send_test(&route, "other", retry)
            .await
            .expect_err("refused");
        assert!(
            !err.contains("127.0.0.1:9"),
            "the URL is not in the error: {err}"
        );
        assert_eq!(hook.received().len(), 1);
    }
}
