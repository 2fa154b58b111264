//! The detail pane: everything about the selected check, in the order an operator reads it
//! (what and why, how it is answered, the latest result, the note, then the stage's failure
//! signals and deliverables, which every check of the stage shares).
//! Presenter mode replaces the note and evidence of sensitive checks with a placeholder.
//! A note is laid out only up to [`NOTE_PREVIEW_BYTES`] / [`NOTE_PREVIEW_LINES`]: laying out
//! text costs time on every frame, so a huge note (from a file edited by hand) must not
//! cost more than a short one.

use super::text::age;
use super::theme;
use crate::app::App;
use crate::app::state::HIDDEN;
use crate::tui::theme::Theme;
use launch_ready_checks::engine;
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_core::runbook::{Check, Run};
use launch_ready_core::sanitize::{sanitize, sanitize_line};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// The most of a note the detail pane lays out, in bytes and in lines.
pub const NOTE_PREVIEW_BYTES: usize = 16 * 1024;
pub const NOTE_PREVIEW_LINES: usize = 200;

/// The start of `note` that the pane shows (cut at a character boundary), and whether
/// anything was left out.
pub fn note_preview(note: &str) -> (&str, bool) {
    let mut end = note.len().min(NOTE_PREVIEW_BYTES);
    while !note.is_char_boundary(end) {
        end -= 1;
    }
    if let Some((i, _)) = note[..end].match_indices('\n').nth(NOTE_PREVIEW_LINES - 1) {
        end = i;
    }
    (&note[..end], end < note.len())
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = theme(app);
    let block = Block::bordered()
        .title(Span::styled(" Detail ", t.title()))
        .border_style(t.border(false));
    let lines = match app.selected_check() {
        Some(check) => lines(app, check, t),
        None => vec![Line::from("This stage has no checks.")],
    };
    let inner = block.inner(area);
    let lines = hang(lines, usize::from(inner.width));
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
    // Scrolling stops once the last line reaches the bottom row, so a page key never
    // leaves the pane blank.
    let room = u16::try_from(paragraph.line_count(inner.width))
        .unwrap_or(u16::MAX)
        .saturating_sub(inner.height);
    app.scroll_room.detail.set(room);
    frame.render_widget(
        paragraph
            .block(block)
            .scroll((app.detail_scroll.min(room), 0)),
        area,
    );
}

/// Pre-wraps the lines whose continuation rows must keep an indent, which the
/// paragraph's own wrap would start at the left edge: indented lines (finding messages,
/// evidence) under their first character, bullets under their text, and a finding's
/// header (`blocker code target`, the severity a span of its own) under the code.
fn hang(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        let first = line.spans.first().map_or("", |s| s.content.as_ref());
        let indent = if text.starts_with(' ') {
            Some(text.len() - text.trim_start_matches(' ').len())
        } else if text.starts_with("• ") {
            Some(2)
        } else if line.spans.len() > 1 && first.ends_with(' ') && first.trim().len() <= 8 {
            // A label column (the severity, padded): continuation rows go under the text.
            Some(super::text::cells(first))
        } else {
            None
        };
        match indent {
            Some(indent) => out.extend(super::text::wrap_spans(&line, width, indent)),
            None => out.push(line),
        }
    }
    out
}

/// The most severe finding of the latest run, unless the operator has since closed the
/// check (passed or skipped it).
fn worst_open_finding(app: &App, check: &Check) -> Option<Severity> {
    if matches!(
        app.session.status(&check.id),
        CheckStatus::Pass | CheckStatus::Skipped
    ) {
        return None;
    }
    let state = app.session.state(&check.id)?;
    state.latest()?.findings().map(|f| f.severity).min()
}

fn heading(text: &str, t: Theme) -> Line<'static> {
    Line::from(Span::styled(text.to_string(), t.title()))
}

fn lines(app: &App, check: &Check, t: Theme) -> Vec<Line<'static>> {
    let state = app.session.state(&check.id);
    let status = app.session.status(&check.id);
    let severity = app.effective_severity(check);
    let mut out = vec![Line::from(Span::styled(
        check.title.clone(),
        t.text().add_modifier(ratatui::style::Modifier::BOLD),
    ))];
    let mut facts = vec![Span::styled(status.as_str().to_string(), t.status(status))];
    // The check's severity is what it weighs when nothing is known; a finding worse than
    // that is what the operator must see first ("fail · severity medium" over a blocker
    // misleads), so the header leads with it.
    match worst_open_finding(app, check).filter(|w| *w < severity) {
        Some(worst) => facts.extend([
            Span::styled(" · ", t.dim()),
            Span::styled(worst.as_str().to_string(), t.severity(worst)),
            Span::styled(" finding open · check ", t.dim()),
            Span::styled(severity.as_str().to_string(), t.severity(severity)),
        ]),
        None => facts.extend([
            Span::styled(" · severity ", t.dim()),
            Span::styled(severity.as_str().to_string(), t.severity(severity)),
        ]),
    }
    if state.and_then(|s| s.severity_override).is_some() {
        facts.push(Span::styled(
            format!(" (runbook: {})", check.severity),
            t.dim(),
        ));
    }
    out.push(Line::from(facts));
    if let Some(reason) = state.and_then(|s| s.skip_reason.as_deref()) {
        out.push(Line::from(format!(
            "Skipped: {}",
            super::redact::line(app, reason)
        )));
    }
    out.push(Line::default());
    out.push(heading("Why it matters", t));
    out.push(Line::from(check.why.clone()));
    out.push(Line::default());
    match &check.run {
        Run::Manual { question } => {
            out.push(heading("Question", t));
            out.push(Line::from(question.clone()));
        }
        Run::Auto { .. } if app.presenter() => {}
        Run::Auto { kind, .. } => {
            out.push(heading("Automated check", t));
            out.push(Line::from(format!("{} — {}", kind.0.name, kind.0.title)));
            if !engine::is_available(kind.0) {
                out.push(Line::from(Span::styled(
                    "not available yet in this build: answer it by hand",
                    t.error(),
                )));
            }
        }
    }
    out.push(Line::default());
    out.push(heading("Latest result", t));
    if app.redacted(check) {
        out.push(Line::from(Span::styled(HIDDEN, t.dim())));
    } else {
        evidence_lines(app, check, t, &mut out);
    }
    out.push(Line::default());
    out.push(heading("Note", t));
    let note = state.map(|s| s.note.as_str()).unwrap_or_default();
    if app.redacted(check) {
        out.push(Line::from(Span::styled(HIDDEN, t.dim())));
    } else if note.is_empty() {
        out.push(Line::from(Span::styled("none yet — e writes one", t.dim())));
    } else {
        let (shown, cut) = note_preview(note);
        // Said before the text, where it is seen without scrolling to the cut.
        if cut {
            out.push(Line::from(Span::styled(
                format!(
                    "a long note ({} bytes): only its start is shown here",
                    note.len()
                ),
                t.dim(),
            )));
        }
        out.extend(
            sanitize(shown)
                .lines()
                .map(|l| Line::from(super::redact::line(app, l))),
        );
        if cut {
            out.push(Line::from(Span::styled("…", t.dim())));
        }
    }
    // The stage's lists come last: they are the same for every check of the stage, so the
    // check's own result and note must not sit below them. Presenter mode is
    // summary-first and leaves them on the operator's screen.
    if let Some(stage) = app.stage().filter(|_| !app.presenter()) {
        if !stage.failure_signals.is_empty() {
            out.push(Line::default());
            out.push(heading("Failure signals of this stage", t));
            out.extend(
                stage
                    .failure_signals
                    .iter()
                    .map(|s| Line::from(format!("• {s}"))),
            );
        }
        if !stage.deliverables.is_empty() {
            out.push(Line::default());
            out.push(heading("Deliverables of this stage", t));
            out.extend(
                stage
                    .deliverables
                    .iter()
                    .map(|s| Line::from(format!("• {s}"))),
            );
        }
    }
    out
}

fn evidence_lines(app: &App, check: &Check, t: Theme, out: &mut Vec<Line<'static>>) {
    if app.running.contains(&check.id) {
        let progress = app.progress.get(&check.id).map_or("", String::as_str);
        out.push(Line::from(Span::styled(
            format!("running… {}", sanitize_line(progress)),
            t.status(CheckStatus::Running),
        )));
    }
    let Some(state) = app.session.state(&check.id) else {
        out.push(Line::from(Span::styled("no result yet", t.dim())));
        return;
    };
    let Some(ev) = state.latest() else {
        out.push(Line::from(Span::styled("no result yet", t.dim())));
        return;
    };
    let mut head = vec![
        Span::styled(ev.status.as_str().to_string(), t.status(ev.status)),
        Span::styled(
            format!(" · {} ago · {} ms", age(app.now, ev.at), ev.duration_ms),
            t.dim(),
        ),
    ];
    if state.is_stale(app.now) {
        head.push(Span::styled(" · STALE: r re-runs", t.error()));
    }
    out.push(Line::from(head));
    out.push(Line::from(super::redact::line(app, &ev.summary)));
    if app.presenter() {
        presenter_findings(ev, t, out);
        return;
    }
    // The worst first (info last), each with the fix from the advice table, so the top of
    // the pane is what to do next.
    let mut findings: Vec<(&str, &launch_ready_core::finding::Finding)> = ev
        .results
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r.target.as_str(), f)))
        .collect();
    findings.sort_by_key(|(_, f)| f.severity);
    for (target, f) in findings {
        out.push(Line::from(vec![
            Span::styled(
                format!("{:<7} ", f.severity.as_str()),
                t.severity(f.severity),
            ),
            Span::styled(sanitize_line(f.code.as_str()), t.text()),
            Span::styled(
                format!(
                    " {}",
                    sanitize_line(&super::place::place(target, &app.session.targets))
                ),
                t.dim(),
            ),
        ]));
        out.push(Line::from(format!("        {}", sanitize_line(&f.message))));
        if let Some(more) = super::evidence::finding_detail(f) {
            out.push(Line::from(format!("        {more}")));
        }
        if f.severity != launch_ready_core::finding::Severity::Info {
            let fix = f.code.advice().fix;
            out.push(Line::from(Span::styled(
                format!("        Fix: {fix}"),
                t.dim(),
            )));
        }
    }
    if ev.findings().next().is_none() {
        out.push(Line::from(Span::styled("no findings", t.dim())));
    }
    for result in &ev.results {
        let shown = super::place::place(&result.target, &app.session.targets);
        out.extend(super::evidence::lines_at(result, &shown, t));
    }
    if state.evidence.len() > 1 {
        out.push(Line::from(Span::styled(
            format!("{} earlier run(s) kept", state.evidence.len() - 1),
            t.dim(),
        )));
    }
}

/// The findings in plain words for a shared screen: each code's headline once, with how
/// many targets it touches, what breaks and the fix; no codes, no raw evidence.
fn presenter_findings(
    ev: &launch_ready_core::session::model::Evidence,
    t: Theme,
    out: &mut Vec<Line<'static>>,
) {
    use launch_ready_core::finding::Severity;
    let mut seen: Vec<(&str, Severity, usize)> = Vec::new();
    for result in &ev.results {
        // Info findings are facts, not risks: the founder's screen leaves them out.
        for f in result
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Info)
        {
            match seen.iter_mut().find(|(c, _, _)| *c == f.code) {
                Some((_, _, n)) => *n += 1,
                None => seen.push((f.code.as_str(), f.severity, 1)),
            }
        }
    }
    if seen.is_empty() {
        out.push(Line::from(Span::styled("no findings", t.dim())));
    }
    for (code, severity, n) in seen {
        let advice = launch_ready_core::advice::for_code(code);
        let times = if n > 1 {
            format!(" ({n} targets)")
        } else {
            String::new()
        };
        out.push(Line::from(vec![
            Span::styled(format!("{:<7} ", severity.as_str()), t.severity(severity)),
            Span::styled(format!("{}{times}", advice.headline), t.text()),
        ]));
        out.push(Line::from(format!("        {}", advice.impact)));
        out.push(Line::from(format!("        Fix: {}", advice.fix)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_preview_is_bounded_in_bytes_and_lines() {
        assert_eq!(note_preview("short\nnote"), ("short\nnote", false));
        let big = "é".repeat(NOTE_PREVIEW_BYTES);
        let (shown, cut) = note_preview(&big);
        assert!(cut && shown.len() <= NOTE_PREVIEW_BYTES && shown.len() % 2 == 0);
        let many = "line\n".repeat(NOTE_PREVIEW_LINES * 3);
        let (shown, cut) = note_preview(&many);
        assert!(cut);
        assert_eq!(shown.lines().count(), NOTE_PREVIEW_LINES);
    }
}
