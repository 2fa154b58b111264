//! Starting and stopping the monitor from the Monitor screen. The board is reset here and
//! filled by `Msg::Monitor` events; the executor runs the actor.

use super::{App, Effect};
use crate::checks::catalog::Subject;
use crate::monitor::board::Board;
use crate::monitor::state::Rules;
use std::time::Duration;

/// The TUI's probe interval: the roadmaps' once a minute.
pub const INTERVAL: Duration = Duration::from_secs(60);

pub fn toggle(app: &mut App, fx: &mut Vec<Effect>) {
    if app.monitor.running {
        app.monitor.running = false;
        app.status = Some("monitor stopped".into());
        fx.push(Effect::StopMonitor);
        return;
    }
    let mut urls: Vec<String> = crate::engine::targets::expand(Subject::Page, &app.session.targets)
        .into_iter()
        .map(|t| t.name)
        .collect();
    urls.extend(app.demo_route.iter().cloned());
    if urls.is_empty() {
        app.status =
            Some("nothing to monitor: add hosts or routes on the targets screen (4)".into());
        return;
    }
    let rules = Rules::every(INTERVAL);
    app.monitor = Board::new(rules.clone(), &urls, app.now);
    app.status = Some(format!(
        "monitoring {} URL(s) every {} s; m stops",
        urls.len(),
        INTERVAL.as_secs()
    ));
    fx.push(Effect::StartMonitor {
        urls,
        network: app.session.network.clone(),
        rules,
        credential: app
            .session
            .targets
            .alert_route
            .clone()
            .unwrap_or_else(|| crate::monitor::alert::CREDENTIAL.into()),
    });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Action, Msg, update};

    pub(super) fn app() -> App {
        let l = crate::runbook::load::load_file(std::path::Path::new(
            "tests/fixtures/runbooks/valid/minimal.ron",
        ))
        .expect("fixture");
        let now = time::macros::datetime!(2026-03-02 09:00 UTC);
        let targets = crate::session::model::Targets {
            apex: "acme.test".into(),
            ..Default::default()
        };
        let s = crate::session::Session::new("acme", "Acme", &l, targets, now);
        App::new(s, std::sync::Arc::new(l.runbook.clone()), now)
    }

    #[test]
    fn m_starts_then_stops_the_monitor_on_the_session_pages() {
        let mut a = app();
        let fx = update(&mut a, Msg::Action(Action::Monitor));
        let Some(Effect::StartMonitor {
            urls, credential, ..
        }) = fx.first()
        else {
            panic!("{fx:?}")
        };
        assert_eq!(
            (urls.as_slice(), credential.as_str()),
            (
                ["https://acme.test/".to_string()].as_slice(),
                "alert-webhook"
            )
        );
        assert!(a.monitor.running && a.monitor.rows.len() == 1);
        let fx = update(&mut a, Msg::Action(Action::Monitor));
        assert!(matches!(fx.as_slice(), [Effect::StopMonitor]));
        assert!(!a.monitor.running);
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
