//! The monitor actor as the TUI runs it: the alert route is looked up off the event loop
//! (the keyring may take seconds to answer), then every monitor event is forwarded to the
//! loop as a `Msg`. Only the route's status goes to the screen, never its URL.

use crate::app::Msg;
use crate::credentials::CredentialError;
use crate::engine::access::Credentials;
use crate::monitor::alert::{self, Retry, Route};
use crate::monitor::probe::Expect;
use crate::monitor::run::{self, Config, TargetSpec};
use crate::monitor::state::Rules;
use crate::net::Net;
use crate::net::settings::NetworkSettings;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

pub async fn run(
    urls: Vec<String>,
    network: NetworkSettings,
    rules: Rules,
    credential: String,
    inbox: UnboundedSender<Msg>,
    cancel: CancellationToken,
) {
    let net = match Net::new(&network) {
        Ok(n) => Arc::new(n),
        Err(e) => {
            let _ = inbox.send(Msg::MonitorRoute(format!("cannot monitor: {e}")));
            return;
        }
    };
    let timeout = Duration::from_secs(network.timeout_secs.max(1)).min(rules.interval);
    let route = match route(&net, &credential).await {
        Ok(r) => {
            let _ = inbox.send(Msg::MonitorRoute(
                format!("configured ({:?})", r.format).to_lowercase(),
            ));
            Some(r)
        }
        Err(why) => {
            let _ = inbox.send(Msg::MonitorRoute(format!("none: {why}")));
            None
        }
    };
    let targets = urls
        .iter()
        .filter_map(|u| reqwest::Url::parse(u).ok())
        .map(|url| TargetSpec {
            url,
            expect: Expect {
                status: None,
                text: None,
            },
        })
        .collect();
    let config = Config {
        rules,
        timeout,
        cert_warn_days: i64::from(crate::checks::tls::DEFAULT_WARN_DAYS),
        cert_every: Duration::from_secs(3600),
        retry: Retry {
            timeout: timeout.max(Duration::from_secs(2)),
            ..Retry::default()
        },
        duration: None,
        test_alerts: false,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let forward = {
        let inbox = inbox.clone();
        tokio::spawn(async move {
            while let Some(e) = rx.recv().await {
                if inbox.send(Msg::Monitor(e)).is_err() {
                    return;
                }
            }
        })
    };
    run::run(net, targets, config, route, Some(tx), cancel).await;
    let _ = forward.await;
}

/// The route from `LAUNCH_READY_ALERT_WEBHOOK` or the keyring (global scope), or why none.
async fn route(net: &Net, credential: &str) -> Result<Route, String> {
    let creds = if std::env::var(alert::ENV_VAR).is_ok_and(|v| !v.is_empty()) {
        Credentials::default()
    } else {
        let store = tokio::task::spawn_blocking(crate::credentials::os_store)
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        Credentials::new(store, None)
    };
    let url = match creds.get(credential, Some(alert::ENV_VAR)).await {
        Ok(u) => u,
        Err(CredentialError::NotFound(_)) => return Err(format!("no `{credential}` credential")),
        Err(e) => return Err(e.to_string()),
    };
    let parsed =
        reqwest::Url::parse(url.trim()).map_err(|_| "the alert route is not a URL".to_string())?;
    let client = net.client_for(&parsed)?;
    Route::new(&url, None, client).map_err(|e| e.to_string())
}
