//! `launch-ready new` and `launch-ready sessions`.
//!
//! Input checking (`launch_ready_core::session::naming`: `validate_*`, [`slug`]) and the table cells (`table`:
//! [`relative_time`], [`progress_cell`], [`display_text`]) are small public functions in
//! their own modules, re-exported here, so the TUI's new-session form and session picker
//! say exactly what the command line says.

mod table;

pub use launch_ready_core::session::naming::{
    MAX_NAME_LEN, parse_host, parse_hosts, slug, validate_client, validate_domain, validate_name,
};
pub use table::{display_text, progress_cell, relative_time, render_table};

use super::{Failure, Outcome};
use crate::cli::NewArgs;
use launch_ready_core::paths;
use launch_ready_core::session::Session;
use launch_ready_core::session::list::list_sessions;
use std::fmt::Write as _;
use time::OffsetDateTime;

pub use launch_ready_core::session::create::{Created, SessionRequest};

impl From<&NewArgs> for SessionRequest {
    fn from(a: &NewArgs) -> SessionRequest {
        SessionRequest {
            runbook: a.runbook.clone(),
            client: a.client.clone(),
            domain: a.domain.clone(),
            hosts: a.hosts.clone(),
            name: a.name.clone(),
            path: a.path.clone(),
        }
    }
}

/// The targets and network settings `new` takes beyond the request, each checked with
/// the Targets screen's own words, and the network flags as `check` reads them.
fn fill(args: &NewArgs, session: &mut Session) -> Result<(), String> {
    use crate::app::targets::{TargetField, apply};
    let fields = args
        .routes
        .iter()
        .map(|r| (TargetField::AddRoute, r.as_str()))
        .chain(args.repo.iter().map(|r| (TargetField::Repo, r.as_str())))
        .chain(
            args.build_dir
                .iter()
                .map(|b| (TargetField::BuildDir, b.as_str())),
        )
        .chain(
            args.env_files
                .iter()
                .map(|e| (TargetField::AddEnvFile, e.as_str())),
        )
        .chain(
            args.dkim_selectors
                .iter()
                .map(|d| (TargetField::AddDkim, d.as_str())),
        )
        .chain(
            args.cloudflare_api
                .iter()
                .map(|c| (TargetField::CloudflareApi, c.as_str())),
        );
    for (field, text) in fields {
        apply(session, field, text).map_err(|e| format!("{}: {e}", field.label()))?;
    }
    let network = std::mem::take(&mut session.network);
    session.network = args
        .network
        .overrides()
        .apply(network)
        .map_err(|e| e.to_string())?;
    // Made absolute here, where the folder they are relative to is known: the session is
    // resumed from wherever the consultant is the next day.
    let absolute = |p: &mut std::path::PathBuf| {
        if let Ok(a) = std::path::absolute(&*p) {
            *p = a;
        }
    };
    let t = &mut session.targets;
    t.repo.iter_mut().for_each(absolute);
    t.build_dir.iter_mut().for_each(absolute);
    t.env_files.iter_mut().for_each(|e| absolute(&mut e.path));
    session.network.ca_file.iter_mut().for_each(absolute);
    Ok(())
}

/// The session `new` asks for, written; opened next or reported by the caller.
pub fn create_new(args: &NewArgs) -> Result<Created, Failure> {
    launch_ready_core::session::create::create_with(
        &SessionRequest::from(args),
        &super::runbooks::library(),
        OffsetDateTime::now_utc(),
        |session| fill(args, session),
    )
    .map_err(|e| Failure::usage(e.to_string()))
}

/// `launch-ready new`.
pub fn new(args: &NewArgs, out: &mut String) -> Outcome {
    let created = create_new(args)?;
    let _ = writeln!(out, "Created session {}", created.path.display());
    let _ = writeln!(
        out,
        "Open it with: launch-ready open {}",
        created.open_argument()
    );
    Ok(0)
}

/// `launch-ready sessions`.
pub fn list(out: &mut String) -> Outcome {
    let dir = paths::sessions_dir().ok_or_else(|| {
        Failure::usage(format!(
            "no data folder for sessions; set {}",
            paths::DATA_DIR_ENV
        ))
    })?;
    let now = OffsetDateTime::now_utc();
    let rows = list_sessions(&dir, now);
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "No sessions yet. Start one with: launch-ready new --runbook ID --client NAME --domain example.com"
        );
        let _ = writeln!(out, "(`launch-ready runbooks list` shows the runbook ids.)");
    } else {
        render_table(&rows, now, out);
    }
    Ok(0)
}
