//! The targets screen: every editable value of the session's targets and network settings,
//! one row each, with "add" rows closing each list. Editing happens in a one-line prompt
//! that shows validation errors in place.

use super::layout::list_offset;
use super::text::fit;
use super::theme;
use crate::app::App;
use crate::app::targets;
use crate::app::targets::TargetField;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// First visible row, shared with mouse hit-testing.
pub fn offset(app: &App, area: Rect) -> usize {
    list_offset(
        app.target_row,
        targets::rows(&app.session).len(),
        usize::from(area.height.saturating_sub(2)),
    )
}

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let t = theme(app);
    let block = Block::bordered()
        .title(Span::styled(
            " Targets and network — Enter edits · a adds · x removes ",
            t.title(),
        ))
        .border_style(t.border(true));
    let inner = block.inner(body);
    let width = usize::from(inner.width);
    let label_w = 24.min(width / 3);
    let rows = targets::rows(&app.session);
    let first = offset(app, body);
    if let Some(row) = app.target_row.checked_sub(first)
        && row < usize::from(inner.height)
    {
        app.scroll_room
            .selected_y
            .set(Some(inner.y + u16::try_from(row).unwrap_or(u16::MAX)));
    }
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(first)
        .take(usize::from(inner.height))
        .map(|(i, field)| {
            let value = targets::value(&app.session, *field);
            let (shown, style) = match field {
                TargetField::AddHost
                | TargetField::AddRoute
                | TargetField::AddFlow
                | TargetField::AddEnvFile
                | TargetField::AddDkim
                | TargetField::AddResolve
                | TargetField::AddConnectTo => ("+ add".to_string(), t.dim()),
                _ if value.is_empty() => ("not set".to_string(), t.dim()),
                // A flow's RON is for the prompt; the list shows what it does.
                TargetField::Flow(i) => (
                    super::redact::line(
                        app,
                        &targets::flow_summary(&app.session, *i).unwrap_or_default(),
                    ),
                    t.text(),
                ),
                _ => (super::redact::line(app, &value), t.text()),
            };
            let label = if field.is_entry() || shown == "+ add" {
                format!("  {}", field.label())
            } else {
                field.label().to_string()
            };
            let selected = i == app.target_row;
            let pick = |s| if selected { t.selected() } else { s };
            Line::from(vec![
                Span::styled(fit(&label, label_w), pick(t.dim())),
                Span::styled(" ", pick(t.text())),
                Span::styled(fit(&shown, width.saturating_sub(label_w + 1)), pick(style)),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), body);
}
