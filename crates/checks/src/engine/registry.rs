//! The table from kind to the function behind it, and what such a function gets.
//! Which functions fill it is `adapters::builtin`'s business (the wiring), so this module
//! depends on no family; a kind missing here is reported as "not available in this
//! build" rather than failing.
//!
//! The table is a value (not only a `match`) so a test can replace an entry with a check
//! that panics or counts how many run at once: the one seam where reality cannot be
//! reached on demand.
//!
//! A check is registered as a network check (it gets the run's `Net`) or a local one (it
//! gets no network at all), and the kind table's `needs_network` must agree (a test holds
//! it to that). The engine builds the network stack only for network checks, so bad
//! network settings are an error on those and never on a repository scan.

use super::Scope;
use super::targets::Target;
use crate::net::Net;
use launch_ready_core::catalog::KindId;
use launch_ready_core::session::model::CheckOutcome;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What a network check gets: the shared network, its one target, the run's scope (with
/// its credentials), the runbook parameters of the job and its progress line.
#[derive(Clone)]
pub struct CheckInput {
    pub net: Arc<Net>,
    pub target: Target,
    pub scope: Arc<Scope>,
    pub params: Arc<BTreeMap<String, String>>,
    /// The job's progress line (throttled).
    pub progress: Arc<super::access::Progress>,
}

/// What a local check gets: everything a network check gets but the network.
#[derive(Clone)]
pub struct LocalInput {
    pub target: Target,
    pub scope: Arc<Scope>,
    pub params: Arc<BTreeMap<String, String>>,
    /// The job's progress line (throttled).
    pub progress: Arc<super::access::Progress>,
}

pub type CheckFuture = Pin<Box<dyn Future<Output = CheckOutcome> + Send>>;
/// A network check: one target in, one outcome out.
pub type CheckFn = Arc<dyn Fn(CheckInput) -> CheckFuture + Send + Sync>;
/// A local check (files only): one target in, one outcome out.
pub type LocalFn = Arc<dyn Fn(LocalInput) -> CheckFuture + Send + Sync>;

/// The implementation behind a kind, by what it may reach.
#[derive(Clone)]
pub enum Check {
    Network(CheckFn),
    Local(LocalFn),
}

impl Check {
    pub fn needs_network(&self) -> bool {
        matches!(self, Check::Network(_))
    }
}

/// Kind → implementation.
#[derive(Clone, Default)]
pub struct Registry {
    checks: HashMap<KindId, Check>,
}

impl Registry {
    /// Adds or replaces the network check behind `kind`.
    pub fn insert<F, Fut>(&mut self, kind: KindId, check: F)
    where
        F: Fn(CheckInput) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CheckOutcome> + Send + 'static,
    {
        self.checks.insert(
            kind,
            Check::Network(Arc::new(move |i| Box::pin(check(i)) as CheckFuture)),
        );
    }

    /// Adds or replaces the local check behind `kind`.
    pub fn insert_local<F, Fut>(&mut self, kind: KindId, check: F)
    where
        F: Fn(LocalInput) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CheckOutcome> + Send + 'static,
    {
        self.checks.insert(
            kind,
            Check::Local(Arc::new(move |i| Box::pin(check(i)) as CheckFuture)),
        );
    }

    pub fn get(&self, kind: KindId) -> Option<Check> {
        self.checks.get(&kind).cloned()
    }

    pub fn contains(&self, kind: KindId) -> bool {
        self.checks.contains_key(&kind)
    }
}

#[cfg(test)]
mod tests {
    use launch_ready_core::catalog::KINDS;

    /// The kind table and the registry agree: a kind declared built is wired, and a kind
    /// wired is declared built (so the TUI never offers what cannot run, nor hides what
    /// can).
    #[test]
    fn every_built_kind_is_registered_and_only_those() {
        let r = crate::engine::adapters::builtin();
        for k in KINDS {
            assert_eq!(
                r.contains(k.id),
                k.profile.built,
                "{}: declared built = {}, registered = {}",
                k.name,
                k.profile.built,
                r.contains(k.id)
            );
        }
        assert_eq!(
            r.checks.len(),
            KINDS.iter().filter(|k| k.profile.built).count(),
            "a registered name that is not in the kind table"
        );
    }

    /// A kind gets the network exactly when the kind table says it needs it, so bad
    /// network settings reach the kinds that use them and no others.
    #[test]
    fn network_kinds_and_only_those_get_the_network() {
        let r = crate::engine::adapters::builtin();
        for k in KINDS.iter().filter(|k| k.profile.built) {
            let check = r.get(k.id).expect("registered");
            assert_eq!(
                check.needs_network(),
                k.profile.needs_network,
                "{}: registered as {}, the kind table says needs_network = {}",
                k.name,
                if check.needs_network() {
                    "network"
                } else {
                    "local"
                },
                k.profile.needs_network
            );
        }
    }
}
