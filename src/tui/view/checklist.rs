//! The checklist screen: stages with progress on the left, the selected stage's checks in
//! the middle, the detail pane on the right (and, in presenter mode, a summary band above).

use super::layout::{self, list_offset};
use super::text::{bar, cells, truncate_words, wrap_hanging};
use super::{detail, presenter, theme};
use crate::app::App;
use crate::app::state::Focus;
use crate::tui::theme::status_icon;
use launch_ready_core::runbook::Run;
use launch_ready_core::sanitize::sanitize_line;
use launch_ready_core::verdict;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let panes = layout::checklist(
        body,
        app.presenter(),
        stages_wanted(app),
        stage_rows(app),
        goal_rows(app, body.width),
    );
    if let Some(summary) = panes.summary {
        presenter::render(app, frame, summary);
    }
    if let Some(goal) = panes.goal {
        render_goal(app, frame, goal);
    }
    render_stages(app, frame, panes.stages);
    render_checks(app, frame, panes.checks);
    detail::render(app, frame, panes.detail);
}

/// Most rows the goal header takes; a longer goal is cut at a word, and `i` shows it whole.
const GOAL_ROWS: usize = 2;

/// The selected stage's goal, sanitised and wrapped to `width` cells in at most
/// `GOAL_ROWS` rows (the last one cut with `…` when the goal is longer).
pub fn goal_lines(app: &App, width: u16) -> Vec<String> {
    let Some(stage) = app.stage() else {
        return Vec::new();
    };
    let goal = sanitize_line(&stage.goal);
    if goal.trim().is_empty() {
        return Vec::new();
    }
    let width = usize::from(width);
    let text = format!("{GOAL_LABEL}{}", goal.trim());
    let mut rows = wrap_hanging(&text, width);
    if rows.len() > GOAL_ROWS {
        let rest = rows[GOAL_ROWS - 1..].join(" ");
        rows.truncate(GOAL_ROWS - 1);
        rows.push(truncate_words(&rest, width));
    }
    rows
}

/// What the goal header starts with.
const GOAL_LABEL: &str = "Stage goal: ";

/// Rows the goal header takes at `width` (the layout's and the mouse's share).
pub fn goal_rows(app: &App, width: u16) -> u16 {
    u16::try_from(goal_lines(app, width).len()).unwrap_or(0)
}

fn render_goal(app: &App, frame: &mut Frame, area: Rect) {
    let t = theme(app);
    let lines: Vec<Line> = goal_lines(app, area.width)
        .into_iter()
        .map(|row| match row.strip_prefix(GOAL_LABEL) {
            Some(rest) => Line::from(vec![
                Span::styled(GOAL_LABEL, t.title()),
                Span::styled(rest.to_string(), t.text()),
            ]),
            None => Line::from(Span::styled(row, t.text())),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// Columns the stage list needs to show every stage name whole, borders included; the
/// layout gives it this much on a wide terminal (and the mouse uses the same geometry).
pub fn stages_wanted(app: &App) -> u16 {
    let progress = verdict::stage_progress(&app.runbook, &app.session);
    let counts_w = progress
        .iter()
        .map(|(done, total)| format!("{done}/{total}").len())
        .max()
        .unwrap_or(0);
    let widest = app
        .runbook
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}", i + 1).len() + cells(&s.title))
        .max()
        .unwrap_or(0);
    // Marker, number, space, title, space and counts, space and bar, two borders.
    let inner = 1 + widest + 1 + 1 + counts_w + 1 + STAGE_BAR + 2;
    u16::try_from(inner).unwrap_or(u16::MAX)
}

/// Rows the stage list needs to show every stage.
pub fn stage_rows(app: &App) -> u16 {
    u16::try_from(app.runbook.stages.len()).unwrap_or(u16::MAX)
}

/// Width of a stage's progress bar, when there is room for one.
const STAGE_BAR: usize = 6;

fn render_stages(app: &App, frame: &mut Frame, area: Rect) {
    let t = theme(app);
    let focused = app.focus == Focus::Stages && app.modal.is_none();
    let block = Block::bordered()
        .title(Span::styled(" Stages ", t.title()))
        .border_style(t.border(focused));
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    let progress = verdict::stage_progress(&app.runbook, &app.session);
    // One width for every row (not only the visible ones), so the column stays put while
    // the list scrolls and `1/8` lines up under `6/13`.
    let counts_w = progress
        .iter()
        .map(|(done, total)| format!("{done}/{total}").len())
        .max()
        .unwrap_or(0);
    let height = usize::from(inner.height);
    let offset = list_offset(app.stage_index(), app.runbook.stages.len(), height);
    // The bar says again what the counts say: it is drawn only when every name fits
    // beside it, names first.
    let widest = app
        .runbook
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}", i + 1).len() + cells(&s.title))
        .max()
        .unwrap_or(0);
    let bar_w = if width >= 28 && 1 + widest + 1 + 1 + counts_w + 1 + STAGE_BAR <= width {
        STAGE_BAR
    } else {
        0
    };
    let lines: Vec<Line> = app
        .runbook
        .stages
        .iter()
        .zip(progress)
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, (stage, (done, total)))| {
            let counts = format!(" {:>counts_w$}", format!("{done}/{total}"));
            let number = format!("{}", i + 1);
            let title_w = width.saturating_sub(1 + number.len() + 1 + counts.len() + bar_w + 1);
            let text = format!(
                "{}{number} {}{}{}",
                if i == app.stage_index() { "▸" } else { " " },
                super::text::fit_for(app.presenter(), &stage.title, title_w),
                counts,
                if bar_w > 0 {
                    format!(" {}", bar(done, total, bar_w))
                } else {
                    String::new()
                }
            );
            let style = if i == app.stage_index() {
                t.selected()
            } else if done == total && total > 0 {
                t.status(launch_ready_core::finding::CheckStatus::Pass)
            } else {
                t.text()
            };
            Line::from(Span::styled(
                super::text::fit_for(app.presenter(), &text, width),
                style,
            ))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// First visible check row, shared with mouse hit-testing.
pub fn checks_offset(app: &App, area: Rect) -> usize {
    let len = app.stage().map_or(0, |s| s.checks.len());
    list_offset(
        app.check_index(),
        len,
        usize::from(area.height.saturating_sub(2)),
    )
}

fn render_checks(app: &App, frame: &mut Frame, area: Rect) {
    let t = theme(app);
    let focused = app.focus == Focus::Checks && app.modal.is_none();
    let title = app
        .stage()
        .map_or(String::new(), |s| format!(" {} ", s.title));
    let block = Block::bordered()
        .title(Span::styled(title, t.title()))
        .border_style(t.border(focused));
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    let offset = checks_offset(app, area);
    let Some(stage) = app.stage() else {
        frame.render_widget(block, area);
        return;
    };
    if let Some(row) = app.check_index().checked_sub(offset)
        && row < usize::from(inner.height)
    {
        app.scroll_room
            .selected_y
            .set(Some(inner.y + u16::try_from(row).unwrap_or(u16::MAX)));
    }
    let lines: Vec<Line> = stage
        .checks
        .iter()
        .enumerate()
        .skip(offset)
        .take(usize::from(inner.height))
        .map(|(i, check)| {
            let status = app.session.status(&check.id);
            let stale = app
                .session
                .state(&check.id)
                .is_some_and(|s| s.is_stale(app.now));
            let marker = match (&check.run, stale) {
                (Run::Manual { .. }, _) => " manual",
                (Run::Auto { .. }, false) => " auto",
                (Run::Auto { .. }, true) => " stale",
            };
            let title_w = width.saturating_sub(3 + marker.len());
            let selected = i == app.check_index();
            let row = |s| if selected { t.selected() } else { s };
            Line::from(vec![
                Span::styled(if selected { "▸" } else { " " }, row(t.text())),
                Span::styled(
                    format!("{} ", status_icon(status, app.spinner)),
                    row(t.status(status)),
                ),
                Span::styled(
                    super::text::fit_for(app.presenter(), &check.title, title_w),
                    row(t.text()),
                ),
                Span::styled(marker, row(if stale { t.error() } else { t.dim() })),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
