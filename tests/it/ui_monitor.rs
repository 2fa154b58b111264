//! The Monitor screen in its three states — every target up, one down with its alert
//! delivered, one recovering — rendered on a `TestBackend` from a board fed with the
//! monitor actor's own events, with a fixed clock.

use launch_ready::app::{Action, App, Msg, update};
use launch_ready::tui::view;
use launch_ready_checks::monitor::board::Board;
use launch_ready_checks::monitor::run::{AlertRecord, MonitorEvent};
use launch_ready_checks::monitor::state::{ProbeResult, Rules};
use launch_ready_core::runbook::load::load_file;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::AlertRoute;
use launch_ready_core::session::model::{Screen, Targets};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use time::macros::datetime;

const HOME: usize = 0;
const LOGIN: usize = 1;

fn app(board: Board) -> App {
    let l = load_file(Path::new("tests/fixtures/runbooks/valid/minimal.ron")).expect("fixture");
    let start = datetime!(2026-03-02 09:00 UTC);
    let targets = Targets {
        apex: "acme.test".into(),
        ..Targets::default()
    };
    let s = Session::new("acme", "Acme Corp", &l, targets, start);
    let mut app = App::new(s, Arc::new(l.runbook.clone()), start);
    app.status = None;
    app.monitor = board;
    update(&mut app, Msg::Action(Action::Screen(Screen::Monitor)));
    app
}

fn draw(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 14)).expect("test terminal");
    terminal.draw(|f| view::render(app, f)).expect("draw");
    terminal.backend().to_string()
}

fn board() -> Board {
    let mut b = Board::new(
        Rules::every(Duration::from_secs(60)),
        &[
            "https://acme.test/".into(),
            "https://acme.test/login".into(),
        ],
        datetime!(2026-03-02 09:00 UTC),
    );
    b.route = Some("configured (json)".into());
    b
}

fn probe(b: &mut Board, target: usize, secs: u64, result: ProbeResult) {
    b.apply(&MonitorEvent::Probed {
        target,
        at: Duration::from_secs(secs),
        result,
        health: launch_ready_checks::monitor::state::Health::Pending,
    });
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

/// Ten healthy minutes for both targets.
fn healthy() -> Board {
    let mut b = board();
    for i in 0..10u64 {
        probe(&mut b, HOME, i * 60, up(80 + (i * 37) % 90));
        probe(&mut b, LOGIN, i * 60, up(140 + (i * 53) % 120));
    }
    b
}

fn alert(b: &mut Board, event: &'static str, raised: u64) {
    b.apply(&MonitorEvent::Alert {
        target: LOGIN,
        record: AlertRecord {
            event,
            route: "webhook alert-webhook".into(),
            escalated: false,
            raised_ms: raised,
            delivery_ms: Some(42),
            attempts: 1,
            error: None,
        },
    });
}

fn outage() -> Board {
    let mut b = healthy();
    probe(&mut b, LOGIN, 600, down());
    probe(&mut b, LOGIN, 615, down());
    alert(&mut b, "down", 615_000);
    b
}

#[test]
fn monitor_all_up() {
    insta::assert_snapshot!(draw(&app(healthy())));
}

#[test]
fn monitor_one_down_with_its_alert() {
    let screen = draw(&app(outage()));
    assert!(
        screen.contains("DOWN") && screen.contains("down sent"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn monitor_recovering() {
    let mut b = outage();
    probe(&mut b, LOGIN, 630, up(300));
    let screen = draw(&app(b));
    assert!(screen.contains("recovering"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn monitor_recovered_reports_the_recovery_alert() {
    let mut b = outage();
    probe(&mut b, LOGIN, 630, up(300));
    probe(&mut b, LOGIN, 645, up(120));
    alert(&mut b, "recovered", 645_000);
    let screen = draw(&app(b));
    assert!(screen.contains("recovered sent"), "{screen}");
}

/// A reopened session, monitor not running: the kept history and the latest drill.
#[test]
fn monitor_history_of_a_reopened_session() {
    use launch_ready_core::session::monitor_log::DrillRecord;
    let mut a = app(Board::default());
    let log = &mut a.session.monitor;
    let every = Duration::from_secs(60);
    let t0 = datetime!(2026-03-01 17:00 UTC);
    for i in 0..20i64 {
        let at = t0 + time::Duration::minutes(i);
        let ms = 90 + u64::try_from((i * 37) % 80).unwrap();
        log.record_probe("https://acme.test/", at, true, Some(ms), None, every);
        let down = (12..15).contains(&i);
        let reason = down.then_some("status 503");
        log.record_probe(
            "https://acme.test/login",
            at,
            !down,
            Some(ms + 60),
            reason,
            every,
        );
    }
    log.record_outage("https://acme.test/login");
    log.record_drill(DrillRecord {
        at: datetime!(2026-03-01 17:30 UTC),
        passed: true,
        detection_ms: Some(1_250),
        alert_ms: Some(1_310),
        target_ms: 300_000,
        ..DrillRecord::default()
    });
    let screen = draw(&a);
    assert!(
        screen.contains("84.2%") && screen.contains("03-01 17:14 status 503"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

/// The TUI's monitor task refuses a URL it cannot probe and says so on the Monitor screen's
/// route line, instead of dropping it and shifting every board row after it.
#[tokio::test]
async fn a_url_the_monitor_cannot_probe_is_shown_not_dropped() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let run = launch_ready::tui::monitor::run(
        launch_ready::tui::monitor::Start {
            urls: vec!["https://acme.test/".into(), "not a url".into()],
            targets: Default::default(),
            network: Default::default(),
            rules: Rules::every(Duration::from_secs(60)),
            routes: vec![AlertRoute::Webhook {
                credential: "alert-webhook".into(),
            }],
            escalate_after: Duration::from_secs(600),
            session: "acme".into(),
            cert_warn_days: 14,
        },
        tx,
        tokio_util::sync::CancellationToken::new(),
    );
    tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("refused at once, before any probe");
    let Some(Msg::MonitorRoute(line)) = rx.recv().await else {
        panic!("a route line");
    };
    assert_eq!(line, "cannot monitor: `not a url` is not an http(s) URL");
}

/// The TUI's monitor actor judges each URL by the session's targets, as `monitor` and
/// `check --only uptime` do: the demo's `preview` host (401, behind a login) is up, and
/// the same URL in a session that does not declare the host is down, status in the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monitor_screen_counts_a_protected_host_answering_401_as_up() {
    use launch_ready_checks::monitor::state::Health;
    const PREVIEW: &str = "https://preview.brightdesk.test/";
    let lab = crate::common::lab().await;
    let probe = |targets: Targets| {
        let start = launch_ready::tui::monitor::Start {
            urls: vec![PREVIEW.to_string()],
            targets,
            network: lab.settings(),
            rules: Rules::every(Duration::from_millis(300)),
            routes: vec![AlertRoute::Webhook {
                credential: crate::common::unique("no-such-credential"),
            }],
            escalate_after: Duration::from_secs(600),
            session: crate::common::unique("ui-monitor"),
            cert_warn_days: 14,
        };
        async move {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let cancel = tokio_util::sync::CancellationToken::new();
            let stop = cancel.clone();
            let actor = tokio::spawn(launch_ready::tui::monitor::run(start, tx, cancel));
            let mut seen = Vec::new();
            let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
            while seen.len() < 3 {
                let msg = tokio::time::timeout_at(deadline, rx.recv())
                    .await
                    .expect("probes in time")
                    .expect("actor running");
                if let Msg::Monitor(MonitorEvent::Probed { result, health, .. }) = msg {
                    seen.push((result, health));
                }
            }
            stop.cancel();
            let _ = actor.await;
            seen
        }
    };
    let seen = probe(launch_ready_lab::demo_targets()).await;
    assert!(
        seen.iter()
            .all(|(r, h)| matches!(r, ProbeResult::Up { status: 401, .. }) && *h == Health::Up),
        "{seen:?}"
    );
    let bare = Targets {
        apex: "brightdesk.test".into(),
        ..Targets::default()
    };
    let seen = probe(bare).await;
    assert!(
        seen.iter().all(|(r, _)| matches!(
            r,
            ProbeResult::Down { reason, .. } if reason.starts_with("status 401")
        )),
        "{seen:?}"
    );
    lab.shutdown().await;
}

/// The uptime column against the runbook's goal (the fixture asks for 99.9 %): the target
/// that was down is under it and drawn as a failure, the healthy one is not; the same
/// board under a runbook without a goal draws both alike. The header says the goal.
#[test]
fn uptime_under_the_runbook_goal_shows_below_target() {
    fn uptime_fg(app: &App, url: &str) -> ratatui::style::Color {
        let mut terminal = Terminal::new(TestBackend::new(120, 14)).expect("test terminal");
        terminal.draw(|f| view::render(app, f)).expect("draw");
        let buf = terminal.backend().buffer().clone();
        let area = buf.area;
        for y in 0..area.height {
            let line: String = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
            if line.contains(&format!("{url} ")) {
                let x = line.find('%').expect("an uptime cell");
                let col = line[..x].chars().count() as u16;
                return buf[(col - 1, y)].fg;
            }
        }
        panic!("no row for {url}");
    }
    let app_goal = app(outage());
    assert_eq!(app_goal.runbook.targets.uptime_pct, Some(99.9));
    let screen = draw(&app_goal);
    assert!(screen.contains("uptime goal 99.9%"), "{screen}");
    let down = uptime_fg(&app_goal, "https://acme.test/login");
    let up = uptime_fg(&app_goal, "https://acme.test/");
    assert_ne!(down, up, "the row under the goal is marked");

    let mut no_goal = app(outage());
    let mut rb = (*no_goal.runbook).clone();
    rb.targets.uptime_pct = None;
    no_goal.runbook = Arc::new(rb);
    assert!(draw(&no_goal).contains("uptime goal not set by the runbook"));
    assert_eq!(
        uptime_fg(&no_goal, "https://acme.test/login"),
        uptime_fg(&no_goal, "https://acme.test/")
    );
}

/// A session's flow monitored beside its pages: its row is named `flow NAME`, a failed run
/// names the step that failed; a flow whose credential is not set is shown as not
/// monitored with the reason, never as up.
#[test]
fn monitor_with_flow_rows() {
    use launch_ready_core::session::monitor_log::flow_key;
    let mut b = Board::new(
        Rules::every(Duration::from_secs(60)),
        &[
            "https://acme.test/".into(),
            flow_key("login"),
            flow_key("signup"),
        ],
        datetime!(2026-03-02 09:00 UTC),
    );
    // Two routes: the header lists them in the order they are paged.
    b.route =
        Some("configured: webhook alert-webhook (slack) → email to ops@acme.test (email)".into());
    for i in 0..10u64 {
        probe(&mut b, HOME, i * 60, up(80 + (i * 37) % 90));
        probe(&mut b, 1, i * 60, up(420 + (i * 29) % 200));
    }
    let failed = || ProbeResult::Down {
        reason: "step 2 (api): status 500".into(),
        latency_ms: Some(380),
    };
    probe(&mut b, 1, 600, failed());
    probe(&mut b, 1, 615, failed());
    b.apply(&MonitorEvent::Unmonitored {
        target: 2,
        reason: "needs the `pw` credential".into(),
    });
    let screen = draw(&app(b));
    assert!(
        screen.contains("flow login") && screen.contains("step 2 (api)"),
        "{screen}"
    );
    assert!(
        screen.contains("✕ error") && screen.contains("not monitored"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

/// The latest drill's lines on a reopened session: one per alert route with its own
/// figures, the escalated route saying so.
#[test]
fn monitor_drill_lines_per_route() {
    use launch_ready_core::session::monitor_log::{DrillRecord, DrillRoute, RouteKind};
    let mut a = app(Board::default());
    a.session.monitor.record_drill(DrillRecord {
        at: datetime!(2026-03-01 17:30 UTC),
        passed: true,
        detection_ms: Some(1_250),
        alert_ms: Some(1_310),
        target_ms: 300_000,
        routes: vec![
            DrillRoute {
                name: "webhook alert-webhook".into(),
                kind: RouteKind::Webhook,
                test_alert_ms: Some(40),
                alert_ms: Some(1_310),
                recovery_alert_ms: Some(900),
                escalated: false,
                escalation_ms: None,
                error: None,
                paged: true,
            },
            DrillRoute {
                name: "email to ops@acme.test".into(),
                kind: RouteKind::Email,
                test_alert_ms: Some(220),
                alert_ms: None,
                recovery_alert_ms: Some(1_100),
                escalated: true,
                escalation_ms: Some(180),
                error: None,
                paged: true,
            },
            // A third route: the drill stages one escalation, so it only gets the test.
            DrillRoute {
                name: "webhook pager".into(),
                kind: RouteKind::Webhook,
                test_alert_ms: Some(35),
                alert_ms: None,
                recovery_alert_ms: None,
                escalated: false,
                escalation_ms: None,
                error: None,
                paged: false,
            },
        ],
        ..DrillRecord::default()
    });
    let screen = draw(&a);
    assert!(
        screen.contains("webhook alert-webhook (webhook)")
            && screen.contains("test 40 ms")
            && screen.contains("escalated 180 ms")
            && screen.contains("recovery 1.1 s"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}
