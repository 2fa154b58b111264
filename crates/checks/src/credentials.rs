//! How a run reaches credentials: kinds that read one (an alert webhook, a Cloudflare
//! token) name it in the kind table; they get the value through `Credentials::get`, which
//! asks the environment variable CI sets first, then the session's own keyring entry, then
//! the global one. The value goes to the check and nowhere else: not into events, evidence
//! or errors.
//!
//! Between the variable and the keyring sits a memory layer for values the process itself
//! provides and must never write anywhere: the demo lab's fake Cloudflare token, which the
//! demo session's runs need without the user typing it and without it landing in the
//! session file or the keyring. It lives for the life of the process only.
//!
//! A module of its own, beside the engine rather than in it, because the monitor reads the
//! alert route through it too and must not depend on the engine that runs it.

use launch_ready_core::credentials::{CredentialError, CredentialStore, Scope as CredentialScope};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// The environment variable CI sets instead of a keyring entry for credential `name`
/// (`api-token` → `LAUNCH_READY_CREDENTIAL_API_TOKEN`).
pub fn env_var(name: &str) -> String {
    let upper: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("LAUNCH_READY_CREDENTIAL_{upper}")
}

/// Values held in memory for this process, keyed by (session, name).
fn memory() -> &'static Mutex<HashMap<(String, String), String>> {
    static MEMORY: OnceLock<Mutex<HashMap<(String, String), String>>> = OnceLock::new();
    MEMORY.get_or_init(Default::default)
}

/// Makes `value` the credential `name` of `session` for the rest of this process (never
/// written anywhere). The demo uses it for its lab's fake token.
pub fn remember(session: &str, name: &str, value: &str) {
    memory()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert((session.to_string(), name.to_string()), value.to_string());
}

/// Forgets what `remember` held for `session`.
pub fn forget(session: &str) {
    memory()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .retain(|(s, _), _| s != session);
}

fn remembered(session: Option<&str>, name: &str) -> Option<String> {
    let session = session?;
    memory()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&(session.to_string(), name.to_string()))
        .cloned()
}

/// How a run reaches credentials.
#[derive(Clone, Default)]
pub struct Credentials {
    store: Option<Arc<dyn CredentialStore>>,
    /// Open the OS keyring on first use (so building a scope does no IO).
    open_os: bool,
    session: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("store", &self.store.as_ref().map(|s| s.backend()))
            .field("open_os", &self.open_os)
            .field("session", &self.session)
            .finish()
    }
}

impl Credentials {
    /// Credentials from `store`, looked up for `session` first when given.
    pub fn new(store: Arc<dyn CredentialStore>, session: Option<String>) -> Credentials {
        Credentials {
            store: Some(store),
            open_os: false,
            session,
        }
    }

    /// Credentials from the OS keyring, opened when a check first asks (on the blocking
    /// pool), looked up for `session` first when given.
    pub fn os(session: Option<String>) -> Credentials {
        Credentials {
            store: None,
            open_os: true,
            session,
        }
    }

    /// The value of credential `name`: the environment variable `env` when set and not
    /// empty, else a value this process remembers for the session, else the session's
    /// keyring entry, else the global one. Keyring calls can block, so they run on the
    /// blocking pool.
    pub async fn get(&self, name: &str, env: Option<&str>) -> Result<String, CredentialError> {
        if let Some(var) = env
            && let Ok(v) = std::env::var(var)
            && !v.is_empty()
        {
            return Ok(v);
        }
        if let Some(v) = remembered(self.session.as_deref(), name) {
            return Ok(v);
        }
        let store = self.store.clone();
        if store.is_none() && !self.open_os {
            return Err(CredentialError::Unavailable(
                "this run has no keyring access".into(),
            ));
        }
        let (name, session) = (name.to_string(), self.session.clone());
        tokio::task::spawn_blocking(move || {
            let store = match store {
                Some(s) => s,
                None => launch_ready_core::credentials::os_store()?,
            };
            if let Some(s) = session {
                match store.get(&CredentialScope::Session(s), &name) {
                    Err(CredentialError::NotFound(_)) => {}
                    other => return other,
                }
            }
            store.get(&CredentialScope::Global, &name)
        })
        .await
        .map_err(|e| CredentialError::Backend(format!("the keyring lookup stopped: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_a_keyring_a_credential_is_unavailable_never_empty() {
        let c = Credentials::default();
        assert!(matches!(
            c.get("alert-webhook", None).await,
            Err(CredentialError::Unavailable(_))
        ));
    }

    #[tokio::test]
    async fn remembered_values_answer_for_their_session_only() {
        remember("access-test", "cf-mem", "v1");
        let mine = Credentials {
            session: Some("access-test".into()),
            ..Credentials::default()
        };
        assert_eq!(mine.get("cf-mem", None).await.unwrap(), "v1");
        let other = Credentials {
            session: Some("other".into()),
            ..Credentials::default()
        };
        assert!(other.get("cf-mem", None).await.is_err());
        forget("access-test");
        assert!(mine.get("cf-mem", None).await.is_err());
    }
}
