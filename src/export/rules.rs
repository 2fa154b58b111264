//! The Prometheus alert rules of the export, each carrying one of the runbook's numbers:
//! failed probes before an alert, the p95 budget of each URL, the certificate warning
//! window, the error-rate budget and the escalation delay.

use super::stack::{DNS_JOB, HTTP_JOB, TLS_JOB, go_duration};
use launch_ready_core::evidence::Budgets;
use launch_ready_core::plan::Plan;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

/// Failed probes in a row before a target is down, as the product's own monitor counts.
pub const DEFAULT_PROBES_BEFORE_ALERT: u32 = 2;

/// The label that sends an escalated alert to a later route (`escalation="2"`: the third).
pub const ESCALATION_LABEL: &str = "escalation";

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

/// A monitored URL failing its probe: the condition of the down alert and of each of
/// its escalations, which differ only in how long it must hold.
fn down_expr() -> String {
    format!("probe_success{{job=\"{HTTP_JOB}\"}} == 0")
}

/// The escalation rules: for the `k`-th route (from the second), the same down condition
/// held `k` escalation delays longer than the first alert's, labelled for that route. An
/// outage resolved before then never fires it, as the product's monitor only escalates
/// what stays unresolved; one that does, resolves on that route too when the target
/// comes back.
fn escalations(plan: &Plan, interval: Duration, escalate_after: Duration) -> Vec<Value> {
    let first = hold(plan, interval);
    (1..plan.alert_routes.len())
        .map(|k| {
            let route = &plan.alert_routes[k];
            let after = escalate_after * u32::try_from(k).unwrap_or(u32::MAX);
            json!({
                "alert": "LaunchReadyDownEscalated",
                "expr": down_expr(),
                "for": go_duration(first + after),
                "labels": {"severity": "blocker", ESCALATION_LABEL: k.to_string()},
                "annotations": {
                    "summary": "{{ $labels.instance }} is still down (escalated)",
                    "description": format!(
                        "Unresolved {} after the first alert: escalated to route {} ({}).",
                        human(after),
                        k + 1,
                        route.label()
                    ),
                },
            })
        })
        .collect()
}

/// `15 min`, `90 s`.
pub fn human(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 60 && secs.is_multiple_of(60) {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}

pub fn rules(plan: &Plan, interval: Duration, escalate_after: Duration) -> Value {
    let t = &plan.runbook.targets;
    let budgets = Budgets::from_targets(t);
    let escalated = escalations(plan, interval, escalate_after);
    let hold = go_duration(hold(plan, interval));
    let window = go_duration(interval * P95_WINDOW_PROBES);
    let mut rules = vec![json!({
        "alert": "LaunchReadyDown",
        "expr": down_expr(),
        "for": hold,
        "labels": {"severity": "blocker"},
        "annotations": {
            "summary": "{{ $labels.instance }} is down",
            "description": format!("{} failed probes in a row (the runbook's probes_before_alert).", probes_before_alert(plan)),
        },
    })];
    rules.extend(escalated);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::alertmanager::config;
    use crate::export::stack::Options;
    use launch_ready_core::plan::AlertRoute;
    use std::collections::BTreeMap;

    fn plan(routes: &[&str]) -> Plan {
        let mut p = crate::export::test_plan::bare();
        p.alert_routes = routes
            .iter()
            .map(|r| AlertRoute::parse(r).unwrap())
            .collect();
        p
    }

    fn opts() -> Options {
        Options {
            interval: Duration::from_secs(60),
            escalate_after: Duration::from_secs(600),
            alertmanager: (0, 26),
            secrets: BTreeMap::new(),
        }
    }

    fn named<'a>(rules: &'a Value, alert: &str) -> Vec<&'a Value> {
        rules["groups"][0]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["alert"] == alert)
            .collect()
    }

    #[test]
    fn each_later_route_gets_the_outage_one_more_delay_after_the_alert() {
        let p = plan(&[
            "hook",
            "smtp://a@mail.example.com:587?from=a@example.com&to=ops@example.com&password=mail",
            "pager",
        ]);
        let r = rules(&p, Duration::from_secs(60), Duration::from_secs(600));
        let down = named(&r, "LaunchReadyDown");
        assert_eq!(down[0]["for"], "60s");
        let up: Vec<(&str, &str)> = named(&r, "LaunchReadyDownEscalated")
            .iter()
            .map(|e| {
                (
                    e["for"].as_str().unwrap(),
                    e["labels"][ESCALATION_LABEL].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(up, [("660s", "1"), ("1260s", "2")]);

        let files = config(&p, &opts(), &mut Vec::new()).unwrap();
        let am: Value = serde_norway::from_str(&files[0].text).unwrap();
        assert_eq!(am["route"]["receiver"], "route-0-hook");
        let children: Vec<(String, String)> = am["route"]["routes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["receiver"].as_str().unwrap().to_string(),
                    c["matchers"][0].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            children,
            [
                ("route-1-mail".to_string(), "escalation=\"1\"".to_string()),
                ("route-2-pager".to_string(), "escalation=\"2\"".to_string())
            ]
        );
        let mail = &am["receivers"][1]["email_configs"][0];
        assert_eq!(mail["smarthost"], "mail.example.com:587");
        assert_eq!(mail["auth_password_file"], "secrets/mail");
        assert_eq!(mail["require_tls"], true);
        assert!(
            files
                .iter()
                .any(|f| f.path.ends_with("secrets/mail") && f.secret)
        );
    }

    #[test]
    fn one_route_has_nothing_to_escalate_to() {
        let p = plan(&["hook"]);
        let r = rules(&p, Duration::from_secs(60), Duration::from_secs(600));
        assert!(named(&r, "LaunchReadyDownEscalated").is_empty());
        let files = config(&p, &opts(), &mut Vec::new()).unwrap();
        let am: Value = serde_norway::from_str(&files[0].text).unwrap();
        assert!(am["route"].get("routes").is_none(), "{am}");
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human(Duration::from_secs(900)), "15 min");
        assert_eq!(human(Duration::from_secs(90)), "90 s");
        assert_eq!(human(Duration::from_secs(10)), "10 s");
    }
}
