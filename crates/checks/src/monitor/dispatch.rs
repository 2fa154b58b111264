//! Where one target's alerts go, in order, with escalation. An outage's alert goes to the
//! first route; while it stays unresolved, each escalation delay hands it to the next route
//! (second after one delay, third after two, …); the recovery goes to every route that got
//! the outage's alert, so no one is left paging for a host that is back. Notices (a
//! certificate about to expire, an error rate over budget) go to the first route only:
//! nothing resolves them within a monitor run, so there is nothing to escalate.
//!
//! One dispatcher per target, fed in order by the probe loop, so a recovery never overtakes
//! its outage; the escalation delay runs on an injected `Clock`.

use super::alert::{Alert, Retry, Route};
use super::clock::Clock;
use super::secs_ms;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

/// The escalation delay when the runbook sets none.
pub const DEFAULT_ESCALATE_AFTER: Duration = Duration::from_secs(15 * 60);

/// One alert on one route and what became of it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AlertRecord {
    pub event: &'static str,
    /// The route's name (never its secret); `none` when no route is configured.
    pub route: String,
    /// Sent to this route because the outage stayed unresolved past the escalation delay.
    pub escalated: bool,
    /// When the alert was due (the transition confirmed, or the escalation delay passed),
    /// in ms since the monitor started.
    pub raised_ms: u64,
    /// From `raised_ms` to the route's acceptance (`None` when not delivered).
    pub delivery_ms: Option<u64>,
    pub attempts: u32,
    pub error: Option<String>,
}

/// What the probe loop hands the dispatcher.
#[derive(Debug, Clone)]
pub enum Raised {
    /// A confirmed outage, `at` after the monitor's start.
    Down { alert: Alert, at: Duration },
    /// The confirmed recovery of the open outage.
    Recovered { alert: Alert, at: Duration },
    /// A notice for the first route only.
    Notice { alert: Alert, at: Duration },
}

/// The routes and rules of one target's alerts.
#[derive(Debug, Clone)]
pub struct Dispatch {
    pub routes: Vec<Route>,
    pub retry: Retry,
    pub escalate_after: Duration,
    pub clock: Arc<dyn Clock>,
    /// The monitor's start (real time), for the records' offsets.
    pub start: Instant,
}

/// The outage being escalated.
struct Open {
    alert: Alert,
    /// The next route to hand it to.
    next: usize,
    due: Instant,
    /// Routes that accepted it.
    reached: Vec<usize>,
}

impl Dispatch {
    /// Delivers what `rx` raises until it closes, telling `sink` of every delivery.
    pub async fn run(
        self,
        mut rx: UnboundedReceiver<Raised>,
        mut sink: impl FnMut(&Alert, &AlertRecord) + Send,
    ) {
        let mut open: Option<Open> = None;
        loop {
            let due: super::clock::Sleep = match open.as_ref() {
                Some(o) if o.next < self.routes.len() => self.clock.sleep_until(o.due),
                _ => Box::pin(std::future::pending()),
            };
            let raised = tokio::select! {
                r = rx.recv() => match r {
                    Some(r) => r,
                    None => return,
                },
                () = due => {
                    if let Some(o) = open.as_mut() {
                        let i = o.next;
                        let at = self.start.elapsed();
                        let mut record =
                            deliver(self.routes.get(i), &o.alert, self.retry, at, self.start).await;
                        record.escalated = true;
                        if record.delivery_ms.is_some() {
                            o.reached.push(i);
                        }
                        o.next += 1;
                        o.due += self.escalate_after;
                        sink(&o.alert, &record);
                    }
                    continue;
                }
            };
            match raised {
                Raised::Down { alert, at } => {
                    let record =
                        deliver(self.routes.first(), &alert, self.retry, at, self.start).await;
                    let reached = if record.delivery_ms.is_some() {
                        vec![0]
                    } else {
                        Vec::new()
                    };
                    sink(&alert, &record);
                    open = Some(Open {
                        alert,
                        next: 1,
                        due: self.clock.now() + self.escalate_after,
                        reached,
                    });
                }
                Raised::Recovered { alert, at } => {
                    // Routes that never got the outage's alert get no recovery either;
                    // with no outage open (or none reached) the first route hears it.
                    let to = match open.take() {
                        Some(o) if !o.reached.is_empty() => o.reached,
                        _ => vec![0],
                    };
                    for i in to {
                        let record =
                            deliver(self.routes.get(i), &alert, self.retry, at, self.start).await;
                        sink(&alert, &record);
                    }
                }
                Raised::Notice { alert, at } => {
                    let record =
                        deliver(self.routes.first(), &alert, self.retry, at, self.start).await;
                    sink(&alert, &record);
                }
            }
        }
    }
}

/// Delivers one alert and records how it went; `raised` is when it was due, so the
/// delivery delay counts the time spent waiting behind earlier alerts.
pub async fn deliver(
    route: Option<&Route>,
    alert: &Alert,
    retry: Retry,
    raised: Duration,
    start: Instant,
) -> AlertRecord {
    let mut record = AlertRecord {
        event: alert.event.as_str(),
        route: route.map_or_else(|| "none".to_string(), |r| r.name.clone()),
        escalated: false,
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
            record.delivery_ms = Some(secs_ms(start.elapsed().saturating_sub(raised)));
        }
        Err(e) => {
            record.attempts = retry.attempts.max(1);
            record.error = Some(e.to_string());
        }
    }
    record
}
