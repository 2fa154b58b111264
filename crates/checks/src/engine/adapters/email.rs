//! The email family from a `CheckInput`: the evaluators ask DNS through `ResolverDns`, the
//! run's resolver behind the family's `EmailDns` trait, so their lookups share the run's
//! answers with every other check.

use crate::email;
use crate::engine::registry::{CheckInput, Registry};
use launch_ready_core::catalog::KindId;

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

pub fn register(r: &mut Registry) {
    r.insert(KindId::EmailMx, |i: CheckInput| async move {
        email::mx::check_mx(&email::ResolverDns(i.net.resolver.clone()), &i.target.name).await
    });
    r.insert(KindId::EmailSpf, |i: CheckInput| async move {
        email::spf::check_spf(&email::ResolverDns(i.net.resolver.clone()), &i.target.name).await
    });
    r.insert(KindId::EmailDmarc, |i: CheckInput| async move {
        email::dmarc::check_dmarc(&email::ResolverDns(i.net.resolver.clone()), &i.target.name).await
    });
    r.insert(KindId::EmailDkim, |i: CheckInput| async move {
        let selectors = dkim_selectors(&i);
        email::dkim::check_dkim(
            &email::ResolverDns(i.net.resolver.clone()),
            &i.target.name,
            &selectors,
        )
        .await
    });
}
