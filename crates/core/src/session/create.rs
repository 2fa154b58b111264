//! Creating a session: what a new session is made of as the user gave it (the command
//! line's `new` and the TUI's new-session form both fill in a `SessionRequest`), checked
//! with the same words everywhere, and written to a new session file.

use super::Session;
use super::model::Targets;
use super::naming::{
    NamingError, display_text, parse_hosts, slug, validate_client, validate_domain, validate_name,
};
use super::store::{SessionFile, StoreError};
use crate::paths;
use crate::runbook::library::{FindError, Library};
use std::path::PathBuf;
use time::OffsetDateTime;

/// Why a session could not be created; each says what to do instead.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// A name, client, domain or host the naming rules refuse (the message says which).
    #[error(transparent)]
    Invalid(#[from] NamingError),
    #[error("cannot make a session name from client `{0}`; give one with --name")]
    NoName(String),
    /// A target or network value the caller's `fill` refused, in its words.
    #[error("{0}")]
    Target(String),
    #[error(transparent)]
    Runbook(#[from] FindError),
    #[error(
        "no data folder for sessions; set {} or give --path",
        paths::DATA_DIR_ENV
    )]
    NoDataFolder,
    #[error(
        "a session already exists at {}; open it with `launch-ready open {open}`, or choose another --name",
        path.display()
    )]
    Exists { path: PathBuf, open: String },
    #[error(transparent)]
    Store(StoreError),
}

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

/// Checks the request and writes the session file. The file is closed (and its lock
/// released) on return, so the caller may open it.
pub fn create(
    args: &SessionRequest,
    library: &Library,
    now: OffsetDateTime,
) -> Result<Created, CreateError> {
    create_with(args, library, now, |_| Ok(()))
}

/// `create`, with `fill` setting what the request does not carry (the command line's
/// targets and network flags) before anything is written: a value it refuses leaves no
/// file behind.
pub fn create_with(
    args: &SessionRequest,
    library: &Library,
    now: OffsetDateTime,
    fill: impl FnOnce(&mut Session) -> Result<(), String>,
) -> Result<Created, CreateError> {
    let client = validate_client(&args.client)?;
    let apex = validate_domain(&args.domain)?;
    let hosts = parse_hosts(&args.hosts)?;
    let name = match &args.name {
        Some(n) => validate_name(n)?,
        None => {
            let s = slug(&client);
            if s.is_empty() {
                return Err(CreateError::NoName(display_text(&client)));
            }
            s
        }
    };
    let runbook = library.resolve(&args.runbook)?;
    let (path, explicit_path) = match &args.path {
        Some(p) => (p.clone(), true),
        None => {
            let dir = paths::sessions_dir().ok_or(CreateError::NoDataFolder)?;
            (dir.join(format!("{name}.ron")), false)
        }
    };
    let created = Created {
        name: name.clone(),
        path: path.clone(),
        explicit_path,
    };
    if path.exists() {
        return Err(CreateError::Exists {
            path: path.clone(),
            open: created.open_argument(),
        });
    }
    let targets = Targets {
        apex,
        hosts,
        ..Targets::default()
    };
    let mut session = Session::new(&name, &client, &runbook, targets, now);
    fill(&mut session).map_err(CreateError::Target)?;
    SessionFile::create(&path, &session).map_err(CreateError::Store)?;
    Ok(created)
}
