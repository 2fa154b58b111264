//! The monitor actor: one task per target probes on the target's own schedule (the
//! interval, or the confirm interval while a failure or a recovery is being confirmed),
//! and one alert task per target delivers that target's alerts in order, so a slow alert
//! route never delays a probe and a recovery never overtakes its outage. Everything stops
//! on cancellation or at the end of the duration; alerts already raised still go out,
//! each bounded by the retry policy.

pub use super::config::{Config, TargetSpec};
pub use super::dispatch::{AlertRecord, deliver};
pub use super::target::{FlowTarget, Target};

use super::alert::{Alert, Event, Route};
use super::dispatch::{Dispatch, Raised};
use super::probe::{CertSeen, certificate, probe};
use super::state::{Health, ProbeResult, TargetState, Transition};
use super::target::probe_flow;
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
    /// The target cannot be probed (a flow whose credential is not set): it is reported
    /// with the reason and never counted as up.
    Unmonitored {
        target: usize,
        reason: String,
    },
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
    /// The URL, or `flow:NAME` for a flow.
    pub url: String,
    /// The flow's name, for a flow target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow: Option<String>,
    /// A health (`up`, `down`, …), or `error` when the target could not be monitored.
    pub state: &'static str,
    /// Why the target could not be monitored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
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

/// Runs the monitor over `targets` (URLs and flows) until `cancel` or the configured
/// duration.
pub async fn run<T: Into<Target>>(
    net: Arc<Net>,
    targets: impl IntoIterator<Item = T>,
    config: Config,
    routes: impl IntoIterator<Item = Route>,
    events: Option<UnboundedSender<MonitorEvent>>,
    cancel: CancellationToken,
) -> Vec<TargetReport> {
    let start = Instant::now();
    let routes: Vec<Route> = routes.into_iter().collect();
    let mut tasks = Vec::new();
    for (i, spec) in targets.into_iter().enumerate() {
        let job = Job {
            index: i,
            net: net.clone(),
            spec: spec.into(),
            config: config.clone(),
            routes: routes.clone(),
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
    spec: Target,
    config: Config,
    routes: Vec<Route>,
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

    /// What a target that cannot be probed reports: the reason, no probes, never up.
    fn unmonitored(&self, reason: &str) -> TargetReport {
        self.emit(MonitorEvent::Unmonitored {
            target: self.index,
            reason: reason.to_string(),
        });
        TargetReport {
            url: self.spec.key(),
            flow: self.spec.flow_name().map(str::to_string),
            state: "error",
            error: Some(reason.to_string()),
            probes: 0,
            failures: 0,
            uptime_pct: 0.0,
            last_latency_ms: None,
            cert_days_left: None,
            outages: Vec::new(),
            alerts: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// One probe of the target.
    async fn probe(&self) -> ProbeResult {
        match &self.spec {
            Target::Url(s) => probe(&self.net, &s.url, &s.expect, self.config.timeout).await,
            Target::Flow(f) => probe_flow(&self.net, f, self.config.timeout).await,
        }
    }

    /// The certificate of a URL target; a flow's hosts are monitored as URLs.
    async fn certificate(&self) -> Option<Result<CertSeen, String>> {
        match &self.spec {
            Target::Url(s) => certificate(&self.net, &s.url, self.config.timeout).await,
            Target::Flow(_) => None,
        }
    }

    async fn run(self) -> TargetReport {
        if let Some(reason) = self.spec.unmonitored() {
            return self.unmonitored(reason);
        }
        let rules = &self.config.rules;
        let deadline = self.config.duration.map(|d| self.start + d);
        let mut state = TargetState::new(rules);
        let outages: Arc<Mutex<Vec<Outage>>> = Arc::default();
        let alerts: Arc<Mutex<Vec<AlertRecord>>> = Arc::default();
        let (atx, arx) = unbounded_channel::<Raised>();
        let sender = {
            let dispatch = Dispatch {
                routes: self.routes.clone(),
                retry: self.config.retry,
                escalate_after: self.config.escalate_after,
                clock: self.config.clock.clone(),
                start: self.start,
            };
            let (outages, alerts) = (outages.clone(), alerts.clone());
            let (events, index) = (self.events.clone(), self.index);
            tokio::spawn(dispatch.run(arx, move |alert, record| {
                if let Some(at) = record.delivery_ms.map(|d| d + record.raised_ms) {
                    let mut o = outages.lock().unwrap_or_else(PoisonError::into_inner);
                    if let Some(last) = o.last_mut() {
                        match alert.event {
                            Event::Down if !record.escalated => {
                                last.alert_delivered_ms.get_or_insert(at);
                            }
                            Event::Recovered => {
                                last.recovery_alert_delivered_ms.get_or_insert(at);
                            }
                            _ => {}
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
                    .push(record.clone());
            }))
        };
        let mut notices = Notices::default();
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
                r = self.probe() => r,
                () = self.cancel.cancelled() => break,
            };
            if sent >= next_cert
                && let Some(seen) = self.certificate().await
            {
                next_cert = sent + self.config.cert_every;
                if let Ok(c) = &seen {
                    cert = Some(c.clone());
                    if let Some(alert) = notices.certificate(&self, c) {
                        let _ = atx.send(Raised::Notice { alert, at });
                    }
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
                        let _ = atx.send(Raised::Down {
                            alert: self.alert(Event::Down, ago(*first_failure), reason.clone()),
                            at,
                        });
                    }
                    Transition::Recovered { .. } => {
                        if let Some(o) = outages
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .last_mut()
                        {
                            o.recovered_ms = Some(secs_ms(at));
                        }
                        let _ = atx.send(Raised::Recovered {
                            alert: self.alert(Event::Recovered, now, "answering again".into()),
                            at,
                        });
                    }
                    Transition::Slow { latency_ms, .. } => slow_latency = Some(*latency_ms),
                    Transition::Fast { .. } => slow_latency = None,
                }
                self.emit(MonitorEvent::Changed {
                    target: self.index,
                    transition: tr,
                });
            }
            if let Some(alert) = notices.error_rate(&self, &state) {
                let _ = atx.send(Raised::Notice { alert, at });
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
            url: self.spec.key(),
            flow: self.spec.flow_name().map(str::to_string),
            state: state.health.as_str(),
            error: None,
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
            target: self.spec.key(),
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
        let key = self.spec.key();
        let url = key.as_str();
        // A flow reads as `flow `NAME`` in messages; its key stays in the evidence.
        let named = self
            .spec
            .flow_name()
            .map_or_else(|| url.to_string(), |n| format!("flow `{n}`"));
        let mut out = Vec::new();
        if matches!(state.health, Health::Down | Health::Recovering) {
            let reason = state.last_failure.as_ref().map_or("", |(_, r)| r.as_str());
            out.push(
                finding(Code::UptimeDown, format!("{named} is down: {reason}")).with_detail(
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
                        "{named} answered in {ms} ms, over the {} ms budget, twice in a row",
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
            let (code, what) = if a.escalated {
                (Code::UptimeEscalationFailed, "escalation of the")
            } else {
                (Code::UptimeAlertRouteFailed, "the")
            };
            out.push(
                finding(
                    code,
                    format!(
                        "{what} {} alert for {named} to route `{}` was not delivered: {}",
                        a.event,
                        a.route,
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

/// The notices of one target, each raised once until its cause clears.
#[derive(Default)]
struct Notices {
    cert_sent: bool,
    error_rate_high: bool,
}

impl Notices {
    /// A certificate notice the first time `c` is inside the warning window.
    fn certificate(&mut self, job: &Job, c: &CertSeen) -> Option<Alert> {
        if self.cert_sent || c.days_left > job.config.cert_warn_days {
            return None;
        }
        self.cert_sent = true;
        Some(job.alert(
            Event::CertExpiring,
            OffsetDateTime::now_utc(),
            format!(
                "the certificate of {} expires in {} days (warning at {})",
                c.host, c.days_left, job.config.cert_warn_days
            ),
        ))
    }

    /// An error-rate notice when the share of failed probes among the newest
    /// `error_window` goes over the budget; raised again only after it came back under.
    fn error_rate(&mut self, job: &Job, state: &TargetState) -> Option<Alert> {
        let budget = job.config.error_rate_pct?;
        let window = job.config.error_window.max(1);
        let samples: Vec<_> = state.history().collect();
        let recent = &samples[samples.len().saturating_sub(window)..];
        if recent.len() < window {
            return None;
        }
        let failed = recent.iter().filter(|s| !s.up).count();
        #[allow(clippy::cast_precision_loss)] // counts of a bounded window
        let pct = failed as f64 * 100.0 / recent.len() as f64;
        let over = pct > budget;
        let raise = over && !self.error_rate_high;
        self.error_rate_high = over;
        raise.then(|| {
            job.alert(
                Event::ErrorRate,
                OffsetDateTime::now_utc(),
                format!(
                    "{failed} of the last {} probes failed ({pct:.1} %, budget {budget} %)",
                    recent.len()
                ),
            )
        })
    }
}
