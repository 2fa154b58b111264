//! Screen geometry shared by drawing and mouse hit-testing, so a click lands on exactly the
//! row that was drawn there.

use crate::app::state::SCREENS;
use launch_ready_core::session::model::Screen;
use ratatui::layout::{Constraint, Layout, Rect};

/// The frame split into the tab bar, the screen body and the two footer lines.
pub struct Main {
    pub tabs: Rect,
    pub body: Rect,
    pub footer: Rect,
}

pub fn main(area: Rect) -> Main {
    let [tabs, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .areas(area);
    Main { tabs, body, footer }
}

pub fn screen_name(screen: Screen) -> &'static str {
    match screen {
        Screen::Checklist => "Checklist",
        Screen::Timeline => "Timeline",
        Screen::Risks => "Risks",
        Screen::Targets => "Targets",
        Screen::Monitor => "Monitor",
    }
}

/// Each tab's label and its column range in the tab bar.
pub fn tabs() -> Vec<(Screen, String, std::ops::Range<u16>)> {
    let mut x = 0u16;
    SCREENS
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let label = format!(" {} {} ", i + 1, screen_name(*s));
            let w = u16::try_from(label.chars().count()).unwrap_or(u16::MAX);
            let range = x..x.saturating_add(w);
            x = x.saturating_add(w + 1);
            (*s, label, range)
        })
        .collect()
}

pub fn tab_at(column: u16) -> Option<Screen> {
    tabs()
        .into_iter()
        .find(|(_, _, r)| r.contains(&column))
        .map(|(s, _, _)| s)
}

/// The checklist's panes; presenter mode adds a summary band on top, and the selected
/// stage's goal takes a row or two above the panes when the screen has them to spare.
pub struct Checklist {
    pub summary: Option<Rect>,
    pub goal: Option<Rect>,
    pub stages: Rect,
    pub checks: Rect,
    pub detail: Rect,
}

/// Below this width the stage list keeps a fixed share; above it, the list may grow to
/// `stages_wanted` columns so stage names are not cut while there is room.
const WIDE: u16 = 100;

/// At these widths three panes side by side cut stage and check names (a screen share is
/// about 100 columns) while the stage list leaves most of its rows empty: the stage list
/// goes above the check list in one column about half the width, and the detail pane
/// takes the other half. Narrower, the column would be too narrow for the names anyway
/// and a short terminal too low for two lists; wider, three panes have room. Presenter
/// mode keeps its summary band and three panes.
const STACKED: std::ops::Range<u16> = 90..120;

/// Rows the panes keep under the goal header; below this the header is left out.
const PANES_MIN: u16 = 8;

/// The checklist's geometry for `body`: `stages_wanted` is the width the stage list needs
/// for whole names, `stage_rows` how many stages there are, `goal_rows` the rows the
/// stage's goal wraps to (0 for none).
pub fn checklist(
    body: Rect,
    presenter: bool,
    stages_wanted: u16,
    stage_rows: u16,
    goal_rows: u16,
) -> Checklist {
    let (summary, panes) = if presenter && body.height >= 18 {
        let [s, p] =
            Layout::vertical([Constraint::Length(body.height / 2), Constraint::Min(6)]).areas(body);
        (Some(s), p)
    } else {
        (None, body)
    };
    let (goal, panes) = if goal_rows > 0 && panes.height >= goal_rows + PANES_MIN {
        let [g, p] =
            Layout::vertical([Constraint::Length(goal_rows), Constraint::Fill(1)]).areas(panes);
        (Some(g), p)
    } else {
        (None, panes)
    };
    if summary.is_none() && STACKED.contains(&panes.width) && panes.height >= 16 {
        let [left, detail] = Layout::horizontal([
            Constraint::Length((panes.width * 52 / 100).max(30)),
            Constraint::Fill(1),
        ])
        .areas(panes);
        let stages_h = stage_rows.saturating_add(2).clamp(3, panes.height / 2);
        let [stages, checks] =
            Layout::vertical([Constraint::Length(stages_h), Constraint::Fill(1)]).areas(left);
        return Checklist {
            summary,
            goal,
            stages,
            checks,
            detail,
        };
    }
    let (stages_share, checks_share) = if panes.width >= WIDE {
        // Up to a third of the width, the growth taken half from the check list and half
        // from the detail pane so neither loses much.
        let floor = panes.width * 26 / 100;
        let stages = stages_wanted.clamp(floor, panes.width * 34 / 100);
        let checks = (panes.width * 32 / 100).saturating_sub((stages - floor) / 2);
        (Constraint::Length(stages), Constraint::Length(checks))
    } else {
        (Constraint::Percentage(26), Constraint::Percentage(32))
    };
    let [stages, checks, detail] =
        Layout::horizontal([stages_share, checks_share, Constraint::Fill(1)]).areas(panes);
    Checklist {
        summary,
        goal,
        stages,
        checks,
        detail,
    }
}

/// First visible row of a list of `len` rows in `height` rows keeping `selected` in view.
pub fn list_offset(selected: usize, len: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        0
    } else {
        selected.saturating_sub(height - 1).min(len - height)
    }
}

/// Which list row a click at screen row `y` hits, for a bordered list in `area`.
pub fn row_at(area: Rect, y: u16, offset: usize) -> Option<usize> {
    let top = area.y + 1;
    let bottom = area.y + area.height.saturating_sub(1);
    (y >= top && y < bottom).then(|| offset + usize::from(y - top))
}

pub fn contains(area: Rect, column: u16, row: u16) -> bool {
    column >= area.x && column < area.x + area.width && row >= area.y && row < area.y + area.height
}

/// A centred rectangle of at most `width` × `height` inside `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
