//! The risks screen: the go / no-go verdict large at the top with its reasons, then the
//! ranked risk list, then the decisions taken. A risk is a defect (`verdict::group_risks`):
//! one finding code at one severity, however many places and checks it was found in, so
//! the list, its title, the verdict band, the one-by-one cards, presenter mode, headless
//! `check` and the handover pack give one count. Every row speaks in plain words — the
//! finding's headline from `advice::for_code` and where it is (`place`), never a finding
//! code or a temporary folder's path (the rows are `risk_rows`); the codes and raw
//! messages stay in the checklist's detail pane.

use super::risk_rows::{defect_words, plain_words, risk_rows, where_words};
use super::risk_summary::{count_lines, group_risks};
use super::text::{age, truncate_words, wrap_hanging};
use super::theme;
use crate::app::App;
use launch_ready_core::sanitize::sanitize_line;
use launch_ready_core::session::model::Verdict;
use launch_ready_core::verdict;
use launch_ready_core::verdict::{Assessment, Risk};
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
    let counts: Vec<_> = launch_ready_core::finding::Severity::ALL
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

/// The verdict's reasons as lines for a box `width` cells wide with at most `rows` rows:
/// each reason word-wrapped, and when they do not all fit, a last row saying how many
/// more there are. Counted on wrapped rows, so the "+N more" row is never pushed out of
/// sight by a long reason.
pub fn reason_lines(reasons: &[String], width: usize, rows: usize) -> Vec<String> {
    let wrapped: Vec<Vec<String>> = reasons
        .iter()
        .map(|r| wrap_hanging(&format!("• {r}"), width))
        .map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, l)| {
                    if i == 0 {
                        l
                    } else {
                        format!("  {}", l.trim_start())
                    }
                })
                .collect()
        })
        .collect();
    let total: usize = wrapped.iter().map(Vec::len).sum();
    if total <= rows {
        return wrapped.into_iter().flatten().collect();
    }
    let mut out = Vec::new();
    for (i, w) in wrapped.iter().enumerate() {
        // Room for this reason and the "+N more" row after it.
        if out.len() + w.len() + 1 > rows {
            let more = reasons.len() - i;
            out.push(format!("  +{more} more (every one is in the list below)"));
            return out;
        }
        out.extend(w.iter().cloned());
    }
    out
}

/// The reasons for the verdict in plain words, one per deciding defect (`advice::for_code`
/// and where it is), never a code or a temporary path: the Risks screen's "Why".
pub fn plain_reasons(app: &App, assessment: &Assessment) -> Vec<String> {
    let deciding: Vec<Risk> = match assessment.verdict {
        Verdict::NoGo => assessment
            .risks
            .iter()
            .filter(|r| r.blocks())
            .cloned()
            .collect(),
        Verdict::Incomplete => assessment
            .risks
            .iter()
            .filter(|r| r.leaves_incomplete())
            .cloned()
            .collect(),
        Verdict::Go => return assessment.reasons.clone(),
    };
    group_risks(&deciding)
        .iter()
        .map(|g| format!("{}{}", defect_words(app, g.risk), where_words(app, g)))
        .collect()
}

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let t = theme(app);
    let assessment = verdict::assess(&app.runbook, &app.session, app.now);
    // The operator's GO recorded over what the checks say stays in sight.
    let overridden = app
        .session
        .decisions
        .last()
        .filter(|d| d.verdict == Verdict::Go && assessment.verdict != Verdict::Go);
    let inner_w = usize::from(body.width.saturating_sub(2));
    let mut head: Vec<Line> = Vec::new();
    if let Some(d) = overridden {
        let text = format!(
            "GO recorded by the operator over {}: {}",
            assessment.verdict.as_str().to_uppercase(),
            super::redact::line(app, &d.reason)
        );
        head.extend(
            wrap_hanging(&text, inner_w)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, t.title()))),
        );
    }
    let reasons = plain_reasons(app, &assessment);
    let reasons: Vec<String> = reasons
        .iter()
        .map(|r| super::redact::line(app, r))
        .collect();
    let room = usize::from(body.height / 4).max(3);
    let reason_rows = reason_lines(&reasons, inner_w, room);
    let reasons_h = u16::try_from(head.len() + reason_rows.len() + 2).unwrap_or(u16::MAX);
    head.extend(reason_rows.into_iter().map(Line::from));
    let decisions_h = if app.session.decisions.is_empty() {
        0
    } else {
        4
    };
    let accepted_h = if assessment.accepted.is_empty() {
        0
    } else {
        u16::try_from(assessment.accepted.len().min(3) + 2).unwrap_or(5)
    };
    let [band, reasons_area, list, accepted_area, decisions] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(reasons_h),
        Constraint::Min(3),
        Constraint::Length(accepted_h),
        Constraint::Length(decisions_h),
    ])
    .areas(body);
    render_verdict(app, frame, band, &assessment);
    frame.render_widget(
        Paragraph::new(head).block(
            Block::bordered()
                .title(Span::styled(" Why ", t.title()))
                .border_style(t.border(false)),
        ),
        reasons_area,
    );
    let width = usize::from(list.width.saturating_sub(2));
    let all_rows = risk_rows(app, &assessment, width);
    let open_rows = all_rows.len();
    // Scrolling stops once the last risk reaches the bottom row.
    let room = all_rows
        .len()
        .saturating_sub(usize::from(list.height.saturating_sub(2)));
    app.scroll_room.list.set(room);
    app.scroll_room
        .list_rows
        .set(usize::from(list.height.saturating_sub(2)));
    let selected = app.risk_row;
    let first = app.list_scroll.min(room);
    if let Some(row) = selected.checked_sub(first)
        && row < usize::from(list.height.saturating_sub(2))
        && selected < open_rows
    {
        app.scroll_room
            .selected_y
            .set(Some(list.y + 1 + u16::try_from(row).unwrap_or(u16::MAX)));
    }
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
    let places = assessment.risks.len();
    let counted = match places {
        0 => " No open risks ".to_string(),
        _ => format!(
            " {} in {} ",
            plural(open_rows, "risk", "risks"),
            plural(places, "place", "places")
        ),
    };
    let title = if app.presenter() {
        format!("{counted}— v shows them one by one ")
    } else {
        format!(
            "{counted}— Enter opens the check · v one by one · a accepts · d records a decision "
        )
    };
    frame.render_widget(
        Paragraph::new(rows).block(
            Block::bordered()
                .title(Span::styled(truncate_words(&title, width), t.title()))
                .border_style(t.border(true)),
        ),
        list,
    );
    if accepted_h > 0 {
        render_accepted(app, frame, accepted_area, &assessment, open_rows);
    }
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
                    Span::raw(truncate_words(
                        &super::redact::line(app, &d.reason),
                        width.saturating_sub(16),
                    )),
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

/// The accepted risks, each with its reason, owner and age; the selection continues into
/// this list after the open risks (`open_rows` of them).
fn render_accepted(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    assessment: &Assessment,
    open_rows: usize,
) {
    let t = theme(app);
    let width = usize::from(area.width.saturating_sub(2));
    let shown = usize::from(area.height.saturating_sub(2)).max(1);
    let selected = app.risk_row.checked_sub(open_rows);
    let first = selected.map_or(0, |s| (s + 1).saturating_sub(shown));
    let lines: Vec<Line> = assessment
        .accepted
        .iter()
        .enumerate()
        .skip(first)
        .take(shown)
        .map(|(i, (risk, a))| {
            let what = if a.target.is_empty() {
                plain_words(risk)
            } else {
                format!(
                    "{} — {}",
                    plain_words(risk),
                    super::place::place(&a.target, &app.session.targets)
                )
            };
            let text = format!(
                "{}: {what} · owner {} · {} ago — {}",
                risk.check_title,
                super::redact::line(app, &a.owner),
                age(app.now, a.at),
                super::redact::line(app, &a.reason)
            );
            let line = Line::from(vec![
                Span::styled(format!("{:<8}", risk.severity.as_str()), t.dim()),
                Span::styled(
                    truncate_words(&sanitize_line(&text), width.saturating_sub(8)),
                    t.text(),
                ),
            ]);
            if Some(i) == selected {
                line.patch_style(t.selected())
            } else {
                line
            }
        })
        .collect();
    let title = if app.presenter() {
        format!(" Accepted ({}) ", assessment.accepted.len())
    } else {
        format!(" Accepted ({}) — u withdraws ", assessment.accepted.len())
    };
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(Span::styled(title, t.title()))
                .border_style(t.border(false)),
        ),
        area,
    );
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::reason_lines;

    #[test]
    fn more_is_counted_on_wrapped_rows_and_always_in_sight() {
        let reasons: Vec<String> = [
            "Audit check: dns.unresolvable on app.acme.test and 3 more",
            "TLS check: the certificate of www.acme.test expires in 2 days",
            "Secrets check: a live payment key in dist/app.js",
            "Backups check: not answered yet",
        ]
        .map(String::from)
        .to_vec();
        // Everything fits: every reason, wrapped, nothing said about more.
        let all = reason_lines(&reasons, 200, 10);
        assert_eq!(all.len(), 4);
        // At 30 columns each reason takes two or three rows: with four rows only the
        // first fits beside the "+N more" row, which is never pushed out.
        let rows = reason_lines(&reasons, 30, 4);
        assert!(rows.len() <= 4, "{rows:?}");
        assert_eq!(
            rows.last().map(String::as_str),
            Some("  +3 more (every one is in the list below)")
        );
        assert!(rows[0].starts_with("• Audit check"));
        assert!(rows[1].starts_with("  "), "continuation rows are indented");
    }
}
