//! The clock escalation runs on. Escalation delays are minutes (the runbooks say ten or
//! fifteen), while probes, deliveries and retries are seconds against real servers; pausing
//! tokio's clock would also fire every socket timeout, so only escalation reads this clock.
//! The monitor uses `SystemClock`; tests and the drill use `ManualClock` and move it past
//! the escalation delay themselves, so the whole path runs in seconds with real routes.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// A future the clock resolves.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Time as escalation sees it.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Instant;
    /// Resolves once `now() >= deadline`.
    fn sleep_until(&self, deadline: Instant) -> Sleep;
}

/// Tokio's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep_until(&self, deadline: Instant) -> Sleep {
        Box::pin(tokio::time::sleep_until(deadline))
    }
}

/// A clock that stands still until `advance` moves it.
#[derive(Debug)]
pub struct ManualClock {
    base: Instant,
    offset: watch::Sender<Duration>,
}

impl ManualClock {
    pub fn new() -> Arc<ManualClock> {
        Arc::new(ManualClock {
            base: Instant::now(),
            offset: watch::Sender::new(Duration::ZERO),
        })
    }

    /// Moves the clock forward by `by`, waking every sleep whose deadline has passed.
    pub fn advance(&self, by: Duration) {
        self.offset.send_modify(|o| *o = o.saturating_add(by));
    }

    /// How far the clock has been moved.
    pub fn elapsed(&self) -> Duration {
        *self.offset.borrow()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.base + *self.offset.borrow()
    }

    fn sleep_until(&self, deadline: Instant) -> Sleep {
        let mut rx = self.offset.subscribe();
        let base = self.base;
        Box::pin(async move {
            loop {
                if base + *rx.borrow_and_update() >= deadline {
                    return;
                }
                if rx.changed().await.is_err() {
                    // The clock is gone: it will never move again.
                    std::future::pending::<()>().await;
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manual_sleep_ends_only_when_the_clock_passes_its_deadline() {
        let clock = ManualClock::new();
        let deadline = clock.now() + Duration::from_secs(600);
        let sleep = tokio::spawn(clock.sleep_until(deadline));
        clock.advance(Duration::from_secs(599));
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!sleep.is_finished());
        clock.advance(Duration::from_secs(1));
        tokio::time::timeout(Duration::from_secs(1), sleep)
            .await
            .expect("woken")
            .expect("no panic");
        assert_eq!(clock.elapsed(), Duration::from_secs(600));
    }
}
