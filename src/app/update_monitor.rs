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
    let urls: Vec<String> = crate::engine::targets::expand(Subject::Page, &app.session.targets)
        .into_iter()
        .map(|t| t.name)
        .collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Action, Msg, update};

    fn app() -> App {
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
