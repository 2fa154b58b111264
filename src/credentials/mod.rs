//! The OS keyring behind the core's `CredentialStore`: `keyring_store` joins the names-only
//! index to any `keyring-core` store (the real one or the crate's mock in tests), and
//! `backend` picks and probes the OS store. Names, scopes and errors live in
//! `launch_ready_core::credentials`, so the checks can read credentials without this crate.

mod backend;
mod keyring_store;

pub use backend::{os_store, os_store_with_index, passed_over, prepare_process};
pub use keyring_store::KeyringStore;
