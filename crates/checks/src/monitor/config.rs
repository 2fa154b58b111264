//! How a monitor is set up, in one place: the command, the TUI's Monitor screen, the drill
//! and the `uptime.probe` check all build their `Config` with `ConfigBuilder` and their
//! targets with `TargetSpec::parse`, so a rule (a probe never outlasts its interval, an
//! alert retry backs off with the interval, a URL that is not http(s) is refused) cannot
//! hold for one caller and drift for another. `Config` is `#[non_exhaustive]`, so outside
//! this crate the builder is the only way to make one.

use super::alert::Retry;
use super::clock::{Clock, SystemClock};
use super::dispatch::DEFAULT_ESCALATE_AFTER;
use super::probe::Expect;
use super::state::Rules;
use launch_ready_core::runbook::model::Targets as Thresholds;
use launch_ready_core::settings::NetworkSettings;
use reqwest::Url;
use std::sync::Arc;
use std::time::Duration;

/// Probes the error rate is taken over when not set: long enough that one blip is not a
/// rate, short enough to notice within the hour on a one-minute interval.
pub const ERROR_WINDOW: usize = 20;

/// One monitored URL.
#[derive(Debug, Clone)]
pub struct TargetSpec {
    pub url: Url,
    pub expect: Expect,
}

/// Why a URL cannot be monitored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("`{0}` is not an http(s) URL")]
    NotHttp(String),
    /// Probed URLs are shown on the screen, in progress lines and in reports.
    #[error("a monitored URL must not carry credentials")]
    Credentials,
}

impl TargetSpec {
    /// `url` as a monitor target: an http(s) URL with a host and no credentials.
    pub fn parse(url: &str, expect: Expect) -> Result<TargetSpec, TargetError> {
        let parsed = Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| TargetError::NotHttp(url.to_string()))?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(TargetError::Credentials);
        }
        Ok(TargetSpec {
            url: parsed,
            expect,
        })
    }
}

/// One target per URL, in order (a watcher numbers its rows by this index, so a URL is
/// never left out): the first URL that cannot be monitored is the error.
pub fn targets(urls: &[String], expect: &Expect) -> Result<Vec<TargetSpec>, TargetError> {
    urls.iter()
        .map(|u| TargetSpec::parse(u, expect.clone()))
        .collect()
}

/// How the monitor runs. Built with `Config::every` or `Config::with_rules`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    pub rules: Rules,
    /// Bound on one probe.
    pub timeout: Duration,
    /// `uptime.cert_expiring` at or under this many days.
    pub cert_warn_days: i64,
    /// Time between certificate reads (the first probe always reads it).
    pub cert_every: Duration,
    pub retry: Retry,
    /// Stop after this long; `None` runs until cancelled.
    pub duration: Option<Duration>,
    /// Mark every alert as a test (a drill's staged outage is not a real one).
    pub test_alerts: bool,
    /// An outage still unresolved this long after its alert goes to the next route.
    pub escalate_after: Duration,
    /// The clock the escalation delay runs on.
    pub clock: Arc<dyn Clock>,
    /// Error-rate budget in percent of probes (`None`: no error-rate notice).
    pub error_rate_pct: Option<f64>,
    /// Probes the error rate is taken over.
    pub error_window: usize,
}

impl Config {
    /// A monitor probing every `interval` under `network`'s timeout, with the default
    /// rules (`Rules::every`).
    pub fn every(interval: Duration, network: &NetworkSettings) -> ConfigBuilder {
        Config::with_rules(Rules::every(interval), network)
    }

    /// A monitor with `rules` as given (the TUI's board holds the same rules to draw by).
    pub fn with_rules(rules: Rules, network: &NetworkSettings) -> ConfigBuilder {
        ConfigBuilder {
            rules,
            network_timeout: Duration::from_secs(network.timeout_secs.max(1)),
            timeout: None,
            cert_warn_days: i64::from(Thresholds::default().cert_warn_days),
            retry: None,
            duration: None,
            test_alerts: false,
            escalate_after: DEFAULT_ESCALATE_AFTER,
            clock: Arc::new(SystemClock),
            error_rate_pct: None,
            error_window: ERROR_WINDOW,
        }
    }
}

/// A `Config` under construction; what is not set is derived from the interval and the
/// network settings in `build`.
#[derive(Debug, Clone)]
#[must_use]
pub struct ConfigBuilder {
    rules: Rules,
    network_timeout: Duration,
    timeout: Option<Duration>,
    cert_warn_days: i64,
    retry: Option<Retry>,
    duration: Option<Duration>,
    test_alerts: bool,
    escalate_after: Duration,
    clock: Arc<dyn Clock>,
    error_rate_pct: Option<f64>,
    error_window: usize,
}

/// Time between certificate reads: expiry moves in days, a handshake an hour is plenty.
const CERT_EVERY: Duration = Duration::from_secs(3600);

impl ConfigBuilder {
    /// The runbook's numbers: its certificate warning window, the latency past which a
    /// probe is slow (`p95_broken_ms`), the failures that make an outage
    /// (`probes_before_alert`), the escalation delay and the error-rate budget (each left
    /// as it is when unset).
    pub fn runbook(mut self, thresholds: &Thresholds) -> ConfigBuilder {
        self.rules.apply(thresholds);
        if let Some(m) = thresholds.escalate_after_min {
            self.escalate_after = Duration::from_secs(u64::from(m.max(1)) * 60);
        }
        self.error_rate_pct = thresholds.error_rate_pct.or(self.error_rate_pct);
        self.cert_warn_days(i64::from(thresholds.cert_warn_days))
    }

    /// An unresolved outage goes to the next route after `after`.
    pub fn escalate_after(mut self, after: Duration) -> ConfigBuilder {
        self.escalate_after = after;
        self
    }

    /// The clock escalation runs on (a `ManualClock` in tests and drills).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> ConfigBuilder {
        self.clock = clock;
        self
    }

    /// Raise an error-rate notice over `pct` percent failed probes among the newest
    /// `window`.
    pub fn error_rate(mut self, pct: f64, window: usize) -> ConfigBuilder {
        self.error_rate_pct = Some(pct);
        self.error_window = window.max(1);
        self
    }

    pub fn cert_warn_days(mut self, days: i64) -> ConfigBuilder {
        self.cert_warn_days = days;
        self
    }

    /// Latency above which a probe counts as slow.
    pub fn slow_ms(mut self, ms: u64) -> ConfigBuilder {
        self.rules.slow_ms = ms;
        self
    }

    /// Bound on one probe, instead of the network timeout capped at the interval.
    pub fn timeout(mut self, timeout: Duration) -> ConfigBuilder {
        self.timeout = Some(timeout);
        self
    }

    /// The alert retry policy, instead of the one derived from the interval.
    pub fn retry(mut self, retry: Retry) -> ConfigBuilder {
        self.retry = Some(retry);
        self
    }

    /// Stop after `duration` (`None`: run until cancelled).
    pub fn duration(mut self, duration: Option<Duration>) -> ConfigBuilder {
        self.duration = duration;
        self
    }

    /// Marks every alert as a test.
    pub fn test_alerts(mut self) -> ConfigBuilder {
        self.test_alerts = true;
        self
    }

    pub fn build(self) -> Config {
        let interval = self.rules.interval;
        // A probe never outlasts its interval, so the schedule is the interval's.
        let timeout = self
            .timeout
            .unwrap_or_else(|| self.network_timeout.min(interval));
        let retry = self.retry.unwrap_or(Retry {
            // A webhook gets at least two seconds even when probes are tighter.
            timeout: timeout.max(Duration::from_secs(2)),
            // Retries of one alert spread over about a confirm interval: soon enough to
            // land before the next probe, not so soon that a briefly busy hook is hammered.
            backoff: (interval / 4).clamp(Duration::from_millis(200), Duration::from_secs(5)),
            ..Retry::default()
        });
        Config {
            rules: self.rules,
            timeout,
            cert_warn_days: self.cert_warn_days,
            cert_every: CERT_EVERY,
            retry,
            duration: self.duration,
            test_alerts: self.test_alerts,
            escalate_after: self.escalate_after,
            clock: self.clock,
            error_rate_pct: self.error_rate_pct,
            error_window: self.error_window,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network(timeout_secs: u64) -> NetworkSettings {
        NetworkSettings {
            timeout_secs,
            ..NetworkSettings::default()
        }
    }

    /// The TUI hands over its board's rules; its alerts back off with the interval as the
    /// command's do (it used to retry at a fixed 500 ms whatever the interval).
    #[test]
    fn the_tui_path_backs_off_with_the_interval_like_the_command() {
        let tui = Config::with_rules(Rules::every(Duration::from_secs(60)), &network(10))
            .cert_warn_days(21)
            .build();
        let cli = Config::every(Duration::from_secs(60), &network(10)).build();
        assert_eq!(tui.retry, cli.retry);
        assert_eq!(tui.retry.backoff, Duration::from_secs(5));
        assert_eq!(tui.retry.attempts, Retry::default().attempts);
        assert_eq!(tui.timeout, Duration::from_secs(10));
        assert_eq!(tui.cert_warn_days, 21);

        let fast = Config::every(Duration::from_millis(400), &network(10)).build();
        assert_eq!(
            fast.timeout,
            Duration::from_millis(400),
            "capped at the interval"
        );
        assert_eq!(fast.retry.backoff, Duration::from_millis(200));
        assert_eq!(fast.retry.timeout, Duration::from_secs(2));
    }

    #[test]
    fn explicit_values_win_and_the_runbook_sets_the_warning_window() {
        let thresholds = Thresholds {
            cert_warn_days: 30,
            ..Thresholds::default()
        };
        let c = Config::every(Duration::from_secs(1), &network(10))
            .runbook(&thresholds)
            .slow_ms(750)
            .timeout(Duration::from_secs(10))
            .duration(Some(Duration::from_secs(3)))
            .test_alerts()
            .build();
        assert_eq!(c.cert_warn_days, 30);
        assert_eq!(c.rules.slow_ms, 750);
        assert_eq!(c.timeout, Duration::from_secs(10));
        assert_eq!(
            c.retry.timeout,
            Duration::from_secs(10),
            "follows the probe bound"
        );
        assert_eq!(c.duration, Some(Duration::from_secs(3)));
        assert!(c.test_alerts);
    }

    #[test]
    fn a_url_that_does_not_parse_is_reported_never_dropped() {
        let urls = [
            "https://a.test/".to_string(),
            "not a url".to_string(),
            "https://b.test/".to_string(),
        ];
        let err = targets(&urls, &Expect::default()).unwrap_err();
        assert_eq!(err, TargetError::NotHttp("not a url".into()));
        assert_eq!(err.to_string(), "`not a url` is not an http(s) URL");
        for bad in ["ftp://a.test/", "mailto:ops@a.test"] {
            assert!(TargetSpec::parse(bad, Expect::default()).is_err(), "{bad}");
        }
        assert_eq!(
            TargetSpec::parse("https://ci:hunter2@a.test/", Expect::default()).unwrap_err(),
            TargetError::Credentials
        );
        let good = targets(
            &[urls[0].clone(), urls[2].clone(), urls[0].clone()],
            &Expect::default(),
        )
        .unwrap();
        let got: Vec<&str> = good.iter().map(|t| t.url.as_str()).collect();
        assert_eq!(
            got,
            ["https://a.test/", "https://b.test/", "https://a.test/"],
            "one target per URL, in order"
        );
    }
}
