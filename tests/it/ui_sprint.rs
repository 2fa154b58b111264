//! The sprint clock and the journal as the operator sees them: a paused clock and one past
//! the 48 hours on the Timeline screen and in the footer, and the journal listing what the
//! app recorded by itself beside a typed entry.

use launch_ready::app::{Action, App, Msg, update};
use launch_ready::tui::view;
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::runbook::load::load_file;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{JournalEntry, JournalKind, Screen, Targets};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const START: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

fn app(at: OffsetDateTime) -> App {
    let l = load_file(Path::new("tests/fixtures/runbooks/valid/minimal.ron"))
        .expect("the minimal fixture runbook loads");
    let targets = Targets {
        apex: "acme.test".into(),
        ..Targets::default()
    };
    let s = Session::new("acme", "Acme Corp", &l, targets, START);
    let mut app = App::new(s, Arc::new(l.runbook.clone()), at);
    app.status = None;
    app
}

fn draw(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("test terminal");
    terminal
        .draw(|f| view::render(app, f))
        .expect("draw to the test backend");
    terminal.backend().to_string()
}

fn act(app: &mut App, action: Action) {
    update(app, Msg::Action(action));
}

fn tick(app: &mut App, by: Duration) {
    let at = app.now + by;
    update(app, Msg::Tick(at));
}

#[test]
fn a_paused_night_keeps_the_clock_still() {
    let mut app = app(START + Duration::hours(11));
    act(&mut app, Action::Screen(Screen::Timeline));
    act(&mut app, Action::PauseClock);
    tick(&mut app, Duration::hours(10));
    app.status = None;
    let screen = draw(&app);
    assert!(
        screen.contains("Sprint clock: hour 11 of 48 — paused (p resumes)"),
        "{screen}"
    );
    assert!(screen.contains("hour 11 of 48 (paused)"), "{screen}");
    insta::assert_snapshot!("timeline_paused_100x30", screen);
}

#[test]
fn past_the_sprint_the_footer_says_how_far_over() {
    let app = app(START + Duration::hours(96));
    let screen = draw(&app);
    assert!(screen.contains("over by 48h"), "{screen}");
    assert!(!screen.contains("hour 96"), "{screen}");
}

#[test]
fn the_journal_lists_what_was_recorded_by_itself() {
    let mut app = app(START + Duration::hours(3));
    app.session.journal.push(JournalEntry {
        at: START + Duration::hours(1),
        text: "Kick-off call with the founder".into(),
        kind: JournalKind::Note,
    });
    act(&mut app, Action::SetStatus(CheckStatus::Blocked));
    act(&mut app, Action::Screen(Screen::Timeline));
    act(&mut app, Action::ClockEarlier);
    act(&mut app, Action::Screen(Screen::Checklist));
    act(&mut app, Action::Journal);
    let screen = draw(&app);
    assert!(screen.contains("2h ago"), "{screen}");
    assert!(screen.contains("0s ago · status"), "{screen}");
    assert!(screen.contains("Audit check: todo → blocked"), "{screen}");
    assert!(screen.contains("0s ago · clock"), "{screen}");
    assert!(
        screen.contains("sprint start moved earlier by 1h: hour 4 of 48"),
        "{screen}"
    );
    insta::assert_snapshot!("journal_with_automatic_entries_100x30", screen);
}

/// The runbook's `audit_hours` time box on the sprint clock: inside the box nothing is
/// said; past it with audit checks open the footer and the timeline warn; once the audit
/// is done, past the box or not, the warning goes.
#[test]
fn the_audit_running_past_its_time_box_is_warned_about() {
    let with_box = |at: OffsetDateTime| {
        let mut a = app(at);
        let mut rb = (*a.runbook).clone();
        rb.targets.audit_hours = Some(2);
        a.runbook = Arc::new(rb);
        a
    };
    let inside = with_box(START + Duration::minutes(110));
    assert!(
        !draw(&inside).contains("audit over its"),
        "{}",
        draw(&inside)
    );

    let mut past = with_box(START + Duration::minutes(150));
    assert!(
        draw(&past).contains("audit over its 2 h box"),
        "{}",
        draw(&past)
    );
    act(&mut past, Action::Screen(Screen::Timeline));
    let screen = draw(&past);
    assert!(
        screen.contains("the audit is past its 2 h time box (sprint hour 3, 1 check(s) open)"),
        "{screen}"
    );

    // The audit stage done: no warning, however late.
    let mut done = with_box(START + Duration::minutes(150));
    let id = done.runbook.stages[0].checks[0].id.clone();
    done.session.checks.entry(id).or_default().status = CheckStatus::Pass;
    assert!(!draw(&done).contains("audit over its"));

    // No time box in the runbook: never a warning.
    let late = app(START + Duration::hours(30));
    assert!(!draw(&late).contains("audit over its"));
}
