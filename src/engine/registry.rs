//! Which check kinds this build can run, and the function behind each. A kind missing
//! here is reported as "not available in this build" rather than failing.
//!
//! The table is a value (not only a `match`) so a test can replace an entry with a check
//! that panics or counts how many run at once: the one seam where reality cannot be
//! reached on demand.

use super::Scope;
use super::targets::Target;
use crate::checks::{dns, email};
use crate::net::Net;
use crate::session::model::CheckOutcome;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What a check gets: the shared network, its one target, the run's scope and the
/// runbook parameters of the job.
#[derive(Clone)]
pub struct CheckInput {
    pub net: Arc<Net>,
    pub target: Target,
    pub scope: Arc<Scope>,
    pub params: Arc<BTreeMap<String, String>>,
}

pub type CheckFuture = Pin<Box<dyn Future<Output = CheckOutcome> + Send>>;
/// A check implementation: one target in, one outcome out.
pub type CheckFn = Arc<dyn Fn(CheckInput) -> CheckFuture + Send + Sync>;

/// Kind name → implementation.
#[derive(Clone, Default)]
pub struct Registry {
    checks: HashMap<&'static str, CheckFn>,
}

impl Registry {
    /// Every check this build implements.
    pub fn builtin() -> Registry {
        let mut r = Registry::default();
        r.insert("dns.records", |i: CheckInput| async move {
            dns::records(&i.net, &i.target.name, &i.target.role).await
        });
        r.insert("dns.apex_www", |i: CheckInput| async move {
            dns::apex_www(&i.net, &i.target.name).await
        });
        r.insert("dns.caa", |i: CheckInput| async move {
            dns::caa(&i.net, &i.target.name).await
        });
        r.insert("dns.provider", |i: CheckInput| async move {
            dns::provider(&i.net, &i.target.name).await
        });
        r.insert("dns.staging", |i: CheckInput| async move {
            dns::staging(&i.net, &i.target.name).await
        });
        register_email(&mut r);
        super::adapters::register(&mut r);
        r
    }

    /// Adds or replaces the check behind `kind`.
    pub fn insert<F, Fut>(&mut self, kind: &'static str, check: F)
    where
        F: Fn(CheckInput) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CheckOutcome> + Send + 'static,
    {
        self.checks
            .insert(kind, Arc::new(move |i| Box::pin(check(i)) as CheckFuture));
    }

    pub fn get(&self, kind: &str) -> Option<CheckFn> {
        self.checks.get(kind).cloned()
    }

    pub fn contains(&self, kind: &str) -> bool {
        self.checks.contains_key(kind)
    }
}

/// DKIM selectors to try: the job's `selectors` parameter (comma-separated), the
/// session's, then common ones.
pub fn dkim_selectors(input: &CheckInput) -> Vec<String> {
    let mut out: Vec<String> = input
        .params
        .get("selectors")
        .map(|s| {
            s.split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect()
        })
        .unwrap_or_default();
    for s in &input.scope.targets.dkim_selectors {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

/// The email family: the evaluators ask DNS through `ResolverDns`, the shared resolver
/// behind the family's `EmailDns` trait.
fn register_email(r: &mut Registry) {
    r.insert("email.mx", |i: CheckInput| async move {
        email::mx::check_mx(&email::ResolverDns(i.net.resolver.clone()), &i.target.name).await
    });
    r.insert("email.spf", |i: CheckInput| async move {
        email::spf::check_spf(&email::ResolverDns(i.net.resolver.clone()), &i.target.name).await
    });
    r.insert("email.dmarc", |i: CheckInput| async move {
        email::dmarc::check_dmarc(&email::ResolverDns(i.net.resolver.clone()), &i.target.name).await
    });
    r.insert("email.dkim", |i: CheckInput| async move {
        let selectors = dkim_selectors(&i);
        email::dkim::check_dkim(
            &email::ResolverDns(i.net.resolver.clone()),
            &i.target.name,
            &selectors,
        )
        .await
    });
}
