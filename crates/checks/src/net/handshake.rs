//! The TLS handshake probe: connect, handshake with SNI, and keep the chain as sent.
//!
//! A normal client aborts the handshake on the first certificate problem, which would
//! leave us with nothing to report but "handshake failed". The probe installs a
//! *recording verifier* instead: it stores the chain the server sent and accepts it, so the
//! handshake completes and the chain can be judged afterwards in `tls::chain`, against the
//! real trust store, with every problem named. The handshake signatures are still checked
//! with the provider's algorithms, so completing the handshake proves the server holds the
//! leaf's private key — except for a leaf whose key is too weak for the provider to verify
//! with at all (RSA under 2048 bits): its signature is accepted unverified, and the
//! handshake says so, because refusing it would hide the chain behind a "bad signature"
//! handshake failure when the real defects are the weak key and the chain itself.
//! Every step runs under one deadline.

use super::Net;
use super::cert_info::CertInfo;
use super::client::{connect_target, wildcard_target};
use super::error::AddressError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

/// Where to handshake: `addr` is dialled, `host` is sent as SNI and judged against the SANs.
#[derive(Debug, Clone)]
pub struct TlsTarget {
    pub host: String,
    pub addr: SocketAddr,
    /// Bound on the whole probe (connect and handshake).
    pub timeout: Duration,
}

/// What a completed handshake showed.
#[derive(Debug, Clone)]
pub struct Handshake {
    /// The chain exactly as the server sent it, leaf first.
    pub chain: Vec<CertificateDer<'static>>,
    /// `TLS 1.3`, `TLS 1.2`.
    pub protocol: String,
    pub cipher_suite: String,
    /// Set when the server's handshake signature was accepted without being verified, with
    /// the reason (the leaf's key is too weak for the provider to verify).
    pub unverified_signature: Option<String>,
}

/// Why no chain could be judged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProbeError {
    #[error("`{0}` is not a valid TLS server name")]
    BadHost(String),
    #[error("could not connect to {addr}: {reason}")]
    Connect { addr: SocketAddr, reason: String },
    #[error("no TLS handshake with {addr} within {secs:.1} s")]
    Timeout { addr: SocketAddr, secs: f64 },
    #[error("TLS handshake with {addr} failed: {reason}")]
    Handshake {
        addr: SocketAddr,
        reason: String,
        /// The chain, when the server got as far as sending one.
        chain: Vec<CertificateDer<'static>>,
    },
}

impl Net {
    /// Where to handshake with `host` on `port`: its `connect_to` entry when one is set (as
    /// curl does), else the first address the shared resolver gives (overrides first).
    pub async fn tls_addr(&self, host: &str, port: u16) -> Result<SocketAddr, AddressError> {
        if let Some(a) = connect_target(&self.settings.connect_to, host, port) {
            return Ok(a);
        }
        let ips = self
            .resolver
            .ips(host)
            .await
            .map_err(|source| AddressError::Unresolved {
                host: host.to_string(),
                source,
            })?;
        let ip = ips
            .first()
            .copied()
            .ok_or_else(|| AddressError::NoAddress(host.to_string()))?;
        if let Some(a) = wildcard_target(&self.settings.connect_to, host, port) {
            return Ok(a);
        }
        Ok(SocketAddr::new(ip, port))
    }
}

/// The crypto provider of every TLS probe: one explicit provider, so that the result does
/// not depend on which provider another part of the process installed as default.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Accepts any chain after recording it; delegates the handshake signature checks.
#[derive(Debug)]
struct RecordingVerifier {
    provider: Arc<CryptoProvider>,
    seen: Mutex<Vec<CertificateDer<'static>>>,
    /// Why a handshake signature was accepted without verification, if one was.
    unverified: Mutex<Option<String>>,
}

impl RecordingVerifier {
    /// `verified` as it is, unless it failed for a leaf whose key the provider cannot verify
    /// with (a weak key: webpki's algorithms start at RSA-2048 and P-256, so such a signature
    /// fails as `BadSignature` or as unsupported whether or not it is genuine). Then the
    /// signature is accepted and the reason recorded: the weak key is judged on the chain.
    /// A failure with a key the provider supports still aborts the handshake.
    fn excuse_weak_key(
        &self,
        verified: Result<HandshakeSignatureValid, rustls::Error>,
        cert: &CertificateDer<'_>,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let err = match verified {
            Ok(valid) => return Ok(valid),
            Err(err) => err,
        };
        match CertInfo::parse(cert) {
            Ok(info) if info.is_weak_key() => {
                let why = format!(
                    "the {}-bit {} key of the leaf is too weak to verify its handshake signature ({err})",
                    info.key_bits.unwrap_or(0),
                    info.key_type
                );
                *self
                    .unverified
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some(why);
                Ok(HandshakeSignatureValid::assertion())
            }
            _ => Err(err),
        }
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) = chain;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let verified = verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        );
        self.excuse_weak_key(verified, cert)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let verified = verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        );
        self.excuse_weak_key(verified, cert)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Connects to `target.addr` and completes a TLS 1.2/1.3 handshake with SNI `target.host`,
/// returning the chain as sent and what was negotiated.
pub async fn handshake(target: &TlsTarget) -> Result<Handshake, ProbeError> {
    let server_name = ServerName::try_from(target.host.trim_end_matches('.').to_string())
        .map_err(|_| ProbeError::BadHost(target.host.clone()))?;
    let addr = target.addr;
    let deadline = Instant::now() + target.timeout;
    let timed_out = || ProbeError::Timeout {
        addr,
        secs: target.timeout.as_secs_f64(),
    };

    let provider = provider();
    let verifier = Arc::new(RecordingVerifier {
        provider: provider.clone(),
        seen: Mutex::new(Vec::new()),
        unverified: Mutex::new(None),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ProbeError::Handshake {
            addr,
            reason: e.to_string(),
            chain: Vec::new(),
        })?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));

    let tcp = timeout_at(deadline, TcpStream::connect(addr))
        .await
        .map_err(|_| timed_out())?
        .map_err(|e| ProbeError::Connect {
            addr,
            reason: e.to_string(),
        })?;
    let tls = timeout_at(deadline, connector.connect(server_name, tcp))
        .await
        .map_err(|_| timed_out())?;
    let seen = std::mem::take(&mut *verifier.seen.lock().unwrap_or_else(PoisonError::into_inner));
    let tls = tls.map_err(|e| ProbeError::Handshake {
        addr,
        reason: e.to_string(),
        chain: seen.clone(),
    })?;
    let (_, conn) = tls.get_ref();
    let protocol = conn.protocol_version().map_or_else(
        || "unknown".to_string(),
        // People read "TLS 1.3", not rustls's variant name `TLSv1_3`.
        |v| match v {
            rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".to_string(),
            rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".to_string(),
            rustls::ProtocolVersion::TLSv1_1 => "TLS 1.1".to_string(),
            rustls::ProtocolVersion::TLSv1_0 => "TLS 1.0".to_string(),
            other => format!("{other:?}"),
        },
    );
    let cipher_suite = conn
        .negotiated_cipher_suite()
        .map_or_else(|| "unknown".to_string(), |s| format!("{:?}", s.suite()));
    let unverified_signature = verifier
        .unverified
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    Ok(Handshake {
        chain: seen,
        protocol,
        cipher_suite,
        unverified_signature,
    })
}
