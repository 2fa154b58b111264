//! Keys to actions: one table per context, looked up from the input mode. The help overlay
//! is generated from the same tables, so what it lists is exactly what the keys do. Keys an
//! editor or prompt does not bind are passed through as text.

use crate::app::state::InputMode;
use crate::app::{Action, Msg};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::session::model::Screen;

/// A key, with or without Ctrl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chord {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn key(c: char) -> Chord {
    Chord {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn ctrl(c: char) -> Chord {
    Chord {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

const fn code(code: KeyCode) -> Chord {
    Chord { code, ctrl: false }
}

/// Where a binding applies; also the help overlay's sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Global,
    Checklist,
    Timeline,
    Risks,
    Targets,
    Monitor,
    Editor,
    Prompt,
    Severity,
    Credentials,
    RiskCard,
    Help,
    Brief,
    Picker,
    PickerForm,
    Unsaved,
    LoadConfirm,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Checklist => "Checklist",
            Context::Timeline => "Timeline",
            Context::Risks => "Risks",
            Context::Targets => "Targets",
            Context::Monitor => "Monitor",
            Context::Editor => "Note and journal editor",
            Context::Prompt => "One-line prompt",
            Context::Severity => "Severity picker",
            Context::Credentials => "Credentials form",
            Context::RiskCard => "One risk at a time",
            Context::Help => "This help",
            Context::Brief => "Stage brief and minimum bar",
            Context::Picker => "Session picker",
            Context::PickerForm => "New session form",
            Context::Unsaved => "Quitting with unsaved changes",
            Context::LoadConfirm => "Load test confirmation",
        }
    }
}

pub struct Binding {
    pub context: Context,
    pub chords: &'static [Chord],
    /// How the keys are written in the help.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
}

const fn bind(
    context: Context,
    chords: &'static [Chord],
    label: &'static str,
    action: Action,
    help: &'static str,
) -> Binding {
    Binding {
        context,
        chords,
        label,
        action,
        help,
    }
}

use Context as X;

/// Every key binding. Earlier entries win within a context.
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    bind(X::Global, &[key('q'), ctrl('c')], "q Ctrl-C", Action::Quit, "quit (saves first)"),
    bind(X::Global, &[key('?')], "?", Action::Help, "show or hide this help"),
    bind(X::Global, &[key('1')], "1", Action::Screen(Screen::Checklist), "checklist"),
    bind(X::Global, &[key('2')], "2", Action::Screen(Screen::Timeline), "timeline"),
    bind(X::Global, &[key('3')], "3", Action::Screen(Screen::Risks), "risks and verdict"),
    bind(X::Global, &[key('4')], "4", Action::Screen(Screen::Targets), "targets"),
    bind(X::Global, &[key('5')], "5", Action::Screen(Screen::Monitor), "monitor"),
    bind(X::Global, &[code(KeyCode::Tab)], "Tab", Action::NextScreen, "next screen (on the checklist: switch focus)"),
    bind(X::Global, &[code(KeyCode::BackTab)], "Shift-Tab", Action::PrevScreen, "previous screen"),
    bind(X::Global, &[code(KeyCode::Up), key('k')], "↑ k", Action::Up, "move up"),
    bind(X::Global, &[code(KeyCode::Down), key('j')], "↓ j", Action::Down, "move down"),
    bind(X::Global, &[code(KeyCode::PageUp)], "PgUp", Action::PageUp, "scroll up a page"),
    bind(X::Global, &[code(KeyCode::PageDown)], "PgDn", Action::PageDown, "scroll down a page"),
    bind(X::Global, &[key('P')], "P", Action::Presenter, "presenter mode on or off"),
    bind(X::Global, &[key('J')], "J", Action::Journal, "add a journal entry"),
    bind(X::Global, &[key('K')], "K", Action::Credentials, "credentials (OS keyring)"),
    bind(X::Global, &[key('T')], "T", Action::NextTheme, "colour theme: dark → light → high-contrast"),
    bind(X::Global, &[key('n')], "n", Action::WhatNow, "what now: open the next check due"),
    bind(X::Global, &[key('E')], "E", Action::Export, "export the handover pack (md, html, json)"),
    bind(X::Global, &[key('C')], "C", Action::CancelAll, "cancel every run (a load test included)"),
    bind(X::Global, &[key('L')], "L", Action::LiveView, "load test live view: next target, hide"),
    bind(X::Global, &[key('M')], "M", Action::MinimumBar, "the minimum bar, each requirement marked by its checks"),
    bind(X::Checklist, &[code(KeyCode::Left), key('h')], "← h", Action::Left, "focus the stages"),
    bind(X::Checklist, &[code(KeyCode::Right), key('l')], "→ l", Action::Right, "focus the checks"),
    bind(X::Checklist, &[code(KeyCode::Tab)], "Tab", Action::ToggleFocus, "switch focus stages ↔ checks"),
    bind(X::Checklist, &[key('p')], "p", Action::SetStatus(CheckStatus::Pass), "mark passed"),
    bind(X::Checklist, &[key('w')], "w", Action::SetStatus(CheckStatus::Warn), "mark passed with a warning"),
    bind(X::Checklist, &[key('f')], "f", Action::SetStatus(CheckStatus::Fail), "mark failed"),
    bind(X::Checklist, &[key('b')], "b", Action::SetStatus(CheckStatus::Blocked), "mark blocked (waiting on someone)"),
    bind(X::Checklist, &[key('t')], "t", Action::SetStatus(CheckStatus::Todo), "back to todo"),
    bind(X::Checklist, &[key('s')], "s", Action::Skip, "skip (asks why)"),
    bind(X::Checklist, &[key('e'), code(KeyCode::Enter)], "e Enter", Action::EditNote, "edit the note"),
    bind(X::Checklist, &[key('r')], "r", Action::Run, "run or re-run the check"),
    bind(X::Checklist, &[key('R')], "R", Action::RunStage, "run the stage's automated checks"),
    bind(X::Checklist, &[key('A')], "A", Action::RunAll, "run every automated check"),
    bind(X::Checklist, &[key('c')], "c", Action::Cancel, "cancel the check's run"),
    bind(X::Checklist, &[key('o')], "o", Action::Severity, "override the severity"),
    bind(X::Checklist, &[key('i')], "i", Action::StageBrief, "the stage's brief: goal, deliverables, failure signals"),
    bind(X::Timeline, &[key('p')], "p", Action::PauseClock, "pause the sprint clock (nights), or resume it"),
    bind(X::Timeline, &[key('+'), key('=')], "+", Action::ClockEarlier, "sprint start 1h earlier (the clock goes on an hour)"),
    bind(X::Timeline, &[key('-')], "-", Action::ClockLater, "sprint start 1h later (the clock goes back an hour)"),
    bind(X::Checklist, &[key('v')], "v", Action::LiveView, "load test live view: next target, hide"),
    bind(X::Risks, &[key('d')], "d", Action::Decide, "record a go / no-go decision"),
    bind(X::Risks, &[code(KeyCode::Enter)], "Enter", Action::GoToCheck, "open the check behind the selected risk"),
    bind(X::Risks, &[key('a')], "a", Action::AcceptRisk, "accept the selected risk (asks reason and owner)"),
    bind(X::Risks, &[key('u')], "u", Action::WithdrawRisk, "withdraw the selected acceptance"),
    bind(X::Risks, &[key('o')], "o", Action::Severity, "override the severity of the risk's check"),
    bind(X::Risks, &[key('v')], "v", Action::RiskCard, "show the risks one by one, large (for the founder)"),
    bind(X::RiskCard, &[code(KeyCode::Right), code(KeyCode::Down), key('l'), key('j'), key(' ')], "→ ↓ Space", Action::Right, "next risk"),
    bind(X::RiskCard, &[code(KeyCode::Left), code(KeyCode::Up), key('h'), key('k')], "← ↑", Action::Left, "previous risk"),
    bind(X::RiskCard, &[code(KeyCode::Esc), key('q'), key('v')], "Esc q v", Action::Close, "back to the list"),
    bind(X::Targets, &[key('e'), code(KeyCode::Enter)], "e Enter", Action::Edit, "edit the field"),
    bind(X::Targets, &[key('a')], "a", Action::Add, "add an entry to the list"),
    bind(X::Targets, &[key('x'), code(KeyCode::Delete)], "x Del", Action::Delete, "remove the entry (u puts it back)"),
    bind(X::Targets, &[key('u')], "u", Action::Undo, "undo the last removal"),
    bind(X::Monitor, &[key('m')], "m", Action::Monitor, "start or stop monitoring the session's pages"),
    bind(X::Monitor, &[key('d')], "d", Action::SwitchDemoRoute, "demo: take the lab's switchable route down or back up"),
    bind(X::Monitor, &[key('+')], "+", Action::MonitorSlower, "probe less often (kept in the session)"),
    bind(X::Monitor, &[key('-')], "-", Action::MonitorFaster, "probe more often (kept in the session)"),
    bind(X::Monitor, &[key('t')], "t", Action::TestAlert, "send a marked test alert to the alert route"),
    bind(X::Monitor, &[key('D')], "D", Action::Drill, "alert drill: take a route down and back, measure detection and alerts"),
    bind(X::Editor, &[code(KeyCode::Esc), ctrl('s')], "Esc Ctrl-S", Action::Commit, "keep the text and close"),
    bind(X::Editor, &[ctrl('x')], "Ctrl-X", Action::Discard, "close without keeping the edit"),
    bind(X::Prompt, &[code(KeyCode::Enter)], "Enter", Action::Confirm, "accept"),
    bind(X::Prompt, &[code(KeyCode::Esc)], "Esc", Action::Close, "cancel"),
    bind(X::Prompt, &[code(KeyCode::Tab)], "Tab", Action::ToggleVerdict, "go ↔ no-go (decision)"),
    bind(X::Severity, &[code(KeyCode::Up), key('k')], "↑ k", Action::Up, "previous"),
    bind(X::Severity, &[code(KeyCode::Down), key('j')], "↓ j", Action::Down, "next"),
    bind(X::Severity, &[code(KeyCode::Enter)], "Enter", Action::Confirm, "use this severity"),
    bind(X::Severity, &[code(KeyCode::Esc), key('q')], "Esc q", Action::Close, "cancel"),
    bind(X::Credentials, &[code(KeyCode::Up), key('k')], "↑ k", Action::Up, "previous"),
    bind(X::Credentials, &[code(KeyCode::Down), key('j')], "↓ j", Action::Down, "next"),
    bind(X::Credentials, &[key('a')], "a", Action::Add, "add a credential"),
    bind(X::Credentials, &[code(KeyCode::Enter), key('e')], "Enter e", Action::Edit, "set the selected value"),
    bind(X::Credentials, &[key('x'), code(KeyCode::Delete)], "x Del", Action::Delete, "delete from the keyring"),
    bind(X::Credentials, &[code(KeyCode::Esc), key('q')], "Esc q", Action::Close, "close"),
    bind(X::Help, &[code(KeyCode::Up), key('k')], "↑ k", Action::Up, "scroll up"),
    bind(X::Help, &[code(KeyCode::Down), key('j')], "↓ j", Action::Down, "scroll down"),
    bind(X::Help, &[code(KeyCode::PageUp)], "PgUp", Action::PageUp, "page up"),
    bind(X::Help, &[code(KeyCode::PageDown)], "PgDn", Action::PageDown, "page down"),
    bind(X::Help, &[code(KeyCode::Esc), key('?'), key('q')], "Esc ? q", Action::Close, "close"),
    bind(X::Brief, &[code(KeyCode::Up), key('k')], "↑ k", Action::Up, "scroll up"),
    bind(X::Brief, &[code(KeyCode::Down), key('j')], "↓ j", Action::Down, "scroll down"),
    bind(X::Brief, &[code(KeyCode::PageUp)], "PgUp", Action::PageUp, "page up"),
    bind(X::Brief, &[code(KeyCode::PageDown)], "PgDn", Action::PageDown, "page down"),
    bind(X::Brief, &[code(KeyCode::Esc), key('q'), key('i'), key('M')], "Esc q i M", Action::Close, "close"),
    bind(X::Picker, &[code(KeyCode::Up), key('k')], "↑ k", Action::Up, "previous session"),
    bind(X::Picker, &[code(KeyCode::Down), key('j')], "↓ j", Action::Down, "next session"),
    bind(X::Picker, &[code(KeyCode::Enter)], "Enter", Action::Confirm, "open the session"),
    bind(X::Picker, &[key('n')], "n", Action::Add, "new session"),
    bind(X::Picker, &[key('q'), code(KeyCode::Esc)], "q Esc", Action::Quit, "quit"),
    bind(X::PickerForm, &[code(KeyCode::Up), code(KeyCode::BackTab)], "↑ Shift-Tab", Action::Up, "previous field"),
    bind(X::PickerForm, &[code(KeyCode::Down), code(KeyCode::Tab)], "↓ Tab", Action::Down, "next field"),
    bind(X::PickerForm, &[code(KeyCode::Left)], "←", Action::Left, "previous runbook (runbook field)"),
    bind(X::PickerForm, &[code(KeyCode::Right)], "→", Action::Right, "next runbook (runbook field)"),
    bind(X::PickerForm, &[code(KeyCode::Enter)], "Enter", Action::Confirm, "create and open"),
    bind(X::PickerForm, &[code(KeyCode::Esc)], "Esc", Action::Close, "back to the list"),
    bind(X::Unsaved, &[key('r')], "r", Action::RetrySave, "retry the save, then quit"),
    bind(X::Unsaved, &[key('w')], "w", Action::WriteCopy, "write a copy to a new file"),
    bind(X::Unsaved, &[key('d')], "d", Action::DiscardQuit, "discard the unsaved changes and quit"),
    bind(X::Unsaved, &[code(KeyCode::Esc)], "Esc", Action::Close, "stay in the session"),
    bind(X::LoadConfirm, &[key('y')], "y", Action::Confirm, "send the load"),
    bind(X::LoadConfirm, &[key('n'), code(KeyCode::Esc)], "n Esc", Action::Close, "do not send anything"),
];

/// The contexts searched for a mode, most specific first.
fn contexts(mode: InputMode) -> &'static [Context] {
    match mode {
        InputMode::Normal(Screen::Checklist) => &[Context::Checklist, Context::Global],
        InputMode::Normal(Screen::Risks) => &[Context::Risks, Context::Global],
        InputMode::Normal(Screen::Targets) => &[Context::Targets, Context::Global],
        InputMode::Normal(Screen::Monitor) => &[Context::Monitor, Context::Global],
        InputMode::Normal(Screen::Timeline) => &[Context::Timeline, Context::Global],
        InputMode::Editor => &[Context::Editor],
        InputMode::Prompt => &[Context::Prompt],
        InputMode::Severity => &[Context::Severity],
        InputMode::Credentials => &[Context::Credentials],
        InputMode::Help => &[Context::Help],
        InputMode::Brief => &[Context::Brief],
        InputMode::Picker => &[Context::Picker],
        InputMode::PickerForm => &[Context::PickerForm],
        InputMode::Unsaved => &[Context::Unsaved],
        InputMode::RiskCard => &[Context::RiskCard],
        InputMode::LoadConfirm => &[Context::LoadConfirm],
    }
}

fn chord_of(event: &KeyEvent) -> Chord {
    // Shifted letters arrive as upper-case chars; the SHIFT flag adds nothing for them.
    Chord {
        code: event.code,
        ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
    }
}

/// Maps a key press in `mode` to a message; `None` when the key means nothing there.
pub fn map_key(mode: InputMode, event: KeyEvent) -> Option<Msg> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let chord = chord_of(&event);
    if chord == ctrl('c') {
        return Some(Msg::Action(Action::Quit));
    }
    for context in contexts(mode) {
        if let Some(b) = BINDINGS
            .iter()
            .find(|b| b.context == *context && b.chords.contains(&chord))
        {
            return Some(Msg::Action(b.action));
        }
    }
    match mode {
        InputMode::Editor | InputMode::Prompt | InputMode::PickerForm => {
            Some(Msg::Text(event.into()))
        }
        _ => None,
    }
}

/// The help overlay's content: each context's title and its `(keys, what they do)` rows.
pub fn help_sections() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let order = [
        Context::Global,
        Context::Checklist,
        Context::Timeline,
        Context::Risks,
        Context::Targets,
        Context::Monitor,
        Context::Editor,
        Context::Prompt,
        Context::Severity,
        Context::Credentials,
        Context::RiskCard,
        Context::Help,
        Context::Brief,
        Context::Picker,
        Context::PickerForm,
        Context::Unsaved,
        Context::LoadConfirm,
    ];
    order
        .iter()
        .map(|c| {
            let rows = BINDINGS
                .iter()
                .filter(|b| b.context == *c)
                .map(|b| (b.label, b.help))
                .collect();
            (c.title(), rows)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn action(mode: InputMode, code: KeyCode, modifiers: KeyModifiers) -> Option<Action> {
        match map_key(mode, press(code, modifiers)) {
            Some(Msg::Action(a)) => Some(a),
            _ => None,
        }
    }

    const CHECKLIST: InputMode = InputMode::Normal(Screen::Checklist);

    #[test]
    fn status_keys_on_the_checklist() {
        let none = KeyModifiers::NONE;
        assert_eq!(
            action(CHECKLIST, KeyCode::Char('p'), none),
            Some(Action::SetStatus(CheckStatus::Pass))
        );
        assert_eq!(
            action(CHECKLIST, KeyCode::Char('b'), none),
            Some(Action::SetStatus(CheckStatus::Blocked))
        );
        assert_eq!(
            action(CHECKLIST, KeyCode::Char('s'), none),
            Some(Action::Skip)
        );
        assert_eq!(
            action(CHECKLIST, KeyCode::Char('R'), KeyModifiers::SHIFT),
            Some(Action::RunStage)
        );
        assert_eq!(
            action(CHECKLIST, KeyCode::Enter, none),
            Some(Action::EditNote)
        );
    }

    #[test]
    fn tab_switches_focus_on_the_checklist_and_screens_elsewhere() {
        let none = KeyModifiers::NONE;
        assert_eq!(
            action(CHECKLIST, KeyCode::Tab, none),
            Some(Action::ToggleFocus)
        );
        assert_eq!(
            action(InputMode::Normal(Screen::Risks), KeyCode::Tab, none),
            Some(Action::NextScreen)
        );
        assert_eq!(
            action(
                InputMode::Normal(Screen::Timeline),
                KeyCode::Char('3'),
                none
            ),
            Some(Action::Screen(Screen::Risks))
        );
    }

    #[test]
    fn screen_keys_do_not_leak_to_other_screens() {
        let none = KeyModifiers::NONE;
        assert_eq!(
            action(InputMode::Normal(Screen::Risks), KeyCode::Char('p'), none),
            None
        );
        assert_eq!(action(CHECKLIST, KeyCode::Char('d'), none), None);
        assert_eq!(
            action(InputMode::Normal(Screen::Risks), KeyCode::Char('d'), none),
            Some(Action::Decide)
        );
    }

    #[test]
    fn editors_take_text_and_reserve_their_own_keys() {
        let m = map_key(
            InputMode::Editor,
            press(KeyCode::Char('q'), KeyModifiers::NONE),
        );
        assert!(matches!(m, Some(Msg::Text(i)) if i.key == ratatui_textarea::Key::Char('q')));
        assert_eq!(
            action(InputMode::Editor, KeyCode::Esc, KeyModifiers::NONE),
            Some(Action::Commit)
        );
        assert_eq!(
            action(InputMode::Editor, KeyCode::Char('x'), KeyModifiers::CONTROL),
            Some(Action::Discard)
        );
        assert_eq!(
            action(InputMode::Prompt, KeyCode::Enter, KeyModifiers::NONE),
            Some(Action::Confirm)
        );
    }

    #[test]
    fn ctrl_c_quits_everywhere_and_releases_are_ignored() {
        for mode in [
            CHECKLIST,
            InputMode::Editor,
            InputMode::Prompt,
            InputMode::Help,
        ] {
            assert_eq!(
                action(mode, KeyCode::Char('c'), KeyModifiers::CONTROL),
                Some(Action::Quit)
            );
        }
        let mut release = press(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert!(map_key(CHECKLIST, release).is_none());
    }

    #[test]
    fn i_opens_the_stage_brief_on_the_checklist_only_and_m_the_bar_everywhere() {
        let none = KeyModifiers::NONE;
        assert_eq!(
            action(CHECKLIST, KeyCode::Char('i'), none),
            Some(Action::StageBrief)
        );
        assert_eq!(
            action(InputMode::Normal(Screen::Risks), KeyCode::Char('i'), none),
            None
        );
        assert_eq!(
            action(InputMode::Normal(Screen::Risks), KeyCode::Char('M'), none),
            Some(Action::MinimumBar)
        );
        assert_eq!(
            action(InputMode::Brief, KeyCode::Esc, none),
            Some(Action::Close)
        );
        assert_eq!(
            action(InputMode::Brief, KeyCode::Down, none),
            Some(Action::Down)
        );
    }

    #[test]
    fn help_lists_every_binding_once() {
        let rows: usize = help_sections().iter().map(|(_, r)| r.len()).sum();
        assert_eq!(rows, BINDINGS.len());
        let checklist = help_sections()
            .into_iter()
            .find(|(t, _)| *t == "Checklist")
            .map(|(_, r)| r)
            .unwrap_or_default();
        assert!(checklist.contains(&("r", "run or re-run the check")));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.context == b.context {
                    assert!(
                        !a.chords.iter().any(|c| b.chords.contains(c)),
                        "{:?} bound twice in {:?}",
                        a.chords,
                        a.context
                    );
                }
            }
        }
    }
}
