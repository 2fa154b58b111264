//! A job's progress line: long jobs (a load test, a history scan) report as they go, but
//! the UI redraws at a frame rate, so `Progress` forwards at most one line per job every
//! `EVERY` and keeps the latest; the aggregation happens here, off the UI thread.
//! (Credentials, the other thing a job reaches besides the network, are `crate::credentials`.)

use super::EngineEvent;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// A job's progress line, forwarded at most once every `EVERY`.
pub struct Progress {
    check_id: String,
    tx: UnboundedSender<EngineEvent>,
    last: Mutex<Option<Instant>>,
}

impl Progress {
    /// The most a progress line is forwarded: about a frame of the TUI.
    pub const EVERY: Duration = Duration::from_millis(100);

    pub fn new(check_id: String, tx: UnboundedSender<EngineEvent>) -> Progress {
        Progress {
            check_id,
            tx,
            last: Mutex::new(None),
        }
    }

    /// Reports `message` unless a line went out less than `EVERY` ago.
    pub fn report(&self, message: impl Into<String>) {
        let now = Instant::now();
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        if last.is_some_and(|t| now.duration_since(t) < Self::EVERY) {
            return;
        }
        *last = Some(now);
        let _ = self.tx.send(EngineEvent::Progress {
            check_id: self.check_id.clone(),
            message: message.into(),
        });
    }
}

impl Progress {
    /// Forwards one interval of a load test. Not throttled: the generator's ticker already
    /// sends one per interval (a second), aggregated on its side.
    pub fn load_sample(&self, target: &str, snapshot: crate::perf::Snapshot) {
        let _ = self.tx.send(EngineEvent::LoadSample {
            check_id: self.check_id.clone(),
            target: target.to_string(),
            snapshot: Box::new(snapshot),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc::unbounded_channel;

    #[test]
    fn progress_is_throttled() {
        let (tx, mut rx) = unbounded_channel();
        let p = Progress::new("c".into(), tx);
        for i in 0..1000 {
            p.report(format!("{i}"));
        }
        let mut n = 0;
        while rx.try_recv().is_ok() {
            n += 1;
        }
        assert_eq!(n, 1, "a burst becomes one line");
    }
}
