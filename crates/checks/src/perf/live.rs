//! What a live view of a load test holds: a bounded window of interval snapshots and the
//! per-route totals so far (errors by kind, latency histogram). Plain data, fed one
//! snapshot at a time by whoever receives them (the `load` command's view, the TUI's
//! state), and drawn by `tui::view::load`.

use super::Snapshot;
use std::collections::{BTreeMap, VecDeque};

/// Snapshots kept for the charts (two minutes at one per second).
pub const KEEP: usize = 120;

/// What the live view shows, fed one snapshot at a time.
#[derive(Debug, Clone, Default)]
pub struct LiveLoad {
    pub title: String,
    pub routes: Vec<String>,
    pub selected: usize,
    pub elapsed_s: f64,
    pub finished: bool,
    /// The key line under the view; the `load` command's own when empty.
    pub keys: String,
    pub points: VecDeque<Snapshot>,
    /// Per route: errors by kind and the latency histogram over the whole run so far
    /// (bucket upper bound in µs → count; a few dozen keys at most).
    pub errors: Vec<[u64; 5]>,
    pub histogram: Vec<BTreeMap<u64, u64>>,
}

impl LiveLoad {
    pub fn new(title: impl Into<String>, routes: Vec<String>) -> LiveLoad {
        let n = routes.len();
        LiveLoad {
            title: title.into(),
            routes,
            errors: vec![[0; 5]; n],
            histogram: vec![BTreeMap::new(); n],
            ..LiveLoad::default()
        }
    }

    pub fn push(&mut self, s: Snapshot) {
        self.elapsed_s = s.at_s;
        for (i, r) in s.routes.iter().enumerate() {
            if let Some(e) = self.errors.get_mut(i) {
                for (k, n) in e.iter_mut().zip(r.errors_by_kind) {
                    *k += n;
                }
            }
            if let Some(h) = self.histogram.get_mut(i) {
                for b in &r.histogram {
                    *h.entry((b.le_ms * 1000.0).round() as u64).or_default() += b.count;
                }
            }
        }
        if self.points.len() == KEEP {
            self.points.pop_front();
        }
        self.points.push_back(s);
    }

    pub fn next_route(&mut self) {
        if !self.routes.is_empty() {
            self.selected = (self.selected + 1) % self.routes.len();
        }
    }
}
