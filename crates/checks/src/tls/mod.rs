//! The tls family: certificate chain (`tls.certificate`) and old protocol versions
//! (`tls.protocols`).
//!
//! Split as probe (network: the handshake in `net::handshake`, shared with the monitor's
//! certificate read, and `protocols.rs`) and judge (pure: `chain.rs` over
//! `net::cert_info`), so the judge can be tested on any chain and the probe on real servers.
//! The entry points take explicit inputs (address, SNI host, trust policy) so the engine
//! only has to resolve the host and pick the port.

pub mod chain;
pub mod protocols;

pub use crate::net::handshake::{Handshake, ProbeError, TlsTarget};
pub use chain::{DEFAULT_WARN_DAYS, TlsPolicy, Trust};
pub use protocols::check_tls_protocols;

use crate::judged::Judged;
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{CertificateEvidence, Observed, TlsUnreachableDetail};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;

/// `tls.certificate`: handshakes with `conn` and judges the chain the server sent.
/// A connection or handshake failure is `tls.unreachable`; when the server sent its chain
/// before the handshake failed, that chain is judged too.
pub async fn check_tls_certificate(conn: &TlsTarget, policy: &TlsPolicy) -> CheckOutcome {
    let mut judged = Judged::start(KindId::TlsCertificate, conn.host.clone());
    let mut evidence = CertificateEvidence {
        addr: Some(conn.addr.to_string()),
        ..CertificateEvidence::default()
    };
    let chain = match crate::net::handshake::handshake(conn).await {
        Ok(hs) => {
            evidence.protocol = Some(hs.protocol);
            evidence.cipher_suite = Some(hs.cipher_suite);
            evidence.handshake_signature = hs
                .unverified_signature
                .map(|why| format!("not verified: {why}"));
            hs.chain
        }
        Err(ProbeError::BadHost(h)) => {
            judged.observed(Observed::Certificate(evidence));
            return judged.error(format!("`{h}` is not a valid TLS server name"));
        }
        Err(e) => {
            let chain = match &e {
                ProbeError::Handshake { chain, .. } => chain.clone(),
                _ => Vec::new(),
            };
            judged.push(
                Finding::new(Code::TlsUnreachable, format!("{}: {e}", conn.host)).with_detail(
                    &TlsUnreachableDetail {
                        addr: conn.addr.to_string(),
                        error: e.to_string(),
                    },
                ),
            );
            chain
        }
    };
    let mut days = None;
    if !chain.is_empty() {
        let j = chain::judge(&conn.host, &chain, policy);
        days = j.days_to_expiry;
        evidence.chain = j.chain;
        evidence.days_to_expiry = j.days_to_expiry;
        evidence.trust = Some(match &j.trust {
            Some(Trust::Trusted) => "trusted".to_string(),
            Some(Trust::Incomplete(w)) => format!("incomplete chain: {w}"),
            Some(Trust::Untrusted(w)) => format!("untrusted: {w}"),
            Some(Trust::WeakKey(w)) => format!("rejected for a weak key: {w}"),
            None => "not judged".to_string(),
        });
        for f in j.findings {
            judged.push(f);
        }
    }
    judged.observed(Observed::Certificate(evidence));
    judged.finish(&format!(
        "{}: valid certificate, trusted, {} days to expiry",
        conn.host,
        days.unwrap_or_default()
    ))
}
