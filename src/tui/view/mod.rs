//! Drawing. Every function here is a pure function of `&App` into a frame, one file per
//! screen region, so the screens can be snapshot-tested on a `TestBackend` at a fixed size.
//! Remote text is sanitised and presenter-mode redaction applied here, at the last step
//! before the terminal.
//!
//! ```text
//! ┌ 1 Checklist │ 2 Timeline │ 3 Risks │ 4 Targets │ 5 Monitor ─────── client · PRESENTER ┐
//! │ Stages          │ Checks                │ Detail                                    │
//! │ 1 Audit    1/3  │ ✓ DNS records    auto │ title, severity, why it matters,          │
//! │ 2 DNS      0/2  │ · Owner named  manual │ question or check kind, failure signals,  │
//! │ …               │ …                     │ latest evidence, note                     │
//! ├─────────────────────────────────────────────────────────────────────────────────────┤
//! │ status: saved 2s ago · 1 running · hour 13 of 48 · message                          │
//! │ key hints                                                                           │
//! └─────────────────────────────────────────────────────────────────────────────────────┘
//! ```
//! Modals (note and journal editors, prompts, severity picker, credentials, help, the
//! unsaved-changes question) are drawn last, over the screen.

pub mod brief;
pub mod checklist;
pub mod credentials;
pub mod detail;
pub mod evidence;
pub mod footer;
pub mod help;
pub mod layout;
pub mod load;
pub mod load_run;
pub mod monitor;
pub mod notes;
pub mod picker;
pub mod place;
pub mod presenter;
pub mod prompt;
pub mod redact;
pub mod risk_card;
pub mod risk_rows;
pub mod risk_summary;
pub mod risks;
pub mod targets;
pub mod text;
pub mod timeline;
pub mod unsaved;

use super::theme::Theme;
use crate::app::App;
use crate::app::state::Modal;
use launch_ready_core::session::model::Screen;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn theme(app: &App) -> Theme {
    Theme::named(app.theme, app.presenter(), app.color)
}

/// Draws the whole screen for `app`.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let main = layout::main(area);
    app.scroll_room.selected_y.set(None);
    render_tabs(app, frame, main.tabs);
    match app.screen() {
        Screen::Checklist => checklist::render(app, frame, main.body),
        Screen::Timeline => timeline::render(app, frame, main.body),
        Screen::Risks => risks::render(app, frame, main.body),
        Screen::Targets => targets::render(app, frame, main.body),
        Screen::Monitor => monitor::render(app, frame, main.body),
    }
    footer::render(app, frame, main.footer);
    load_run::render_live(app, frame, main.body);
    match &app.modal {
        None => {}
        Some(Modal::Note {
            check_id, editor, ..
        }) => notes::render_note(app, frame, check_id, editor),
        Some(Modal::Journal { editor }) => notes::render_journal(app, frame, editor),
        Some(Modal::Prompt(p)) => prompt::render(app, frame, p),
        Some(Modal::Severity { check_id, selected }) => {
            prompt::render_severity(app, frame, check_id, *selected);
        }
        Some(Modal::Help { scroll }) => help::render(app, frame, *scroll),
        Some(Modal::Brief { page, scroll }) => brief::render(app, frame, *page, *scroll),
        Some(Modal::Credentials(form)) => credentials::render(app, frame, form),
        Some(Modal::Unsaved { note, .. }) => unsaved::render(app, frame, note.as_deref()),
        Some(Modal::RiskCard { index }) => risk_card::render(app, frame, *index),
        Some(Modal::LoadConfirm(c)) => load_run::render_confirm(app, frame, c),
    }
    if app.presenter() {
        redact::buffer(frame.buffer_mut());
    }
}

fn render_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let t = theme(app);
    let mut spans = Vec::new();
    for (i, (screen, label, _)) in layout::tabs().into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("│", t.dim()));
        }
        let style = if screen == app.screen() {
            t.selected()
        } else {
            t.text()
        };
        spans.push(Span::styled(label, style));
    }
    let left = Line::from(spans);
    // The client name gets whatever the tabs leave, so the two never overlap.
    let used = layout::tabs().last().map_or(0, |(_, _, r)| r.end) + 1;
    let badge = if app.presenter() { " PRESENTER " } else { "" };
    // Summary first, on every screen: the verdict stays in the corner.
    let verdict = app
        .presenter()
        .then(|| launch_ready_core::verdict::assess(&app.runbook, &app.session, app.now).verdict);
    // Room for the verdict badge as it is, with the spaces around it.
    let verdict_w = verdict.map_or(0, |v| v.as_str().len() + 4);
    let room = usize::from(area.width.saturating_sub(used))
        .saturating_sub(badge.chars().count() + verdict_w);
    let mut right = vec![Span::styled(
        if app.presenter() {
            text::truncate_words(&redact::line(app, &app.session.client), room)
        } else {
            text::truncate(
                &launch_ready_core::sanitize::sanitize_line(&app.session.client),
                room,
            )
        },
        t.title(),
    )];
    if let Some(verdict) = verdict {
        right.push(Span::raw(" "));
        right.push(Span::styled(
            format!(" {} ", verdict.as_str().to_uppercase()),
            t.verdict(verdict),
        ));
        right.push(Span::raw(" "));
        right.push(Span::styled(
            badge,
            t.selected().add_modifier(Modifier::BOLD),
        ));
    }
    frame.render_widget(Paragraph::new(left), area);
    frame.render_widget(Paragraph::new(Line::from(right)).right_aligned(), area);
}
