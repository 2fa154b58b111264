//! `launch-ready report` and `demo --report`: the handover pack of a session.

use super::{Failure, Outcome};
use crate::cli::ReportArgs;
use crate::report;
use crate::report::Format;
use launch_ready_core::runbook::Loaded;
use launch_ready_core::session::Session;
use std::fmt::Write;
use time::OffsetDateTime;

/// The runbook a session follows, as the TUI finds it.
pub fn runbook_of(session: &Session) -> Result<Loaded, Failure> {
    let lib = launch_ready_core::runbook::library::Library::installed();
    lib.find(&session.runbook.id, session.runbook.path.as_deref())
        .map_err(|e| Failure::usage(format!("the session's runbook cannot be loaded: {e}")))
}

/// The pack of `session`, now.
pub fn pack_of(session: &Session) -> Result<report::Handover, Failure> {
    let runbook = runbook_of(session)?;
    let env = report::env_columns(session);
    Ok(report::build(
        &runbook.runbook,
        session,
        &env,
        OffsetDateTime::now_utc(),
    ))
}

pub fn run(args: &ReportArgs, out: &mut String) -> Outcome {
    let format = Format::parse(&args.format).ok_or_else(|| {
        Failure::usage(format!(
            "--format `{}` is not md, html or json",
            args.format
        ))
    })?;
    let path = launch_ready_core::session::list::resolve(&args.session).map_err(Failure::usage)?;
    // Read-only: a report can be written while the session is open in the TUI.
    let session = launch_ready_core::session::store::read(&path)
        .map_err(|e| Failure::usage(e.explained()))?;
    let pack = pack_of(&session)?;
    let text = report::render(&pack, format).map_err(|e| Failure::runtime(e.to_string()))?;
    match &args.output {
        Some(file) => {
            report::write_atomic(file, &text, args.force).map_err(|e| match e {
                report::ReportError::Exists(_) => Failure::usage(e.to_string()),
                other => Failure::runtime(other.to_string()),
            })?;
            let _ = writeln!(
                out,
                "verdict {}: wrote {}",
                pack.check.verdict,
                file.display()
            );
        }
        None => out.push_str(&text),
    }
    Ok(0)
}
