//! Adapters from the engine's `CheckInput` to the explicit inputs of the tls, http and
//! edge families.
//!
//! Those families take what they need as plain values (an address and SNI host, a client
//! and a URL, a header map) so they can be tested against any server. Deriving the values
//! from a session is the engine's business and lives here, one file per family: which
//! address a host is dialled at (`connect_to`, then the `resolve` overrides and the
//! session's nameserver), which client carries the trust roots and overrides, and which
//! runbook thresholds apply. The registry stays a list of names.

pub mod edge;
pub mod http;
pub mod tls;

use super::registry::Registry;

/// Registers every tls, http and edge kind of the catalog.
pub fn register(r: &mut Registry) {
    tls::register(r);
    http::register(r);
    edge::register(r);
}

#[cfg(test)]
mod tests {
    use crate::checks::catalog::{Family, KINDS};
    use crate::engine::Registry;

    #[test]
    fn every_tls_http_and_edge_kind_is_registered() {
        let r = Registry::builtin();
        for k in KINDS
            .iter()
            .filter(|k| matches!(k.family, Family::Tls | Family::Http | Family::Edge))
        {
            assert!(r.contains(k.name), "{} is not registered", k.name);
        }
    }
}
