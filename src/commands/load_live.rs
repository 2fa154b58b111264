//! `load --live`: the live view of a load test on the terminal. The generator runs on the
//! network runtime's workers and its ticker aggregates samples into snapshots there; this
//! loop owns the main thread and only drains snapshots, draws at most every `FRAME` and
//! answers keys, so the view keeps up however many connections the run has.
//!
//! It also measures itself (frames, the longest gap between two frames, the slowest time
//! from a key press to the frame that shows it), which `BENCHMARKS.md` quotes.

use crate::tui::terminal::Guard;
use crate::tui::view::load::{LiveLoad, draw};
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use launch_ready_checks::perf::{Measured, PerfError, Snapshot};
use serde::Serialize;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Redraw interval (20 frames a second).
const FRAME: Duration = Duration::from_millis(50);

/// How responsive the view was.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UiStats {
    pub frames: u64,
    /// Longest time between two consecutive frames while the run was going.
    pub max_frame_gap_ms: f64,
    /// Slowest time from reading a key to the end of the frame drawn after it.
    pub max_key_to_frame_ms: f64,
    pub keys: u64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Shows the run until it ends and a key is pressed; q, Esc or Ctrl-C cancels it.
pub fn show(
    mut rx: UnboundedReceiver<Snapshot>,
    run: &JoinHandle<Result<Measured, PerfError>>,
    token: &CancellationToken,
    mut live: LiveLoad,
) -> std::io::Result<UiStats> {
    let mut guard = Guard::enter()?;
    let mut stats = UiStats::default();
    let mut last_frame: Option<Instant> = None;
    let mut key_at: Option<Instant> = None;
    // Bounded: the run is bounded by its plan, and after it one key (or 10 minutes) ends this.
    let give_up =
        Instant::now() + launch_ready_checks::perf::load::MAX_DURATION + Duration::from_secs(600);
    while Instant::now() < give_up {
        while let Ok(s) = rx.try_recv() {
            live.push(s);
        }
        let was_finished = live.finished;
        live.finished = run.is_finished();
        guard.terminal.draw(|f| draw(f, f.area(), &live))?;
        let now = Instant::now();
        if let Some(prev) = last_frame
            && !was_finished
        {
            stats.max_frame_gap_ms = stats.max_frame_gap_ms.max(ms(now - prev));
        }
        last_frame = Some(now);
        stats.frames += 1;
        if let Some(k) = key_at.take() {
            stats.max_key_to_frame_ms = stats.max_key_to_frame_ms.max(ms(now - k));
        }
        if !event::poll(FRAME)? {
            continue;
        }
        let Event::Key(k) = event::read()? else {
            continue;
        };
        if k.kind != KeyEventKind::Press {
            continue;
        }
        stats.keys += 1;
        key_at = Some(Instant::now());
        if live.finished {
            break;
        }
        match k.code {
            KeyCode::Char('q') | KeyCode::Esc => token.cancel(),
            KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => token.cancel(),
            KeyCode::Tab => live.next_route(),
            _ => {}
        }
    }
    Ok(stats)
}
