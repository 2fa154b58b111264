//! The tls family from a `CheckInput`: the host is dialled on port 443 at its `connect_to`
//! destination when one is set (as curl does), else at its first resolved address; the
//! certificate is judged against the OS store plus the session's `ca_file`, with the
//! runbook's `cert_warn_days`.

use super::reach::host_ready;
use crate::engine::registry::{CheckInput, Registry};
use crate::judged::Judged;
use crate::net::{AddressError, Net};
use crate::tls::{TlsPolicy, TlsTarget, check_tls_certificate, check_tls_protocols};
use launch_ready_core::catalog::KindId;
use launch_ready_core::outcome;
use launch_ready_core::session::model::CheckOutcome;
use rustls::pki_types::CertificateDer;
use std::time::Duration;
use time::OffsetDateTime;

/// The port the tls family audits.
pub const TLS_PORT: u16 = 443;

pub fn register(r: &mut Registry) {
    r.insert(KindId::TlsCertificate, |i: CheckInput| async move {
        if let Err(o) = host_ready(&i.net, &i.target.name, &[TLS_PORT]).await {
            return *o;
        }
        let target = match tls_target(&i.net, &i.target.name).await {
            Ok(t) => t,
            Err(e) => return unreachable_host(KindId::TlsCertificate, &i.target.name, e),
        };
        check_tls_certificate(&target, &policy(&i)).await
    });
    r.insert(KindId::TlsProtocols, |i: CheckInput| async move {
        if let Err(o) = host_ready(&i.net, &i.target.name, &[TLS_PORT]).await {
            return *o;
        }
        let target = match tls_target(&i.net, &i.target.name).await {
            Ok(t) => t,
            Err(e) => return unreachable_host(KindId::TlsProtocols, &i.target.name, e),
        };
        check_tls_protocols(&target).await
    });
}

/// Where to handshake with `host`: its `connect_to` entry for port 443, else the first
/// address the shared resolver gives (overrides first), on port 443.
pub async fn tls_target(net: &Net, host: &str) -> Result<TlsTarget, AddressError> {
    Ok(TlsTarget {
        host: host.to_string(),
        addr: net.tls_addr(host, TLS_PORT).await?,
        timeout: Duration::from_secs(net.settings.timeout_secs.max(1)),
    })
}

/// The trust policy of a job: the session's extra roots, the runbook's warning window.
pub fn policy(i: &CheckInput) -> TlsPolicy {
    TlsPolicy {
        extra_roots: i
            .net
            .roots
            .der
            .iter()
            .map(|d| CertificateDer::from(d.clone()))
            .collect(),
        warn_days: i.scope.thresholds.cert_warn_days,
        now: OffsetDateTime::now_utc(),
    }
}

/// A host with no address cannot be probed: the check could not run (`dns.records`
/// reports the missing address itself).
fn unreachable_host(kind: KindId, host: &str, why: AddressError) -> CheckOutcome {
    if host.is_empty() {
        return outcome::error("no host given");
    }
    Judged::start(kind, host).error(why)
}
