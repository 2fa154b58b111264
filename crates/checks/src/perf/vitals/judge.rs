//! Pure: Lighthouse runs of one page and the runbook's targets in, evidence and findings
//! out. Several runs are judged on their median (Lighthouse's own advice: one run of a
//! page varies by several points), each figure on its own median.

use super::lighthouse::LighthouseRun;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{VitalOverTarget, VitalsEvidence, VitalsTargets};
use launch_ready_core::finding::Finding;
use launch_ready_core::runbook::model::Targets;

/// The targets of a run: the runbook's where it sets them, else the contract's defaults.
pub fn targets(t: &Targets) -> VitalsTargets {
    let d = VitalsTargets::default();
    VitalsTargets {
        score: t.lighthouse_score.map_or(d.score, |s| s.min(100)),
        lcp_ms: t.lcp_ms.unwrap_or(d.lcp_ms),
        cls: t
            .cls
            .filter(|c| c.is_finite() && *c >= 0.0)
            .unwrap_or(d.cls),
        tbt_ms: t.tbt_ms.unwrap_or(d.tbt_ms),
        image_savings_bytes: d.image_savings_bytes,
    }
}

/// Runs per page: the runbook's, at least one and at most five.
pub fn runs(t: &Targets) -> u32 {
    u32::from(t.lighthouse_runs.unwrap_or(1).clamp(1, 5))
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        f64::midpoint(v[m - 1], v[m])
    } else {
        v[m]
    })
}

/// The evidence of `url` from its runs: each figure the median of the runs that measured
/// it; opportunities and reasons from the run whose score is the median one.
pub fn evidence(url: &str, runs: &[LighthouseRun], targets: VitalsTargets) -> VitalsEvidence {
    let med = |f: fn(&LighthouseRun) -> Option<f64>| {
        median(&runs.iter().filter_map(f).collect::<Vec<_>>())
    };
    let scores: Vec<f64> = runs.iter().map(|r| f64::from(r.score)).collect();
    // The run nearest the median score stands for the page's opportunities.
    let typical = median(&scores).and_then(|m| {
        runs.iter().min_by(|a, b| {
            (f64::from(a.score) - m)
                .abs()
                .total_cmp(&(f64::from(b.score) - m).abs())
        })
    });
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    VitalsEvidence {
        url: url.to_string(),
        final_url: typical.map(|r| r.final_url.clone()).unwrap_or_default(),
        lighthouse_version: typical.map(|r| r.version.clone()).unwrap_or_default(),
        form_factor: typical.map(|r| r.form_factor.clone()).unwrap_or_default(),
        throttling: typical.map(|r| r.throttling.clone()).unwrap_or_default(),
        runs: u32::try_from(runs.len()).unwrap_or(u32::MAX),
        score: median(&scores).map(|s| s.round() as u8),
        run_scores: runs.iter().map(|r| r.score).collect(),
        lcp_ms: med(|r| r.lcp_ms),
        cls: med(|r| r.cls),
        tbt_ms: med(|r| r.tbt_ms),
        total_bytes: med(|r| r.total_bytes.map(|b| b as f64)).map(|b| b as u64),
        image_savings_bytes: med(|r| Some(r.image_savings_bytes as f64)).map_or(0, |b| b as u64),
        targets,
        opportunities: typical.map(|r| r.opportunities.clone()).unwrap_or_default(),
        not_measured: typical.map(|r| r.not_measured.clone()).unwrap_or_default(),
        browser_start_ms: 0,
        runs_ms: Vec::new(),
    }
}

/// The findings `e` deserves against its targets. A figure that was not measured raises
/// nothing: the evidence lists it as not measured instead.
pub fn findings(e: &VitalsEvidence) -> Vec<Finding> {
    let t = e.targets;
    let page = &e.url;
    let runs = if e.runs > 1 {
        format!(" (median of {} runs)", e.runs)
    } else {
        String::new()
    };
    let detail = |metric: &str, value: f64, target: f64| VitalOverTarget {
        metric: metric.into(),
        value,
        target,
    };
    let mut out = Vec::new();
    if let Some(s) = e.score
        && s < t.score
    {
        out.push(
            Finding::new(
                Code::PerfLighthouseScoreLow,
                format!("{page}: Lighthouse performance score {s} on a phone is under the target {}{runs}", t.score),
            )
            .with_detail(&detail("score", f64::from(s), f64::from(t.score))),
        );
    }
    if let Some(v) = e.lcp_ms
        && v > f64::from(t.lcp_ms)
    {
        out.push(
            Finding::new(
                Code::PerfLcpOverBudget,
                format!(
                    "{page}: largest contentful paint {:.1} s on a phone is over the {:.1} s target{runs}",
                    v / 1000.0,
                    f64::from(t.lcp_ms) / 1000.0
                ),
            )
            .with_detail(&detail("lcp_ms", v, f64::from(t.lcp_ms))),
        );
    }
    if let Some(v) = e.cls
        && v > t.cls
    {
        out.push(
            Finding::new(
                Code::PerfClsOverBudget,
                format!(
                    "{page}: layout shift {v:.2} is over the {:.2} target{runs}",
                    t.cls
                ),
            )
            .with_detail(&detail("cls", v, t.cls)),
        );
    }
    if let Some(v) = e.tbt_ms
        && v > f64::from(t.tbt_ms)
    {
        out.push(
            Finding::new(
                Code::PerfTbtOverBudget,
                format!(
                    "{page}: total blocking time {v:.0} ms on a phone is over the {} ms target{runs}",
                    t.tbt_ms
                ),
            )
            .with_detail(&detail("tbt_ms", v, f64::from(t.tbt_ms))),
        );
    }
    if e.image_savings_bytes >= t.image_savings_bytes {
        #[allow(clippy::cast_precision_loss)]
        out.push(
            Finding::new(
                Code::PerfImagesUnoptimized,
                format!(
                    "{page}: images could be {} KiB smaller (resized to how they are shown, or in a modern format)",
                    e.image_savings_bytes / 1024
                ),
            )
            .with_detail(&detail(
                "image_savings_bytes",
                e.image_savings_bytes as f64,
                t.image_savings_bytes as f64,
            )),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(score: u8, lcp: f64) -> LighthouseRun {
        LighthouseRun {
            score,
            lcp_ms: Some(lcp),
            cls: Some(0.0),
            tbt_ms: Some(0.0),
            ..LighthouseRun::default()
        }
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[f64::NAN, 5.0]), Some(5.0));
    }

    #[test]
    fn a_page_is_judged_on_the_median_of_its_runs() {
        let t = VitalsTargets::default();
        // One slow run among three does not fail the page.
        let e = evidence(
            "https://a.test/",
            &[run(95, 1200.0), run(40, 9000.0), run(93, 1300.0)],
            t,
        );
        assert_eq!(e.score, Some(93));
        assert_eq!(e.lcp_ms, Some(1300.0));
        assert_eq!(e.run_scores, [95, 40, 93]);
        assert!(findings(&e).is_empty(), "{:?}", findings(&e));
        // Two slow runs of three do.
        let e = evidence(
            "https://a.test/",
            &[run(95, 1200.0), run(40, 9000.0), run(45, 8000.0)],
            t,
        );
        let codes: Vec<Code> = findings(&e).iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            [Code::PerfLighthouseScoreLow, Code::PerfLcpOverBudget]
        );
        assert!(findings(&e)[0].message.contains("median of 3 runs"));
    }

    #[test]
    fn an_unmeasured_figure_raises_nothing_and_targets_come_from_the_runbook() {
        let mut r = run(99, 100.0);
        r.cls = None;
        let rb = Targets {
            cls: Some(-1.0),
            lcp_ms: Some(50),
            lighthouse_score: Some(200),
            lighthouse_runs: Some(9),
            ..Targets::default()
        };
        let t = targets(&rb);
        assert_eq!((t.cls, t.lcp_ms, t.score), (0.1, 50, 100));
        assert_eq!(runs(&rb), 5);
        let e = evidence("https://a.test/", &[r], t);
        let codes: Vec<Code> = findings(&e).iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            [Code::PerfLighthouseScoreLow, Code::PerfLcpOverBudget]
        );
    }
}
