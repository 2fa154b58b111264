//! Everything that can happen to the interactive model. Keys arrive already resolved to an
//! `Action` by the keymap (so the help screen and the model share one vocabulary); text typed
//! into an editor arrives as raw `Input` because only the editor knows what it means.

use launch_ready_checks::engine::EngineEvent;
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::session::model::Screen;
use launch_ready_core::session::persist::SaveStatus;
use ratatui_textarea::Input;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// A key binding's meaning, independent of which key triggers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `q` or Ctrl-C: leave the session (after flushing saves).
    Quit,
    /// `?`: open or close the key binding overlay.
    Help,
    /// `i` on the checklist: the selected stage's brief (goal, deliverables, failure
    /// signals, what to automate and what not to build).
    StageBrief,
    /// `M`: the runbook's minimum bar as a checklist, each requirement marked by its checks.
    MinimumBar,
    /// `P`: toggle presenter mode.
    Presenter,
    /// `J`: open the sprint journal editor.
    Journal,
    /// `K`: open the credentials form.
    Credentials,
    /// `E`: write the handover pack (Markdown, HTML, JSON) beside the session.
    Export,
    /// `1`–`5`: jump to a screen.
    Screen(Screen),
    /// Tab (outside the checklist): the next screen.
    NextScreen,
    /// Shift-Tab: the previous screen.
    PrevScreen,
    /// ↑ or `k`: move the selection up.
    Up,
    /// ↓ or `j`: move the selection down.
    Down,
    /// ← or `h`: focus the stage list.
    Left,
    /// → or `l`: focus the check list.
    Right,
    /// Tab on the checklist: switch focus between stages and checks.
    ToggleFocus,
    /// Page Up: scroll the detail pane or list up.
    PageUp,
    /// Page Down: scroll the detail pane or list down.
    PageDown,
    /// `p`, `w`, `f`, `b`, `t`: set the selected check's status.
    SetStatus(CheckStatus),
    /// `s`: skip the selected check (asks for a reason).
    Skip,
    /// `e` or Enter on the checklist: edit the selected check's note.
    EditNote,
    /// `r`: run or re-run the selected check.
    Run,
    /// `R`: run every automated check of the selected stage.
    RunStage,
    /// `A`: run every automated check of the runbook.
    RunAll,
    /// `c`: cancel the selected check's run.
    Cancel,
    /// `C`: cancel every run.
    CancelAll,
    /// `o`: pick a severity override for the selected check.
    Severity,
    /// `d` on the risks screen: record a go / no-go decision.
    Decide,
    /// Enter on the risks screen: open the check behind the selected risk.
    GoToCheck,
    /// Enter or `e` on the targets screen: edit the selected field.
    Edit,
    /// `a`: add an entry (targets list, credential).
    Add,
    /// `x` or Delete: remove the selected entry.
    Delete,
    /// `u` on the targets screen: put back the entry `x` last removed.
    Undo,
    /// Enter in a modal: accept.
    Confirm,
    /// Esc in a modal: close it (committing editors, cancelling prompts).
    Close,
    /// Ctrl-S in an editor: commit and close.
    Commit,
    /// Ctrl-X in an editor: close without keeping the edit.
    Discard,
    /// Tab in the decision prompt: switch between go and no-go.
    ToggleVerdict,
    /// `r` when quitting with unsaved changes: try the save again (and quit once it lands).
    RetrySave,
    /// `w` when quitting with unsaved changes: write a copy of the session to a new file.
    WriteCopy,
    /// `d` when quitting with unsaved changes: quit and lose them, as asked.
    DiscardQuit,
    /// `m` on the Monitor screen: start monitoring the session's pages, or stop.
    Monitor,
    /// `d` on the demo's Monitor screen: take the lab's switchable route down or back up.
    SwitchDemoRoute,
    /// `+` on the Monitor screen: probe less often (the next longer interval).
    MonitorSlower,
    /// `-` on the Monitor screen: probe more often (the next shorter interval).
    MonitorFaster,
    /// `t` on the Monitor screen: send a marked test alert through the alert route.
    TestAlert,
    /// `D` on the Monitor screen: run an alert drill.
    Drill,
    /// `p` on the Timeline screen: pause the sprint clock (a night), or resume it.
    PauseClock,
    /// `+` on the Timeline screen: move the sprint start an hour earlier.
    ClockEarlier,
    /// `-` on the Timeline screen: move the sprint start an hour later.
    ClockLater,
    /// `n`: open the next unfinished check of the window the clock is in.
    WhatNow,
    /// `a` on the Risks screen: accept the selected risk (asks reason and owner).
    AcceptRisk,
    /// `u` on the Risks screen: withdraw the selected acceptance.
    WithdrawRisk,
    /// `v` on the Risks screen: show the risks one by one, large.
    RiskCard,
    /// `T`: switch to the next colour theme.
    NextTheme,
    /// `v` on the checklist: the load test's live view, next target, hidden.
    LiveView,
}

/// What the keyring probe found.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyringReport {
    /// The backend's name ("kernel keyutils", "Secret Service").
    pub backend: String,
    /// For each name asked about: whether the keyring holds a value for it. A session
    /// lists names it once stored, but a keyring can forget (keyutils at reboot), so the
    /// form shows this rather than the session's list.
    pub held: BTreeMap<String, bool>,
}

/// One input to `update`.
#[derive(Debug)]
pub enum Msg {
    /// A key binding (or a click standing for one) resolved by the keymap.
    Action(Action),
    /// A key typed into the open editor or one-line prompt.
    Text(Input),
    /// A click on a stage row of the checklist.
    SelectStage(usize),
    /// A click on a check row of the checklist.
    SelectCheck(usize),
    /// A click on a row of the targets screen.
    SelectTargetRow(usize),
    /// Mouse wheel over the detail pane (positive scrolls down).
    ScrollDetail(i32),
    /// Mouse wheel over a list (positive scrolls down).
    ScrollList(i32),
    /// The engine reported on a run.
    Engine(EngineEvent),
    /// The clock ticked (sprint clock, spinner, save age).
    Tick(OffsetDateTime),
    /// The persister's status changed.
    Saved(SaveStatus),
    /// The keyring probe finished: what it holds, or why there is none.
    Keyring(Result<KeyringReport, String>),
    /// A credential set (`stored: true`) or delete finished for `name`.
    CredentialDone {
        name: String,
        stored: bool,
        result: Result<(), String>,
    },
    /// What Cloudflare said of the stored token: a line to show, never the value.
    CloudflareVerified(Result<String, String>),
    /// The terminal was resized.
    Resize(u16, u16),
    /// A copy asked for with `WriteCopy` was written (its path) or could not be (why).
    CopyWritten(Result<std::path::PathBuf, String>),
    /// The handover pack asked for with `Export` was written (its folder) or not (why).
    PackWritten(Result<std::path::PathBuf, String>),
    /// Accepted secret findings were added to a repository's baseline, or why not.
    BaselineWritten(Result<launch_ready_checks::secrets::baseline::Appended, String>),
    /// The running monitor reported (a probe, a transition, an alert).
    Monitor(launch_ready_checks::monitor::run::MonitorEvent),
    /// Where the monitor's alerts go ("configured (json)") or why nowhere; never the URL.
    MonitorRoute(String),
    /// The alert-route test finished: delivery time in ms, or why it failed (no URL).
    MonitorTestAlert(Result<u64, String>),
    /// The alert drill finished with what it measured.
    MonitorDrill(Box<launch_ready_checks::monitor::drill::DrillReport>),
    /// The demo lab's receivers got new alerts: every one so far, oldest first.
    LabAlerts(Vec<String>),
}
