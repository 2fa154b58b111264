//! Evidence of `perf.web_vitals`: what Lighthouse measured on one page (the median of the
//! runs when there were several), the targets each figure was judged against, and the
//! opportunities Lighthouse estimated, largest saving first.
//!
//! A figure Lighthouse could not compute stays `None` and its audit is listed in
//! `not_measured` with the reason, so a reader never mistakes a missing number for a
//! good one.

use serde::{Deserialize, Serialize};

/// One page's web vitals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VitalsEvidence {
    /// The URL asked for.
    pub url: String,
    /// The URL Lighthouse ended on (after redirects).
    pub final_url: String,
    /// `12.2.3`.
    pub lighthouse_version: String,
    /// `mobile` or `desktop`.
    pub form_factor: String,
    /// `simulate` (Lighthouse's default model of a slow phone) or `devtools`/`provided`.
    pub throttling: String,
    /// Runs judged; the figures are their median.
    pub runs: u32,
    /// Performance score, 0-100.
    pub score: Option<u8>,
    /// Each run's score, in run order.
    pub run_scores: Vec<u8>,
    /// Largest Contentful Paint, ms.
    pub lcp_ms: Option<f64>,
    /// Cumulative Layout Shift (unitless).
    pub cls: Option<f64>,
    /// Total Blocking Time, ms.
    pub tbt_ms: Option<f64>,
    /// Bytes transferred for the page and everything it loaded.
    pub total_bytes: Option<u64>,
    /// Bytes Lighthouse estimates image re-encoding and resizing would save.
    pub image_savings_bytes: u64,
    pub targets: VitalsTargets,
    /// What Lighthouse suggests, largest estimated time saving first.
    pub opportunities: Vec<Opportunity>,
    /// Audits that did not produce a figure, with Lighthouse's reason.
    pub not_measured: Vec<NotMeasured>,
    /// Milliseconds the browser took to start, then each run (the first in a fresh
    /// browser, the others warm).
    pub browser_start_ms: u64,
    pub runs_ms: Vec<u64>,
}

/// The targets a page's vitals were judged against (the runbook's, else the defaults).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VitalsTargets {
    pub score: u8,
    pub lcp_ms: u32,
    pub cls: f64,
    pub tbt_ms: u32,
    /// Image savings at or above which images count as unoptimised, bytes.
    pub image_savings_bytes: u64,
}

impl Default for VitalsTargets {
    /// `checks.md`'s defaults: score 85, LCP 2.5 s, CLS 0.1, TBT 200 ms; images count
    /// when Lighthouse would save at least 100 KiB.
    fn default() -> Self {
        VitalsTargets {
            score: 85,
            lcp_ms: 2500,
            cls: 0.1,
            tbt_ms: 200,
            image_savings_bytes: 100 * 1024,
        }
    }
}

/// One of Lighthouse's opportunities with its estimated savings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Opportunity {
    /// Lighthouse's audit id (`uses-text-compression`).
    pub id: String,
    /// Its title, as Lighthouse words it.
    pub title: String,
    pub savings_ms: f64,
    pub savings_bytes: u64,
    /// The largest resources it names (URLs), at most a few.
    pub resources: Vec<String>,
}

/// An audit that errored or did not apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotMeasured {
    pub id: String,
    pub reason: String,
}

/// The detail of a web-vitals finding: the figure and the target it missed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VitalOverTarget {
    /// `score`, `lcp_ms`, `cls`, `tbt_ms` or `image_savings_bytes`.
    pub metric: String,
    pub value: f64,
    pub target: f64,
}
