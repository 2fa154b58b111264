//! Choosing the OS keyring and proving it works before anyone relies on it.
//!
//! On Linux two stores exist and either may be missing: the Secret Service (desktop keyrings
//! over D-Bus; absent on servers, and refusing writes while locked) and the kernel keyutils
//! store (always compiled in, but only usable from a proper session keyring). A store that
//! opens is not necessarily one that stores, so each candidate is probed with a throwaway
//! set / get / delete, on a helper thread with a deadline so a stuck D-Bus peer cannot hang
//! the caller. The first store that passes wins; when none does, the caller gets
//! `Unavailable` with what was tried and why each failed. There is deliberately no file or
//! plain-text fallback.
//!
//! The choice is made per process, so a value stored from a desktop session (Secret
//! Service) is not visible from a login without that D-Bus session (kernel keyutils), and
//! the other way round; the backend name is shown after every `set` for that reason.

use super::index::NameIndex;
use super::keyring_store::{KeyringStore, describe};
use super::{CredentialError, CredentialStore, SERVICE};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Outcome of `prepare_process`, kept to explain a keyutils failure later.
static SESSION_JOIN: OnceLock<Result<(), String>> = OnceLock::new();

/// Puts the process in a session keyring of its own when it has none, so the kernel keyutils
/// store can link keys into the per-user persistent keyring. Processes started outside a
/// login session (SSH without PAM keyring setup, containers, CI) only have the shared
/// user-session keyring, where that link is denied.
///
/// Call it first thing in `main`, before any thread starts: a session keyring is part of a
/// thread's credentials and is inherited only by threads created afterwards. Failures are
/// remembered and reported by `os_store`, never raised here.
pub fn prepare_process() {
    #[cfg(target_os = "linux")]
    {
        let _ = SESSION_JOIN.get_or_init(linux::join_session_keyring);
    }
}

/// How long the Secret Service probe may take; long enough for a desktop unlock prompt.
const SECRET_SERVICE_DEADLINE: Duration = Duration::from_secs(30);
/// How long the keyutils probe may take; it is a handful of system calls.
const KEYUTILS_DEADLINE: Duration = Duration::from_secs(5);

/// The OS keyring store, or why there is none. Names are indexed in the config folder.
pub fn os_store() -> Result<Arc<dyn CredentialStore>, CredentialError> {
    let index = NameIndex::in_config_dir().ok_or_else(|| {
        CredentialError::Backend(
            "there is no configuration folder to keep the list of credential names; \
             set LAUNCH_READY_CONFIG_DIR"
                .to_string(),
        )
    })?;
    os_store_with_index(index)
}

/// The OS keyring store with the name index kept at a given place.
pub fn os_store_with_index(index: NameIndex) -> Result<Arc<dyn CredentialStore>, CredentialError> {
    let (store, label) = pick_backend()?;
    Ok(Arc::new(KeyringStore::with_backend(store, label, index)))
}

type Store = Arc<keyring_core::CredentialStore>;

#[cfg(target_os = "linux")]
fn pick_backend() -> Result<(Store, String), CredentialError> {
    let secret_service = probed(SECRET_SERVICE_DEADLINE, || {
        zbus_secret_service_keyring_store::Store::new().map(|s| s as Store)
    });
    let why_not_secret_service = match secret_service {
        Ok(store) => return Ok((store, "Secret Service".to_string())),
        Err(why) => why,
    };
    let keyutils = probed(KEYUTILS_DEADLINE, || {
        linux_keyutils_keyring_store::Store::new().map(|s| s as Store)
    });
    match keyutils {
        Ok(store) => Ok((
            store,
            "kernel keyutils (memory only: lost at reboot or after days unused)".to_string(),
        )),
        Err(mut why_not_keyutils) => {
            if let Some(Err(join)) = SESSION_JOIN.get() {
                why_not_keyutils = format!("{why_not_keyutils} ({join})");
            }
            Err(CredentialError::Unavailable(format!(
                "tried Secret Service: {why_not_secret_service}; kernel keyutils: {why_not_keyutils}"
            )))
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn pick_backend() -> Result<(Store, String), CredentialError> {
    Err(CredentialError::Unavailable(format!(
        "this build has no keyring backend for {}",
        std::env::consts::OS
    )))
}

/// Opens a store and probes it on a helper thread, giving up after `deadline`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn probed(
    deadline: Duration,
    open: impl FnOnce() -> keyring_core::Result<Store> + Send + 'static,
) -> Result<Store, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("keyring-probe".to_string())
        .spawn(move || {
            let outcome = open()
                .map_err(|e| describe(&e))
                .and_then(|store| probe(&store).map(|()| store));
            let _ = tx.send(outcome);
        });
    if let Err(e) = spawned {
        return Err(format!("could not start the probe thread: {e}"));
    }
    match rx.recv_timeout(deadline) {
        Ok(outcome) => outcome,
        Err(_) => Err(format!("no answer within {} s", deadline.as_secs())),
    }
}

/// Writes, reads back and deletes a throwaway entry.
fn probe(store: &Store) -> Result<(), String> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let user = format!("probe/{}-{nanos}", std::process::id());
    let entry = store
        .build(SERVICE, &user, None)
        .map_err(|e| describe(&e))?;
    let written = "launch-ready keyring probe";
    if let Err(e) = entry.set_password(written) {
        // Some stores keep a half-made entry after a failed write; do not leave it behind.
        let _ = entry.delete_credential();
        return Err(describe(&e));
    }
    let read = entry.get_password();
    let deleted = entry.delete_credential();
    match read {
        Ok(v) if v == written => {}
        Ok(_) => return Err("a probe value read back differently".to_string()),
        Err(e) => return Err(describe(&e)),
    }
    deleted.map_err(|e| describe(&e))
}

#[cfg(target_os = "linux")]
mod linux {
    use linux_keyutils::{KeyRing, KeyRingIdentifier};

    /// Joins a fresh session keyring unless the process already has a real one.
    pub(super) fn join_session_keyring() -> Result<(), String> {
        // Without a session keyring the kernel answers with the shared `_uid_ses.<uid>`
        // keyring; anything else is a login session keyring worth keeping.
        let current = KeyRing::from_special_id(KeyRingIdentifier::Session, false)
            .and_then(|ring| ring.metadata());
        if let Ok(meta) = current
            && !meta.get_description().starts_with("_uid_ses.")
        {
            return Ok(());
        }
        KeyRing::from_special_id(KeyRingIdentifier::Session, true)
            .map(|_| ())
            .map_err(|e| format!("joining a session keyring failed: {e}"))
    }
}
