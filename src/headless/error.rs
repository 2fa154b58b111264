//! Why `check` cannot run as asked: each is one line quoting the flag or value at fault,
//! found before any network traffic (the command exits 2 with it).

use launch_ready_checks::net::NetError;
use launch_ready_core::catalog::Family;
use launch_ready_core::finding::UnknownSeverity;
use launch_ready_core::runbook::library::FindError;
use launch_ready_core::session::resolve::ResolveError;
use launch_ready_core::session::store::StoreError;
use launch_ready_core::settings::{CloudflareApiError, HostNameError, OverrideError};
use std::path::PathBuf;

/// Why the run could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("--format `{0}` is not text or json")]
    Format(String),
    #[error("--fail-on: {0} or never")]
    FailOn(#[source] UnknownSeverity),
    #[error(
        "--only: unknown family `{family}` (expected {})",
        Family::ALL.map(Family::as_str).join(", ")
    )]
    Family { family: String },
    #[error(transparent)]
    Session(#[from] SessionArgError),
    #[error(transparent)]
    Target(#[from] TargetArgError),
    #[error("nothing to check: give hosts, URLs or paths, or --session FILE")]
    NoTargets,
    #[error("--env-reference: {} is not a readable file", .0.display())]
    EnvReference(PathBuf),
    #[error(transparent)]
    Network(#[from] NetworkArgError),
    #[error("--runbook: {0}")]
    Runbook(#[source] FindError),
    #[error("--session: its runbook cannot be loaded: {0}")]
    SessionRunbook(#[source] FindError),
    #[error("--plan: {0}")]
    PlanFile(#[from] launch_ready_core::plan::PlanFileError),
    #[error("--plan: its runbook cannot be loaded: {0}")]
    PlanRunbook(#[source] FindError),
    #[error("--session and --plan both name what to check: give one of them")]
    SessionAndPlan,
    #[error(transparent)]
    Net(#[from] NetError),
    /// A CI run that checks nothing would report "go": a misconfiguration, not a pass.
    #[error(
        "nothing to check: none of the families asked for ({}) applies to the given targets (hosts get dns, email, tls, http and edge, apexes cloudflare; URLs http and perf; paths secrets and env)",
        .0.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
    )]
    NothingApplies(Vec<Family>),
}

/// Why `--session` cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum SessionArgError {
    #[error("--session: {0}")]
    Resolve(#[from] ResolveError),
    #[error("--session: {}", .0.explained())]
    Store(#[from] StoreError),
}

/// Why the network flags, or the session's settings under them, cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum NetworkArgError {
    #[error(transparent)]
    Flag(#[from] OverrideError),
    #[error("--cloudflare-api: {0}")]
    CloudflareApi(#[source] CloudflareApiError),
    #[error("the session's Cloudflare API URL: {0}")]
    SessionCloudflareApi(#[source] CloudflareApiError),
}

/// A target that is neither a URL, an existing path nor a host name. Quoted as given, with
/// control characters escaped.
#[derive(Debug, thiserror::Error)]
pub enum TargetArgError {
    #[error("target `{}` is not a valid URL: {source}", .target.escape_debug())]
    BadUrl {
        target: String,
        #[source]
        source: url::ParseError,
    },
    /// `redacted` is the URL with its user name and password taken out: the error must
    /// not copy them anywhere.
    #[error(
        "target `{redacted}` carries a user name or password, which would be copied into every result: give the URL without them"
    )]
    Credentials { redacted: String },
    #[error("target `{}` has no host", .0.escape_debug())]
    NoHost(String),
    #[error("target `{}`: {source}", .target.escape_debug())]
    Host {
        target: String,
        #[source]
        source: HostNameError,
    },
    #[error("target `{}` is not an existing path", .0.escape_debug())]
    NoPath(String),
    #[error("target `{}` is not a host, URL or existing path: {source}", .target.escape_debug())]
    NotATarget {
        target: String,
        #[source]
        source: HostNameError,
    },
    #[error("target `{}` is not a fully qualified host name", .0.escape_debug())]
    NotQualified(String),
}
