//! Why the lab, or one of its servers, could not start. The lab runs on loopback on free
//! ports, so these are about the machine (sockets, temp files) or the lab's own CA.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Why a lab server did not start.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error("cannot start the lab DNS server on port {port}: {source}")]
    Dns {
        port: u16,
        #[source]
        source: io::Error,
    },
    #[error("cannot start the Cloudflare API fake: {0}")]
    CloudflareFake(#[source] io::Error),
    #[error("cannot start the webhook receiver: {0}")]
    Hook(#[source] io::Error),
    #[error("cannot bind the switchable route to {addr}: {source}")]
    SwitchBind {
        addr: SocketAddr,
        #[source]
        source: io::Error,
    },
    /// A socket call around a bind: creating it, its options, listening, its address.
    #[error("{0}")]
    Socket(#[source] io::Error),
    #[error("cannot create a temp dir for the lab CA: {0}")]
    CaDir(#[source] io::Error),
    #[error("cannot write the lab CA to {}: {source}", .path.display())]
    CaWrite {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    Ca(#[from] CaError),
    #[error("lab TLS config: {0}")]
    TlsConfig(#[source] rustls::Error),
    #[error("lab: cannot listen on loopback: {0}")]
    Listen(#[source] io::Error),
    #[error("lab: {0}")]
    LocalAddr(#[source] io::Error),
    #[error("lab: cannot reserve a loopback port: {0}")]
    ClosedPort(#[source] io::Error),
    #[error(transparent)]
    Fixture(#[from] FixtureError),
}

/// Why the lab CA or a host's certificate could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CaError {
    #[error("lab CA: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("lab CA: {0}")]
    Pem(#[from] rustls::pki_types::pem::Error),
    #[error("lab CA: {0}")]
    Key(#[from] rustls::Error),
}

/// Why the demo repository could not be written; `what` is the step or the file.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("demo repository: {what}: {source}")]
    Git {
        what: &'static str,
        #[source]
        source: git2::Error,
    },
    #[error("demo repository: {what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
}
