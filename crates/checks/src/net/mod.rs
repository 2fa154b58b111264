//! The one network layer, built from the network settings: one `Net` per run, shared by
//! every check, so that all of them ask the same nameserver, honour the same overrides,
//! trust the same roots and share one answer per DNS question (`memo`).
//!
//! Probe IO lives here and only here: a bounded HTTP exchange (`fetch`), a page reached
//! through its redirects (`page`), a TLS handshake that keeps the chain as sent
//! (`handshake`, read with `cert_info`). The check families judge what these return, and
//! the monitor and the load generator use them directly, so none of those reaches into
//! another's module for its IO.

pub mod cert_info;
pub mod client;
pub mod error;
pub mod fetch;
pub mod guard;
pub mod handshake;
pub mod memo;
pub mod page;
pub mod resolver;

pub use error::{AddressError, CaFileError, ClientError, ConnectError, NetError, ResolverError};
pub use resolver::{LookupFailure, Resolver};

use client::ExtraRoots;
use launch_ready_core::settings::NetworkSettings;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Once};

/// Makes ring the process's TLS provider. reqwest is built without a provider of its own
/// (see Cargo.toml), so every client needs one installed first; idempotent and cheap, so
/// each client builder calls it rather than trusting `main` to have run.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Err only means another provider got there first, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The network stack of one run: resolver, trust roots and a cache of HTTP clients per
/// destination port.
#[derive(Debug)]
pub struct Net {
    pub settings: NetworkSettings,
    pub resolver: Arc<Resolver>,
    pub roots: ExtraRoots,
    clients: Mutex<HashMap<u16, reqwest::Client>>,
    web: Mutex<Option<reqwest::Client>>,
}

impl Net {
    /// Builds the stack; a bad `ca_file` or resolver configuration is an error naming it.
    /// Must be called inside a tokio runtime.
    pub fn new(settings: &NetworkSettings) -> Result<Net, NetError> {
        if settings.concurrency == 0 {
            return Err(NetError::NoConcurrency);
        }
        if settings.timeout_secs == 0 {
            return Err(NetError::NoTimeout);
        }
        let roots = match &settings.ca_file {
            Some(p) => ExtraRoots::load(p)?,
            None => ExtraRoots::default(),
        };
        let resolver = Arc::new(Resolver::new(settings)?);
        Ok(Net {
            settings: settings.clone(),
            resolver,
            roots,
            clients: Mutex::new(HashMap::new()),
            web: Mutex::new(None),
        })
    }

    /// The HTTP client for requests to `port`, built on first use.
    pub fn http_client(&self, port: u16) -> Result<reqwest::Client, ClientError> {
        let mut clients = self.clients.lock().map_err(|_| ClientError::Poisoned)?;
        if let Some(c) = clients.get(&port) {
            return Ok(c.clone());
        }
        let c = client::http_client(&self.settings, &self.resolver, &self.roots, port)?;
        clients.insert(port, c.clone());
        Ok(c)
    }

    /// The HTTP client for checks whose requests cross schemes (redirect chains, pages and
    /// their assets), built on first use; see `client::cross_scheme_target` for how
    /// `connect_to` entries map onto it.
    pub fn web_client(&self) -> Result<reqwest::Client, ClientError> {
        let mut slot = self.web.lock().map_err(|_| ClientError::Poisoned)?;
        if let Some(c) = slot.as_ref() {
            return Ok(c.clone());
        }
        let c = client::web_client(&self.settings, &self.resolver, &self.roots)?;
        *slot = Some(c.clone());
        Ok(c)
    }

    /// The cross-scheme client with certificate checks off (see
    /// `client::unverified_web_client`); built per call, as few runs need it.
    pub fn unverified_web_client(&self) -> Result<reqwest::Client, ClientError> {
        client::unverified_web_client(&self.settings, &self.resolver, &self.roots)
    }

    /// The HTTP client for `url` (its port, or the scheme's default).
    pub fn client_for(&self, url: &reqwest::Url) -> Result<reqwest::Client, ClientError> {
        let port = url
            .port_or_known_default()
            .ok_or_else(|| ClientError::NoPort(url.clone()))?;
        self.http_client(port)
    }

    /// A TCP connection to `host:port` honouring overrides, under the timeout.
    pub async fn connect_tcp(
        &self,
        host: &str,
        port: u16,
    ) -> Result<tokio::net::TcpStream, ConnectError> {
        client::connect_tcp(&self.settings, &self.resolver, host, port).await
    }
}
