//! `perf.web_vitals` from a `CheckInput`: the target is a route URL (a page of the
//! session, or a URL given on the command line). The adapter finds the programs (a page
//! is skipped, naming the install command, when one is missing), makes sure the host can
//! be reached, builds the browser's view of the run's network (its overrides, its
//! nameserver's answer for the page host, its extra CA) and hands the page to
//! `perf::vitals`.
//!
//! Parameters: `timeout`, seconds per Lighthouse run (default 120). Runs per page come
//! from the runbook's `lighthouse_runs`.

use super::reach::{host_ready, url_host};
use crate::engine::registry::{CheckInput, Registry};
use crate::net::client::connect_target;
use crate::perf::vitals::{self, PagePlan, browser::Launch, judge, tools};
use launch_ready_core::catalog::KindId;
use launch_ready_core::evidence::{Observed, VitalsEvidence};
use launch_ready_core::outcome;
use launch_ready_core::session::model::CheckOutcome;
use std::time::Duration;

/// Seconds one Lighthouse run may take unless the runbook check says otherwise.
pub const DEFAULT_RUN_SECS: u64 = 120;

pub fn register(r: &mut Registry) {
    r.insert(KindId::PerfWebVitals, |i: CheckInput| async move {
        web_vitals(i).await
    });
}

async fn web_vitals(i: CheckInput) -> CheckOutcome {
    let url = i.target.name.clone();
    let Some((host, ports)) = url_host(&url).filter(|_| url.starts_with("http")) else {
        return outcome::skipped(format!("{url} is not an http(s) page Lighthouse can load"));
    };
    if let Some(route) = super::perf::session_route(&i)
        && !route.method.trim().eq_ignore_ascii_case("GET")
        && !route.method.trim().is_empty()
    {
        return outcome::skipped(format!(
            "route `{}` is a {} request; Lighthouse loads pages with GET",
            route.name, route.method
        ));
    }
    let found = match tools::find() {
        Ok(t) => t,
        Err(missing) => return outcome::skipped(missing.to_string()),
    };
    if let Err(o) = host_ready(&i.net, &host, &ports).await {
        return *o;
    }
    let settings = &i.net.settings;
    // A host the overrides do not cover is looked up by the session's own nameserver, so
    // the browser loads the address the other checks saw.
    let covered = ports
        .iter()
        .any(|p| connect_target(&settings.connect_to, &host, *p).is_some())
        || settings
            .resolve
            .iter()
            .any(|r| r.host.eq_ignore_ascii_case(&host));
    let page_ip = if !covered && settings.nameserver.is_some() {
        i.net
            .resolver
            .ips(&host)
            .await
            .ok()
            .and_then(|ips| ips.first().copied())
    } else {
        None
    };
    let launch = Launch::new(
        settings,
        &i.net.roots.der,
        page_ip.map(|ip| (host.as_str(), ip)),
    );
    let runs = judge::runs(&i.scope.thresholds);
    let per_run = Duration::from_secs(
        i.params
            .get("timeout")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(DEFAULT_RUN_SECS)
            .clamp(10, 600),
    );
    let plan = PagePlan {
        url: url.clone(),
        runs,
        per_run,
        within: per_run * runs + Duration::from_secs(30),
        targets: judge::targets(&i.scope.thresholds),
        launch,
        chromium: found.chromium,
        lighthouse: found.lighthouse,
    };
    let progress = i.progress.clone();
    match vitals::measure(&plan, |line| progress.report(line)).await {
        Ok((mut e, t)) => {
            e.browser_start_ms = u64::try_from(t.browser_ms).unwrap_or(u64::MAX);
            e.runs_ms = t
                .runs_ms
                .iter()
                .map(|ms| u64::try_from(*ms).unwrap_or(u64::MAX))
                .collect();
            judged(e)
        }
        Err(e) => outcome::error(format!("{url}: {e}")),
    }
}

fn judged(e: VitalsEvidence) -> CheckOutcome {
    let findings = judge::findings(&e);
    let summary = summary(&e);
    let mut o = outcome::judged(summary.clone(), findings, Observed::Vitals(Box::new(e)));
    if let Some(f) = o.findings.first() {
        o.summary = format!("{} ({summary})", f.message);
    }
    o
}

/// `score 73, LCP 15.3 s, CLS 0.00, TBT 45 ms, 2814 KiB (mobile, 1 run)`.
pub fn summary(e: &VitalsEvidence) -> String {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "not measured".into());
    format!(
        "score {}, LCP {}, CLS {}, TBT {}, {} ({}, {} run{})",
        opt(e.score.map(|s| s.to_string())),
        opt(e.lcp_ms.map(|v| format!("{:.1} s", v / 1000.0))),
        opt(e.cls.map(|v| format!("{v:.2}"))),
        opt(e.tbt_ms.map(|v| format!("{v:.0} ms"))),
        opt(e.total_bytes.map(|b| if b < 10 * 1024 {
            format!("{b} B")
        } else {
            format!("{} KiB", b / 1024)
        })),
        if e.form_factor.is_empty() {
            "mobile"
        } else {
            &e.form_factor
        },
        e.runs,
        if e.runs == 1 { "" } else { "s" }
    )
}
