//! The help overlay, generated from the keymap's table so it always matches the keys.

use super::layout::centered;
use super::theme;
use crate::app::App;
use crate::tui::keymap::help_sections;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

pub fn render(app: &App, frame: &mut Frame, scroll: u16) {
    let t = theme(app);
    let area = centered(frame.area(), 64, frame.area().height.saturating_sub(2));
    // The mouse comes first: it is the one way in that no key row below shows, and the
    // overlay's end is off screen on a small terminal.
    let mut lines = vec![
        Line::from(Span::styled(
            "Mouse: click a tab or a row to select it; the wheel scrolls.",
            t.dim(),
        )),
        Line::default(),
    ];
    for (title, rows) in help_sections() {
        lines.push(Line::from(Span::styled(title, t.title())));
        for (keys, what) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<12}"), t.text()),
                Span::styled(what, t.dim()),
            ]));
        }
        lines.push(Line::default());
    }
    // Scrolling stops once the last line reaches the bottom row.
    let room = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(area.height.saturating_sub(2));
    app.scroll_room.help.set(room);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll.min(room), 0)).block(
            Block::bordered()
                .title(Span::styled(" Keys — Esc closes ", t.title()))
                .border_style(t.border(true)),
        ),
        area,
    );
}
