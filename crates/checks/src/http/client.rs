//! A client for the http checks that reaches named hosts at given addresses.
//!
//! The engine builds its client from the session's network settings; this builder serves
//! the demo lab and the tests, where host names such as `good.lab.test` must reach loopback
//! ports and the lab CA must be trusted, without a resolver.

use rustls::pki_types::CertificateDer;
use std::net::SocketAddr;
use std::time::Duration;

/// The user agent every request of the checks sends.
pub const USER_AGENT: &str = concat!("launch-ready/", env!("CARGO_PKG_VERSION"));

/// Why the lab's client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum LabClientError {
    /// `index` counts from 0, as the roots were given.
    #[error("extra root #{index} is not a usable certificate: {source}")]
    Root {
        index: usize,
        #[source]
        source: reqwest::Error,
    },
    #[error("could not build the HTTP client: {0}")]
    Build(#[source] reqwest::Error),
}

/// A client with redirects off that connects each `(host, addr)` to `addr` (whatever the
/// URL's scheme: give the port that serves it), trusts `extra_roots` besides the OS store,
/// and bounds connecting by `connect_timeout`.
pub fn lab_client(
    overrides: &[(&str, SocketAddr)],
    extra_roots: &[CertificateDer<'static>],
    connect_timeout: Duration,
) -> Result<reqwest::Client, LabClientError> {
    crate::net::install_crypto_provider();
    let mut b = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout)
        .user_agent(USER_AGENT);
    for (host, addr) in overrides {
        b = b.resolve_to_addrs(host, &[*addr]);
    }
    for (index, der) in extra_roots.iter().enumerate() {
        let cert = reqwest::Certificate::from_der(der)
            .map_err(|source| LabClientError::Root { index, source })?;
        b = b.add_root_certificate(cert);
    }
    b.build().map_err(LabClientError::Build)
}
