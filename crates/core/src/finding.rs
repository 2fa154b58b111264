//! Findings, severities and check statuses: the vocabulary shared by runbooks, sessions,
//! the check engine, the TUI and the headless output. Pure data, no IO.

use crate::catalog::Family;
use crate::code::Code;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad a finding is. Ordered from the most to the least severe so that sorting a list of
/// severities ascending puts blockers first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Launch cannot go ahead while this is open.
    Blocker,
    /// Must be fixed in the sprint.
    High,
    /// Should be fixed soon after launch.
    Medium,
    /// Worth noting in the handover.
    Low,
    /// Informational only.
    Info,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Blocker,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Blocker => "blocker",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// True when `self` is as severe as `threshold` or more.
    pub fn at_least(self, threshold: Severity) -> bool {
        self <= threshold
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity name that is none of the five.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity `{0}` (expected blocker, high, medium, low or info)")]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownSeverity(s.to_string()))
    }
}

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
