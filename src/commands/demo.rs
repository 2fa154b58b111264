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
use launch_ready_lab as lab;
use launch_ready_lab::Lab;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

pub use launch_ready_lab::demo::{DEMO_NAME, DEMO_RUNBOOK, RunningLab, is_demo, lend_token};

pub fn run(args: &DemoArgs) -> Outcome {
    let path = demo_path()?;
    if let Some(dir) = &args.report {
        return demo_pack(&path, dir, args.fresh);
    }
    ensure(&path, args.fresh, OffsetDateTime::now_utc())?;
    // Opening the demo session starts the lab (see `is_demo`).
    crate::tui::run_session(&path, false).map(|()| 0)
}

/// Runs `f` with the demo session's lab up when `session` names the demo session: the lab's
/// ports change on every start, so a headless run (`check`, `monitor`, `load`) starts it
/// and points the session at it first, as opening the demo does, when the lab the session
/// was last aimed at is gone. While that lab runs (the TUI's, `lab`'s), the session is used
/// as it is, and so is any other session (or none).
pub fn with_demo_lab<T>(
    session: Option<&str>,
    f: impl FnOnce() -> Result<T, Failure>,
) -> Result<T, Failure> {
    let Some(path) = session.and_then(|name| launch_ready_core::session::list::resolve(name).ok())
    else {
        return f();
    };
    // The lab's CA file lives in the lab's own folder and goes with it: while it is there,
    // a lab (the TUI's, or one a test or `lab` started) still answers for the session.
    let lab_gone = launch_ready_core::session::store::read(&path)
        .is_ok_and(|s| is_demo(&s) && s.network.ca_file.as_deref().is_none_or(|ca| !ca.exists()));
    if !lab_gone {
        return f();
    }
    eprintln!("launch-ready: starting the demo lab for the demo session…");
    let lab = RunningLab::start().map_err(|e| Failure::runtime(e.to_string()))?;
    let result = prepare(&path, lab.lab(), false, OffsetDateTime::now_utc()).and_then(|()| f());
    lab.stop();
    result
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
        |e: launch_ready_core::session::store::StoreError| Failure::usage(e.explained());
    ensure(path, fresh, now)?;
    let (file, mut session) = SessionFile::open(path).map_err(store_err)?;
    session.network = lab.settings();
    lab.apply_local_targets(&mut session.targets);
    launch_ready_lab::demo::aim_alerts(&mut session);
    file.save(&session).map_err(store_err)?;
    lend_token();
    launch_ready_lab::demo::lend_alert_routes(lab);
    Ok(())
}

/// Creates the demo session at `path` unless it exists; with `fresh`, an existing one is
/// replaced (it must not be open elsewhere). Its network settings are set by whoever
/// starts the lab.
fn ensure(path: &Path, fresh: bool, now: OffsetDateTime) -> Result<(), Failure> {
    let store_err =
        |e: launch_ready_core::session::store::StoreError| Failure::usage(e.explained());
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

/// `demo --report DIR`: starts the lab, creates or refreshes the demo session at
/// `session_path`, runs all its automated checks, saves the results to the session and
/// writes the three formats into `dir`. Load checks run too: their only target is the
/// lab on loopback, which this process owns.
pub fn demo_pack(session_path: &Path, dir: &Path, fresh: bool) -> Outcome {
    eprintln!("launch-ready: starting the demo lab…");
    let lab = RunningLab::start().map_err(|e| Failure::runtime(e.to_string()))?;
    let result = demo_pack_with(&lab, session_path, dir, fresh);
    lab.stop();
    let (verdict, reasons, paths) = result?;
    println!("verdict: {verdict}");
    for r in &reasons {
        println!("  - {r}");
    }
    for p in paths {
        println!("wrote {}", p.display());
    }
    Ok(0)
}

fn demo_pack_with(
    lab: &RunningLab,
    session_path: &Path,
    dir: &Path,
    fresh: bool,
) -> Result<(String, Vec<String>, Vec<std::path::PathBuf>), Failure> {
    let store_err =
        |e: launch_ready_core::session::store::StoreError| Failure::usage(e.explained());
    prepare(session_path, lab.lab(), fresh, OffsetDateTime::now_utc())?;
    let (file, mut session) = SessionFile::open(session_path).map_err(store_err)?;
    let runbook = super::report::runbook_of(&session)?;
    let runtime = super::network_runtime()?;
    eprintln!("launch-ready: running every automated check of the demo against its lab…");
    let summary = runtime.block_on(crate::report::run::run_all(
        &runbook.runbook,
        &mut session,
        true,
        &|line| eprintln!("launch-ready: {line}"),
    ));
    eprintln!(
        "launch-ready: ran {} check(s){}",
        summary.finished,
        if summary.unavailable.is_empty() {
            String::new()
        } else {
            format!("; not available here: {}", summary.unavailable.join(", "))
        }
    );
    file.save(&session).map_err(store_err)?;
    eprintln!("launch-ready: writing the handover pack…");
    let env = crate::report::env_columns(&session);
    let pack = crate::report::build(&runbook.runbook, &session, &env, OffsetDateTime::now_utc());
    let paths =
        crate::report::write_pack(dir, &pack).map_err(|e| Failure::runtime(e.to_string()))?;
    Ok((
        pack.check.verdict.to_string(),
        pack.check.reasons.clone(),
        paths,
    ))
}
