//! Presenter mode's summary band, drawn above the checklist: the verdict as large as the
//! screen allows and the top risks in plain language, so a founder sees where things stand
//! before any detail. Risks are folded per defect (`risk_summary`), so a defect found on
//! three hosts is one line that says so rather than three identical lines, and the count is
//! the one the Risks screen gives.

use super::risk_rows::risk_rows;
use super::risks::render_verdict;
use super::theme;
use crate::app::App;
use launch_ready_core::verdict;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = theme(app);
    let assessment = verdict::assess(&app.runbook, &app.session, app.now);
    let [band, risks] =
        Layout::horizontal([Constraint::Percentage(30), Constraint::Fill(1)]).areas(area);
    render_verdict(app, frame, band, &assessment);
    let (done, total) = verdict::progress(&app.runbook, &app.session);
    let block = Block::bordered()
        .title(Span::styled(" Top risks ", t.title()))
        .title_bottom(Span::styled(
            super::text::truncate_words(
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
