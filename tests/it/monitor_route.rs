//! The alert route a session resolves: its own keyring entry before the global one.

use launch_ready::credentials::KeyringStore;
use launch_ready_checks::credentials::Credentials;
use launch_ready_checks::monitor::alert::{self, Retry};
use launch_ready_checks::monitor::route::{from_credentials, send_test};
use launch_ready_checks::net::Net;
use launch_ready_core::credentials::{CredentialStore, NameIndex, Scope};
use launch_ready_core::settings::NetworkSettings;
use launch_ready_lab::hook::HookReceiver;
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
        .expect_err("refused")
        .to_string();
    assert!(
        !err.contains("127.0.0.1:9"),
        "the URL is not in the error: {err}"
    );
    assert_eq!(hook.received().len(), 1);
}
