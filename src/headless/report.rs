//! The headless JSON contract (`checks.md` "JSON output", schema in
//! `assets/schema/report-v1.json`). These DTOs are separate from the domain types so the
//! session format can evolve without breaking CI users.
//!
//! The report is an export, so every string in it that may come from a server (summaries,
//! messages, targets and each string inside the evidence, keys included) passes through
//! `clean` here, in one place, the walker the handover pack uses too: a CI log or `jq -r`
//! then prints nothing a terminal would interpret and no secret a page or a note carried,
//! whichever check forgot to clean its evidence.

use launch_ready_core::clean::{clean, clean_json};
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_core::session::model::CheckOutcome;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub tool: &'static str,
    pub version: &'static str,
    pub started_at: String,
    pub duration_ms: u64,
    pub verdict: &'static str,
    /// Why the verdict is what it is: the deciding blockers, or what was not checked.
    pub reasons: Vec<String>,
    pub results: Vec<ResultDto>,
    pub summary: SummaryDto,
    /// The open risks counted by defect, as the TUI and the handover pack count them (for
    /// the text output; the JSON contract has the findings and the verdict).
    #[serde(skip)]
    pub risks: RiskCounts,
}

/// Open risks counted by defect (one finding code at one severity, wherever found), and
/// the places they were found in.
#[derive(Debug, Clone, Default)]
pub struct RiskCounts {
    pub by_severity: FindingCounts,
    pub defects: usize,
    pub places: usize,
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
    /// For a result skipped because a precondition failed: the finding code that explains
    /// it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explained_by: Option<String>,
    /// For a result skipped for want of a credential: the credential to add.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_credential: Option<String>,
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

/// Evidence as exported: an empty object for none, every string sanitised and redacted.
fn clean_evidence(evidence: &serde_json::Value) -> serde_json::Value {
    if evidence.is_null() {
        serde_json::json!({})
    } else {
        clean_json(evidence)
    }
}

impl Report {
    pub fn new(
        started_at: String,
        duration_ms: u64,
        outcomes: &[CheckOutcome],
        assessment: &launch_ready_core::verdict::Assessment,
    ) -> Report {
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
                target: clean(&o.target),
                status,
                duration_ms: o.duration_ms,
                summary: clean(&o.summary),
                findings: o
                    .findings
                    .iter()
                    .map(|f| FindingDto {
                        code: f.code.to_string(),
                        severity: f.severity.as_str(),
                        message: clean(&f.message),
                        evidence: clean_evidence(&f.evidence),
                    })
                    .collect(),
                evidence: clean_evidence(&o.evidence.to_json()),
                explained_by: o.explained_by.clone(),
                needs_credential: o.needs_credential.clone(),
            });
        }
        let mut risks = RiskCounts {
            places: assessment.risks.len(),
            ..RiskCounts::default()
        };
        for d in assessment.defects() {
            risks.defects += 1;
            risks.by_severity.bump(d.risk.severity);
        }
        let verdict = assessment.verdict.as_str();
        let reasons = assessment.reasons.iter().map(|r| clean(r)).collect();
        Report {
            tool: "launch-ready",
            version: env!("CARGO_PKG_VERSION"),
            started_at,
            duration_ms,
            verdict,
            reasons,
            results,
            summary,
            risks,
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

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::code::Code;
    use launch_ready_core::finding::Finding;
    use serde_json::json;

    /// A no-go assessment whose only reason is `reason`.
    fn no_go(reason: String) -> launch_ready_core::verdict::Assessment {
        launch_ready_core::verdict::Assessment {
            verdict: launch_ready_core::session::model::Verdict::NoGo,
            risks: Vec::new(),
            accepted: Vec::new(),
            reasons: vec![reason],
        }
    }

    /// A failed outcome of `check` on `target` with `findings` and `evidence`.
    fn failed(
        check: &str,
        target: String,
        summary: String,
        findings: Vec<Finding>,
        evidence: serde_json::Value,
    ) -> CheckOutcome {
        CheckOutcome {
            check: check.into(),
            family: check.split('.').next().unwrap_or_default().into(),
            target,
            status: CheckStatus::Fail,
            summary,
            findings,
            evidence: launch_ready_core::evidence::Observed::read(
                launch_ready_core::catalog::KindId::parse(check),
                evidence,
            ),
            duration_ms: 0,
            explained_by: None,
            needs_credential: None,
        }
    }

    #[test]
    fn every_exported_string_is_free_of_terminal_sequences() {
        let hostile = "CN=x \u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}";
        let outcome = failed(
            "tls.certificate",
            format!("{hostile}.test"),
            hostile.into(),
            vec![
                Finding::new(Code::TlsUntrusted, hostile)
                    .with_evidence(json!({ "chain": [{ "subject": hostile }], hostile: 1 })),
            ],
            json!({ "head": hostile, "nested": { "list": [hostile, 3] } }),
        );
        let assessment = no_go(format!("blocked by {hostile}"));
        let report = Report::new(String::new(), 0, &[outcome], &assessment);
        let text = serde_json::to_string(&report).unwrap();
        for bad in ["\\u001b", "\\u0007", "\u{202e}", "pwned\\u"] {
            assert!(!text.contains(bad), "{bad} left in {text}");
        }
        assert!(!report.reasons[0].contains('\u{1b}'));
        assert_eq!(report.results[0].evidence["nested"]["list"][1], 3);
        assert_eq!(
            report.results[0].findings[0].evidence["chain"][0]["subject"],
            "CN=x "
        );
    }

    #[test]
    fn no_secret_a_check_copied_into_its_result_reaches_the_export() {
        // Split so the source itself holds no key-shaped literal.
        let key = ["sk_live_", "4eC39HqLyjWDarjtT1zdp7dc"].concat();
        let outcome = failed(
            "http.exposure",
            "https://a.test/".into(),
            format!("/.env served: STRIPE_SECRET_KEY={key}"),
            vec![
                Finding::new(Code::HttpEnvExposed, format!("key {key}"))
                    .with_evidence(json!({ "body": format!("STRIPE_SECRET_KEY={key}") })),
            ],
            json!({ "lines": [format!("STRIPE_SECRET_KEY={key}")] }),
        );
        let assessment = no_go(format!("exposed {key}"));
        let report = Report::new(String::new(), 0, &[outcome], &assessment);
        let text = serde_json::to_string(&report).unwrap();
        assert!(!text.contains(&key), "the key is in the export: {text}");
        assert!(text.contains("sk_l"), "a redacted preview stays: {text}");
    }
}
