//! One headless Chromium for the runs of a page, started by us rather than by Lighthouse
//! so that we own its process: it is killed (with its renderers, through its process
//! group) when the check ends or is cancelled, and its profile directory goes with it.
//! Lighthouse attaches to it over its debugging port.
//!
//! The browser reaches hosts the way the rest of the run does: `connect_to` and `resolve`
//! overrides become `--host-resolver-rules`, and a page host the session's own nameserver
//! answers is mapped to the address it gave. A session's extra CA file is honoured by
//! name: certificate errors are ignored only for chains holding one of that file's keys
//! (`--ignore-certificate-errors-spki-list`), never for every site.

use base64::Engine as _;
use launch_ready_core::settings::NetworkSettings;
use sha2::Digest as _;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// How long Chromium may take to open its debugging port.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// Flags that keep a headless run quiet and comparable (no first-run UI, no background
/// traffic, no throttled timers), the set Lighthouse's own launcher uses.
const QUIET_FLAGS: &[&str] = &[
    "--headless=new",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-component-extensions-with-background-pages",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-client-side-phishing-detection",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
    "--disable-hang-monitor",
    "--disable-ipc-flooding-protection",
    "--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions",
    "--metrics-recording-only",
    "--mute-audio",
    "--password-store=basic",
    "--use-mock-keychain",
];

/// Why the browser could not be started.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("cannot make a profile directory for Chromium: {0}")]
    Profile(#[source] std::io::Error),
    #[error("cannot start Chromium at {path}: {source}")]
    Spawn {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("Chromium did not open its debugging port within {0:?}{1}")]
    NoPort(Duration, String),
}

/// What the browser is started with, derived from the run's network settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Launch {
    /// `--host-resolver-rules` value, empty for none.
    pub resolver_rules: String,
    /// Base64 SHA-256 of each extra trusted key, for `--ignore-certificate-errors-spki-list`.
    pub trusted_spki: Vec<String>,
}

impl Launch {
    /// Rules from `settings`, plus `page_host` mapped to `resolved` when the session's own
    /// nameserver answered for it; trust for the keys of `extra_roots` (DER certificates).
    pub fn new(
        settings: &NetworkSettings,
        extra_roots: &[Vec<u8>],
        page_host: Option<(&str, IpAddr)>,
    ) -> Launch {
        let mut rules: Vec<String> = settings
            .connect_to
            .iter()
            .map(|c| format!("MAP {}:{} {}", c.host, c.port, c.to))
            .collect();
        rules.extend(
            settings
                .resolve
                .iter()
                .map(|r| format!("MAP {} {}", r.host, bracket(r.addr))),
        );
        if let Some((host, ip)) = page_host {
            rules.push(format!("MAP {host} {}", bracket(ip)));
        }
        Launch {
            resolver_rules: rules.join(", "),
            trusted_spki: extra_roots
                .iter()
                .filter_map(|der| spki_hash(der))
                .collect(),
        }
    }

    /// The command-line flags for these settings.
    pub fn flags(&self) -> Vec<String> {
        let mut out: Vec<String> = QUIET_FLAGS.iter().map(|s| (*s).to_string()).collect();
        if !self.resolver_rules.is_empty() {
            out.push(format!("--host-resolver-rules={}", self.resolver_rules));
        }
        if !self.trusted_spki.is_empty() {
            out.push(format!(
                "--ignore-certificate-errors-spki-list={}",
                self.trusted_spki.join(",")
            ));
        }
        // Chromium refuses its sandbox as root (a container, CI); elsewhere it keeps it.
        if running_as_root() {
            out.push("--no-sandbox".into());
        }
        out
    }
}

fn bracket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// Base64 SHA-256 of a certificate's SubjectPublicKeyInfo.
pub fn spki_hash(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let digest = sha2::Sha256::digest(cert.tbs_certificate.subject_pki.raw);
    Some(base64::engine::general_purpose::STANDARD.encode(digest))
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A running headless Chromium.
pub struct Browser {
    child: Option<tokio::process::Child>,
    /// Debugging port Lighthouse attaches to.
    pub port: u16,
    /// Process id (and process group) of the browser.
    pub pid: Option<u32>,
    profile: Option<tempfile::TempDir>,
}

impl Browser {
    /// Starts Chromium at `path` with `launch`'s flags and waits for its debugging port.
    pub async fn start(path: &Path, launch: &Launch) -> Result<Browser, BrowserError> {
        let profile = tempfile::Builder::new()
            .prefix("launch-ready-chromium-")
            .tempdir()
            .map_err(BrowserError::Profile)?;
        let mut cmd = tokio::process::Command::new(path);
        cmd.args(launch.flags())
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("--remote-debugging-port=0")
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .kill_on_drop(true);
        let child = cmd.spawn().map_err(|source| BrowserError::Spawn {
            path: path.display().to_string(),
            source,
        })?;
        let mut browser = Browser {
            pid: child.id(),
            child: Some(child),
            port: 0,
            profile: Some(profile),
        };
        let marker = browser
            .profile
            .as_ref()
            .map(|p| p.path().join("DevToolsActivePort"))
            .unwrap_or_default();
        let started = tokio::time::Instant::now();
        loop {
            if let Ok(text) = tokio::fs::read_to_string(&marker).await
                && let Some(port) = text.lines().next().and_then(|l| l.trim().parse().ok())
            {
                browser.port = port;
                return Ok(browser);
            }
            if let Some(c) = browser.child.as_mut()
                && let Ok(Some(status)) = c.try_wait()
            {
                return Err(BrowserError::NoPort(
                    START_TIMEOUT,
                    format!(" (it exited: {status})"),
                ));
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(BrowserError::NoPort(START_TIMEOUT, String::new()));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the browser and every process it started, waits for it, and removes its
    /// profile.
    pub async fn close(mut self) {
        self.kill_group();
        if let Some(mut c) = self.child.take() {
            let _ = c.kill().await;
        }
        if let Some(p) = self.profile.take() {
            let _ = tokio::task::spawn_blocking(move || drop(p)).await;
        }
    }

    /// SIGKILL to the browser's process group: the renderers and the GPU process go too.
    fn kill_group(&self) {
        if let Some(pid) = self.pid {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

impl Drop for Browser {
    /// A cancelled check drops its browser mid-run: the whole group is killed here.
    fn drop(&mut self) {
        if self.child.is_some() {
            self.kill_group();
        }
    }
}

/// The address the debugging port listens on.
pub fn debug_addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::settings::{ConnectTo, ResolveOverride};

    #[test]
    fn rules_follow_the_session_overrides_in_order() {
        let settings = NetworkSettings {
            connect_to: vec![ConnectTo {
                host: "*.shop.test".into(),
                port: 443,
                to: "127.0.0.1:8443".parse().unwrap(),
            }],
            resolve: vec![ResolveOverride {
                host: "api.shop.test".into(),
                addr: "::1".parse().unwrap(),
            }],
            ..NetworkSettings::default()
        };
        let l = Launch::new(
            &settings,
            &[],
            Some(("shop.test", "192.0.2.7".parse().unwrap())),
        );
        assert_eq!(
            l.resolver_rules,
            "MAP *.shop.test:443 127.0.0.1:8443, MAP api.shop.test [::1], MAP shop.test 192.0.2.7"
        );
        assert!(
            l.flags()
                .iter()
                .any(|f| f.starts_with("--host-resolver-rules=MAP"))
        );
        assert!(!l.flags().iter().any(|f| f.contains("spki")));
        assert!(
            Launch::new(&NetworkSettings::default(), &[], None)
                .resolver_rules
                .is_empty()
        );
    }

    #[test]
    fn spki_of_garbage_is_none() {
        assert_eq!(spki_hash(b"not a certificate"), None);
    }
}
