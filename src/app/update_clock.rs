//! The sprint clock's keys (pause for the night, resume, move the start by an hour) and
//! "what now", which jumps to the next unfinished check of the window the clock is in.
//! Every clock change is journaled, so the handover pack can say why hour 30 fell on the
//! third day.

use super::edit::{changed, journal};
use super::effect::Effect;
use super::state::{App, Focus};
use launch_ready_core::session::clock;
use launch_ready_core::session::clock::Due;
use launch_ready_core::session::model::{JournalKind, Pause, Screen};
use time::Duration;

/// `p` on the timeline: pauses the clock, or resumes it when paused.
pub(super) fn toggle_pause(app: &mut App, fx: &mut Vec<Effect>) {
    let now = app.now;
    let text = if clock::is_paused(&app.session.pauses) {
        if let Some(last) = app.session.pauses.last_mut() {
            last.until = Some(now);
        }
        format!("clock resumed at {}", app.session.clock(now).label())
    } else {
        app.session.pauses.push(Pause {
            from: now,
            until: None,
        });
        format!("clock paused at {}", app.session.clock(now).label())
    };
    app.status = Some(text.clone());
    journal(app, JournalKind::Clock, "", text, fx);
}

/// `+` / `-` on the timeline: moves the sprint start an hour earlier (the clock goes on an
/// hour) or later (it goes back one, never before hour 0).
pub(super) fn shift_start(app: &mut App, hours: i64, fx: &mut Vec<Effect>) {
    let now = app.now;
    let start = app.session.sprint_start - Duration::hours(hours);
    if hours < 0 && start > now {
        app.status = Some("the sprint start cannot move past now".into());
        return;
    }
    app.session.sprint_start = start;
    let text = format!(
        "sprint start moved {} by 1h: {}",
        if hours > 0 { "earlier" } else { "later" },
        app.session.clock(now).label()
    );
    app.status = Some(text.clone());
    journal(app, JournalKind::Clock, "", text, fx);
}

/// `n`: opens the checklist on the next unfinished check of the window the clock is in
/// (after the selected one, wrapping), else of an overdue window.
pub(super) fn what_now(app: &mut App, fx: &mut Vec<Effect>) {
    let hour = app.session.clock(app.now).hour();
    let progress = launch_ready_core::verdict::stage_progress(&app.runbook, &app.session);
    let windows = |wanted: Due| -> Vec<usize> {
        app.runbook
            .stages
            .iter()
            .zip(&progress)
            .enumerate()
            .filter(|(_, (s, (d, n)))| clock::due(s.hours, hour, d == n) == wanted)
            .map(|(i, _)| i)
            .collect()
    };
    let (stages, late) = match windows(Due::Now) {
        now if !now.is_empty() => (now, false),
        _ => (windows(Due::Overdue), true),
    };
    // Every unfinished check of those stages, in runbook order.
    let open: Vec<(usize, usize)> = stages
        .iter()
        .flat_map(|&si| {
            let checks = &app.runbook.stages[si].checks;
            checks
                .iter()
                .enumerate()
                .filter(|(_, c)| !app.session.status(&c.id).is_done())
                .map(move |(ci, _)| (si, ci))
        })
        .collect();
    let here = (app.stage_index(), app.check_index());
    let Some(&(si, ci)) = open.iter().find(|p| **p > here).or_else(|| open.first()) else {
        app.status = Some(format!(
            "nothing is due at {}: every window open now is done",
            app.session.clock(app.now).label()
        ));
        return;
    };
    app.session.ui.screen = Screen::Checklist;
    app.session.ui.stage = si;
    app.session.ui.check = ci;
    app.focus = Focus::Checks;
    app.detail_scroll = 0;
    let stage = &app.runbook.stages[si];
    app.status = Some(format!(
        "{}: {} ({} h{}–{})",
        if late { "overdue" } else { "due now" },
        stage.checks[ci].title,
        stage.title,
        stage.hours.0,
        stage.hours.1
    ));
    changed(app, fx);
}
