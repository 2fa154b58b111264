//! A load test started from the checklist: the confirmation dialog (targets, connections,
//! caps), no traffic on no, a job on yes, and the live view fed with the engine's own
//! interval events from a fixed series, rendered on a `TestBackend` with a fixed clock.

use launch_ready::app::{Action, App, Effect, Msg, update};
use launch_ready::tui::view;
use launch_ready_checks::engine::EngineEvent;
use launch_ready_checks::perf::Snapshot;
use launch_ready_checks::perf::stats::{Bucket, IntervalStats};
use launch_ready_core::runbook::Run;
use launch_ready_core::runbook::load::load_file;
use launch_ready_core::runbook::model::KindName;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{Route, Screen, Targets};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use time::macros::datetime;

const CHECK: &str = "perf-check";
const HOME: &str = "https://acme.test/";
const LOGIN: &str = "https://acme.test/login";

/// The minimal runbook with its performance check turned into a load test of 50
/// connections for 30 s, on a session with two routes, the performance check selected.
fn app() -> App {
    let l = load_file(Path::new("tests/fixtures/runbooks/valid/minimal.ron")).expect("fixture");
    let mut rb = l.runbook.clone();
    let (stage, check) = rb
        .stages
        .iter_mut()
        .enumerate()
        .find_map(|(i, s)| s.checks.iter_mut().find(|c| c.id == CHECK).map(|c| (i, c)))
        .expect("the fixture has a performance check");
    if let Run::Auto { kind, params, .. } = &mut check.run {
        *kind = KindName(launch_ready_core::catalog::kind("perf.load").expect("kind"));
        params.insert("connections".into(), "50".into());
        params.insert("duration".into(), "30".into());
    }
    let start = datetime!(2026-03-02 09:00 UTC);
    let targets = Targets {
        apex: "acme.test".into(),
        routes: vec![
            Route {
                name: "home".into(),
                path: "/".into(),
                ..Route::default()
            },
            Route {
                name: "login".into(),
                path: "/login".into(),
                ..Route::default()
            },
        ],
        ..Targets::default()
    };
    let s = Session::new("acme", "Acme Corp", &l, targets, start);
    let mut app = App::new(s, Arc::new(rb), start);
    app.status = None;
    update(&mut app, Msg::SelectStage(stage));
    app
}

fn act(app: &mut App, a: Action) -> Vec<Effect> {
    update(app, Msg::Action(a))
}

fn started(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .flat_map(|e| match e {
            Effect::RunChecks { jobs, .. } => jobs.iter().map(|j| j.check_id.clone()).collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal.draw(|f| view::render(app, f)).expect("draw");
    terminal.backend().to_string()
}

/// Second `s` of a run: requests rising to a plateau, p95 climbing under the load, a few
/// 5xx from second 6 on, latencies spread over three buckets.
fn interval(s: u64) -> IntervalStats {
    let requests = 400 + 100 * s.min(5);
    let errors = if s >= 6 { 3 } else { 0 };
    IntervalStats {
        requests,
        p95_ms: 20.0 + 4.0 * s as f64,
        errors,
        errors_by_kind: [0, 0, 0, errors, 0],
        histogram: vec![
            Bucket {
                le_ms: 8.0,
                count: requests / 2,
            },
            Bucket {
                le_ms: 16.0,
                count: requests / 3,
            },
            Bucket {
                le_ms: 64.0,
                count: requests - requests / 2 - requests / 3,
            },
        ],
    }
}

fn sample(app: &mut App, target: &str, s: u64) {
    update(
        app,
        Msg::Engine(EngineEvent::LoadSample {
            check_id: CHECK.into(),
            target: target.into(),
            snapshot: Box::new(Snapshot {
                at_s: s as f64,
                interval_s: 1.0,
                connections: 50,
                routes: vec![interval(s)],
            }),
        }),
    );
}

#[test]
fn a_load_check_asks_first_and_no_sends_nothing() {
    let mut app = app();
    let fx = act(&mut app, Action::Run);
    assert!(started(&fx).is_empty(), "nothing starts before the answer");
    insta::assert_snapshot!("load_confirm", draw(&app, 100, 24));
    let fx = act(&mut app, Action::Close);
    assert!(started(&fx).is_empty());
    assert!(app.modal.is_none());
    assert_eq!(
        app.status.as_deref(),
        Some("load test not started; nothing was sent")
    );
}

#[test]
fn yes_starts_the_load_check_as_a_job() {
    let mut app = app();
    act(&mut app, Action::Run);
    let fx = act(&mut app, Action::Confirm);
    assert_eq!(started(&fx), [CHECK]);
    let job = fx
        .iter()
        .find_map(|e| match e {
            Effect::RunChecks { jobs, .. } => jobs.first(),
            _ => None,
        })
        .expect("a job");
    assert_eq!(job.kind.name, "perf.load");
    assert_eq!(
        job.params.get("connections").map(String::as_str),
        Some("50")
    );
    assert!(app.modal.is_none());
}

#[test]
fn the_live_view_follows_the_run_and_keys_still_work() {
    let mut app = app();
    act(&mut app, Action::Run);
    act(&mut app, Action::Confirm);
    update(
        &mut app,
        Msg::Engine(EngineEvent::Started {
            check_id: CHECK.into(),
        }),
    );
    for s in 1..=10 {
        sample(&mut app, HOME, s);
        sample(&mut app, LOGIN, s);
    }
    let view = app.load_view.as_ref().expect("a live view");
    assert_eq!(view.targets.len(), 2);
    assert_eq!(view.targets[0].points.len(), 10);
    assert_eq!(view.targets[0].errors[0][3], 15, "5xx over seconds 6 to 10");
    insta::assert_snapshot!("load_live_running", draw(&app, 120, 36));

    // On any other screen the footer carries the figures of the latest interval (two
    // targets at 900 requests in 1 s), and the panel stays over the screen until `L`.
    act(&mut app, Action::Screen(Screen::Risks));
    let risks = draw(&app, 120, 36);
    assert!(risks.contains("load 1800 req/s, p95"), "{risks}");
    assert!(risks.contains("Live load test"), "{risks}");
    act(&mut app, Action::LiveView);
    act(&mut app, Action::LiveView);
    let hidden = draw(&app, 120, 36);
    assert!(!hidden.contains("Live load test"), "{hidden}");
    assert!(hidden.contains("Risks"), "{hidden}");
    act(&mut app, Action::LiveView);
    act(&mut app, Action::Screen(Screen::Checklist));

    // `v` moves to the second target, then hides the panel; the checklist stays usable.
    act(&mut app, Action::LiveView);
    assert_eq!(app.load_view.as_ref().map(|v| v.selected), Some(1));
    act(&mut app, Action::LiveView);
    assert_eq!(app.load_view.as_ref().map(|v| v.shown), Some(false));
    act(&mut app, Action::LiveView);
    assert_eq!(app.load_view.as_ref().map(|v| v.shown), Some(true));

    // The cancel key reaches the running job while the view is up.
    let fx = act(&mut app, Action::Cancel);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Cancel(Some(id)) if id == CHECK)),
        "{fx:?}"
    );
    update(
        &mut app,
        Msg::Engine(EngineEvent::Cancelled {
            check_id: CHECK.into(),
        }),
    );
    let view = app.load_view.as_ref().expect("the view stays");
    assert!(view.targets.iter().all(|l| l.finished));
    // A late interval after the cancel is dropped.
    sample(&mut app, HOME, 11);
    assert_eq!(app.load_view.as_ref().unwrap().targets[0].points.len(), 10);
}
