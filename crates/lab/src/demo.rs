//! The demo session's lab: the session it belongs to (by name and apex), and the lab running
//! on a runtime of its own for as long as that session is open, with the lab's fake
//! Cloudflare token lent to the demo's runs in memory only.

use crate::{Lab, LabConfig};
use launch_ready_core::session::Session;
use launch_ready_core::settings::NetworkSettings;

/// Why the demo lab could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoLabError {
    #[error("cannot start the lab runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot start the demo lab: {0}")]
    Lab(#[source] crate::LabError),
}

/// File stem of the demo session.
pub const DEMO_NAME: &str = "brightdesk-demo";
/// The runbook the demo follows.
pub const DEMO_RUNBOOK: &str = "b2b-demo-to-launch";

/// The demo lab on its own runtime, for as long as a demo session is open.
pub struct RunningLab {
    runtime: tokio::runtime::Runtime,
    lab: Lab,
}

impl RunningLab {
    /// Starts the lab on fresh ports. Must not be called from inside a runtime.
    pub fn start() -> Result<RunningLab, DemoLabError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("lab")
            .enable_all()
            .build()
            .map_err(DemoLabError::Runtime)?;
        let lab = runtime
            .block_on(Lab::start(LabConfig { dns_port: 0 }))
            .map_err(DemoLabError::Lab)?;
        lend_token();
        lend_alert_routes(&lab);
        Ok(RunningLab { runtime, lab })
    }

    /// The lab itself.
    pub fn lab(&self) -> &Lab {
        &self.lab
    }

    /// Network settings that aim checks at this lab.
    pub fn settings(&self) -> NetworkSettings {
        self.lab.settings()
    }

    /// Aims `session` at this lab: its network settings and the lab's generated
    /// repository, build folder and env files.
    pub fn apply(&self, session: &mut Session) {
        session.network = self.lab.settings();
        self.lab.apply_local_targets(&mut session.targets);
        aim_alerts(session);
    }

    /// Stops the lab's servers. Must not be called from inside a runtime.
    pub fn stop(self) {
        launch_ready_checks::credentials::forget(DEMO_NAME);
        self.runtime.block_on(self.lab.shutdown());
    }
}

/// Gives the demo session's runs the lab's fake Cloudflare token and the demo account's
/// password (for its smoke flow), in memory only.
pub fn lend_token() {
    launch_ready_checks::credentials::remember(
        DEMO_NAME,
        launch_ready_checks::cloudflare::CREDENTIAL,
        crate::cloudflare::LAB_TOKEN,
    );
    launch_ready_checks::credentials::remember(
        DEMO_NAME,
        crate::web::flows::PASSWORD_CREDENTIAL,
        &crate::web::flows::demo_password(),
    );
}

/// Gives the demo session's runs the lab's webhook URL and mail password, in memory only
/// (the receivers' ports change with every start, and neither is a secret worth a keyring
/// entry).
pub fn lend_alert_routes(lab: &crate::Lab) {
    launch_ready_checks::credentials::remember(
        DEMO_NAME,
        crate::DEMO_HOOK_CREDENTIAL,
        &lab.alert_hook().url(),
    );
    launch_ready_checks::credentials::remember(
        DEMO_NAME,
        crate::DEMO_MAIL_CREDENTIAL,
        crate::MAIL_PASSWORD,
    );
}

/// A demo session made before it had alert routes gets the lab's.
pub fn aim_alerts(session: &mut Session) {
    if session.targets.routes().is_empty() {
        session.targets.alert_routes = crate::demo_alert_routes();
    }
}

/// Whether `session` is the demo session (by name and the lab's apex domain, which cannot
/// be checked anywhere but in the lab).
pub fn is_demo(session: &Session) -> bool {
    session.name == DEMO_NAME && session.targets.apex == crate::demo_targets().apex
}
