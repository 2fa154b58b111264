//! One-line prompts (skip reason, decision, target fields, credentials) and the severity
//! picker. A prompt shows its validation error under the input, so bad input is explained
//! where it was typed and never reaches the session.

use super::layout::centered;
use super::theme;
use crate::app::App;
use crate::app::state::{Prompt, PromptPurpose};
use launch_ready_core::finding::Severity;
use launch_ready_core::sanitize::sanitize_line;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// Draws `prompt` inside `area` (already cleared by the caller when it is an overlay).
pub fn render_in(app: &App, frame: &mut Frame, prompt: &Prompt, area: Rect) {
    let t = theme(app);
    let label = prompt.label();
    // A label wider than the border goes inside the box, word-wrapped, instead of being
    // cut in the title.
    let wrapped = label_rows(&label, area.width);
    let block = Block::bordered()
        .title(Span::styled(
            if wrapped.is_empty() {
                format!(" {label} ")
            } else {
                String::new()
            },
            t.title(),
        ))
        .title_bottom(Span::styled(" Enter accept · Esc cancel ", t.dim()))
        .border_style(t.border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = u16::try_from(wrapped.len()).unwrap_or(u16::MAX);
    let [question, input, error] = Layout::vertical([
        Constraint::Length(rows),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    let lines: Vec<Line> = wrapped
        .into_iter()
        .map(|l| Line::from(Span::styled(l, t.title())))
        .collect();
    frame.render_widget(Paragraph::new(lines), question);
    let mut widget = prompt.input.clone();
    widget.set_cursor_line_style(ratatui::style::Style::new());
    frame.render_widget(&widget, input);
    if let Some(e) = &prompt.error {
        frame.render_widget(
            Paragraph::new(Span::styled(sanitize_line(e), t.error())).wrap(Wrap { trim: true }),
            error,
        );
    }
}

/// The label's rows inside a box `width` wide, or none when it fits in the title.
fn label_rows(label: &str, width: u16) -> Vec<String> {
    let inner = usize::from(width.saturating_sub(2));
    if super::text::cells(label) + 2 <= inner {
        Vec::new()
    } else {
        super::text::wrap_hanging(label, inner)
    }
}

pub fn render(app: &App, frame: &mut Frame, prompt: &Prompt) {
    let width = 72.min(frame.area().width);
    let extra = u16::try_from(label_rows(&prompt.label(), width).len()).unwrap_or(0);
    let mut area = centered(frame.area(), 72, 6 + extra);
    // A prompt about the selected row (its skip reason, its acceptance, a target's new
    // value) leaves that row in sight; a decision is about the whole list.
    if !matches!(prompt.purpose, PromptPurpose::Decision { .. }) {
        area = clear_of_selected_row(app, frame.area(), area);
    }
    frame.render_widget(Clear, area);
    render_in(app, frame, prompt, area);
}

/// Moves `popup` just below the selected row the screen drew (above it near the bottom),
/// so what the prompt is about stays in sight, next to it, while the answer is typed. Left
/// where it is when no row is selected.
fn clear_of_selected_row(app: &App, screen: Rect, popup: Rect) -> Rect {
    let Some(row_y) = app.scroll_room.selected_y.get() else {
        return popup;
    };
    // Within the body: the footer's status line stays in sight too.
    let body = super::layout::main(screen).body;
    let below = row_y.saturating_add(1);
    let y = if below.saturating_add(popup.height) <= body.y + body.height {
        below
    } else {
        row_y.saturating_sub(popup.height).max(screen.y)
    };
    Rect { y, ..popup }
}

pub fn render_severity(app: &App, frame: &mut Frame, check_id: &str, selected: usize) {
    let t = theme(app);
    let area = clear_of_selected_row(app, frame.area(), centered(frame.area(), 44, 10));
    let default = app
        .runbook
        .check(check_id)
        .map_or(Severity::Medium, |(_, c)| c.severity);
    let mut options = vec![(format!("runbook default ({default})"), None)];
    options.extend(
        Severity::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), Some(*s))),
    );
    let lines: Vec<Line> = options
        .into_iter()
        .enumerate()
        .map(|(i, (label, sev))| {
            let style = match sev {
                _ if i == selected => t.selected(),
                Some(s) => t.severity(s),
                None => t.text(),
            };
            Line::from(Span::styled(format!(" {label} "), style))
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(Span::styled(" Severity override ", t.title()))
                .border_style(t.border(true)),
        ),
        area,
    );
}
