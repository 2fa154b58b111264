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
pub mod error;
pub mod http;
pub mod perf;
pub mod probes;
pub mod reach;
pub mod secrets;
pub mod smoke;
pub mod tls;
pub mod uptime;
pub mod vitals;

use super::registry::Registry;
use launch_ready_core::catalog::KindId;

/// Every check this build implements.
pub fn builtin() -> Registry {
    let mut r = Registry::default();
    // Each family's adapter registers all its kinds at once.
    let mut families = Vec::new();
    for &id in KindId::ALL {
        if !families.contains(&id.family()) {
            families.push(id.family());
            wired_by(id)(&mut r);
        }
    }
    r
}

/// The family adapter that registers each kind. One arm per kind and no wildcard: a kind
/// added to the catalog without saying where it is wired does not compile, and the
/// registry's test then checks that the family registered it.
fn wired_by(id: KindId) -> fn(&mut Registry) {
    use KindId::*;
    match id {
        DnsRecords | DnsApexWww | DnsCaa | DnsProvider | DnsStaging => dns::register,
        EmailMx | EmailSpf | EmailDmarc | EmailDkim => email::register,
        TlsCertificate | TlsProtocols => tls::register,
        HttpAvailability | HttpRedirects | HttpHeaders | HttpMixedContent | HttpCache
        | HttpCors | HttpExposure | HttpBundle | HttpPayload | HttpDebug | HttpPayloadLimit => {
            http_family
        }
        EdgeProvider | EdgeRateLimit => edge_family,
        PerfLatency | PerfLoad | PerfWebVitals => perf_family,
        UptimeProbe | UptimeAlertRoute | UptimeErrorTracking => uptime_family,
        SecretsRepo | SecretsHistory | SecretsBuild => secrets::register,
        EnvInventory | EnvGitignore => env::register,
        CloudflareZone => cloudflare::register,
        SmokeFlow => smoke::register,
    }
}

/// The http kinds: the page checks and the active probes beside them.
fn http_family(r: &mut Registry) {
    http::register(r);
    probes::register_http(r);
}

/// The edge kinds: the provider and the login burst.
fn edge_family(r: &mut Registry) {
    edge::register(r);
    probes::register_edge(r);
}

/// The uptime kinds: probes, the alert route and error tracking.
fn uptime_family(r: &mut Registry) {
    uptime::register(r);
    probes::register_uptime(r);
}

/// The perf family: the latency and load kinds, and web vitals (a browser, not requests).
fn perf_family(r: &mut Registry) {
    perf::register(r);
    vitals::register(r);
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
            assert!(r.contains(k.id), "{} is not registered", k.name);
        }
    }
}
