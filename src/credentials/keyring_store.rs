//! `CredentialStore` over any `keyring-core` store plus the names-only index.
//!
//! The keyring store is injected (`with_backend`) rather than taken from keyring-core's
//! process-wide default, so production passes the probed OS store and tests pass
//! `keyring_core::mock::Store` through exactly the same code. Errors are rebuilt from the
//! keyring error's kind instead of its debug text, and anything produced while a value was
//! in hand is scrubbed of that value, so no message can carry a secret.

use keyring_core::{Entry, Error as KeyringError};
use launch_ready_core::credentials::NameIndex;
use launch_ready_core::credentials::account;
use launch_ready_core::credentials::{CredentialError, CredentialStore, SERVICE, Scope};
use std::sync::{Arc, Mutex};

/// Credentials in a keyring-core store, names listed through a [`NameIndex`].
pub struct KeyringStore {
    store: Arc<keyring_core::CredentialStore>,
    backend: String,
    index: NameIndex,
    /// Serialises index read-modify-write cycles between threads of this process.
    index_lock: Mutex<()>,
}

impl KeyringStore {
    /// A store over `store`, described as `backend` in messages, listing names in `index`.
    pub fn with_backend(
        store: Arc<keyring_core::CredentialStore>,
        backend: impl Into<String>,
        index: NameIndex,
    ) -> Self {
        KeyringStore {
            store,
            backend: backend.into(),
            index,
            index_lock: Mutex::new(()),
        }
    }

    fn entry(&self, scope: &Scope, name: &str) -> Result<Entry, CredentialError> {
        let user = account(scope, name)?;
        self.store
            .build(SERVICE, &user, None)
            .map_err(|e| CredentialError::Backend(describe(&e)))
    }

    fn with_index<T>(
        &self,
        f: impl FnOnce(&NameIndex) -> Result<T, CredentialError>,
    ) -> Result<T, CredentialError> {
        // The guard protects no data, only ordering, so a poisoned lock is still usable.
        let _guard = self
            .index_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&self.index)
    }
}

impl CredentialStore for KeyringStore {
    fn set(&self, scope: &Scope, name: &str, value: &str) -> Result<(), CredentialError> {
        let entry = self.entry(scope, name)?;
        if value.is_empty() {
            return Err(CredentialError::EmptyValue(name.to_string()));
        }
        self.with_index(|index| {
            // Refuse before touching the keyring if the name could not be recorded.
            index.check_readable()?;
            entry
                .set_password(value)
                .map_err(|e| CredentialError::Backend(redact(&describe(&e), value)))?;
            index.add(scope, name).map_err(|e| match e {
                CredentialError::Backend(why) => CredentialError::Backend(format!(
                    "the value of `{name}` is stored in the keyring, but {why}"
                )),
                other => other,
            })
        })
    }

    fn get(&self, scope: &Scope, name: &str) -> Result<String, CredentialError> {
        match self.entry(scope, name)?.get_password() {
            Ok(v) => Ok(v),
            Err(KeyringError::NoEntry) => Err(CredentialError::NotFound(name.to_string())),
            Err(e) => Err(CredentialError::Backend(describe(&e))),
        }
    }

    fn delete(&self, scope: &Scope, name: &str) -> Result<(), CredentialError> {
        let entry = self.entry(scope, name)?;
        self.with_index(|index| match entry.delete_credential() {
            Ok(()) => index.remove(scope, name),
            Err(KeyringError::NoEntry) => {
                // The value is already gone (a keyutils keyring forgets at reboot): drop
                // the stale name so `list` stops showing it, and still say it was missing.
                index.remove(scope, name)?;
                Err(CredentialError::NotFound(name.to_string()))
            }
            Err(e) => Err(CredentialError::Backend(describe(&e))),
        })
    }

    fn list(&self, scope: &Scope) -> Result<Vec<String>, CredentialError> {
        self.with_index(|index| index.names(scope))
    }

    fn scopes(&self) -> Result<Vec<Scope>, CredentialError> {
        self.with_index(NameIndex::scopes)
    }

    fn backend(&self) -> String {
        self.backend.clone()
    }
}

/// Plain description of a keyring error, built from its kind so that attached byte
/// buffers (which may be stored secrets) are never formatted.
pub(crate) fn describe(err: &KeyringError) -> String {
    match err {
        KeyringError::PlatformFailure(e) => format!("the keyring failed: {e}"),
        KeyringError::NoStorageAccess(e) => {
            format!("the keyring refused access: {e}")
        }
        KeyringError::NoEntry => "the keyring has no such entry".to_string(),
        KeyringError::BadEncoding(_) => "the stored value is not UTF-8 text".to_string(),
        KeyringError::BadDataFormat(_, _) => "the stored value is malformed".to_string(),
        KeyringError::BadStoreFormat(why) => format!("the keyring's data is malformed: {why}"),
        KeyringError::TooLong(what, limit) => {
            format!("the {what} is longer than the keyring's limit of {limit}")
        }
        KeyringError::Invalid(what, why) => format!("the keyring rejected the {what}: {why}"),
        KeyringError::Ambiguous(found) => {
            format!("{} keyring entries match this credential", found.len())
        }
        KeyringError::NoDefaultStore => "no keyring store is configured".to_string(),
        KeyringError::NotSupportedByStore(why) => format!("not supported by this keyring: {why}"),
        other => format!("unexpected keyring error: {other}"),
    }
}

/// Replaces every occurrence of `value` in `message`.
fn redact(message: &str, value: &str) -> String {
    if value.is_empty() {
        message.to_string()
    } else {
        message.replace(value, "[value withheld]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyring_core::mock;
    use launch_ready_core::credentials::INDEX_FILE;

    struct Fixture {
        _dir: tempfile::TempDir,
        mock: Arc<mock::Store>,
        store: KeyringStore,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mock = mock::Store::new().unwrap();
        let store = KeyringStore::with_backend(
            mock.clone(),
            "mock keyring",
            NameIndex::at(dir.path().join(INDEX_FILE)),
        );
        Fixture {
            _dir: dir,
            mock,
            store,
        }
    }

    /// Arms the mock credential behind `user` to fail its next call with `err`.
    fn fail_next(mock: &mock::Store, user: &str, err: KeyringError) {
        use keyring_core::api::CredentialStoreApi as _;
        let entry = mock.build(SERVICE, user, None).unwrap();
        let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(err);
    }

    #[test]
    fn round_trip_and_overwrite() {
        let f = fixture();
        f.store
            .set(&Scope::Global, "cloudflare-token", "cf-123")
            .unwrap();
        assert_eq!(
            f.store.get(&Scope::Global, "cloudflare-token").unwrap(),
            "cf-123"
        );
        f.store
            .set(&Scope::Global, "cloudflare-token", "cf-456")
            .unwrap();
        assert_eq!(
            f.store.get(&Scope::Global, "cloudflare-token").unwrap(),
            "cf-456"
        );
        assert_eq!(f.store.backend(), "mock keyring");
    }

    #[test]
    fn scopes_are_kept_apart() {
        let f = fixture();
        let acme = Scope::Session("acme".into());
        let beta = Scope::Session("beta".into());
        f.store.set(&Scope::Global, "hook", "global-url").unwrap();
        f.store.set(&acme, "hook", "acme-url").unwrap();
        assert_eq!(f.store.get(&Scope::Global, "hook").unwrap(), "global-url");
        assert_eq!(f.store.get(&acme, "hook").unwrap(), "acme-url");
        assert!(matches!(
            f.store.get(&beta, "hook"),
            Err(CredentialError::NotFound(n)) if n == "hook"
        ));
        assert_eq!(f.store.list(&acme).unwrap(), ["hook"]);
        assert!(f.store.list(&beta).unwrap().is_empty());

        f.store.delete(&acme, "hook").unwrap();
        assert_eq!(f.store.get(&Scope::Global, "hook").unwrap(), "global-url");
        assert_eq!(f.store.list(&Scope::Global).unwrap(), ["hook"]);
    }

    #[test]
    fn missing_names_are_not_found() {
        let f = fixture();
        let err = f.store.get(&Scope::Global, "absent").unwrap_err();
        assert!(matches!(&err, CredentialError::NotFound(n) if n == "absent"));
        assert_eq!(err.to_string(), "no credential named `absent`");
        assert!(matches!(
            f.store.delete(&Scope::Global, "absent"),
            Err(CredentialError::NotFound(_))
        ));
    }

    #[test]
    fn bad_names_and_empty_values_are_refused_before_the_keyring() {
        let f = fixture();
        assert!(matches!(
            f.store.set(&Scope::Global, "has space", "v"),
            Err(CredentialError::BadName(n)) if n == "has space"
        ));
        assert!(matches!(
            f.store.get(&Scope::Global, ""),
            Err(CredentialError::BadName(_))
        ));
        assert!(matches!(
            f.store.set(&Scope::Session("../x".into()), "ok", "v"),
            Err(CredentialError::BadSession(s)) if s == "../x"
        ));
        assert!(matches!(
            f.store.set(&Scope::Global, "ok", ""),
            Err(CredentialError::EmptyValue(n)) if n == "ok"
        ));
        assert!(f.store.list(&Scope::Global).unwrap().is_empty());
        assert!(!f._dir.path().join(INDEX_FILE).exists());
    }

    #[test]
    fn index_follows_set_and_delete() {
        let f = fixture();
        f.store.set(&Scope::Global, "b-token", "1").unwrap();
        f.store.set(&Scope::Global, "a-token", "2").unwrap();
        assert_eq!(
            f.store.list(&Scope::Global).unwrap(),
            ["a-token", "b-token"]
        );
        f.store.delete(&Scope::Global, "b-token").unwrap();
        assert_eq!(f.store.list(&Scope::Global).unwrap(), ["a-token"]);

        let text = std::fs::read_to_string(f._dir.path().join(INDEX_FILE)).unwrap();
        assert!(text.contains("a-token"));
        assert!(
            !text.contains("\"2\""),
            "index must not hold values: {text}"
        );
    }

    #[test]
    fn a_failed_set_records_nothing() {
        let f = fixture();
        fail_next(
            &f.mock,
            "global/tok",
            KeyringError::NoStorageAccess("collection is locked".into()),
        );
        let err = f.store.set(&Scope::Global, "tok", "v").unwrap_err();
        assert!(err.to_string().contains("collection is locked"), "{err}");
        assert!(f.store.list(&Scope::Global).unwrap().is_empty());
    }

    #[test]
    fn a_value_already_gone_is_dropped_from_the_list() {
        let f = fixture();
        f.store.set(&Scope::Global, "tok", "v").unwrap();
        fail_next(&f.mock, "global/tok", KeyringError::NoEntry);
        assert!(matches!(
            f.store.delete(&Scope::Global, "tok"),
            Err(CredentialError::NotFound(_))
        ));
        assert!(f.store.list(&Scope::Global).unwrap().is_empty());
    }

    #[test]
    fn no_error_message_contains_the_value() {
        let f = fixture();
        let secret = "s3cr3t-VALUE-42";
        let echoing = [
            KeyringError::PlatformFailure(format!("backend echoed {secret}").into()),
            KeyringError::NoStorageAccess(format!("denied for {secret}").into()),
            KeyringError::Invalid("password".into(), format!("bad {secret}")),
            KeyringError::BadStoreFormat(format!("saw {secret}")),
            KeyringError::NotSupportedByStore(secret.to_string()),
        ];
        for err in echoing {
            fail_next(&f.mock, "global/tok", err);
            let shown = f.store.set(&Scope::Global, "tok", secret).unwrap_err();
            for text in [shown.to_string(), format!("{shown:?}")] {
                assert!(!text.contains(secret), "leaked: {text}");
                assert!(text.contains("[value withheld]"), "{text}");
            }
        }

        f.store.set(&Scope::Global, "tok", secret).unwrap();
        let stored = secret.as_bytes().to_vec();
        for err in [
            KeyringError::BadEncoding(stored.clone()),
            KeyringError::BadDataFormat(stored, "bad padding".into()),
        ] {
            fail_next(&f.mock, "global/tok", err);
            let shown = f.store.get(&Scope::Global, "tok").unwrap_err();
            for text in [shown.to_string(), format!("{shown:?}")] {
                assert!(!text.contains(secret), "leaked: {text}");
            }
        }
    }
}
