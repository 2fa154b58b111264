//! Text output of `check`: grouped by target, one line per result, findings indented with
//! their severity, then the counts and the verdict. Every remote-derived string passes
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
    let _ = writeln!(out, "verdict: {}", report.verdict);
    if report.verdict != "go" {
        for r in &report.reasons {
            let _ = writeln!(out, "  {r}");
        }
    }
    out
}
