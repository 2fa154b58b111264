//! What was handed to other engines: each `launch-ready export` the session saw, with the
//! folder it wrote, the files in it and how to start each part, so the handover pack can
//! say what exists rather than only what could be exported.
//!
//! One record per kind and folder: exporting again to the same place replaces the record,
//! exporting to a second folder adds one. Records name files and commands only: secrets
//! stay in the files the export wrote with mode 0600, never here.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use time::OffsetDateTime;

/// Most records kept; the oldest go first.
pub const MAX_RECORDS: usize = 16;

/// The engines a session can be handed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportKind {
    /// The plan file alone, for `check --plan` anywhere.
    Plan,
    /// A GitHub Actions workflow.
    Ci,
    /// Blackbox exporter, Prometheus and Alertmanager.
    Prometheus,
    /// A locustfile.
    Locust,
}

impl ExportKind {
    pub const ALL: [ExportKind; 4] = [
        ExportKind::Prometheus,
        ExportKind::Ci,
        ExportKind::Locust,
        ExportKind::Plan,
    ];

    /// The word `launch-ready export` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Plan => "plan",
            ExportKind::Ci => "ci",
            ExportKind::Prometheus => "prometheus",
            ExportKind::Locust => "locust",
        }
    }

    /// What the export is, in the pack's words.
    pub fn what(self) -> &'static str {
        match self {
            ExportKind::Plan => "the plan file, for launch-ready check --plan anywhere",
            ExportKind::Ci => {
                "a GitHub Actions workflow: checks on pushes and daily, smoke flows after deploys"
            }
            ExportKind::Prometheus => {
                "probes, alert rules and alert routes for the blackbox exporter, Prometheus and Alertmanager"
            }
            ExportKind::Locust => {
                "a locustfile judged by the runbook's budgets, for load from several machines"
            }
        }
    }
}

/// One export as it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportRecord {
    pub kind: ExportKind,
    /// The folder written (absolute).
    pub dir: PathBuf,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The files written, relative to `dir`, secret ones marked.
    pub files: Vec<ExportedFile>,
    /// How to start it, in order.
    pub start: Vec<StartStep>,
    /// What the export left to do (a credential it could not read, a setting left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One step of starting an export: a command to run, what to do by hand, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartStep {
    /// A shell command, run as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// What the step does or asks, in words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

impl StartStep {
    pub fn run(command: impl Into<String>, text: impl Into<String>) -> StartStep {
        StartStep {
            command: Some(command.into()),
            text: text.into(),
        }
    }

    pub fn by_hand(text: impl Into<String>) -> StartStep {
        StartStep {
            command: None,
            text: text.into(),
        }
    }

    /// One line: the command, then its words after a dash.
    pub fn line(&self) -> String {
        match (&self.command, self.text.is_empty()) {
            (Some(c), true) => c.clone(),
            (Some(c), false) => format!("{c} — {}", self.text),
            (None, _) => self.text.clone(),
        }
    }
}

/// One file an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedFile {
    pub path: PathBuf,
    /// Holds a secret (written with mode 0600).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
}

/// Adds `record` to `records`, replacing one of the same kind and folder and dropping the
/// oldest beyond `MAX_RECORDS`.
pub fn remember(records: &mut Vec<ExportRecord>, record: ExportRecord) {
    records.retain(|r| !(r.kind == record.kind && r.dir == record.dir));
    records.push(record);
    if records.len() > MAX_RECORDS {
        let extra = records.len() - MAX_RECORDS;
        records.drain(..extra);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(kind: ExportKind, dir: &str, minute: i64) -> ExportRecord {
        ExportRecord {
            kind,
            dir: dir.into(),
            at: OffsetDateTime::UNIX_EPOCH + time::Duration::minutes(minute),
            files: vec![ExportedFile {
                path: "README.md".into(),
                secret: false,
            }],
            start: vec![StartStep::run("docker compose up -d", "")],
            notes: Vec::new(),
        }
    }

    #[test]
    fn the_same_kind_and_folder_is_replaced_and_the_list_is_bounded() {
        let mut all = Vec::new();
        remember(&mut all, rec(ExportKind::Prometheus, "/a", 1));
        remember(&mut all, rec(ExportKind::Ci, "/a", 2));
        remember(&mut all, rec(ExportKind::Prometheus, "/a", 3));
        remember(&mut all, rec(ExportKind::Prometheus, "/b", 4));
        let got: Vec<(ExportKind, &str, i64)> = all
            .iter()
            .map(|r| {
                (
                    r.kind,
                    r.dir.to_str().unwrap(),
                    (r.at - OffsetDateTime::UNIX_EPOCH).whole_minutes(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (ExportKind::Ci, "/a", 2),
                (ExportKind::Prometheus, "/a", 3),
                (ExportKind::Prometheus, "/b", 4)
            ]
        );
        for i in 0..40 {
            remember(&mut all, rec(ExportKind::Locust, &format!("/l{i}"), 10 + i));
        }
        assert_eq!(all.len(), MAX_RECORDS);
        assert_eq!(all.last().unwrap().dir, PathBuf::from("/l39"));
    }

    #[test]
    fn a_record_round_trips_through_ron() {
        let r = rec(ExportKind::Locust, "/x", 5);
        let text = ron::to_string(&r).unwrap();
        assert!(
            text.contains("kind:locust") || text.contains("kind: locust"),
            "{text}"
        );
        assert_eq!(ron::from_str::<ExportRecord>(&text).unwrap(), r);
    }
}
