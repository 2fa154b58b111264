//! One result per run in the report. Two runbook checks that name the same kind with the
//! same parameters share one run in the engine (see `engine::Scope::shared_run`), and
//! each check records it with its own severity overrides; the `results` a CI reader sees
//! list that run once, at the severity the verdict weighs it (the most severe any check
//! gave it), not once per check with two severities.

use launch_ready_core::session::model::CheckOutcome;
use std::collections::BTreeMap;

/// The runbook parameters a result was run with.
pub type Params = BTreeMap<String, String>;

/// `results` (each with its job's parameters) with every result of the same kind, target
/// and parameters folded into the first: each finding keeps its most severe severity and
/// the result its worst status. Order is that of first appearance.
pub fn fold(results: Vec<(Params, CheckOutcome)>) -> Vec<CheckOutcome> {
    let mut out: Vec<(Params, CheckOutcome)> = Vec::with_capacity(results.len());
    for (params, o) in results {
        let same = out
            .iter_mut()
            .find(|(p, kept)| kept.check == o.check && kept.target == o.target && *p == params);
        match same {
            Some((_, kept)) => merge(kept, &o),
            None => out.push((params, o)),
        }
    }
    out.into_iter().map(|(_, o)| o).collect()
}

/// Folds `other`, the same run recorded by another check, into `kept`.
fn merge(kept: &mut CheckOutcome, other: &CheckOutcome) {
    for (k, o) in kept.findings.iter_mut().zip(&other.findings) {
        if k.code == o.code && o.severity < k.severity {
            k.severity = o.severity;
        }
    }
    if other.status.badness() > kept.status.badness() {
        kept.status = other.status;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::code::Code;
    use launch_ready_core::finding::{CheckStatus, Finding, Severity};

    fn result(check: &str, target: &str, status: CheckStatus, severity: Severity) -> CheckOutcome {
        CheckOutcome {
            check: check.into(),
            family: "http".into(),
            target: target.into(),
            status,
            duration_ms: 3,
            summary: "s".into(),
            findings: vec![
                Finding::new(Code::HttpRedirectChainLong, "3 hops").with_severity(severity),
            ],
            evidence: Default::default(),
            explained_by: None,
            needs_credential: None,
        }
    }

    #[test]
    fn one_run_shared_by_two_checks_is_listed_once_at_its_worst_severity() {
        let none = Params::new();
        let folded = fold(vec![
            (
                none.clone(),
                result(
                    "http.redirects",
                    "a.test",
                    CheckStatus::Warn,
                    Severity::Medium,
                ),
            ),
            (
                none.clone(),
                result(
                    "http.redirects",
                    "b.test",
                    CheckStatus::Warn,
                    Severity::Medium,
                ),
            ),
            (
                none.clone(),
                result(
                    "http.redirects",
                    "a.test",
                    CheckStatus::Fail,
                    Severity::High,
                ),
            ),
        ]);
        assert_eq!(folded.len(), 2);
        assert_eq!(folded[0].target, "a.test");
        assert_eq!(folded[0].findings[0].severity, Severity::High);
        assert_eq!(folded[0].status, CheckStatus::Fail);
        assert_eq!(folded[1].findings[0].severity, Severity::Medium);
    }

    #[test]
    fn other_parameters_are_another_run() {
        let slow = Params::from([("p95_ms".to_string(), "50".to_string())]);
        let folded = fold(vec![
            (
                Params::new(),
                result(
                    "perf.latency",
                    "https://a.test/",
                    CheckStatus::Pass,
                    Severity::Low,
                ),
            ),
            (
                slow,
                result(
                    "perf.latency",
                    "https://a.test/",
                    CheckStatus::Pass,
                    Severity::Low,
                ),
            ),
        ]);
        assert_eq!(folded.len(), 2);
    }
}
