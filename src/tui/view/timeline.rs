//! The timeline screen: the runbook's 48-hour delivery sequence against the sprint clock.
//! Each step is a row with its hour window drawn on a 48-hour ruler and a marker for now;
//! below, what is due now (window open, not done) and what is overdue (window closed, stage
//! not done), computed from the same clock tick as the rest of the screen.

use super::theme;
use crate::app::App;
use launch_ready_core::runbook::model::SPRINT_HOURS;
use launch_ready_core::verdict;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub use launch_ready_core::session::clock::{Due, due};

fn ruler(hours: (u8, u8), hour: i64, width: usize) -> String {
    let total = usize::from(SPRINT_HOURS);
    let now_col = usize::try_from(hour)
        .ok()
        .filter(|h| *h < total)
        .map(|h| h * width / total);
    (0..width)
        .map(|col| {
            let h = col * total / width;
            if Some(col) == now_col {
                '┃'
            } else if h >= usize::from(hours.0) && h < usize::from(hours.1) {
                '█'
            } else {
                '·'
            }
        })
        .collect()
}

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let t = theme(app);
    let reading = app.session.clock(app.now);
    let hour = reading.hour();
    let progress = verdict::stage_progress(&app.runbook, &app.session);
    let stage_done = |id: &str| {
        app.runbook
            .stage_index(id)
            .and_then(|i| progress.get(i))
            .is_some_and(|(d, n)| d == n)
    };
    let paused = if launch_ready_core::session::clock::is_paused(&app.session.pauses) {
        " — paused (p resumes)"
    } else {
        ""
    };
    let overrun =
        launch_ready_core::session::progress::audit_overrun(&app.runbook, &app.session, app.now)
            .map_or(String::new(), |o| format!(" — {}", o.message()));
    let clock = match reading {
        launch_ready_core::session::clock::Reading::Hour(_) => {
            format!("Sprint clock: {}{paused}{overrun}", reading.label())
        }
        launch_ready_core::session::clock::Reading::Over(_) => format!(
            "Sprint clock: the 48 hours are over ({}){paused}",
            reading.label()
        ),
    };
    let [head, steps, lists] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(9),
    ])
    .areas(body);
    frame.render_widget(Paragraph::new(Span::styled(clock, t.title())), head);

    let block = Block::bordered()
        .title(Span::styled(" Sequence ", t.title()))
        .border_style(t.border(false));
    let width = usize::from(block.inner(steps).width);
    let mut ruler_w = usize::from(SPRINT_HOURS)
        .min(width.saturating_sub(34))
        .max(12);
    let mut title_w = width.saturating_sub(ruler_w + 20);
    // Names first: a ruler of less than a cell an hour still reads, a cut name does not
    // (a 100-column screen share would cut most step names for a 48-cell ruler). The
    // ruler gives up to half its cells, and the names get exactly what the rows leave:
    // the hours before them (7 cells), a space, and the state after the ruler (8).
    let wanted = app
        .runbook
        .sequence
        .iter()
        .map(|s| s.title.as_str())
        .chain(app.runbook.stages.iter().map(|s| s.title.as_str()))
        .map(super::text::cells)
        .max()
        .unwrap_or(0);
    if title_w < wanted {
        ruler_w = width
            .saturating_sub(16 + wanted)
            .clamp((ruler_w / 2).min(24), ruler_w);
        title_w = width.saturating_sub(ruler_w + 16);
    }
    let rows: Vec<Line> = app
        .runbook
        .sequence
        .iter()
        .skip({
            let room = app.runbook.sequence.len().saturating_sub(1);
            app.scroll_room.list.set(room);
            app.list_scroll.min(room)
        })
        .map(|step| {
            let done = !step.stages.is_empty() && step.stages.iter().all(|s| stage_done(s));
            let state = due(step.hours, hour, done);
            let (label, style) = match state {
                Due::Done => (
                    "done",
                    t.status(launch_ready_core::finding::CheckStatus::Pass),
                ),
                Due::Now => ("due now", t.title()),
                Due::Overdue => ("overdue", t.error()),
                Due::Upcoming => ("", t.dim()),
            };
            Line::from(vec![
                Span::styled(
                    format!("h{:>2}–{:<2} ", step.hours.0, step.hours.1),
                    t.dim(),
                ),
                Span::styled(
                    super::text::fit_for(app.presenter(), &step.title, title_w),
                    t.text(),
                ),
                Span::raw(" "),
                Span::styled(ruler(step.hours, hour, ruler_w), style),
                Span::styled(format!(" {label}"), style),
            ])
        })
        .collect();
    let mut rows = rows;
    rows.push(Line::default());
    rows.push(Line::from(Span::styled("Stages", t.title())));
    for (stage, (done, total)) in app.runbook.stages.iter().zip(&progress) {
        let state = due(stage.hours, hour, done == total && *total > 0);
        let style = match state {
            Due::Done => t.status(launch_ready_core::finding::CheckStatus::Pass),
            Due::Now => t.title(),
            Due::Overdue => t.error(),
            Due::Upcoming => t.dim(),
        };
        rows.push(Line::from(vec![
            Span::styled(
                format!("h{:>2}–{:<2} ", stage.hours.0, stage.hours.1),
                t.dim(),
            ),
            Span::styled(
                super::text::fit_for(app.presenter(), &stage.title, title_w),
                t.text(),
            ),
            Span::raw(" "),
            Span::styled(ruler(stage.hours, hour, ruler_w), style),
            Span::styled(format!(" {done}/{total}"), style),
        ]));
    }
    frame.render_widget(Paragraph::new(rows).block(block), steps);

    let [now_area, late_area] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(lists);
    let mut now_lines = Vec::new();
    let mut late_lines = Vec::new();
    for (stage, (done, total)) in app.runbook.stages.iter().zip(&progress) {
        let line = Line::from(format!(
            "{} (h{}–{}) {done}/{total}",
            stage.title, stage.hours.0, stage.hours.1
        ));
        match due(stage.hours, hour, done == total) {
            Due::Now => now_lines.push(line),
            Due::Overdue => late_lines.push(line),
            Due::Done | Due::Upcoming => {}
        }
    }
    if now_lines.is_empty() {
        now_lines.push(Line::from(Span::styled(
            "nothing open in this window",
            t.dim(),
        )));
    }
    if late_lines.is_empty() {
        late_lines.push(Line::from(Span::styled("nothing overdue", t.dim())));
    }
    frame.render_widget(
        Paragraph::new(now_lines).block(
            Block::bordered()
                .title(Span::styled(" Due now ", t.title()))
                .border_style(t.border(false)),
        ),
        now_area,
    );
    frame.render_widget(
        Paragraph::new(late_lines).block(
            Block::bordered()
                .title(Span::styled(" Overdue ", t.error()))
                .border_style(t.border(false)),
        ),
        late_area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_follows_the_clock() {
        assert_eq!(due((4, 10), 2, false), Due::Upcoming);
        assert_eq!(due((4, 10), 4, false), Due::Now);
        assert_eq!(due((4, 10), 10, false), Due::Overdue);
        assert_eq!(due((4, 10), 12, true), Due::Done);
    }

    #[test]
    fn ruler_marks_the_window_and_now() {
        assert_eq!(ruler((0, 4), 6, 12), "█┃··········");
        assert_eq!(ruler((0, 48), 99, 4), "████");
    }
}
