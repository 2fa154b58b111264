//! The question asked by `q` while the last save failed: the changes on screen are not on
//! disk, so quitting must not drop them without the operator's say.

use super::layout::centered;
use super::theme;
use crate::app::App;
use launch_ready_core::sanitize::sanitize_line;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn render(app: &App, frame: &mut Frame, note: Option<&str>) {
    let t = theme(app);
    let area = centered(frame.area(), 76, 13);
    let why = app.save_error.as_deref().unwrap_or("unknown error");
    let mut lines = vec![
        Line::from(Span::styled(
            "Your latest changes are not on disk: the last save failed.",
            t.text(),
        )),
        Line::from(Span::styled(sanitize_line(why), t.error())),
        Line::default(),
        Line::from(vec![
            Span::styled("  r    ", t.title()),
            Span::raw("retry the save, then quit"),
        ]),
        Line::from(vec![
            Span::styled("  w    ", t.title()),
            Span::raw("write a copy to a new file (path shown here)"),
        ]),
        Line::from(vec![
            Span::styled("  d    ", t.title()),
            Span::raw("discard the unsaved changes and quit"),
        ]),
        Line::from(vec![
            Span::styled("  Esc  ", t.title()),
            Span::raw("stay in the session"),
        ]),
    ];
    if let Some(note) = note {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(sanitize_line(note), t.text())));
    }
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(Span::styled(" Unsaved changes ", t.title()))
                .border_style(t.border(true)),
        ),
        area,
    );
}
