//! The risks screen: the go / no-go verdict large at the top with its reasons, then the
//! ranked risk list, then the decisions taken. Presenter mode speaks in plain words: each
//! risk shows the check's "why it matters" instead of a finding code, and the risks of one
//! check are folded to one line per severity (see `risk_summary`).

use super::risk_summary::{count_lines, group_risks};
use super::text::{age, cells, fit, truncate};
use super::theme;
use crate::app::App;
use crate::sanitize::sanitize_line;
use crate::session::model::Verdict;
use crate::verdict::{self, Assessment, Risk};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// The verdict as a filled band: `GO` or `NO-GO` centred, with the risk counts under it,
/// laid out whole (never a count cut from its word) for the band's width.
pub fn render_verdict(app: &App, frame: &mut Frame, area: Rect, assessment: &Assessment) {
    let t = theme(app);
    let style = t.verdict(assessment.verdict);
    let word = match assessment.verdict {
        Verdict::Go => "GO",
        Verdict::NoGo => "NO-GO",
        Verdict::Incomplete => "INCOMPLETE",
    };
    let counts: Vec<_> = crate::finding::Severity::ALL
        .iter()
        .map(|s| (assessment.count(*s), *s))
        .collect();
    let height = usize::from(area.height);
    let counts = count_lines(&counts, usize::from(area.width), height.saturating_sub(1));
    let mut lines = vec![Line::default(); height.saturating_sub(1 + counts.len()) / 2];
    lines.push(Line::from(format!("▐█  {word}  █▌")));
    lines.extend(counts.into_iter().map(Line::from));
    // No trimming: the counts' padding is what lines them up once centred.
    frame.render_widget(
        Paragraph::new(lines)
            .style(style)
            .centered()
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// The risk rows of `assessment` for a list `width` cells wide: one per risk, or in
/// presenter mode one per check and severity.
pub fn risk_rows(app: &App, assessment: &Assessment, width: usize) -> Vec<Line<'static>> {
    if app.presenter() {
        group_risks(&assessment.risks)
            .iter()
            .map(|g| risk_line(app, g.risk, g.stale, &g.affected(), width))
            .collect()
    } else {
        assessment
            .risks
            .iter()
            .map(|r| risk_line(app, r, r.stale, "", width))
            .collect()
    }
}

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let t = theme(app);
    let assessment = verdict::assess(&app.runbook, &app.session, app.now);
    // Up to four reasons, the last line saying how many more when there are more.
    const SHOWN: usize = 4;
    let overridden_h = u16::from(app.session.decisions.last().is_some_and(|d| {
        d.verdict == crate::session::model::Verdict::Go
            && assessment.verdict != crate::session::model::Verdict::Go
    }));
    let reasons_h =
        u16::try_from(assessment.reasons.len().min(SHOWN)).unwrap_or(4) + 2 + overridden_h;
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
    // The operator's GO recorded over what the checks say stays in sight.
    let overridden = app.session.decisions.last().filter(|d| {
        d.verdict == crate::session::model::Verdict::Go
            && assessment.verdict != crate::session::model::Verdict::Go
    });
    let more = assessment.reasons.len().saturating_sub(SHOWN);
    let take = if more > 0 { SHOWN - 1 } else { SHOWN };
    let mut reason_lines: Vec<Line> = assessment
        .reasons
        .iter()
        .take(take)
        .map(|r| Line::from(format!("• {}", sanitize_line(r))))
        .collect();
    if more > 0 {
        reason_lines.push(Line::from(format!(
            "  +{} more (every one is in the list below)",
            more + 1
        )));
    }
    if let Some(d) = overridden {
        reason_lines.insert(
            0,
            Line::from(Span::styled(
                format!(
                    "GO recorded by the operator over {}: {}",
                    assessment.verdict.as_str().to_uppercase(),
                    sanitize_line(&d.reason)
                ),
                t.title(),
            )),
        );
    }
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
    let all_rows = risk_rows(app, &assessment, width);
    // Scrolling stops once the last risk reaches the bottom row.
    let room = all_rows
        .len()
        .saturating_sub(usize::from(list.height.saturating_sub(2)));
    app.scroll_room.list.set(room);
    app.scroll_room
        .list_rows
        .set(usize::from(list.height.saturating_sub(2)));
    let selected = app.risk_row;
    let rows: Vec<Line> = all_rows
        .into_iter()
        .enumerate()
        .skip(app.list_scroll.min(room))
        .map(|(i, line)| {
            if i == selected {
                line.patch_style(t.selected())
            } else {
                line
            }
        })
        .collect();
    let title = format!(
        " Risks ({}) — Enter opens the check · d records a decision ",
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

/// One risk row: severity, stage, then what is wrong (code and target, or plain words),
/// then `affected` (" — 2 hosts"), which is kept whole when the text before it is cut.
pub fn risk_line(
    app: &App,
    risk: &Risk,
    stale: bool,
    affected: &str,
    width: usize,
) -> Line<'static> {
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
        let also = match risk.also_in.len() {
            0 => String::new(),
            n => format!(
                " (also seen by {n} other check{})",
                if n == 1 { "" } else { "s" }
            ),
        };
        format!(
            "{}: {code}{target} — {}{also}",
            risk.check_title, risk.message
        )
    };
    let stale = if stale { " STALE" } else { "" };
    let stage_w = 14.min(width / 5);
    let what_w = width.saturating_sub(8 + stage_w + 1 + stale.len());
    let head_w = what_w.saturating_sub(cells(affected));
    let text = format!("{}{affected}", truncate(&sanitize_line(&what), head_w));
    Line::from(vec![
        Span::styled(
            format!("{:<8}", risk.severity.as_str()),
            t.severity(risk.severity),
        ),
        Span::styled(format!("{} ", fit(stage, stage_w)), t.dim()),
        Span::styled(fit(&text, what_w), t.text()),
        Span::styled(stale, t.error()),
    ])
}
