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
use launch_ready_core::session::model::Targets;
use launch_ready_core::session::store::SessionFile;
use std::fmt::Write as _;
use std::path::PathBuf;
use time::OffsetDateTime;

/// A session created by `new`.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub name: String,
    pub path: PathBuf,
    /// Whether the path was given explicitly (so it is opened by path, not by name).
    pub explicit_path: bool,
}

impl Created {
    /// The argument to `launch-ready open` for this session.
    pub fn open_argument(&self) -> String {
        if self.explicit_path {
            self.path.display().to_string()
        } else {
            self.name.clone()
        }
    }
}

/// What a new session is made of, as the user gave it (validated by `create`): the
/// command line's `new` and the TUI's new-session form both fill one in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionRequest {
    /// Runbook id or path to a runbook file.
    pub runbook: String,
    pub client: String,
    /// The apex domain.
    pub domain: String,
    /// Role hosts as `ROLE=HOST`.
    pub hosts: Vec<String>,
    /// Session name (file stem); derived from the client when absent.
    pub name: Option<String>,
    /// Where to write the session instead of the sessions folder.
    pub path: Option<PathBuf>,
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

/// Checks the request and writes the session file. The file is closed (and its lock
/// released) on return, so the caller may open it.
pub fn create(args: &SessionRequest, now: OffsetDateTime) -> Result<Created, Failure> {
    let client = validate_client(&args.client).map_err(Failure::usage)?;
    let apex = validate_domain(&args.domain).map_err(Failure::usage)?;
    let hosts = parse_hosts(&args.hosts).map_err(Failure::usage)?;
    let name = match &args.name {
        Some(n) => validate_name(n).map_err(Failure::usage)?,
        None => {
            let s = slug(&client);
            if s.is_empty() {
                return Err(Failure::usage(format!(
                    "cannot make a session name from client `{}`; give one with --name",
                    display_text(&client)
                )));
            }
            s
        }
    };
    let runbook = super::runbooks::library()
        .resolve(&args.runbook)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let (path, explicit_path) = match &args.path {
        Some(p) => (p.clone(), true),
        None => {
            let dir = paths::sessions_dir().ok_or_else(|| {
                Failure::usage(format!(
                    "no data folder for sessions; set {} or give --path",
                    paths::DATA_DIR_ENV
                ))
            })?;
            (dir.join(format!("{name}.ron")), false)
        }
    };
    let created = Created {
        name: name.clone(),
        path: path.clone(),
        explicit_path,
    };
    if path.exists() {
        return Err(Failure::usage(format!(
            "a session already exists at {}; open it with `launch-ready open {}`, or choose another --name",
            path.display(),
            created.open_argument()
        )));
    }
    let targets = Targets {
        apex,
        hosts,
        ..Targets::default()
    };
    let session = Session::new(&name, &client, &runbook, targets, now);
    SessionFile::create(&path, &session).map_err(|e| Failure::usage(e.to_string()))?;
    Ok(created)
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
