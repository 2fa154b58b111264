//! Why the monitor could not read a certificate or find its alert route. Neither message
//! ever holds the webhook URL: it is a credential.

use super::alert::{self, DeliveryError};
use crate::net::cert_info::CertParseError;
use crate::net::handshake::ProbeError;
use crate::net::{AddressError, ClientError};
use launch_ready_core::credentials::CredentialError;

/// Why the certificate of a monitored `https://` URL could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CertReadError {
    #[error("{host}: no address within {secs} s")]
    NoAddressInTime { host: String, secs: u64 },
    #[error(transparent)]
    Address(#[from] AddressError),
    #[error(transparent)]
    Handshake(#[from] ProbeError),
    #[error("the server sent no certificate")]
    NoCertificate,
    #[error(transparent)]
    Parse(#[from] CertParseError),
}

/// Why there is no alert route.
#[derive(Debug, thiserror::Error)]
pub enum RouteError {
    /// The blocking task that opens the keyring did not finish.
    #[error("{0}")]
    Keyring(#[source] tokio::task::JoinError),
    #[error(transparent)]
    Credential(#[from] CredentialError),
    #[error("no `{0}` credential and {ENV_VAR} is not set", ENV_VAR = alert::ENV_VAR)]
    NoCredential(String),
    #[error("the `{0}` credential does not hold a URL")]
    NotUrl(String),
    #[error("no `{name}` credential (the mail password) and {env} is not set")]
    NoPassword { name: String, env: String },
    #[error(transparent)]
    Email(#[from] super::email::EmailRouteError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Route(#[from] DeliveryError),
}
