//! Named credentials in the OS keyring (service `launch-ready`), keyed globally or per
//! session. Only names ever leave this module; values go from the keyring to the code that
//! needs them and nowhere else. No keyring backend means credentials are unavailable — there
//! is no plain-text fallback.
//!
//! The module is split by concern: `name` says which names are acceptable and how they map to
//! keyring accounts, `index` keeps the names-only list that keyrings cannot give us. The
//! keyring itself is the binary's (`launch_ready::credentials`): it registers its opener
//! here at start, so checks read credentials through this trait without linking a keyring.

pub mod index;
pub mod name;

use std::sync::{Arc, OnceLock};

pub use index::{INDEX_FILE, NameIndex};
pub use name::{MAX_NAME_LEN, account, validate_name, validate_session};

/// Keyring service name.
pub const SERVICE: &str = "launch-ready";

/// Whether a credential belongs to everything or to one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Global,
    Session(String),
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Global => f.write_str("global"),
            Scope::Session(s) => write!(f, "session {s}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// No keyring backend could be reached; the message says what was tried.
    #[error("no OS keyring is available: {0}")]
    Unavailable(String),
    /// The keyring holds nothing under this name in the requested scope.
    #[error("no credential named `{0}`")]
    NotFound(String),
    /// The credential name breaks the naming rule.
    #[error("credential name `{0}` is invalid (use 1 to 64 letters, digits, `-`, `_` and `.`)")]
    BadName(String),
    /// The session name used as a scope breaks the naming rule.
    #[error(
        "session name `{0}` is invalid as a credential scope (use 1 to 64 letters, digits, `-`, `_` and `.`)"
    )]
    BadSession(String),
    /// Keyrings cannot hold an empty value, and an empty credential is always a mistake.
    #[error("refusing to store an empty value for `{0}`")]
    EmptyValue(String),
    /// The keyring or the name index failed; the text never contains a value.
    #[error("keyring error: {0}")]
    Backend(String),
}

/// A place to keep credentials. The keyring implementation is the real one; tests use the
/// keyring crate's mock store behind the same type.
///
/// Calls may block (D-Bus round trips, a desktop unlock prompt), so async code should make
/// them from `spawn_blocking`.
pub trait CredentialStore: Send + Sync {
    fn set(&self, scope: &Scope, name: &str, value: &str) -> Result<(), CredentialError>;
    fn get(&self, scope: &Scope, name: &str) -> Result<String, CredentialError>;
    fn delete(&self, scope: &Scope, name: &str) -> Result<(), CredentialError>;
    /// Names known in `scope` (names are not secret; values are never listed).
    fn list(&self, scope: &Scope) -> Result<Vec<String>, CredentialError>;
    /// Which backend is in use, for messages ("kernel keyutils", "Secret Service").
    fn backend(&self) -> String;
    /// Every scope with at least one known name (so `secret list` can show them all).
    fn scopes(&self) -> Result<Vec<Scope>, CredentialError> {
        Ok(vec![Scope::Global])
    }
}

/// Opens the OS keyring's store.
pub type StoreOpener = fn() -> Result<Arc<dyn CredentialStore>, CredentialError>;

static OS_STORE: OnceLock<StoreOpener> = OnceLock::new();

/// Makes `open` the way this process reaches the OS keyring. The binary registers its
/// keyring once at start; later calls keep the first.
pub fn register_os_store(open: StoreOpener) {
    let _ = OS_STORE.set(open);
}

/// The OS keyring's store, through the opener the binary registered. A process that
/// registered none (a library's own tests) has no keyring, and the error says so.
pub fn os_store() -> Result<Arc<dyn CredentialStore>, CredentialError> {
    match OS_STORE.get() {
        Some(open) => open(),
        None => Err(CredentialError::Unavailable(
            "this process registered no keyring".into(),
        )),
    }
}
