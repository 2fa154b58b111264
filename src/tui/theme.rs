//! Colours and emphasis. The themes are data (`assets/themes/*.ron`, embedded in the
//! binary): dark (the default), light, and high-contrast, which presenter mode always uses
//! (bold, black on yellow accents, readable on a shared screen). `NO_COLOR` removes every
//! colour but keeps bold, underline and reverse, so selection stays visible.

use crate::app::state::ThemeName;
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_core::session::model::Verdict;
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::str::FromStr;
use std::sync::LazyLock;

/// A theme file: one colour per role. Colour names are ratatui's (`"dark gray"`,
/// `"light red"`, `"#8a6d00"`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Palette {
    /// Body text; `None` keeps the terminal's own foreground.
    pub text: Option<String>,
    /// Body text in bold (the high-contrast theme).
    pub text_bold: bool,
    /// Secondary text (hints, ages, labels).
    pub dim: Option<String>,
    pub title: String,
    /// The focused pane's border.
    pub focus: String,
    pub border: String,
    /// (foreground, background) of the selected row; `None` reverses the row instead.
    pub selected: Option<(String, String)>,
    pub error: String,
    pub status: StatusColors,
    pub severity: SeverityColors,
    pub verdict: VerdictColors,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusColors {
    pub running: String,
    pub pass: String,
    pub warn: String,
    pub fail: String,
    pub error: String,
    pub skipped: String,
    pub blocked: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityColors {
    pub blocker: String,
    pub high: String,
    pub medium: String,
    pub low: String,
    pub info: String,
}

/// (foreground, background) of the verdict band.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictColors {
    pub go: (String, String),
    pub no_go: (String, String),
    pub incomplete: (String, String),
}

/// The theme files, embedded so the binary needs nothing beside it.
pub const SOURCES: [(ThemeName, &str); 3] = [
    (
        ThemeName::Dark,
        include_str!("../../assets/themes/dark.ron"),
    ),
    (
        ThemeName::Light,
        include_str!("../../assets/themes/light.ron"),
    ),
    (
        ThemeName::HighContrast,
        include_str!("../../assets/themes/high-contrast.ron"),
    ),
];

/// Why a theme file is refused.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("{0}")]
    Syntax(#[from] ron::error::SpannedError),
    #[error("unknown colour `{0}`")]
    UnknownColour(String),
}

/// Parses a theme file, checking every colour name.
pub fn parse(source: &str) -> Result<Palette, ThemeError> {
    let palette: Palette = ron::from_str(source)?;
    let p = &palette;
    let names = [
        p.text.as_deref(),
        p.dim.as_deref(),
        Some(&p.title),
        Some(&p.focus),
        Some(&p.border),
        Some(&p.error),
        p.selected.as_ref().map(|s| s.0.as_str()),
        p.selected.as_ref().map(|s| s.1.as_str()),
    ];
    let s = &p.status;
    let v = &p.severity;
    let rest = [
        &s.running,
        &s.pass,
        &s.warn,
        &s.fail,
        &s.error,
        &s.skipped,
        &s.blocked,
        &v.blocker,
        &v.high,
        &v.medium,
        &v.low,
        &v.info,
        &p.verdict.go.0,
        &p.verdict.go.1,
        &p.verdict.no_go.0,
        &p.verdict.no_go.1,
        &p.verdict.incomplete.0,
        &p.verdict.incomplete.1,
    ];
    for name in names.into_iter().flatten().chain(rest.map(String::as_str)) {
        Color::from_str(name).map_err(|_| ThemeError::UnknownColour(name.to_string()))?;
    }
    Ok(palette)
}

/// The embedded palettes by name; a file that does not parse (a test guards against it)
/// leaves its theme without colours rather than stopping the app.
static PALETTES: LazyLock<Vec<(ThemeName, Option<Palette>)>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .map(|(name, source)| (*name, parse(source).ok()))
        .collect()
});

fn palette(name: ThemeName) -> Option<&'static Palette> {
    PALETTES
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, p)| p.as_ref())
}

fn color(name: &str) -> Option<Color> {
    Color::from_str(name).ok()
}

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// `None` when colours are off (`NO_COLOR`) or the palette is missing.
    palette: Option<&'static Palette>,
    presenter: bool,
}

impl Theme {
    /// The default theme; presenter mode always takes the high-contrast one.
    pub fn new(presenter: bool, color: bool) -> Theme {
        Theme::named(ThemeName::Dark, presenter, color)
    }

    pub fn named(name: ThemeName, presenter: bool, color: bool) -> Theme {
        let name = if presenter {
            ThemeName::HighContrast
        } else {
            name
        };
        Theme {
            palette: if color { palette(name) } else { None },
            presenter,
        }
    }

    fn fg_named(self, pick: impl Fn(&Palette) -> Option<&str>) -> Style {
        match self.palette.and_then(pick).and_then(color) {
            Some(c) => Style::new().fg(c),
            None => Style::new(),
        }
    }

    fn pair(self, pick: impl Fn(&Palette) -> &(String, String)) -> Option<Style> {
        let (fg, bg) = pick(self.palette?);
        Some(Style::new().fg(color(fg)?).bg(color(bg)?))
    }

    fn bold_text(self) -> bool {
        self.presenter || self.palette.is_some_and(|p| p.text_bold)
    }

    /// Body text.
    pub fn text(self) -> Style {
        let s = self.fg_named(|p| p.text.as_deref());
        if self.bold_text() {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }

    /// Secondary text (hints, ages, labels).
    pub fn dim(self) -> Style {
        self.fg_named(|p| p.dim.as_deref())
    }

    pub fn title(self) -> Style {
        self.fg_named(|p| Some(&p.title))
            .add_modifier(Modifier::BOLD)
    }

    pub fn border(self, focused: bool) -> Style {
        if focused {
            self.fg_named(|p| Some(&p.focus))
                .add_modifier(Modifier::BOLD)
        } else {
            self.fg_named(|p| Some(&p.border))
        }
    }

    pub fn selected(self) -> Style {
        match self.pair(|p| p.selected.as_ref().unwrap_or(&p.verdict.go)) {
            Some(s) if self.palette.is_some_and(|p| p.selected.is_some()) => {
                s.add_modifier(Modifier::BOLD)
            }
            _ => Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    pub fn error(self) -> Style {
        self.fg_named(|p| Some(&p.error))
            .add_modifier(Modifier::BOLD)
    }

    pub fn status(self, status: CheckStatus) -> Style {
        let s = match status {
            CheckStatus::Todo => return self.dim(),
            CheckStatus::Running => self.fg_named(|p| Some(&p.status.running)),
            CheckStatus::Pass => self.fg_named(|p| Some(&p.status.pass)),
            CheckStatus::Warn => self.fg_named(|p| Some(&p.status.warn)),
            CheckStatus::Fail => self.fg_named(|p| Some(&p.status.fail)),
            CheckStatus::Error => self.fg_named(|p| Some(&p.status.error)),
            CheckStatus::Skipped => self.fg_named(|p| Some(&p.status.skipped)),
            CheckStatus::Blocked => self.fg_named(|p| Some(&p.status.blocked)),
        };
        if self.bold_text() {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }

    pub fn severity(self, severity: Severity) -> Style {
        let s = match severity {
            Severity::Blocker => self.fg_named(|p| Some(&p.severity.blocker)),
            Severity::High => self.fg_named(|p| Some(&p.severity.high)),
            Severity::Medium => self.fg_named(|p| Some(&p.severity.medium)),
            Severity::Low => self.fg_named(|p| Some(&p.severity.low)),
            Severity::Info => self.fg_named(|p| Some(&p.severity.info)),
        };
        if severity == Severity::Blocker || self.bold_text() {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }

    pub fn verdict(self, verdict: Verdict) -> Style {
        let pair = match verdict {
            Verdict::Go => self.pair(|p| &p.verdict.go),
            Verdict::NoGo => self.pair(|p| &p.verdict.no_go),
            Verdict::Incomplete => self.pair(|p| &p.verdict.incomplete),
        };
        pair.unwrap_or_else(|| Style::new().add_modifier(Modifier::REVERSED))
            .add_modifier(Modifier::BOLD)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_theme_parses_with_known_colours() {
        for (name, source) in SOURCES {
            let palette = parse(source).unwrap_or_else(|e| panic!("{name:?}: {e}"));
            assert!(palette.title.len() > 2, "{name:?}");
        }
        assert!(parse("Palette(text: None)").is_err());
        let bad = SOURCES[0].1.replace("\"cyan\"", "\"cyanish\"");
        assert_eq!(
            parse(&bad).err().map(|e| e.to_string()).as_deref(),
            Some("unknown colour `cyanish`")
        );
    }

    #[test]
    fn themes_differ_and_presenter_takes_high_contrast() {
        let dark = Theme::named(ThemeName::Dark, false, true);
        let light = Theme::named(ThemeName::Light, false, true);
        assert_ne!(dark.title(), light.title());
        let presenting = Theme::named(ThemeName::Light, true, true);
        assert_eq!(presenting.title().fg, Some(Color::Yellow));
        assert_eq!(
            presenting.selected(),
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        );
    }

    #[test]
    fn no_color_leaves_no_colour_at_all() {
        for name in ThemeName::ALL {
            for presenter in [false, true] {
                let t = Theme::named(name, presenter, false);
                let styles = [
                    t.text(),
                    t.dim(),
                    t.title(),
                    t.border(true),
                    t.selected(),
                    t.error(),
                    t.status(CheckStatus::Fail),
                    t.severity(Severity::Blocker),
                    t.verdict(Verdict::NoGo),
                ];
                for s in styles {
                    assert_eq!((s.fg, s.bg), (None, None), "{name:?} {s:?}");
                }
            }
        }
    }
}
