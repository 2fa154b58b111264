//! The note editor and the journal, as modals over the current screen. The `TextArea` is
//! drawn as it is held in UI state; the session only sees the committed text.

use super::layout::centered;
use super::text::age;
use super::theme;
use crate::app::App;
use launch_ready_core::sanitize::sanitize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui_textarea::TextArea;

pub fn render_note(app: &App, frame: &mut Frame, check_id: &str, editor: &TextArea<'static>) {
    let t = theme(app);
    let full = frame.area();
    let area = centered(full, full.width * 4 / 5, full.height * 3 / 5);
    let title = app
        .runbook
        .check(check_id)
        .map_or(check_id.to_string(), |(_, c)| c.title.clone());
    let mut widget = editor.clone();
    widget.set_block(
        Block::bordered()
            .title(Span::styled(format!(" Note — {title} "), t.title()))
            .title_bottom(Span::styled(" Esc/Ctrl-S keep · Ctrl-X discard ", t.dim()))
            .border_style(t.border(true)),
    );
    widget.set_cursor_line_style(ratatui::style::Style::new());
    frame.render_widget(Clear, area);
    frame.render_widget(&widget, area);
}

pub fn render_journal(app: &App, frame: &mut Frame, editor: &TextArea<'static>) {
    let t = theme(app);
    let full = frame.area();
    let area = centered(full, full.width * 4 / 5, full.height * 4 / 5);
    let [list_area, edit_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(5)]).areas(area);
    let mut lines: Vec<Line> = Vec::new();
    for entry in &app.session.journal {
        use launch_ready_core::session::model::JournalKind as K;
        let kind = match entry.kind {
            K::Note => "",
            K::Status => " · status",
            K::Run => " · run",
            K::Decision => " · decision",
            K::Acceptance => " · acceptance",
            K::Clock => " · clock",
        };
        lines.push(Line::from(Span::styled(
            format!("{} ago{kind}", age(app.now, entry.at)),
            t.dim(),
        )));
        lines.extend(
            sanitize(&entry.text)
                .lines()
                .map(|l| Line::from(format!("  {l}"))),
        );
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled("No entries yet.", t.dim())));
    }
    let visible = usize::from(list_area.height.saturating_sub(2));
    let scroll = u16::try_from(lines.len().saturating_sub(visible)).unwrap_or(u16::MAX);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(
                Block::bordered()
                    .title(Span::styled(" Journal ", t.title()))
                    .border_style(t.border(false)),
            ),
        list_area,
    );
    let mut widget = editor.clone();
    widget.set_block(
        Block::bordered()
            .title(Span::styled(
                " New entry — Esc adds · Ctrl-X discards ",
                t.title(),
            ))
            .border_style(t.border(true)),
    );
    widget.set_cursor_line_style(ratatui::style::Style::new());
    frame.render_widget(&widget, edit_area);
}
