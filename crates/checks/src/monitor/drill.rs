//! The alert drill: proof that alerts reach someone, and how fast. It sends a marked test
//! alert, then stages a real outage on a route the drill controls (the lab's switchable
//! route on loopback, so no production system is touched): the monitor probes it, the
//! route is taken down, and the drill measures outage → detection → alert delivered;
//! the route comes back and it measures the recovery and its alert. Every alert it sends
//! is marked as a test. Each wait is bounded, so a broken route ends the drill, not hangs it.
//!
//! With several routes it also measures each route's own delivery (one test alert per
//! route) and the escalation: once the first route has the down alert, the drill moves the
//! escalation clock past the runbook's delay (a `ManualClock`: the drill proves the handover
//! happens at the deadline without waiting ten minutes) and times the alert's arrival on
//! the second route. A route that fails is `uptime.alert_route_failed`, an escalation that
//! does not arrive is `uptime.escalation_failed`, each with its figures.

use super::alert::{Alert, Event, Format, Retry, Route};
use super::clock::ManualClock;
use super::probe::Expect;
use super::run::{self, AlertRecord, Config, MonitorEvent, TargetSpec, deliver};
use super::secs_ms;
use super::state::{Health, Transition};
use crate::net::Net;
use launch_ready_core::session::monitor_log::{DrillRoute, RouteKind};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// The alert-delay target when the runbook sets none (the roadmaps' two minutes).
pub const DEFAULT_TARGET: Duration = Duration::from_secs(120);

/// What the drill measured, in milliseconds.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DrillReport {
    /// The marked test alert on the first route.
    pub test_alert: Option<AlertRecord>,
    /// One marked test alert per route, in escalation order.
    pub routes: Vec<AlertRecord>,
    /// Each route's own figures (test, down, escalated and recovery alerts), in
    /// escalation order: what the session keeps of the drill.
    pub per_route: Vec<DrillRoute>,
    /// The handover of the unresolved down alert to the second route.
    pub escalation: Option<EscalationReport>,
    /// Route taken down → outage confirmed by the monitor.
    pub detection_ms: Option<u64>,
    /// Route taken down → down alert accepted by the webhook.
    pub alert_ms: Option<u64>,
    /// Route back up → recovery confirmed.
    pub recovery_ms: Option<u64>,
    /// Route back up → recovery alert accepted.
    pub recovery_alert_ms: Option<u64>,
    /// The runbook's alert-delay target.
    pub target_ms: u64,
    /// Every alert delivered and the down alert within the target.
    pub passed: bool,
    /// What went wrong, when something did.
    pub problems: Vec<String>,
}

/// How the escalation went.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct EscalationReport {
    pub from: String,
    pub to: String,
    /// The escalation delay the monitor ran with (moved past on the drill's clock).
    pub after_ms: u64,
    /// Deadline passed → the second route accepted the alert.
    pub delivery_ms: Option<u64>,
    pub error: Option<String>,
}

/// A route the drill may take down and bring back: a server this process controls, never a
/// production system. The lab's switchable route is the one the product ships; the drill
/// is handed it, so the monitor does not depend on the lab.
pub trait OutageSwitch: Send + Sync {
    /// Where to probe it.
    fn url(&self) -> String;
    fn is_up(&self) -> bool;
    /// Takes the route down: connections are refused as from a dead origin.
    fn down(&self);
    /// Brings the route back on the same address. The error is the switch's own: the
    /// drill only reports it.
    fn up(&self) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;
}

/// Runs the drill on `site`, a route this process controls (the demo's switchable route,
/// or a lab route started for the drill); the route is brought up first and left up.
pub async fn drill_on(
    net: Arc<Net>,
    routes: impl IntoIterator<Item = Route>,
    site: &dyn OutageSwitch,
    interval: Duration,
    retry: Retry,
    target: Duration,
    escalate_after: Duration,
) -> DrillReport {
    let routes: Vec<Route> = routes.into_iter().collect();
    let mut report = DrillReport {
        target_ms: secs_ms(target),
        ..DrillReport::default()
    };
    let test = Alert {
        event: Event::Test,
        target: "alert drill".into(),
        state: "up",
        since: OffsetDateTime::now_utc(),
        reason: "launch-ready alert drill: test alert".into(),
        test: true,
    };
    if routes.is_empty() {
        let record = deliver(None, &test, retry, Duration::ZERO, Instant::now()).await;
        report
            .problems
            .push("test alert: no alert route is configured".into());
        report.test_alert = Some(record.clone());
        report.routes.push(record);
    }
    for (i, route) in routes.iter().enumerate() {
        let record = deliver(Some(route), &test, retry, Duration::ZERO, Instant::now()).await;
        if let Some(e) = &record.error {
            report
                .problems
                .push(format!("test alert on route `{}`: {e}", route.name));
        }
        report.test_alert.get_or_insert_with(|| record.clone());
        report.per_route.push(DrillRoute {
            name: route.name.clone(),
            kind: if route.format == Format::Email {
                RouteKind::Email
            } else {
                RouteKind::Webhook
            },
            test_alert_ms: record.delivery_ms,
            alert_ms: None,
            recovery_alert_ms: None,
            escalated: false,
            escalation_ms: None,
            error: record.error.clone(),
            // The outage goes to the first route and, by one escalation, the second.
            paged: i < 2,
        });
        report.routes.push(record);
    }
    let names: Vec<String> = routes.iter().map(|r| r.name.clone()).collect();
    if !site.is_up()
        && let Err(e) = site.up()
    {
        report.problems.push(e.to_string());
        return report;
    }
    let spec = match TargetSpec::parse(&site.url(), Expect::exactly(200)) {
        Ok(spec) => spec,
        Err(e) => {
            report.problems.push(format!("the drill route: {e}"));
            return report;
        }
    };
    let clock = ManualClock::new();
    let config = Config::every(interval, &net.settings)
        // The staged route is on loopback and answers at once; five seconds bounds a probe
        // of a stuck route without stretching a drill on a long interval.
        .timeout(interval.min(Duration::from_secs(5)))
        // The staged route's certificate is not what a drill measures.
        .cert_warn_days(0)
        .retry(retry)
        .test_alerts()
        .escalate_after(escalate_after)
        .clock(clock.clone())
        .build();
    // Long enough for two failed probes and every retry of the alert, and no longer.
    let bound = interval * 4
        + retry.timeout * retry.attempts.max(1)
        + retry.backoff * (1 << retry.attempts.min(8));
    let cancel = CancellationToken::new();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let monitor = tokio::spawn(run::run(
        net,
        vec![spec],
        config,
        routes,
        Some(tx),
        cancel.clone(),
    ));
    let mut reached = 0_usize;
    let steps = async {
        wait_for(&mut rx, bound, |e| {
            matches!(
                e,
                MonitorEvent::Probed {
                    health: Health::Up,
                    ..
                }
            )
        })
        .await
        .ok_or("the drill route never answered")?;
        site.down();
        let down_at = Instant::now();
        let (_, t) = wait_for(&mut rx, bound, |e| {
            matches!(
                e,
                MonitorEvent::Changed {
                    transition: Transition::Down { .. },
                    ..
                }
            )
        })
        .await
        .ok_or("the outage was not detected")?;
        report.detection_ms = Some(secs_ms(t - down_at));
        let (e, t) = wait_for(
            &mut rx,
            bound,
            |e| matches!(e, MonitorEvent::Alert { record, .. } if record.event == "down"),
        )
        .await
        .ok_or("the down alert never finished")?;
        if delivered(&e) {
            report.alert_ms = Some(secs_ms(t - down_at));
            // Routes that had the down alert get the recovery (see `dispatch`).
            reached += 1;
        } else {
            report
                .problems
                .push("the down alert was not delivered".into());
        }
        if let Some(r) = report.per_route.first_mut() {
            r.alert_ms = report.alert_ms;
            r.error = r.error.take().or_else(|| undelivered(&e));
        }
        if names.len() > 1 {
            let mut esc = EscalationReport {
                from: names[0].clone(),
                to: names[1].clone(),
                after_ms: secs_ms(escalate_after),
                ..EscalationReport::default()
            };
            clock.advance(escalate_after);
            let due_at = Instant::now();
            match wait_for(&mut rx, bound, |e| {
                matches!(e, MonitorEvent::Alert { record, .. } if record.escalated && record.event == "down")
            })
            .await
            {
                Some((MonitorEvent::Alert { record, .. }, t)) if record.delivery_ms.is_some() => {
                    esc.delivery_ms = Some(secs_ms(t - due_at));
                    reached += 1;
                }
                Some((MonitorEvent::Alert { record, .. }, _)) => {
                    esc.error = record.error.clone();
                }
                _ => esc.error = Some("the escalated alert never finished".into()),
            }
            if let Some(r) = report.per_route.get_mut(1) {
                r.escalated = true;
                r.escalation_ms = esc.delivery_ms;
                r.error = r.error.take().or_else(|| esc.error.clone());
            }
            if let Some(e) = &esc.error {
                report.problems.push(format!(
                    "escalation from `{}` to `{}`: {e}",
                    esc.from, esc.to
                ));
            }
            report.escalation = Some(esc);
        }
        site.up().map_err(|e| e.to_string())?;
        let up_at = Instant::now();
        let (_, t) = wait_for(&mut rx, bound, |e| {
            matches!(
                e,
                MonitorEvent::Changed {
                    transition: Transition::Recovered { .. },
                    ..
                }
            )
        })
        .await
        .ok_or("the recovery was not detected")?;
        report.recovery_ms = Some(secs_ms(t - up_at));
        // One recovery per route that had the outage's alert (the first route when none
        // did), in escalation order.
        for n in 0..reached.max(1) {
            let (e, t) = wait_for(
                &mut rx,
                bound,
                |e| matches!(e, MonitorEvent::Alert { record, .. } if record.event == "recovered"),
            )
            .await
            .ok_or("the recovery alert never finished")?;
            let ms = delivered(&e).then(|| secs_ms(t - up_at));
            if n == 0 {
                report.recovery_alert_ms = ms;
            }
            if let MonitorEvent::Alert { record, .. } = &e
                && let Some(r) = report.per_route.iter_mut().find(|r| r.name == record.route)
            {
                r.recovery_alert_ms = ms;
                r.error = r.error.take().or_else(|| undelivered(&e));
            }
            if ms.is_none() {
                report.problems.push(match &e {
                    MonitorEvent::Alert { record, .. } if n > 0 => format!(
                        "the recovery alert was not delivered on route `{}`",
                        record.route
                    ),
                    _ => "the recovery alert was not delivered".into(),
                });
            }
        }
        Ok::<(), String>(())
    };
    if let Err(e) = steps.await {
        report.problems.push(e);
    }
    cancel.cancel();
    let _ = monitor.await;
    if report.alert_ms.is_some_and(|ms| ms > report.target_ms) {
        report.problems.push(format!(
            "the down alert took {} s, over the {} s target",
            report.alert_ms.unwrap_or_default() / 1000,
            report.target_ms / 1000
        ));
    }
    report.passed = report.problems.is_empty();
    report
}

impl DrillReport {
    /// `uptime.alert_route_failed` per route whose test alert failed and
    /// `uptime.escalation_failed` when the escalation did not arrive, with figures.
    pub fn findings(&self) -> Vec<launch_ready_core::finding::Finding> {
        use launch_ready_core::code::Code;
        let mut out = Vec::new();
        for r in self.routes.iter().filter(|r| r.error.is_some()) {
            out.push(super::finding(
                Code::UptimeAlertRouteFailed,
                format!(
                    "the drill's test alert on route `{}` was not delivered after {} attempt(s): {}",
                    r.route,
                    r.attempts,
                    r.error.as_deref().unwrap_or_default()
                ),
            ));
        }
        if let Some(e) = self.escalation.as_ref().filter(|e| e.error.is_some()) {
            out.push(super::finding(
                Code::UptimeEscalationFailed,
                format!(
                    "the down alert was not escalated from `{}` to `{}` after the {} min delay: {}",
                    e.from,
                    e.to,
                    e.after_ms / 60_000,
                    e.error.as_deref().unwrap_or_default()
                ),
            ));
        }
        out
    }

    /// What the session keeps of this drill, stamped `at`.
    pub fn record(
        &self,
        at: OffsetDateTime,
    ) -> launch_ready_core::session::monitor_log::DrillRecord {
        launch_ready_core::session::monitor_log::DrillRecord {
            at,
            passed: self.passed,
            test_alert_ms: self.test_alert.as_ref().and_then(|a| a.delivery_ms),
            detection_ms: self.detection_ms,
            alert_ms: self.alert_ms,
            recovery_ms: self.recovery_ms,
            recovery_alert_ms: self.recovery_alert_ms,
            target_ms: self.target_ms,
            problems: self.problems.clone(),
            routes: self.per_route.clone(),
        }
    }
}

/// Why the alert `e` was not delivered, when it was not.
fn undelivered(e: &MonitorEvent) -> Option<String> {
    match e {
        MonitorEvent::Alert { record, .. } => record.error.clone(),
        _ => None,
    }
}

fn delivered(e: &MonitorEvent) -> bool {
    matches!(e, MonitorEvent::Alert { record, .. } if record.delivery_ms.is_some())
}

/// The first event matching `want` within `bound`, with when it arrived.
async fn wait_for(
    rx: &mut UnboundedReceiver<MonitorEvent>,
    bound: Duration,
    want: impl Fn(&MonitorEvent) -> bool,
) -> Option<(MonitorEvent, Instant)> {
    let deadline = Instant::now() + bound;
    loop {
        let e = tokio::time::timeout_at(deadline, rx.recv()).await.ok()??;
        if want(&e) {
            return Some((e, Instant::now()));
        }
    }
}
