//! Reading one Lighthouse report (`--output json`): the performance score, the four
//! figures the contract judges, and the opportunities with their estimated savings.
//!
//! Only the fields read here are typed; the rest of the report (traces, screenshots) is
//! skipped by serde. An audit that errored or did not apply gives no figure and is listed
//! as not measured, so the judge never reads a missing number as a good one.

use launch_ready_core::evidence::{NotMeasured, Opportunity};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Audits whose savings count as image optimisation (`perf.images_unoptimized`).
pub const IMAGE_AUDITS: &[&str] = &[
    "uses-optimized-images",
    "modern-image-formats",
    "uses-responsive-images",
];

/// Opportunity audits copied into the evidence.
pub const OPPORTUNITY_AUDITS: &[&str] = &[
    "render-blocking-resources",
    "uses-optimized-images",
    "modern-image-formats",
    "uses-responsive-images",
    "uses-text-compression",
    "third-party-summary",
];

/// The metric audits the judge needs.
const METRIC_AUDITS: &[&str] = &[
    "largest-contentful-paint",
    "cumulative-layout-shift",
    "total-blocking-time",
    "total-byte-weight",
];

/// Resources listed per opportunity.
const RESOURCES_KEPT: usize = 3;

/// Why a report could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    #[error("Lighthouse wrote no readable report: {0}")]
    Json(String),
    /// Lighthouse ran but could not load the page (its `runtimeError`).
    #[error("Lighthouse could not load the page: {code}: {message}")]
    Runtime { code: String, message: String },
    #[error("Lighthouse's report has no performance score")]
    NoScore,
}

/// One Lighthouse run, as far as the judge needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LighthouseRun {
    pub final_url: String,
    pub version: String,
    pub form_factor: String,
    pub throttling: String,
    /// 0-100.
    pub score: u8,
    pub lcp_ms: Option<f64>,
    pub cls: Option<f64>,
    pub tbt_ms: Option<f64>,
    pub total_bytes: Option<u64>,
    /// Bytes the image audits would save together (the largest of their estimates for one
    /// image is not known here, so the largest audit's total stands for all three).
    pub image_savings_bytes: u64,
    pub opportunities: Vec<Opportunity>,
    pub not_measured: Vec<NotMeasured>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    #[serde(default)]
    lighthouse_version: String,
    #[serde(default)]
    final_displayed_url: String,
    #[serde(default)]
    runtime_error: Option<RuntimeError>,
    #[serde(default)]
    config_settings: ConfigSettings,
    #[serde(default)]
    categories: BTreeMap<String, Category>,
    #[serde(default)]
    audits: BTreeMap<String, Audit>,
}

#[derive(Deserialize)]
struct RuntimeError {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ConfigSettings {
    #[serde(default)]
    form_factor: String,
    #[serde(default)]
    throttling_method: String,
}

#[derive(Deserialize)]
struct Category {
    score: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Audit {
    #[serde(default)]
    title: String,
    #[serde(default)]
    score_display_mode: String,
    numeric_value: Option<f64>,
    error_message: Option<String>,
    #[serde(default)]
    details: Details,
    #[serde(default)]
    metric_savings: BTreeMap<String, f64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Details {
    overall_savings_ms: Option<f64>,
    overall_savings_bytes: Option<f64>,
    #[serde(default)]
    items: Vec<serde_json::Value>,
}

impl Audit {
    fn failed(&self) -> Option<String> {
        match self.score_display_mode.as_str() {
            "error" => Some(
                self.error_message
                    .clone()
                    .unwrap_or_else(|| "the audit failed".into()),
            ),
            _ => None,
        }
    }
}

/// Reads the report Lighthouse printed.
pub fn parse(json: &str) -> Result<LighthouseRun, ReportError> {
    let r: Report = serde_json::from_str(json).map_err(|e| ReportError::Json(e.to_string()))?;
    if let Some(e) = r.runtime_error {
        return Err(ReportError::Runtime {
            code: e.code,
            message: e.message,
        });
    }
    let score = r
        .categories
        .get("performance")
        .and_then(|c| c.score)
        .filter(|s| s.is_finite())
        .ok_or(ReportError::NoScore)?;
    let mut run = LighthouseRun {
        final_url: r.final_displayed_url,
        version: r.lighthouse_version,
        form_factor: r.config_settings.form_factor,
        throttling: r.config_settings.throttling_method,
        score: to_score(score),
        ..LighthouseRun::default()
    };
    let metric = |id: &str, run: &mut LighthouseRun| -> Option<f64> {
        match r.audits.get(id) {
            Some(a) => match (a.failed(), a.numeric_value) {
                (None, Some(v)) if v.is_finite() && v >= 0.0 => Some(v),
                (reason, _) => {
                    run.not_measured.push(NotMeasured {
                        id: id.to_string(),
                        reason: reason.unwrap_or_else(|| "no value".into()),
                    });
                    None
                }
            },
            None => {
                run.not_measured.push(NotMeasured {
                    id: id.to_string(),
                    reason: "not in the report".into(),
                });
                None
            }
        }
    };
    run.lcp_ms = metric(METRIC_AUDITS[0], &mut run);
    run.cls = metric(METRIC_AUDITS[1], &mut run);
    run.tbt_ms = metric(METRIC_AUDITS[2], &mut run);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    {
        run.total_bytes = metric(METRIC_AUDITS[3], &mut run).map(|b| b as u64);
    }
    for id in OPPORTUNITY_AUDITS {
        let Some(a) = r.audits.get(*id) else { continue };
        if let Some(reason) = a.failed() {
            run.not_measured.push(NotMeasured {
                id: (*id).to_string(),
                reason,
            });
            continue;
        }
        if let Some(o) = opportunity(id, a) {
            if IMAGE_AUDITS.contains(id) {
                run.image_savings_bytes = run.image_savings_bytes.max(o.savings_bytes);
            }
            run.opportunities.push(o);
        }
    }
    run.opportunities.sort_by(|a, b| {
        b.savings_ms
            .total_cmp(&a.savings_ms)
            .then(b.savings_bytes.cmp(&a.savings_bytes))
    });
    Ok(run)
}

/// The audit as an opportunity, when it estimates a saving.
fn opportunity(id: &str, a: &Audit) -> Option<Opportunity> {
    let ms = a
        .details
        .overall_savings_ms
        .or_else(|| a.metric_savings.values().copied().reduce(f64::max))
        .filter(|v| v.is_finite() && *v > 0.0)
        .unwrap_or(0.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let bytes = a
        .details
        .overall_savings_bytes
        .filter(|v| v.is_finite() && *v > 0.0)
        .map_or(0, |b| b as u64);
    if ms <= 0.0 && bytes == 0 {
        return None;
    }
    let resources = a
        .details
        .items
        .iter()
        .filter_map(|i| i.get("url").and_then(|u| u.as_str()))
        .take(RESOURCES_KEPT)
        .map(str::to_string)
        .collect();
    Some(Opportunity {
        id: id.to_string(),
        title: a.title.clone(),
        savings_ms: ms,
        savings_bytes: bytes,
        resources,
    })
}

/// Lighthouse's 0-1 score as 0-100.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn to_score(s: f64) -> u8 {
    (s.clamp(0.0, 1.0) * 100.0).round() as u8
}

#[cfg(test)]
mod tests {
    //! The fixtures are reports of real Lighthouse 12.2.3 runs (Chromium 156, mobile,
    //! simulated throttling) against the lab's vitals pages, cut down to the fields this
    //! module reads (screenshots, traces and unread audits removed, lists kept to three).
    use super::*;
    use proptest::prelude::*;

    const HERO: &str = include_str!("fixtures/lighthouse-12.2.3-hero.json");
    const HEAVY: &str = include_str!("fixtures/lighthouse-12.2.3-heavy-script.json");
    const GOOD: &str = include_str!("fixtures/lighthouse-12.2.3-good.json");

    #[test]
    fn a_real_report_of_a_slow_hero_page() {
        let r = parse(HERO).unwrap();
        assert_eq!(r.version, "12.2.3");
        assert_eq!(
            (r.form_factor.as_str(), r.throttling.as_str()),
            ("mobile", "simulate")
        );
        assert_eq!(r.final_url, "https://www.brightdesk.test/vitals/hero");
        assert!(r.score < 85, "{}", r.score);
        assert!(r.lcp_ms.unwrap() > 10_000.0);
        assert_eq!(r.cls, Some(0.0));
        assert!(r.total_bytes.unwrap() > 2_000_000);
        assert!(
            r.image_savings_bytes > 2_000_000,
            "{}",
            r.image_savings_bytes
        );
        let ids: Vec<&str> = r.opportunities.iter().map(|o| o.id.as_str()).collect();
        assert!(ids.contains(&"modern-image-formats"), "{ids:?}");
        assert!(
            r.opportunities
                .windows(2)
                .all(|w| w[0].savings_ms >= w[1].savings_ms)
        );
        assert!(r.opportunities[0].resources[0].ends_with("/vitals/hero.bmp"));
        // This Chromium is newer than Lighthouse 12.2.3 knows: that audit errors, and
        // says so rather than reading as "no render-blocking resources".
        assert!(
            r.not_measured
                .iter()
                .any(|n| n.id == "render-blocking-resources"),
            "{:?}",
            r.not_measured
        );
    }

    #[test]
    fn a_real_report_of_a_heavy_script_and_of_a_fast_page() {
        let r = parse(HEAVY).unwrap();
        assert!(r.tbt_ms.unwrap() > 1000.0);
        let text = r
            .opportunities
            .iter()
            .find(|o| o.id == "uses-text-compression")
            .unwrap();
        assert!(text.savings_bytes > 1_500_000 && text.savings_ms > 0.0);
        let good = parse(GOOD).unwrap();
        assert_eq!(good.score, 100);
        assert!(good.lcp_ms.unwrap() < 2500.0);
        assert!(good.opportunities.is_empty(), "{:?}", good.opportunities);
        assert_eq!(good.image_savings_bytes, 0);
    }

    #[test]
    fn runtime_errors_and_broken_reports_are_errors() {
        let err = parse(r#"{"runtimeError":{"code":"ERRORED_DOCUMENT_REQUEST","message":"status 500"},"categories":{}}"#).unwrap_err();
        assert!(
            err.to_string().contains("ERRORED_DOCUMENT_REQUEST"),
            "{err}"
        );
        assert_eq!(
            parse(r#"{"categories":{"performance":{"score":null}}}"#),
            Err(ReportError::NoScore)
        );
        assert!(matches!(parse("not json"), Err(ReportError::Json(_))));
        let bare = parse(r#"{"categories":{"performance":{"score":0.5}}}"#).unwrap();
        assert_eq!(bare.score, 50);
        assert_eq!(bare.lcp_ms, None);
        assert_eq!(bare.not_measured.len(), 4);
    }

    fn with(report: &str, score: f64, lcp: f64, bytes: f64) -> String {
        let mut v: serde_json::Value = serde_json::from_str(report).unwrap();
        v["categories"]["performance"]["score"] = serde_json::json!(score);
        v["audits"]["largest-contentful-paint"]["numericValue"] = serde_json::json!(lcp);
        v["audits"]["modern-image-formats"]["details"]["overallSavingsBytes"] =
            serde_json::json!(bytes);
        v.to_string()
    }

    proptest! {
        #[test]
        fn any_figures_read_in_range(score in -5.0f64..5.0, lcp in -1e9f64..1e9, bytes in -1e12f64..1e12) {
            let r = parse(&with(HERO, score, lcp, bytes)).unwrap();
            prop_assert!(r.score <= 100);
            prop_assert_eq!(r.lcp_ms.is_some(), lcp >= 0.0);
            prop_assert!(r.lcp_ms.is_none_or(|v| v.is_finite() && v >= 0.0));
            prop_assert!(r.opportunities.iter().all(|o| o.savings_ms.is_finite() && o.savings_ms >= 0.0));
        }

        #[test]
        fn any_text_is_an_error_or_a_report_never_a_panic(s in ".{0,200}") {
            let _ = parse(&s);
        }
    }
}
