//! Findings, severities and check statuses: the vocabulary shared by runbooks, sessions,
//! the check engine, the TUI and the headless output. Pure data, no IO.

pub use crate::severity::{Severity, UnknownSeverity};

use crate::code::Code;
use crate::family::Family;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The state of one checklist item, manual or automated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// Not looked at yet.
    #[default]
    Todo,
    /// An automated run is in flight.
    Running,
    /// Looked at and fine.
    Pass,
    /// Acceptable with reservations.
    Warn,
    /// A defect that needs fixing.
    Fail,
    /// The check itself could not run (network error, bad target, panic).
    Error,
    /// Not applicable to this product (the state carries the reason).
    Skipped,
    /// Manual check waiting on someone else.
    Blocked,
}

impl CheckStatus {
    pub const ALL: [CheckStatus; 8] = [
        CheckStatus::Todo,
        CheckStatus::Running,
        CheckStatus::Pass,
        CheckStatus::Warn,
        CheckStatus::Fail,
        CheckStatus::Error,
        CheckStatus::Skipped,
        CheckStatus::Blocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Todo => "todo",
            CheckStatus::Running => "running",
            CheckStatus::Pass => "pass",
            CheckStatus::Warn => "warn",
            CheckStatus::Fail => "fail",
            CheckStatus::Error => "error",
            CheckStatus::Skipped => "skipped",
            CheckStatus::Blocked => "blocked",
        }
    }

    /// Done means the item needs no more work in the sprint: passed, accepted with a warning,
    /// or skipped as not applicable.
    pub fn is_done(self) -> bool {
        matches!(
            self,
            CheckStatus::Pass | CheckStatus::Warn | CheckStatus::Skipped
        )
    }

    /// Rank used to combine several results into one: the worst wins.
    pub fn badness(self) -> u8 {
        match self {
            CheckStatus::Skipped => 0,
            CheckStatus::Todo => 1,
            CheckStatus::Pass => 2,
            CheckStatus::Running => 3,
            CheckStatus::Warn => 4,
            CheckStatus::Blocked => 5,
            CheckStatus::Error => 6,
            CheckStatus::Fail => 7,
        }
    }
}

impl fmt::Display for CheckStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One defect found by a check, under a catalog code such as `tls.expired`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Structured facts behind the finding (JSON-shaped so the headless output can carry it
    /// verbatim). Never holds a secret value: only redacted previews.
    #[serde(default)]
    pub evidence: serde_json::Value,
}

impl Finding {
    /// A finding at its code's default severity.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity: code.default_severity(),
            message: message.into(),
            evidence: Default::default(),
        }
    }

    /// The same finding at another severity than its code's default, for a check that
    /// grades it (a key found in history is milder than one in the working tree).
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    #[must_use]
    pub fn with_evidence(mut self, evidence: serde_json::Value) -> Self {
        self.evidence = evidence;
        self
    }

    /// Attaches `detail` as the finding's evidence, written as its JSON shape.
    #[must_use]
    pub fn with_detail<T: Serialize>(self, detail: &T) -> Self {
        let evidence = serde_json::to_value(detail).unwrap_or_default();
        self.with_evidence(evidence)
    }

    /// The finding's evidence read as `T`; `None` when it does not have that shape.
    pub fn detail<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        T::deserialize(&self.evidence).ok()
    }

    /// The family of its code (`tls` for `tls.expired`).
    pub fn family(&self) -> Family {
        self.code.family()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_sort_most_severe_first() {
        let mut v = vec![
            Severity::Info,
            Severity::Blocker,
            Severity::Low,
            Severity::High,
        ];
        v.sort();
        assert_eq!(
            v,
            [
                Severity::Blocker,
                Severity::High,
                Severity::Low,
                Severity::Info
            ]
        );
        assert!(Severity::Blocker.at_least(Severity::High));
        assert!(!Severity::Medium.at_least(Severity::High));
    }

    #[test]
    fn severity_parses_case_insensitively_and_rejects_unknown() {
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!(
            "critical"
                .parse::<Severity>()
                .unwrap_err()
                .to_string()
                .contains("critical")
        );
    }
}
