//! The pack's "Handing over to other tools" section: what was exported (the folder, when,
//! its files and how to start each part, with what the export left to do), and the
//! exports not made yet with the command that makes them. Read from the session's
//! export records, so the pack states only what was written.

use launch_ready_core::clean::clean_line;
use launch_ready_core::session::Session;
use launch_ready_core::session::exports::ExportKind;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Handoff {
    /// Exports made, newest first.
    pub exported: Vec<Exported>,
    /// Kinds not exported yet, each with the command that would make it.
    pub not_exported: Vec<NotExported>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Exported {
    /// `prometheus`, `ci`, `locust` or `plan`.
    pub kind: &'static str,
    pub what: &'static str,
    pub dir: String,
    /// RFC 3339, UTC.
    pub at: String,
    pub files: usize,
    /// Files holding a secret (mode 0600): keep them out of the repository.
    pub secret_files: Vec<String>,
    /// How to start it, in order.
    pub start: Vec<Step>,
    /// What the export left to do.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Step {
    /// A shell command, when the step is one.
    pub command: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NotExported {
    pub kind: &'static str,
    pub what: &'static str,
    pub command: String,
}

pub fn build(session: &Session) -> Handoff {
    let mut exported: Vec<Exported> = session
        .exports
        .iter()
        .map(|r| Exported {
            kind: r.kind.as_str(),
            what: r.kind.what(),
            dir: clean_line(&r.dir.display().to_string()),
            at: r
                .at
                .replace_nanosecond(0)
                .unwrap_or(r.at)
                .format(&Rfc3339)
                .unwrap_or_default(),
            files: r.files.len(),
            secret_files: r
                .files
                .iter()
                .filter(|f| f.secret)
                .map(|f| clean_line(&f.path.display().to_string()))
                .collect(),
            start: r
                .start
                .iter()
                .map(|s| Step {
                    command: s.command.as_deref().map(clean_line),
                    text: clean_line(&s.text),
                })
                .collect(),
            // Written for a terminal, where backticks quote a name; the pack quotes plainly.
            notes: r
                .notes
                .iter()
                .map(|s| clean_line(&s.replace('`', "\"")))
                .collect(),
        })
        .collect();
    exported.reverse();
    let not_exported = ExportKind::ALL
        .into_iter()
        .filter(|k| !session.exports.iter().any(|r| r.kind == *k))
        .map(|k| NotExported {
            kind: k.as_str(),
            what: k.what(),
            command: format!(
                "launch-ready export {} {} DIR",
                k.as_str(),
                clean_line(&session.name)
            ),
        })
        .collect();
    Handoff {
        exported,
        not_exported,
    }
}
