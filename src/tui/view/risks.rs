//! The risks screen: the go / no-go verdict large at the top with its reasons, then the
//! ranked risk list, then the decisions taken. Presenter mode speaks in plain words: each
//! risk shows the check's "why it matters" instead of a finding code.

use super::text::{age, fit};
use super::theme;
use crate::app::App;
use crate::sanitize::sanitize_line;
use crate::session::model::Verdict;
use crate::verdict::{self, Assessment, Risk};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// The verdict as a filled band: `GO` or `NO-GO` centred, with the risk counts under it.
pub fn render_verdict(app: &App, frame: &mut Frame, area: Rect, assessment: &Assessment) {
    let t = theme(app);
    let style = t.verdict(assessment.verdict);
    let word = match assessment.verdict {
        Verdict::Go => "GO",
        Verdict::NoGo => "NO-GO",
    };
    let counts = crate::finding::Severity::ALL
        .iter()
        .map(|s| format!("{} {}", assessment.count(*s), s))
        .collect::<Vec<_>>()
        .join(" · ");
    let mut lines = vec![Line::default(); usize::from(area.height.saturating_sub(2) / 2)];
    lines.push(Line::from(format!("▐█  {word}  █▌")));
    lines.push(Line::from(counts));
    frame.render_widget(
        Paragraph::new(lines)
            .style(style)
            .centered()
            .wrap(Wrap { trim: true }),
        area,
    );
}

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let t = theme(app);
    let assessment = verdict::assess(&app.runbook, &app.session, app.now);
    let reasons_h = u16::try_from(assessment.reasons.len().min(4)).unwrap_or(4) + 2;
    let decisions_h = if app.session.decisions.is_empty() {
        0
    } else {
        4
    };
    let [band, reasons, list, decisions] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(reasons_h),
        Constraint::Min(3),
        Constraint::Length(decisions_h),
    ])
    .areas(body);
    render_verdict(app, frame, band, &assessment);
    let reason_lines: Vec<Line> = assessment
        .reasons
        .iter()
        .take(4)
        .map(|r| Line::from(format!("• {}", sanitize_line(r))))
        .collect();
    frame.render_widget(
        Paragraph::new(reason_lines)
            .wrap(Wrap { trim: true })
            .block(
                Block::bordered()
                    .title(Span::styled(" Why ", t.title()))
                    .border_style(t.border(false)),
            ),
        reasons,
    );
    let width = usize::from(list.width.saturating_sub(2));
    // Scrolling stops once the last risk reaches the bottom row.
    let room = assessment
        .risks
        .len()
        .saturating_sub(usize::from(list.height.saturating_sub(2)));
    app.scroll_room.list.set(room);
    let rows: Vec<Line> = assessment
        .risks
        .iter()
        .skip(app.list_scroll.min(room))
        .map(|r| risk_line(app, r, width))
        .collect();
    let title = format!(
        " Risks ({}) — d records a decision ",
        assessment.risks.len()
    );
    frame.render_widget(
        Paragraph::new(rows).block(
            Block::bordered()
                .title(Span::styled(title, t.title()))
                .border_style(t.border(true)),
        ),
        list,
    );
    if decisions_h > 0 {
        let lines: Vec<Line> = app
            .session
            .decisions
            .iter()
            .rev()
            .take(2)
            .map(|d| {
                Line::from(vec![
                    Span::styled(d.verdict.as_str().to_uppercase(), t.verdict(d.verdict)),
                    Span::styled(format!(" {} ago ", age(app.now, d.at)), t.dim()),
                    Span::raw(sanitize_line(&d.reason)),
                ])
            })
            .collect();
        frame.render_widget(
            Paragraph::new(lines).block(
                Block::bordered()
                    .title(Span::styled(" Decisions ", t.title()))
                    .border_style(t.border(false)),
            ),
            decisions,
        );
    }
}

/// One risk row: severity, stage, then what is wrong (code and target, or plain words).
pub fn risk_line(app: &App, risk: &Risk, width: usize) -> Line<'static> {
    let t = theme(app);
    let stage = app
        .runbook
        .stages
        .get(risk.stage)
        .map_or("", |s| s.title.as_str());
    let what = if app.presenter() {
        let why = app
            .runbook
            .check(&risk.check_id)
            .map_or("", |(_, c)| c.why.as_str());
        format!("{} — {why}", risk.check_title)
    } else {
        let code = risk.code.as_deref().unwrap_or("unpassed");
        let target = if risk.target.is_empty() {
            String::new()
        } else {
            format!(" {}", risk.target)
        };
        format!("{}: {code}{target} — {}", risk.check_title, risk.message)
    };
    let stale = if risk.stale { " STALE" } else { "" };
    let stage_w = 14.min(width / 5);
    let what_w = width.saturating_sub(8 + stage_w + 1 + stale.len());
    Line::from(vec![
        Span::styled(
            format!("{:<8}", risk.severity.as_str()),
            t.severity(risk.severity),
        ),
        Span::styled(format!("{} ", fit(stage, stage_w)), t.dim()),
        Span::styled(fit(&sanitize_line(&what), what_w), t.text()),
        Span::styled(stale, t.error()),
    ])
}
