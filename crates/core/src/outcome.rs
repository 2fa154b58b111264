//! Small helpers every check family uses to build a `CheckOutcome`, so statuses mean the
//! same thing everywhere: no finding or only info → pass, medium or low → warn, high or
//! blocker → fail. The engine fills in name, family, target and duration.

use crate::evidence::Observed;
use crate::finding::{CheckStatus, Finding, Severity};
use crate::session::model::CheckOutcome;

/// The status a set of findings deserves.
pub fn status_for(findings: &[Finding]) -> CheckStatus {
    match findings.iter().map(|f| f.severity).min() {
        None | Some(Severity::Info) => CheckStatus::Pass,
        Some(Severity::Medium | Severity::Low) => CheckStatus::Warn,
        Some(Severity::Blocker | Severity::High) => CheckStatus::Fail,
    }
}

/// A judged outcome: status from the findings.
pub fn judged(
    summary: impl Into<String>,
    findings: Vec<Finding>,
    evidence: impl Into<Observed>,
) -> CheckOutcome {
    CheckOutcome {
        check: String::new(),
        family: String::new(),
        target: String::new(),
        status: status_for(&findings),
        duration_ms: 0,
        summary: summary.into(),
        findings,
        evidence: evidence.into(),
        explained_by: None,
        needs_credential: None,
    }
}

/// The check could not run; `reason` says why.
pub fn error(reason: impl std::fmt::Display) -> CheckOutcome {
    CheckOutcome {
        status: CheckStatus::Error,
        ..judged(reason.to_string(), Vec::new(), Observed::None)
    }
}

/// Could not be judged because a precondition failed that another check reports as the
/// finding `code` (a host with no address → `dns.unresolvable`). Skipped, not error: the
/// check itself works, and the verdict counts it as checked only when that finding is
/// there to explain it.
pub fn explained_by(reason: impl Into<String>, code: &str) -> CheckOutcome {
    CheckOutcome {
        explained_by: Some(code.to_string()),
        ..skipped(reason)
    }
}

/// Not applicable; `reason` says why.
pub fn skipped(reason: impl Into<String>) -> CheckOutcome {
    CheckOutcome {
        status: CheckStatus::Skipped,
        ..judged(reason, Vec::new(), Observed::None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;

    #[test]
    fn status_follows_the_worst_finding() {
        let f = |s| Finding::new(Code::EmailSpfMissing, "m").with_severity(s);
        assert_eq!(status_for(&[]), CheckStatus::Pass);
        assert_eq!(status_for(&[f(Severity::Info)]), CheckStatus::Pass);
        assert_eq!(
            status_for(&[f(Severity::Info), f(Severity::Low)]),
            CheckStatus::Warn
        );
        assert_eq!(
            status_for(&[f(Severity::Medium), f(Severity::High)]),
            CheckStatus::Fail
        );
    }
}
