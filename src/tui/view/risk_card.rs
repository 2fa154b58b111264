//! One risk at a time, filling the screen: for walking a founder through the list on a
//! screen-share. Only plain words (`advice::for_code`): the headline, what breaks, the
//! fix, where, and how severe; the finding code and raw evidence stay on the operator's
//! screens. Text wraps at word boundaries so nothing is cut mid-word.

use super::text::wrap_hanging;
use super::theme;
use crate::app::App;
use launch_ready_core::advice;
use launch_ready_core::verdict;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

pub fn render(app: &App, frame: &mut Frame, index: usize) {
    let t = theme(app);
    let area = frame.area();
    // Everything between the tabs and the footer: nothing of the list shows around it.
    let area = Rect {
        x: area.x,
        y: area.y + 1,
        width: area.width,
        height: area.height.saturating_sub(3),
    };
    let assessment = verdict::assess(&app.runbook, &app.session, app.now);
    let groups = verdict::group_risks(&assessment.risks);
    let block = Block::bordered()
        .title(Span::styled(
            format!(
                " Risk {} of {} ",
                (index + 1).min(groups.len()),
                groups.len()
            ),
            t.title(),
        ))
        .title_bottom(Span::styled(" → next · ← previous · Esc back ", t.dim()))
        .border_style(t.border(true));
    let inner = block.inner(area);
    let width = usize::from(inner.width.saturating_sub(2));
    let mut lines: Vec<Line> = Vec::new();
    match groups.get(index) {
        None => lines.push(Line::from("No open risks.")),
        Some(group) => {
            let risk = group.risk;
            let (headline, impact, fix) = match &risk.code {
                Some(code) => {
                    let a = advice::for_code(code);
                    (
                        a.headline.to_string(),
                        a.impact.to_string(),
                        a.fix.to_string(),
                    )
                }
                None => (
                    format!(
                        "{}: {}",
                        risk.check_title,
                        super::risk_rows::plain_words(risk)
                    ),
                    app.runbook
                        .check(&risk.check_id)
                        .map_or(String::new(), |(_, c)| c.why.clone()),
                    "Answer or run the check, or decide who owns the risk.".to_string(),
                ),
            };
            let stage = app
                .runbook
                .stages
                .get(risk.stage)
                .map_or("", |s| s.title.as_str());
            lines.push(Line::from(Span::styled(
                format!(" {} ", risk.severity.as_str().to_uppercase()),
                t.severity(risk.severity).add_modifier(Modifier::REVERSED),
            )));
            lines.push(Line::default());
            push_wrapped(&mut lines, &headline, width, t.title());
            lines.push(Line::default());
            let mut section = |label: &str, text: &str| {
                if text.is_empty() {
                    return;
                }
                lines.push(Line::from(Span::styled(label.to_string(), t.dim())));
                push_wrapped(&mut lines, text, width, t.text());
                lines.push(Line::default());
            };
            section("What breaks", &impact);
            section("Fix", &fix);
            let places: Vec<String> = group
                .targets
                .iter()
                .map(|t| super::place::place(t, &app.session.targets))
                .collect();
            let targets = match places.as_slice() {
                [] => String::new(),
                [one] => one.clone(),
                many => format!("{} ({} in all)", many.join(", "), many.len()),
            };
            section("Where", &targets);
            let mut checks: Vec<&str> = Vec::new();
            for m in &group.members {
                if !checks.contains(&m.check_title.as_str()) {
                    checks.push(&m.check_title);
                }
            }
            let label = if checks.len() > 1 { "Checks" } else { "Check" };
            section(label, &format!("{} — stage {stage}", checks.join(", ")));
        }
    }
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            let style = l.spans.first().map(|s| s.style).unwrap_or_default();
            Line::from(Span::styled(
                format!(" {}", super::redact::line(app, &text)),
                style,
            ))
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// `text` word-wrapped to `width`, each row in `style`.
fn push_wrapped(
    lines: &mut Vec<Line<'static>>,
    text: &str,
    width: usize,
    style: ratatui::style::Style,
) {
    for row in wrap_hanging(text, width) {
        lines.push(Line::from(Span::styled(row, style)));
    }
}
