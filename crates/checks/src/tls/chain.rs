//! Judges a chain as sent against a trust store: validity dates, hostname, trust,
//! completeness and key strength, each reported as its own finding.
//!
//! Trust is asked of rustls' webpki verifier (the same one a rustls client uses), over the
//! OS roots plus the session's extra roots. Dates and names are judged here directly, so
//! that one defect gives one finding: the chain is verified at a moment the leaf is valid
//! (an expired leaf is `tls.expired`, not also `tls.untrusted`), and a name error from
//! webpki counts as "trusted" because webpki only checks the name after building a path.
//!
//! `tls.incomplete_chain` rule: webpki says `UnknownIssuer`, the leaf is not self-issued,
//! and no certificate sent is the leaf's issuer — then either the chain verifies once the
//! intermediates known from the extra roots (non-self-issued CA certificates in the CA file)
//! are added, or the server sent the leaf alone. Both mean a missing intermediate; any
//! other `UnknownIssuer` is `tls.untrusted`. Extra roots that are not self-issued are used
//! only as such candidate intermediates, never as trust anchors, as browsers do.

use crate::net::cert_info::CertInfo;
use crate::net::handshake::provider;
use ::time::OffsetDateTime;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{
    CertDatesDetail, CertSummary, ChainTrustDetail, HostnameMismatchDetail, WeakKeyDetail,
};
use launch_ready_core::finding::{Finding, Severity};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, RootCertStore};
use std::sync::{Arc, OnceLock};

/// What the chain is judged against.
#[derive(Debug, Clone)]
pub struct TlsPolicy {
    /// Roots (and intermediates) trusted besides the OS store: the session's `ca_file`.
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// `target.cert_warn_days`: expiry closer than this is `tls.expiring_soon`.
    pub warn_days: u32,
    /// The judging clock (injected so tests can move it).
    pub now: OffsetDateTime,
}

/// Default warning window for `tls.expiring_soon`, as `checks.md` gives it.
pub const DEFAULT_WARN_DAYS: u32 = 14;
/// Expiry this close makes `tls.expiring_soon` a blocker.
pub const BLOCKER_DAYS: i64 = 3;

impl TlsPolicy {
    /// The default policy at the current time, trusting `extra_roots` besides the OS store.
    pub fn new(extra_roots: Vec<CertificateDer<'static>>) -> TlsPolicy {
        TlsPolicy {
            extra_roots,
            warn_days: DEFAULT_WARN_DAYS,
            now: OffsetDateTime::now_utc(),
        }
    }
}

/// The verdict on the path to a root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    Trusted,
    /// The chain lacks an intermediate (see the module doc for the rule).
    Incomplete(String),
    Untrusted(String),
    /// Rejected, but the reason is a weak key already reported as `tls.weak_key`.
    WeakKey(String),
}

/// Findings and evidence from judging one chain for `host`.
pub fn judge(host: &str, chain: &[CertificateDer<'static>], policy: &TlsPolicy) -> Judgement {
    let mut out = Judgement::default();
    let infos: Vec<CertInfo> = match chain.iter().map(|c| CertInfo::parse(c)).collect() {
        Ok(v) => v,
        Err(e) => {
            out.findings.push(Finding::new(
                Code::TlsUntrusted,
                format!("{host}: the server sent a {e}"),
            ));
            return out;
        }
    };
    let Some(leaf) = infos.first() else {
        out.findings.push(Finding::new(
            Code::TlsUntrusted,
            format!("{host}: the server sent no certificate"),
        ));
        return out;
    };
    out.chain = infos.iter().map(CertInfo::summary).collect();
    let days = leaf.days_to_expiry(policy.now);
    out.days_to_expiry = Some(days);

    judge_dates(host, leaf, days, policy, &mut out.findings);
    if !leaf.covers(host) {
        out.findings.push(
            Finding::new(
                Code::TlsHostnameMismatch,
                format!("{host}: the certificate does not name this host"),
            )
            .with_detail(&HostnameMismatchDetail {
                host: host.to_string(),
                sans: leaf.sans(),
            }),
        );
    }
    for (i, info) in infos.iter().enumerate() {
        if info.is_weak_key() {
            out.findings.push(
                Finding::new(
                    Code::TlsWeakKey,
                    format!(
                        "{host}: {} has a weak {} {}-bit key",
                        position_name(i),
                        info.key_type,
                        info.key_bits.unwrap_or(0)
                    ),
                )
                .with_detail(&WeakKeyDetail {
                    position: i as u64,
                    subject: info.subject.clone(),
                    key_type: info.key_type.clone(),
                    key_bits: info.key_bits.map(|b| b as u64),
                }),
            );
        }
    }

    let trust = judge_trust(host, chain, &infos, policy);
    out.trust = Some(trust.clone());
    match trust {
        Trust::Trusted | Trust::WeakKey(_) => {}
        Trust::Incomplete(why) => out.findings.push(
            Finding::new(
                Code::TlsIncompleteChain,
                format!("{host}: the server does not send the intermediate certificate"),
            )
            .with_detail(&ChainTrustDetail {
                issuer: leaf.issuer.clone(),
                detail: why,
                sent: Some(infos.len() as u64),
            }),
        ),
        Trust::Untrusted(why) => out.findings.push(
            Finding::new(
                Code::TlsUntrusted,
                format!("{host}: the certificate chain does not lead to a trusted root"),
            )
            .with_detail(&ChainTrustDetail {
                issuer: leaf.issuer.clone(),
                detail: why,
                sent: None,
            }),
        ),
    }
    out
}

/// The judged facts of one chain.
#[derive(Debug, Default)]
pub struct Judgement {
    pub findings: Vec<Finding>,
    pub chain: Vec<CertSummary>,
    pub days_to_expiry: Option<i64>,
    pub trust: Option<Trust>,
}

fn position_name(i: usize) -> String {
    if i == 0 {
        "the leaf certificate".into()
    } else {
        format!("chain certificate #{i}")
    }
}

fn judge_dates(
    host: &str,
    leaf: &CertInfo,
    days: i64,
    policy: &TlsPolicy,
    findings: &mut Vec<Finding>,
) {
    let dates = CertDatesDetail {
        not_before: crate::net::cert_info::rfc3339(leaf.not_before),
        not_after: crate::net::cert_info::rfc3339(leaf.not_after),
        days_to_expiry: days,
    };
    if leaf.not_after < policy.now {
        findings.push(
            Finding::new(
                Code::TlsExpired,
                match -days {
                    0 => format!(
                        "{host}: the certificate expired today ({})",
                        crate::net::cert_info::rfc3339(leaf.not_after)
                    ),
                    1 => format!("{host}: the certificate expired yesterday"),
                    n => format!("{host}: the certificate expired {n} days ago"),
                },
            )
            .with_detail(&dates),
        );
    } else if leaf.not_before > policy.now {
        findings.push(
            Finding::new(
                Code::TlsNotYetValid,
                format!(
                    "{host}: the certificate is not valid before {}",
                    crate::net::cert_info::rfc3339(leaf.not_before)
                ),
            )
            .with_detail(&dates),
        );
    } else if days < i64::from(policy.warn_days) {
        let severity = if days < BLOCKER_DAYS {
            Severity::Blocker
        } else {
            Severity::High
        };
        findings.push(
            Finding::new(
                Code::TlsExpiringSoon,
                format!(
                    "{host}: the certificate expires in {days} days (warning at {})",
                    policy.warn_days
                ),
            )
            .with_severity(severity)
            .with_detail(&dates),
        );
    }
}

/// OS trust store, loaded once per process (reading it costs tens of milliseconds).
fn native_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

fn judge_trust(
    host: &str,
    chain: &[CertificateDer<'static>],
    infos: &[CertInfo],
    policy: &TlsPolicy,
) -> Trust {
    let leaf = &infos[0];
    let (anchors, pool): (Vec<_>, Vec<_>) = policy
        .extra_roots
        .iter()
        .filter_map(|c| CertInfo::parse(c).ok().map(|i| (c.clone(), i)))
        .partition(|(_, i)| i.self_issued);
    let mut store = RootCertStore::empty();
    store.add_parsable_certificates(native_roots().iter().cloned());
    store.add_parsable_certificates(anchors.into_iter().map(|(c, _)| c));
    let at = verification_time(leaf, policy.now);
    let weak = infos.iter().any(CertInfo::is_weak_key);

    let first = verify(store.clone(), host, &chain[0], &chain[1..], at);
    match first {
        Ok(()) => Trust::Trusted,
        Err(CertificateError::UnknownIssuer) => {
            // A self-signed leaf is untrusted whatever its key: the weak key, if any, is
            // its own finding and not the reason no root was found.
            if leaf.self_issued {
                return Trust::Untrusted(untrusted_reason(leaf));
            }
            let issuer_sent = infos[1..].iter().any(|i| i.subject_raw == leaf.issuer_raw);
            if issuer_sent {
                // webpki cannot verify a signature made with a weak key, so a sent weak
                // issuer reads as "unknown issuer": the weak key is the reason given.
                return if weak {
                    Trust::WeakKey("unknown issuer".into())
                } else {
                    Trust::Untrusted(untrusted_reason(leaf))
                };
            }
            let mut with_pool: Vec<CertificateDer<'static>> = chain[1..].to_vec();
            with_pool.extend(pool.into_iter().map(|(c, _)| c));
            if with_pool.len() > chain.len() - 1
                && verify(store, host, &chain[0], &with_pool, at).is_ok()
            {
                Trust::Incomplete(format!(
                    "the chain verifies once the known intermediate `{}` is added",
                    leaf.issuer
                ))
            } else if chain.len() == 1 {
                Trust::Incomplete(format!(
                    "only the leaf was sent; its issuer `{}` is neither sent nor a trusted root",
                    leaf.issuer
                ))
            } else {
                Trust::Untrusted(untrusted_reason(leaf))
            }
        }
        Err(e) if weak => Trust::WeakKey(e.to_string()),
        Err(e) => Trust::Untrusted(format!("rejected: {e}")),
    }
}

fn untrusted_reason(leaf: &CertInfo) -> String {
    if leaf.self_issued {
        "self-signed certificate".into()
    } else {
        format!(
            "issued by `{}`, an unknown certificate authority",
            leaf.issuer
        )
    }
}

/// `now` when the leaf is valid then, otherwise a second inside the leaf's validity.
fn verification_time(leaf: &CertInfo, now: OffsetDateTime) -> UnixTime {
    let t = if now > leaf.not_after {
        leaf.not_after - ::time::Duration::seconds(1)
    } else if now < leaf.not_before {
        leaf.not_before + ::time::Duration::seconds(1)
    } else {
        now
    };
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(t.unix_timestamp()).unwrap_or(0),
    ))
}

/// Webpki's verdict; a hostname error counts as success (names are judged separately).
fn verify(
    store: RootCertStore,
    host: &str,
    leaf: &CertificateDer<'static>,
    intermediates: &[CertificateDer<'static>],
    at: UnixTime,
) -> Result<(), CertificateError> {
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider())
        .build()
        .map_err(|e| CertificateError::Other(rustls::OtherError(Arc::new(e))))?;
    // Any valid server name will do: name errors are ignored below.
    let name = ServerName::try_from(host.trim_end_matches('.').to_string())
        .or_else(|_| ServerName::try_from("invalid.invalid".to_string()))
        .map_err(|_| CertificateError::BadEncoding)?;
    match verifier.verify_server_cert(leaf, intermediates, &name, &[], at) {
        Ok(_) => Ok(()),
        Err(rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) => Ok(()),
        Err(rustls::Error::InvalidCertificate(e)) => Err(e),
        Err(e) => Err(CertificateError::Other(rustls::OtherError(Arc::new(e)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEAK_SELF_SIGNED: &str =
        include_str!("../../../../tests/fixtures/tls/weak-self-signed-rsa1024.pem");

    #[test]
    fn a_self_signed_weak_leaf_is_both_untrusted_and_weak() {
        let chain: Vec<CertificateDer<'static>> =
            rustls::pki_types::pem::PemObject::pem_slice_iter(WEAK_SELF_SIGNED.as_bytes())
                .collect::<Result<_, _>>()
                .unwrap();
        let policy = TlsPolicy {
            extra_roots: Vec::new(),
            warn_days: DEFAULT_WARN_DAYS,
            now: ::time::macros::datetime!(2030-01-01 00:00 UTC),
        };
        let j = judge("weak-self-signed.test", &chain, &policy);
        let codes: Vec<&str> = j.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            ["tls.weak_key", "tls.untrusted"],
            "{:#?}",
            j.findings
        );
        assert_eq!(
            j.trust,
            Some(Trust::Untrusted("self-signed certificate".into()))
        );
    }
}
