//! The demo lab: a fictional product (Brightdesk) with a realistic mix of good and broken
//! settings, served on loopback so every check family can be seen working without the
//! internet. `launch-ready lab` runs it alone, `launch-ready demo` runs it in-process, and
//! the tests use it as their real network.
//!
//! One lab, two halves: the DNS server (`dns_server`, `zones`) and the web servers (`web`).
//! DNS answers cannot carry ports, so the lab's address records point at 127.0.0.1 and
//! the `connect_to` entries of `settings()` send ports 80 and 443 of every web host to the
//! web lab's listeners. The lab CA is written to a file in a temp dir the lab owns, so a
//! session's `ca_file` (a path, like any user's) can name it; the dir goes with the lab.

pub mod closed;
pub mod cloudflare;
pub mod demo;
pub mod dns_server;
pub mod error;
pub mod hook;
pub mod keepalive;
pub mod repo_fixture;
pub mod smtp;
pub mod switch;
pub mod web;
pub mod zones;

use hickory_server::Server;
use launch_ready_core::flow::Flow;
use launch_ready_core::session::model::{HostTarget, Route, RouteHeader, Targets};
use launch_ready_core::settings::{ConnectTo, Nameserver, NetworkSettings};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use web::WebLab;

pub use error::{CaError, FixtureError, LabError};
pub use repo_fixture::{Place, Planted, planted_secrets};
pub use zones::{BRIGHTDESK, DEFECT_DOMAINS, GOOD_DOMAIN, HOSTILE_DOMAINS};

/// The lab's mail submission host and port: `settings()` sends them to the SMTP receiver.
pub const MAIL_HOST: &str = "mail.brightdesk.test";
pub const MAIL_PORT: u16 = 587;
/// The one account the lab's mail receiver accepts (a lab fixture, not a secret).
pub const MAIL_USER: &str = "alerts@brightdesk.test";
pub const MAIL_PASSWORD: &str = "lab-smtp-password";

/// File name of the lab CA bundle inside the lab's temp dir.
pub const CA_FILE_NAME: &str = "lab-ca.pem";

/// How to start the lab.
#[derive(Debug, Clone, Copy, Default)]
pub struct LabConfig {
    /// DNS port on 127.0.0.1 (UDP and TCP); 0 picks a free one.
    pub dns_port: u16,
}

/// A running lab. Call `shutdown` to stop it cleanly; dropping it stops the web listeners,
/// removes the CA file and leaves the DNS tasks to the runtime's end.
pub struct Lab {
    dns: Server<dns_server::LabDns>,
    dns_addr: SocketAddr,
    web: WebLab,
    cloudflare: cloudflare::FakeCloudflare,
    /// Where the demo's alerts land: a webhook receiver and a mail receiver.
    alert_hook: hook::HookReceiver,
    smtp: smtp::SmtpReceiver,
    ca_file: PathBuf,
    /// The records the DNS server answers from.
    zones: Arc<zones::ZoneData>,
    /// The demo repository, build folder and env files, in the same dir.
    demo_repo: repo_fixture::DemoRepo,
    /// Owns the directory of `ca_file`; dropping it removes both.
    _ca_dir: tempfile::TempDir,
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
    /// Starts the DNS server and the web servers on loopback and writes the CA file.
    pub async fn start(config: LabConfig) -> Result<Lab, LabError> {
        let data = Arc::new(zones::build());
        let (dns, dns_addr) = dns_server::start(data.clone(), config.dns_port)
            .await
            .map_err(|source| LabError::Dns {
                port: config.dns_port,
                source,
            })?;
        let web = WebLab::start().await?;
        let cloudflare =
            cloudflare::FakeCloudflare::start(cloudflare::FakeConfig::default()).await?;
        let alert_hook = hook::HookReceiver::start().await?;
        let smtp = smtp::SmtpReceiver::start(
            MAIL_HOST,
            web.mail_key.clone(),
            smtp::Account {
                user: MAIL_USER.into(),
                password: MAIL_PASSWORD.into(),
            },
        )
        .await?;
        let ca_dir = tempfile::Builder::new()
            .prefix("launch-ready-lab-")
            .tempdir()
            .map_err(LabError::CaDir)?;
        let ca_file = ca_dir.path().join(CA_FILE_NAME);
        std::fs::write(&ca_file, web.ca_pem.as_bytes()).map_err(|source| LabError::CaWrite {
            path: ca_file.clone(),
            source,
        })?;
        let demo_repo = repo_fixture::create(ca_dir.path())?;
        Ok(Lab {
            demo_repo,
            zones: data,
            dns,
            dns_addr,
            web,
            cloudflare,
            alert_hook,
            smtp,
            ca_file,
            _ca_dir: ca_dir,
        })
    }

    /// The DNS server's address (UDP and TCP).
    pub fn dns_addr(&self) -> SocketAddr {
        self.dns_addr
    }

    /// The web servers (addresses, CA, per-host endpoints).
    pub fn web(&self) -> &WebLab {
        &self.web
    }

    /// The Cloudflare API fake (see `cloudflare`).
    pub fn cloudflare(&self) -> &cloudflare::FakeCloudflare {
        &self.cloudflare
    }

    /// The webhook receiver the demo's first alert route posts to.
    pub fn alert_hook(&self) -> &hook::HookReceiver {
        &self.alert_hook
    }

    /// A handle on what the lab's alert receivers got, for a screen to show.
    pub fn inbox(&self) -> LabInbox {
        LabInbox {
            hook: self.alert_hook.shared(),
            smtp: self.smtp.shared(),
        }
    }

    /// The mail receiver behind `MAIL_HOST:MAIL_PORT`.
    pub fn smtp(&self) -> &smtp::SmtpReceiver {
        &self.smtp
    }

    /// The PEM file holding the lab CA bundle (exists while the lab runs).
    pub fn ca_file(&self) -> &Path {
        &self.ca_file
    }

    /// The generated repository, build folder and env files.
    pub fn demo_repo(&self) -> &repo_fixture::DemoRepo {
        &self.demo_repo
    }

    /// Points `targets` at the lab's generated repository, build folder and env files
    /// (their paths change with every start, like the ports).
    pub fn apply_local_targets(&self, targets: &mut Targets) {
        targets.repo = Some(self.demo_repo.repo.clone());
        targets.build_dir = Some(self.demo_repo.build_dir.clone());
        targets.env_files = self.demo_repo.env_files.clone();
    }

    /// Network settings aiming a session at the lab: its nameserver, ports 80 and 443 of
    /// every web host sent to the web lab, the lab CA trusted besides the OS store, and the
    /// Cloudflare API fake instead of the real API.
    pub fn settings(&self) -> NetworkSettings {
        NetworkSettings {
            nameserver: Some(Nameserver(self.dns_addr)),
            connect_to: self
                .web
                .endpoints()
                .into_iter()
                .map(|(host, port, to)| ConnectTo {
                    host: host.to_string(),
                    port,
                    to,
                })
                .chain(std::iter::once(ConnectTo {
                    host: MAIL_HOST.to_string(),
                    port: MAIL_PORT,
                    to: self.smtp.addr(),
                }))
                .collect(),
            ca_file: Some(self.ca_file.clone()),
            cloudflare_api: Some(self.cloudflare.url()),
            ..NetworkSettings::default()
        }
    }

    /// `settings()` in few words, for people to paste: per port, the hosts that go where
    /// most do are one `*.DOMAIN` entry per domain (and the domain itself when it is a
    /// host); the others keep their own entry, listed first so they win.
    pub fn pasteable_settings(&self) -> NetworkSettings {
        let exact = self.settings();
        NetworkSettings {
            connect_to: compact_connect_to(&exact.connect_to, |h| self.zones.has_address(h)),
            ..exact
        }
    }

    /// Stops every server and waits for them; the CA file is removed.
    pub async fn shutdown(mut self) {
        self.web.stop().await;
        self.cloudflare.stop();
        self.alert_hook.stop();
        self.smtp.stop();
        let _ = self.dns.shutdown_gracefully().await;
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
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
                protected: false,
            })
            .collect(),
        routes: vec![
            Route {
                name: "home".into(),
                path: "/".into(),
                method: "GET".into(),
                ..Route::default()
            },
            Route {
                name: "login".into(),
                path: "/login".into(),
                method: "GET".into(),
                ..Route::default()
            },
            Route {
                name: "staging health".into(),
                path: "https://staging.brightdesk.test/api/health".into(),
                method: "GET".into(),
                ..Route::default()
            },
            Route {
                name: "sign in".into(),
                path: "https://api.brightdesk.test/api/login".into(),
                method: "POST".into(),
                headers: vec![RouteHeader {
                    name: "content-type".into(),
                    value: "application/json".into(),
                }],
                body: Some(
                    "{\"email\":\"demo@brightdesk.test\",\"password\":\"not-the-password\"}".into(),
                ),
                ..Route::default()
            },
            Route {
                name: "upload".into(),
                path: "https://api.brightdesk.test/api/uploads".into(),
                method: "POST".into(),
                headers: vec![RouteHeader {
                    name: "content-type".into(),
                    value: "application/json".into(),
                }],
                body: Some("{\"name\":\"logo.png\"}".into()),
                ..Route::default()
            },
        ],
        dkim_selectors: vec!["default".into()],
        flows: vec![demo_flow()],
        alert_routes: demo_alert_routes(),
        ..Targets::default()
    }
}

/// The demo session's smoke flow: sign in to the app with the demo account (its password
/// read as a credential, which the demo lends in memory), then read the protected API
/// route with the session cookie the login set.
pub fn demo_flow() -> Flow {
    use launch_ready_core::flow::{Body, Capture, Expect, JsonEquals, Source, Step};
    use web::flows::{DEMO_EMAIL, PASSWORD_CREDENTIAL, SESSION_COOKIE};
    Flow {
        name: "log in then protected route".into(),
        steps: vec![
            Step {
                name: "log in".into(),
                method: "POST".into(),
                body: Some(Body::Form(vec![
                    ("email".into(), DEMO_EMAIL.into()),
                    (
                        "password".into(),
                        format!("{{{{secret:{PASSWORD_CREDENTIAL}}}}}"),
                    ),
                ])),
                expect: Expect {
                    status: vec![303],
                    ..Expect::default()
                },
                capture: vec![Capture {
                    name: "session".into(),
                    from: Source::Cookie(SESSION_COOKIE.into()),
                }],
                ..Step::get("https://app.brightdesk.test/session")
            },
            Step {
                name: "protected route".into(),
                expect: Expect {
                    status: vec![200],
                    json: vec![JsonEquals {
                        pointer: "/email".into(),
                        equals: serde_json::Value::String(DEMO_EMAIL.into()),
                    }],
                    ..Expect::default()
                },
                ..Step::get("https://app.brightdesk.test/api/me")
            },
        ],
    }
}

/// Credential names of the demo's alert routes (values lent in memory, see `demo`).
pub const DEMO_HOOK_CREDENTIAL: &str = "alert-webhook";
pub const DEMO_MAIL_CREDENTIAL: &str = "lab-smtp-password";

/// The demo's alert routes: the lab's webhook receiver first, then mail to the on-call
/// address through the lab's SMTP receiver.
pub fn demo_alert_routes() -> Vec<launch_ready_core::session::model::AlertRoute> {
    use launch_ready_core::session::model::{AlertRoute, EmailRoute};
    vec![
        AlertRoute::Webhook {
            credential: DEMO_HOOK_CREDENTIAL.into(),
        },
        AlertRoute::Email(EmailRoute {
            host: MAIL_HOST.into(),
            port: MAIL_PORT,
            username: MAIL_USER.into(),
            password: DEMO_MAIL_CREDENTIAL.into(),
            from: MAIL_USER.into(),
            to: vec!["oncall@brightdesk.test".into()],
        }),
    ]
}

/// See `Lab::pasteable_settings`. Every host keeps its destination: a host whose own
/// entry differs from its port's usual one stays exact, and so does one that does not
/// `resolve` (a wildcard covers only names that resolve; an exact entry reaches the lab's
/// dangling `help` host all the same).
pub fn compact_connect_to(exact: &[ConnectTo], resolves: impl Fn(&str) -> bool) -> Vec<ConnectTo> {
    use std::collections::BTreeMap;
    let mut counts: BTreeMap<(u16, SocketAddr), usize> = BTreeMap::new();
    for c in exact {
        *counts.entry((c.port, c.to)).or_default() += 1;
    }
    let usual = |port: u16| {
        counts
            .iter()
            .filter(|((p, _), _)| *p == port)
            .max_by_key(|(_, n)| **n)
            .map(|((_, to), _)| *to)
    };
    let domain = |host: &str| {
        let labels: Vec<&str> = host.split('.').collect();
        labels[labels.len().saturating_sub(2)..].join(".")
    };
    let plain = |c: &&ConnectTo| usual(c.port) == Some(c.to) && resolves(&c.host);
    let mut out: Vec<ConnectTo> = exact.iter().filter(|c| !plain(c)).cloned().collect();
    let mut tail: Vec<ConnectTo> = Vec::new();
    for c in exact.iter().filter(plain) {
        let zone = domain(&c.host);
        let entry = if c.host == zone {
            c.clone()
        } else {
            ConnectTo {
                host: format!("*.{zone}"),
                ..c.clone()
            }
        };
        if !tail.contains(&entry) {
            tail.push(entry);
        }
    }
    tail.sort_by_key(|c| (c.is_wildcard(), c.host.clone(), c.port));
    out.extend(tail);
    out
}

/// What the lab's alert receivers got, readable from anywhere while the lab runs.
#[derive(Clone)]
pub struct LabInbox {
    hook: hook::Shared,
    smtp: smtp::Shared,
}

impl LabInbox {
    /// Everything received, oldest first, one line each: the webhook's text and each mail's
    /// subject with its recipients (remote text: the caller sanitises before drawing).
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .hook
            .snapshot()
            .iter()
            .map(|v| {
                let text = v["text"]
                    .as_str()
                    .map_or_else(|| v.to_string(), str::to_string);
                format!("webhook: {text}")
            })
            .collect();
        lines.extend(self.smtp.snapshot().iter().map(|m| {
            format!(
                "mail to {}: {}",
                m.to.join(", "),
                m.header("Subject").unwrap_or_default()
            )
        }));
        lines
    }

    /// How many alerts arrived in all.
    pub fn count(&self) -> usize {
        self.hook.snapshot().len() + self.smtp.snapshot().len()
    }
}
