//! The monitor actor: one task per target probes on the target's own schedule (the
//! interval, or the confirm interval while a failure or a recovery is being confirmed),
//! and one alert task per target delivers that target's alerts in order, so a slow alert
//! route never delays a probe and a recovery never overtakes its outage. Everything stops
//! on cancellation or at the end of the duration; alerts already raised still go out,
//! each bounded by the retry policy.

pub use super::config::{Config, TargetSpec};

use super::alert::{Alert, Event, Retry, Route};
use super::probe::{CertSeen, certificate, probe};
use super::state::{Health, ProbeResult, TargetState, Transition};
use super::{finding, secs_ms};
use crate::net::Net;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{
    CertExpiringDetail, ProbeDownDetail, SlowDetail, UndeliveredDetail,
};
use launch_ready_core::finding::Finding;
use serde::Serialize;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// What the monitor tells its watcher (the TUI, the headless progress line) as it goes.
#[derive(Debug, Clone)]
pub enum MonitorEvent {
    Probed {
        target: usize,
        at: Duration,
        result: ProbeResult,
        health: Health,
    },
    Changed {
        target: usize,
        transition: Transition,
    },
    Certificate {
        target: usize,
        seen: Result<CertSeen, String>,
    },
    Alert {
        target: usize,
        record: AlertRecord,
    },
}

/// One alert and what became of it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AlertRecord {
    pub event: &'static str,
    /// When the transition behind it was confirmed, in ms since the monitor started.
    pub raised_ms: u64,
    /// From the confirmation to the route's 2xx (`None` when not delivered).
    pub delivery_ms: Option<u64>,
    pub attempts: u32,
    pub error: Option<String>,
}

/// One confirmed outage with its measured delays, in ms since the monitor started.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Outage {
    /// The last good probe before it (the outage began after this).
    pub last_success_ms: Option<u64>,
    pub first_failure_ms: u64,
    pub detected_ms: u64,
    /// Detected − first failed probe.
    pub detection_ms: u64,
    /// Detected − last good probe: the worst case from outage start to detection.
    pub detection_worst_ms: Option<u64>,
    pub alert_delivered_ms: Option<u64>,
    pub recovered_ms: Option<u64>,
    pub recovery_alert_delivered_ms: Option<u64>,
}

/// The result for one target.
#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    pub url: String,
    pub state: &'static str,
    pub probes: u64,
    pub failures: u64,
    pub uptime_pct: f64,
    pub last_latency_ms: Option<u64>,
    pub cert_days_left: Option<i64>,
    pub outages: Vec<Outage>,
    pub alerts: Vec<AlertRecord>,
    /// Findings open at the end (a recovered outage is cleared).
    pub findings: Vec<Finding>,
}

/// Runs the monitor over `targets` until `cancel` or the configured duration.
pub async fn run(
    net: Arc<Net>,
    targets: Vec<TargetSpec>,
    config: Config,
    route: Option<Route>,
    events: Option<UnboundedSender<MonitorEvent>>,
    cancel: CancellationToken,
) -> Vec<TargetReport> {
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(targets.len());
    for (i, spec) in targets.into_iter().enumerate() {
        let job = Job {
            index: i,
            net: net.clone(),
            spec,
            config: config.clone(),
            route: route.clone(),
            events: events.clone(),
            cancel: cancel.clone(),
            start,
        };
        tasks.push(tokio::spawn(job.run()));
    }
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        if let Ok(r) = t.await {
            out.push(r);
        }
    }
    out
}

struct Job {
    index: usize,
    net: Arc<Net>,
    spec: TargetSpec,
    config: Config,
    route: Option<Route>,
    events: Option<UnboundedSender<MonitorEvent>>,
    cancel: CancellationToken,
    start: Instant,
}

impl Job {
    fn emit(&self, e: MonitorEvent) {
        if let Some(tx) = &self.events {
            let _ = tx.send(e);
        }
    }

    async fn run(self) -> TargetReport {
        let rules = &self.config.rules;
        let deadline = self.config.duration.map(|d| self.start + d);
        let mut state = TargetState::new(rules);
        let outages: Arc<Mutex<Vec<Outage>>> = Arc::default();
        let alerts: Arc<Mutex<Vec<AlertRecord>>> = Arc::default();
        let (atx, mut arx) = unbounded_channel::<(Alert, Duration)>();
        let sender = {
            let (route, retry, outages, alerts) = (
                self.route.clone(),
                self.config.retry,
                outages.clone(),
                alerts.clone(),
            );
            let (events, index, start) = (self.events.clone(), self.index, self.start);
            tokio::spawn(async move {
                while let Some((alert, raised)) = arx.recv().await {
                    let record = deliver(route.as_ref(), &alert, retry, raised, start).await;
                    if let Some(at) = record.delivery_ms.map(|d| d + secs_ms(raised)) {
                        let mut o = outages.lock().unwrap_or_else(PoisonError::into_inner);
                        if let Some(last) = o.last_mut() {
                            match alert.event {
                                Event::Down => last.alert_delivered_ms = Some(at),
                                Event::Recovered => last.recovery_alert_delivered_ms = Some(at),
                                Event::Test => {}
                            }
                        }
                    }
                    if let Some(tx) = &events {
                        let _ = tx.send(MonitorEvent::Alert {
                            target: index,
                            record: record.clone(),
                        });
                    }
                    alerts
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(record);
                }
            })
        };
        let mut cert: Option<CertSeen> = None;
        let mut next_cert = self.start;
        let mut slow_latency = None;
        loop {
            let sent = Instant::now();
            if self.cancel.is_cancelled() || deadline.is_some_and(|d| sent >= d) {
                break;
            }
            let at = sent - self.start;
            let result = tokio::select! {
                r = probe(&self.net, &self.spec.url, &self.spec.expect, self.config.timeout) => r,
                () = self.cancel.cancelled() => break,
            };
            if sent >= next_cert
                && let Some(seen) =
                    certificate(&self.net, &self.spec.url, self.config.timeout).await
            {
                next_cert = sent + self.config.cert_every;
                if let Ok(c) = &seen {
                    cert = Some(c.clone());
                }
                self.emit(MonitorEvent::Certificate {
                    target: self.index,
                    seen,
                });
            }
            let transitions = state.record(rules, at, &result);
            self.emit(MonitorEvent::Probed {
                target: self.index,
                at,
                result: result.clone(),
                health: state.health,
            });
            for tr in transitions {
                let now = OffsetDateTime::now_utc();
                let ago = |d: Duration| now - (at.saturating_sub(d));
                match &tr {
                    Transition::Down {
                        first_failure,
                        last_success,
                        reason,
                        ..
                    } => {
                        outages
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(Outage {
                                last_success_ms: last_success.map(secs_ms),
                                first_failure_ms: secs_ms(*first_failure),
                                detected_ms: secs_ms(at),
                                detection_ms: secs_ms(at.saturating_sub(*first_failure)),
                                detection_worst_ms: last_success
                                    .map(|l| secs_ms(at.saturating_sub(l))),
                                ..Outage::default()
                            });
                        let _ = atx.send((
                            self.alert(Event::Down, ago(*first_failure), reason.clone()),
                            at,
                        ));
                    }
                    Transition::Recovered { .. } => {
                        if let Some(o) = outages
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .last_mut()
                        {
                            o.recovered_ms = Some(secs_ms(at));
                        }
                        let _ = atx.send((
                            self.alert(Event::Recovered, now, "answering again".into()),
                            at,
                        ));
                    }
                    Transition::Slow { latency_ms, .. } => slow_latency = Some(*latency_ms),
                    Transition::Fast { .. } => slow_latency = None,
                }
                self.emit(MonitorEvent::Changed {
                    target: self.index,
                    transition: tr,
                });
            }
            let mut next = sent + state.next_delay(rules);
            if let Some(d) = deadline {
                next = next.min(d);
            }
            tokio::select! {
                () = tokio::time::sleep_until(next) => {}
                () = self.cancel.cancelled() => break,
            }
        }
        drop(atx);
        let _ = sender.await;
        let outages = std::mem::take(&mut *outages.lock().unwrap_or_else(PoisonError::into_inner));
        let alerts = std::mem::take(&mut *alerts.lock().unwrap_or_else(PoisonError::into_inner));
        let findings = self.findings(&state, slow_latency, cert.as_ref(), &alerts);
        TargetReport {
            url: self.spec.url.to_string(),
            state: state.health.as_str(),
            probes: state.probes,
            failures: state.failures,
            uptime_pct: (state.uptime_pct() * 100.0).round() / 100.0,
            last_latency_ms: state.last_latency(),
            cert_days_left: cert.map(|c| c.days_left),
            outages,
            alerts,
            findings,
        }
    }

    fn alert(&self, event: Event, since: OffsetDateTime, reason: String) -> Alert {
        Alert {
            event,
            target: self.spec.url.to_string(),
            state: if event == Event::Down { "down" } else { "up" },
            since,
            reason,
            test: self.config.test_alerts,
        }
    }

    fn findings(
        &self,
        state: &TargetState,
        slow_latency: Option<u64>,
        cert: Option<&CertSeen>,
        alerts: &[AlertRecord],
    ) -> Vec<Finding> {
        let url = self.spec.url.as_str();
        let mut out = Vec::new();
        if matches!(state.health, Health::Down | Health::Recovering) {
            let reason = state.last_failure.as_ref().map_or("", |(_, r)| r.as_str());
            out.push(
                finding(Code::UptimeDown, format!("{url} is down: {reason}")).with_detail(
                    &ProbeDownDetail {
                        url: url.to_string(),
                        reason: reason.to_string(),
                    },
                ),
            );
        }
        if let Some(ms) = slow_latency {
            out.push(
                finding(
                    Code::UptimeSlow,
                    format!(
                        "{url} answered in {ms} ms, over the {} ms budget, twice in a row",
                        self.config.rules.slow_ms
                    ),
                )
                .with_detail(&SlowDetail {
                    url: url.to_string(),
                    latency_ms: ms,
                    budget_ms: self.config.rules.slow_ms,
                }),
            );
        }
        if let Some(c) = cert.filter(|c| c.days_left <= self.config.cert_warn_days) {
            out.push(
                finding(
                    Code::UptimeCertExpiring,
                    format!(
                        "the certificate of {} expires in {} days",
                        c.host, c.days_left
                    ),
                )
                .with_detail(&CertExpiringDetail {
                    host: c.host.clone(),
                    days_left: c.days_left,
                    warn_days: self.config.cert_warn_days,
                }),
            );
        }
        for a in alerts.iter().filter(|a| a.error.is_some()) {
            out.push(
                finding(
                    Code::UptimeAlertRouteFailed,
                    format!(
                        "the {} alert for {url} was not delivered: {}",
                        a.event,
                        a.error.as_deref().unwrap_or("")
                    ),
                )
                .with_detail(&UndeliveredDetail {
                    url: url.to_string(),
                    event: a.event.to_string(),
                    attempts: a.attempts,
                }),
            );
        }
        out
    }
}

/// Delivers one alert and records how it went; `raised` is when its transition was
/// confirmed, so the delivery delay counts the time spent waiting behind earlier alerts.
pub async fn deliver(
    route: Option<&Route>,
    alert: &Alert,
    retry: Retry,
    raised: Duration,
    start: Instant,
) -> AlertRecord {
    let mut record = AlertRecord {
        event: alert.event.as_str(),
        raised_ms: secs_ms(raised),
        delivery_ms: None,
        attempts: 0,
        error: None,
    };
    let Some(route) = route else {
        record.error = Some("no alert route is configured".into());
        return record;
    };
    match route.deliver(alert, retry).await {
        Ok(d) => {
            record.attempts = d.attempts;
            record.delivery_ms = Some(secs_ms((start.elapsed()).saturating_sub(raised)));
        }
        Err(e) => {
            record.attempts = retry.attempts.max(1);
            record.error = Some(e.to_string());
        }
    }
    record
}
