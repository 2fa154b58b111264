//! The go / no-go rules and the risk list. Pure: a function of the runbook, the session and
//! the clock, so the TUI, the headless command and the report agree by construction.
//!
//! Rules:
//! - Open findings come from the latest evidence of each automated check that is not
//!   skipped; the operator's severity override on the check replaces the findings' severity.
//! - A check that is not done (pass, warn or skipped) is itself a risk at the check's
//!   severity: a manual check not answered, an automated check not run yet, or one that
//!   could not run.
//! - No-go when any open finding is a blocker, or any blocker-severity check is not done.
//! - Risks are ranked by severity, then stage order, then runbook order.

use crate::finding::{CheckStatus, Severity};
use crate::runbook::{Run, Runbook};
use crate::session::Session;
use crate::session::model::Verdict;
use time::OffsetDateTime;

/// One entry of the risk list.
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    pub severity: Severity,
    pub stage: usize,
    pub check_id: String,
    pub check_title: String,
    /// Finding code, or `None` when the risk is the check itself being unpassed.
    pub code: Option<String>,
    /// Target the finding is about (empty for unpassed checks).
    pub target: String,
    pub message: String,
    /// The evidence behind it is older than the freshness window.
    pub stale: bool,
}

/// The verdict with the risks that decide it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub verdict: Verdict,
    pub risks: Vec<Risk>,
    /// Plain-language reasons for the verdict (the blockers, or why it is a go).
    pub reasons: Vec<String>,
}

impl Assessment {
    pub fn count(&self, severity: Severity) -> usize {
        self.risks.iter().filter(|r| r.severity == severity).count()
    }
}

pub fn assess(runbook: &Runbook, session: &Session, now: OffsetDateTime) -> Assessment {
    let mut risks = Vec::new();
    for (stage, check) in runbook.checks() {
        let state = session.state(&check.id);
        let status = state.map_or(CheckStatus::Todo, |s| s.status);
        let override_sev = state.and_then(|s| s.severity_override);
        if status == CheckStatus::Skipped {
            continue;
        }
        let stale = state.is_some_and(|s| s.is_stale(now));
        if let (Run::Auto { .. }, Some(ev)) = (&check.run, state.and_then(|s| s.latest())) {
            for r in &ev.results {
                for f in &r.findings {
                    risks.push(Risk {
                        severity: override_sev.unwrap_or(f.severity),
                        stage,
                        check_id: check.id.clone(),
                        check_title: check.title.clone(),
                        code: Some(f.code.clone()),
                        target: r.target.clone(),
                        message: f.message.clone(),
                        stale,
                    });
                }
            }
        }
        // A failed automated check is already represented by its findings.
        let explained_by_findings =
            status == CheckStatus::Fail && risks.iter().any(|r| r.check_id == check.id);
        let open = !(status.is_done() || explained_by_findings);
        if open {
            let message = match (status, &check.run) {
                (CheckStatus::Todo, Run::Manual { .. }) => "not answered yet".to_string(),
                (CheckStatus::Todo, Run::Auto { .. }) => "not run yet".to_string(),
                (CheckStatus::Running, _) => "running".to_string(),
                (CheckStatus::Error, _) => "the check could not run".to_string(),
                (CheckStatus::Blocked, _) => "blocked: waiting on someone".to_string(),
                (CheckStatus::Fail, _) => "marked failed".to_string(),
                (s, _) => s.as_str().to_string(),
            };
            risks.push(Risk {
                severity: override_sev.unwrap_or(check.severity),
                stage,
                check_id: check.id.clone(),
                check_title: check.title.clone(),
                code: None,
                target: String::new(),
                message,
                stale,
            });
        }
    }
    // Stable sort keeps runbook order within equal severity and stage.
    risks.sort_by_key(|r| (r.severity, r.stage));

    let blockers: Vec<&Risk> = risks
        .iter()
        .filter(|r| r.severity == Severity::Blocker)
        .collect();
    let verdict = if blockers.is_empty() {
        Verdict::Go
    } else {
        Verdict::NoGo
    };
    let reasons = if blockers.is_empty() {
        let open = risks.len();
        vec![if open == 0 {
            "no open risks".to_string()
        } else {
            format!("no blockers; {open} lower-severity risks stay open")
        }]
    } else {
        blockers
            .iter()
            .map(|r| match &r.code {
                Some(code) => format!("{}: {code} on {} — {}", r.check_title, r.target, r.message),
                None => format!("{}: {}", r.check_title, r.message),
            })
            .collect()
    };
    Assessment {
        verdict,
        risks,
        reasons,
    }
}

/// Share of checks done (pass, warn, skipped) in each stage: `(done, total)`.
pub fn stage_progress(runbook: &Runbook, session: &Session) -> Vec<(usize, usize)> {
    runbook
        .stages
        .iter()
        .map(|s| {
            let done = s
                .checks
                .iter()
                .filter(|c| session.status(&c.id).is_done())
                .count();
            (done, s.checks.len())
        })
        .collect()
}

/// Overall `(done, total)`.
pub fn progress(runbook: &Runbook, session: &Session) -> (usize, usize) {
    stage_progress(runbook, session)
        .into_iter()
        .fold((0, 0), |(d, t), (sd, st)| (d + sd, t + st))
}
