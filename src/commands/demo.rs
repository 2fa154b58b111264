//! `launch-ready demo`: start the demo lab in this process and open (creating it the first
//! time) the session of the fictional product it hosts, so every screen and check family can
//! be seen working without touching the internet.
//!
//! The lab runs on its own runtime thread beside the TUI's: the TUI owns its event loop, and
//! the lab only has to keep answering until the operator quits. The lab's ports change on
//! every start, so the session's network settings are pointed at the new lab each time.
//!
//! The lab's fake Cloudflare token reaches the demo's runs through the checks' memory
//! layer (`launch_ready_checks::credentials::remember`), for the demo session only and for
//! the life of the process: not the keyring (a demo should leave nothing behind in the user's keyring, and
//! the keyring may be absent) and never the session file.
//! The TUI starts the lab whenever it opens the demo session ([`is_demo`]), so reopening it
//! with `open` or from the picker works as `demo` does.

use super::{Failure, Outcome};
use crate::cli::DemoArgs;
use launch_ready_core::paths;
use launch_ready_core::session::Session;
use launch_ready_core::session::store::SessionFile;
use launch_ready_core::settings::NetworkSettings;
use launch_ready_lab as lab;
use launch_ready_lab::{Lab, LabConfig};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

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
    pub fn start() -> Result<RunningLab, Failure> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("lab")
            .enable_all()
            .build()
            .map_err(|e| Failure::runtime(format!("cannot start the lab runtime: {e}")))?;
        let lab = runtime
            .block_on(Lab::start(LabConfig { dns_port: 0 }))
            .map_err(|e| Failure::runtime(format!("cannot start the demo lab: {e}")))?;
        lend_token();
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
    }

    /// Stops the lab's servers. Must not be called from inside a runtime.
    pub fn stop(self) {
        launch_ready_checks::credentials::forget(DEMO_NAME);
        self.runtime.block_on(self.lab.shutdown());
    }
}

/// Gives the demo session's runs the lab's fake Cloudflare token, in memory only.
fn lend_token() {
    launch_ready_checks::credentials::remember(
        DEMO_NAME,
        launch_ready_checks::cloudflare::CREDENTIAL,
        lab::cloudflare::LAB_TOKEN,
    );
}

/// Whether `session` is the demo session (by name and the lab's apex domain, which cannot
/// be checked anywhere but in the lab).
pub fn is_demo(session: &Session) -> bool {
    session.name == DEMO_NAME && session.targets.apex == lab::demo_targets().apex
}

pub fn run(args: &DemoArgs) -> Outcome {
    let path = demo_path()?;
    if let Some(dir) = &args.report {
        return super::report::demo_pack(&path, dir, args.fresh);
    }
    ensure(&path, args.fresh, OffsetDateTime::now_utc())?;
    // Opening the demo session starts the lab (see `is_demo`).
    crate::tui::run_session(&path, false).map(|()| 0)
}

pub fn demo_path() -> Result<PathBuf, Failure> {
    let dir = paths::sessions_dir().ok_or_else(|| {
        Failure::usage(format!(
            "no data folder for sessions; set {}",
            paths::DATA_DIR_ENV
        ))
    })?;
    Ok(dir.join(format!("{DEMO_NAME}.ron")))
}

/// Creates the demo session at `path`, or points the existing one at `lab`. With `fresh`,
/// an existing demo session is replaced (it must not be open elsewhere).
pub fn prepare(path: &Path, lab: &Lab, fresh: bool, now: OffsetDateTime) -> Result<(), Failure> {
    let store_err =
        |e: launch_ready_core::session::store::StoreError| Failure::usage(e.to_string());
    ensure(path, fresh, now)?;
    let (file, mut session) = SessionFile::open(path).map_err(store_err)?;
    session.network = lab.settings();
    lab.apply_local_targets(&mut session.targets);
    file.save(&session).map_err(store_err)?;
    lend_token();
    Ok(())
}

/// Creates the demo session at `path` unless it exists; with `fresh`, an existing one is
/// replaced (it must not be open elsewhere). Its network settings are set by whoever
/// starts the lab.
fn ensure(path: &Path, fresh: bool, now: OffsetDateTime) -> Result<(), Failure> {
    let store_err =
        |e: launch_ready_core::session::store::StoreError| Failure::usage(e.to_string());
    if path.exists() && fresh {
        // Opening first takes the lock, so a demo open in another terminal is not pulled away.
        let (file, _) = SessionFile::open(path).map_err(store_err)?;
        std::fs::remove_file(path)
            .map_err(|e| Failure::runtime(format!("cannot remove {}: {e}", path.display())))?;
        drop(file);
    }
    if path.exists() {
        return Ok(());
    }
    let runbook = super::runbooks::library()
        .resolve(DEMO_RUNBOOK)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let mut session = Session::new(
        DEMO_NAME,
        "Brightdesk (demo)",
        &runbook,
        lab::demo_targets(),
        now,
    );
    draft_handover_notes(&mut session);
    SessionFile::create(path, &session).map_err(store_err)?;
    Ok(())
}

/// The fictional team's owners and rollback steps, drafted in the handover checks' notes
/// (left unanswered): the demo's handover pack then shows an ownership table and rollback
/// notes as a real sprint's would, while the operator still decides those checks.
fn draft_handover_notes(session: &mut Session) {
    const NOTES: [(&str, &str); 2] = [
        (
            "handover-ownership",
            "DNS and registrar: Maya (founder). Edge account: Maya, Tom as second admin. \
             Mail records: Tom. Deploys: Priya. Monitoring and alerts: Priya, Tom on call.",
        ),
        (
            "handover-env-docs",
            "Variables: names listed in the env inventory of this pack; values stay in the \
             hosting provider's secret store. Rollback: redeploy the previous release from \
             the hosting dashboard (about 2 minutes), then re-run the smoke checks.",
        ),
    ];
    for (id, note) in NOTES {
        session.state_mut(id).note = note.to_string();
    }
}
