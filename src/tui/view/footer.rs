//! The two footer lines: the status line (save state, running checks, sprint hour,
//! presenter flag, last message) and the key hints for what has the keyboard.

use super::text::{age, cells, truncate};
use super::theme;
use crate::app::App;
use crate::app::state::InputMode;
use launch_ready_core::sanitize::sanitize_line;
use launch_ready_core::session::model::Screen;
use launch_ready_core::session::persist::SaveStatus;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = theme(app);
    let save = match &app.save {
        SaveStatus::Idle => Span::styled("no changes yet", t.dim()),
        SaveStatus::Pending => Span::styled("saving…", t.dim()),
        SaveStatus::Saved(at) => Span::styled(format!("saved {} ago", age(app.now, *at)), t.dim()),
        SaveStatus::Failed(why) => {
            Span::styled(format!("save failed: {}", sanitize_line(why)), t.error())
        }
    };
    let mut status = vec![
        save,
        Span::styled(
            format!(
                " · {}{}",
                app.session.clock(app.now).label(),
                if launch_ready_core::session::clock::is_paused(&app.session.pauses) {
                    " (paused)"
                } else {
                    ""
                }
            ),
            t.dim(),
        ),
    ];
    if let Some(over) =
        launch_ready_core::session::progress::audit_overrun(&app.runbook, &app.session, app.now)
    {
        status.push(Span::styled(
            format!(" · audit over its {} h box", over.box_hours),
            t.status(launch_ready_core::finding::CheckStatus::Warn),
        ));
    }
    if !app.running.is_empty() {
        status.push(Span::styled(
            format!(" · {} running", app.running.len()),
            t.status(launch_ready_core::finding::CheckStatus::Running),
        ));
    }
    // A load test reads on every screen, not only under its live view.
    if let Some((rps, p95)) = app.load_view.as_ref().and_then(|v| v.running_figures()) {
        status.push(Span::styled(
            format!(" · load {rps:.0} req/s, p95 {p95:.0} ms (L)"),
            t.status(launch_ready_core::finding::CheckStatus::Running),
        ));
    }
    if app.presenter() {
        status.push(Span::styled(" · presenter", t.title()));
    }
    // The message goes after the live facts when it fits there; a longer one (a list of
    // checks not available, a path) takes the key hints' line, which is the full width,
    // until it fades. One wider still starts after the facts and goes on in the hints'
    // line, so both lines carry it; only what is wider than both is cut, with `…` so a
    // clipped line never reads as a whole one.
    let mut long_message = None;
    if let Some(msg) = &app.status {
        let msg = sanitize_line(msg);
        let width = usize::from(area.width);
        let used: usize = status.iter().map(|s| cells(&s.content)).sum();
        let room = width.saturating_sub(used + 3);
        if cells(&msg) <= room {
            status.push(Span::styled(" · ", t.dim()));
            status.push(Span::styled(msg, t.text()));
        } else if cells(&msg) <= width || room < 12 {
            long_message = Some(if app.presenter() {
                super::text::truncate_words(&msg, width)
            } else {
                truncate(&msg, width)
            });
        } else {
            let (head, rest) = split_at_word(&msg, room);
            status.push(Span::styled(" · ", t.dim()));
            status.push(Span::styled(head, t.text()));
            long_message = Some(if app.presenter() {
                super::text::truncate_words(&rest, width)
            } else {
                truncate(&rest, width)
            });
        }
    }
    let hints = match app.input_mode() {
        InputMode::Normal(Screen::Checklist) => {
            "p pass · w warn · f fail · b blocked · s skip · e note · r run · i brief · o severity · ? help · q quit"
        }
        InputMode::Normal(Screen::Risks) => {
            "d decide · a accept · u withdraw · o severity · Enter open · ? help · q quit"
        }
        InputMode::Normal(Screen::Targets) => {
            "Enter edit · a add · x remove · u undo · ↑↓ move · ? help · q quit"
        }
        InputMode::Normal(Screen::Timeline) => {
            "n what now · p pause/resume · + - move the start 1h · ? help · q quit"
        }
        InputMode::Normal(_) => "1-5 screens · Tab next · P presenter · ? help · q quit",
        InputMode::Editor => "Esc/Ctrl-S keep · Ctrl-X discard",
        InputMode::Prompt => "Enter accept · Esc cancel",
        InputMode::Severity => "↑↓ choose · Enter use · Esc cancel",
        InputMode::Help | InputMode::Brief => "↑↓ scroll · Esc close",
        InputMode::Credentials => "a add · Enter set · x delete · Esc close",
        InputMode::Unsaved => "r retry · w write a copy · d discard and quit · Esc stay",
        InputMode::RiskCard => "→ next risk · ← previous · Esc back to the list",
        InputMode::LoadConfirm => "y send the load · n / Esc do not send",
        InputMode::Picker | InputMode::PickerForm => "",
    };
    let second = match long_message {
        Some(msg) => Span::styled(msg, t.text()),
        None => Span::styled(hints, t.dim()),
    };
    let lines = vec![Line::from(status), Line::from(second)];
    frame.render_widget(Paragraph::new(lines), area);
}

/// `text` split after the last whole word that fits in `width` cells (at `width` when the
/// first word alone is wider), and what is left, without the space between them.
fn split_at_word(text: &str, width: usize) -> (String, String) {
    let mut end = 0;
    let mut used = 0;
    for (i, c) in text.char_indices() {
        if c == ' ' {
            end = i;
        }
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        if i + c.len_utf8() == text.len() {
            end = text.len();
        }
    }
    if end == 0 {
        end = text
            .char_indices()
            .scan(0, |acc, (i, c)| {
                *acc += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                Some((i + c.len_utf8(), *acc))
            })
            .take_while(|(_, w)| *w <= width)
            .last()
            .map_or(0, |(i, _)| i);
    }
    (
        text[..end].trim_end().to_string(),
        text[end..].trim_start().to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::split_at_word;

    #[test]
    fn a_message_splits_at_a_word_end() {
        assert_eq!(
            split_at_word("started 29 check(s); perf.load sends load", 22),
            ("started 29 check(s);".into(), "perf.load sends load".into())
        );
        assert_eq!(split_at_word("short", 22), ("short".into(), String::new()));
        // A word ending at the edge stays on the first line.
        assert_eq!(
            split_at_word("started 29 check(s); perf", 20),
            ("started 29 check(s);".into(), "perf".into())
        );
        assert_eq!(
            split_at_word("averyveryverylongword here", 8),
            ("averyver".into(), "yverylongword here".into())
        );
    }
}
