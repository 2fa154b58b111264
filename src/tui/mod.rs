//! The only module that touches the terminal. `run_session` opens a session file, starts
//! the persistence actor and the engine, and drives one `tokio::select!` loop over terminal
//! events, engine events, save status, keyring outcomes and a clock tick. The loop never
//! awaits IO: each message goes through the pure `app::update`, the returned effects go to
//! the non-blocking executor, and the screen is redrawn when something changed, at most
//! about 30 times a second. `run_picker` lists sessions and opens or creates one.
//!
//! Without a terminal neither can work (raw mode needs one), so both say what to run
//! instead before touching anything. Opening the demo session, by any route, starts the
//! demo lab in this process, so its checks have something to answer them.

pub mod executor;
mod frame_log;
pub mod keymap;
pub mod monitor;
pub mod mouse;
pub mod terminal;
pub mod theme;
pub mod view;

use crate::app::picker::{NewSession, Picker, PickerOutcome, RunbookChoice};
use crate::app::{App, Msg, update};
use crate::failure::Failure;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use launch_ready_checks::engine::Engine;
use launch_ready_core::paths;
use launch_ready_core::runbook::Runbook;
use launch_ready_core::runbook::library::Library;
use launch_ready_core::session::Session;
use launch_ready_core::session::create::{self, SessionRequest};
use launch_ready_core::session::list::list_sessions;
use launch_ready_core::session::persist::{Persister, Unsaved};
use launch_ready_core::session::store::{SessionFile, StoreError};
use launch_ready_lab::demo::{RunningLab, is_demo};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::time::Instant;

/// Shortest time between two draws (about 30 frames a second).
const FRAME: Duration = Duration::from_millis(33);
/// Clock tick: sprint clock, spinner, "saved 2s ago".
const TICK: Duration = Duration::from_millis(250);
/// Shortest time between two snapshots of the session handed to the persister: a burst
/// of changes (a held key, a batch of results) costs one copy, and a change is on its way
/// to disk within this plus the persister's debounce.
const SNAPSHOT_EVERY: Duration = Duration::from_millis(100);
/// The picker's clock: its ages count whole seconds.
const PICKER_TICK: Duration = Duration::from_secs(1);

fn color_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The theme `LAUNCH_READY_THEME` names (`dark`, `light`, `high-contrast`), else dark.
fn theme_wanted() -> crate::app::state::ThemeName {
    std::env::var("LAUNCH_READY_THEME")
        .ok()
        .and_then(|v| crate::app::state::ThemeName::parse(&v))
        .unwrap_or(crate::app::state::ThemeName::Dark)
}

fn store_failure(e: &StoreError) -> Failure {
    Failure::usage(e.explained())
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))
}

/// What to run instead when there is no terminal for the picker.
const NO_TERMINAL_USAGE: &str =
    "the session picker needs an interactive terminal, and there is none here.
Without a terminal, use:
  launch-ready sessions                    list the sessions
  launch-ready new --runbook ID --client NAME --domain example.com --no-open
  launch-ready check --session NAME        run a session's checks headless
  launch-ready runbooks list               list the runbooks
Run `launch-ready --help` for every command.";

/// Refuses to start the TUI without a terminal on both ends: raw mode needs one for input,
/// and drawing into a pipe or file would only fill it with escape codes.
fn require_terminal(usage: &str) -> Result<(), Failure> {
    if terminal::available() {
        Ok(())
    } else {
        Err(Failure::usage(usage))
    }
}

/// A session file opened and locked, with its runbook, ready for the session loop.
struct Opened {
    file: SessionFile,
    session: Session,
    runbook: Arc<Runbook>,
    runbook_changed: bool,
    /// A message for the status line when the session opens.
    notice: Option<String>,
}

/// Opens and locks the session at `path` (or, after a corrupt file, its backup) and loads
/// its runbook. Everything that can refuse a session happens here, before the terminal is
/// taken, so the picker can show the refusal and stay.
fn open_session(path: &Path, from_backup: bool) -> Result<Opened, Failure> {
    let opened = if from_backup {
        SessionFile::open_backup(path)
    } else {
        SessionFile::open(path)
    };
    let (file, session) = opened.map_err(|e| store_failure(&e))?;
    let loaded = Library::installed()
        .find(&session.runbook.id, session.runbook.path.as_deref())
        .map_err(|e| {
            Failure::usage(format!(
                "{} follows runbook `{}`, which cannot be loaded: {e}",
                path.display(),
                session.runbook.id
            ))
        })?;
    Ok(Opened {
        notice: None,
        runbook_changed: loaded.hash != session.runbook.hash,
        runbook: Arc::new(loaded.runbook.clone()),
        file,
        session,
    })
}

/// Opens the session at `path` (or, after a corrupt file, its backup) in the TUI until the
/// operator quits. Opening the backup keeps writing to `path`: the store sets the unreadable
/// file aside on the first save.
pub fn run_session(path: &Path, from_backup: bool) -> Result<(), Failure> {
    // Opened first: what is wrong with the file is worth more than the missing terminal.
    let opened = open_session(path, from_backup)?;
    require_terminal(
        "opening a session needs an interactive terminal, and there is none here; \
         `launch-ready check --session NAME` runs its checks without one",
    )?;
    run_opened(&runtime()?, opened)
}

/// Runs the session loop on `rt`, with the demo lab alongside when it is the demo session.
fn run_opened(rt: &tokio::runtime::Runtime, mut opened: Opened) -> Result<(), Failure> {
    let lab = attach_demo_lab(&mut opened)?;
    let inbox = lab.as_ref().map(|l| l.lab().inbox());
    let result = rt.block_on(session_loop(opened, inbox));
    // Stopped outside `block_on`: the lab has its own runtime, which cannot be driven (or
    // dropped) from inside another one.
    if let Some(lab) = lab {
        lab.stop();
    }
    result
}

/// The demo session's checks only make sense against the demo lab, whose ports change on
/// every start: start it here and point the session at it, whichever way it was opened.
fn attach_demo_lab(opened: &mut Opened) -> Result<Option<RunningLab>, Failure> {
    if !is_demo(&opened.session) {
        return Ok(None);
    }
    let lab = RunningLab::start().map_err(|e| Failure::runtime(e.to_string()))?;
    lab.apply(&mut opened.session);
    // Written at once, so `check --session` run beside the TUI reaches this lab too.
    if let Err(e) = opened.file.save(&opened.session) {
        lab.stop();
        return Err(store_failure(&e));
    }
    opened.notice = Some("demo lab started in this process; it stops when you quit".into());
    Ok(Some(lab))
}

/// Sends the demo lab's received alerts to the screen whenever more arrive; stops with the
/// event loop.
async fn watch_lab_alerts(
    inbox: launch_ready_lab::LabInbox,
    to: tokio::sync::mpsc::UnboundedSender<Msg>,
) {
    let mut shown = 0;
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let n = inbox.count();
        if n != shown {
            shown = n;
            if to.send(Msg::LabAlerts(inbox.lines())).is_err() {
                return;
            }
        }
    }
}

/// The final save failed: keep the changes in a copy elsewhere and say where.
fn unsaved_failure(unsaved: Unsaved) -> Failure {
    let mut message = format!("the last save failed: {}", unsaved.error);
    match unsaved.snapshot {
        Some(snapshot) => {
            match launch_ready_core::session::rescue::write_copy(&snapshot, OffsetDateTime::now_utc()) {
                Ok(copy) => message.push_str(&format!(
                    "\nyour latest changes were written to {0}; open it with `launch-ready open {0}`",
                    copy.display()
                )),
                Err(e) => message.push_str(&format!("\nyour latest changes could not be kept: {e}")),
            }
        }
        None => message.push_str("\nthe latest changes were lost with the saving thread"),
    }
    Failure::runtime(message)
}

async fn session_loop(
    opened: Opened,
    lab_inbox: Option<launch_ready_lab::LabInbox>,
) -> Result<(), Failure> {
    let Opened {
        file,
        session,
        runbook,
        runbook_changed,
        notice,
    } = opened;
    let path = file.path.clone();
    let persister = Persister::spawn(file);
    let mut save_rx = persister.status();
    let (engine, mut engine_rx) = Engine::new();
    let (inbox_tx, mut inbox) = tokio::sync::mpsc::unbounded_channel::<Msg>();
    let mut executor = executor::Executor {
        save_due: false,
        persister,
        engine,
        inbox: inbox_tx,
        monitor: None,
        demo_route: None,
    };
    let demo = is_demo(&session);
    let mut app = App::new(session, runbook, OffsetDateTime::now_utc());
    app.color = color_wanted();
    app.theme = theme_wanted();
    if let Some(inbox) = lab_inbox {
        tokio::spawn(watch_lab_alerts(inbox, executor.inbox.clone()));
    }
    if demo && let Ok(route) = launch_ready_lab::switch::Switchable::start().await {
        app.demo_route = Some(route.url());
        executor.demo_route = Some(std::sync::Arc::new(route));
    }
    if runbook_changed {
        app.status = Some(
            "the runbook changed since this session began; statuses are kept by check id".into(),
        );
    } else if notice.is_some() {
        app.status = notice;
    }
    let mut guard = terminal::Guard::enter()
        .map_err(|e| Failure::runtime(format!("cannot use the terminal: {e}")))?;
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    let mut dirty = true;
    let mut next_frame = Instant::now();
    let mut failure = None;
    let mut save_open = true;
    let mut next_snapshot = Instant::now();
    let mut frame_log = frame_log::FrameLog::from_env();
    while !app.quitting {
        // One copy of the session per save interval, however many changes it holds.
        if executor.save_due && Instant::now() >= next_snapshot {
            executor.persister.save(app.session.clone());
            executor.save_due = false;
            next_snapshot = Instant::now() + SNAPSHOT_EVERY;
        }
        if dirty && Instant::now() >= next_frame {
            let began = std::time::Instant::now();
            if let Err(e) = guard.terminal.draw(|f| view::render(&app, f)) {
                failure = Some(Failure::runtime(format!("cannot draw: {e}")));
                break;
            }
            if let Some(log) = &mut frame_log {
                log.frame(began);
            }
            dirty = false;
            next_frame = Instant::now() + FRAME;
        }
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => match translate(&app, &guard, event) {
                    Some(msg @ Msg::Action(_)) => {
                        if let Some(log) = &mut frame_log {
                            log.key();
                        }
                        msg
                    }
                    Some(msg) => msg,
                    None => continue,
                },
                Some(Err(e)) => {
                    failure = Some(Failure::runtime(format!("terminal input failed: {e}")));
                    break;
                }
                None => break,
            },
            Some(event) = engine_rx.recv() => Msg::Engine(event),
            changed = save_rx.changed(), if save_open => match changed {
                Ok(()) => Msg::Saved(save_rx.borrow_and_update().clone()),
                Err(_) => {
                    save_open = false;
                    continue;
                }
            },
            Some(msg) = inbox.recv() => msg,
            _ = tick.tick() => Msg::Tick(OffsetDateTime::now_utc()),
            () = tokio::time::sleep_until(next_frame), if dirty => continue,
            () = tokio::time::sleep_until(next_snapshot), if executor.save_due => continue,
        };
        executor.run(update(&mut app, msg));
        // Drain whatever else is already waiting before the next draw.
        while let Ok(event) = engine_rx.try_recv() {
            executor.run(update(&mut app, Msg::Engine(event)));
        }
        while let Ok(msg) = inbox.try_recv() {
            executor.run(update(&mut app, msg));
        }
        dirty = true;
    }
    drop(guard);
    executor.engine.cancel_all();
    if let Some(m) = executor.monitor.take() {
        m.cancel();
    }
    if executor.save_due && !app.discard_unsaved {
        executor.persister.save(app.session.clone());
    }
    let flushed = if app.discard_unsaved {
        executor.persister.abandon().await;
        // The terminal is back, so this lands in the operator's shell, after the TUI.
        eprintln!(
            "launch-ready: unsaved changes discarded as asked; {} keeps its last saved version",
            path.display()
        );
        Ok(())
    } else {
        executor.persister.finish().await.map_err(unsaved_failure)
    };
    match failure {
        Some(f) => Err(f),
        None => flushed,
    }
}

/// A terminal event as a message for the session loop.
fn translate(app: &App, guard: &terminal::Guard, event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => keymap::map_key(app.input_mode(), key),
        Event::Mouse(mouse) => {
            let size = guard.terminal.size().ok()?;
            mouse::map_mouse(
                app,
                ratatui::layout::Rect::new(0, 0, size.width, size.height),
                mouse,
            )
        }
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// Creates the session chosen in the picker's form, with the same validation as
/// `launch-ready new`, and returns its path. The form has no name field, so a client that
/// already has a session gets the next free name (`acme-2`) instead of a refusal.
fn create_session(new: NewSession, dir: &Path) -> Result<PathBuf, Failure> {
    let base = launch_ready_core::session::naming::slug(&new.client);
    let name = (1..100)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|name| !dir.join(format!("{name}.ron")).exists());
    let request = SessionRequest {
        runbook: new.runbook_id,
        client: new.client,
        domain: new.domain,
        hosts: new
            .hosts
            .iter()
            .map(|h| format!("{}={}", h.role, h.host))
            .collect(),
        name: name.filter(|n| !n.is_empty()),
        path: None,
    };
    create::create(&request, &Library::installed(), OffsetDateTime::now_utc())
        .map(|c| c.path)
        .map_err(|e| Failure::usage(e.to_string()))
}

/// The session picker of a plain `launch-ready`: open a recent session or start a new one.
pub fn run_picker() -> Result<(), Failure> {
    require_terminal(NO_TERMINAL_USAGE)?;
    let dir = paths::sessions_dir()
        .ok_or_else(|| Failure::usage("no data folder: set LAUNCH_READY_DATA_DIR"))?;
    let library = Library::installed();
    let runbooks = library
        .runbooks
        .iter()
        .map(|l| RunbookChoice {
            id: l.runbook.id.clone(),
            title: l.runbook.title.clone(),
        })
        .collect();
    let now = OffsetDateTime::now_utc();
    let mut picker = Picker::new(list_sessions(&dir, now), runbooks, now);
    picker.color = color_wanted();
    let rt = runtime()?;
    // A session that cannot be created or opened (locked elsewhere, damaged, runbook gone)
    // is reported in the picker, which stays open for another choice.
    loop {
        let path = match rt.block_on(picker_loop(&mut picker))? {
            PickerOutcome::Open(path) => path,
            PickerOutcome::Create(new) => match create_session(new, &dir) {
                Ok(path) => path,
                Err(f) => {
                    if let Some(form) = &mut picker.form {
                        form.error = Some(f.message);
                    }
                    continue;
                }
            },
            PickerOutcome::Quit | PickerOutcome::Stay => return Ok(()),
        };
        picker.form = None;
        let now = OffsetDateTime::now_utc();
        picker.now = now;
        picker.sessions = list_sessions(&dir, now);
        match open_session(&path, false) {
            Ok(opened) => return run_opened(&rt, opened),
            Err(f) => {
                picker.selected = picker
                    .sessions
                    .iter()
                    .position(|s| s.path == path)
                    .unwrap_or(0);
                picker.status = Some(f.message);
            }
        }
    }
}

async fn picker_loop(picker: &mut Picker) -> Result<PickerOutcome, Failure> {
    let mut guard = terminal::Guard::enter()
        .map_err(|e| Failure::runtime(format!("cannot use the terminal: {e}")))?;
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(PICKER_TICK);
    loop {
        guard
            .terminal
            .draw(|f| view::picker::render(picker, f))
            .map_err(|e| Failure::runtime(format!("cannot draw: {e}")))?;
        let event = tokio::select! {
            event = events.next() => event,
            _ = tick.tick() => {
                // "7s ago" keeps counting while the list is open.
                picker.now = OffsetDateTime::now_utc();
                continue;
            }
        };
        let Some(event) = event else {
            return Ok(PickerOutcome::Quit);
        };
        let event = event.map_err(|e| Failure::runtime(format!("terminal input failed: {e}")))?;
        let Event::Key(key) = event else { continue };
        let outcome = match keymap::map_key(picker.input_mode(), key) {
            Some(Msg::Action(action)) => picker.action(action),
            Some(Msg::Text(input)) => {
                picker.text(input);
                PickerOutcome::Stay
            }
            _ => PickerOutcome::Stay,
        };
        if outcome != PickerOutcome::Stay {
            return Ok(outcome);
        }
    }
}
