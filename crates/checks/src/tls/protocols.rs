//! Does the server still accept TLS 1.0 or 1.1?
//!
//! rustls cannot speak either version, so the probe does not try to complete a handshake.
//! It opens a plain TCP connection, sends a hand-built ClientHello record offering exactly
//! one old version (legacy `client_version` 3.1 or 3.2, no `supported_versions` extension,
//! a list of CBC cipher suites those versions used, SNI and the EC extensions servers
//! expect), and reads the first record of the reply. A ServerHello that selects the offered
//! version means the server accepts it; an alert, a ServerHello for another version or a
//! closed connection means it refuses. Nothing more is needed: a server that answers with
//! its ServerHello has already agreed to the version. Each step runs under the deadline.

use crate::judged::Judged;
use crate::net::handshake::TlsTarget;
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{Observed, OldProtocolDetail, ProtocolsEvidence, VersionOffer};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use std::collections::BTreeMap;
use std::time::SystemTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

/// An old protocol version the probe can offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OldVersion {
    Tls10,
    Tls11,
}

impl OldVersion {
    pub const ALL: [OldVersion; 2] = [OldVersion::Tls10, OldVersion::Tls11];

    /// The version's wire value (major 3, minor 1 or 2).
    pub fn wire(self) -> [u8; 2] {
        match self {
            OldVersion::Tls10 => [3, 1],
            OldVersion::Tls11 => [3, 2],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            OldVersion::Tls10 => "TLS 1.0",
            OldVersion::Tls11 => "TLS 1.1",
        }
    }
}

/// What the server did with one old-version ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionProbe {
    /// It answered with a ServerHello selecting the offered version.
    Accepted { cipher_suite: u16 },
    /// It refused: alert, other version, or closed connection (the text says which).
    Refused(String),
    /// The probe could not tell (connect failure, timeout, not TLS).
    Unknown(String),
}

/// Cipher suites of the TLS 1.0/1.1 era: ECDHE and RSA key exchange with AES-CBC and 3DES.
const OLD_SUITES: [u16; 10] = [
    0xc013, 0xc014, 0xc009, 0xc00a, 0x002f, 0x0035, 0x0033, 0x0039, 0x000a, 0x00ff,
];

/// The ClientHello record offering only `version`, with SNI `host` when it is a DNS name.
pub fn client_hello(version: OldVersion, host: &str) -> Vec<u8> {
    let mut body = Vec::with_capacity(256);
    body.extend_from_slice(&version.wire());
    body.extend_from_slice(&client_random());
    body.push(0); // no session id
    put_u16(&mut body, u16::try_from(OLD_SUITES.len() * 2).unwrap_or(0));
    for s in OLD_SUITES {
        put_u16(&mut body, s);
    }
    body.extend_from_slice(&[1, 0]); // compression: null only

    let mut ext = Vec::new();
    let host = host.trim_end_matches('.');
    if host.parse::<std::net::IpAddr>().is_err() && !host.is_empty() && host.len() < 256 {
        let name = host.as_bytes();
        let name_len = u16::try_from(name.len()).unwrap_or(0);
        put_u16(&mut ext, 0x0000);
        put_u16(&mut ext, name_len + 5);
        put_u16(&mut ext, name_len + 3);
        ext.push(0); // host_name
        put_u16(&mut ext, name_len);
        ext.extend_from_slice(name);
    }
    // supported_groups: secp256r1, secp384r1, x25519
    ext.extend_from_slice(&[
        0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x17, 0x00, 0x18, 0x00, 0x1d,
    ]);
    // ec_point_formats: uncompressed
    ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    // renegotiation_info: empty
    ext.extend_from_slice(&[0xff, 0x01, 0x00, 0x01, 0x00]);
    put_u16(&mut body, u16::try_from(ext.len()).unwrap_or(0));
    body.extend_from_slice(&ext);

    let mut handshake = vec![0x01]; // client_hello
    put_u24(&mut handshake, body.len());
    handshake.extend_from_slice(&body);

    let mut record = vec![0x16, 3, 1]; // handshake record, version 3.1 as old clients sent
    put_u16(&mut record, u16::try_from(handshake.len()).unwrap_or(0));
    record.extend_from_slice(&handshake);
    record
}

/// Offers `version` to `target` and reports the answer.
pub async fn probe_version(target: &TlsTarget, version: OldVersion) -> VersionProbe {
    let deadline = Instant::now() + target.timeout;
    let mut tcp = match timeout_at(deadline, TcpStream::connect(target.addr)).await {
        Err(_) => {
            return VersionProbe::Unknown(format!("no connection within {:?}", target.timeout));
        }
        Ok(Err(e)) => return VersionProbe::Unknown(format!("could not connect: {e}")),
        Ok(Ok(s)) => s,
    };
    let hello = client_hello(version, &target.host);
    match timeout_at(deadline, tcp.write_all(&hello)).await {
        Err(_) => return VersionProbe::Unknown("timed out sending the ClientHello".into()),
        Ok(Err(e)) => return VersionProbe::Refused(format!("connection closed: {e}")),
        Ok(Ok(())) => {}
    }
    let mut header = [0u8; 5];
    match timeout_at(deadline, tcp.read_exact(&mut header)).await {
        Err(_) => return VersionProbe::Unknown(format!("no answer within {:?}", target.timeout)),
        Ok(Err(_)) => return VersionProbe::Refused("the server closed the connection".into()),
        Ok(Ok(_)) => {}
    }
    let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
    let mut payload = vec![0u8; len.min(18_432)];
    match header[0] {
        0x15 => {
            let _ = timeout_at(deadline, tcp.read_exact(&mut payload)).await;
            let description = payload.get(1).copied().unwrap_or(0);
            VersionProbe::Refused(format!("alert {}", alert_name(description)))
        }
        0x16 => {
            // Only the first bytes are needed: type, length, version.
            let want = payload.len().min(6);
            match timeout_at(deadline, tcp.read_exact(&mut payload[..want])).await {
                Ok(Ok(_)) if want == 6 && payload[0] == 0x02 => {}
                Err(_) => return VersionProbe::Unknown("the ServerHello was cut short".into()),
                _ => return VersionProbe::Unknown("the reply is not a ServerHello".into()),
            }
            if payload[4..6] == version.wire() {
                // Cipher suite follows the 32-byte random and the session id.
                let mut rest = vec![0u8; (len - 6).min(70)];
                let suite = match timeout_at(deadline, tcp.read_exact(&mut rest)).await {
                    Ok(Ok(_)) if rest.len() >= 35 => {
                        let sid = usize::from(rest[32]);
                        let at = 33 + sid;
                        if rest.len() >= at + 2 {
                            u16::from_be_bytes([rest[at], rest[at + 1]])
                        } else {
                            0
                        }
                    }
                    _ => 0,
                };
                VersionProbe::Accepted {
                    cipher_suite: suite,
                }
            } else {
                VersionProbe::Refused(format!(
                    "the server answered with version {}.{}",
                    payload[4], payload[5]
                ))
            }
        }
        other => VersionProbe::Unknown(format!("the reply is not TLS (record type {other:#04x})")),
    }
}

/// `tls.protocols`: offers TLS 1.0 and 1.1 and reports `tls.old_protocol` when either is
/// accepted. The check errors only when neither probe could tell.
pub async fn check_tls_protocols(target: &TlsTarget) -> CheckOutcome {
    let mut judged = Judged::start(KindId::TlsProtocols, target.host.clone());
    let mut versions = BTreeMap::new();
    let mut accepted = Vec::new();
    let mut unknown = Vec::new();
    // Both versions are offered at once, so a host that accepts and never answers costs
    // one timeout, not one per version.
    let probes = futures::future::join_all(OldVersion::ALL.map(|v| probe_version(target, v))).await;
    for (v, r) in OldVersion::ALL.into_iter().zip(probes) {
        let offer = match &r {
            VersionProbe::Accepted { cipher_suite } => {
                accepted.push(v.name().to_string());
                VersionOffer::Accepted {
                    cipher_suite: format!("{cipher_suite:#06x}"),
                }
            }
            VersionProbe::Refused(why) => VersionOffer::Refused {
                detail: why.clone(),
            },
            VersionProbe::Unknown(why) => {
                unknown.push(why.clone());
                VersionOffer::Unknown {
                    detail: why.clone(),
                }
            }
        };
        versions.insert(v.name().to_string(), offer);
    }
    judged.observed(Observed::Protocols(ProtocolsEvidence {
        addr: target.addr.to_string(),
        versions,
    }));
    if unknown.len() == OldVersion::ALL.len() {
        // No answer to either offer is what a host without a working TLS endpoint gives;
        // `tls.certificate` reports that as `tls.unreachable`.
        return judged.explained(
            format!("{}: {}", target.host, unknown[0]),
            "tls.unreachable",
        );
    }
    if !accepted.is_empty() {
        judged.push(
            Finding::new(
                Code::TlsOldProtocol,
                format!(
                    "{}: the server accepts {}",
                    target.host,
                    accepted.join(" and ")
                ),
            )
            .with_detail(&OldProtocolDetail { accepted }),
        );
    }
    judged.finish(&format!("{}: TLS 1.0 and 1.1 are refused", target.host))
}

fn alert_name(code: u8) -> String {
    match code {
        40 => "handshake_failure".into(),
        47 => "illegal_parameter".into(),
        70 => "protocol_version".into(),
        71 => "insufficient_security".into(),
        80 => "internal_error".into(),
        112 => "unrecognized_name".into(),
        other => format!("#{other}"),
    }
}

/// Not secret: the random only has to differ between hellos.
fn client_random() -> [u8; 32] {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        let shift = u32::try_from(i % 16).unwrap_or(0) * 8;
        *b = u8::try_from((nanos >> shift) & 0xff).unwrap_or(0) ^ u8::try_from(i).unwrap_or(0);
    }
    out
}

fn put_u16(buf: &mut Vec<u8>, v: u16) {
    buf.extend_from_slice(&v.to_be_bytes());
}

fn put_u24(buf: &mut Vec<u8>, v: usize) {
    let b = u32::try_from(v).unwrap_or(0).to_be_bytes();
    buf.extend_from_slice(&b[1..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_hello_is_a_well_formed_record() {
        let r = client_hello(OldVersion::Tls11, "old-tls.lab.test");
        assert_eq!(&r[..3], &[0x16, 3, 1]);
        let len = usize::from(u16::from_be_bytes([r[3], r[4]]));
        assert_eq!(len, r.len() - 5);
        assert_eq!(r[5], 0x01);
        let hs_len = (usize::from(r[6]) << 16) | (usize::from(r[7]) << 8) | usize::from(r[8]);
        assert_eq!(hs_len, len - 4);
        assert_eq!(&r[9..11], &[3, 2]);
        assert!(r.windows(16).any(|w| w == b"old-tls.lab.test"));
        // An IP address is not sent as SNI.
        let r = client_hello(OldVersion::Tls10, "127.0.0.1");
        assert!(!r.windows(9).any(|w| w == b"127.0.0.1"));
    }
}
