//! The facts of one certificate, read with x509-parser, in the shape the evidence and the
//! judge need. Kept apart from the judging, in the network layer, so the handshake (which
//! must recognise a weak leaf), the chain judge and the monitor's expiry read a certificate
//! the same way.

use ::time::OffsetDateTime;
use ::time::format_description::well_known::Rfc3339;
use launch_ready_core::evidence::CertSummary;
use std::net::IpAddr;
use x509_parser::prelude::*;

/// A certificate that x509-parser cannot read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("certificate does not parse: {0}")]
pub struct CertParseError(#[source] pub x509_parser::nom::Err<X509Error>);

/// One certificate of a chain.
#[derive(Debug, Clone, PartialEq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    /// DNS names and IP addresses from the subjectAltName extension.
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<IpAddr>,
    pub serial: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    /// `RSA`, `EC`, `Ed25519`, or the algorithm OID.
    pub key_type: String,
    /// Key size in bits, when known.
    pub key_bits: Option<usize>,
    pub is_ca: bool,
    /// Subject and issuer are the same name (a root, or a self-signed leaf).
    pub self_issued: bool,
    /// Raw DER of the subject and issuer names, to link a chain by name.
    pub subject_raw: Vec<u8>,
    pub issuer_raw: Vec<u8>,
}

impl CertInfo {
    /// Parses one DER certificate; the error quotes what could not be read.
    pub fn parse(der: &[u8]) -> Result<CertInfo, CertParseError> {
        let (_, cert) = X509Certificate::from_der(der).map_err(CertParseError)?;
        let mut dns_names = Vec::new();
        let mut ip_addresses = Vec::new();
        if let Ok(Some(san)) = cert.subject_alternative_name() {
            for name in &san.value.general_names {
                match name {
                    GeneralName::DNSName(n) => dns_names.push((*n).to_string()),
                    GeneralName::IPAddress(b) => {
                        if let Ok(v4) = <[u8; 4]>::try_from(*b) {
                            ip_addresses.push(IpAddr::from(v4));
                        } else if let Ok(v6) = <[u8; 16]>::try_from(*b) {
                            ip_addresses.push(IpAddr::from(v6));
                        }
                    }
                    _ => {}
                }
            }
        }
        let (key_type, key_bits) = key_of(&cert);
        Ok(CertInfo {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            dns_names,
            ip_addresses,
            serial: cert.raw_serial_as_string(),
            not_before: cert.validity().not_before.to_datetime(),
            not_after: cert.validity().not_after.to_datetime(),
            key_type,
            key_bits,
            is_ca: cert.is_ca(),
            self_issued: cert.subject().as_raw() == cert.issuer().as_raw(),
            subject_raw: cert.subject().as_raw().to_vec(),
            issuer_raw: cert.issuer().as_raw().to_vec(),
        })
    }

    /// True when RSA is under 2048 bits or EC under 256.
    pub fn is_weak_key(&self) -> bool {
        match (self.key_type.as_str(), self.key_bits) {
            ("RSA", Some(bits)) => bits < 2048,
            ("EC", Some(bits)) => bits < 256,
            _ => false,
        }
    }

    /// Whole days from `now` to `not_after` (negative once expired).
    pub fn days_to_expiry(&self, now: OffsetDateTime) -> i64 {
        (self.not_after - now).whole_days()
    }

    /// True when a SAN covers `host`: an exact DNS name, a wildcard standing for exactly
    /// one leftmost label, or an IP address SAN when `host` is an address.
    pub fn covers(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            return self.ip_addresses.contains(&ip);
        }
        self.dns_names.iter().any(|name| {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            match name.strip_prefix("*.") {
                Some(rest) => host
                    .split_once('.')
                    .is_some_and(|(label, tail)| !label.is_empty() && tail == rest),
                None => name == host,
            }
        })
    }

    /// DNS names, then IP addresses.
    pub fn sans(&self) -> Vec<String> {
        let mut sans: Vec<String> = self.dns_names.clone();
        sans.extend(self.ip_addresses.iter().map(ToString::to_string));
        sans
    }

    /// The certificate as the evidence lists it.
    pub fn summary(&self) -> CertSummary {
        CertSummary {
            subject: self.subject.clone(),
            issuer: Some(self.issuer.clone()),
            sans: self.sans(),
            serial: Some(self.serial.clone()),
            not_before: Some(rfc3339(self.not_before)),
            not_after: Some(rfc3339(self.not_after)),
            key_type: Some(self.key_type.clone()),
            key_bits: self.key_bits.map(|b| b as u64),
            is_ca: self.is_ca,
        }
    }
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

fn key_of(cert: &X509Certificate<'_>) -> (String, Option<usize>) {
    let spki = cert.public_key();
    match spki.parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => ("RSA".into(), Some(rsa.key_size())),
        Ok(x509_parser::public_key::PublicKey::EC(ec)) => ("EC".into(), Some(ec.key_size())),
        _ => {
            let oid = spki.algorithm.algorithm.to_id_string();
            match oid.as_str() {
                "1.3.101.112" => ("Ed25519".into(), Some(256)),
                "1.3.101.113" => ("Ed448".into(), Some(456)),
                _ => (oid, None),
            }
        }
    }
}
