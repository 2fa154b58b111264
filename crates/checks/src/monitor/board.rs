//! What the Monitor screen shows, built from the actor's events: each target's state
//! (replayed through the same `TargetState` rules, so the screen and the alerts agree),
//! its certificate and the fate of its latest alert. Pure, so the screen is snapshot-tested
//! in any state without a network.

use super::run::{AlertRecord, MonitorEvent};
use super::state::{Rules, TargetState};
use time::OffsetDateTime;

/// The latest alert of a target.
#[derive(Debug, Clone, PartialEq)]
pub enum AlertState {
    /// Nothing raised.
    Quiet,
    Delivered {
        event: &'static str,
        delivery_ms: u64,
    },
    Failed {
        event: &'static str,
        error: String,
    },
}

/// One monitored target on the screen.
#[derive(Debug, Clone)]
pub struct BoardRow {
    /// The URL, or `flow:NAME` for a flow (the session's history key; `key_label` reads
    /// it as `flow NAME`).
    pub url: String,
    /// Why the target is not monitored (a flow whose credential is not set).
    pub error: Option<String>,
    pub state: TargetState,
    pub alert: AlertState,
    pub cert_days: Option<i64>,
}

/// The Monitor screen's model.
#[derive(Debug, Clone, Default)]
pub struct Board {
    pub rules: Option<Rules>,
    /// Wall-clock time of the monitor's start, to show failures as times of day.
    pub started: Option<OffsetDateTime>,
    pub rows: Vec<BoardRow>,
    /// "configured (json)", or why alerts cannot be sent; never the URL.
    pub route: Option<String>,
    pub running: bool,
    /// The outcome of the latest alert-route test (`t`), or that one is under way.
    pub test_alert: Option<String>,
    /// An alert drill is under way (one at a time: it takes a route down).
    pub drilling: bool,
}

impl Board {
    /// A board for `urls` (URLs and `flow:NAME` keys, in the monitor's target order) about
    /// to be probed under `rules`.
    pub fn new(rules: Rules, urls: &[String], started: OffsetDateTime) -> Board {
        Board {
            rows: urls
                .iter()
                .map(|u| BoardRow {
                    url: u.clone(),
                    error: None,
                    state: TargetState::new(&rules),
                    alert: AlertState::Quiet,
                    cert_days: None,
                })
                .collect(),
            rules: Some(rules),
            started: Some(started),
            route: None,
            running: true,
            test_alert: None,
            drilling: false,
        }
    }

    /// Folds one event in; events for unknown targets are ignored.
    pub fn apply(&mut self, e: &MonitorEvent) {
        let Some(rules) = self.rules.clone() else {
            return;
        };
        match e {
            MonitorEvent::Probed {
                target, at, result, ..
            } => {
                if let Some(r) = self.rows.get_mut(*target) {
                    r.state.record(&rules, *at, result);
                }
            }
            MonitorEvent::Certificate {
                target,
                seen: Ok(c),
            } => {
                if let Some(r) = self.rows.get_mut(*target) {
                    r.cert_days = Some(c.days_left);
                }
            }
            MonitorEvent::Alert { target, record } => {
                if let Some(r) = self.rows.get_mut(*target) {
                    r.alert = alert_state(record);
                }
            }
            MonitorEvent::Unmonitored { target, reason } => {
                if let Some(r) = self.rows.get_mut(*target) {
                    r.error = Some(reason.clone());
                }
            }
            MonitorEvent::Certificate { .. } | MonitorEvent::Changed { .. } => {}
        }
    }
}

fn alert_state(r: &AlertRecord) -> AlertState {
    match (r.delivery_ms, &r.error) {
        (Some(ms), _) => AlertState::Delivered {
            event: r.event,
            delivery_ms: ms,
        },
        (None, e) => AlertState::Failed {
            event: r.event,
            error: e.clone().unwrap_or_default(),
        },
    }
}

/// A latency sparkline of `width` cells from the newest samples: eighth blocks scaled to
/// the largest latency shown, `×` for a failed probe.
pub fn sparkline(state: &TargetState, width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let samples: Vec<_> = state.history().collect();
    let shown = &samples[samples.len().saturating_sub(width)..];
    let max = shown
        .iter()
        .filter_map(|s| s.latency_ms)
        .max()
        .unwrap_or(1)
        .max(1);
    shown
        .iter()
        .map(|s| match (s.up, s.latency_ms) {
            (true, Some(ms)) => {
                let i = usize::try_from(ms.saturating_mul(7) / max)
                    .unwrap_or(7)
                    .min(7);
                BARS[i]
            }
            _ => '×',
        })
        .collect()
}
