//! The condensed forms of the risk list: risks folded to one line per defect (one finding
//! code at one severity, `verdict::group_risks`), and the severity counts laid out for
//! whatever band they get. Both are pure functions of the assessment so they can be tested
//! without a terminal; the views only draw what they return.
//!
//! A check runs against every host or URL of the session, and two checks may report the
//! same defect, so one misconfiguration can produce the same finding several times. The
//! folded line says it once, with how many targets it touches; the places are on the
//! one-by-one card and in the checklist's detail pane.

use super::text::cells;
use launch_ready_core::finding::Severity;
pub use launch_ready_core::verdict::{RiskGroup, group_risks};

/// The severity counts as lines for a band `width` cells wide with `rows` rows free:
/// - one line (`1 blocker · 0 high · …`) when it fits;
/// - else one severity per line, numbers right-aligned, every line the same width, so the
///   centred block reads as a column;
/// - else as many equal-width cells per line as fit.
///
/// A count and its word are never split across lines.
pub fn count_lines(counts: &[(usize, Severity)], width: usize, rows: usize) -> Vec<String> {
    let one_line = counts
        .iter()
        .map(|(n, s)| format!("{n} {s}"))
        .collect::<Vec<_>>()
        .join(" · ");
    if cells(&one_line) <= width || counts.is_empty() {
        return vec![one_line];
    }
    let number_w = counts
        .iter()
        .map(|(n, _)| n.to_string().len())
        .max()
        .unwrap_or(1);
    let word_w = counts
        .iter()
        .map(|(_, s)| s.as_str().len())
        .max()
        .unwrap_or(0);
    let cell = |(n, s): &(usize, Severity)| format!("{n:>number_w$} {:<word_w$}", s.as_str());
    let cell_w = number_w + 1 + word_w;
    if rows >= counts.len() || cell_w + 2 > width {
        return counts.iter().map(cell).collect();
    }
    let gap = "  ";
    let per_line = ((width + gap.len()) / (cell_w + gap.len())).max(1);
    counts
        .chunks(per_line)
        .map(|chunk| {
            let line = chunk.iter().map(cell).collect::<Vec<_>>().join(gap);
            let full = per_line * cell_w + (per_line - 1) * gap.len();
            format!("{line:<full$}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::verdict::Risk;

    fn risk(check: &str, severity: Severity, target: &str) -> Risk {
        Risk {
            severity,
            stage: 0,
            check_id: check.into(),
            check_title: check.into(),
            // One code per check: the folding below is by code.
            code: Some(format!("{check}.code")),
            target: target.into(),
            message: "m".into(),
            stale: false,
            unchecked: false,
            unanswered: false,
            also_in: Vec::new(),
            since: None,
        }
    }

    #[test]
    fn one_check_on_several_hosts_folds_to_one_line() {
        let mut risks = vec![
            risk("bundle", Severity::Blocker, "www.acme.test"),
            risk("bundle", Severity::Blocker, "app.acme.test"),
            // The same host twice (two findings) counts once.
            risk("bundle", Severity::Blocker, "app.acme.test"),
            risk("tls", Severity::Blocker, "www.acme.test"),
            risk("bundle", Severity::Low, "www.acme.test"),
        ];
        risks[2].stale = true;
        let groups = group_risks(&risks);
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[0].risk.check_id, "bundle");
        assert_eq!(groups[0].targets, ["www.acme.test", "app.acme.test"]);
        assert!(groups[0].stale);
        assert_eq!(groups[0].affected(), " — 2 hosts");
        assert_eq!(groups[1].risk.check_id, "tls");
        assert_eq!(groups[1].affected(), "");
        // A different severity of the same check stays its own line.
        assert_eq!(groups[2].risk.severity, Severity::Low);
    }

    #[test]
    fn urls_and_mixed_targets_are_named_as_such() {
        let urls = [
            risk("cors", Severity::High, "https://a.test/x"),
            risk("cors", Severity::High, "https://a.test/y"),
        ];
        assert_eq!(group_risks(&urls)[0].affected(), " — 2 URLs");
        let mixed = [
            risk("scan", Severity::High, "a.test"),
            risk("scan", Severity::High, "dist/app.js"),
        ];
        assert_eq!(group_risks(&mixed)[0].affected(), " — 2 targets");
        let unpassed = [risk("manual", Severity::High, "")];
        assert_eq!(group_risks(&unpassed)[0].targets.len(), 0);
    }

    fn counts(n: [usize; 5]) -> Vec<(usize, Severity)> {
        n.into_iter().zip(Severity::ALL).collect()
    }

    #[test]
    fn counts_stay_on_one_line_when_they_fit() {
        let lines = count_lines(&counts([1, 0, 3, 0, 1]), 80, 2);
        assert_eq!(lines, ["1 blocker · 0 high · 3 medium · 0 low · 1 info"]);
    }

    #[test]
    fn a_narrow_band_gets_an_aligned_column() {
        let lines = count_lines(&counts([7, 22, 3, 0, 1]), 34, 8);
        assert_eq!(
            lines,
            [
                " 7 blocker",
                "22 high   ",
                " 3 medium ",
                " 0 low    ",
                " 1 info   "
            ]
        );
    }

    #[test]
    fn a_short_band_packs_whole_cells() {
        let lines = count_lines(&counts([7, 22, 3, 0, 1]), 34, 2);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], " 7 blocker  22 high      3 medium ");
        assert_eq!(lines[1], format!("{:<34}", " 0 low       1 info"));
        for l in &lines {
            assert!(cells(l) <= 34, "{l:?}");
        }
    }
}
