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
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use serde_json::json;

/// `tls.certificate`: handshakes with `conn` and judges the chain the server sent.
/// A connection or handshake failure is `tls.unreachable`; when the server sent its chain
/// before the handshake failed, that chain is judged too.
pub async fn check_tls_certificate(conn: &TlsTarget, policy: &TlsPolicy) -> CheckOutcome {
    let mut judged = Judged::start(KindId::TlsCertificate, conn.host.clone());
    judged.evidence("addr", json!(conn.addr.to_string()));
    let chain = match crate::net::handshake::handshake(conn).await {
        Ok(hs) => {
            judged.evidence("protocol", json!(hs.protocol));
            judged.evidence("cipher_suite", json!(hs.cipher_suite));
            if let Some(why) = &hs.unverified_signature {
                judged.evidence("handshake_signature", json!(format!("not verified: {why}")));
            }
            hs.chain
        }
        Err(ProbeError::BadHost(h)) => {
            return judged.error(format!("`{h}` is not a valid TLS server name"));
        }
        Err(e) => {
            let chain = match &e {
                ProbeError::Handshake { chain, .. } => chain.clone(),
                _ => Vec::new(),
            };
            judged.push(
                Finding::new(Code::TlsUnreachable, format!("{}: {e}", conn.host)).with_evidence(
                    json!({ "addr": conn.addr.to_string(), "error": e.to_string() }),
                ),
            );
            chain
        }
    };
    let mut days = None;
    if !chain.is_empty() {
        let j = chain::judge(&conn.host, &chain, policy);
        days = j.days_to_expiry;
        judged.evidence("chain", json!(j.chain));
        judged.evidence("days_to_expiry", json!(j.days_to_expiry));
        judged.evidence(
            "trust",
            json!(match &j.trust {
                Some(Trust::Trusted) => "trusted".to_string(),
                Some(Trust::Incomplete(w)) => format!("incomplete chain: {w}"),
                Some(Trust::Untrusted(w)) => format!("untrusted: {w}"),
                Some(Trust::WeakKey(w)) => format!("rejected for a weak key: {w}"),
                None => "not judged".to_string(),
            }),
        );
        for f in j.findings {
            judged.push(f);
        }
    }
    judged.finish(&format!(
        "{}: valid certificate, trusted, {} days to expiry",
        conn.host,
        days.unwrap_or_default()
    ))
}
