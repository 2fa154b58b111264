//! Presenter mode's summary band, drawn above the checklist: the verdict as large as the
//! screen allows and the top risks in plain language, so a founder sees where things stand
//! before any detail. Risks are folded per defect (`risk_summary`), so a defect found on
//! three hosts is one line that says so rather than three identical lines, and the count is
//! the one the Risks screen gives. Beside or under the risks, the runbook's minimum bar as
//! the founder's checklist: a requirement is ticked only when every check the runbook names
//! for it passed, and one no check decides says so instead of carrying a mark.

use super::brief;
use super::risk_rows::risk_rows;
use super::risks::render_verdict;
use super::text::truncate_words;
use super::theme;
use crate::app::App;
use launch_ready_core::sanitize::sanitize_line;
use launch_ready_core::session::minimum_bar::{self, BarState};
use launch_ready_core::verdict;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// From this width the top risks and the minimum bar stand side by side; narrower, the
/// minimum bar goes under the risks.
const SIDE_BY_SIDE: u16 = 110;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = theme(app);
    let assessment = verdict::assess(&app.runbook, &app.session, app.now);
    let [band, right] =
        Layout::horizontal([Constraint::Percentage(30), Constraint::Fill(1)]).areas(area);
    render_verdict(app, frame, band, &assessment);
    let (risks, bar) = if app.runbook.minimum_bar.is_empty() {
        (right, None)
    } else if right.width >= SIDE_BY_SIDE {
        let [r, b] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Percentage(45)]).areas(right);
        (r, Some(b))
    } else {
        // The risks take the rows they need when both fit, else at most half.
        let open = risk_rows(app, &assessment, usize::from(right.width.saturating_sub(2))).len();
        let risk_need = open.max(1) + 2;
        let bar_need = app.runbook.minimum_bar.len() + 2;
        let height = usize::from(right.height);
        let risk_h = if risk_need + bar_need <= height {
            risk_need
        } else {
            risk_need.min(height / 2).max(3)
        };
        let risk_h = u16::try_from(risk_h).unwrap_or(u16::MAX);
        let [r, b] =
            Layout::vertical([Constraint::Length(risk_h), Constraint::Fill(1)]).areas(right);
        (r, Some(b))
    };
    if let Some(bar) = bar {
        render_bar(app, frame, bar);
    }
    let (done, total) = verdict::progress(&app.runbook, &app.session);
    let block = Block::bordered()
        .title(Span::styled(" Top risks ", t.title()))
        .title_bottom(Span::styled(
            truncate_words(
                &format!(
                    " {done} of {total} checks done · {} · v on Risks: one at a time ",
                    app.session.clock(app.now).label()
                ),
                usize::from(risks.width.saturating_sub(2)),
            ),
            t.dim(),
        ))
        .border_style(t.border(false));
    let inner = block.inner(risks);
    let width = usize::from(inner.width);
    let mut lines = risk_rows(app, &assessment, width);
    lines.truncate(usize::from(inner.height));
    if lines.is_empty() {
        lines.push(Line::from("No open risks."));
    }
    frame.render_widget(Paragraph::new(lines).block(block), risks);
}

/// The minimum bar as the founder's checklist: one row per requirement, ticked only when
/// every check behind it passed, with a last row saying how many more `M` shows.
fn render_bar(app: &App, frame: &mut Frame, area: Rect) {
    let t = theme(app);
    let marks = minimum_bar::marks(&app.runbook, &app.session, app.now);
    let met = marks.iter().filter(|m| m.state == BarState::Met).count();
    let width = usize::from(area.width.saturating_sub(2));
    let rows = usize::from(area.height.saturating_sub(2));
    let block = Block::bordered()
        .title(Span::styled(
            truncate_words(
                &format!(" Minimum bar · {met} of {} met ", marks.len()),
                width,
            ),
            t.title(),
        ))
        .border_style(t.border(false));
    let shown = if marks.len() > rows {
        rows.saturating_sub(1)
    } else {
        marks.len()
    };
    let mut lines: Vec<Line> = marks
        .iter()
        .take(shown)
        .map(|m| {
            // The whole words where they leave the requirement room to be read.
            let suffix = match m.state {
                BarState::NotChecked if width >= 60 => " · not checked automatically",
                BarState::NotChecked => " · not checked",
                _ => "",
            };
            let text = format!(
                "{}: {}",
                sanitize_line(&m.bar.area),
                sanitize_line(&m.bar.requirement)
            );
            let room = width.saturating_sub(2 + suffix.chars().count());
            Line::from(vec![
                Span::styled(
                    format!("{} ", brief::mark(m.state)),
                    brief::mark_style(m.state, t),
                ),
                Span::styled(truncate_words(&text, room), t.text()),
                Span::styled(suffix, t.dim()),
            ])
        })
        .collect();
    if shown < marks.len() {
        lines.push(Line::from(Span::styled(
            truncate_words(
                &format!("+{} more — M shows them all", marks.len() - shown),
                width,
            ),
            t.dim(),
        )));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
