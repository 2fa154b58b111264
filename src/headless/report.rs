//! The headless JSON contract (`checks.md` "JSON output", schema in
//! `assets/schema/report-v1.json`). These DTOs are separate from the domain types so the
//! session format can evolve without breaking CI users.

use crate::finding::{CheckStatus, Severity};
use crate::session::model::CheckOutcome;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub tool: &'static str,
    pub version: &'static str,
    pub started_at: String,
    pub duration_ms: u64,
    pub verdict: &'static str,
    pub results: Vec<ResultDto>,
    pub summary: SummaryDto,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResultDto {
    pub check: String,
    pub family: String,
    pub target: String,
    pub status: &'static str,
    pub duration_ms: u64,
    pub summary: String,
    pub findings: Vec<FindingDto>,
    pub evidence: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingDto {
    pub code: String,
    pub severity: &'static str,
    pub message: String,
    pub evidence: serde_json::Value,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SummaryDto {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub error: usize,
    pub skipped: usize,
    pub findings: FindingCounts,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FindingCounts {
    pub blocker: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
}

impl FindingCounts {
    fn bump(&mut self, s: Severity) {
        match s {
            Severity::Blocker => self.blocker += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Info => self.info += 1,
        }
    }
}

/// Statuses a result may have in the report; in-flight states never reach it.
fn status_str(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "pass",
        CheckStatus::Warn => "warn",
        CheckStatus::Fail => "fail",
        CheckStatus::Skipped => "skipped",
        CheckStatus::Error | CheckStatus::Todo | CheckStatus::Running | CheckStatus::Blocked => {
            "error"
        }
    }
}

impl Report {
    pub fn new(started_at: String, duration_ms: u64, outcomes: &[CheckOutcome]) -> Report {
        let mut summary = SummaryDto::default();
        let mut results = Vec::with_capacity(outcomes.len());
        for o in outcomes {
            let status = status_str(o.status);
            match status {
                "pass" => summary.pass += 1,
                "warn" => summary.warn += 1,
                "fail" => summary.fail += 1,
                "skipped" => summary.skipped += 1,
                _ => summary.error += 1,
            }
            for f in &o.findings {
                summary.findings.bump(f.severity);
            }
            results.push(ResultDto {
                check: o.check.clone(),
                family: o.family.clone(),
                target: o.target.clone(),
                status,
                duration_ms: o.duration_ms,
                summary: o.summary.clone(),
                findings: o
                    .findings
                    .iter()
                    .map(|f| FindingDto {
                        code: f.code.clone(),
                        severity: f.severity.as_str(),
                        message: f.message.clone(),
                        evidence: if f.evidence.is_null() {
                            serde_json::json!({})
                        } else {
                            f.evidence.clone()
                        },
                    })
                    .collect(),
                evidence: if o.evidence.is_null() {
                    serde_json::json!({})
                } else {
                    o.evidence.clone()
                },
            });
        }
        let verdict = if summary.findings.blocker > 0 {
            "no-go"
        } else {
            "go"
        };
        Report {
            tool: "launch-ready",
            version: env!("CARGO_PKG_VERSION"),
            started_at,
            duration_ms,
            verdict,
            results,
            summary,
        }
    }

    /// The most severe finding, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.results
            .iter()
            .flat_map(|r| r.findings.iter())
            .filter_map(|f| f.severity.parse::<Severity>().ok())
            .min()
    }
}
