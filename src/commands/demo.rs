//! `launch-ready demo`: start the demo lab in this process and open (creating it the first
//! time) the session of the fictional product it hosts, so every screen and check family can
//! be seen working without touching the internet.
//!
//! The lab runs on its own runtime thread beside the TUI's: the TUI owns its event loop, and
//! the lab only has to keep answering until the operator quits. The lab's ports change on
//! every start, so the session's network settings are pointed at the new lab each time.

use super::{Failure, Outcome};
use crate::cli::DemoArgs;
use crate::lab::{self, Lab, LabConfig};
use crate::paths;
use crate::session::Session;
use crate::session::store::SessionFile;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// File stem of the demo session.
pub const DEMO_NAME: &str = "brightdesk-demo";
/// The runbook the demo follows.
pub const DEMO_RUNBOOK: &str = "b2b-demo-to-launch";

pub fn run(args: &DemoArgs) -> Outcome {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("lab")
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the lab runtime: {e}")))?;
    let lab = runtime
        .block_on(Lab::start(LabConfig { dns_port: 0 }))
        .map_err(|e| Failure::runtime(format!("cannot start the demo lab: {e}")))?;
    let path = demo_path()?;
    let prepared = prepare(&path, &lab, args.fresh, OffsetDateTime::now_utc());
    let result = prepared.and_then(|()| crate::tui::run_session(&path, false));
    runtime.block_on(lab.shutdown());
    result.map(|()| 0)
}

fn demo_path() -> Result<PathBuf, Failure> {
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
    let store_err = |e: crate::session::store::StoreError| Failure::usage(e.to_string());
    if path.exists() && fresh {
        // Opening first takes the lock, so a demo open in another terminal is not pulled away.
        let (file, _) = SessionFile::open(path).map_err(store_err)?;
        std::fs::remove_file(path)
            .map_err(|e| Failure::runtime(format!("cannot remove {}: {e}", path.display())))?;
        drop(file);
    }
    if path.exists() {
        let (file, mut session) = SessionFile::open(path).map_err(store_err)?;
        session.network = lab.settings();
        file.save(&session).map_err(store_err)?;
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
    session.network = lab.settings();
    SessionFile::create(path, &session).map_err(store_err)?;
    Ok(())
}
