//! How `monitor` prints: the progress lines on stderr as outages and alerts happen, and
//! the final report as text or JSON.

use super::secs_ms;
use launch_ready_checks::monitor::run::{Config, MonitorEvent, TargetReport};
use launch_ready_checks::monitor::state::Transition;
use std::time::Duration;

pub(super) fn progress_line(urls: &[String], e: &MonitorEvent) -> Option<String> {
    let url = |i: &usize| urls.get(*i).map_or("?", String::as_str);
    match e {
        MonitorEvent::Changed { target, transition } => Some(match transition {
            Transition::Down { at, reason, .. } => {
                format!("{:>7.1}s DOWN {} ({reason})", at.as_secs_f64(), url(target))
            }
            Transition::Recovered { at, .. } => {
                format!("{:>7.1}s RECOVERED {}", at.as_secs_f64(), url(target))
            }
            Transition::Slow { at, latency_ms } => format!(
                "{:>7.1}s SLOW {} ({latency_ms} ms)",
                at.as_secs_f64(),
                url(target)
            ),
            Transition::Fast { at } => {
                format!("{:>7.1}s FAST again {}", at.as_secs_f64(), url(target))
            }
        }),
        MonitorEvent::Alert { target, record } => {
            Some(match (&record.delivery_ms, &record.error) {
                (Some(ms), _) => format!(
                    "         alert `{}` for {} delivered {ms} ms after detection",
                    record.event,
                    url(target)
                ),
                (None, e) => format!(
                    "         alert `{}` for {} NOT delivered: {}",
                    record.event,
                    url(target),
                    e.as_deref().unwrap_or("")
                ),
            })
        }
        MonitorEvent::Unmonitored { target, reason } => {
            Some(format!("         NOT monitored {}: {reason}", url(target)))
        }
        _ => None,
    }
}

pub(super) fn json_report(
    config: &Config,
    alert_target: Duration,
    uptime_goal: Option<f64>,
    route: &str,
    started: time::OffsetDateTime,
    reports: &[TargetReport],
    findings: &[launch_ready_core::finding::Finding],
) -> serde_json::Value {
    use time::format_description::well_known::Rfc3339;
    serde_json::json!({
        "tool": "launch-ready",
        "version": env!("CARGO_PKG_VERSION"),
        "started_at": started.format(&Rfc3339).unwrap_or_default(),
        "interval_ms": secs_ms(config.rules.interval),
        "confirm_interval_ms": secs_ms(config.rules.confirm_interval),
        "alert_route": route,
        "alert_delay_target_ms": secs_ms(alert_target),
        "uptime_goal_pct": uptime_goal,
        "slow_ms": config.rules.slow_ms,
        "failures_before_alert": config.rules.threshold,
        "targets": reports,
        "findings": findings,
    })
}

pub(super) fn text_report(
    route: &str,
    uptime_goal: Option<f64>,
    reports: &[TargetReport],
    findings: &[launch_ready_core::finding::Finding],
) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "alert route: {route}");
    for r in reports {
        if let Some(why) = &r.error {
            let _ = writeln!(s, "NOT MONITORED  {}  {why}", r.url);
            continue;
        }
        let _ = writeln!(
            s,
            "{}  {}  probes {}  failures {}  uptime {}{}",
            r.state.to_uppercase(),
            r.url,
            r.probes,
            r.failures,
            launch_ready_checks::monitor::state::uptime_against(r.uptime_pct, uptime_goal),
            r.cert_days_left
                .map(|d| format!("  certificate {d} days"))
                .unwrap_or_default()
        );
        for o in &r.outages {
            let _ = writeln!(
                s,
                "  outage detected {} ms after the first failed probe ({}); alert delivered {}; recovered {}",
                o.detection_ms,
                o.detection_worst_ms.map_or_else(
                    || "down from the first probe".to_string(),
                    |v| format!("{v} ms at worst since the last good one")
                ),
                o.alert_delivered_ms.map_or("no".into(), |d| format!(
                    "{} ms after detection",
                    d.saturating_sub(o.detected_ms)
                )),
                o.recovered_ms.map_or("not yet".into(), |v| format!(
                    "at {:.1} s",
                    v as f64 / 1000.0
                )),
            );
        }
    }
    for f in findings {
        let _ = writeln!(s, "{} {}: {}", f.severity.as_str(), f.code, f.message);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::text_report;
    use launch_ready_checks::monitor::run::{Outage, TargetReport};

    fn report(worst: Option<u64>) -> TargetReport {
        TargetReport {
            url: "https://a.test/".into(),
            flow: None,
            state: "down",
            error: None,
            probes: 4,
            failures: 4,
            uptime_pct: 0.0,
            last_latency_ms: None,
            cert_days_left: None,
            outages: vec![Outage {
                detection_ms: 1200,
                detection_worst_ms: worst,
                ..Outage::default()
            }],
            alerts: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// An outage from the first probe has no last good probe: the text says so instead of
    /// printing a placeholder.
    #[test]
    fn an_outage_from_the_start_says_so() {
        let text = text_report("none", None, &[report(None)], &[]);
        assert!(text.contains("down from the first probe"), "{text}");
        assert!(!text.contains('?'), "{text}");
        let text = text_report("none", None, &[report(Some(61_000))], &[]);
        assert!(
            text.contains("61000 ms at worst since the last good one"),
            "{text}"
        );
    }

    /// Uptime is reported against the runbook's goal: under it reads "below", at or over
    /// it "met", and with no goal the figure stands alone.
    #[test]
    fn uptime_is_reported_against_the_runbook_goal() {
        let at = |pct: f64| TargetReport {
            uptime_pct: pct,
            ..report(None)
        };
        let text = text_report("none", Some(99.9), &[at(99.8)], &[]);
        assert!(
            text.contains("uptime 99.80% (target 99.9%: below)"),
            "{text}"
        );
        let text = text_report("none", Some(99.9), &[at(99.95)], &[]);
        assert!(text.contains("uptime 99.95% (target 99.9%: met)"), "{text}");
        let text = text_report("none", None, &[at(99.8)], &[]);
        assert!(text.contains("uptime 99.80%\n"), "{text}");
    }
}
