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

use super::keyring_store::{KeyringStore, describe};
use keyring_core::Error as KeyringError;
use launch_ready_core::credentials::NameIndex;
use launch_ready_core::credentials::{CredentialError, CredentialStore, SERVICE};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Outcome of `prepare_process`, kept to explain a keyutils failure later.
#[cfg(target_os = "linux")]
static SESSION_JOIN: std::sync::OnceLock<Result<(), linux::JoinError>> = std::sync::OnceLock::new();

/// Puts the process in a session keyring of its own when it has none, so the kernel keyutils
/// store can link keys into the per-user persistent keyring. Processes started outside a
/// login session (SSH without PAM keyring setup, containers, CI) only have the shared
/// user-session keyring, where that link is denied.
///
/// Call it first thing in `main`, before any thread starts: a session keyring is part of a
/// thread's credentials and is inherited only by threads created afterwards. Failures are
/// remembered and reported by `os_store`, never raised here.
pub fn prepare_process() {
    // The checks reach the keyring through the core's trait; this is the keyring they get.
    launch_ready_core::credentials::register_os_store(os_store);
    #[cfg(target_os = "linux")]
    {
        let _ = SESSION_JOIN.get_or_init(linux::join_session_keyring);
    }
}

/// How long the Secret Service probe may take. A working daemon answers a probe in well
/// under a second; a hung peer never does, and every `secret` command would wait this long
/// before falling back, so it is a few seconds rather than time for an unlock dialog (a
/// locked desktop keyring then loses to keyutils, and the backend name says so).
const SECRET_SERVICE_DEADLINE: Duration = Duration::from_secs(4);
/// How long the keyutils probe may take; it is a handful of system calls.
const KEYUTILS_DEADLINE: Duration = Duration::from_secs(4);

/// The backend picked by this process, so the TUI's later keyring calls do not probe (and
/// possibly wait on a hung peer) again. Only success is kept: a keyring unlocked later can
/// still be found.
static PICKED: Mutex<Option<(Store, String)>> = Mutex::new(None);

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
    let mut picked = PICKED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (store, label) = match picked.as_ref() {
        Some(p) => p.clone(),
        None => picked.insert(pick_backend()?).clone(),
    };
    Ok(Arc::new(KeyringStore::with_backend(store, label, index)))
}

type Store = Arc<keyring_core::CredentialStore>;
type Opener = Box<dyn FnOnce() -> keyring_core::Result<Store> + Send + 'static>;

/// One backend to try, in order of preference.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
struct Candidate {
    /// How messages name it.
    label: &'static str,
    deadline: Duration,
    open: Opener,
}

#[cfg(target_os = "linux")]
fn pick_backend() -> Result<(Store, String), CredentialError> {
    let candidates = vec![
        Candidate {
            label: "Secret Service",
            deadline: SECRET_SERVICE_DEADLINE,
            open: Box::new(|| zbus_secret_service_keyring_store::Store::new().map(|s| s as Store)),
        },
        Candidate {
            label: "kernel keyutils (memory only: lost at reboot or after days unused)",
            deadline: KEYUTILS_DEADLINE,
            open: Box::new(|| linux_keyutils_keyring_store::Store::new().map(|s| s as Store)),
        },
    ];
    pick(candidates).map_err(|tried| {
        let mut tried: Vec<(&str, String)> = tried
            .into_iter()
            .map(|(label, why)| (label, why.to_string()))
            .collect();
        if let (Some(Err(join)), Some((_, why))) = (SESSION_JOIN.get(), tried.last_mut()) {
            *why = format!("{why} ({join})");
        }
        CredentialError::Unavailable(format!(
            "tried {}",
            tried
                .iter()
                .map(|(label, why)| format!("{}: {why}", short(label)))
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })
}

#[cfg(not(target_os = "linux"))]
fn pick_backend() -> Result<(Store, String), CredentialError> {
    Err(CredentialError::Unavailable(format!(
        "this build has no keyring backend for {}",
        std::env::consts::OS
    )))
}

/// The first candidate whose probe passes within its deadline, labelled with the backend
/// and, when earlier ones were passed over, why (so "which keyring holds my value?" has an
/// answer in every message that names the backend). Otherwise every label with its reason.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn pick(candidates: Vec<Candidate>) -> Result<(Store, String), Vec<(&'static str, ProbeFailure)>> {
    let mut skipped: Vec<(&'static str, ProbeFailure)> = Vec::new();
    for c in candidates {
        match probed(c.deadline, c.open) {
            Ok(store) if skipped.is_empty() => return Ok((store, c.label.to_string())),
            Ok(store) => {
                let why: Vec<String> = skipped
                    .iter()
                    .map(|(label, why)| format!("{} skipped: {why}", short(label)))
                    .collect();
                return Ok((store, format!("{}{PASSED_OVER}{}", c.label, why.join("; "))));
            }
            Err(why) => skipped.push((c.label, why)),
        }
    }
    Err(skipped)
}

/// What joins a backend label to the reasons earlier backends were passed over.
const PASSED_OVER: &str = " — ";

/// Whether a backend label (from `CredentialStore::backend`) says a preferred backend was
/// passed over, which commands that do not name the backend then mention on stderr.
pub fn passed_over(label: &str) -> bool {
    label.contains(PASSED_OVER)
}

/// A label without its parenthesised remark.
fn short(label: &str) -> &str {
    label.split(" (").next().unwrap_or(label)
}

/// Why a backend was passed over.
#[derive(Debug, thiserror::Error)]
enum ProbeFailure {
    #[error("could not start the probe thread: {0}")]
    Thread(#[source] std::io::Error),
    #[error("no answer within {0:?}")]
    NoAnswer(Duration),
    #[error("{}", describe(.0))]
    Keyring(KeyringError),
    #[error("a probe value read back differently")]
    ReadBackDiffers,
}

/// Opens a store and probes it on a helper thread, giving up after `deadline`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn probed(deadline: Duration, open: Opener) -> Result<Store, ProbeFailure> {
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("keyring-probe".to_string())
        .spawn(move || {
            let outcome = open()
                .map_err(ProbeFailure::Keyring)
                .and_then(|store| probe(&store).map(|()| store));
            let _ = tx.send(outcome);
        });
    if let Err(e) = spawned {
        return Err(ProbeFailure::Thread(e));
    }
    match rx.recv_timeout(deadline) {
        Ok(outcome) => outcome,
        // The thread is left to finish or hang on its own; nothing waits for it.
        Err(_) => Err(ProbeFailure::NoAnswer(deadline)),
    }
}

/// Writes, reads back and deletes a throwaway entry.
fn probe(store: &Store) -> Result<(), ProbeFailure> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let user = format!("probe/{}-{nanos}", std::process::id());
    let entry = store
        .build(SERVICE, &user, None)
        .map_err(ProbeFailure::Keyring)?;
    let written = "launch-ready keyring probe";
    if let Err(e) = entry.set_password(written) {
        // Some stores keep a half-made entry after a failed write; do not leave it behind.
        let _ = entry.delete_credential();
        return Err(ProbeFailure::Keyring(e));
    }
    let read = entry.get_password();
    let deleted = entry.delete_credential();
    match read {
        Ok(v) if v == written => {}
        Ok(_) => return Err(ProbeFailure::ReadBackDiffers),
        Err(e) => return Err(ProbeFailure::Keyring(e)),
    }
    deleted.map_err(ProbeFailure::Keyring)
}

#[cfg(target_os = "linux")]
mod linux {
    use linux_keyutils::{KeyError, KeyRing, KeyRingIdentifier};

    /// Why the process could not join a session keyring of its own.
    #[derive(Debug, thiserror::Error)]
    #[error("joining a session keyring failed: {0}")]
    pub(super) struct JoinError(KeyError);

    /// Joins a fresh session keyring unless the process already has a real one.
    pub(super) fn join_session_keyring() -> Result<(), JoinError> {
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
            .map_err(JoinError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn mock() -> Opener {
        Box::new(|| keyring_core::mock::Store::new().map(|s| s as Store))
    }

    #[test]
    fn a_hung_first_backend_costs_its_deadline_only_and_is_named() {
        let hung: Opener = Box::new(|| {
            std::thread::sleep(Duration::from_secs(60));
            keyring_core::mock::Store::new().map(|s| s as Store)
        });
        let started = Instant::now();
        let (_, label) = pick(vec![
            Candidate {
                label: "Secret Service",
                deadline: Duration::from_millis(200),
                open: hung,
            },
            Candidate {
                label: "kernel keyutils (memory only)",
                deadline: Duration::from_secs(5),
                open: mock(),
            },
        ])
        .expect("the second backend is picked");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            label,
            "kernel keyutils (memory only) — Secret Service skipped: no answer within 200ms"
        );
    }

    #[test]
    fn the_first_working_backend_is_named_plainly() {
        let (_, label) = pick(vec![Candidate {
            label: "Secret Service",
            deadline: Duration::from_secs(5),
            open: mock(),
        }])
        .expect("picked");
        assert_eq!(label, "Secret Service");
    }

    #[test]
    fn secret_service_waits_a_few_seconds_at_most() {
        assert!(SECRET_SERVICE_DEADLINE <= Duration::from_secs(5));
    }
}
