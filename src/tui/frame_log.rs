//! A frame timing log for measuring the TUI's responsiveness (BENCHMARKS.md): with
//! `LAUNCH_READY_FRAME_LOG=FILE` set, each drawn frame appends one line to FILE:
//! milliseconds since start, the gap since the previous frame, the draw's own time, and,
//! when a key came in since the last frame, the time from that key's arrival to the end
//! of this frame. Off unless asked, and nothing is written but those numbers.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

/// The environment variable naming the log file.
pub const ENV: &str = "LAUNCH_READY_FRAME_LOG";

pub struct FrameLog {
    out: BufWriter<File>,
    start: Instant,
    last_frame: Option<Instant>,
    key_at: Option<Instant>,
}

impl FrameLog {
    /// The log the environment asks for; none when unset or when the file cannot be made.
    pub fn from_env() -> Option<FrameLog> {
        let path = std::env::var_os(ENV)?;
        let mut out = BufWriter::new(File::create(path).ok()?);
        let _ = writeln!(out, "# t_ms gap_ms draw_ms key_to_frame_ms");
        Some(FrameLog {
            out,
            start: Instant::now(),
            last_frame: None,
            key_at: None,
        })
    }

    /// A key arrived; the first one since the last frame is the one timed.
    pub fn key(&mut self) {
        self.key_at.get_or_insert_with(Instant::now);
    }

    /// A frame was drawn, starting at `began`.
    pub fn frame(&mut self, began: Instant) {
        let now = Instant::now();
        let ms = |a: Instant, b: Instant| b.saturating_duration_since(a).as_secs_f64() * 1000.0;
        let gap = self.last_frame.map_or(0.0, |l| ms(l, now));
        let key = self
            .key_at
            .take()
            .map_or_else(|| "-".to_string(), |k| format!("{:.2}", ms(k, now)));
        let _ = writeln!(
            self.out,
            "{:.1} {gap:.2} {:.2} {key}",
            ms(self.start, now),
            ms(began, now)
        );
        let _ = self.out.flush();
        self.last_frame = Some(now);
    }
}
