//! Colours and emphasis. Two themes: the normal one, and a high-contrast one for presenter
//! mode (bold, black on white accents, readable on a shared screen). `NO_COLOR` removes every
//! colour but keeps bold, underline and reverse, so selection stays visible.

use crate::finding::{CheckStatus, Severity};
use crate::session::model::Verdict;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
    presenter: bool,
}

impl Theme {
    pub fn new(presenter: bool, color: bool) -> Theme {
        Theme { color, presenter }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// Body text.
    pub fn text(self) -> Style {
        if self.presenter {
            self.fg(Color::White).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        }
    }

    /// Secondary text (hints, ages, labels).
    pub fn dim(self) -> Style {
        if self.presenter {
            self.fg(Color::White)
        } else {
            self.fg(Color::DarkGray)
        }
    }

    pub fn title(self) -> Style {
        self.fg(if self.presenter {
            Color::Yellow
        } else {
            Color::Cyan
        })
        .add_modifier(Modifier::BOLD)
    }

    pub fn border(self, focused: bool) -> Style {
        match (focused, self.presenter) {
            (true, _) => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            (false, true) => self.fg(Color::White),
            (false, false) => self.fg(Color::DarkGray),
        }
    }

    pub fn selected(self) -> Style {
        if self.presenter && self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn error(self) -> Style {
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }

    pub fn status(self, status: CheckStatus) -> Style {
        let c = match status {
            CheckStatus::Todo => return self.dim(),
            CheckStatus::Running => Color::Cyan,
            CheckStatus::Pass => Color::Green,
            CheckStatus::Warn => Color::Yellow,
            CheckStatus::Fail => Color::LightRed,
            CheckStatus::Error => Color::Magenta,
            CheckStatus::Skipped => Color::Gray,
            CheckStatus::Blocked => Color::LightYellow,
        };
        self.fg(c).add_modifier(if self.presenter {
            Modifier::BOLD
        } else {
            Modifier::empty()
        })
    }

    pub fn severity(self, severity: Severity) -> Style {
        let c = match severity {
            Severity::Blocker => Color::LightRed,
            Severity::High => Color::LightMagenta,
            Severity::Medium => Color::Yellow,
            Severity::Low => Color::Cyan,
            Severity::Info => Color::Gray,
        };
        let s = self.fg(c);
        if severity == Severity::Blocker || self.presenter {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }

    pub fn verdict(self, verdict: Verdict) -> Style {
        let base = match (verdict, self.color) {
            (Verdict::Go, true) => Style::new().fg(Color::Black).bg(Color::Green),
            (Verdict::NoGo, true) => Style::new().fg(Color::White).bg(Color::Red),
            (Verdict::Incomplete, true) => Style::new().fg(Color::Black).bg(Color::Yellow),
            (_, false) => Style::new().add_modifier(Modifier::REVERSED),
        };
        base.add_modifier(Modifier::BOLD)
    }
}

/// The icon drawn for a status; `spinner` animates running checks.
pub fn status_icon(status: CheckStatus, spinner: usize) -> &'static str {
    const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    match status {
        CheckStatus::Todo => "·",
        CheckStatus::Running => FRAMES[spinner % FRAMES.len()],
        CheckStatus::Pass => "✓",
        CheckStatus::Warn => "!",
        CheckStatus::Fail => "✗",
        CheckStatus::Error => "⚠",
        CheckStatus::Skipped => "–",
        CheckStatus::Blocked => "⏸",
    }
}
