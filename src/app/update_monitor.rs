//! The Monitor screen's transitions: starting and stopping the monitor, its interval, the
//! alert-route test and the demo switch. The board is reset on start and filled by
//! `Msg::Monitor` events, each probe also going into the session's uptime history (saved
//! through the normal, coalesced save path); the executor runs the actor.

use super::edit::changed;
use super::{App, Effect};
use launch_ready_checks::monitor::board::Board;
use launch_ready_checks::monitor::run::MonitorEvent;
use launch_ready_checks::monitor::state::{ProbeResult, Rules, Transition};
use launch_ready_core::catalog::Subject;
use launch_ready_core::session::model::AlertRoute;
use std::time::Duration;

/// The roadmaps' once a minute: the longest interval chosen by default.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// The intervals `+` and `-` step through, in seconds.
pub const STEPS: [u64; 8] = [5, 10, 15, 30, 60, 120, 300, 600];

/// The interval the monitor runs at: the one the operator chose for this session, else
/// the runbook's `probe_interval_min`, else the longest step (up to a minute) whose
/// worst-case detection (an interval plus the confirm interval) fits in half the
/// runbook's alert-delay target, leaving the rest for delivery. With both numbers, the
/// shorter interval wins: either promise alone would break the other.
pub fn interval(app: &App) -> Duration {
    if let Some(s) = app.session.monitor.interval_secs {
        return Duration::from_secs(s.max(1));
    }
    let asked = launch_ready_checks::monitor::state::runbook_interval(&app.runbook.targets);
    let Some(target) = app.runbook.targets.alert_delay_min else {
        return asked.unwrap_or(INTERVAL);
    };
    let half = Duration::from_secs(u64::from(target) * 30);
    let fits = STEPS
        .iter()
        .rev()
        .map(|s| Duration::from_secs(*s))
        .filter(|d| *d <= INTERVAL)
        .find(|d| {
            let r = Rules::every(*d);
            r.interval + r.confirm_interval <= half
        })
        .unwrap_or(Duration::from_secs(STEPS[0]));
    asked.map_or(fits, |a| a.min(fits))
}

fn urls(app: &App) -> Vec<String> {
    let mut urls: Vec<String> =
        launch_ready_checks::engine::targets::expand(Subject::Page, &app.session.targets)
            .into_iter()
            .map(|t| t.name)
            .collect();
    urls.extend(app.demo_route.iter().cloned());
    urls
}

/// The board's rows: the URLs, then the session's flows by their history key
/// (`flow:NAME`), in the order the monitor runs them as targets.
fn rows(app: &App, urls: &[String]) -> Vec<String> {
    let flows = app.session.targets.flows.iter();
    urls.iter()
        .cloned()
        .chain(flows.map(|f| launch_ready_core::session::monitor_log::flow_key(&f.name)))
        .collect()
}

/// The session's alert routes, or the default webhook credential when none is set (it
/// may still come from the CI variable).
fn routes(app: &App) -> Vec<AlertRoute> {
    let routes = app.session.targets.routes();
    if routes.is_empty() {
        return vec![AlertRoute::Webhook {
            credential: launch_ready_checks::monitor::alert::CREDENTIAL.into(),
        }];
    }
    routes
}

/// The runbook's escalation delay, else the default.
pub fn escalate_after(app: &App) -> Duration {
    app.runbook.targets.escalate_after_min.map_or(
        launch_ready_checks::monitor::dispatch::DEFAULT_ESCALATE_AFTER,
        |m| Duration::from_secs(u64::from(m.max(1)) * 60),
    )
}

/// The runbook's certificate warning window, in days.
fn cert_warn_days(app: &App) -> i64 {
    i64::from(app.runbook.targets.cert_warn_days)
}

pub fn toggle(app: &mut App, fx: &mut Vec<Effect>) {
    if app.monitor.running {
        app.monitor.running = false;
        app.status = Some("monitor stopped".into());
        fx.push(Effect::StopMonitor);
        return;
    }
    start(app, fx);
}

fn start(app: &mut App, fx: &mut Vec<Effect>) {
    let urls = urls(app);
    if urls.is_empty() {
        app.status =
            Some("nothing to monitor: add hosts or routes on the targets screen (4)".into());
        return;
    }
    let rules = Rules::for_runbook(interval(app), &app.runbook.targets);
    let (test_alert, drilling) = (app.monitor.test_alert.take(), app.monitor.drilling);
    app.monitor = Board::new(rules.clone(), &rows(app, &urls), app.now);
    app.monitor.test_alert = test_alert;
    app.monitor.drilling = drilling;
    let flows = app.session.targets.flows.len();
    app.status = Some(format!(
        "monitoring {} URL(s){} every {}; m stops, + and - change the interval",
        urls.len(),
        if flows == 0 {
            String::new()
        } else {
            format!(" and {flows} flow(s)")
        },
        show(rules.interval)
    ));
    fx.push(Effect::StartMonitor {
        urls,
        targets: Box::new(app.session.targets.clone()),
        network: app.session.network.clone(),
        rules,
        routes: routes(app),
        escalate_after: escalate_after(app),
        session: app.session.name.clone(),
        cert_warn_days: cert_warn_days(app),
    });
}

/// `+` (`longer`) or `-`: the next interval step, kept in the session; a running monitor
/// restarts at the new pace.
pub fn step_interval(app: &mut App, longer: bool, fx: &mut Vec<Effect>) {
    let now = interval(app).as_secs();
    let next = if longer {
        STEPS.iter().copied().find(|s| *s > now)
    } else {
        STEPS.iter().rev().copied().find(|s| *s < now)
    };
    let Some(next) = next else {
        app.status = Some(format!(
            "the interval is already the {} ({})",
            if longer { "longest" } else { "shortest" },
            show(Duration::from_secs(now))
        ));
        return;
    };
    app.session.monitor.interval_secs = Some(next);
    changed(app, fx);
    if app.monitor.running {
        start(app, fx);
    } else {
        app.status = Some(format!(
            "probe interval {} (m starts the monitor)",
            show(Duration::from_secs(next))
        ));
    }
}

/// `t`: a marked test alert through the session's alert route.
pub fn test_alert(app: &mut App, fx: &mut Vec<Effect>) {
    app.monitor.test_alert = Some("sending a test alert…".into());
    fx.push(Effect::TestAlert {
        routes: routes(app),
        session: app.session.name.clone(),
        network: app.session.network.clone(),
    });
}

/// `D`: an alert drill at the session's interval, on the demo's switchable route when
/// there is one (else on a loopback route the drill starts), measured against the
/// runbook's alert-delay target.
pub fn drill(app: &mut App, fx: &mut Vec<Effect>) {
    if app.monitor.drilling {
        app.status = Some("an alert drill is already running".into());
        return;
    }
    app.monitor.drilling = true;
    let every = interval(app);
    let target = app
        .runbook
        .targets
        .alert_delay_min
        .map_or(launch_ready_checks::monitor::drill::DEFAULT_TARGET, |m| {
            Duration::from_secs(u64::from(m) * 60)
        });
    app.status = Some(format!(
        "alert drill started: probes every {}, the route goes down and comes back; marked test alerts only",
        show(every)
    ));
    fx.push(Effect::RunDrill {
        routes: routes(app),
        escalate_after: escalate_after(app),
        session: app.session.name.clone(),
        network: app.session.network.clone(),
        interval: every,
        target,
    });
}

/// The drill finished: kept in the session, summed up in the status line.
pub fn on_drill(
    app: &mut App,
    report: &launch_ready_checks::monitor::drill::DrillReport,
    fx: &mut Vec<Effect>,
) {
    app.monitor.drilling = false;
    app.session.monitor.record_drill(report.record(app.now));
    changed(app, fx);
    let secs = |v: Option<u64>| v.map_or("–".into(), |ms| format!("{:.1} s", ms as f64 / 1000.0));
    app.status = Some(if report.passed {
        format!(
            "alert drill passed: detected in {}, alerted in {} (target {} s)",
            secs(report.detection_ms),
            secs(report.alert_ms),
            report.target_ms / 1000
        )
    } else {
        format!(
            "alert drill FAILED: {}",
            report.problems.first().map_or("", String::as_str)
        )
    });
}

/// The alert-route test finished: its delivery time, or why it failed (never the URL).
pub fn on_test_alert(app: &mut App, result: Result<u64, String>) {
    app.monitor.test_alert = Some(match result {
        Ok(ms) => format!("test alert delivered in {ms} ms"),
        Err(why) => format!("test alert NOT delivered: {why}"),
    });
}

/// One event of the running monitor: onto the board, and probes and outages into the
/// session's history.
pub fn on_event(app: &mut App, event: &MonitorEvent, fx: &mut Vec<Effect>) {
    app.monitor.apply(event);
    let (Some(rules), Some(started)) = (app.monitor.rules.clone(), app.monitor.started) else {
        return;
    };
    let url = |t: &usize| app.monitor.rows.get(*t).map(|r| r.url.clone());
    match event {
        MonitorEvent::Probed {
            target, at, result, ..
        } => {
            let Some(url) = url(target) else { return };
            let when = started + *at;
            let (up, latency, reason) = match result {
                ProbeResult::Up { latency_ms, .. } => (true, Some(*latency_ms), None),
                ProbeResult::Down { reason, latency_ms } => {
                    (false, *latency_ms, Some(reason.as_str()))
                }
            };
            app.session
                .monitor
                .record_probe(&url, when, up, latency, reason, rules.interval);
            changed(app, fx);
        }
        MonitorEvent::Changed {
            target,
            transition: Transition::Down { .. },
        } => {
            if let Some(url) = url(target) {
                app.session.monitor.record_outage(&url);
                changed(app, fx);
            }
        }
        _ => {}
    }
}

/// `d`: only the demo has a route it may take down.
pub fn switch_demo_route(app: &mut App, fx: &mut Vec<Effect>) {
    if app.demo_route.is_none() {
        app.status = Some("only the demo lab has a route that can be taken down".into());
        return;
    }
    app.status =
        Some("demo route switched: watch it go down (or come back) within two probes".into());
    fx.push(Effect::SwitchDemoRoute);
}

fn show(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Action, Msg, update};

    pub(super) fn app() -> App {
        let l = launch_ready_core::runbook::load::load_file(std::path::Path::new(
            "tests/fixtures/runbooks/valid/minimal.ron",
        ))
        .expect("fixture");
        let now = time::macros::datetime!(2026-03-02 09:00 UTC);
        let targets = launch_ready_core::session::model::Targets {
            apex: "acme.test".into(),
            ..Default::default()
        };
        let s = launch_ready_core::session::Session::new("acme", "Acme", &l, targets, now);
        App::new(s, std::sync::Arc::new(l.runbook.clone()), now)
    }

    #[test]
    fn m_starts_then_stops_the_monitor_on_the_session_pages() {
        let mut a = app();
        let fx = update(&mut a, Msg::Action(Action::Monitor));
        let Some(Effect::StartMonitor { urls, routes, .. }) = fx.first() else {
            panic!("{fx:?}")
        };
        assert_eq!(
            urls.as_slice(),
            ["https://acme.test/".to_string()].as_slice()
        );
        assert_eq!(routes.len(), 1);
        assert_eq!(routes[0].credential(), "alert-webhook");
        assert!(a.monitor.running && a.monitor.rows.len() == 1);
        let fx = update(&mut a, Msg::Action(Action::Monitor));
        assert!(matches!(fx.as_slice(), [Effect::StopMonitor]));
        assert!(!a.monitor.running);
    }
}

#[cfg(test)]
mod flow_tests {
    use crate::app::{Action, Effect, Msg, update};

    /// The session's flows are monitored after its pages, on rows keyed `flow:NAME`.
    #[test]
    fn m_monitors_the_session_flows_on_their_own_rows() {
        let mut a = super::tests::app();
        a.session.targets.flows = vec![launch_ready_core::flow::Flow {
            name: "log in".into(),
            steps: vec![launch_ready_core::flow::Step::get("/login")],
        }];
        let fx = update(&mut a, Msg::Action(Action::Monitor));
        let Some(Effect::StartMonitor { urls, targets, .. }) = fx.first() else {
            panic!("{fx:?}")
        };
        assert_eq!(urls.len(), 1, "the effect's URLs stay URLs");
        assert_eq!(targets.flows.len(), 1, "the flows go with the targets");
        let rows: Vec<&str> = a.monitor.rows.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(rows, ["https://acme.test/", "flow:log in"]);
        assert!(a.status.as_deref().unwrap_or("").contains("and 1 flow(s)"));
    }
}

#[cfg(test)]
mod demo_tests {
    use crate::app::{Action, Effect, Msg, update};

    #[test]
    fn d_switches_the_demo_route_only_in_the_demo_and_the_route_is_monitored() {
        let mut a = super::tests::app();
        assert!(update(&mut a, Msg::Action(Action::SwitchDemoRoute)).is_empty());
        a.demo_route = Some("http://127.0.0.1:9/".into());
        let fx = update(&mut a, Msg::Action(Action::SwitchDemoRoute));
        assert!(matches!(fx.as_slice(), [Effect::SwitchDemoRoute]));
        let fx = update(&mut a, Msg::Action(Action::Monitor));
        let Some(Effect::StartMonitor { urls, .. }) = fx.first() else {
            panic!("{fx:?}")
        };
        assert_eq!(urls.last().map(String::as_str), Some("http://127.0.0.1:9/"));
    }
}

#[cfg(test)]
mod history_tests {
    use super::tests::app;
    use super::*;
    use crate::app::{Action, Msg, update};

    #[test]
    fn the_interval_follows_the_alert_delay_target_until_the_operator_picks_one() {
        let mut a = app();
        assert_eq!(interval(&a), Duration::from_secs(60), "5 min target");
        let mut rb = (*a.runbook).clone();
        rb.targets.alert_delay_min = Some(1);
        a.runbook = std::sync::Arc::new(rb);
        // 15 s + 3.75 s confirming fits in half a minute; 30 s + 7.5 s does not.
        assert_eq!(interval(&a), Duration::from_secs(15));
        let fx = update(&mut a, Msg::Action(Action::MonitorSlower));
        assert!(matches!(fx.as_slice(), [Effect::Save]), "{fx:?}");
        assert_eq!(a.session.monitor.interval_secs, Some(30));
        update(&mut a, Msg::Action(Action::MonitorFaster));
        update(&mut a, Msg::Action(Action::MonitorFaster));
        assert_eq!(interval(&a), Duration::from_secs(10));
    }

    #[test]
    fn changing_the_interval_while_running_restarts_at_the_new_pace() {
        let mut a = app();
        update(&mut a, Msg::Action(Action::Monitor));
        let fx = update(&mut a, Msg::Action(Action::MonitorFaster));
        let Some(Effect::StartMonitor { rules, session, .. }) =
            fx.iter().find(|e| matches!(e, Effect::StartMonitor { .. }))
        else {
            panic!("{fx:?}")
        };
        assert_eq!(
            (rules.interval, session.as_str()),
            (Duration::from_secs(30), "acme")
        );
        assert_eq!(
            a.monitor.rules.as_ref().map(|r| r.interval),
            Some(rules.interval)
        );
    }

    #[test]
    fn probes_and_outages_go_into_the_session_history_and_are_saved() {
        let mut a = app();
        update(&mut a, Msg::Action(Action::Monitor));
        let probe = |at: u64, result: ProbeResult| {
            Msg::Monitor(MonitorEvent::Probed {
                target: 0,
                at: Duration::from_secs(at),
                result,
                health: launch_ready_checks::monitor::state::Health::Pending,
            })
        };
        let fx = update(
            &mut a,
            probe(
                0,
                ProbeResult::Up {
                    status: 200,
                    latency_ms: 80,
                },
            ),
        );
        assert!(matches!(fx.as_slice(), [Effect::Save]), "{fx:?}");
        let down = || ProbeResult::Down {
            reason: "status 503".into(),
            latency_ms: Some(5),
        };
        update(&mut a, probe(60, down()));
        update(&mut a, probe(75, down()));
        update(
            &mut a,
            Msg::Monitor(MonitorEvent::Changed {
                target: 0,
                transition: Transition::Down {
                    at: Duration::from_secs(75),
                    first_failure: Duration::from_secs(60),
                    last_success: Some(Duration::ZERO),
                    reason: "status 503".into(),
                },
            }),
        );
        let h = a
            .session
            .monitor
            .target("https://acme.test/")
            .expect("history");
        assert_eq!((h.probes, h.failures, h.outages), (3, 2, 1));
        assert_eq!(h.uptime_pct(), Some(80.0));
        let f = h.last_failure().expect("failure");
        assert_eq!(
            (f.at, f.reason.as_str()),
            (
                time::macros::datetime!(2026-03-02 09:01:15 UTC),
                "status 503"
            )
        );
    }

    #[test]
    fn t_tests_the_session_route_and_shows_the_outcome() {
        let mut a = app();
        let fx = update(&mut a, Msg::Action(Action::TestAlert));
        let Some(Effect::TestAlert {
            routes, session, ..
        }) = fx.first()
        else {
            panic!("{fx:?}")
        };
        assert_eq!(
            (routes[0].credential(), session.as_str()),
            ("alert-webhook", "acme")
        );
        update(&mut a, Msg::MonitorTestAlert(Ok(42)));
        assert_eq!(
            a.monitor.test_alert.as_deref(),
            Some("test alert delivered in 42 ms")
        );
        update(&mut a, Msg::MonitorTestAlert(Err("status 500".into())));
        assert_eq!(
            a.monitor.test_alert.as_deref(),
            Some("test alert NOT delivered: status 500")
        );
    }
}

#[cfg(test)]
mod drill_tests {
    use super::tests::app;
    use super::*;
    use crate::app::{Action, Msg, update};
    use launch_ready_checks::monitor::drill::DrillReport;

    #[test]
    fn shift_d_runs_one_drill_at_a_time_and_keeps_its_figures() {
        let mut a = app();
        let fx = update(&mut a, Msg::Action(Action::Drill));
        let Some(Effect::RunDrill {
            interval, target, ..
        }) = fx.first()
        else {
            panic!("{fx:?}")
        };
        // The fixture runbook's alert-delay target is five minutes.
        assert_eq!(
            (*interval, *target),
            (Duration::from_secs(60), Duration::from_secs(300))
        );
        assert!(update(&mut a, Msg::Action(Action::Drill)).is_empty());
        let report = DrillReport {
            detection_ms: Some(1_200),
            alert_ms: Some(1_300),
            target_ms: 300_000,
            passed: true,
            ..DrillReport::default()
        };
        let fx = update(&mut a, Msg::MonitorDrill(Box::new(report)));
        assert!(matches!(fx.as_slice(), [Effect::Save]), "{fx:?}");
        let d = a.session.monitor.drills().last().expect("kept");
        assert_eq!((d.passed, d.alert_ms, d.at), (true, Some(1_300), a.now));
        assert_eq!(
            a.status.as_deref(),
            Some("alert drill passed: detected in 1.2 s, alerted in 1.3 s (target 300 s)")
        );
        assert!(!a.monitor.drilling);
    }
}
