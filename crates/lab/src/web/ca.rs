//! The lab's certificate authority and the certificate each lab host serves.
//!
//! A fresh CA (root → intermediate) is made with rcgen at every start, so the lab never
//! ships a CA key and its certificates are always dated around "now" (an expired host is
//! expired by ten days whatever the date). The one exception is the weak-key host: no
//! provider here can sign with an RSA-1024 key, so its chain (a legacy root, an RSA-1024
//! intermediate and a P-256 leaf signed by it) is a fixed fixture made once with openssl;
//! only the leaf's key ships, which is what the server needs to complete handshakes.

use crate::CaError;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;
use time::{Duration, OffsetDateTime};

const LEGACY_ROOT_PEM: &str = include_str!("fixtures/legacy-root.pem");
const LEGACY_INTERMEDIATE_PEM: &str = include_str!("fixtures/legacy-intermediate-rsa1024.pem");
const WEAK_LEAF_PEM: &str = include_str!("fixtures/weak-key-leaf.pem");
const WEAK_LEAF_KEY_PEM: &str = include_str!("fixtures/weak-key-leaf.key");

/// How a host's certificate is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertProfile {
    /// Leaf for the host from the lab intermediate, sent with the intermediate.
    Valid,
    /// Valid but expired ten days ago.
    Expired,
    /// Valid from ten days ahead.
    NotYetValid,
    /// Expires in ten days.
    ExpiringSoon,
    /// Names `other.lab.test` only.
    WrongName,
    /// Self-signed leaf.
    SelfSigned,
    /// Valid leaf sent without its intermediate.
    NoIntermediate,
    /// The fixed chain with an RSA-1024 intermediate.
    WeakKey,
    /// Valid, with terminal escape sequences in the subject CN.
    EscapeInSubject,
}

/// The lab CA: root, intermediate and the signing key of the intermediate.
pub struct LabCa {
    root_der: CertificateDer<'static>,
    intermediate_der: CertificateDer<'static>,
    intermediate: Issuer<'static, KeyPair>,
    now: OffsetDateTime,
}

fn ca_params(cn: &str, now: OffsetDateTime) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.distinguished_name
        .push(DnType::OrganizationName, "launch-ready demo lab");
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = now - Duration::days(365);
    p.not_after = now + Duration::days(3650);
    p
}

impl LabCa {
    /// Makes a new root and intermediate.
    pub fn generate() -> Result<LabCa, CaError> {
        let now = OffsetDateTime::now_utc();
        let root_key = KeyPair::generate()?;
        let root_params = ca_params("launch-ready Lab Root CA", now);
        let root = root_params.self_signed(&root_key)?;
        let root_issuer = Issuer::new(root_params, root_key);
        let int_key = KeyPair::generate()?;
        let mut int_params = ca_params("launch-ready Lab Intermediate CA", now);
        int_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        int_params.use_authority_key_identifier_extension = true;
        let intermediate = int_params.signed_by(&int_key, &root_issuer)?;
        Ok(LabCa {
            root_der: root.der().clone(),
            intermediate_der: intermediate.der().clone(),
            intermediate: Issuer::new(int_params, int_key),
            now,
        })
    }

    /// Certificates a client of the lab should trust: the lab root, the legacy root of the
    /// weak-key host, and the lab intermediate (as a CA bundle would carry it).
    pub fn trust_bundle(&self) -> Result<Vec<CertificateDer<'static>>, CaError> {
        let mut out = vec![self.root_der.clone(), self.intermediate_der.clone()];
        out.extend(pem_certs(LEGACY_ROOT_PEM)?);
        Ok(out)
    }

    /// The bundle as PEM text.
    pub fn trust_bundle_pem(&self) -> Result<String, CaError> {
        use base64::Engine;
        let mut out = String::new();
        for der in self.trust_bundle()? {
            let b64 = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
            out.push_str("-----BEGIN CERTIFICATE-----\n");
            for chunk in b64.as_bytes().chunks(64) {
                out.push_str(&String::from_utf8_lossy(chunk));
                out.push('\n');
            }
            out.push_str("-----END CERTIFICATE-----\n");
        }
        Ok(out)
    }

    /// The certificate and key `host` serves under `profile`.
    pub fn certified_key(&self, host: &str, profile: CertProfile) -> Result<CertifiedKey, CaError> {
        let provider = rustls::crypto::ring::default_provider();
        if profile == CertProfile::WeakKey {
            let mut chain = pem_certs(WEAK_LEAF_PEM)?;
            chain.extend(pem_certs(LEGACY_INTERMEDIATE_PEM)?);
            let key = pem_key(WEAK_LEAF_KEY_PEM)?;
            return Ok(CertifiedKey::from_der(chain, key, &provider)?);
        }
        let key = KeyPair::generate()?;
        let name = if profile == CertProfile::WrongName {
            "other.lab.test".to_string()
        } else {
            host.to_string()
        };
        let mut p = CertificateParams::new(vec![name.clone()])?;
        let cn = if profile == CertProfile::EscapeInSubject {
            format!("{host} \u{1b}]0;pwned\u{7}\u{1b}[2J")
        } else {
            name
        };
        p.distinguished_name = rcgen::DistinguishedName::new();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        p.use_authority_key_identifier_extension = true;
        let now = self.now;
        (p.not_before, p.not_after) = match profile {
            CertProfile::Expired => (now - Duration::days(100), now - Duration::days(10)),
            CertProfile::NotYetValid => (now + Duration::days(10), now + Duration::days(100)),
            CertProfile::ExpiringSoon => (now - Duration::days(80), now + Duration::days(10)),
            _ => (now - Duration::days(30), now + Duration::days(60)),
        };
        let leaf = if profile == CertProfile::SelfSigned {
            p.self_signed(&key)?
        } else {
            p.signed_by(&key, &self.intermediate)?
        };
        let mut chain = vec![leaf.der().clone()];
        if !matches!(
            profile,
            CertProfile::SelfSigned | CertProfile::NoIntermediate
        ) {
            chain.push(self.intermediate_der.clone());
        }
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        Ok(CertifiedKey::from_der(chain, key_der, &provider)?)
    }
}

fn pem_certs(pem: &str) -> Result<Vec<CertificateDer<'static>>, CaError> {
    Ok(CertificateDer::pem_slice_iter(pem.as_bytes()).collect::<Result<Vec<_>, _>>()?)
}

fn pem_key(pem: &str) -> Result<PrivateKeyDer<'static>, CaError> {
    Ok(PrivateKeyDer::from_pem_slice(pem.as_bytes())?)
}
