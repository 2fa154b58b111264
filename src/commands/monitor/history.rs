//! Writes a headless run into the session's uptime history. The session stays locked for
//! the whole run (so the TUI cannot edit it underneath); probes are folded in as they
//! arrive and the file is written at most once per `EVERY` and once at the end, on the
//! blocking pool so a slow disk never delays the progress lines.

use launch_ready_checks::monitor::drill::DrillReport;
use launch_ready_checks::monitor::run::MonitorEvent;
use launch_ready_checks::monitor::state::{ProbeResult, Transition};
use launch_ready_core::session::Session;
use launch_ready_core::session::store::SessionFile;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// The most often the session file is rewritten during a run.
const EVERY: Duration = Duration::from_secs(1);

pub(super) struct Writer {
    file: Arc<SessionFile>,
    session: Session,
    dirty: bool,
    saved: Option<Instant>,
}

impl Writer {
    pub(super) fn new((file, session): (SessionFile, Session)) -> Writer {
        Writer {
            file: Arc::new(file),
            session,
            dirty: false,
            saved: None,
        }
    }

    /// Folds one monitor event in; `started` is the wall-clock start of the run.
    pub(super) async fn record(
        &mut self,
        urls: &[String],
        started: OffsetDateTime,
        interval: Duration,
        e: &MonitorEvent,
    ) {
        let log = &mut self.session.monitor;
        match e {
            MonitorEvent::Probed {
                target, at, result, ..
            } => {
                let Some(url) = urls.get(*target) else { return };
                let (up, latency, reason) = match result {
                    ProbeResult::Up { latency_ms, .. } => (true, Some(*latency_ms), None),
                    ProbeResult::Down { reason, latency_ms } => {
                        (false, *latency_ms, Some(reason.as_str()))
                    }
                };
                log.record_probe(url, started + *at, up, latency, reason, interval);
            }
            MonitorEvent::Changed {
                target,
                transition: Transition::Down { .. },
            } => {
                let Some(url) = urls.get(*target) else { return };
                log.record_outage(url);
            }
            _ => return,
        }
        self.dirty = true;
        if self.saved.is_none_or(|t| t.elapsed() >= EVERY) {
            // A failed intermediate save is retried by the next one and reported at the end.
            let _ = self.save().await;
        }
    }

    /// Records a drill's measurements.
    pub(super) fn record_drill(&mut self, r: &DrillReport) {
        self.session
            .monitor
            .record_drill(r.record(OffsetDateTime::now_utc()));
        self.dirty = true;
    }

    /// Writes what is left; the session's lock is released when this returns.
    pub(super) async fn finish(mut self) -> Result<(), String> {
        if self.dirty {
            self.save().await
        } else {
            Ok(())
        }
    }

    async fn save(&mut self) -> Result<(), String> {
        self.session.updated_at = OffsetDateTime::now_utc();
        let (file, snapshot) = (self.file.clone(), self.session.clone());
        self.saved = Some(Instant::now());
        let result = tokio::task::spawn_blocking(move || file.save(&snapshot))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string());
        if result.is_ok() {
            self.dirty = false;
        }
        result
    }
}
