//! Named credentials in the OS keyring (service `launch-ready`), keyed globally or per
//! session. Only names ever leave this module; values go from the keyring to the code that
//! needs them and nowhere else. No keyring backend means credentials are unavailable — there
//! is no plain-text fallback.
//!
//! Interface fixed here; bodies to be completed.

use std::sync::Arc;

/// Keyring service name.
pub const SERVICE: &str = "launch-ready";

/// Whether a credential belongs to everything or to one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Global,
    Session(String),
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// No keyring backend could be reached; the message says what was tried.
    #[error("no OS keyring is available: {0}")]
    Unavailable(String),
    #[error("no credential named `{0}`")]
    NotFound(String),
    #[error("credential name `{0}` is invalid (use letters, digits, `-`, `_` and `.`)")]
    BadName(String),
    #[error("keyring error: {0}")]
    Backend(String),
}

/// A place to keep credentials. The keyring implementation is the real one; tests use the
/// keyring crate's mock store behind the same type.
pub trait CredentialStore: Send + Sync {
    fn set(&self, scope: &Scope, name: &str, value: &str) -> Result<(), CredentialError>;
    fn get(&self, scope: &Scope, name: &str) -> Result<String, CredentialError>;
    fn delete(&self, scope: &Scope, name: &str) -> Result<(), CredentialError>;
    /// Names known in `scope` (names are not secret; values are never listed).
    fn list(&self, scope: &Scope) -> Result<Vec<String>, CredentialError>;
    /// Which backend is in use, for messages ("kernel keyutils", "Secret Service").
    fn backend(&self) -> String;
}

/// The OS keyring store, or why there is none.
pub fn os_store() -> Result<Arc<dyn CredentialStore>, CredentialError> {
    unimplemented!("credentials")
}
