//! `tls.certificate` against a loopback server whose leaf is a self-signed RSA-1024
//! certificate: the probe must complete the handshake and the judge must name both
//! defects (`tls.untrusted`, `tls.weak_key`), not report the server unreachable.
//!
//! Neither rustls provider loads an RSA signing key under 2048 bits (the demo lab avoids
//! the problem by giving its weak chain a P-256 leaf), so this server signs its handshake
//! with the `rsa` crate through a small `rustls::sign::SigningKey`. The fixture pair
//! `tests/fixtures/tls/weak-self-signed-rsa1024.{pem,key}` was made once with openssl and
//! is valid from 2025-01-01 to 2099-12-31, so the test does not depend on the clock.

use launch_ready_checks::judged::codes;
use launch_ready_checks::tls::{TlsPolicy, TlsTarget, check_tls_certificate};
use rsa::pkcs8::DecodePrivateKey;
use rsa::sha2::Sha256;
use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer as _};
use rustls::pki_types::CertificateDer;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::{CertifiedKey, Signer, SigningKey};
use rustls::{SignatureAlgorithm, SignatureScheme, SupportedProtocolVersion};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

const WEAK_CERT_PEM: &str = include_str!("../fixtures/tls/weak-self-signed-rsa1024.pem");
const WEAK_KEY_PEM: &str = include_str!("../fixtures/tls/weak-self-signed-rsa1024.key");
const HOST: &str = "weak-self-signed.test";

/// An RSA key of any size, signing with the first of `schemes` the client offers.
#[derive(Debug)]
struct AnyRsaKey {
    key: rsa::RsaPrivateKey,
    schemes: Vec<SignatureScheme>,
}

impl SigningKey for AnyRsaKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        let scheme = *self.schemes.iter().find(|s| offered.contains(s))?;
        Some(Box::new(AnyRsaSigner {
            key: self.key.clone(),
            scheme,
        }))
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::RSA
    }
}

#[derive(Debug)]
struct AnyRsaSigner {
    key: rsa::RsaPrivateKey,
    scheme: SignatureScheme,
}

impl Signer for AnyRsaSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        match self.scheme {
            SignatureScheme::RSA_PSS_SHA256 => {
                let key = rsa::pss::SigningKey::<Sha256>::new(self.key.clone());
                key.try_sign_with_rng(&mut rsa::rand_core::OsRng, message)
                    .map(|s| s.to_vec())
                    .map_err(|e| rustls::Error::General(e.to_string()))
            }
            SignatureScheme::RSA_PKCS1_SHA256 => {
                let key = rsa::pkcs1v15::SigningKey::<Sha256>::new(self.key.clone());
                key.try_sign(message)
                    .map(|s| s.to_vec())
                    .map_err(|e| rustls::Error::General(e.to_string()))
            }
            other => Err(rustls::Error::General(format!("{other:?} not offered"))),
        }
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }
}

#[derive(Debug)]
struct Fixed(Arc<CertifiedKey>);

impl ResolvesServerCert for Fixed {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

fn weak_chain() -> Vec<CertificateDer<'static>> {
    <CertificateDer<'static> as rustls::pki_types::pem::PemObject>::pem_slice_iter(
        WEAK_CERT_PEM.as_bytes(),
    )
    .collect::<Result<Vec<_>, _>>()
    .expect("fixture certificate")
}

/// Serves `key` for `chain` on a loopback port for `connections` handshakes, then stops.
async fn serve(
    chain: Vec<CertificateDer<'static>>,
    key: Arc<dyn SigningKey>,
    versions: &[&'static SupportedProtocolVersion],
    connections: usize,
) -> SocketAddr {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(versions)
    .expect("protocol versions")
    .with_no_client_auth()
    .with_cert_resolver(Arc::new(Fixed(Arc::new(CertifiedKey::new(chain, key)))));
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        for _ in 0..connections {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // The client closes after the handshake; errors here are the client's doing.
                let _ = tokio::time::timeout(Duration::from_secs(5), acceptor.accept(tcp)).await;
            });
        }
    });
    addr
}

fn weak_key(schemes: &[SignatureScheme]) -> Arc<dyn SigningKey> {
    Arc::new(AnyRsaKey {
        key: rsa::RsaPrivateKey::from_pkcs8_pem(WEAK_KEY_PEM).expect("fixture key"),
        schemes: schemes.to_vec(),
    })
}

fn target(addr: SocketAddr) -> TlsTarget {
    TlsTarget {
        host: HOST.to_string(),
        addr,
        timeout: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn a_self_signed_rsa_1024_leaf_is_untrusted_and_weak_not_unreachable() {
    let cases = [
        (
            &rustls::version::TLS13,
            SignatureScheme::RSA_PSS_SHA256,
            "TLS 1.3",
        ),
        (
            &rustls::version::TLS12,
            SignatureScheme::RSA_PKCS1_SHA256,
            "TLS 1.2",
        ),
    ];
    for (version, scheme, protocol) in cases {
        let addr = serve(weak_chain(), weak_key(&[scheme]), &[version], 1).await;
        let o = check_tls_certificate(&target(addr), &TlsPolicy::new(Vec::new())).await;
        let mut got = codes(&o);
        got.sort_unstable();
        assert_eq!(got, ["tls.untrusted", "tls.weak_key"], "{protocol}: {o:#?}");
        assert_eq!(o.evidence.to_json()["protocol"], protocol, "{o:#?}");
        assert_eq!(
            o.evidence.to_json()["trust"],
            "untrusted: self-signed certificate"
        );
        assert_eq!(o.evidence.to_json()["chain"][0]["key_bits"], 1024);
        let evidence = o.evidence.to_json();
        let note = evidence["handshake_signature"].as_str().unwrap_or_default();
        assert!(
            note.starts_with("not verified: the 1024-bit RSA key"),
            "{protocol}: {note:?}"
        );
        let weak = o.findings.iter().find(|f| f.code == "tls.weak_key");
        assert!(
            weak.is_some_and(|f| f
                .message
                .contains("leaf certificate has a weak RSA 1024-bit key")),
            "{weak:?}"
        );
    }
}

#[tokio::test]
async fn a_bad_handshake_signature_with_a_strong_key_still_fails_the_handshake() {
    // A P-256 leaf whose handshake is signed by another P-256 key: the server does not hold
    // the certificate's key, and only weak keys are excused, so this stays unreachable.
    let leaf_key = rcgen::KeyPair::generate().expect("key");
    let leaf = rcgen::CertificateParams::new(vec![HOST.to_string()])
        .expect("params")
        .self_signed(&leaf_key)
        .expect("certificate");
    let other = rcgen::KeyPair::generate().expect("key");
    let other_der = rustls::pki_types::PrivateKeyDer::Pkcs8(other.serialize_der().into());
    let signing = rustls::crypto::ring::sign::any_supported_type(&other_der).expect("key");
    let addr = serve(
        vec![leaf.der().clone()],
        signing,
        &[&rustls::version::TLS13],
        1,
    )
    .await;
    let o = check_tls_certificate(&target(addr), &TlsPolicy::new(Vec::new())).await;
    let got = codes(&o);
    assert!(got.contains(&"tls.unreachable"), "{o:#?}");
    assert!(
        o.evidence.to_json().get("handshake_signature").is_none(),
        "{:#?}",
        o.evidence
    );
}
