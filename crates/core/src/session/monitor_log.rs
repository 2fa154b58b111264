//! The uptime history a session keeps: per monitored URL the counts since monitoring began
//! (probes, failures, time up and down, confirmed outages), the last failure and the newest
//! probes with their latency; and the alert drills with their measured delays.
//!
//! Why it is shaped this way: a session is saved often and read at every open, so the file
//! holds a bounded ring of recent probes plus running totals, never the whole run. Uptime is
//! weighed by time, not by probe count (failing targets are probed faster), and a gap
//! longer than the probe interval (the monitor was not running) counts for neither side.
//! The handover pack reads it through the methods below, not the fields' layout.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::time::Duration;
use time::OffsetDateTime;

/// Probes kept per target (two hours at the default minute interval).
pub const RECENT: usize = 120;
/// Drills kept per session, newest last.
pub const DRILLS: usize = 10;
/// Characters of a failure reason kept: enough to read, bounded against a hostile server.
const REASON_CHARS: usize = 200;

/// What a flow's history key starts with. Monitored URLs are only ever http(s), so no URL
/// can take a flow's place in the history, whatever the flow is called.
const FLOW_KEY: &str = "flow:";

/// The history key (and report name) of the monitored flow `name`: `flow:NAME`.
pub fn flow_key(name: &str) -> String {
    format!("{FLOW_KEY}{name}")
}

/// The flow a history key names, when it names one.
pub fn flow_of(key: &str) -> Option<&str> {
    key.strip_prefix(FLOW_KEY)
}

/// How a key reads on a screen: the URL, or `flow NAME`.
pub fn key_label(key: &str) -> String {
    flow_of(key).map_or_else(|| key.to_string(), |name| format!("flow {name}"))
}

/// Everything the monitor has recorded for a session.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorLog {
    /// The probe interval the operator chose for this session (`+`/`-` on the Monitor
    /// screen); unset, it follows the runbook's alert-delay target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_secs: Option<u64>,
    /// One entry per monitored URL or flow (keyed `flow:NAME`, see `flow_key`), in the
    /// order first monitored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<TargetLog>,
    /// Alert drills, oldest first (at most `DRILLS`).
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub drills: VecDeque<DrillRecord>,
}

/// The history of one monitored URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetLog {
    pub url: String,
    /// Probes since monitoring began (not only those in `recent`).
    pub probes: u64,
    pub failures: u64,
    /// Confirmed outages (two consecutive failures).
    #[serde(default)]
    pub outages: u64,
    /// Time the target was seen up and down, each probe's answer standing until the next.
    pub up_ms: u64,
    pub down_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<FailureRecord>,
    /// The newest probes, oldest first (at most `RECENT`).
    #[serde(default)]
    pub recent: VecDeque<ProbeRecord>,
}

/// One probe as kept in the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeRecord {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub up: bool,
    /// When a response arrived at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
}

/// The most recent failed probe of a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailureRecord {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub reason: String,
}

/// One alert drill and what it measured, in milliseconds (`None`: not reached).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrillRecord {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub passed: bool,
    /// The marked test alert, sent → accepted by the webhook.
    #[serde(default)]
    pub test_alert_ms: Option<u64>,
    /// Route taken down → outage confirmed.
    #[serde(default)]
    pub detection_ms: Option<u64>,
    /// Route taken down → down alert accepted.
    #[serde(default)]
    pub alert_ms: Option<u64>,
    /// Route back → recovery confirmed.
    #[serde(default)]
    pub recovery_ms: Option<u64>,
    /// Route back → recovery alert accepted.
    #[serde(default)]
    pub recovery_alert_ms: Option<u64>,
    /// The runbook's alert-delay target.
    pub target_ms: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// Every alert route's own figures, in escalation order (drills recorded before
    /// routes were kept per route have none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<DrillRoute>,
}

/// What kind of alert route a drill measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RouteKind {
    Webhook,
    Email,
}

impl RouteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RouteKind::Webhook => "webhook",
            RouteKind::Email => "email",
        }
    }
}

/// One alert route in a drill, in milliseconds (`None`: not delivered, or not sent there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrillRoute {
    /// The route as the session names it (`webhook alert-webhook`, `email to ops@…`):
    /// never its URL or password.
    pub name: String,
    pub kind: RouteKind,
    /// The marked test alert, sent → accepted.
    #[serde(default)]
    pub test_alert_ms: Option<u64>,
    /// Route taken down → down alert accepted (the first route; later ones get it by
    /// escalation).
    #[serde(default)]
    pub alert_ms: Option<u64>,
    /// Route back → recovery alert accepted (every route that had the down alert).
    #[serde(default)]
    pub recovery_alert_ms: Option<u64>,
    /// The unresolved down alert was handed to this route at the escalation deadline.
    #[serde(default)]
    pub escalated: bool,
    /// Escalation deadline → accepted by this route.
    #[serde(default)]
    pub escalation_ms: Option<u64>,
    /// Why an alert to this route was not delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The drill's staged outage reached this route (the first, and the second by
    /// escalation); later routes only get the test alert.
    #[serde(default = "paged_default", skip_serializing_if = "is_paged")]
    pub paged: bool,
}

fn paged_default() -> bool {
    true
}

fn is_paged(p: &bool) -> bool {
    *p
}

/// Why a route past the second is not paged in a drill.
pub const NOT_PAGED_WHY: &str = "the drill stages one escalation";

impl DrillRoute {
    /// How the staged outage reached this route, with `ms` writing a delay: "down alert
    /// 12 ms", "escalated 40 ms", or "not paged" (see `NOT_PAGED_WHY`).
    pub fn reached(&self, ms: impl Fn(Option<u64>) -> String) -> String {
        if !self.paged {
            "not paged".into()
        } else if self.escalated {
            format!("escalated {}", ms(self.escalation_ms))
        } else {
            format!("down alert {}", ms(self.alert_ms))
        }
    }
}

impl Default for DrillRecord {
    fn default() -> Self {
        DrillRecord {
            at: OffsetDateTime::UNIX_EPOCH,
            passed: false,
            test_alert_ms: None,
            detection_ms: None,
            alert_ms: None,
            recovery_ms: None,
            recovery_alert_ms: None,
            target_ms: 0,
            problems: Vec::new(),
            routes: Vec::new(),
        }
    }
}

impl MonitorLog {
    /// Nothing recorded (the session file then carries no monitor section).
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty() && self.drills.is_empty() && self.interval_secs.is_none()
    }

    /// The history of `url` (or of a flow's `flow_key`), when it was ever monitored.
    pub fn target(&self, url: &str) -> Option<&TargetLog> {
        self.targets.iter().find(|t| t.url == url)
    }

    /// The drills, oldest first.
    pub fn drills(&self) -> impl Iterator<Item = &DrillRecord> {
        self.drills.iter()
    }

    /// Records one probe of `url` sent at `at`. `interval` is the monitor's probe interval:
    /// the previous answer stands until this probe, for at most that long.
    pub fn record_probe(
        &mut self,
        url: &str,
        at: OffsetDateTime,
        up: bool,
        latency_ms: Option<u64>,
        reason: Option<&str>,
        interval: Duration,
    ) {
        let t = self.entry(url);
        if let Some(prev) = t.recent.back() {
            let gap = (at - prev.at).clamp(time::Duration::ZERO, time::Duration::MAX);
            let gap = std::time::Duration::try_from(gap)
                .unwrap_or_default()
                .min(interval);
            let ms = u64::try_from(gap.as_millis()).unwrap_or(u64::MAX);
            if prev.up {
                t.up_ms = t.up_ms.saturating_add(ms);
            } else {
                t.down_ms = t.down_ms.saturating_add(ms);
            }
        }
        // Saturating: a counter wrapped to zero would read as "never probed" or all up.
        t.probes = t.probes.saturating_add(1);
        if !up {
            t.failures = t.failures.saturating_add(1);
            t.last_failure = Some(FailureRecord {
                at,
                reason: reason.unwrap_or("").chars().take(REASON_CHARS).collect(),
            });
        }
        // `while`, not `if`: a hand-edited file may hold more than the bound.
        while t.recent.len() >= RECENT {
            t.recent.pop_front();
        }
        // Milliseconds are all a probe time needs; nanoseconds would only grow the file.
        let at = at
            .replace_nanosecond(at.nanosecond() / 1_000_000 * 1_000_000)
            .unwrap_or(at);
        t.recent.push_back(ProbeRecord { at, up, latency_ms });
    }

    /// Records a confirmed outage of `url`.
    pub fn record_outage(&mut self, url: &str) {
        let t = self.entry(url);
        t.outages = t.outages.saturating_add(1);
    }

    /// Records a drill, dropping the oldest beyond `DRILLS`.
    pub fn record_drill(&mut self, drill: DrillRecord) {
        while self.drills.len() >= DRILLS {
            self.drills.pop_front();
        }
        self.drills.push_back(drill);
    }

    fn entry(&mut self, url: &str) -> &mut TargetLog {
        let i = match self.targets.iter().position(|t| t.url == url) {
            Some(i) => i,
            None => {
                self.targets.push(TargetLog::new(url));
                self.targets.len() - 1
            }
        };
        &mut self.targets[i]
    }
}

/// The share of `probes` that did not fail, in percent; `None` before any probe. Every
/// uptime by probe count goes through here (the log, the live monitor, the uptime check),
/// so a count near `u64::MAX` or more failures than probes (a hand-edited log) reads the
/// same everywhere: no underflow, and never more than 100 or less than 0.
pub fn share_up(probes: u64, failures: u64) -> Option<f64> {
    (probes > 0).then(|| probes.saturating_sub(failures) as f64 * 100.0 / probes as f64)
}

impl TargetLog {
    fn new(url: &str) -> TargetLog {
        TargetLog {
            url: url.to_string(),
            probes: 0,
            failures: 0,
            outages: 0,
            up_ms: 0,
            down_ms: 0,
            last_failure: None,
            recent: VecDeque::new(),
        }
    }

    /// Share of the monitored time the target was up, in percent; by probe count until two
    /// probes span some time; `None` before any probe.
    pub fn uptime_pct(&self) -> Option<f64> {
        // Widened: two large totals must not wrap into a small one.
        let total = u128::from(self.up_ms) + u128::from(self.down_ms);
        if total > 0 {
            return Some(self.up_ms as f64 * 100.0 / total as f64);
        }
        share_up(self.probes, self.failures)
    }

    /// The most recent failed probe.
    pub fn last_failure(&self) -> Option<&FailureRecord> {
        self.last_failure.as_ref()
    }

    /// Latency of the recent probes that got a response, oldest first.
    pub fn latency_samples(&self) -> impl Iterator<Item = (OffsetDateTime, u64)> + '_ {
        self.recent
            .iter()
            .filter_map(|p| p.latency_ms.map(|ms| (p.at, ms)))
    }

    /// The 95th percentile of the recent latencies (nearest rank), when there are any.
    pub fn latency_p95(&self) -> Option<u64> {
        let mut v: Vec<u64> = self.latency_samples().map(|(_, ms)| ms).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_unstable();
        let rank = (v.len() * 95).div_ceil(100).max(1);
        v.get(rank - 1).copied()
    }

    /// When the newest probe went out.
    pub fn last_probe(&self) -> Option<OffsetDateTime> {
        self.recent.back().map(|p| p.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const MIN: Duration = Duration::from_secs(60);

    fn at(secs: i64) -> OffsetDateTime {
        datetime!(2026-03-02 09:00 UTC) + time::Duration::seconds(secs)
    }

    #[test]
    fn uptime_is_weighed_by_time_and_a_gap_counts_for_neither_side() {
        let mut log = MonitorLog::default();
        let u = "https://acme.test/";
        log.record_probe(u, at(0), true, Some(40), None, MIN);
        log.record_probe(u, at(60), false, None, Some("connection refused"), MIN);
        log.record_probe(u, at(75), false, None, Some("connection refused"), MIN);
        log.record_outage(u);
        log.record_probe(u, at(90), true, Some(60), None, MIN);
        // The monitor stopped for a day: that day is not counted as up.
        log.record_probe(u, at(86_400), true, Some(50), None, MIN);
        let t = log.target(u).expect("recorded");
        assert_eq!((t.probes, t.failures, t.outages), (5, 2, 1));
        assert_eq!((t.up_ms, t.down_ms), (120_000, 30_000));
        assert_eq!(t.uptime_pct(), Some(80.0));
        let f = t.last_failure().expect("a failure");
        assert_eq!((f.at, f.reason.as_str()), (at(75), "connection refused"));
        let lat: Vec<u64> = t.latency_samples().map(|(_, ms)| ms).collect();
        assert_eq!(lat, [40, 60, 50]);
        assert_eq!(t.latency_p95(), Some(60));
    }

    #[test]
    fn recent_probes_and_drills_are_bounded_but_counts_are_not() {
        let mut log = MonitorLog::default();
        for i in 0..(RECENT as i64 + 30) {
            log.record_probe("http://x/", at(i), true, Some(1), None, MIN);
        }
        for _ in 0..DRILLS + 3 {
            log.record_drill(DrillRecord {
                at: at(0),
                ..DrillRecord::default()
            });
        }
        let t = log.target("http://x/").expect("recorded");
        assert_eq!((t.recent.len(), t.probes), (RECENT, RECENT as u64 + 30));
        assert_eq!(log.drills().count(), DRILLS);
        // A file edited to hold more than the bound is brought back to it on the next probe.
        let first = log.targets[0].recent[0];
        log.targets[0].recent.extend(vec![first; 500]);
        log.record_probe("http://x/", at(10_000), true, Some(1), None, MIN);
        assert_eq!(
            log.target("http://x/").map(|t| t.recent.len()),
            Some(RECENT)
        );
    }

    /// A drill saved before routes were kept per route still loads, with none; one saved
    /// with them keeps every route's figures through a round trip.
    #[test]
    fn a_route_says_how_the_drill_reached_it_or_that_it_did_not() {
        let ms = |v: Option<u64>| v.map_or("—".to_string(), |m| format!("{m} ms"));
        let mut r = DrillRoute {
            name: "webhook a".into(),
            kind: RouteKind::Webhook,
            test_alert_ms: Some(5),
            alert_ms: Some(700),
            recovery_alert_ms: Some(300),
            escalated: false,
            escalation_ms: None,
            error: None,
            paged: true,
        };
        assert_eq!(r.reached(ms), "down alert 700 ms");
        r.escalated = true;
        r.escalation_ms = Some(40);
        assert_eq!(r.reached(ms), "escalated 40 ms");
        r.paged = false;
        assert_eq!(r.reached(ms), "not paged");
        // Saved only when false, read as paged when absent (every route before the field).
        let text = ron::to_string(&r).unwrap();
        assert!(text.contains("paged:false"), "{text}");
        r.paged = true;
        assert!(!ron::to_string(&r).unwrap().contains("paged"));
    }

    #[test]
    fn an_old_drill_without_routes_loads_and_routes_round_trip() {
        let old = r#"(drills: [(at: "2026-03-02T09:00:00Z", passed: true, test_alert_ms: Some(12),
            detection_ms: Some(500), alert_ms: Some(600), recovery_ms: Some(400),
            recovery_alert_ms: Some(450), target_ms: 120000)])"#;
        let log: MonitorLog = ron::from_str(old).expect("an old drill loads");
        let d = log.drills().next().expect("one drill");
        assert!(d.routes.is_empty());
        assert_eq!((d.alert_ms, d.target_ms), (Some(600), 120_000));

        let mut log = MonitorLog::default();
        log.record_drill(DrillRecord {
            at: at(0),
            routes: vec![
                DrillRoute {
                    name: "webhook alert-webhook".into(),
                    kind: RouteKind::Webhook,
                    test_alert_ms: Some(8),
                    alert_ms: Some(700),
                    recovery_alert_ms: Some(300),
                    escalated: false,
                    escalation_ms: None,
                    error: None,
                    paged: true,
                },
                DrillRoute {
                    name: "email to ops@a.test".into(),
                    kind: RouteKind::Email,
                    test_alert_ms: Some(40),
                    alert_ms: None,
                    recovery_alert_ms: Some(90),
                    escalated: true,
                    escalation_ms: Some(55),
                    error: None,
                    paged: true,
                },
            ],
            ..DrillRecord::default()
        });
        let text = ron::to_string(&log).expect("serialises");
        let back: MonitorLog = ron::from_str(&text).expect("reads back");
        assert_eq!(back, log);
    }

    #[test]
    fn a_flow_key_cannot_be_a_monitored_url() {
        assert_eq!(flow_key("log in"), "flow:log in");
        assert_eq!(flow_of("flow:log in"), Some("log in"));
        assert_eq!(flow_of("https://flow.test/"), None);
        assert_eq!(key_label("flow:log in"), "flow log in");
        assert_eq!(key_label("https://a.test/"), "https://a.test/");
        let mut log = MonitorLog::default();
        log.record_probe("https://a.test/", at(0), true, Some(5), None, MIN);
        log.record_probe(
            &flow_key("https://a.test/"),
            at(0),
            false,
            None,
            Some("step 2"),
            MIN,
        );
        assert_eq!(
            log.targets.len(),
            2,
            "a flow named like a URL keeps its own history"
        );
        assert_eq!(log.target("https://a.test/").map(|t| t.failures), Some(0));
    }

    #[test]
    fn a_long_reason_is_cut_and_nothing_probed_has_no_uptime() {
        let mut log = MonitorLog::default();
        let long = "x".repeat(5_000);
        log.record_probe("http://x/", at(0), false, None, Some(&long), MIN);
        let t = log.target("http://x/").expect("recorded");
        assert_eq!(t.last_failure().map(|f| f.reason.len()), Some(REASON_CHARS));
        assert_eq!(t.uptime_pct(), Some(0.0));
        assert_eq!(TargetLog::new("y").uptime_pct(), None);
    }

    /// Counts near `u64::MAX` (a long-lived or hand-edited log) give the right share: the
    /// sum of up and down time is not wrapped, counters stop at the top instead of
    /// wrapping to zero, and more failures than probes reads as none up.
    #[test]
    fn uptime_of_huge_counts_is_right() {
        let mut t = TargetLog::new("x");
        t.up_ms = u64::MAX;
        t.down_ms = u64::MAX;
        assert_eq!(t.uptime_pct(), Some(50.0));
        t.up_ms = u64::MAX;
        t.down_ms = 1;
        assert!(t.uptime_pct().is_some_and(|p| p > 99.0 && p <= 100.0));

        let mut log = MonitorLog::default();
        log.record_probe("http://x/", at(0), false, None, None, MIN);
        let t = &mut log.targets[0];
        t.probes = u64::MAX;
        t.failures = u64::MAX / 2;
        t.recent.clear();
        log.record_probe("http://x/", at(0), false, None, None, MIN);
        let t = log.target("http://x/").expect("recorded");
        assert_eq!(t.probes, u64::MAX);
        let p = t.uptime_pct().expect("probed");
        assert!((p - 50.0).abs() < 1e-6, "{p}");

        let mut t = TargetLog::new("y");
        t.probes = 3;
        t.failures = 5;
        assert_eq!(t.uptime_pct(), Some(0.0));
    }
}
