//! Decoding the `p=` value of a DKIM key record into a public key of the declared type.
//!
//! RSA keys are SubjectPublicKeyInfo DER as RFC 6376 asks, with bare PKCS#1 RSAPublicKey
//! accepted too because some signers publish it and receivers take it; ed25519 keys are the
//! bare 32 bytes of RFC 8463. x509-parser does the DER walk, so no crypto crate is needed:
//! nothing is verified, only sized.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use x509_parser::oid_registry::{OID_PKCS1_RSAENCRYPTION, OID_SIG_ED25519};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::RSAPublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

/// A key that decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicKey {
    /// RSA with this modulus size.
    Rsa {
        bits: usize,
    },
    Ed25519,
}

/// Why a key cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    /// `p=` is empty: the key was revoked on purpose.
    Revoked,
    /// `p=` does not decode to a key of the declared type (the reason says how).
    Invalid(String),
}

/// Base64 as DKIM publishes it: padding is expected but its absence is tolerated.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes `p` (whitespace already removed) as a key of type `key_type` (`k=`).
pub fn decode(key_type: &str, p: &str) -> Result<PublicKey, KeyProblem> {
    if p.is_empty() {
        return Err(KeyProblem::Revoked);
    }
    let der = BASE64
        .decode(p)
        .map_err(|e| KeyProblem::Invalid(format!("`p=` is not valid base64 ({e})")))?;
    match key_type {
        "rsa" => rsa(&der),
        "ed25519" => ed25519(&der),
        other => Err(KeyProblem::Invalid(format!(
            "key type `k={other}` is not rsa or ed25519"
        ))),
    }
}

fn rsa(der: &[u8]) -> Result<PublicKey, KeyProblem> {
    if let Ok((rest, spki)) = SubjectPublicKeyInfo::from_der(der) {
        if !rest.is_empty() {
            return Err(invalid(
                "the key has trailing bytes after its DER structure",
            ));
        }
        if spki.algorithm.algorithm != OID_PKCS1_RSAENCRYPTION {
            return Err(KeyProblem::Invalid(format!(
                "`k=rsa` but the key's algorithm is {}",
                algorithm_name(&spki.algorithm.algorithm)
            )));
        }
        let (_, key) = RSAPublicKey::from_der(&spki.subject_public_key.data)
            .map_err(|_| invalid("the RSA key inside SubjectPublicKeyInfo does not parse"))?;
        return rsa_size(&key);
    }
    match RSAPublicKey::from_der(der) {
        Ok(([], key)) => rsa_size(&key),
        _ => Err(invalid(
            "`p=` is neither an RSA SubjectPublicKeyInfo nor a PKCS#1 RSA public key",
        )),
    }
}

fn rsa_size(key: &RSAPublicKey<'_>) -> Result<PublicKey, KeyProblem> {
    let bits = modulus_bits(key.modulus);
    if bits == 0 {
        return Err(invalid("the RSA modulus is zero"));
    }
    match key.try_exponent() {
        Ok(e) if e >= 3 && e % 2 == 1 => Ok(PublicKey::Rsa { bits }),
        _ => Err(invalid(
            "the RSA public exponent is not a usable odd number",
        )),
    }
}

/// Size of a big-endian unsigned integer in bits, ignoring leading zero bytes and bits.
fn modulus_bits(modulus: &[u8]) -> usize {
    let start = modulus
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(modulus.len());
    match modulus.get(start) {
        Some(first) => (modulus.len() - start - 1) * 8 + (8 - first.leading_zeros() as usize),
        None => 0,
    }
}

fn ed25519(der: &[u8]) -> Result<PublicKey, KeyProblem> {
    if der.len() == 32 {
        return Ok(PublicKey::Ed25519);
    }
    let wrapped = SubjectPublicKeyInfo::from_der(der)
        .is_ok_and(|(_, spki)| spki.algorithm.algorithm == OID_SIG_ED25519);
    if wrapped {
        return Err(invalid(
            "the ed25519 key is wrapped in SubjectPublicKeyInfo; RFC 8463 publishes the bare 32 bytes",
        ));
    }
    Err(KeyProblem::Invalid(format!(
        "an ed25519 key is 32 bytes, this one is {}",
        der.len()
    )))
}

fn algorithm_name(oid: &x509_parser::oid_registry::Oid<'_>) -> String {
    match oid.to_id_string().as_str() {
        "1.2.840.10045.2.1" => "EC (id-ecPublicKey)".into(),
        "1.3.101.112" => "ed25519".into(),
        "1.2.840.10040.4.1" => "DSA".into(),
        other => format!("OID {other}"),
    }
}

fn invalid(reason: &str) -> KeyProblem {
    KeyProblem::Invalid(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::dkim::tests::fixture;

    #[test]
    fn real_keys_decode_to_their_sizes() {
        assert_eq!(
            decode("rsa", &fixture("spki2048")),
            Ok(PublicKey::Rsa { bits: 2048 })
        );
        assert_eq!(
            decode("rsa", &fixture("spki1024")),
            Ok(PublicKey::Rsa { bits: 1024 })
        );
        assert_eq!(
            decode("rsa", &fixture("spki512")),
            Ok(PublicKey::Rsa { bits: 512 })
        );
        assert_eq!(
            decode("rsa", &fixture("pkcs1_1024")),
            Ok(PublicKey::Rsa { bits: 1024 })
        );
        assert_eq!(
            decode("ed25519", &fixture("ed_raw")),
            Ok(PublicKey::Ed25519)
        );
        let unpadded = fixture("spki1024").trim_end_matches('=').to_owned();
        assert_eq!(decode("rsa", &unpadded), Ok(PublicKey::Rsa { bits: 1024 }));
    }

    #[test]
    fn wrong_or_broken_keys_say_why() {
        let reason = |k: &str, p: &str| match decode(k, p) {
            Err(KeyProblem::Invalid(r)) => r,
            other => panic!("{k} {p}: {other:?}"),
        };
        assert!(reason("rsa", &fixture("ec")).contains("EC"));
        assert!(reason("rsa", &fixture("ed_raw")).contains("neither"));
        assert!(reason("ed25519", &fixture("spki2048")).contains("32 bytes"));
        assert!(reason("ed25519", &fixture("ed_spki")).contains("bare 32 bytes"));
        assert!(reason("rsa", "not*base64").contains("base64"));
        assert!(reason("dsa", &fixture("spki2048")).contains("`k=dsa`"));
        let mut truncated = fixture("spki2048");
        truncated.truncate(200);
        assert!(reason("rsa", &truncated).contains("neither"));
        assert_eq!(decode("rsa", ""), Err(KeyProblem::Revoked));
    }

    #[test]
    fn modulus_size_ignores_leading_zeros() {
        assert_eq!(modulus_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(modulus_bits(&[0x01, 0x00]), 9);
        assert_eq!(modulus_bits(&[0x00, 0x00]), 0);
        assert_eq!(modulus_bits(&[]), 0);
    }
}
