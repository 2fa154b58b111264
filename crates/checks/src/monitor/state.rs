//! The monitor's bookkeeping for one target, with no clock and no network: the scheduler
//! feeds it probe results stamped with the time since the monitor started, and it answers
//! with the transitions to alert on and when to probe next. Kept pure so the rules (two
//! failures before alerting, a shorter interval while confirming) are tested with a fake
//! clock instead of sleeps.

use launch_ready_core::runbook::model::Targets as Thresholds;
use std::collections::VecDeque;
use std::time::Duration;

/// The rules every target of a monitor shares.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// Time between probes of a healthy target.
    pub interval: Duration,
    /// Time between probes while a failure (or a recovery) is being confirmed: an outage
    /// is then confirmed after `interval + confirm_interval`, well under two intervals.
    pub confirm_interval: Duration,
    /// Consecutive failed probes that make an outage (and successes that end one).
    pub threshold: u32,
    /// Latency above which a probe counts as slow.
    pub slow_ms: u64,
    /// Samples kept per target for the sparkline and the history.
    pub history: usize,
}

impl Rules {
    /// The defaults of the roadmaps: two failures, confirmed at a quarter of the interval
    /// (at least 200 ms, so a short test interval does not turn into a busy loop).
    pub fn every(interval: Duration) -> Rules {
        Rules {
            interval,
            confirm_interval: (interval / 4).max(Duration::from_millis(200)).min(interval),
            threshold: 2,
            slow_ms: 2_000,
            history: 120,
        }
    }
}

impl Rules {
    /// The rules under a runbook's numbers: a probe slower than `p95_broken_ms` counts as
    /// slow (2 s where it sets none) and `probes_before_alert` failures make an outage
    /// (two where it sets none).
    pub fn for_runbook(interval: Duration, targets: &Thresholds) -> Rules {
        let mut r = Rules::every(interval);
        r.apply(targets);
        r
    }

    /// Takes the runbook's slow and failure thresholds where it sets them.
    pub fn apply(&mut self, targets: &Thresholds) {
        if let Some(ms) = targets.p95_broken_ms {
            self.slow_ms = u64::from(ms.max(1));
        }
        if let Some(n) = targets.probes_before_alert {
            self.threshold = n.max(1);
        }
    }
}

/// The time between probes a runbook asks for (`probe_interval_min`), if any.
pub fn runbook_interval(targets: &Thresholds) -> Option<Duration> {
    targets
        .probe_interval_min
        .map(|m| Duration::from_secs(u64::from(m.max(1)) * 60))
}

/// Uptime beside the runbook's goal: `99.20%`, or `99.20% (target 99.9%: below)`.
pub fn uptime_against(pct: f64, target: Option<f64>) -> String {
    match target {
        Some(t) if pct < t => format!("{pct:.2}% (target {t}%: below)"),
        Some(t) => format!("{pct:.2}% (target {t}%: met)"),
        None => format!("{pct:.2}%"),
    }
}

/// What one probe showed.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeResult {
    /// The expected status (and text) came back, in `latency_ms`.
    Up { status: u16, latency_ms: u64 },
    /// No answer, or not the expected one; `latency_ms` when a response arrived at all.
    Down {
        reason: String,
        latency_ms: Option<u64>,
    },
}

/// One probe in the history ring.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Time since the monitor started.
    pub at: Duration,
    pub up: bool,
    pub latency_ms: Option<u64>,
}

/// Where a target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Not probed yet.
    Pending,
    Up,
    /// Failed, not yet confirmed: probed again at the confirm interval.
    Suspect,
    /// Confirmed outage (`uptime.down` raised, alert sent).
    Down,
    /// Answered again after an outage, not yet confirmed.
    Recovering,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Pending => "pending",
            Health::Up => "up",
            Health::Suspect => "suspect",
            Health::Down => "down",
            Health::Recovering => "recovering",
        }
    }
}

/// A change worth an alert or a finding.
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    /// Confirmed outage. `first_failure` is when the first failed probe of the run went
    /// out, `last_success` the last good probe before it (the outage began in between).
    Down {
        at: Duration,
        first_failure: Duration,
        last_success: Option<Duration>,
        reason: String,
    },
    /// Confirmed recovery of the outage that started at `down_since`.
    Recovered { at: Duration, down_since: Duration },
    /// Two consecutive probes over budget.
    Slow { at: Duration, latency_ms: u64 },
    /// Back under budget.
    Fast { at: Duration },
}

/// The state of one target.
#[derive(Debug, Clone)]
pub struct TargetState {
    pub health: Health,
    pub probes: u64,
    pub failures: u64,
    fail_run: u32,
    ok_run: u32,
    slow_run: u32,
    pub slow: bool,
    first_failure: Option<Duration>,
    pub last_success: Option<Duration>,
    /// When the current (confirmed) outage was first seen failing.
    pub down_since: Option<Duration>,
    /// Reason and time of the most recent failed probe.
    pub last_failure: Option<(Duration, String)>,
    history: VecDeque<Sample>,
    cap: usize,
    /// Time spent up and down, each probe's answer standing until the next probe: probes
    /// come faster while failing, so counting probes would overweight outages.
    up_time: Duration,
    down_time: Duration,
}

impl TargetState {
    pub fn new(rules: &Rules) -> TargetState {
        TargetState {
            health: Health::Pending,
            probes: 0,
            failures: 0,
            fail_run: 0,
            ok_run: 0,
            slow_run: 0,
            slow: false,
            first_failure: None,
            last_success: None,
            down_since: None,
            last_failure: None,
            history: VecDeque::with_capacity(rules.history.max(1)),
            cap: rules.history.max(1),
            up_time: Duration::ZERO,
            down_time: Duration::ZERO,
        }
    }

    /// Records the probe sent at `at` and returns what changed.
    pub fn record(&mut self, rules: &Rules, at: Duration, result: &ProbeResult) -> Vec<Transition> {
        let mut out = Vec::new();
        self.probes = self.probes.saturating_add(1);
        let threshold = rules.threshold.max(1);
        let (up, latency) = match result {
            ProbeResult::Up { latency_ms, .. } => (true, Some(*latency_ms)),
            ProbeResult::Down { latency_ms, .. } => (false, *latency_ms),
        };
        if let Some(prev) = self.history.back() {
            let d = at.saturating_sub(prev.at);
            if prev.up {
                self.up_time = self.up_time.saturating_add(d);
            } else {
                self.down_time = self.down_time.saturating_add(d);
            }
        }
        if self.history.len() == self.cap {
            self.history.pop_front();
        }
        self.history.push_back(Sample {
            at,
            up,
            latency_ms: latency,
        });
        match result {
            ProbeResult::Up { latency_ms, .. } => {
                self.fail_run = 0;
                self.ok_run = self.ok_run.saturating_add(1);
                match self.health {
                    Health::Down | Health::Recovering if self.ok_run >= threshold => {
                        out.push(Transition::Recovered {
                            at,
                            down_since: self.down_since.unwrap_or(at),
                        });
                        self.down_since = None;
                        self.health = Health::Up;
                    }
                    Health::Down | Health::Recovering => self.health = Health::Recovering,
                    _ => self.health = Health::Up,
                }
                self.first_failure = None;
                self.last_success = Some(at);
                self.slow_run = if *latency_ms > rules.slow_ms {
                    self.slow_run.saturating_add(1)
                } else {
                    0
                };
                if self.slow_run >= threshold && !self.slow {
                    self.slow = true;
                    out.push(Transition::Slow {
                        at,
                        latency_ms: *latency_ms,
                    });
                } else if self.slow_run == 0 && self.slow {
                    self.slow = false;
                    out.push(Transition::Fast { at });
                }
            }
            ProbeResult::Down { reason, .. } => {
                self.failures = self.failures.saturating_add(1);
                self.ok_run = 0;
                self.fail_run = self.fail_run.saturating_add(1);
                self.last_failure = Some((at, reason.clone()));
                let first = *self.first_failure.get_or_insert(at);
                match self.health {
                    Health::Down | Health::Recovering => self.health = Health::Down,
                    _ if self.fail_run >= threshold => {
                        self.health = Health::Down;
                        self.down_since = Some(first);
                        out.push(Transition::Down {
                            at,
                            first_failure: first,
                            last_success: self.last_success,
                            reason: reason.clone(),
                        });
                    }
                    _ => self.health = Health::Suspect,
                }
            }
        }
        out
    }

    /// How long to wait before the next probe.
    pub fn next_delay(&self, rules: &Rules) -> Duration {
        match self.health {
            Health::Suspect | Health::Down | Health::Recovering => rules.confirm_interval,
            Health::Pending | Health::Up => rules.interval,
        }
    }

    /// Share of the monitored time the target was up, in percent; by probe count until
    /// two probes span some time (100 before any probe).
    pub fn uptime_pct(&self) -> f64 {
        // In seconds as f64: the sum of two long spans cannot overflow there.
        let total = self.up_time.as_secs_f64() + self.down_time.as_secs_f64();
        if total > 0.0 {
            return self.up_time.as_secs_f64() * 100.0 / total;
        }
        launch_ready_core::session::monitor_log::share_up(self.probes, self.failures)
            .unwrap_or(100.0)
    }

    /// The newest samples, oldest first (at most `Rules::history`).
    pub fn history(&self) -> impl Iterator<Item = &Sample> {
        self.history.iter()
    }

    /// The latest latency, when the latest probe got a response.
    pub fn last_latency(&self) -> Option<u64> {
        self.history.back().and_then(|s| s.latency_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: u64) -> Duration {
        Duration::from_secs(secs)
    }
    fn up(ms: u64) -> ProbeResult {
        ProbeResult::Up {
            status: 200,
            latency_ms: ms,
        }
    }
    fn down() -> ProbeResult {
        ProbeResult::Down {
            reason: "connection refused".into(),
            latency_ms: None,
        }
    }

    /// Drives a target with a fake clock: each probe goes out `next_delay` after the last.
    fn drive(rules: &Rules, script: &[ProbeResult]) -> (TargetState, Vec<Transition>) {
        let mut t = TargetState::new(rules);
        let mut now = Duration::ZERO;
        let mut all = Vec::new();
        for r in script {
            all.extend(t.record(rules, now, r));
            now += t.next_delay(rules);
        }
        (t, all)
    }

    #[test]
    fn a_healthy_target_raises_nothing() {
        let rules = Rules::every(s(60));
        let (t, tr) = drive(&rules, &vec![up(100); 50]);
        assert!(tr.is_empty());
        assert_eq!(t.health, Health::Up);
        assert_eq!(t.uptime_pct(), 100.0);
    }

    #[test]
    fn one_failure_is_only_suspect_and_is_confirmed_sooner() {
        let rules = Rules::every(s(60));
        let mut t = TargetState::new(&rules);
        assert!(t.record(&rules, s(0), &up(10)).is_empty());
        assert!(t.record(&rules, s(60), &down()).is_empty());
        assert_eq!(t.health, Health::Suspect);
        assert_eq!(t.next_delay(&rules), s(15));
        assert!(
            t.record(&rules, s(75), &up(10)).is_empty(),
            "a blip is not an outage"
        );
        assert_eq!(t.health, Health::Up);
    }

    #[test]
    fn two_failures_confirm_an_outage_within_two_intervals_of_its_start() {
        let rules = Rules::every(s(60));
        let (t, tr) = drive(&rules, &[up(10), down(), down()]);
        assert_eq!(t.health, Health::Down);
        let Transition::Down {
            at,
            first_failure,
            last_success,
            ..
        } = &tr[0]
        else {
            panic!("{tr:?}")
        };
        assert_eq!(
            (*first_failure, *at, *last_success),
            (s(60), s(75), Some(s(0)))
        );
        // Worst case the outage began just after the last good probe at 0 s.
        assert!(*at - last_success.unwrap() < 2 * rules.interval);
        assert_eq!(t.next_delay(&rules), rules.confirm_interval);
    }

    #[test]
    fn recovery_needs_two_good_probes_and_is_reported_once() {
        let rules = Rules::every(s(4));
        let (t, tr) = drive(
            &rules,
            &[up(1), down(), down(), down(), up(1), up(1), up(1)],
        );
        assert_eq!(t.health, Health::Up);
        let kinds: Vec<_> = tr
            .iter()
            .map(|t| match t {
                Transition::Down { .. } => "down",
                Transition::Recovered { .. } => "recovered",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["down", "recovered"]);
        assert_eq!(t.failures, 3);
        // Up 0–4 s, down 4–7 s (probed every second while failing), up 7–12 s: time, not
        // probe counts, even though the outage was probed more often.
        assert!((t.uptime_pct() - 75.0).abs() < 1e-9, "{}", t.uptime_pct());
    }

    #[test]
    fn one_good_probe_after_an_outage_is_recovering_and_a_relapse_is_no_new_alert() {
        let rules = Rules::every(s(4));
        let (t, tr) = drive(&rules, &[down(), down(), up(1)]);
        assert_eq!(t.health, Health::Recovering);
        assert_eq!(tr.len(), 1);
        let mut t = t;
        assert!(t.record(&rules, s(100), &down()).is_empty());
        assert_eq!(t.health, Health::Down);
    }

    #[test]
    fn slow_needs_two_consecutive_probes_over_budget_and_clears() {
        let mut rules = Rules::every(s(1));
        rules.slow_ms = 500;
        let (t, tr) = drive(
            &rules,
            &[up(900), up(100), up(900), up(950), up(990), up(10)],
        );
        assert!(!t.slow);
        assert!(matches!(
            tr[0],
            Transition::Slow {
                latency_ms: 950,
                ..
            }
        ));
        assert!(matches!(tr[1], Transition::Fast { .. }));
        assert_eq!(tr.len(), 2);
    }

    #[test]
    fn history_is_bounded() {
        let mut rules = Rules::every(s(1));
        rules.history = 5;
        let (t, _) = drive(&rules, &vec![up(3); 100]);
        assert_eq!(t.history().count(), 5);
        assert_eq!(t.probes, 100);
    }

    /// The runbook's numbers set the rules, and where it sets none the defaults stand.
    #[test]
    fn runbook_numbers_set_the_slow_and_failure_thresholds() {
        let every = Duration::from_secs(60);
        let d = Rules::for_runbook(every, &Thresholds::default());
        assert_eq!((d.slow_ms, d.threshold), (2_000, 2));
        let t = Thresholds {
            p95_broken_ms: Some(800),
            probes_before_alert: Some(3),
            probe_interval_min: Some(5),
            ..Thresholds::default()
        };
        let r = Rules::for_runbook(every, &t);
        assert_eq!((r.slow_ms, r.threshold), (800, 3));
        assert_eq!(runbook_interval(&t), Some(Duration::from_secs(300)));
        assert_eq!(runbook_interval(&Thresholds::default()), None);

        // Three failures in a row make the outage, not two.
        let mut s = TargetState::new(&r);
        let down = ProbeResult::Down {
            reason: "refused".into(),
            latency_ms: None,
        };
        s.record(&r, Duration::from_secs(0), &down);
        s.record(&r, Duration::from_secs(1), &down);
        assert_ne!(s.health, Health::Down);
        s.record(&r, Duration::from_secs(2), &down);
        assert_eq!(s.health, Health::Down);
    }

    #[test]
    fn uptime_reads_against_the_goal() {
        assert_eq!(
            uptime_against(99.5, Some(99.9)),
            "99.50% (target 99.9%: below)"
        );
        assert_eq!(
            uptime_against(100.0, Some(99.9)),
            "100.00% (target 99.9%: met)"
        );
        assert_eq!(uptime_against(99.5, None), "99.50%");
    }
}
