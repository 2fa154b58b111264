//! The handover pack (`launch-ready report`, `demo --report`, the TUI's export key): a
//! model built once from runbook, session and verdict (`build`), rendered to Markdown and
//! HTML by templates in `assets/report/` and to JSON by serialising the model, then
//! written atomically.

pub mod bottlenecks;
pub mod build;
pub mod chart;
pub mod deliverables;
pub mod handoff;
pub mod model;
pub mod render;
pub mod run;
pub mod setup;

pub use build::{build, env_columns};
pub use model::Handover;

use std::path::{Path, PathBuf};

/// Output formats of the pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Json,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Markdown, Format::Html, Format::Json];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Json => "json",
        }
    }

    /// Parses `md`, `markdown`, `html` or `json`.
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "html" => Some(Format::Html),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot render the {format} report: {message}")]
    Render {
        format: &'static str,
        message: String,
    },
    #[error("{} already exists (pass --force to replace it)", .0.display())]
    Exists(PathBuf),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The pack in `format`.
pub fn render(pack: &Handover, format: Format) -> Result<String, ReportError> {
    match format {
        Format::Markdown => render::markdown(pack),
        Format::Html => render::html(pack),
        Format::Json => serde_json::to_string_pretty(pack)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| ReportError::Render {
                format: "json",
                message: e.to_string(),
            }),
    }
}

/// Writes `text` to `path` by temp file, fsync and rename, so a reader never sees half a
/// pack. With `replace` false an existing file is refused.
pub fn write_atomic(path: &Path, text: &str, replace: bool) -> Result<(), ReportError> {
    use std::io::Write;
    let err = |source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    };
    if !replace && path.exists() {
        return Err(ReportError::Exists(path.to_path_buf()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".handover")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(err)?;
    tmp.write_all(text.as_bytes()).map_err(err)?;
    // A pack is a document to share, not a secret store: the usual file mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    if replace {
        tmp.persist(path).map_err(|e| err(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| err(e.error))?;
    }
    Ok(())
}

/// Environment variable naming the folder the TUI's export key writes packs into.
pub const EXPORT_DIR_ENV: &str = "LAUNCH_READY_EXPORT_DIR";

/// Where the TUI's export key writes the pack of the session stored at `session_path`:
/// `$LAUNCH_READY_EXPORT_DIR/NAME-handover`, else `NAME-handover` beside the session file.
pub fn export_dir(session_path: &Path, name: &str) -> PathBuf {
    let folder = format!("{name}-handover");
    match std::env::var_os(EXPORT_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir).join(folder),
        _ => session_path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(folder),
    }
}

/// Writes `handover.md`, `handover.html` and `handover.json` into `dir` (created if
/// needed), replacing earlier packs there; returns the paths in that order.
pub fn write_pack(dir: &Path, pack: &Handover) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths = Vec::new();
    for f in Format::ALL {
        let path = dir.join(format!("handover.{}", f.extension()));
        write_atomic(&path, &render(pack, f)?, true)?;
        paths.push(path);
    }
    Ok(paths)
}

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_bottlenecks;
#[cfg(test)]
mod tests_deliverables;
