//! The http family from a `CheckInput`. Page kinds get the page URL the engine expanded
//! (each host's entry page and each route); host kinds build `https://<host>/`;
//! `http.redirects` takes the session's apex and www together on the site target, and
//! any other host alone. A host with no address is skipped with a pointer to
//! `dns.unresolvable` (see `reach`), and every exchange goes through the run's memo. Every request goes
//! through the network's cross-scheme client (redirects off, extra roots, `connect_to` and
//! the shared resolver), bounded by the session's per-operation timeout.

use super::reach::{host_ready, url_host};
use crate::engine::registry::{CheckInput, Registry};
use crate::engine::targets;
use crate::http::cors::{CorsContext, check_cors_with};
use crate::http::{
    HttpLimits, check_availability, check_bundle, check_cache, check_exposure, check_headers,
    check_mixed_content, check_payload, check_redirects_within,
};
use crate::net::Net;
use crate::net::guard::HostGuard;
use launch_ready_core::catalog::KindId;
use launch_ready_core::evidence::Observed;
use launch_ready_core::outcome;
use launch_ready_core::session::model::{CheckOutcome, Targets};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

pub fn register(r: &mut Registry) {
    r.insert(KindId::HttpAvailability, |i: CheckInput| {
        on_url(
            i,
            |c, u, l| async move { check_availability(&c, &u, &l).await },
        )
    });
    r.insert(KindId::HttpHeaders, |i: CheckInput| {
        on_url(i, |c, u, l| async move { check_headers(&c, &u, &l).await })
    });
    r.insert(KindId::HttpMixedContent, |i: CheckInput| {
        on_url(
            i,
            |c, u, l| async move { check_mixed_content(&c, &u, &l).await },
        )
    });
    r.insert(KindId::HttpCache, |i: CheckInput| {
        on_url(i, |c, u, l| async move { check_cache(&c, &u, &l).await })
    });
    r.insert(KindId::HttpCors, |i: CheckInput| {
        // The session's route behind the URL says whether it sends credentials and why
        // a wildcard may be fine there.
        let route = targets::route_for(&i.scope.targets, &i.target.name);
        let context = CorsContext {
            sends_credentials: route.is_some_and(|r| r.auth.is_some()),
            public_reason: route.and_then(|r| r.cors_public_reason.clone()),
        };
        on_url(i, |c, u, l| async move {
            check_cors_with(&c, &u, &context, &l).await
        })
    });
    r.insert(KindId::HttpBundle, |i: CheckInput| {
        on_url(i, |c, u, l| async move { check_bundle(&c, &u, &l).await })
    });
    r.insert(KindId::HttpPayload, |i: CheckInput| {
        let budget_kib = i.scope.thresholds.payload_budget_kib;
        on_url(i, move |c, u, l| async move {
            check_payload(&c, &u, &l, budget_kib).await
        })
    });
    r.insert(KindId::HttpExposure, |mut i: CheckInput| {
        i.target.name = site_url(&i.target.name);
        on_url(i, |c, u, l| async move { check_exposure(&c, &u, &l).await })
    });
    r.insert(KindId::HttpRedirects, |i: CheckInput| async move {
        // The site target judges the apex and www together (discovering the one nobody
        // named); any other host stands alone.
        let site = if i.target.role == targets::SITE_ROLE {
            targets::site(&i.scope.targets)
        } else {
            None
        };
        let (hosts, discovered) = match site {
            Some(s) => (s.hosts, s.discovered),
            None => (vec![i.target.name.clone()], None),
        };
        if let Err(o) = host_ready(&i.net, &i.target.name, &[80, 443]).await {
            return *o;
        }
        let (client, limits) = match client_and_limits(&i) {
            Ok(v) => v,
            Err(e) => return outcome::error(e),
        };
        // The typed host first: it names the result.
        let mut names: Vec<&str> = vec![i.target.name.as_str()];
        names.extend(
            hosts
                .iter()
                .map(String::as_str)
                .filter(|h| *h != i.target.name),
        );
        let hops_max = i
            .scope
            .thresholds
            .redirect_hops_max
            .unwrap_or(crate::http::redirects::DEFAULT_HOPS_MAX);
        let mut out = check_redirects_within(&client, &names, &limits, hops_max).await;
        if let Observed::Redirects(r) = &mut out.evidence {
            r.discovered = discovered;
        }
        out
    });
}

/// The bounds of every request: the session's per-operation timeout, the family's body cap.
pub fn limits(net: &Net) -> HttpLimits {
    HttpLimits {
        timeout: Duration::from_secs(net.settings.timeout_secs.max(1)),
        ..HttpLimits::default()
    }
}

/// The client and bounds the http family runs with, sharing the run's exchanges.
pub fn client_and_limits(
    i: &CheckInput,
) -> Result<(reqwest::Client, HttpLimits), crate::net::ClientError> {
    let limits = HttpLimits {
        memo: Some(i.scope.pages(&i.net)),
        guard: Arc::new(guard(&i.scope.targets, &i.net)),
        ..limits(&i.net)
    };
    Ok((i.net.web_client()?, limits))
}

/// The rule for URLs a page names: the run's own hosts and the operator's `fetch_hosts`
/// may be anywhere; other hosts are judged by the addresses the web client would dial
/// (its `connect_to` entries, then the run's resolver).
pub fn guard(targets: &Targets, net: &Net) -> HostGuard {
    let mut own = targets::own_hosts(targets);
    own.extend(net.settings.fetch_hosts.iter().cloned());
    HostGuard::new(
        own,
        net.settings
            .connect_to
            .iter()
            .map(|c| (c.host.clone(), c.to.ip())),
        Some(net.resolver.clone()),
    )
}

/// The page a host serves at its root over HTTPS.
pub fn site_url(host: &str) -> String {
    format!("https://{host}/")
}

/// Runs `check` on the target's URL with the job's client and bounds, once its host is
/// known to have an address.
async fn on_url<F, Fut>(i: CheckInput, check: F) -> CheckOutcome
where
    F: FnOnce(reqwest::Client, String, HttpLimits) -> Fut,
    Fut: Future<Output = CheckOutcome>,
{
    if let Some((host, ports)) = url_host(&i.target.name)
        && let Err(o) = host_ready(&i.net, &host, &ports).await
    {
        return *o;
    }
    match client_and_limits(&i) {
        Ok((client, limits)) => check(client, i.target.name, limits).await,
        Err(e) => outcome::error(e),
    }
}
