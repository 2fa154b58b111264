//! The runbooks this process can use: the five compiled into the binary, plus any `*.ron` in
//! the user config dir's `runbooks/` folder. A user runbook with a bundled id shadows it, so a
//! consultant can tune a bundled runbook without rebuilding.

use super::load::{self, Loaded, Origin, RunbookError};
use std::path::Path;

/// The bundled runbooks: file name and source text.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "b2b-demo-to-launch.ron",
        include_str!("../../../../runbooks/b2b-demo-to-launch.ron"),
    ),
    (
        "internal-ops-first-customers.ron",
        include_str!("../../../../runbooks/internal-ops-first-customers.ron"),
    ),
    (
        "marketplace-demo-to-launch.ron",
        include_str!("../../../../runbooks/marketplace-demo-to-launch.ron"),
    ),
    (
        "b2b-idea-to-prototype.ron",
        include_str!("../../../../runbooks/b2b-idea-to-prototype.ron"),
    ),
    (
        "b2b-landing-first-customers.ron",
        include_str!("../../../../runbooks/b2b-landing-first-customers.ron"),
    ),
];

/// Parses every bundled runbook. A bundled runbook that fails is a build defect, caught by
/// the test suite; at run time it is reported like any other invalid file.
pub fn bundled() -> Vec<Result<Loaded, RunbookError>> {
    BUNDLED
        .iter()
        .map(|(name, source)| {
            let file = format!("runbooks/{name}");
            load::parse(source, &file).map(|runbook| Loaded {
                runbook,
                origin: Origin::Bundled(name),
                hash: load::content_hash(source),
            })
        })
        .collect()
}

/// Every runbook file in `dir` (sorted by name), parsed. A missing folder is no runbooks.
pub fn from_dir(dir: &Path) -> Vec<Result<Loaded, RunbookError>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    paths.sort();
    paths.iter().map(|p| load::load_file(p)).collect()
}

/// Why a runbook asked for by id or path could not be had.
#[derive(Debug, thiserror::Error)]
pub enum FindError {
    /// Neither a known id nor an existing file.
    #[error("no runbook `{id}` (known ids: {known}; or give the path of a runbook file)")]
    Unknown { id: String, known: String },
    /// The file exists but does not load.
    #[error(transparent)]
    Invalid(#[from] RunbookError),
}

/// The runbooks available: user ones first (they shadow bundled ids), then bundled. Invalid
/// files are returned as errors so the caller can report them without losing the rest.
pub struct Library {
    pub runbooks: Vec<Loaded>,
    pub errors: Vec<RunbookError>,
}

impl Library {
    /// The bundled runbooks and the user's own, from the user's runbooks folder.
    pub fn installed() -> Library {
        Library::load(crate::paths::user_runbooks_dir().as_deref())
    }

    /// Bundled runbooks plus those in `user_dir` (if given).
    pub fn load(user_dir: Option<&Path>) -> Library {
        let mut runbooks: Vec<Loaded> = Vec::new();
        let mut errors = Vec::new();
        let user = user_dir.map(from_dir).unwrap_or_default();
        for r in user.into_iter().chain(bundled()) {
            match r {
                Ok(l) if runbooks.iter().any(|x| x.runbook.id == l.runbook.id) => {}
                Ok(l) => runbooks.push(l),
                Err(e) => errors.push(e),
            }
        }
        Library { runbooks, errors }
    }

    pub fn get(&self, id: &str) -> Option<&Loaded> {
        self.runbooks.iter().find(|l| l.runbook.id == id)
    }

    /// The runbook with `id`, or else the one in the file at `path` (where a session that
    /// began from a runbook file records it).
    pub fn find(&self, id: &str, path: Option<&Path>) -> Result<Loaded, FindError> {
        match (self.get(id), path) {
            (Some(l), _) => Ok(l.clone()),
            (None, Some(p)) => Ok(load::load_file(p)?),
            (None, None) => self.resolve(id),
        }
    }

    /// Resolves `id_or_path`: a known id, or else a path to a runbook file.
    pub fn resolve(&self, id_or_path: &str) -> Result<Loaded, FindError> {
        if let Some(l) = self.get(id_or_path) {
            return Ok(l.clone());
        }
        let path = Path::new(id_or_path);
        if path.exists() {
            return Ok(load::load_file(path)?);
        }
        Err(FindError::Unknown {
            id: id_or_path.to_string(),
            known: self
                .runbooks
                .iter()
                .map(|l| l.runbook.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}
