//! Probe once, judge many: a per-run table of answers shared by every check of the run.
//!
//! Checks of one run ask the same questions (the entry page of a host, its A records) from
//! many tasks at once. The first asker does the work; the others wait on the same cell
//! and get a clone of the answer, so a page is fetched once however many checks judge
//! it. A cell whose first asker was cancelled (its deadline passed) is taken over by the
//! next asker rather than left empty. The table lives as long as the run's `Net`, so a
//! new run asks again.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// Answers by key, computed at most once each (unless the computation is cancelled).
pub struct Memo<K, V> {
    cells: Mutex<HashMap<K, Arc<OnceCell<V>>>>,
    computed: AtomicU64,
    shared: AtomicU64,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            cells: Mutex::new(HashMap::new()),
            computed: AtomicU64::new(0),
            shared: AtomicU64::new(0),
        }
    }
}

impl<K, V> std::fmt::Debug for Memo<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo")
            .field("computed", &self.computed.load(Ordering::Relaxed))
            .field("shared", &self.shared.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Memo<K, V> {
    /// The answer for `key`: computed by `compute` when no one has, else shared.
    pub async fn get_or_compute<F, Fut>(&self, key: K, compute: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let cell = {
            // A poisoned table only means another task panicked mid-insert; the map itself
            // is still consistent, so keep using it.
            let mut cells = self
                .cells
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            cells.entry(key).or_default().clone()
        };
        let mut ran = false;
        let value = cell
            .get_or_init(|| {
                ran = true;
                compute()
            })
            .await
            .clone();
        let counter = if ran { &self.computed } else { &self.shared };
        counter.fetch_add(1, Ordering::Relaxed);
        value
    }

    /// How many answers were computed, and how many askers got one computed for another.
    pub fn stats(&self) -> (u64, u64) {
        (
            self.computed.load(Ordering::Relaxed),
            self.shared.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Memo;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    // The clock is paused: the sleeps below only order the tasks, and cost no real time.
    #[tokio::test(start_paused = true)]
    async fn concurrent_askers_share_one_computation() {
        let memo: Arc<Memo<&str, u32>> = Arc::new(Memo::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::new();
        for _ in 0..8 {
            let (memo, runs) = (memo.clone(), runs.clone());
            handles.push(tokio::spawn(async move {
                memo.get_or_compute("page", || async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    7
                })
                .await
            }));
        }
        for h in handles {
            assert_eq!(h.await.unwrap(), 7);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(memo.stats(), (1, 7));
        assert_eq!(memo.get_or_compute("other", || async { 9 }).await, 9);
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_first_asker_hands_the_work_over() {
        let memo: Arc<Memo<&str, u32>> = Arc::new(Memo::default());
        let slow = memo.get_or_compute("k", || async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            1
        });
        assert!(
            tokio::time::timeout(Duration::from_millis(20), slow)
                .await
                .is_err()
        );
        assert_eq!(memo.get_or_compute("k", || async { 2 }).await, 2);
    }
}
