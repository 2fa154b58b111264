//! The real OS keyring (kernel keyutils on a headless Linux box, the Secret Service on a
//! desktop), reached through the same backend choice and probe as `os_store()`.
//!
//! A session keyring belongs to the thread that joined it and the threads it starts
//! afterwards, so every real-keyring assertion lives in the one test below, which joins
//! first. A machine without a usable keyring fails here loudly instead of skipping.

use crate::common;

use common::unique;
use launch_ready::credentials;
use launch_ready_core::credentials::{CredentialError, Scope};
use std::time::{Duration, Instant};

#[test]
fn real_keyring_round_trip_scopes_and_delete() {
    credentials::prepare_process();
    let config = tempfile::tempdir().unwrap();
    let index = launch_ready_core::credentials::NameIndex::at(
        config
            .path()
            .join(launch_ready_core::credentials::INDEX_FILE),
    );

    let started = Instant::now();
    let store = match credentials::os_store_with_index(index) {
        Ok(s) => s,
        Err(e) => panic!("the real keyring must be usable on this machine: {e}"),
    };
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "choosing the keyring took {:?}",
        started.elapsed()
    );
    let backend = store.backend();
    assert!(
        backend.starts_with("kernel keyutils") || backend == "Secret Service",
        "{backend}"
    );

    let name = unique("it-token");
    let session = Scope::Session(unique("it-session"));
    let value = format!("value for {name} with spaces and ünïcode");

    store.set(&Scope::Global, &name, &value).unwrap();
    store.set(&session, &name, "session value").unwrap();
    assert_eq!(store.get(&Scope::Global, &name).unwrap(), value);
    assert_eq!(store.get(&session, &name).unwrap(), "session value");
    assert_eq!(
        store.list(&Scope::Global).unwrap(),
        std::slice::from_ref(&name)
    );
    assert_eq!(store.list(&session).unwrap(), std::slice::from_ref(&name));

    store.set(&Scope::Global, &name, "replaced").unwrap();
    assert_eq!(store.get(&Scope::Global, &name).unwrap(), "replaced");

    store.delete(&Scope::Global, &name).unwrap();
    store.delete(&session, &name).unwrap();
    for scope in [&Scope::Global, &session] {
        match store.get(scope, &name) {
            Err(CredentialError::NotFound(n)) => assert_eq!(n, name),
            other => panic!("expected NotFound after delete in {scope}, got {other:?}"),
        }
        assert!(store.list(scope).unwrap().is_empty());
    }
    assert!(matches!(
        store.delete(&Scope::Global, &name),
        Err(CredentialError::NotFound(_))
    ));

    let index = std::fs::read_to_string(
        config
            .path()
            .join(launch_ready_core::credentials::INDEX_FILE),
    )
    .unwrap();
    assert!(!index.contains("replaced") && !index.contains("session value"));
}
