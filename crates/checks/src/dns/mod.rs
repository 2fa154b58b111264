//! The dns family: host records, apex/www pairing, CAA, the DNS provider and exposed
//! staging hosts. Each check is an async function of the shared `Net` and one target that
//! returns a `CheckOutcome`; raw facts go in the evidence (the handover's DNS map reads
//! `dns.records` evidence), judgements in findings with the `checks.md` codes.

pub mod chain;
pub mod provider;
pub mod records;
pub mod staging;

pub use provider::provider;
pub use records::{apex_www, caa, records};
pub use staging::staging;

/// Roles whose host being down stops the product: unresolvable is a blocker for them.
pub const CRITICAL_ROLES: &[&str] = &["apex", "app", "api"];

/// First labels (or roles) that mark a staging host.
pub const STAGING_LABELS: &[&str] = launch_ready_core::session::model::STAGING_ROLES;

/// True when `host` or its `role` marks it as a staging / preview host.
pub fn is_staging(host: &str, role: &str) -> bool {
    let first = host.split('.').next().unwrap_or_default();
    STAGING_LABELS.contains(&first) || STAGING_LABELS.contains(&role)
}
