//! The interactive state: the session being edited plus everything that only exists while
//! the TUI runs (focus, open modal, status line, running checks). The session is the single
//! source of truth for what gets saved; the cursor lives in `session.ui` so that reopening
//! a session puts the operator back where they were.

use super::targets::TargetField;
use launch_ready_core::catalog::KindId;
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_core::runbook::{Check, Runbook, Stage};
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{Screen, Targets, Verdict};
use launch_ready_core::session::persist::SaveStatus;
use launch_ready_core::settings::NetworkSettings;
use ratatui_textarea::TextArea;
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use time::OffsetDateTime;

/// The screens in tab order.
pub const SCREENS: [Screen; 5] = [
    Screen::Checklist,
    Screen::Timeline,
    Screen::Risks,
    Screen::Targets,
    Screen::Monitor,
];

/// Text shown instead of sensitive notes and evidence in presenter mode.
pub const HIDDEN: &str = "hidden in presenter mode";

/// The colour themes (their colours live in `assets/themes/*.ron`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeName {
    Dark,
    Light,
    HighContrast,
}

impl ThemeName {
    pub const ALL: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast];

    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high-contrast",
        }
    }

    /// The theme called `name` (`dark`, `light`, `high-contrast`).
    pub fn parse(name: &str) -> Option<ThemeName> {
        ThemeName::ALL
            .into_iter()
            .find(|t| t.as_str() == name.trim())
    }

    /// The theme `T` switches to.
    pub fn next(self) -> ThemeName {
        match self {
            ThemeName::Dark => ThemeName::Light,
            ThemeName::Light => ThemeName::HighContrast,
            ThemeName::HighContrast => ThemeName::Dark,
        }
    }
}

/// Which checklist column the arrow keys move in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Stages,
    Checks,
}

/// A one-line input with its purpose and the last validation error.
#[derive(Debug)]
pub struct Prompt {
    pub purpose: PromptPurpose,
    pub input: TextArea<'static>,
    pub error: Option<String>,
}

impl Prompt {
    pub fn new(purpose: PromptPurpose, initial: &str) -> Prompt {
        let mut input = TextArea::new(vec![initial.to_string()]);
        input.move_cursor(ratatui_textarea::CursorMove::End);
        if matches!(purpose, PromptPurpose::CredentialValue { .. }) {
            input.set_mask_char('•');
        }
        Prompt {
            purpose,
            input,
            error: None,
        }
    }

    /// The typed text (a prompt has one line).
    pub fn text(&self) -> String {
        self.input.lines().join(" ")
    }

    pub fn label(&self) -> String {
        match &self.purpose {
            PromptPurpose::SkipReason { .. } => "Why is this check skipped?".into(),
            PromptPurpose::Decision { verdict } => format!(
                "Decision: {} (Tab switches) — reason:",
                verdict.as_str().to_uppercase()
            ),
            PromptPurpose::Target { field } => format!("{} ({})", field.label(), field.hint()),
            PromptPurpose::CredentialName => "Credential name (letters, digits, - _ .)".into(),
            PromptPurpose::CredentialValue { name } => format!("Value for `{name}` (masked)"),
            PromptPurpose::AcceptReason {
                risks,
                title,
                pass: Some((_, status)),
            } => format!(
                "{title} has {} open finding(s). To mark it {status}, accept them — why? (Esc leaves it as is)",
                risks.len()
            ),
            PromptPurpose::AcceptReason { title, .. } => {
                format!("Accept “{title}” — why is it acceptable for launch?")
            }
            PromptPurpose::AcceptOwner { title, .. } => {
                format!("Who owns “{title}” from now on?")
            }
        }
    }
}

/// What a one-line prompt is asking for.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptPurpose {
    SkipReason {
        check_id: String,
    },
    Decision {
        verdict: Verdict,
    },
    Target {
        field: TargetField,
    },
    CredentialName,
    CredentialValue {
        name: String,
    },
    /// The reason for accepting `risks` (key, target) of the check titled `title`; `pass`
    /// is the check and status to set once accepted, when a hand pass asked for it.
    AcceptReason {
        risks: Vec<(String, String)>,
        title: String,
        pass: Option<(String, CheckStatus)>,
    },
    /// The owner of the risks accepted for `reason`.
    AcceptOwner {
        risks: Vec<(String, String)>,
        title: String,
        reason: String,
        pass: Option<(String, CheckStatus)>,
    },
}

/// Whether the OS keyring can be used, as last reported by the executor.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyringState {
    Checking,
    Available {
        backend: String,
        /// Whether the keyring holds a value, per name (see `KeyringReport::held`).
        held: BTreeMap<String, bool>,
    },
    Unavailable(String),
}

/// The names the credentials form lists: those the session has stored plus those its
/// targets name (the alert route), so a credential can be set before its first use.
pub fn credential_names(session: &Session, runbook: &Runbook) -> Vec<String> {
    let mut names = session.credentials.clone();
    names.extend(
        session
            .targets
            .routes()
            .iter()
            .map(|r| r.credential().to_string()),
    );
    // A Cloudflare audit in the runbook needs its token, so the form offers it unset.
    if runbook
        .checks()
        .any(|(_, c)| c.run.kind().is_some_and(|k| k.id == KindId::CloudflareZone))
    {
        names.push(launch_ready_checks::cloudflare::CREDENTIAL.to_string());
    }
    names.sort();
    names.dedup();
    names
}

/// The credentials form: the session's credential names and an optional entry prompt.
#[derive(Debug)]
pub struct CredentialsForm {
    pub keyring: KeyringState,
    pub selected: usize,
    pub entry: Option<Prompt>,
}

/// Which read-only page a `Modal::Brief` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BriefPage {
    /// The stage of this index: its goal, deliverables, failure signals, the automation
    /// that names its check kinds and the runbook's "do not overbuild" list.
    Stage(usize),
    /// The runbook's minimum bar, each requirement with the state its checks give it.
    MinimumBar,
}

/// An overlay that takes the keyboard.
#[derive(Debug)]
pub enum Modal {
    /// The selected check's note, being edited. The text is copied into the session as a
    /// draft on every clock tick (so a killed process keeps it); `original` is what Ctrl-X
    /// puts back.
    Note {
        check_id: String,
        editor: TextArea<'static>,
        original: String,
    },
    /// A new journal entry, being written under the list of earlier ones.
    Journal {
        editor: TextArea<'static>,
    },
    Prompt(Prompt),
    /// Severity override picker; index 0 is "runbook default", then `Severity::ALL`.
    Severity {
        check_id: String,
        selected: usize,
    },
    Help {
        scroll: u16,
    },
    /// A read-only page of runbook text (the stage brief, the minimum bar), scrolled.
    Brief {
        page: BriefPage,
        scroll: u16,
    },
    Credentials(CredentialsForm),
    /// `q` while the last save failed: retry, write a copy, discard or stay. `retrying` is
    /// set while a retry is on its way; `note` says what the last choice did.
    Unsaved {
        retrying: bool,
        note: Option<String>,
    },
    /// The open risks one at a time, large (`index` into the folded risk list).
    RiskCard {
        index: usize,
    },
    /// A check that sends load, waiting for the operator's yes.
    LoadConfirm(super::load_view::LoadConfirm),
}

/// The furthest each scrollable pane can scroll before it would show only blank rows. Only
/// a draw knows how text wraps, so the view writes these (hence `Cell`, behind `&App`) and
/// the keys stop there; until the first draw they do not limit anything.
#[derive(Debug)]
pub struct ScrollRoom {
    pub detail: Cell<u16>,
    pub help: Cell<u16>,
    /// How far the open brief (stage brief, minimum bar) can scroll.
    pub brief: Cell<u16>,
    /// First row of the timeline or risk list that still fills the pane.
    pub list: Cell<usize>,
    /// Rows of the timeline or risk list the pane shows at once.
    pub list_rows: Cell<usize>,
    /// Screen row of the selected check, risk or target as the last frame drew it, so a
    /// prompt about that row (skip reason, acceptance, severity, a target's value) is
    /// placed clear of it.
    pub selected_y: Cell<Option<u16>>,
}

impl Default for ScrollRoom {
    fn default() -> Self {
        ScrollRoom {
            detail: Cell::new(u16::MAX),
            help: Cell::new(u16::MAX),
            brief: Cell::new(u16::MAX),
            list: Cell::new(usize::MAX),
            list_rows: Cell::new(usize::MAX),
            selected_y: Cell::new(None),
        }
    }
}

/// What the keyboard currently drives; the keymap picks its table from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputMode {
    /// No modal: the screen's own keys plus the global ones.
    Normal(Screen),
    /// A multi-line editor (note, journal).
    Editor,
    /// A one-line prompt (also the credential entry inside the credentials form).
    Prompt,
    /// The severity override picker.
    Severity,
    /// The key binding overlay.
    Help,
    /// A read-only brief (stage brief, minimum bar).
    Brief,
    /// The credentials form's list.
    Credentials,
    /// The session picker's list.
    Picker,
    /// The picker's "new session" form.
    PickerForm,
    /// The "unsaved changes" question on quit.
    Unsaved,
    /// The single-risk view.
    RiskCard,
    /// The confirmation before a load test.
    LoadConfirm,
}

/// What `u` restores on the targets screen.
#[derive(Debug, Clone)]
pub struct Removed {
    pub targets: Targets,
    pub network: NetworkSettings,
    /// The row the entry was on, selected again when it comes back.
    pub row: usize,
    /// The removed entry as it was shown, for the status line.
    pub what: String,
}

pub struct App {
    pub session: Session,
    pub runbook: Arc<Runbook>,
    /// The clock as of the last tick; views read it so a render is a pure function.
    pub now: OffsetDateTime,
    pub focus: Focus,
    pub modal: Option<Modal>,
    /// One-line message for the operator (errors, "not available yet", …); it fades
    /// `STATUS_TTL` after `status_at`.
    pub status: Option<String>,
    /// When `status` last changed.
    pub status_at: OffsetDateTime,
    pub save: SaveStatus,
    /// Why the last save failed, until a save succeeds again. Kept apart from `save`,
    /// which says `Pending` as soon as a newer change is queued, so a quit still knows that
    /// what is on disk is behind.
    pub save_error: Option<String>,
    /// Set when the operator chose to quit without the unsaved changes.
    pub discard_unsaved: bool,
    /// Checks with a run in flight.
    pub running: BTreeSet<String>,
    /// The status each running check had before it started, restored on cancel.
    pub previous: BTreeMap<String, CheckStatus>,
    /// Outcomes of the runs finished since `running` was last empty, for the summary the
    /// status line shows when the last one is in.
    pub batch: Vec<CheckStatus>,
    /// Latest progress line per running check.
    pub progress: BTreeMap<String, String>,
    /// After `C`: how many runs have reported cancelled so far, so the status line can
    /// say how many were stopped rather than name whichever check happened to be last.
    pub cancel_all: Option<usize>,
    pub spinner: usize,
    pub detail_scroll: u16,
    /// How far the scrollable panes can go, as measured by the last draw.
    pub scroll_room: ScrollRoom,
    /// Scroll offset of the timeline and risk lists.
    pub list_scroll: usize,
    /// Selected row of the risk list (one row per defect, then the accepted risks).
    pub risk_row: usize,
    /// Selected row of the targets screen.
    pub target_row: usize,
    /// The targets as they were before the last `x`, so `u` can put the entry back; any
    /// later edit of the targets clears it (restoring would undo that edit too).
    pub removed: Option<Removed>,
    pub size: (u16, u16),
    pub quitting: bool,
    /// False when `NO_COLOR` asks for a colourless screen (styles keep bold/reverse).
    pub color: bool,
    /// The colour theme (`T` switches; presenter mode always draws high-contrast).
    pub theme: ThemeName,
    /// The Monitor screen's live state (empty until a monitor runs).
    pub monitor: launch_ready_checks::monitor::board::Board,
    /// The demo lab's switchable route (its URL), monitored with the session's pages and
    /// taken down or brought back with `d`.
    pub demo_route: Option<String>,
    /// Alerts the demo lab's webhook and mail receivers got (the demo only), oldest first.
    pub lab_alerts: Vec<String>,
    /// The live view of the latest load test started from the checklist.
    pub load_view: Option<super::load_view::LoadView>,
}

impl App {
    /// Opens `session` on `runbook`: clamps the restored cursor to the runbook (it may have
    /// changed since), and turns statuses left `Running` by a killed process back into the
    /// latest result.
    pub fn new(mut session: Session, runbook: Arc<Runbook>, now: OffsetDateTime) -> App {
        let stages = runbook.stages.len();
        session.ui.stage = session.ui.stage.min(stages.saturating_sub(1));
        let checks = runbook
            .stages
            .get(session.ui.stage)
            .map_or(0, |s| s.checks.len());
        session.ui.check = session.ui.check.min(checks.saturating_sub(1));
        for state in session.checks.values_mut() {
            if state.status == CheckStatus::Running {
                state.status = state.latest().map_or(CheckStatus::Todo, |e| e.status);
            }
        }
        let stale = runbook
            .checks()
            .filter(|(_, c)| session.state(&c.id).is_some_and(|s| s.is_stale(now)))
            .count();
        let status = (stale > 0).then(|| {
            format!("{stale} result(s) are older than the freshness window: r re-runs a check")
        });
        App {
            session,
            runbook,
            now,
            focus: Focus::Checks,
            modal: None,
            status,
            status_at: now,
            save: SaveStatus::Idle,
            save_error: None,
            discard_unsaved: false,
            running: BTreeSet::new(),
            previous: BTreeMap::new(),
            batch: Vec::new(),
            progress: BTreeMap::new(),
            cancel_all: None,
            spinner: 0,
            detail_scroll: 0,
            scroll_room: ScrollRoom::default(),
            list_scroll: 0,
            risk_row: 0,
            target_row: 0,
            removed: None,
            size: (0, 0),
            quitting: false,
            color: true,
            theme: ThemeName::Dark,
            monitor: launch_ready_checks::monitor::board::Board::default(),
            demo_route: None,
            lab_alerts: Vec::new(),
            load_view: None,
        }
    }

    pub fn screen(&self) -> Screen {
        self.session.ui.screen
    }

    pub fn presenter(&self) -> bool {
        self.session.ui.presenter
    }

    pub fn stage_index(&self) -> usize {
        self.session.ui.stage
    }

    pub fn stage(&self) -> Option<&Stage> {
        self.runbook.stages.get(self.session.ui.stage)
    }

    pub fn check_index(&self) -> usize {
        self.session.ui.check
    }

    pub fn selected_check(&self) -> Option<&Check> {
        self.stage()
            .and_then(|s| s.checks.get(self.session.ui.check))
    }

    /// The severity a check weighs with: the operator's override, else the runbook's.
    pub fn effective_severity(&self, check: &Check) -> Severity {
        self.session
            .state(&check.id)
            .and_then(|s| s.severity_override)
            .unwrap_or(check.severity)
    }

    pub fn input_mode(&self) -> InputMode {
        match &self.modal {
            None => InputMode::Normal(self.screen()),
            Some(Modal::Note { .. } | Modal::Journal { .. }) => InputMode::Editor,
            Some(Modal::Prompt(_)) => InputMode::Prompt,
            Some(Modal::Severity { .. }) => InputMode::Severity,
            Some(Modal::Help { .. }) => InputMode::Help,
            Some(Modal::Brief { .. }) => InputMode::Brief,
            Some(Modal::Credentials(f)) if f.entry.is_some() => InputMode::Prompt,
            Some(Modal::Credentials(_)) => InputMode::Credentials,
            Some(Modal::Unsaved { .. }) => InputMode::Unsaved,
            Some(Modal::RiskCard { .. }) => InputMode::RiskCard,
            Some(Modal::LoadConfirm(_)) => InputMode::LoadConfirm,
        }
    }

    /// True when this check's note and evidence must not be drawn right now.
    pub fn redacted(&self, check: &Check) -> bool {
        self.presenter() && check.sensitive
    }
}
