//! Runs seen from the status line (messages fade instead of going stale, a batch reports
//! how it ended, batch runs respect the operator's skips) and the note editor's draft,
//! which reaches the session while the editor is still open.

use super::tests::{act, app, evidence};
use super::update::STATUS_TTL;
use super::{Action, App, Effect, Msg, update};
use launch_ready_checks::engine::EngineEvent;
use launch_ready_core::finding::CheckStatus;
use time::Duration;

fn started(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .flat_map(|e| match e {
            Effect::RunChecks { jobs, .. } => jobs.iter().map(|j| j.check_id.clone()).collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn engine(app: &mut App, event: EngineEvent) {
    update(app, Msg::Engine(event));
}

fn tick(app: &mut App, after: Duration) {
    let now = app.now + after;
    update(app, Msg::Tick(now));
}

#[test]
fn the_run_message_gives_way_to_a_summary_when_the_last_run_finishes() {
    let mut app = app();
    let ids = started(&act(&mut app, Action::RunAll));
    assert!(ids.len() >= 2, "{ids:?}");
    let message = app.status.clone().unwrap_or_default();
    assert!(
        message.starts_with(&format!("started {} check(s)", ids.len())),
        "{message}"
    );
    for id in &ids {
        engine(
            &mut app,
            EngineEvent::Started {
                check_id: id.clone(),
            },
        );
    }
    let now = app.now;
    let (last, rest) = ids.split_last().expect("two ids");
    for (i, id) in rest.iter().enumerate() {
        let status = if i == 0 {
            CheckStatus::Fail
        } else {
            CheckStatus::Pass
        };
        engine(
            &mut app,
            EngineEvent::Finished {
                check_id: id.clone(),
                evidence: evidence(status, now),
            },
        );
    }
    // While runs are in flight the footer's live count speaks; the message is unchanged.
    assert_eq!(app.status.as_deref(), Some(message.as_str()));
    engine(
        &mut app,
        EngineEvent::Finished {
            check_id: last.clone(),
            evidence: evidence(CheckStatus::Warn, now),
        },
    );
    assert!(app.running.is_empty());
    let summary = app.status.clone().unwrap_or_default();
    assert!(
        summary.starts_with(&format!("{} run(s) finished: 1 fail", ids.len())),
        "{summary}"
    );
    assert!(summary.contains("1 warn"), "{summary}");
    assert!(!summary.contains("started"), "{summary}");
}

#[test]
fn status_messages_fade_after_a_few_seconds() {
    let mut app = app();
    act(&mut app, Action::SetStatus(CheckStatus::Pass));
    assert!(app.status.is_some());
    tick(&mut app, STATUS_TTL - Duration::seconds(1));
    assert!(app.status.is_some(), "still fresh");
    tick(&mut app, Duration::seconds(1));
    assert_eq!(app.status, None, "faded after {STATUS_TTL}");
    // A new message starts its own clock.
    act(&mut app, Action::SetStatus(CheckStatus::Fail));
    tick(&mut app, Duration::seconds(2));
    assert!(app.status.is_some());
}

#[test]
fn unavailable_kinds_are_named_once() {
    let mut app = app();
    // Two checks of a kind the engine lacks, not next to each other.
    let mut runbook = (*app.runbook).clone().with_unbuilt("uptime.probe");
    let uptime = runbook.stages[5].checks[0].clone();
    let mut twin = uptime.clone();
    twin.id = "uptime-twin".into();
    runbook.stages[6].checks.push(twin);
    app.runbook = std::sync::Arc::new(runbook);
    act(&mut app, Action::RunAll);
    let message = app.status.clone().unwrap_or_default();
    assert_eq!(message.matches("uptime.probe").count(), 1, "{message}");
}

#[test]
fn batch_runs_leave_skipped_checks_alone_but_r_runs_one() {
    let mut app = app();
    update(&mut app, Msg::SelectStage(0));
    act(&mut app, Action::Skip);
    super::tests::type_text(&mut app, "client hosts DNS elsewhere");
    act(&mut app, Action::Confirm);
    assert_eq!(app.session.status("audit-check"), CheckStatus::Skipped);

    let ids = started(&act(&mut app, Action::RunStage));
    assert!(ids.is_empty(), "{ids:?}");
    assert!(
        app.status
            .as_deref()
            .is_some_and(|s| s.contains("1 skipped check(s) left alone")),
        "{:?}",
        app.status
    );
    let ids = started(&act(&mut app, Action::RunAll));
    assert!(!ids.contains(&"audit-check".to_string()), "{ids:?}");
    assert!(!ids.is_empty());

    let ids = started(&act(&mut app, Action::Run));
    assert_eq!(ids, ["audit-check"]);
}

#[test]
fn an_open_note_is_kept_as_a_draft_and_ctrl_x_puts_the_old_one_back() {
    let mut app = app();
    update(&mut app, Msg::SelectStage(0));
    act(&mut app, Action::EditNote);
    super::tests::type_text(&mut app, "first");
    act(&mut app, Action::Close);
    assert_eq!(
        app.session.state("audit-check").map(|s| s.note.as_str()),
        Some("first")
    );

    act(&mut app, Action::EditNote);
    super::tests::type_text(&mut app, " and more");
    let now = app.now + Duration::milliseconds(250);
    let fx = update(&mut app, Msg::Tick(now));
    assert!(fx.iter().any(|e| matches!(e, Effect::Save)));
    assert_eq!(
        app.session.state("audit-check").map(|c| c.note.as_str()),
        Some("first and more"),
        "the draft is in the session the next snapshot copies"
    );
    assert!(app.modal.is_some(), "the editor stays open");
    // A tick with nothing new typed saves nothing.
    let fx = update(&mut app, Msg::Tick(now + Duration::milliseconds(250)));
    assert!(fx.is_empty(), "{fx:?}");
    let fx = act(&mut app, Action::Discard);
    assert_eq!(
        app.session.state("audit-check").map(|s| s.note.as_str()),
        Some("first")
    );
    assert!(fx.iter().any(|e| matches!(e, Effect::Save)));
}

#[test]
fn cancel_all_reports_how_many_runs_it_stopped() {
    let mut app = app();
    let ids = started(&act(&mut app, Action::RunAll));
    assert!(ids.len() >= 2, "{ids:?}");
    for id in &ids {
        engine(
            &mut app,
            EngineEvent::Started {
                check_id: id.clone(),
            },
        );
    }
    let fx = act(&mut app, Action::CancelAll);
    assert!(matches!(fx.as_slice(), [Effect::Cancel(None)]), "{fx:?}");
    assert_eq!(
        app.status.as_deref(),
        Some(format!("cancelling {} run(s)…", ids.len()).as_str())
    );
    for id in &ids {
        engine(
            &mut app,
            EngineEvent::Cancelled {
                check_id: id.clone(),
            },
        );
    }
    assert_eq!(
        app.status.as_deref(),
        Some(format!("{} run(s) cancelled", ids.len()).as_str())
    );
    // A later single cancel names its check again.
    let first = ids[0].clone();
    engine(
        &mut app,
        EngineEvent::Started {
            check_id: first.clone(),
        },
    );
    engine(
        &mut app,
        EngineEvent::Cancelled {
            check_id: first.clone(),
        },
    );
    assert_eq!(
        app.status.as_deref(),
        Some(format!("{first}: run cancelled").as_str())
    );
}

#[test]
fn a_load_test_in_a_batch_asks_first_and_is_not_called_unavailable() {
    let mut rb = (*super::tests::app().runbook).clone();
    if let launch_ready_core::runbook::Run::Auto { kind, .. } = &mut rb.stages[4].checks[0].run {
        *kind = launch_ready_core::runbook::model::KindName(
            launch_ready_core::catalog::kind("perf.load").unwrap(),
        );
    }
    let mut app = App::new(
        super::tests::session(),
        std::sync::Arc::new(rb),
        super::tests::T0,
    );
    let ids = started(&act(&mut app, Action::RunAll));
    assert!(!ids.contains(&"perf-check".to_string()), "{ids:?}");
    let message = app.status.clone().unwrap_or_default();
    assert!(
        message.contains("perf.load sends load: asking first"),
        "{message}"
    );
    assert!(
        matches!(app.modal, Some(super::state::Modal::LoadConfirm(_))),
        "the confirmation is open"
    );
    assert!(
        !message.contains("not available yet: perf.load"),
        "{message}"
    );
}
