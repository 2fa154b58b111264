//! Read-only pages of runbook text over the screen, scrolled with the arrows and closed
//! with Esc: the selected stage's brief (`i` on the checklist) and the minimum bar as the
//! founder's checklist (`M`). Runbook text is sanitised before it is drawn; the marks come
//! from `minimum_bar::marks`, so a requirement is ticked only when the checks behind it
//! passed.

use super::layout::centered;
use super::text::wrap_hanging;
use super::theme;
use crate::app::App;
use crate::app::state::BriefPage;
use crate::tui::theme::Theme;
use launch_ready_core::runbook::{Runbook, Stage};
use launch_ready_core::sanitize::sanitize_line;
use launch_ready_core::session::minimum_bar::{BarMark, BarState, marks};
use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Widest the overlay gets; long lines wrap inside it.
const WIDTH: u16 = 88;

pub fn render(app: &App, frame: &mut Frame, page: BriefPage, scroll: u16) {
    let t = theme(app);
    let area = centered(
        frame.area(),
        WIDTH.min(frame.area().width.saturating_sub(2)),
        frame.area().height.saturating_sub(2),
    );
    let width = usize::from(area.width.saturating_sub(2));
    let (title, lines) = match page {
        BriefPage::Stage(i) => match app.runbook.stages.get(i) {
            Some(stage) => (
                format!(
                    " Stage {} of {} · {} — Esc closes ",
                    i + 1,
                    app.runbook.stages.len(),
                    sanitize_line(&stage.title)
                ),
                stage_lines(&app.runbook, stage, width, t),
            ),
            None => (" Stage brief — Esc closes ".into(), Vec::new()),
        },
        BriefPage::MinimumBar => (
            " Minimum bar — Esc closes ".into(),
            bar_lines(
                &app.runbook,
                &marks(&app.runbook, &app.session, app.now),
                width,
                t,
            ),
        ),
    };
    // Scrolling stops once the last line reaches the bottom row.
    let room = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(area.height.saturating_sub(2));
    app.scroll_room.brief.set(room);
    let title = super::text::truncate_words(&title, width);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll.min(room), 0)).block(
            Block::bordered()
                .title(Span::styled(title, t.title()))
                .border_style(t.border(true)),
        ),
        area,
    );
}

/// `text` as a bullet wrapped to `width`, its later rows under the text, not the bullet.
fn bullet(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    wrap_hanging(&sanitize_line(text), width.saturating_sub(2).max(1))
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let lead = if i == 0 { "• " } else { "  " };
            Line::from(Span::styled(format!("{lead}{}", row.trim_start()), style))
        })
        .collect()
}

fn heading(text: &str, t: Theme) -> Line<'static> {
    Line::from(Span::styled(text.to_string(), t.title()))
}

/// The stage brief: goal, deliverables, failure signals, the runbook's automation entries
/// that name one of this stage's check kinds, and what not to build.
pub fn stage_lines(runbook: &Runbook, stage: &Stage, width: usize, t: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![heading("Goal", t)];
    lines.extend(
        wrap_hanging(&sanitize_line(&stage.goal), width.max(1))
            .into_iter()
            .map(|row| Line::from(Span::styled(row, t.text()))),
    );
    let mut section = |title: &str, items: Vec<String>, none: &str| {
        lines.push(Line::default());
        lines.push(heading(title, t));
        if items.is_empty() {
            lines.push(Line::from(Span::styled(none.to_string(), t.dim())));
        }
        for item in items {
            lines.extend(bullet(&item, width, t.text()));
        }
    };
    section(
        "Deliverables",
        stage.deliverables.clone(),
        "The runbook lists none for this stage.",
    );
    section(
        "Failure signals",
        stage.failure_signals.clone(),
        "The runbook lists none for this stage.",
    );
    let kinds: Vec<_> = stage.checks.iter().filter_map(|c| c.run.kind()).collect();
    let automation = runbook
        .automation
        .iter()
        .filter(|a| a.kinds.iter().any(|k| kinds.iter().any(|s| s.id == k.0.id)))
        .map(|a| {
            let names: Vec<&str> = a.kinds.iter().map(|k| k.0.name).collect();
            format!("{}: {} — {} ({})", a.area, a.what, a.why, names.join(", "))
        })
        .collect();
    section(
        "Worth automating here",
        automation,
        "No automation entry of the runbook names this stage's check kinds.",
    );
    section(
        "Do not overbuild",
        runbook
            .do_not_overbuild
            .iter()
            .map(|o| format!("{} — {}", o.what, o.why))
            .collect(),
        "The runbook lists nothing here.",
    );
    lines
}

/// The mark a requirement gets: a tick only for `Met`, and none at all where no check
/// decides it.
pub fn mark(state: BarState) -> &'static str {
    match state {
        BarState::Met => "✓",
        BarState::Missed => "✗",
        BarState::Open => "·",
        BarState::NotChecked => " ",
    }
}

pub fn mark_style(state: BarState, t: Theme) -> Style {
    use launch_ready_core::finding::CheckStatus;
    match state {
        BarState::Met => t.status(CheckStatus::Pass),
        BarState::Missed => t.status(CheckStatus::Fail),
        BarState::Open | BarState::NotChecked => t.dim(),
    }
}

/// The minimum bar as a checklist: each requirement with its mark, then in dim words where
/// it stands.
pub fn bar_lines(
    runbook: &Runbook,
    marks: &[BarMark<'_>],
    width: usize,
    t: Theme,
) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = wrap_hanging(
        "✓ its checks passed · ✗ a check failed · · not passed yet · no mark: no check decides it",
        width.max(1),
    )
    .into_iter()
    .map(|row| Line::from(Span::styled(row, t.dim())))
    .collect();
    lines.push(Line::default());
    if marks.is_empty() {
        lines.push(Line::from(Span::styled(
            "The runbook sets no minimum bar.",
            t.dim(),
        )));
    }
    for m in marks {
        let text = format!(
            "{}: {}",
            sanitize_line(&m.bar.area),
            sanitize_line(&m.bar.requirement)
        );
        let rows = wrap_hanging(&text, width.saturating_sub(2).max(1));
        for (i, row) in rows.into_iter().enumerate() {
            let lead = if i == 0 { mark(m.state) } else { " " };
            lines.push(Line::from(vec![
                Span::styled(format!("{lead} "), mark_style(m.state, t)),
                Span::styled(row.trim_start().to_string(), t.text()),
            ]));
        }
        let titles: Vec<String> = m
            .checks
            .iter()
            .filter_map(|id| runbook.check(id))
            .map(|(_, c)| sanitize_line(&c.title))
            .collect();
        let words = if titles.is_empty() {
            m.state.words().to_string()
        } else {
            format!("{} ({})", m.state.words(), titles.join(", "))
        };
        for row in wrap_hanging(&words, width.saturating_sub(2).max(1)) {
            lines.push(Line::from(Span::styled(
                format!("  {}", row.trim_start()),
                mark_style(m.state, t),
            )));
        }
    }
    lines
}
