//! Turns a check's findings and evidence into the `CheckOutcome` every family returns.
//!
//! The probes of the tls, http and edge families only gather facts and findings; the
//! status, the one-line summary and the timing are derived here in one way, so that a
//! `high` finding means `fail` whichever family raised it.

use launch_ready_core::catalog::KindId;
use launch_ready_core::evidence::Observed;
use launch_ready_core::finding::{CheckStatus, Finding, Severity};
use launch_ready_core::session::model::CheckOutcome;
use std::time::Instant;

/// Collects the result of one check against one target while it runs.
#[derive(Debug)]
pub struct Judged {
    check: KindId,
    target: String,
    started: Instant,
    findings: Vec<Finding>,
    evidence: Option<Observed>,
}

impl Judged {
    /// Starts timing `check` against `target`.
    pub fn start(check: KindId, target: impl Into<String>) -> Judged {
        Judged {
            check,
            target: target.into(),
            started: Instant::now(),
            findings: Vec::new(),
            evidence: None,
        }
    }

    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Sets the check's typed evidence.
    pub fn observed(&mut self, evidence: impl Into<Observed>) {
        self.evidence = Some(evidence.into());
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The outcome with a status derived from the findings: `fail` for blocker or high,
    /// `warn` for medium or low, `pass` otherwise (info findings do not lower a pass).
    pub fn finish(self, summary_when_clean: &str) -> CheckOutcome {
        let worst = self.findings.iter().map(|f| f.severity).min();
        let status = launch_ready_core::outcome::status_for(&self.findings);
        let summary = match self.findings.iter().min_by_key(|f| f.severity) {
            Some(f) if worst != Some(Severity::Info) => {
                let more = self.findings.len() - 1;
                if more == 0 {
                    f.message.clone()
                } else {
                    format!("{} (+{more} more)", f.message)
                }
            }
            Some(f) => f.message.clone(),
            None => summary_when_clean.to_string(),
        };
        self.build(status, summary)
    }

    /// The outcome of a check that could not run (bad input, no connection where one was
    /// needed to judge anything).
    pub fn error(self, reason: impl std::fmt::Display) -> CheckOutcome {
        self.build(CheckStatus::Error, reason.to_string())
    }

    /// Skipped because a precondition failed that the finding `code` of another check
    /// reports (see `outcome::explained_by`).
    pub fn explained(self, reason: impl Into<String>, code: &str) -> CheckOutcome {
        let reason = reason.into();
        let mut o = self.build(CheckStatus::Skipped, format!("{reason} (see {code})"));
        o.explained_by = Some(code.to_string());
        o
    }

    /// The outcome of a check whose page could not be reached: skipped and explained by
    /// the finding that reports the failure when there is one, else an error.
    pub fn unreachable(self, e: &crate::net::page::PageError) -> CheckOutcome {
        let reason = e.to_string();
        match e.explained_by() {
            Some(code) => self.explained(reason, code),
            None => self.build(CheckStatus::Error, reason),
        }
    }

    fn build(self, status: CheckStatus, summary: String) -> CheckOutcome {
        CheckOutcome {
            check: self.check.as_str().to_string(),
            family: self.check.family().as_str().to_string(),
            target: self.target,
            status,
            duration_ms: u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            summary,
            findings: self.findings,
            // Nothing recorded (an error, a skip, a kind with only findings): no evidence,
            // rather than an empty shape of the kind's type.
            evidence: self.evidence.unwrap_or_default(),
            explained_by: None,
            needs_credential: None,
        }
    }
}

/// The finding codes of an outcome, in order (handy for callers and tests).
pub fn codes(outcome: &CheckOutcome) -> Vec<&str> {
    outcome.findings.iter().map(|f| f.code.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::code::Code;

    #[test]
    fn status_follows_the_worst_finding() {
        let j = Judged::start(KindId::TlsCertificate, "a.test");
        let o = j.finish("clean");
        assert_eq!((o.status, o.summary.as_str()), (CheckStatus::Pass, "clean"));
        assert_eq!(o.family, "tls");

        let mut j = Judged::start(KindId::HttpHeaders, "a.test");
        j.push(Finding::new(Code::HttpHstsWeak, "weak"));
        j.push(Finding::new(Code::HttpHstsMissing, "missing"));
        let o = j.finish("clean");
        assert_eq!(o.status, CheckStatus::Fail);
        assert_eq!(o.summary, "missing (+1 more)");

        let mut j = Judged::start(KindId::EdgeProvider, "a.test");
        j.push(Finding::new(Code::EdgeProvider, "behind Cloudflare"));
        let o = j.finish("clean");
        assert_eq!(
            (o.status, o.summary.as_str()),
            (CheckStatus::Pass, "behind Cloudflare")
        );
    }
}
