//! Handing a session to other engines once the sprint is over: a plan file for `check
//! --plan`, a Prometheus + blackbox exporter + Alertmanager setup, a GitHub Actions
//! workflow and a locustfile. Each exporter is a pure function from the plan (and the
//! alert routes' secrets, when known) to files; `out` writes them, so the generators are
//! tested without a disk and the disk rules (no silent overwrite, secrets at 0600) live in
//! one place.

pub mod ci;
pub mod flow_probes;
pub mod locust;
pub mod out;
pub mod plan;
pub mod prometheus;
pub mod record;
pub mod stack;

mod alertmanager;
mod rules;
#[cfg(test)]
mod test_plan;

pub use alertmanager::parse_version as alertmanager_version;
use std::path::PathBuf;

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{} exists; pass --force to replace it", .0.display())]
    Exists(PathBuf),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write YAML: {0}")]
    Yaml(#[from] serde_norway::Error),
    #[error("cannot write the plan: {0}")]
    Ron(#[from] ron::Error),
    #[error("--alertmanager-version `{0}` is not a version like 0.25 or 0.26")]
    AlertmanagerVersion(String),
    #[error(
        "Alertmanager {version} cannot read a webhook URL from a file, and the value of credential `{credential}` is not available here to write into its config: set it (`launch-ready secret set {credential}`) or export for 0.26 or later"
    )]
    SecretNeeded { version: String, credential: String },
}

/// One generated file, relative to the export folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: PathBuf,
    pub text: String,
    /// Holds a secret: written with mode 0600 and never echoed.
    pub secret: bool,
}

impl File {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> File {
        File {
            path: path.into(),
            text: text.into(),
            secret: false,
        }
    }

    pub fn secret(path: impl Into<PathBuf>, text: impl Into<String>) -> File {
        File {
            secret: true,
            ..File::new(path, text)
        }
    }
}

/// What an exporter produced: its files and lines for the person running it.
#[derive(Debug, Default)]
pub struct Export {
    pub files: Vec<File>,
    /// Warnings and next steps, printed on stderr.
    pub notes: Vec<String>,
}
