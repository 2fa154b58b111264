//! Parsing and validating runbooks. Syntax errors come from RON with their span; semantic
//! errors (duplicate ids, empty stages, bad references) are located by finding the offending
//! value in the source text, so every error reads `FILE:LINE:COLUMN: what is wrong`.

use super::model::{Run, Runbook, SPRINT_HOURS, STAGE_COUNT};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// Where a runbook came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into the binary from `runbooks/`.
    Bundled(&'static str),
    /// A file on disk (the user config dir or a path given on the command line).
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Bundled(name) => write!(f, "runbooks/{name}"),
            Origin::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A validated runbook with its origin and content hash.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub runbook: Runbook,
    pub origin: Origin,
    /// `sha256:` + hex of the source text; sessions record it to notice edits.
    pub hash: String,
}

/// One problem with a runbook file, located in the source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct RunbookError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Parses and validates runbook source text. `file` names it in error messages.
pub fn parse(source: &str, file: &str) -> Result<Runbook, RunbookError> {
    let runbook: Runbook = ron::Options::default()
        .from_str(source)
        .map_err(|e| RunbookError {
            file: file.to_string(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })?;
    validate(&runbook, source, file)?;
    Ok(runbook)
}

/// A runbook is a page or two of RON; anything far larger is not one.
const MAX_RUNBOOK_BYTES: u64 = 4 * 1024 * 1024;

/// Loads a runbook from a file on disk.
pub fn load_file(path: &Path) -> Result<Loaded, RunbookError> {
    let file = path.display().to_string();
    let unreadable = |message: String| RunbookError {
        file: file.clone(),
        line: 1,
        column: 1,
        message: format!("cannot read the file: {message}"),
    };
    let bytes =
        crate::files::read(path, MAX_RUNBOOK_BYTES).map_err(|e| unreadable(e.to_string()))?;
    let source = String::from_utf8(bytes).map_err(|e| unreadable(e.utf8_error().to_string()))?;
    let runbook = parse(&source, &file)?;
    Ok(Loaded {
        runbook,
        origin: Origin::File(path.to_path_buf()),
        hash: content_hash(&source),
    })
}

pub fn content_hash(source: &str) -> String {
    let digest = Sha256::digest(source.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn validate(rb: &Runbook, source: &str, file: &str) -> Result<(), RunbookError> {
    let err = |key: &str, value: &str, nth: usize, message: String| {
        let (line, column) = locate(source, key, value, nth);
        RunbookError {
            file: file.to_string(),
            line,
            column,
            message,
        }
    };
    let at_top = |message: String| {
        let (line, column) = locate(source, "id", &rb.id, 0);
        RunbookError {
            file: file.to_string(),
            line,
            column,
            message,
        }
    };

    if !is_slug(&rb.id) {
        return Err(at_top(format!(
            "runbook id `{}` must be lowercase letters, digits and `-`",
            rb.id
        )));
    }
    if rb.stages.len() != STAGE_COUNT {
        return Err(at_top(format!(
            "a runbook has {STAGE_COUNT} stages; this one has {}",
            rb.stages.len()
        )));
    }
    check_percent(rb.targets.error_rate_pct, "error_rate_pct")
        .map_err(|e| at_top(e.to_string()))?;
    check_percent(rb.targets.uptime_pct, "uptime_pct").map_err(|e| at_top(e.to_string()))?;
    if rb.targets.lighthouse_score.is_some_and(|s| s > 100) {
        return Err(at_top("lighthouse_score must be between 0 and 100".into()));
    }
    if let Some(unread) = super::readers::first_unread(rb) {
        let (line, column) = locate_key(source, unread.field);
        return Err(RunbookError {
            file: file.to_string(),
            line,
            column,
            message: unread.to_string(),
        });
    }

    let mut stage_ids = HashSet::new();
    let mut check_ids = HashSet::new();
    let mut seen_ids: Vec<&str> = Vec::new();
    let nth_id = |seen: &Vec<&str>, id: &str| seen.iter().filter(|s| **s == id).count();
    for stage in &rb.stages {
        let nth = nth_id(&seen_ids, &stage.id);
        seen_ids.push(&stage.id);
        if !is_slug(&stage.id) {
            return Err(err(
                "id",
                &stage.id,
                nth,
                format!(
                    "stage id `{}` must be lowercase letters, digits and `-`",
                    stage.id
                ),
            ));
        }
        if !stage_ids.insert(stage.id.as_str()) {
            return Err(err(
                "id",
                &stage.id,
                nth,
                format!("duplicate stage id `{}`", stage.id),
            ));
        }
        if stage.checks.is_empty() {
            return Err(err(
                "id",
                &stage.id,
                nth,
                format!("stage `{}` has no checks", stage.id),
            ));
        }
        check_hours(stage.hours)
            .map_err(|m| err("id", &stage.id, nth, format!("stage `{}`: {m}", stage.id)))?;
        for check in &stage.checks {
            let nth = nth_id(&seen_ids, &check.id);
            seen_ids.push(&check.id);
            if !is_slug(&check.id) {
                return Err(err(
                    "id",
                    &check.id,
                    nth,
                    format!(
                        "check id `{}` must be lowercase letters, digits and `-`",
                        check.id
                    ),
                ));
            }
            if !check_ids.insert(check.id.as_str()) || stage_ids.contains(check.id.as_str()) {
                return Err(err(
                    "id",
                    &check.id,
                    nth,
                    format!("duplicate check id `{}`", check.id),
                ));
            }
            if let Run::Auto { kind, severity, .. } = &check.run {
                for code in severity.keys() {
                    if !kind.0.codes.iter().any(|c| c == code.as_str()) {
                        return Err(err(
                            "id",
                            &check.id,
                            nth,
                            format!(
                                "check `{}`: `{code}` is not a finding code of `{}` (it reports {})",
                                check.id,
                                kind.0.name,
                                kind.0
                                    .codes
                                    .iter()
                                    .map(|c| c.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    }
                }
            }
        }
    }
    for bar in &rb.minimum_bar {
        for kind in &bar.kinds {
            if !rb
                .checks()
                .any(|(_, c)| c.run.kind().is_some_and(|k| k.id == kind.0.id))
            {
                return Err(err(
                    "requirement",
                    &bar.requirement,
                    0,
                    format!(
                        "minimum bar `{}` names `{}`, which no check of this runbook runs",
                        bar.area, kind.0.name
                    ),
                ));
            }
        }
    }
    for item in &rb.sprint_map {
        for sid in &item.stages {
            if !stage_ids.contains(sid.as_str()) {
                return Err(err(
                    "item",
                    &item.item,
                    0,
                    format!("sprint item `{}` names unknown stage `{sid}`", item.item),
                ));
            }
        }
    }
    for step in &rb.sequence {
        check_hours(step.hours).map_err(|m| {
            err(
                "title",
                &step.title,
                0,
                format!("step `{}`: {m}", step.title),
            )
        })?;
        for sid in &step.stages {
            if !stage_ids.contains(sid.as_str()) {
                return Err(err(
                    "title",
                    &step.title,
                    0,
                    format!("step `{}` names unknown stage `{sid}`", step.title),
                ));
            }
        }
    }
    if rb.sequence.is_empty() {
        return Err(at_top("the hour-by-hour sequence is empty".into()));
    }
    for flow in &rb.flows {
        flow.validate().map_err(|e| at_top(e.to_string()))?;
    }
    Ok(())
}

/// A number of the runbook outside the range it must lie in.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
enum RangeError {
    #[error("hour window ({start}, {end}) must satisfy 0 <= start < end <= {SPRINT_HOURS}")]
    Hours { start: u8, end: u8 },
    #[error("{name} must be a percentage between 0 and 100, got {value}")]
    Percent { name: &'static str, value: f64 },
}

fn check_hours((start, end): (u8, u8)) -> Result<(), RangeError> {
    if start >= end || end > SPRINT_HOURS {
        Err(RangeError::Hours { start, end })
    } else {
        Ok(())
    }
}

fn check_percent(v: Option<f64>, name: &'static str) -> Result<(), RangeError> {
    match v {
        Some(value) if !(0.0..=100.0).contains(&value) => Err(RangeError::Percent { name, value }),
        _ => Ok(()),
    }
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Line and column (1-based) of the `nth` occurrence of `key: "value"` in `source`, or of the
/// value alone when the key form is not found; `(1, 1)` as a last resort.
fn locate(source: &str, key: &str, value: &str, nth: usize) -> (usize, usize) {
    let quoted = format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""));
    let pattern = format!(r"\b{}\s*:\s*{}", regex::escape(key), regex::escape(&quoted));
    let offset = regex::Regex::new(&pattern)
        .ok()
        .and_then(|re| re.find_iter(source).nth(nth).map(|m| m.start()))
        .or_else(|| source.match_indices(&quoted).nth(nth).map(|(i, _)| i));
    match offset {
        Some(off) => line_col(source, off),
        None => (1, 1),
    }
}

/// Line and column (1-based) of the first `key:` in `source`, `(1, 1)` when absent.
fn locate_key(source: &str, key: &str) -> (usize, usize) {
    let pattern = format!(r"\b{}\s*:", regex::escape(key));
    regex::Regex::new(&pattern)
        .ok()
        .and_then(|re| re.find(source).map(|m| m.start()))
        .map_or((1, 1), |off| line_col(source, off))
}

fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_finds_the_nth_occurrence() {
        let src = "a\n  id: \"x\",\n  id: \"x\",\n";
        assert_eq!(locate(src, "id", "x", 0), (2, 3));
        assert_eq!(locate(src, "id", "x", 1), (3, 3));
        assert_eq!(locate(src, "id", "missing", 0), (1, 1));
    }

    #[test]
    fn slugs() {
        assert!(is_slug("b2b-demo-to-launch"));
        assert!(!is_slug("B2B"));
        assert!(!is_slug("-x"));
        assert!(!is_slug(""));
    }
}
