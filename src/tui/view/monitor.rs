//! The monitor screen's place in the layout. Live uptime probes arrive with the monitoring
//! checks; until then the tab says so instead of showing empty charts.

use super::theme;
use crate::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let t = theme(app);
    let lines = vec![
        Line::default(),
        Line::from(Span::styled("Uptime monitoring", t.title())),
        Line::default(),
        Line::from(
            "Live uptime probes, latency sparklines and alert state arrive with the monitoring checks.",
        ),
        Line::from(Span::styled(
            "Until then, answer the monitoring stage's checks by hand on the checklist (1).",
            t.dim(),
        )),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .centered()
            .wrap(Wrap { trim: true })
            .block(
                Block::bordered()
                    .title(Span::styled(" Monitor ", t.title()))
                    .border_style(t.border(false)),
            ),
        body,
    );
}
