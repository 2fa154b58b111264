//! The checklist's load test: the confirmation asked before any load is sent, and the
//! live view panel drawn over the detail pane while the test runs (and after, until `v`
//! hides it). The panel draws the snapshots the app state already holds: no figure is
//! computed here beyond what `tui::view::load` does for a frame.

use super::layout::centered;
use super::theme;
use crate::app::App;
use crate::app::load_view::LoadConfirm;
use launch_ready_core::sanitize::sanitize_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// Width from which the panel leaves the stage and check lists visible on its left.
const SIDE_BY_SIDE: u16 = 100;

pub fn render_confirm(app: &App, frame: &mut Frame, c: &LoadConfirm) {
    let t = theme(app);
    let rows: usize = c.plans.iter().map(|p| p.targets.len() + 3).sum();
    let height = u16::try_from(rows + 5).unwrap_or(u16::MAX).min(30);
    let area = centered(frame.area(), 80, height);
    let probes = c.plans.iter().any(|p| p.requests_per_target.is_some());
    let ask = if probes {
        "This sends the requests below to the servers named. Send them?"
    } else {
        "This sends load to the servers below. Send it?"
    };
    let mut lines = vec![Line::from(Span::styled(ask, t.text()))];
    for p in &c.plans {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(sanitize_line(&p.title), t.title())));
        for target in &p.targets {
            lines.push(Line::from(format!("  {}", sanitize_line(target))));
        }
        if let Some(n) = p.requests_per_target {
            let all = u64::from(n) * p.targets.len() as u64;
            lines.push(Line::from(format!(
                "  {n} request(s) per target, one after the other: {all} in all, never more"
            )));
            continue;
        }
        let pace = p
            .caps
            .rate
            .map_or_else(|| "closed loop".to_string(), |r| format!("{r} requests/s"));
        let requests = p.caps.requests.map_or_else(
            || "no request cap".to_string(),
            |n| format!("at most {n} requests"),
        );
        if p.caps.steps.is_empty() {
            lines.push(Line::from(format!(
                "  {} connections per target, {pace}, up to {} s, {requests}",
                p.caps.connections,
                p.caps.duration.as_secs()
            )));
        } else {
            let ladder: Vec<String> = p.caps.steps.iter().map(usize::to_string).collect();
            lines.push(Line::from(format!(
                "  step test per target: {} connections, {} s a step (up to {} s), stops at the first step over budget, {requests}",
                ladder.join(" → "),
                p.caps.duration.as_secs(),
                p.caps.total_duration().as_secs()
            )));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("  y  ", t.title()),
        Span::raw(if probes {
            "send them · "
        } else {
            "send the load · "
        }),
        Span::styled("n Esc  ", t.title()),
        Span::raw("do not send anything"),
    ]));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(Span::styled(
                    if probes {
                        " Load test and probes "
                    } else {
                        " Load test "
                    },
                    t.title(),
                ))
                .border_style(t.border(true)),
        ),
        area,
    );
}

/// The panel's place in the checklist body.
pub fn panel(body: Rect) -> Rect {
    if body.width >= SIDE_BY_SIDE {
        let left = body.width * 2 / 5;
        Rect {
            x: body.x + left,
            width: body.width - left,
            ..body
        }
    } else {
        body
    }
}

pub fn render_live(app: &App, frame: &mut Frame, body: Rect) {
    let Some(view) = &app.load_view else {
        return;
    };
    if !view.shown {
        return;
    }
    let Some(live) = view.targets.get(view.selected) else {
        return;
    };
    let area = panel(body);
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(format!(
        " Live load test · target {}/{} ",
        view.selected + 1,
        view.targets.len()
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    super::load::draw(frame, inner, live);
}
