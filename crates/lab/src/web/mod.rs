//! The lab's web side: HTTP and HTTPS servers on loopback ports, with a lab CA, serving the
//! fictional product Brightdesk and one host per TLS or HTTP defect (see `site::HOSTS`).
//!
//! Every host answers on the same two ports (`http_addr`, `https_addr`; each port speaks
//! both protocols, see `server.rs`), except `old-tls.lab.test`, whose HTTPS lives on
//! `old_tls_addr` where TLS 1.0/1.1 hellos are accepted, and `down.lab.test`, which points
//! at a port where nothing listens. `endpoints()` gives the per-host, per-port mapping the
//! engine's `connect_to` settings need; `overrides()` gives one address per host for a
//! client that maps names to addresses regardless of scheme.

pub mod ca;
pub mod compress;
pub mod flows;
pub mod probes;
pub mod server;
pub mod site;
pub mod vitals;

use ca::LabCa;
use rustls::pki_types::CertificateDer;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The running web lab.
pub struct WebLab {
    /// Plain HTTP (and TLS) for every host.
    pub http_addr: SocketAddr,
    /// HTTPS (and plain HTTP) for every host.
    pub https_addr: SocketAddr,
    /// HTTPS that also accepts TLS 1.0/1.1 hellos (`old-tls.lab.test`).
    pub old_tls_addr: SocketAddr,
    /// A loopback port nothing listens on (`down.lab.test`), reserved while the lab runs.
    pub closed_addr: SocketAddr,
    _closed: crate::closed::ClosedPort,
    /// PEM bundle to trust: lab root, lab intermediate and the weak-key host's legacy root.
    pub ca_pem: String,
    /// The same bundle as DER.
    pub ca_certs: Vec<CertificateDer<'static>>,
    /// Every request answered, for tests that count fetches.
    pub requests: Arc<server::RequestLog>,
    /// Breaks and fixes the app's protected route (see `flows`).
    pub flows: Arc<flows::FlowSwitch>,
    /// The certificate the lab's mail receiver presents on STARTTLS (`crate::MAIL_HOST`).
    pub mail_key: Arc<rustls::sign::CertifiedKey>,
    stop: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

/// Every lab host and what it demonstrates.
pub fn hosts() -> Vec<(&'static str, &'static str)> {
    site::HOSTS
        .iter()
        .map(|h| (h.host, h.demonstrates))
        .collect()
}

impl WebLab {
    /// Makes the CA and certificates and starts the listeners on 127.0.0.1.
    pub async fn start() -> Result<WebLab, crate::LabError> {
        use crate::LabError;
        let ca = LabCa::generate()?;
        let mut certs = HashMap::new();
        for spec in site::HOSTS {
            let key = ca.certified_key(spec.host, spec.cert)?;
            certs.insert(spec.host.to_string(), Arc::new(key));
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(LabError::TlsConfig)?
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(server::SniCerts(certs)));
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));

        let bind = || async {
            TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(LabError::Listen)
        };
        let (http, https, old) = (bind().await?, bind().await?, bind().await?);
        let addr = |l: &TcpListener| l.local_addr().map_err(LabError::LocalAddr);
        let (http_addr, https_addr, old_tls_addr) = (addr(&http)?, addr(&https)?, addr(&old)?);
        let closed = crate::closed::ClosedPort::new().map_err(LabError::ClosedPort)?;
        let closed_addr = closed.addr();
        let stop = CancellationToken::new();
        let requests = Arc::new(server::RequestLog::default());
        let flow_switch = Arc::new(flows::FlowSwitch::default());
        let serve = |l, acceptor, old_tls| {
            tokio::spawn(server::serve(
                l,
                acceptor,
                old_tls,
                requests.clone(),
                flow_switch.clone(),
                stop.clone(),
            ))
        };
        let tasks = vec![
            serve(http, acceptor.clone(), false),
            serve(https, acceptor.clone(), false),
            serve(old, acceptor, true),
        ];
        Ok(WebLab {
            http_addr,
            https_addr,
            old_tls_addr,
            closed_addr,
            _closed: closed,
            mail_key: Arc::new(ca.certified_key(crate::MAIL_HOST, ca::CertProfile::Valid)?),
            ca_pem: ca.trust_bundle_pem()?,
            ca_certs: ca.trust_bundle()?,
            requests,
            flows: flow_switch,
            stop,
            tasks,
        })
    }

    /// Where `host` is served on the conventional `port` (80 or 443).
    pub fn endpoint(&self, host: &str, port: u16) -> SocketAddr {
        match (host, port) {
            ("down.lab.test", _) => self.closed_addr,
            ("old-tls.lab.test", 443) => self.old_tls_addr,
            (_, 443) => self.https_addr,
            _ => self.http_addr,
        }
    }

    /// `(host, port, address)` for every host on ports 80 and 443.
    pub fn endpoints(&self) -> Vec<(&'static str, u16, SocketAddr)> {
        site::HOSTS
            .iter()
            .flat_map(|h| [80, 443].map(|p| (h.host, p, self.endpoint(h.host, p))))
            .collect()
    }

    /// One address per host that serves both schemes (for clients whose overrides ignore
    /// the scheme).
    pub fn overrides(&self) -> Vec<(&'static str, SocketAddr)> {
        site::HOSTS
            .iter()
            .map(|h| (h.host, self.endpoint(h.host, 443)))
            .collect()
    }

    /// Stops the listeners and every open connection.
    pub async fn shutdown(mut self) {
        self.stop().await;
    }

    /// Stops the listeners and waits for them, for owners that cannot give the lab away.
    pub async fn stop(&mut self) {
        self.stop.cancel();
        for t in std::mem::take(&mut self.tasks) {
            let _ = t.await;
        }
    }
}

impl Drop for WebLab {
    /// A lab dropped without `shutdown` still stops serving.
    fn drop(&mut self) {
        self.stop.cancel();
    }
}
