//! The session picker: recent sessions with client, runbook, progress, sprint hour and last
//! activity (unreadable files listed with their problem), and the new-session form. Ages
//! are relative to `Picker::now`, which the picker loop moves on every second.

use super::layout::{centered, list_offset};
use super::text::{age, fit};
use crate::app::picker::{FormField, NewForm, Picker};
use crate::tui::theme::Theme;
use launch_ready_core::sanitize::{sanitize, sanitize_line};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn render(picker: &Picker, frame: &mut Frame) {
    let t = Theme::new(false, picker.color);
    // A refusal (locked, damaged, runbook gone) often names a long path: it wraps onto as
    // many rows as it needs, up to a third of the screen, instead of being cut at the edge.
    let status = picker.status.as_deref().map(sanitize).unwrap_or_default();
    let status = Paragraph::new(Text::styled(status, t.error())).wrap(Wrap { trim: true });
    let area = frame.area();
    let status_rows = status
        .line_count(area.width)
        .clamp(1, usize::from(area.height / 3).max(1));
    let [head, list, status_area, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(u16::try_from(status_rows).unwrap_or(1)),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled("launch-ready — recent sessions", t.title())),
        head,
    );
    let block = Block::bordered()
        .title(Span::styled(
            " Client · runbook · progress · sprint hour · last activity ",
            t.title(),
        ))
        .border_style(t.border(picker.form.is_none()));
    let inner = block.inner(list);
    let width = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    let offset = list_offset(
        picker.selected,
        picker.sessions.len(),
        usize::from(inner.height),
    );
    for (i, s) in picker.sessions.iter().enumerate().skip(offset) {
        let progress = s
            .progress
            .map_or("?".to_string(), |(d, n)| format!("{d}/{n}"));
        let text = match &s.problem {
            Some(problem) => format!(
                "{}  unreadable: {}",
                s.path.display(),
                sanitize_line(problem)
            ),
            None => format!(
                "{}  {}  {}  hour {}  {} ago",
                fit(&sanitize_line(&s.client), 24),
                fit(&sanitize_line(&s.runbook_id), 30),
                fit(&progress, 7),
                s.sprint_hour,
                age(picker.now, s.updated_at)
            ),
        };
        let style = match (&s.problem, i == picker.selected) {
            (_, true) => t.selected(),
            (Some(_), false) => t.error(),
            (None, false) => t.text(),
        };
        lines.push(Line::from(Span::styled(fit(&text, width), style)));
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            "No sessions yet: n starts one.",
            t.dim(),
        )));
    }
    frame.render_widget(Paragraph::new(lines).block(block), list);
    frame.render_widget(status, status_area);
    frame.render_widget(
        Paragraph::new(Span::styled(
            "↑↓ choose · Enter open · n new session · q quit",
            t.dim(),
        )),
        hints,
    );
    if let Some(form) = &picker.form {
        render_form(picker, form, frame, t);
    }
}

fn render_form(picker: &Picker, form: &NewForm, frame: &mut Frame, t: Theme) {
    // Wider on a wide terminal: runbook titles are long and the row below wraps them.
    let area = centered(
        frame.area(),
        (frame.area().width * 3 / 4).clamp(76, 110),
        14,
    );
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .title(Span::styled(" New session ", t.title()))
        .title_bottom(Span::styled(
            " ↑↓/Tab field · ←→ runbook · Enter create · Esc back ",
            t.dim(),
        ))
        .border_style(t.border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(2),
        Constraint::Length(2),
        Constraint::Length(2),
        Constraint::Min(1),
    ])
    .split(inner);
    let runbook = picker
        .runbooks
        .get(form.runbook)
        .map_or(String::new(), |r| format!("◀ {} — {} ▶", r.id, r.title));
    let label = |field: FormField, text: &str| {
        let style = if form.field == field {
            t.selected()
        } else {
            t.dim()
        };
        Span::styled(format!("{text:<22}"), style)
    };
    // The runbook's title wraps onto the row's second line rather than being cut.
    let [runbook_label, runbook_text] =
        Layout::horizontal([Constraint::Length(22), Constraint::Min(1)]).areas(rows[0]);
    frame.render_widget(
        Paragraph::new(label(FormField::Runbook, "Runbook")),
        runbook_label,
    );
    frame.render_widget(
        Paragraph::new(Span::styled(sanitize_line(&runbook), t.text())).wrap(Wrap { trim: true }),
        runbook_text,
    );
    for (i, (field, text, area)) in [
        (FormField::Client, "Client", &form.client),
        (FormField::Domain, "Apex domain", &form.domain),
        (FormField::Hosts, "Hosts (ROLE=HOST …)", &form.hosts),
    ]
    .into_iter()
    .enumerate()
    {
        let row: Rect = rows[i + 1];
        let [l, input] =
            Layout::horizontal([Constraint::Length(22), Constraint::Min(1)]).areas(row);
        frame.render_widget(Paragraph::new(label(field, text)), l);
        let mut widget = area.clone();
        widget.set_cursor_line_style(ratatui::style::Style::new());
        frame.render_widget(&widget, input);
    }
    if let Some(e) = &form.error {
        frame.render_widget(
            Paragraph::new(Span::styled(sanitize_line(e), t.error())).wrap(Wrap { trim: true }),
            rows[4],
        );
    }
}
