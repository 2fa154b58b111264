//! Why a value typed on the targets screen is refused. Each message names the field's
//! value as typed, so the prompt can show it under the line being edited.

use launch_ready_core::settings::{CloudflareApiError, HostNameError, SettingError};
use std::path::{Path, PathBuf};

/// The methods a route line may name.
pub(super) const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// A word (role, route name, environment, credential, header) with a character outside
/// letters, digits, `-`, `_` and `.`.
#[derive(Debug, thiserror::Error)]
#[error("{what} `{word}` may only hold letters, digits, `-`, `_` and `.`")]
pub struct WordError {
    pub what: &'static str,
    pub word: String,
}

/// Why a route line does not parse.
#[derive(Debug, thiserror::Error)]
pub enum RouteLineError {
    #[error("expected NAME=[METHOD ]PATH")]
    NoName,
    #[error("a route needs a path")]
    NoPath,
    #[error("a route needs a path after its method")]
    NoPathAfterMethod,
    #[error("route method `{method}` is not one of {}", METHODS.join(", "))]
    Method { method: String },
    #[error("route path `{0}` must start with `/` or be an http(s) URL, without spaces")]
    Path(String),
    #[error("`{0}` is not KEY=VALUE (budget, auth, header, body)")]
    NotKeyValue(String),
    #[error("budget `{0}` is not read, write or milliseconds")]
    Budget(String),
    #[error("header `{0}` is not NAME:VALUE")]
    Header(String),
    /// A secret typed here would be saved in the session file.
    #[error("`{0}` holds a secret: name a credential with auth=CREDENTIAL@{0}")]
    SecretHeader(String),
    #[error("unknown route option `{0}` (budget, auth, header, body)")]
    UnknownOption(String),
    #[error(transparent)]
    Word(#[from] WordError),
}

/// Why a value of the targets screen is refused; the session is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// A flow that does not read as RON or cannot be run as written.
    #[error("flow: {0}")]
    Flow(String),
    #[error("{what} `{text}` contains control characters")]
    ControlCharacters { what: &'static str, text: String },
    #[error("repository path `{}` is a file, not a folder", .0.display())]
    RepoIsFile(PathBuf),
    /// `cwd` is where a relative path starts from, when it is one and the folder is known.
    #[error("repository path `{}` does not exist{}", .path.display(), relative_note(.cwd.as_deref()))]
    RepoMissing { path: PathBuf, cwd: Option<PathBuf> },
    #[error("repository path `{}` cannot be read: {source}", .path.display())]
    RepoUnreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{text}` must be {form}")]
    Pair { text: String, form: &'static str },
    /// The bounds are kept as shown: fields of several number types share this.
    #[error("{what} `{text}` must be a whole number from {min} to {max}")]
    Number {
        what: &'static str,
        text: String,
        min: String,
        max: String,
    },
    #[error("{what} `{key}` is already in the list; edit that entry instead")]
    Taken { what: &'static str, key: String },
    #[error("Cloudflare API URL: {0}")]
    CloudflareApi(#[source] CloudflareApiError),
    #[error("DKIM selector: {0}")]
    SelectorHost(#[source] HostNameError),
    #[error("DKIM selector `{0}` must be a single label")]
    SelectorLabel(String),
    #[error(transparent)]
    Word(#[from] WordError),
    #[error(transparent)]
    Host(#[from] HostNameError),
    #[error(transparent)]
    Route(#[from] RouteLineError),
    #[error(transparent)]
    Setting(#[from] SettingError),
    #[error("alert routes: {0}")]
    AlertRoute(#[from] launch_ready_core::session::alert_routes::RouteParseError),
}

fn relative_note(cwd: Option<&Path>) -> String {
    cwd.map(|d| format!(" (relative paths start from {})", d.display()))
        .unwrap_or_default()
}
