//! The demo lab: a fictional product (Brightdesk) with a realistic mix of good and broken
//! settings, served on loopback so every check family can be seen working without the
//! internet. `launch-ready lab` runs it alone, `launch-ready demo` runs it in-process, and
//! the tests use it as their real network.
//!
//! DNS answers cannot carry ports, so the lab's address records point at 127.0.0.1 and
//! the `connect_to` entries of `settings()` send each lab host's ports to the lab's own
//! listeners. The TLS and HTTPS servers of the next families plug in beside `http`.

pub mod dns_server;
pub mod http;
pub mod web;
pub mod zones;

use crate::net::settings::{ConnectTo, Nameserver, NetworkSettings};
use crate::session::model::{HostTarget, Route, Targets};
use hickory_server::Server;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use zones::{BRIGHTDESK, DEFECT_DOMAINS, GOOD_DOMAIN, HOSTILE_DOMAINS};

/// How to start the lab.
#[derive(Debug, Clone, Copy, Default)]
pub struct LabConfig {
    /// DNS port on 127.0.0.1 (UDP and TCP); 0 picks a free one.
    pub dns_port: u16,
}

/// A running lab. Call `shutdown` to stop it cleanly; dropping it stops the HTTP listener
/// but leaves the DNS tasks to the runtime's end.
pub struct Lab {
    dns: Server<dns_server::LabDns>,
    dns_addr: SocketAddr,
    http_addr: SocketAddr,
    http_task: JoinHandle<()>,
    cancel: CancellationToken,
}

/// The Brightdesk role hosts, as (role, host).
pub const BRIGHTDESK_HOSTS: &[(&str, &str)] = &[
    ("www", "www.brightdesk.test"),
    ("app", "app.brightdesk.test"),
    ("api", "api.brightdesk.test"),
    ("admin", "admin.brightdesk.test"),
    ("staging", "staging.brightdesk.test"),
    ("preview", "preview.brightdesk.test"),
    ("help", "help.brightdesk.test"),
];

impl Lab {
    /// Starts the DNS server and the HTTP listener on loopback.
    pub async fn start(config: LabConfig) -> Result<Lab, String> {
        let data = Arc::new(zones::build());
        let (dns, dns_addr) = dns_server::start(data, config.dns_port)
            .await
            .map_err(|e| {
                format!(
                    "cannot start the lab DNS server on port {}: {e}",
                    config.dns_port
                )
            })?;
        let cancel = CancellationToken::new();
        let (http_addr, http_task) = http::start(cancel.clone())
            .await
            .map_err(|e| format!("cannot start the lab HTTP listener: {e}"))?;
        Ok(Lab {
            dns,
            dns_addr,
            http_addr,
            http_task,
            cancel,
        })
    }

    /// The DNS server's address (UDP and TCP).
    pub fn dns_addr(&self) -> SocketAddr {
        self.dns_addr
    }

    /// The plain-HTTP listener's address.
    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    /// Network settings aiming a session at the lab.
    pub fn settings(&self) -> NetworkSettings {
        let mut hosts: Vec<String> = vec![BRIGHTDESK.to_string(), GOOD_DOMAIN.to_string()];
        hosts.extend(BRIGHTDESK_HOSTS.iter().map(|(_, h)| (*h).to_string()));
        hosts.push(format!("www.{GOOD_DOMAIN}"));
        NetworkSettings {
            nameserver: Some(Nameserver(self.dns_addr)),
            connect_to: hosts
                .into_iter()
                .map(|host| ConnectTo {
                    host,
                    port: 80,
                    to: self.http_addr,
                })
                .collect(),
            ..NetworkSettings::default()
        }
    }

    /// Stops both servers and waits for them.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        let _ = (&mut self.http_task).await;
        let _ = self.dns.shutdown_gracefully().await;
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.cancel.cancel();
        self.dns.shutdown_token().cancel();
    }
}

/// The demo product's session targets.
pub fn demo_targets() -> Targets {
    Targets {
        apex: BRIGHTDESK.to_string(),
        hosts: BRIGHTDESK_HOSTS
            .iter()
            .map(|(role, host)| HostTarget {
                role: (*role).to_string(),
                host: (*host).to_string(),
            })
            .collect(),
        routes: vec![
            Route {
                name: "home".into(),
                path: "/".into(),
                method: "GET".into(),
            },
            Route {
                name: "login".into(),
                path: "/login".into(),
                method: "GET".into(),
            },
        ],
        dkim_selectors: vec!["default".into()],
        ..Targets::default()
    }
}

/// Targets for one lab domain: its apex and www, plus the extra role hosts it declares.
pub fn domain_targets(domain: &str) -> Targets {
    let mut hosts = vec![HostTarget {
        role: "www".into(),
        host: format!("www.{domain}"),
    }];
    if let Some(dd) = DEFECT_DOMAINS.iter().find(|d| d.domain == domain) {
        hosts.extend(dd.hosts.iter().map(|(role, host)| HostTarget {
            role: (*role).to_string(),
            host: (*host).to_string(),
        }));
    }
    Targets {
        apex: domain.to_string(),
        hosts,
        dkim_selectors: vec!["default".into()],
        ..Targets::default()
    }
}
