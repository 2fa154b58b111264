//! The sprint clock's keys, "what now", and the journal entries the app writes by itself.

use super::tests::{act, app, evidence};
use super::{Action, Msg, update};
use launch_ready_checks::engine::EngineEvent;
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::session::model::{JournalKind, Screen};
use time::Duration;

fn kinds(app: &super::App) -> Vec<JournalKind> {
    app.session.journal.iter().map(|e| e.kind).collect()
}

#[test]
fn pausing_for_the_night_stops_the_clock_and_is_journaled() {
    let mut app = app();
    act(&mut app, Action::Screen(Screen::Timeline));
    assert_eq!(app.session.clock(app.now).label(), "hour 2 of 48");
    act(&mut app, Action::PauseClock);
    assert!(launch_ready_core::session::clock::is_paused(
        &app.session.pauses
    ));
    let at = app.now + Duration::hours(9);
    update(&mut app, Msg::Tick(at));
    assert_eq!(app.session.clock(app.now).label(), "hour 2 of 48");
    act(&mut app, Action::PauseClock);
    let at = app.now + Duration::hours(1);
    update(&mut app, Msg::Tick(at));
    assert_eq!(app.session.clock(app.now).label(), "hour 3 of 48");
    assert_eq!(kinds(&app), [JournalKind::Clock, JournalKind::Clock]);
    assert_eq!(app.session.journal[0].text, "clock paused at hour 2 of 48");
    assert_eq!(app.session.journal[1].text, "clock resumed at hour 2 of 48");
}

#[test]
fn moving_the_start_shifts_the_clock_by_an_hour() {
    let mut app = app();
    act(&mut app, Action::Screen(Screen::Timeline));
    act(&mut app, Action::ClockEarlier);
    assert_eq!(app.session.clock(app.now).label(), "hour 3 of 48");
    act(&mut app, Action::ClockLater);
    act(&mut app, Action::ClockLater);
    assert_eq!(app.session.clock(app.now).label(), "hour 1 of 48");
    act(&mut app, Action::ClockLater);
    act(&mut app, Action::ClockLater);
    // The start cannot pass now: hour 0 is as far back as it goes.
    assert_eq!(app.session.clock(app.now).label(), "hour 0 of 48");
    assert_eq!(
        app.status.as_deref(),
        Some("the sprint start cannot move past now")
    );
    assert_eq!(kinds(&app).len(), 4);
    // The keys belong to the timeline: elsewhere they do nothing.
    act(&mut app, Action::Screen(Screen::Risks));
    act(&mut app, Action::ClockEarlier);
    assert_eq!(kinds(&app).len(), 4);
}

#[test]
fn the_clock_past_48_hours_says_how_far_over() {
    let mut app = app();
    let at = app.session.sprint_start + Duration::hours(96);
    update(&mut app, Msg::Tick(at));
    assert_eq!(app.session.clock(app.now).label(), "over by 48h");
}

#[test]
fn what_now_opens_the_next_unfinished_check_of_the_open_window() {
    let mut app = app();
    act(&mut app, Action::Screen(Screen::Risks));
    // Hour 2: the audit window (h0–4) is open.
    act(&mut app, Action::WhatNow);
    assert_eq!(app.screen(), Screen::Checklist);
    assert_eq!(
        app.selected_check().map(|c| c.id.as_str()),
        Some("audit-check")
    );
    // Hour 12: audit and DNS are overdue, edge (h10–16) is due.
    let at = app.now + Duration::hours(10);
    update(&mut app, Msg::Tick(at));
    act(&mut app, Action::WhatNow);
    assert_eq!(
        app.selected_check().map(|c| c.id.as_str()),
        Some("edge-check")
    );
    assert!(
        app.status
            .as_deref()
            .is_some_and(|s| s.starts_with("due now"))
    );
    app.session.state_mut("edge-check").status = CheckStatus::Pass;
    act(&mut app, Action::WhatNow);
    assert_eq!(
        app.selected_check().map(|c| c.id.as_str()),
        Some("audit-check")
    );
    assert!(
        app.status
            .as_deref()
            .is_some_and(|s| s.starts_with("overdue"))
    );
}

#[test]
fn status_changes_and_runs_are_journaled_once_each() {
    let mut app = app();
    act(&mut app, Action::SetStatus(CheckStatus::Pass));
    // A quick correction replaces the entry rather than adding one.
    act(&mut app, Action::SetStatus(CheckStatus::Warn));
    assert_eq!(kinds(&app), [JournalKind::Status]);
    assert_eq!(
        app.session.journal[0].text,
        "Deployment and secrets check: pass → warn"
    );
    // Setting the same status again records nothing.
    act(&mut app, Action::SetStatus(CheckStatus::Warn));
    assert_eq!(kinds(&app).len(), 1);

    // A batch of two runs is one entry, written when the last result is in.
    for id in ["audit-check", "dns-check"] {
        update(
            &mut app,
            Msg::Engine(EngineEvent::Started {
                check_id: id.into(),
            }),
        );
    }
    for (id, status) in [
        ("audit-check", CheckStatus::Fail),
        ("dns-check", CheckStatus::Pass),
    ] {
        let at = app.now;
        update(
            &mut app,
            Msg::Engine(EngineEvent::Finished {
                check_id: id.into(),
                evidence: evidence(status, at),
            }),
        );
    }
    assert_eq!(kinds(&app), [JournalKind::Status, JournalKind::Run]);
    assert_eq!(
        app.session.journal[1].text,
        "2 run(s) finished: 1 fail, 1 pass"
    );
}

#[test]
fn automatic_entries_are_bounded_and_typed_ones_kept() {
    let mut app = app();
    app.session
        .journal
        .push(launch_ready_core::session::model::JournalEntry {
            at: app.now,
            text: "typed by hand".into(),
            kind: JournalKind::Note,
        });
    act(&mut app, Action::Screen(Screen::Timeline));
    for _ in 0..(super::edit::MAX_AUTO_JOURNAL + 20) {
        act(&mut app, Action::PauseClock);
    }
    let auto = app
        .session
        .journal
        .iter()
        .filter(|e| e.kind != JournalKind::Note)
        .count();
    assert_eq!(auto, super::edit::MAX_AUTO_JOURNAL);
    assert_eq!(app.session.journal[0].text, "typed by hand");
}
