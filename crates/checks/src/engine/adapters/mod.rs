//! Adapters from the engine's `CheckInput` to the explicit inputs of each family, and the
//! wiring of the registry (`builtin`).
//!
//! Those families take what they need as plain values (an address and SNI host, a client
//! and a URL, a header map) so they can be tested against any server. Deriving the values
//! from a session is the engine's business and lives here, one file per family: which
//! address a host is dialled at (`connect_to`, then the `resolve` overrides and the
//! session's nameserver), which client carries the trust roots and overrides, and which
//! runbook thresholds apply. The registry stays a list of names.

pub mod cloudflare;
pub mod dns;
pub mod edge;
pub mod email;
pub mod env;
pub mod http;
pub mod perf;
pub mod reach;
pub mod secrets;
pub mod tls;
pub mod uptime;

use super::registry::Registry;

/// Every check this build implements.
pub fn builtin() -> Registry {
    let mut r = Registry::default();
    dns::register(&mut r);
    email::register(&mut r);
    tls::register(&mut r);
    http::register(&mut r);
    edge::register(&mut r);
    perf::register(&mut r);
    uptime::register(&mut r);
    secrets::register(&mut r);
    env::register(&mut r);
    cloudflare::register(&mut r);
    r
}

#[cfg(test)]
mod tests {
    use launch_ready_core::catalog::{Family, KINDS};

    #[test]
    fn every_tls_http_and_edge_kind_is_registered() {
        let r = super::builtin();
        for k in KINDS
            .iter()
            .filter(|k| matches!(k.family, Family::Tls | Family::Http | Family::Edge))
        {
            assert!(r.contains(k.name), "{} is not registered", k.name);
        }
    }
}
