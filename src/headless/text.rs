//! Text output of `check`: grouped by target, one line per result, findings indented with
//! their severity, then the counts (findings, and risks by defect as every other screen
//! counts them, with a line saying how the two differ) and the verdict. Every remote-derived string passes
//! through `sanitize::sanitize_line`.

use super::report::Report;
use launch_ready_core::sanitize::sanitize_line as sanitize;
use std::fmt::Write;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let mut targets: Vec<&str> = Vec::new();
    for r in &report.results {
        if !targets.contains(&r.target.as_str()) {
            targets.push(&r.target);
        }
    }
    for t in targets {
        let title = if t.is_empty() { "(no target)" } else { t };
        let _ = writeln!(out, "{}", sanitize(title));
        for r in report.results.iter().filter(|r| r.target == t) {
            let _ = writeln!(
                out,
                "  {:<7} {:<18} {} ({} ms)",
                r.status,
                r.check,
                sanitize(&r.summary),
                r.duration_ms
            );
            for f in &r.findings {
                let _ = writeln!(
                    out,
                    "      {:<7} {}: {}",
                    f.severity,
                    f.code,
                    sanitize(&f.message)
                );
            }
        }
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "\n{} results: {} pass, {} warn, {} fail, {} error, {} skipped; findings: {} blocker, {} high, {} medium, {} low, {} info ({} ms)",
        report.results.len(),
        s.pass,
        s.warn,
        s.fail,
        s.error,
        s.skipped,
        s.findings.blocker,
        s.findings.high,
        s.findings.medium,
        s.findings.low,
        s.findings.info,
        report.duration_ms
    );
    let r = &report.risks;
    if r.defects > 0 {
        let _ = writeln!(
            out,
            "risks by defect: {} blocker, {} high, {} medium, {} low ({} in {} places)",
            r.by_severity.blocker,
            r.by_severity.high,
            r.by_severity.medium,
            r.by_severity.low,
            if r.defects == 1 {
                "1 defect".to_string()
            } else {
                format!("{} defects", r.defects)
            },
            r.places
        );
        let _ = writeln!(
            out,
            "  (findings count each report on each target; a defect is counted once, wherever and by whichever checks it is found)"
        );
    }
    let _ = writeln!(out, "verdict: {}", report.verdict);
    if report.verdict != "go" {
        for r in &report.reasons {
            let _ = writeln!(out, "  {r}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::code::Code;
    use launch_ready_core::finding::{CheckStatus, Finding, Severity};
    use launch_ready_core::session::model::{CheckOutcome, Verdict};
    use launch_ready_core::verdict::{Assessment, Risk};

    fn risk(code: &str, target: &str) -> Risk {
        Risk {
            severity: Severity::Blocker,
            stage: 0,
            check_id: "bundle".into(),
            check_title: "Served bundles hold no credentials".into(),
            code: Some(code.into()),
            target: target.into(),
            message: "a key".into(),
            stale: false,
            unchecked: false,
            unanswered: false,
            also_in: Vec::new(),
            since: None,
        }
    }

    #[test]
    fn risks_are_counted_by_defect_beside_the_findings_with_the_difference_said() {
        let hosts = ["a.test", "b.test", "c.test"];
        let outcomes: Vec<CheckOutcome> = hosts
            .iter()
            .map(|h| CheckOutcome {
                check: "http.bundle".into(),
                family: "http".into(),
                target: (*h).into(),
                status: CheckStatus::Fail,
                duration_ms: 1,
                summary: "s".into(),
                findings: vec![Finding::new(Code::HttpSecretInBundle, "a key")],
                evidence: Default::default(),
                explained_by: None,
                needs_credential: None,
            })
            .collect();
        let assessment = Assessment {
            verdict: Verdict::NoGo,
            risks: hosts
                .iter()
                .map(|h| risk("http.secret_in_bundle", h))
                .collect(),
            accepted: Vec::new(),
            reasons: vec!["Served bundles hold no credentials: http.secret_in_bundle".into()],
        };
        let text = render(&Report::new(String::new(), 5, &outcomes, &assessment));
        assert!(text.contains("findings: 3 blocker"), "{text}");
        assert!(
            text.contains(
                "risks by defect: 1 blocker, 0 high, 0 medium, 0 low (1 defect in 3 places)"
            ),
            "{text}"
        );
        assert!(
            text.contains("findings count each report on each target"),
            "{text}"
        );
    }
}
