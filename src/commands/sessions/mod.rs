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
use launch_ready_core::session::list::list_sessions;
use std::fmt::Write as _;
use time::OffsetDateTime;

pub use launch_ready_core::session::create::{Created, SessionRequest};

/// Checks the request against the installed runbooks and writes the session file.
pub fn create(args: &SessionRequest, now: OffsetDateTime) -> Result<Created, Failure> {
    launch_ready_core::session::create::create(args, &super::runbooks::library(), now)
        .map_err(|e| Failure::usage(e.to_string()))
}

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

/// `launch-ready new`.
pub fn new(args: &NewArgs, out: &mut String) -> Outcome {
    let created = create(&SessionRequest::from(args), OffsetDateTime::now_utc())?;
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
