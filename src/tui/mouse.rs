//! Mouse events to messages, using the same geometry the views draw with: a click selects
//! a tab, stage, check or targets row; the wheel scrolls the pane under the pointer.

use super::view::{checklist, layout, targets};
use crate::app::{Action, App, Msg};
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use launch_ready_core::session::model::Screen;
use ratatui::layout::Rect;

pub fn map_mouse(app: &App, area: Rect, event: MouseEvent) -> Option<Msg> {
    if app.modal.is_some() {
        return None;
    }
    let (x, y) = (event.column, event.row);
    let main = layout::main(area);
    let panes = layout::checklist(
        main.body,
        app.presenter(),
        checklist::stages_wanted(app),
        checklist::stage_rows(app),
        checklist::goal_rows(app, main.body.width),
    );
    match event.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            if y == main.tabs.y {
                return layout::tab_at(x).map(|s| Msg::Action(Action::Screen(s)));
            }
            match app.screen() {
                Screen::Checklist if layout::contains(panes.stages, x, y) => {
                    let height = usize::from(panes.stages.height.saturating_sub(2));
                    let offset =
                        layout::list_offset(app.stage_index(), app.runbook.stages.len(), height);
                    layout::row_at(panes.stages, y, offset).map(Msg::SelectStage)
                }
                Screen::Checklist if layout::contains(panes.checks, x, y) => {
                    let offset = checklist::checks_offset(app, panes.checks);
                    layout::row_at(panes.checks, y, offset).map(Msg::SelectCheck)
                }
                Screen::Targets if layout::contains(main.body, x, y) => {
                    let offset = targets::offset(app, main.body);
                    layout::row_at(main.body, y, offset).map(Msg::SelectTargetRow)
                }
                _ => None,
            }
        }
        MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
            let down = event.kind == MouseEventKind::ScrollDown;
            if app.screen() == Screen::Checklist && layout::contains(panes.detail, x, y) {
                Some(Msg::ScrollDetail(if down { 3 } else { -3 }))
            } else {
                Some(Msg::ScrollList(if down { 1 } else { -1 }))
            }
        }
        _ => None,
    }
}
