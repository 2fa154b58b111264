//! Why the network layer could not give a check what it asked for: the run's stack (bad
//! settings), a client, an address to dial or a connection. Each says which host or file
//! it is about, as the check reports it.

pub use super::resolver::ResolverError;

use super::resolver::LookupFailure;
use launch_ready_core::files::FileError;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the network stack of a run could not be built from its settings.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    #[error("concurrency must be at least 1")]
    NoConcurrency,
    #[error("timeout must be at least 1 second")]
    NoTimeout,
    #[error(transparent)]
    CaFile(#[from] CaFileError),
    #[error(transparent)]
    Resolver(#[from] ResolverError),
}

/// Why the settings' `ca_file` cannot be used as extra trusted roots.
#[derive(Debug, thiserror::Error)]
pub enum CaFileError {
    #[error("ca-file `{}` cannot be read: {source}", .path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: FileError,
    },
    #[error("ca-file `{}` is not valid PEM: {source}", .path.display())]
    NotPem {
        path: PathBuf,
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    #[error(
        "ca-file `{}` holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)",
        .0.display()
    )]
    NoCertificate(PathBuf),
    /// `number` counts from 1, as a person counts the certificates of the file.
    #[error(
        "ca-file `{}`: certificate {number} is not a valid X.509 certificate: {source}",
        .path.display()
    )]
    NotX509 {
        path: PathBuf,
        number: usize,
        #[source]
        source: reqwest::Error,
    },
}

/// Why an HTTP client could not be had.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the HTTP client cache is poisoned")]
    Poisoned,
    #[error("cannot build the HTTP client: {0}")]
    Build(#[source] reqwest::Error),
    /// An extra root that `ExtraRoots::load` accepted and the client builder did not.
    #[error("{0}")]
    Root(#[source] reqwest::Error),
    #[error("`{0}` has no port and no known scheme")]
    NoPort(reqwest::Url),
}

/// Why a host has no address to dial.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("{host} does not resolve: {source}")]
    Unresolved {
        host: String,
        #[source]
        source: LookupFailure,
    },
    #[error("{0} has no address")]
    NoAddress(String),
}

/// Why a TCP connection could not be opened; the last address tried when there were several.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("{host}: {source}")]
    Lookup {
        host: String,
        #[source]
        source: LookupFailure,
    },
    #[error("{0}: no address to connect to")]
    NoAddress(String),
    #[error("{host}:{port} ({addr}): {source}")]
    Refused {
        host: String,
        port: u16,
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("{host}:{port} ({addr}): no connection within {secs} s")]
    Timeout {
        host: String,
        port: u16,
        addr: SocketAddr,
        secs: u64,
    },
}
