//! The Prometheus alert rules of the export, each carrying one of the runbook's numbers:
//! failed probes before an alert, the p95 budget of each URL, the certificate warning
//! window and the error-rate budget.

use super::stack::{DNS_JOB, HTTP_JOB, TLS_JOB, go_duration};
use launch_ready_core::evidence::Budgets;
use launch_ready_core::plan::Plan;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

/// Failed probes in a row before a target is down, as the product's own monitor counts.
pub const DEFAULT_PROBES_BEFORE_ALERT: u32 = 2;

/// Window over which p95 and the error rate are computed.
const P95_WINDOW_PROBES: u32 = 15;

pub fn probes_before_alert(plan: &Plan) -> u32 {
    plan.runbook
        .targets
        .probes_before_alert
        .unwrap_or(DEFAULT_PROBES_BEFORE_ALERT)
        .max(1)
}

/// How long a failure must last before the rule fires: N failed probes in a row span
/// N-1 intervals after the first, which is when the product's monitor raises
/// `uptime.down` too.
pub fn hold(plan: &Plan, interval: Duration) -> Duration {
    interval * probes_before_alert(plan).saturating_sub(1)
}

/// Alertmanager's wait before the first notification of a group: short, since every
/// second of it adds to the alert delay, and never above 30 s.
pub fn group_wait(interval: Duration) -> Duration {
    interval.clamp(Duration::from_secs(1), Duration::from_secs(30))
}

/// The longest time from an outage to its alert: the outage starts just after a probe
/// (one interval to notice), the failure must hold, the rule is evaluated one interval
/// later at worst, and Alertmanager waits its group wait.
pub fn worst_alert_delay(plan: &Plan, interval: Duration) -> Duration {
    interval + hold(plan, interval) + interval + group_wait(interval)
}

pub fn rules(plan: &Plan, interval: Duration) -> Value {
    let t = &plan.runbook.targets;
    let budgets = Budgets::from_targets(t);
    let hold = go_duration(hold(plan, interval));
    let window = go_duration(interval * P95_WINDOW_PROBES);
    let mut rules = vec![json!({
        "alert": "LaunchReadyDown",
        "expr": format!("probe_success{{job=\"{HTTP_JOB}\"}} == 0"),
        "for": hold,
        "labels": {"severity": "blocker"},
        "annotations": {
            "summary": "{{ $labels.instance }} is down",
            "description": format!("{} failed probes in a row (the runbook's probes_before_alert).", probes_before_alert(plan)),
        },
    })];
    let per_budget: BTreeSet<u32> = plan.monitored.iter().map(|m| m.budget_ms).collect();
    for b in per_budget {
        rules.push(json!({
            "alert": "LaunchReadySlow",
            "expr": format!(
                "quantile_over_time(0.95, probe_duration_seconds{{job=\"{HTTP_JOB}\",budget_ms=\"{b}\"}}[{window}]) > {}",
                f64::from(b) / 1000.0
            ),
            "for": hold,
            "labels": {"severity": "medium", "budget_ms": b.to_string()},
            "annotations": {
                "summary": "{{ $labels.instance }} p95 is over its budget",
                "description": format!("p95 of the probe duration over {window} is above {b} ms."),
            },
        }));
    }
    rules.push(json!({
        "alert": "LaunchReadyCertExpiring",
        "expr": format!(
            "(probe_ssl_earliest_cert_expiry{{job=~\"{HTTP_JOB}|{TLS_JOB}\"}} - time()) / 86400 < {}",
            t.cert_warn_days
        ),
        "labels": {"severity": "high"},
        "annotations": {
            "summary": "{{ $labels.instance }} certificate expires soon",
            "description": format!("The certificate expires within {} days (the runbook's cert_warn_days).", t.cert_warn_days),
        },
    }));
    rules.push(json!({
        "alert": "LaunchReadyErrorRate",
        "expr": format!(
            "(1 - avg_over_time(probe_success{{job=\"{HTTP_JOB}\"}}[1h])) * 100 > {}",
            budgets.error_rate_pct
        ),
        "labels": {"severity": "high"},
        "annotations": {
            "summary": "{{ $labels.instance }} fails too many probes",
            "description": format!("More than {} % of the last hour's probes failed.", budgets.error_rate_pct),
        },
    }));
    rules.push(json!({
        "alert": "LaunchReadyDnsFailing",
        "expr": format!("probe_success{{job=\"{DNS_JOB}\"}} == 0"),
        "for": hold,
        "labels": {"severity": "blocker"},
        "annotations": {"summary": "{{ $labels.instance }} does not resolve"},
    }));
    json!({"groups": [{
        "name": "launch-ready",
        "interval": go_duration(interval),
        "rules": rules,
    }]})
}
